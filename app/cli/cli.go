// Package cli is qmdesk's command line: the same binary as the window,
// for scripts, for CI and for a clerk's IT helper. It opens the store
// through Env, so it never imports the database or the window toolkit.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"qmdesk/app"
	"qmdesk/data"
)

// Env is what the command line needs from the program around it.
type Env struct {
	Stdout, Stderr io.Writer
	Geo            *data.Geography
	Clock          data.Clock // the real time and the register's day
	// ClockErr is a refusal of the clock at start (a wrong QMDESK_TODAY):
	// every command stops with it (exit 2); the window shows it.
	ClockErr error
	Operator string // who is working, for the audit log
	Version  string // the program's version (qmdesk version)

	// Stdin is read by --password-file - (nil: the process's own).
	Stdin io.Reader
	// ReadPassword, if set, reads a password instead of the terminal
	// (tests; the terminal's is used when nil).
	ReadPassword func(prompt string) (string, error)

	// Open opens the database at path; readOnly for commands that only read.
	Open func(path string, readOnly bool) (data.Store, error)
	// OpenServer opens the shared database on a PostgreSQL server that
	// --db (or QMDESK_DB) names by its address (postgres://… or
	// postgresql://…, IsServerAddress), asking the clerk's password where
	// needed. Nil: this program opens files only, and refuses addresses.
	OpenServer func(ctx context.Context, dsn string) (data.Store, error)
	// Restore replaces the database at dst by the backup at src and returns
	// the name under which the replaced file was kept.
	Restore func(ctx context.Context, src, dst string) (kept string, err error)
	// Create makes a new database at path whole or not at all: build
	// fills it aside, and it takes the name path only once build returned
	// without error. Nil: commands open path in place instead.
	Create func(path string, build func(data.Store) error) error
	// Window opens the program's window on a database.
	Window func(dbPath string, workbooks []string) error
	// ProgressEvery is how often a long command (import, backup) prints
	// a plain progress line when Stderr is not a terminal; zero:
	// DefaultProgressEvery.
	ProgressEvery time.Duration
}

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1 // an error; the message says what
	ExitUsage   = 2 // the command line itself is wrong
	// ExitInterrupted is a command stopped by Ctrl+C (main cancels the
	// context on the first one), as a shell numbers SIGINT.
	ExitInterrupted = 130
)

