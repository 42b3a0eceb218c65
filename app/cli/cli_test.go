package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qmdesk/app/cli"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

type run struct {
	code           int
	stdout, stderr string
}

// qmdesk runs the command line in-process against real bbolt files, with
// today fixed at 1 Aug 2567.
func qmdesk(t *testing.T, args ...string) run {
	t.Helper()
	return qmdeskUnder(t, context.Background(), args...)
}

// qmdeskUnder is qmdesk under ctx.
func qmdeskUnder(t *testing.T, ctx context.Context, args ...string) run {
	t.Helper()
	return qmdeskWith(t, ctx, nil, args...)
}

// qmdeskWith is qmdeskUnder with the environment changed by tweak first.
func qmdeskWith(t *testing.T, ctx context.Context, tweak func(*cli.Env), args ...string) run {
	t.Helper()
	geo, err := assets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	env := cli.Env{
		Stdout: &out, Stderr: &errOut, Geo: geo, Operator: "ทดสอบ",
		Clock: data.FixedClock(time.Date(2024, 8, 1, 9, 0, 0, 0, time.UTC)),
		Open: func(path string, ro bool) (data.Store, error) {
			s, err := bolt.Open(path, bolt.Options{ReadOnly: ro})
			if err != nil {
				return nil, err
			}
			s.Clock = data.FixedClock(time.Date(2024, 8, 1, 9, 0, 0, 0, time.UTC))
			return s, nil
		},
		Restore: func(ctx context.Context, src, dst string) (string, error) {
			return bolt.Restore(ctx, src, dst, func() string { return "test" })
		},
		Create: func(path string, build func(data.Store) error) error {
			return bolt.Create(path, bolt.Options{Clock: data.FixedClock(time.Date(2024, 8, 1, 9, 0, 0, 0, time.UTC))}, func(s *bolt.Store) error { return build(s) })
		},
	}
	if tweak != nil {
		tweak(&env)
	}
	code := cli.Run(ctx, args, env)
	return run{code, out.String(), errOut.String()}
}

// --db before the command works as after it; before a workbook it is
// still the window's.
func TestDBBeforeTheCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if r := qmdesk(t, "--db", db, "init", "--province", "41"); r.code != 0 {
		t.Fatalf("--db X init: %+v", r)
	}
	if r := qmdesk(t, "--db="+db, "summary", "--json"); r.code != 0 || !strings.Contains(r.stdout, "อุดรธานี") {
		t.Fatalf("--db=X summary: %+v", r)
	}
	var gotDB string
	var gotFiles []string
	env := cli.Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Window: func(path string, files []string) error {
		gotDB, gotFiles = path, files
		return nil
	}}
	if code := cli.Run(context.Background(), []string{"--db", db, "a.xlsx"}, env); code != 0 || gotDB != db || len(gotFiles) != 1 {
		t.Errorf("--db X a.xlsx: code %d, db %q, files %v", code, gotDB, gotFiles)
	}
}

// A command stopped by Ctrl+C (main cancels its context) says so in Thai
// and ends with the shell's status for it, not as an internal error.
func TestInterruptedImportSaysSo(t *testing.T) {
	dir := t.TempDir()
	db, book := filepath.Join(dir, "qm.db"), filepath.Join(dir, "t.xlsx")
	if r := qmdesk(t, "demo", "--province", "41", "--households", "50", "--db", db); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	if r := qmdesk(t, "export", "followup", "--amphoe", "กุดจับ", "--db", db, book); r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	r := qmdeskUnder(t, cancelled, "import", "--no-backup", "--db", db, book)
	if r.code != cli.ExitInterrupted || !strings.Contains(r.stderr, "หยุดแล้วตามที่กด Ctrl+C") || strings.Contains(r.stderr, "ข้อผิดพลาดภายใน") {
		t.Fatalf("an interrupted import: %+v", r)
	}
	if r := qmdesk(t, "imports", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "ยังไม่มีการนำเข้าไฟล์") {
		t.Errorf("imports after it: %+v", r)
	}
}

// A demo into a new file is all or nothing: cut short (here cancelled
// before its first batch), it leaves no database (only the empty swap
// lock), so a second demo is not refused; whole, the database and its
// swap lock.
func TestDemoIntoANewFileAppearsWhole(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if r := qmdeskUnder(t, cancelled, "demo", "--province", "41", "--households", "300", "--db", db); r.code == 0 || !strings.Contains(r.stderr, "canceled") {
		t.Fatalf("a cancelled demo: %+v", r)
	}
	if names, _ := filepath.Glob(filepath.Join(dir, "*")); len(names) != 1 || names[0] != db+".lock" {
		t.Fatalf("a cancelled demo left %v (want only the empty swap lock)", names)
	}
	if r := qmdesk(t, "demo", "--province", "41", "--households", "300", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "300 ครัวเรือน") {
		t.Fatalf("demo: %+v", r)
	}
	if names, _ := filepath.Glob(filepath.Join(dir, "*")); len(names) != 2 {
		t.Errorf("files beside the demo: %v", names)
	}
	if r := qmdesk(t, "check", "--db", db); r.code != 0 {
		t.Fatalf("check: %+v", r)
	}
}