const usage = `qmdesk — ติดตามการแก้ไขปัญหาครัวเรือน ThaiQM ระดับจังหวัด

ใช้งาน:
  qmdesk                          เปิดหน้าต่างโปรแกรม
  qmdesk init --province CC       สร้างฐานข้อมูลใหม่ของจังหวัด (รหัสหรือชื่อ) พร้อมรอบ Re-X-Ray 2567
  qmdesk demo --province CC --households N [--seed S]
                                  สร้างฐานข้อมูลตัวอย่างสำหรับทดลองใช้
  qmdesk summary [--amphoe X] [--round N] [--json]
                                  สรุปความก้าวหน้ารายอำเภอ × ด้าน และวันครบกำหนด
  qmdesk round                    รอบการติดตามทั้งหมด (รอบปัจจุบันมีเครื่องหมาย)
  qmdesk round new --name N --start "%[2]s" --deadline "%[3]s" [--carry]
                                  เพิ่มรอบใหม่เป็นรอบปัจจุบัน (--carry ยกปัญหาที่ยังค้างมาติดตามต่อ พร้อมประวัติ)
  qmdesk round use N              ตั้งรอบที่ N เป็นรอบปัจจุบัน
  qmdesk round carry --from N [--to M]
                                  ยกปัญหาที่ยังค้างของรอบ N ไปติดตามต่อในรอบ M (ค่าเริ่มต้น: รอบปัจจุบัน)
  qmdesk agency [list] [--round N]  ผลการช่วยเหลือของภาคีเครือข่าย (จำนวนปัญหาและงบประมาณ)
  qmdesk agency merge FROM INTO   รวมชื่อ: FROM นับเป็น INTO ในรายงาน (ประวัติการช่วยเหลือไม่เปลี่ยน)
  qmdesk agency unmerge FROM      ยกเลิกการรวมชื่อ FROM
  qmdesk unit                     เทศบาลของจังหวัด (นคร/เมือง) และตำบลที่อยู่ในเขต
  qmdesk unit add --name N --type นคร|เมือง [--tambon T,T] [--partly T,T]
                                  เพิ่มเทศบาล (--tambon: ตำบลที่อยู่ในเขตทั้งตำบล, --partly: บางส่วน; ชื่อ รหัส หรือ อำเภอ/ตำบล)
  qmdesk unit edit NAME [--name N] [--type …] [--tambon T,T] [--partly T,T]
                                  แก้ไขเทศบาล (--tambon/--partly ที่ระบุแทนรายการตำบลเดิมทั้งหมด)
  qmdesk unit remove NAME         ลบเทศบาลออกจากรายการ
  qmdesk thaiqm [list]            ผลที่รอบันทึกลงระบบ ThaiQM รายอำเภอ (นับเป็นปัญหา)
  qmdesk thaiqm mark --amphoe X --on DATE [--before DATE]
                                  บันทึกว่าอำเภอ X บันทึกผลใน ThaiQM แล้วเมื่อ DATE (เฉพาะที่แก้ไขครั้งล่าสุดไม่เกิน --before)
  qmdesk check [--anchor N:รหัส]   ตรวจสอบฐานข้อมูล (ไฟล์, ตัวนับ, บันทึกการแก้ไข) และเทียบกับรหัสท้ายเอกสารประชุม
  qmdesk repair                   ซ่อมข้อมูลที่อ่านไม่ได้และสร้างตัวนับใหม่ (สำรองไฟล์ไว้ก่อนซ่อม)
  qmdesk backup FILE              สำรองฐานข้อมูลไปที่ FILE (อ่านสำเนากลับมาตรวจก่อนใช้ชื่อ FILE)
                                  ฐานข้อมูลบนเซิร์ฟเวอร์ (--db postgres://…): FILE เป็นไฟล์ฐานข้อมูล qmdesk ไฟล์ใหม่
  qmdesk restore FILE             เรียกคืนฐานข้อมูลจาก FILE (ไฟล์เดิมถูกเก็บไว้ข้าง ๆ)
                                  ฐานข้อมูลบนเซิร์ฟเวอร์ (--db postgres://…): เรียกคืนได้เฉพาะในฐานข้อมูลว่าง
  qmdesk migrate --db FILE --to postgres://ผู้ใช้@เซิร์ฟเวอร์/ฐานข้อมูล [--yes]
                                  ย้ายข้อมูลจังหวัดจากไฟล์ไปฐานข้อมูลว่างบนเซิร์ฟเวอร์ PostgreSQL (ไฟล์เดิมไม่เปลี่ยน)
  qmdesk migrate --from postgres://… --db FILE [--yes]
                                  ย้ายข้อมูลจากเซิร์ฟเวอร์กลับมาเป็นไฟล์ใหม่ FILE
                                  ทั้งสองทางตรวจเทียบปลายทางกับต้นทางหลังย้าย; การนำเข้าก่อนย้ายยกเลิกไม่ได้อีก
  qmdesk import [--dry-run] [--no-backup] [--ask-password | --password-file PF] [--json] [--errors DIR] FILE...
                                  นำเข้าไฟล์ Excel ของอำเภอ (ผลลัพธ์: 0 รับทุกแถว, 3 มีแถวไม่รับ/รอตรวจ, 4 ไฟล์ถูกปฏิเสธ)
                                  ก่อนบันทึกจะสำรองฐานข้อมูลไว้ในโฟลเดอร์ backups ข้างฐานข้อมูล (--no-backup: ไม่สำรอง)
  qmdesk imports                  ประวัติการนำเข้า
  qmdesk undo N                   ยกเลิกการนำเข้าครั้งที่ N
  qmdesk review [N --new|--merge H|--keep H|--accept|--reject]
                                  รายการรอตรวจสอบ และการตัดสิน (ครัวเรือนใด: --new/--merge H ·
                                  ข้อมูลขัดกับที่แก้ไขในโปรแกรม: --merge H ใช้ค่าจากไฟล์/--keep H คงค่าในโปรแกรม ·
                                  ชื่อปัญหาไม่อยู่ในรายการ: --accept)
  qmdesk export template FILE     แบบฟอร์มเปล่าสำหรับอำเภอ
  qmdesk export followup --amphoe X FILE | --unit NAME FILE | --all DIR [--unmask]
                                  แบบติดตามรายอำเภอ (ปัญหาที่ยังไม่แล้วเสร็จ)
  qmdesk export summary FILE      สรุปรายอำเภอ × ด้าน
  qmdesk export thaiqm FILE [--amphoe X] [--unmask]
                                  รายการที่รอบันทึกลงระบบ ThaiQM หนึ่งแผ่นงานต่ออำเภอ (ใส่วันที่แล้วนำเข้ากลับได้)
  qmdesk export full FILE [--unmask] [--ask-password | --password-file PF]
                                  ข้อมูลทั้งหมด (ข้อมูลส่วนบุคคลถูกปิดบัง เว้นแต่ --unmask)
                                  รหัสผ่านของไฟล์: --ask-password พิมพ์บนหน้าจอ (ไม่แสดง) หรือ --password-file อ่านจากบรรทัดแรกของไฟล์
                                  (ไม่รับ --password ในบรรทัดคำสั่ง เพราะโปรแกรมอื่นในเครื่องมองเห็นได้)
  qmdesk report --out FILE.pdf [--amphoe X] [--round N] [--png DIR] [--letter TEXT]
                                  เอกสารประชุม (PDF ขนาด A4 มีแต่ตัวเลข) และกราฟเป็นภาพ PNG
  qmdesk version                  รุ่นของโปรแกรม

ทุกคำสั่งรับ --db PATH (ค่าเริ่มต้น: %[1]s หรือตัวแปร QMDESK_DB)
ฐานข้อมูลกลางของสำนักงานบนเซิร์ฟเวอร์ PostgreSQL: --db postgres://ชื่อผู้ใช้@เซิร์ฟเวอร์/ชื่อฐานข้อมูล
  (หรือตั้งตัวแปร QMDESK_DB เป็นที่อยู่นี้) โปรแกรมถามรหัสผ่านเมื่อเชื่อมต่อ และเก็บไว้ในที่เก็บรหัสผ่านของเครื่องได้
  ห้ามเขียนรหัสผ่านไว้ในที่อยู่
`

// usageText is the help, with the default database and, as the example
// of a new round, this fiscal year.
func usageText(clock data.Clock) string {
	start, end := data.FiscalYearOf(clock.Today())
	return fmt.Sprintf(usage, DefaultDBPath(), data.FormatBE(start), data.FormatBE(end))
}

// isHelpOrVersion tells the flags that are commands of their own: without
// it "qmdesk --help" went to the window's flags and printed only --db.
func isHelpOrVersion(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "--version":
		return true
	}
	return false
}

// commandAfterDB moves a --db given before the command to after it:
// "qmdesk --db X import f.xlsx" read the command as a workbook of the
// window's and refused the import's own flags. Help says every command
// takes --db, so either place works.
func commandAfterDB(args []string) []string {
	n := 0 // how many leading arguments are the --db flag
	switch {
	case len(args) >= 3 && (args[0] == "--db" || args[0] == "-db"):
		n = 2
	case len(args) >= 2 && (strings.HasPrefix(args[0], "--db=") || strings.HasPrefix(args[0], "-db=")):
		n = 1
	default:
		return args
	}
	if c := args[n]; strings.HasPrefix(c, "-") || looksLikeWorkbook(c) {
		return args
	}
	return append(append([]string{args[n]}, args[:n]...), args[n+1:]...)
}

// Run runs the command line and returns the exit status.
func Run(ctx context.Context, args []string, env Env) int {
	args = commandAfterDB(args)
	cmd, rest := "", args
	if len(args) > 0 && (!strings.HasPrefix(args[0], "-") && !looksLikeWorkbook(args[0]) || isHelpOrVersion(args[0])) {
		cmd, rest = args[0], args[1:]
	}
	c := &command{env: env, ctx: data.WithOperator(ctx, env.Operator)}
	if env.ClockErr != nil && cmd != "" && cmd != "help" && cmd != "version" && !isHelpOrVersion(cmd) {
		fmt.Fprintln(env.Stderr, "ผิดพลาด:", data.ErrorMessage(env.ClockErr))
		fmt.Fprintln(env.Stderr, "error:", env.ClockErr)
		return ExitUsage
	}
	var err error
	switch cmd {
	case "":
		err = c.window(rest)
	case "init":
		err = c.init(rest)
	case "demo":
		err = c.demo(rest)
	case "summary":
		err = c.summary(rest)
	case "round":
		err = c.round(rest)
	case "agency":
		err = c.agency(rest)
	case "unit":
		err = c.unit(rest)
	case "thaiqm":
		err = c.thaiQM(rest)
	case "check":
		err = c.check(rest)
	case "repair":
		err = c.repair(rest)
	case "backup":
		err = c.backup(rest)
	case "restore":
		err = c.restore(rest)
	case "migrate":
		err = c.migrate(rest)
	case "import":
		var status int
		if status, err = c.importFiles(rest); err == nil {
			return status
		}
	case "imports":
		err = c.imports(rest)
	case "undo":
		err = c.undo(rest)
	case "review":
		err = c.review(rest)
	case "export":
		err = c.export(rest)
	case "report":
		err = c.meetingPack(rest)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(env.Stdout, usageText(env.Clock))
		return ExitOK
	case "version", "--version":
		fmt.Fprintln(env.Stdout, strings.TrimSpace("qmdesk "+env.Version))
		return ExitOK
	default:
		fmt.Fprintf(env.Stderr, "ไม่รู้จักคำสั่ง '%s'\n\n%s", cmd, usageText(env.Clock))
		return ExitUsage
	}
	return c.report(err)
}