func TestInitDemoSummaryCheck(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qm.db")
	if r := qmdesk(t, "init", "--province", "อุดรธานี", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "30 ก.ย. 2567") {
		t.Fatalf("init: %+v", r)
	}
	if r := qmdesk(t, "init", "--province", "41", "--db", db); r.code != cli.ExitFailure || !strings.Contains(r.stderr, "อยู่แล้ว") {
		t.Fatalf("second init: %+v", r)
	}
	if r := qmdesk(t, "demo", "--province", "41", "--households", "300", "--db", db); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	if r := qmdesk(t, "demo", "--province", "41", "--households", "300", "--db", db); r.code != cli.ExitFailure || !strings.Contains(r.stderr, "มีข้อมูลอยู่แล้ว") {
		t.Fatalf("demo over real data must refuse: %+v", r)
	}
	r := qmdesk(t, "summary", "--json", "--db", db)
	if r.code != 0 {
		t.Fatalf("summary: %+v", r)
	}
	var got struct {
		Province string `json:"province"`
		Round    string `json:"round"`
		AsOf     string `json:"as_of"`
		Deadline string `json:"deadline"`
		DaysLeft int    `json:"days_left"`
		Totals   map[string]float64
		Amphoe   []struct {
			Code, Name string
			Totals     map[string]float64
			Categories map[string]map[string]float64
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err, r.stdout)
	}
	if got.Province != "41" || got.Round != "Re-X-Ray 2567" || got.AsOf != "2024-08-01" || got.Deadline != "2024-09-30" || got.DaysLeft != 61 {
		t.Errorf("header: %+v", got)
	}
	for _, k := range []string{"households", "target", "solved", "self_solved", "in_progress", "not_started", "closed", "percent_solved", "urgent_open", "overdue"} {
		if _, ok := got.Totals[k]; !ok {
			t.Errorf("totals lacks %q", k)
		}
	}
	if got.Totals["households"] != 300 || len(got.Amphoe) != 20 {
		t.Errorf("totals %v, %d amphoe", got.Totals, len(got.Amphoe))
	}
	var sumTarget float64
	for _, a := range got.Amphoe {
		sumTarget += a.Totals["target"]
		var catTarget float64
		for c := 1; c <= 7; c++ {
			cat, ok := a.Categories[string(rune('0'+c))]
			if !ok {
				t.Fatalf("amphoe %s lacks category %d", a.Code, c)
			}
			catTarget += cat["target"]
		}
		if catTarget != a.Totals["target"] {
			t.Errorf("amphoe %s: categories add to %v, total %v", a.Code, catTarget, a.Totals["target"])
		}
	}
	if sumTarget != got.Totals["target"] {
		t.Errorf("amphoe add to %v, province %v", sumTarget, got.Totals["target"])
	}
	r = qmdesk(t, "summary", "--amphoe", "อ.เมือง", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "เมืองอุดรธานี") || !strings.Contains(r.stdout, "ตำบล") {
		t.Errorf("summary for an amphoe: %+v", r)
	}
	if r := qmdesk(t, "summary", "--amphoe", "เมืองอุดร", "--db", db); r.code != cli.ExitFailure || !strings.Contains(r.stderr, "ไม่พบอำเภอ 'เมืองอุดร'") {
		t.Errorf("unknown amphoe: %+v", r)
	}
	if r := qmdesk(t, "check", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "ถูกต้องครบถ้วน") {
		t.Errorf("check: %+v", r)
	}
}

func TestBackupRestoreAndErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	qmdesk(t, "demo", "--province", "41", "--households", "50", "--db", db)
	backup := filepath.Join(dir, "backup.db")
	if r := qmdesk(t, "backup", backup, "--db", db); r.code != 0 || !strings.Contains(r.stdout, "อ่านไฟล์สำรองกลับมาตรงกับที่เขียน") || !strings.Contains(r.stderr, "100%") {
		t.Fatalf("backup: %+v", r)
	}
	if r := qmdesk(t, "restore", backup, "--db", db); r.code != 0 || !strings.Contains(r.stdout, "before-restore") {
		t.Fatalf("restore: %+v", r)
	}
	if r := qmdesk(t, "check", "--db", db); r.code != 0 {
		t.Fatalf("check after restore: %+v", r)
	}
	if r := qmdesk(t, "frobnicate"); r.code != cli.ExitUsage {
		t.Errorf("unknown command: %+v", r)
	}
	if r := qmdesk(t, "backup", "--db", db); r.code != cli.ExitUsage {
		t.Errorf("backup without a file: %+v", r)
	}
	if r := qmdesk(t, "demo", "--households", "5", "--db", db); r.code != cli.ExitUsage {
		t.Errorf("demo without a province: %+v", r)
	}
	// A database held by another program: a clear message, fast.
	s, err := bolt.Open(db, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := qmdesk(t, "check", "--db", db)
	s.Close()
	// It fails rather than waits: the bound is far above bbolt's lock
	// timeout, so only a hang crosses it, not a loaded machine.
	if r.code != cli.ExitFailure || !strings.Contains(r.stderr, "กำลังถูกใช้โดยโปรแกรม qmdesk อีกตัวหนึ่ง") || time.Since(start) > 20*time.Second {
		t.Errorf("locked database: %+v after %v", r, time.Since(start))
	}
	// A damaged file.
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("not a database at all"), 0o600)
	if r := qmdesk(t, "check", "--db", junk); r.code != cli.ExitFailure || r.stderr == "" {
		t.Errorf("junk database: %+v", r)
	}
	if r := qmdesk(t, "summary", "--db", filepath.Join(dir, "missing.db")); r.code != cli.ExitFailure || !strings.Contains(r.stderr, "ไม่พบไฟล์ฐานข้อมูล") {
		t.Errorf("missing database: %+v", r)
	}
}