type command struct {
	env  Env
	ctx  context.Context
	live *liveProgress // progress on stderr, while startProgress's runs
}

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func (c *command) report(err error) int {
	if err == nil {
		return ExitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(c.env.Stderr, "%s\n(ดูวิธีใช้: qmdesk help)\n", ue.msg)
		return ExitUsage
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if errors.Is(err, context.Canceled) && c.ctx.Err() != nil {
		fmt.Fprintln(c.env.Stderr, "หยุดแล้วตามที่กด Ctrl+C")
		fmt.Fprintln(c.env.Stderr, "error:", err.Error())
		return ExitInterrupted
	}
	fmt.Fprintln(c.env.Stderr, "ผิดพลาด:", data.ErrorMessage(err))
	fmt.Fprintln(c.env.Stderr, "error:", err.Error())
	return ExitFailure
}

// flags returns a flag set with --db, whose errors become usage errors.
func (c *command) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("qmdesk "+name, flag.ContinueOnError)
	fs.SetOutput(c.env.Stderr)
	db := fs.String("db", DefaultDBPath(), "ไฟล์ฐานข้อมูล หรือที่อยู่ฐานข้อมูลกลาง postgres://ชื่อผู้ใช้@เซิร์ฟเวอร์/ชื่อฐานข้อมูล")
	return fs, db
}

func parse(fs *flag.FlagSet, args []string, positional int) ([]string, error) {
	pos, err := parseAny(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != positional {
		return nil, usageError{fmt.Sprintf("คำสั่ง %s ต้องมีชื่อไฟล์ %d ชื่อ", fs.Name(), positional)}
	}
	return pos, nil
}

// parseAny parses flags mixed with any number of positional arguments:
// qmdesk import a.xlsx --dry-run b.xlsx.
func parseAny(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{"ตัวเลือกไม่ถูกต้อง: " + err.Error()}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// window opens the program's window. Workbooks named on the command line
// (as Windows passes them when files are dropped on the program's icon or
// opened with it) go straight to the import screen's dry run.
func (c *command) window(args []string) error {
	fs, db := c.flags("")
	files, err := parseAny(fs, args)
	if err != nil {
		return err
	}
	for _, f := range files {
		if !looksLikeWorkbook(f) {
			return usageError{fmt.Sprintf("ไม่รู้จักคำสั่ง '%s'", f)}
		}
	}
	if c.env.Window == nil {
		return usageError{"รุ่นนี้ไม่มีหน้าต่างโปรแกรม"}
	}
	return c.env.Window(*db, files)
}

// looksLikeWorkbook tells a file argument from a command.
func looksLikeWorkbook(arg string) bool {
	switch strings.ToLower(filepath.Ext(arg)) {
	case ".xlsx", ".xlsm", ".xls", ".ods":
		return true
	}
	return false
}

// DefaultDBPath is where a clerk's database lives unless told otherwise:
// QMDESK_DB (a file, or a server's address), else the file in the
// per-user data folder (DefaultFilePath).
func DefaultDBPath() string {
	if p := os.Getenv("QMDESK_DB"); p != "" {
		return p
	}
	return DefaultFilePath()
}

// DefaultFilePath is the database file in the per-user data folder
// (%LOCALAPPDATA%\qmdesk on Windows, ~/.local/share/qmdesk elsewhere),
// whatever QMDESK_DB says.
func DefaultFilePath() string {
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = os.Getenv("LOCALAPPDATA")
	case "darwin":
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, "Library", "Application Support")
		}
	default:
		dir = os.Getenv("XDG_DATA_HOME")
		if dir == "" {
			if home, err := os.UserHomeDir(); err == nil {
				dir = filepath.Join(home, ".local", "share")
			}
		}
	}
	if dir == "" {
		dir = "."
	}
	return filepath.Join(dir, "qmdesk", "qmdesk.db")
}

// IsServerAddress tells whether db, the value of --db or QMDESK_DB, is
// the address of a database on a PostgreSQL server (postgres://… or
// postgresql://…) rather than a file.
func IsServerAddress(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// open opens the database db: a file through Env.Open, or, for a
// server's address, the shared database through Env.OpenServer (which
// has no read-only mode: readOnly is for files).
func (c *command) open(db string, readOnly bool) (data.Store, error) {
	if !IsServerAddress(db) {
		return c.env.Open(db, readOnly)
	}
	if c.env.OpenServer == nil {
		return nil, data.Errorf(data.EINVALID, "โปรแกรมรุ่นนี้เปิดฐานข้อมูลกลางบนเซิร์ฟเวอร์ไม่ได้ ใช้ไฟล์ฐานข้อมูลในเครื่องแทน", "this program opens database files only")
	}
	s, err := c.env.OpenServer(c.ctx, db)
	if err != nil {
		return nil, err
	}
	// On a server the clerk is her database role: the audit names it
	// (the server's session_user), and so do the records and the import
	// ledger, not the computer's account.
	if r, ok := s.(interface{ Role() string }); ok && r.Role() != "" {
		c.ctx = data.WithOperator(c.ctx, r.Role())
	}
	return s, nil
}

// openProvince opens the database of a province, with its description,
// and refuses one that was never set up. The caller closes the store.
func (c *command) openProvince(db string, readOnly bool) (data.Store, data.Meta, error) {
	s, err := c.open(db, readOnly)
	if err != nil {
		return nil, data.Meta{}, err
	}
	m, err := s.Meta(c.ctx)
	if err == nil && m.Province == "" {
		err = data.Errorf(data.EINVALID, "ฐานข้อมูล %s ยังไม่ได้ตั้งค่าจังหวัด: ใช้ qmdesk init --province ก่อน", "database %s not initialised", db)
	}
	if err != nil {
		s.Close()
		return nil, m, err
	}
	return s, m, nil
}

func (c *command) progress(s app.ProgressStore) *app.Progress {
	return &app.Progress{Store: s, Geo: c.env.Geo, Clock: c.env.Clock}
}

func (c *command) findProvince(s string) (data.Place, error) {
	if strings.TrimSpace(s) == "" {
		return data.Place{}, usageError{"กรุณาระบุจังหวัด เช่น --province 41 หรือ --province อุดรธานี"}
	}
	return c.env.Geo.FindProvince(s)
}

func (c *command) init(args []string) error {
	fs, db := c.flags("init")
	prov := fs.String("province", "", "จังหวัด (รหัส 2 หลักหรือชื่อ)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	p, err := c.findProvince(*prov)
	if err != nil {
		return err
	}
	s, err := c.open(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	m, err := s.Init(c.ctx, p.Code, data.DefaultRound())
	if err != nil {
		return err
	}
	r, _ := s.Round(c.ctx, m.DefaultRound)
	fmt.Fprintf(c.env.Stdout, "สร้างฐานข้อมูลจังหวัด%s แล้วที่ %s\nรอบ %s: บันทึกผลตั้งแต่ %s ครบกำหนด %s\n",
		p.Thai, *db, r.Name, data.FormatBE(r.Start), data.FormatBE(r.Deadline))
	return nil
}

func (c *command) demo(args []string) error {
	fs, db := c.flags("demo")
	prov := fs.String("province", "", "จังหวัด (รหัส 2 หลักหรือชื่อ)")
	n := fs.Int("households", 1000, "จำนวนครัวเรือน")
	seed := fs.Uint64("seed", 1, "เลขตั้งต้น: ค่าเดียวกันได้ข้อมูลชุดเดียวกัน")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *n < 1 || *n > 5_000_000 {
		return usageError{"--households ต้องอยู่ระหว่าง 1 ถึง 5,000,000"}
	}
	p, err := c.findProvince(*prov)
	if err != nil {
		return err
	}
	// A new file appears only once the whole demo is in it: a demo cut
	// short leaves no file behind (and the one in place, nothing of it).
	// A server's database is filled in place, batch by batch: one cut
	// short keeps the batches written (and a second demo refuses it).
	start := time.Now()
	var made string
	if _, err := os.Lstat(*db); errors.Is(err, os.ErrNotExist) && c.env.Create != nil && !IsServerAddress(*db) {
		err = c.env.Create(*db, func(s data.Store) (err error) {
			made, err = c.fillDemo(s, p, *n, *seed, *db)
			return err
		})
		if err != nil {
			return err
		}
	} else {
		s, err := c.open(*db, false)
		if err != nil {
			return err
		}
		defer s.Close()
		if made, err = c.fillDemo(s, p, *n, *seed, *db); err != nil {
			return err
		}
	}
	fmt.Fprintf(c.env.Stdout, "สร้างข้อมูลตัวอย่างจังหวัด%s: %s ใน %.1f วินาที (%s)\n", p.Thai, made, time.Since(start).Seconds(), *db)
	return nil
}

// demoStore is what the demo command uses of a database: it sets up a
// new one, checks that one already set up holds no household, loads the
// demo and reads its progress.
type demoStore interface {
	app.DemoStore
	app.ProgressStore
	Init(ctx context.Context, province string, round data.Round) (data.Meta, error)
	Households(ctx context.Context, f data.HouseholdFilter) ([]data.Household, error)
}

// fillDemo loads n demo households into s, a database of province p or a
// new one, all or nothing, and says how many households and problems it
// holds then.
func (c *command) fillDemo(s demoStore, p data.Place, n int, seed uint64, db string) (string, error) {
	m, err := s.Meta(c.ctx)
	if err != nil {
		return "", err
	}
	if m.Province == "" {
		if m, err = s.Init(c.ctx, p.Code, data.DefaultRound()); err != nil {
			return "", err
		}
	} else if m.Province != p.Code {
		return "", data.Errorf(data.ECONFLICT, "ฐานข้อมูล %s เป็นของจังหวัดรหัส %s ไม่ใช่ %s: ใช้ --db ชี้ไปที่ไฟล์ใหม่", "database %s belongs to province %s, not %s", db, m.Province, p.Code)
	} else if hs, err := s.Households(c.ctx, data.HouseholdFilter{Limit: 1}); err != nil {
		return "", err
	} else if len(hs) > 0 {
		return "", data.Errorf(data.ECONFLICT, "ฐานข้อมูล %s มีข้อมูลอยู่แล้ว ข้อมูลตัวอย่างจะปนกับข้อมูลจริง: ใช้ --db ชี้ไปที่ไฟล์ใหม่", "database %s already holds households", db)
	}
	round, err := s.Round(c.ctx, m.DefaultRound)
	if err != nil {
		return "", err
	}
	demo := app.Demo{Geo: c.env.Geo, Province: p.Code, Round: round, Seed: seed, AsOf: c.env.Clock.Today()}
	// The progress redraws its line on a terminal and prints a plain
	// line every few seconds into a log, as the import's does.
	stop := c.startProgress()
	c.live.step("กำลังสร้างข้อมูลตัวอย่าง")
	err = demo.Fill(c.ctx, s, n, 10000, func(done int) {
		c.live.count(fmt.Sprintf("สร้างแล้ว %s / %s ครัวเรือน", data.FormatNumber(int64(done)), data.FormatNumber(int64(n))))
	})
	if err == nil {
		c.live.finish()
	}
	stop()
	if err != nil {
		return "", err
	}
	sum, err := c.progress(s).Summarize(c.ctx, round.ID, "")
	if err != nil {
		return "", err
	}
	return data.FormatNumber(sum.Area.Totals.Households) + " ครัวเรือน " + data.FormatNumber(sum.Area.Totals.Target) + " ปัญหา", nil
}

func (c *command) check(args []string) error {
	fs, db := c.flags("check")
	paper := fs.String("anchor", "", "รหัสบันทึกการแก้ไขที่พิมพ์ไว้ท้ายเอกสารประชุม เช่น 1234:1a2b3c4d5e6f7a8b")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	var want data.AuditAnchor
	if *paper != "" {
		seq, hash, ok := strings.Cut(strings.ReplaceAll(data.ThaiToASCIIDigits(*paper), " ", ""), ":")
		n, err := strconv.ParseUint(seq, 10, 64)
		if !ok || err != nil || n == 0 || len(hash) < 8 || strings.Trim(strings.ToLower(hash), "0123456789abcdef") != "" {
			return usageError{"--anchor ต้องเป็น ลำดับที่:รหัส ตามที่พิมพ์ท้ายเอกสารประชุม เช่น --anchor 1234:1a2b3c4d5e6f7a8b"}
		}
		want = data.AuditAnchor{Seq: n, Hash: strings.ToLower(hash)}
	}
	s, err := c.open(*db, true)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.Check(c.ctx)
	if err != nil {
		return err
	}
	if rep.DamagedPages {
		fmt.Fprintln(c.env.Stdout, "พบความเสียหายในไฟล์ (รายละเอียดทางเทคนิค สำหรับส่งให้ผู้ดูแลระบบ):")
		for _, p := range rep.Problems {
			fmt.Fprintln(c.env.Stdout, "  -", p)
		}
		return data.Errorf(data.EDAMAGED, "ไฟล์ฐานข้อมูลเสียหายที่หน้าข้อมูลในไฟล์ ซึ่ง qmdesk repair ซ่อมไม่ได้: กรุณาเรียกคืนจากไฟล์สำรองล่าสุด (qmdesk restore ตามด้วยชื่อไฟล์สำรอง ไฟล์สำรองอัตโนมัติอยู่ในโฟลเดอร์ backups ข้างฐานข้อมูล)", "the file's pages are damaged")
	}
	fmt.Fprintf(c.env.Stdout, "ครัวเรือน %s · ปัญหา %s · การช่วยเหลือ %s · บันทึกการแก้ไข %s รายการ\n",
		data.FormatNumber(rep.Households), data.FormatNumber(rep.ProblemCount), data.FormatNumber(rep.Actions), data.FormatNumber(rep.AuditEntries))
	if h := rep.Audit.Head; h.Seq > 0 {
		fmt.Fprintf(c.env.Stdout, "บันทึกการแก้ไขรายการล่าสุด: ลำดับที่ %d รหัส %s\n", h.Seq, h.Short())
	}
	if want.Seq > 0 {
		got, err := s.AuditAnchor(c.ctx, want.Seq)
		if err == nil && strings.HasPrefix(got.Hash, want.Hash) {
			fmt.Fprintf(c.env.Stdout, "บันทึกการแก้ไขลำดับที่ %d ตรงกับรหัสที่พิมพ์ไว้ (%s): บันทึกถึงรายการนั้นไม่ถูกเขียนใหม่\n", want.Seq, got.Short())
		} else {
			rep.Audit.Tampered = true
			rep.Problems = append(rep.Problems, fmt.Sprintf("audit: entry %d is not the one printed on paper (%s)", want.Seq, want.Hash))
		}
	}
	for _, note := range rep.Audit.Unverified {
		fmt.Fprintln(c.env.Stdout, "หมายเหตุ:", note)
	}
	for _, note := range rep.StrandedReviews {
		fmt.Fprintln(c.env.Stdout, "ต้องตัดสิน:", note)
	}
	if rep.OK() && len(rep.StrandedReviews) > 0 {
		fmt.Fprintln(c.env.Stdout, "ตรวจสอบแล้ว: ข้อมูลในฐานข้อมูลไม่เสียหาย แต่มีแถวรอตรวจสอบที่ตัดสินให้รวมหรือคงค่าไม่ได้แล้ว ตัดสินเป็นไม่รับตามรายการ \"ต้องตัดสิน\" ข้างบน")
		return nil
	}
	if rep.OK() && len(rep.Audit.Unverified) > 0 {
		fmt.Fprintln(c.env.Stdout, "ตรวจสอบแล้ว: ฐานข้อมูลถูกต้องครบถ้วน ส่วนบันทึกการแก้ไขตรวจได้ไม่ครบตามหมายเหตุข้างบน")
		return nil
	} else if rep.OK() {
		fmt.Fprintln(c.env.Stdout, "ตรวจสอบแล้ว: ฐานข้อมูลถูกต้องครบถ้วน")
		return nil
	}
	server := IsServerAddress(*db)
	if rep.Audit.Tampered && server {
		fmt.Fprintln(c.env.Stdout, data.AuditTamperedAdviceServer)
	} else if rep.Audit.Tampered {
		fmt.Fprintln(c.env.Stdout, data.AuditTamperedAdvice)
	}
	fmt.Fprintln(c.env.Stdout, "พบความผิดปกติ (รายละเอียดทางเทคนิค สำหรับส่งให้ผู้ดูแลระบบ):")
	for _, p := range rep.Problems {
		fmt.Fprintln(c.env.Stdout, "  -", p)
	}
	switch {
	case rep.Audit.Tampered && server:
		return data.Errorf(data.EINVALID, "ฐานข้อมูลไม่ผ่านการตรวจสอบ %d รายการ และบันทึกการแก้ไขถูกแก้ไขหรือลบโดยไม่ผ่านโปรแกรม: อย่าแก้ไขฐานข้อมูลกลาง แจ้งหัวหน้างานและผู้ดูแลเซิร์ฟเวอร์ให้นำสำเนาสำรองมาตรวจเทียบ (qmdesk repair แก้ส่วนนี้ไม่ได้)", "check found %d problems, the audit log among them", len(rep.Problems))
	case server:
		return data.Errorf(data.EINVALID, "ฐานข้อมูลไม่ผ่านการตรวจสอบ %d รายการ: ซ่อมด้วย qmdesk repair (สร้างตัวนับใหม่จากข้อมูล ไม่แก้ไขข้อมูลใด) ถ้ายังไม่ผ่าน แจ้งผู้ดูแลเซิร์ฟเวอร์พร้อมรายการข้างบน", "check found %d problems", len(rep.Problems))
	}
	if rep.Audit.Tampered {
		return data.Errorf(data.EINVALID, "ฐานข้อมูลไม่ผ่านการตรวจสอบ %d รายการ และบันทึกการแก้ไขถูกแก้ไขหรือลบโดยไม่ผ่านโปรแกรม: เก็บไฟล์ไว้ตามเดิม แจ้งหัวหน้างานและเจ้าหน้าที่ไอทีของจังหวัด แล้วนำไฟล์สำรองมาตรวจเทียบ (qmdesk repair แก้ส่วนนี้ไม่ได้)", "check found %d problems, the audit log among them", len(rep.Problems))
	}
	return data.Errorf(data.EINVALID, "ฐานข้อมูลไม่ผ่านการตรวจสอบ %d รายการ: ซ่อมด้วย qmdesk repair (สำรองไฟล์ไว้ก่อนซ่อมอัตโนมัติ) หรือเรียกคืนจากไฟล์สำรอง (qmdesk restore)", "check found %d problems", len(rep.Problems))
}

// repair mends what check finds, after a backup into backups/ beside the
// database.
func (c *command) repair(args []string) error {
	fs, db := c.flags("repair")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	s, err := c.open(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	// A server's database has no folder beside it: its backup is the
	// server's own (pg_dump), and its store is given no folder.
	backups := filepath.Join(filepath.Dir(*db), "backups")
	if IsServerAddress(*db) {
		backups = ""
	}
	rep, err := s.Repair(c.ctx, backups)
	if _, statErr := os.Stat(rep.Backup); rep.Backup != "" && statErr == nil {
		fmt.Fprintf(c.env.Stdout, "สำรองไฟล์ก่อนซ่อมไว้ที่ %s\n", rep.Backup)
	}
	if err != nil {
		return err
	}
	for _, m := range rep.Mended {
		fmt.Fprintln(c.env.Stdout, "ซ่อมแล้ว:", m)
	}
	for _, q := range rep.Quarantined {
		fmt.Fprintln(c.env.Stdout, "แยกเก็บ:", q)
	}
	if len(rep.Mended)+len(rep.Quarantined) == 0 {
		fmt.Fprintln(c.env.Stdout, "ไม่พบข้อมูลที่อ่านไม่ได้")
	}
	fmt.Fprintln(c.env.Stdout, "สร้างดัชนีและตัวนับใหม่จากข้อมูลแล้ว")
	if len(rep.Remaining) > 0 {
		fmt.Fprintln(c.env.Stdout, "ยังพบความผิดปกติที่ซ่อมไม่ได้ (รายละเอียดทางเทคนิค สำหรับส่งให้ผู้ดูแลระบบ):")
		for _, p := range rep.Remaining {
			fmt.Fprintln(c.env.Stdout, "  -", p)
		}
		return data.Errorf(data.EINVALID, "ซ่อมได้ไม่ครบ ยังพบความผิดปกติ %d รายการ: กรุณาเรียกคืนจากไฟล์สำรอง (qmdesk restore)", "repair left %d problems", len(rep.Remaining))
	}
	fmt.Fprintln(c.env.Stdout, "ตรวจสอบหลังซ่อม: ฐานข้อมูลถูกต้องครบถ้วน")
	return nil
}

func (c *command) backup(args []string) error {
	fs, db := c.flags("backup")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if IsServerAddress(*db) { // a consistent copy of the server's database, as a new file
		return c.copyToFile(*db, pos[0], true, false, "สำรองข้อมูล")
	}
	s, err := c.open(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	stop := c.startProgress()
	err = s.Backup(c.ctx, pos[0], c.backupProgress("กำลังสำรองฐานข้อมูล"))
	stop()
	if err != nil {
		return err
	}
	size := int64(0)
	if fi, err := os.Stat(pos[0]); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(c.env.Stdout, "สำรองฐานข้อมูลแล้วที่ %s (%s MB)\n", pos[0], data.FormatNumber((size+1<<20-1)>>20))
	fmt.Fprintf(c.env.Stdout, "ตรวจแล้ว: อ่านไฟล์สำรองกลับมาตรงกับที่เขียนทุกไบต์ และเปิดเป็นฐานข้อมูลได้ (ไม่ได้ตรวจทีละรายการ: qmdesk check --db %s)\n", pos[0])
	return nil
}

// backupProgress shows a backup's progress by whole percent, through the
// command's progress: a step named what from the first call to the one
// with done == total, whose "100%" stays as a line of its own. Without
// the command's progress running (startProgress) it shows none.
func (c *command) backupProgress(what string) func(done, total int64) {
	if c.live == nil {
		return nil
	}
	last := int64(-1)
	return func(done, total int64) {
		if last < 0 {
			c.live.step(what)
		}
		if pct := done * 100 / max(total, 1); pct != last {
			last = pct
			c.live.count(fmt.Sprintf("%d%%", pct))
		}
		if done == total {
			c.live.finish()
		}
	}
}

func (c *command) restore(args []string) error {
	fs, db := c.flags("restore")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if IsServerAddress(*db) { // into an empty database on the server, as migrate --to
		return c.copyToServer(pos[0], *db, false, false, "เรียกคืนข้อมูล")
	}
	kept, err := c.env.Restore(c.ctx, pos[0], *db)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "เรียกคืนฐานข้อมูลจาก %s แล้ว\n", pos[0])
	if kept != "" {
		fmt.Fprintf(c.env.Stdout, "ฐานข้อมูลก่อนเรียกคืนเก็บไว้ที่ %s\n", kept)
	}
	return nil
}