// Files dropped on the program's icon arrive as arguments: the window
// opens with them; anything else unknown is a usage error.
func TestWindowTakesWorkbooks(t *testing.T) {
	var gotDB string
	var gotFiles []string
	env := cli.Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Window: func(db string, files []string) error {
		gotDB, gotFiles = db, files
		return nil
	}}
	if code := cli.Run(context.Background(), []string{`C:\งาน\อำเภอเมือง.XLSX`, "b.xlsx"}, env); code != 0 || len(gotFiles) != 2 || gotFiles[0] != `C:\งาน\อำเภอเมือง.XLSX` || gotDB == "" {
		t.Errorf("code %d, files %v, db %q", code, gotFiles, gotDB)
	}
	gotFiles = nil
	if code := cli.Run(context.Background(), []string{"--db", "x.db", "a.xlsx"}, env); code != 0 || len(gotFiles) != 1 || gotDB != "x.db" {
		t.Errorf("with --db: code %d, files %v, db %q", code, gotFiles, gotDB)
	}
	if code := cli.Run(context.Background(), []string{"frobnicate"}, env); code != cli.ExitUsage {
		t.Errorf("unknown command: %d", code)
	}
}

// qmdesk version prints the version it was given, also when the clock
// is refused (an IT helper asks which version is installed).
func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		var out bytes.Buffer
		env := cli.Env{Stdout: &out, Stderr: &out, Version: "1.2.3", ClockErr: errors.New("QMDESK_TODAY")}
		if code := cli.Run(context.Background(), []string{arg}, env); code != 0 || out.String() != "qmdesk 1.2.3\n" {
			t.Errorf("%s: code %d, %q", arg, code, out.String())
		}
	}
}

// qmdesk --help prints the whole help, as qmdesk help does, not the
// window's one flag; also when the clock is refused.
func TestHelpFlags(t *testing.T) {
	for _, arg := range []string{"help", "-h", "-help", "--help"} {
		var out, errs bytes.Buffer
		env := cli.Env{Stdout: &out, Stderr: &errs, ClockErr: errors.New("QMDESK_TODAY"), Window: func(string, []string) error {
			t.Errorf("%s opened the window", arg)
			return nil
		}}
		if code := cli.Run(context.Background(), []string{arg}, env); code != 0 || !strings.Contains(out.String(), "qmdesk import [--dry-run]") || errs.Len() != 0 {
			t.Errorf("%s: code %d, out %q, err %q", arg, code, out.String(), errs.String())
		}
	}
}

func TestReportWritesThePackAndCharts(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if r := qmdesk(t, "demo", "--province", "41", "--households", "300", "--db", db); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	pdf := filepath.Join(dir, "ประชุม.pdf")
	r := qmdesk(t, "report", "--out", pdf, "--png", filepath.Join(dir, "png"), "--db", db)
	if r.code != 0 {
		t.Fatalf("report: %+v", r)
	}
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
	if pngs, _ := filepath.Glob(filepath.Join(dir, "png", "*.png")); len(pngs) != 4 {
		t.Errorf("charts: %v", pngs)
	}
	if r := qmdesk(t, "report", "--out", filepath.Join(dir, "a.pdf"), "--amphoe", "กุดจับ", "--db", db); r.code != 0 {
		t.Errorf("amphoe pack: %+v", r)
	}
	if r := qmdesk(t, "report", "--out", filepath.Join(dir, "b.pdf"), "--amphoe", "ไม่มีอำเภอนี้", "--db", db); r.code != cli.ExitFailure {
		t.Errorf("unknown amphoe: %+v", r)
	}
	if r := qmdesk(t, "report", "--db", db); r.code != cli.ExitUsage {
		t.Errorf("no --out: %+v", r)
	}
}
