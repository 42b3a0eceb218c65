package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// Exit statuses of import.
const (
	ExitSomeRows = 3 // rows were rejected or need review
	ExitRefused  = 4 // a whole file was refused
)

// importJSON is the object `qmdesk import --json` prints per file.
type importJSON struct {
	File     string `json:"file"`
	SHA256   string `json:"sha256"`
	ImportID uint64 `json:"import_id"`
	Refused  string `json:"refused"`
	data.Counts
	CreatedHouseholds int         `json:"created_households"` // households the import adds
	CreatedProblems   int         `json:"created_problems"`   // problems the import adds, in new and known households
	Sheets            []sheetJSON `json:"sheets"`             // every sheet of the workbook, read or not
}

// sheetJSON says what became of one sheet.
type sheetJSON struct {
	Name     string `json:"name"`
	Imported bool   `json:"imported"`
	Rows     int    `json:"rows"`             // data rows read, or rows with something in them not read
	Reason   string `json:"reason,omitempty"` // Thai: why the sheet was not read
}

// importDB is what the import commands use of a database: the importer's
// store, the backup before an import, the ledger's reviews and undo, and
// the close.
type importDB interface {
	app.ImportStore
	app.BackupStore
	Reviews(ctx context.Context, pendingOnly bool) ([]data.Review, error)
	UndoImport(ctx context.Context, id uint64) error
	Close() error
}

// A store with an import ledger is an importDB: importStore's check
// fails only for a store without one.
var _ importDB = (interface {
	data.Store
	data.ImportLedger
})(nil)

// importStore opens the database as the importer needs it.
func (c *command) importStore(path string, readOnly bool) (importDB, error) {
	s, err := c.open(path, readOnly)
	if err != nil {
		return nil, err
	}
	is, ok := s.(importDB)
	if !ok {
		s.Close()
		return nil, data.Errorf(data.EINTERNAL, "ฐานข้อมูลนี้นำเข้าไฟล์ไม่ได้", "store has no import ledger")
	}
	return is, nil
}

func (c *command) importFiles(args []string) (int, error) {
	fs, db := c.flags("import")
	dry := fs.Bool("dry-run", false, "ตรวจสอบอย่างเดียว ไม่บันทึก")
	pwFlags := addPasswordFlags(fs)
	asJSON := fs.Bool("json", false, "พิมพ์ผลเป็น JSON (หนึ่งบรรทัดต่อไฟล์)")
	errorsDir := fs.String("errors", "", "โฟลเดอร์สำหรับไฟล์แจ้งข้อผิดพลาดส่งกลับอำเภอ")
	noBackup := fs.Bool("no-backup", false, "ไม่สำรองฐานข้อมูลก่อนนำเข้า")
	files, err := parseAny(fs, args)
	if err != nil {
		return 0, err
	}
	if len(files) == 0 {
		return 0, usageError{"กรุณาระบุไฟล์ที่จะนำเข้า เช่น qmdesk import อำเภอกุดจับ.xlsx"}
	}
	password, err := c.password(pwFlags, false)
	if err != nil {
		return 0, err
	}
	s, err := c.importStore(*db, *dry)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	// Left alone the collector lets the heap grow to twice the live heap;
	// a soft limit makes it collect sooner instead (GOMEMLIMIT overrides
	// it). The stop runs before the store closes.
	defer app.HoldImportMemory(s, os.Getenv("GOMEMLIMIT") == "")()
	imp := &app.Importer{Store: s, Geo: c.env.Geo, Clock: c.env.Clock}
	status := ExitOK
	// A server's database takes no automatic backup into a folder: each
	// file is one transaction there (all or nothing), undo takes a file
	// back out, and the server is backed up by its own tools (pg_dump),
	// which its administrator runs.
	backedUp := *noBackup || IsServerAddress(*db)
	// What the import is doing shows on stderr: on a terminal a line
	// redrawn in place, otherwise a plain line every few seconds.
	defer c.startProgress()()
	imp.Progress = func(rows int) { c.live.count(fmt.Sprintf("อ่านแล้ว %s แถว", num(int64(rows)))) }
	for _, f := range files {
		c.live.step(fmt.Sprintf("กำลังตรวจไฟล์ %s", filepath.Base(f)))
		rep, err := imp.Plan(c.ctx, f, password)
		c.live.step("")
		if err != nil {
			return 0, err
		}
		if rep.Refused == "" && !*dry {
			// As the window does: a copy of the database before the first
			// file is written, into backups beside it.
			if !backedUp {
				if err := c.autoBackup(s, *db, *asJSON); err != nil {
					return 0, err
				}
				backedUp = true
			}
			c.live.step(fmt.Sprintf("กำลังบันทึก %s แถวข้อมูลของไฟล์ %s", num(int64(rep.Counts().Rows)), filepath.Base(f)))
			_, err := imp.Commit(c.ctx, rep)
			c.live.step("")
			if err != nil {
				if errors.Is(err, context.Canceled) && c.ctx.Err() != nil {
					// Commit rolled back what it had written of the file.
					fmt.Fprintf(c.env.Stderr, "%s: ไม่ได้นำเข้า ไม่มีแถวใดของไฟล์นี้ถูกบันทึก (ไฟล์ที่แสดงผลนำเข้าไว้ก่อนหน้านี้ยังอยู่ ยกเลิกได้ด้วย qmdesk undo)\n", rep.File)
				}
				return 0, err
			}
		}
		if rep.Refused == "" && *errorsDir != "" {
			if out, err := app.WriteErrorWorkbook(rep, *errorsDir); err != nil {
				return 0, err
			} else if out != "" && !*asJSON {
				fmt.Fprintf(c.env.Stdout, "  ไฟล์แจ้งข้อผิดพลาดส่งกลับอำเภอ: %s\n", out)
			}
		}
		cnt := rep.Counts()
		switch {
		case rep.Refused != "":
			status = ExitRefused
		case (cnt.Rejected > 0 || cnt.Review > 0) && status == ExitOK:
			status = ExitSomeRows
		}
		if *asJSON {
			sheets := []sheetJSON{}
			for _, sh := range rep.Sheets {
				sheets = append(sheets, sheetJSON{Name: sh.Name, Imported: sh.Imported, Rows: sh.Rows, Reason: sh.Why})
			}
			b, _ := json.Marshal(importJSON{File: rep.File, SHA256: rep.SHA256, ImportID: rep.ImportID, Refused: rep.Refused, Counts: cnt,
				CreatedHouseholds: cnt.CreatedHouseholds(), CreatedProblems: cnt.CreatedProblems(), Sheets: sheets})
			fmt.Fprintln(c.env.Stdout, string(b))
		} else {
			c.printImport(rep, *dry)
		}
		rep.Close() // its plan's memory and temporary file, before the next file's
	}
	return status, nil
}

// autoBackup takes the automatic backup before an import and says where
// it went (on stderr with --json, whose stdout is one object per file).
func (c *command) autoBackup(s app.BackupStore, db string, asJSON bool) error {
	out := c.env.Stdout
	if asJSON {
		out = c.env.Stderr
	}
	path, err := app.AutoBackup(c.ctx, s, app.BackupDir(db), c.env.Clock, c.backupProgress("กำลังสำรองฐานข้อมูลก่อนนำเข้า"))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "สำรองฐานข้อมูลก่อนนำเข้าไว้ที่ %s\n", path)
	return nil
}

func (c *command) printImport(rep *app.FileReport, dry bool) {
	w := c.env.Stdout
	if rep.Refused != "" {
		fmt.Fprintf(w, "%s: ไม่นำเข้า — %s\n", rep.File, rep.Refused)
		if errors.Is(rep.Err, xlsx.ErrNeedPassword) || errors.Is(rep.Err, xlsx.ErrWrongPassword) {
			fmt.Fprintln(w, "  ใส่รหัสผ่านด้วย --ask-password (พิมพ์บนหน้าจอ) หรือ --password-file FILE")
		}
		if rep.Err != nil {
			fmt.Fprintln(c.env.Stderr, "refused:", rep.File, rep.Err)
		}
		return
	}
	cnt := rep.Counts()
	verb := "นำเข้าแล้ว (ครั้งที่ " + strconv.FormatUint(rep.ImportID, 10) + ")"
	if dry {
		verb = "ตรวจสอบแล้ว ยังไม่บันทึก (dry run)"
	}
	if n := rep.ImportedSheets(); n > 1 {
		fmt.Fprintf(w, "%s: %s · %d แผ่นงาน · %s แถวข้อมูล\n", rep.File, verb, n, num(int64(cnt.Rows)))
	} else {
		fmt.Fprintf(w, "%s: %s · แผ่นงาน '%s' หัวตารางแถว %s · %s แถวข้อมูล\n", rep.File, verb, rep.Sheet, joinInts(rep.Header), num(int64(cnt.Rows)))
	}
	// Every sheet not read is named, with why: nothing is passed over
	// without a line.
	for _, line := range rep.SheetLines() {
		fmt.Fprintf(w, "  %s\n", line)
	}
	// Which date the rows without an action date were given, when the
	// sheet's title says another than the file's own.
	for _, line := range rep.DateLines() {
		fmt.Fprintf(w, "  %s\n", line)
	}
	fmt.Fprintf(w, "  %s %s %s · %s %s %s · แถวที่ปรับปรุง %s · ไม่เปลี่ยนแปลง %s · รอตรวจสอบ %s · ไม่รับ %s\n",
		data.WordNewHousehold.Thai, num(int64(cnt.CreatedHouseholds())), data.UnitHouseholds.Thai,
		data.WordNewProblem.Thai, num(int64(cnt.CreatedProblems())), data.UnitProblems.Thai, num(int64(cnt.Updated)), num(int64(cnt.Unchanged)), num(int64(cnt.Review)), num(int64(cnt.Rejected)))
	if note := rep.FormulaNote(false); note != "" {
		fmt.Fprintf(w, "  %s\n", note)
	}
	if rep.Ended && cnt.CreatedProblems() > 0 {
		fmt.Fprintf(w, "  รอบ %s สิ้นสุดแล้วเมื่อ %s: ปัญหาที่เพิ่ม %s ปัญหาจะเลยกำหนดทันทีที่นำเข้า ถ้าเป็นงานของปีงบประมาณใหม่ ให้เริ่มรอบใหม่ก่อน (qmdesk round new)\n",
			rep.Round.Name, data.FormatBE(rep.Round.Deadline), num(int64(cnt.CreatedProblems())))
	}
	if len(rep.Earlier) > 0 {
		e := rep.Earlier[len(rep.Earlier)-1]
		fmt.Fprintf(w, "  ไฟล์นี้เคยนำเข้าแล้ว (ครั้งที่ %d เมื่อ %s)\n", e.ID, data.FormatBE(data.DateOf(e.At)))
	}
	if len(rep.Unknown) > 0 {
		fmt.Fprintf(w, "  คอลัมน์ที่ไม่ได้ใช้: %s\n", strings.Join(rep.Unknown, ", "))
	}
	for r := range rep.Batch.RowResults() {
		if r.Fate == data.FateRejected || r.Fate == data.FateReview {
			cell := ""
			if r.Column != "" {
				cell = fmt.Sprintf(" คอลัมน์ %s ค่า '%s'", r.Column, r.Value)
			}
			fmt.Fprintf(w, "  %s%s: %s — %s\n", rep.RowPlace(r), cell, r.Fate.Thai(), r.Reason)
		}
	}
}

// orDash writes "-" for a value the row did not give (a masked ID counts
// as not given).
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func joinInts(v []int) string {
	var s []string
	for _, n := range v {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, "–")
}

func (c *command) imports(args []string) error {
	fs, db := c.flags("imports")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	s, err := c.importStore(*db, true)
	if err != nil {
		return err
	}
	defer s.Close()
	recs, err := s.Imports(c.ctx)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		fmt.Fprintln(c.env.Stdout, "ยังไม่มีการนำเข้าไฟล์")
		return nil
	}
	rows := [][]string{{"ครั้งที่", "วันที่", "ผู้นำเข้า", "ไฟล์", "แถว", data.WordNewHousehold.Thai, data.WordNewProblem.Thai, "แถวที่ปรับปรุง", "ไม่เปลี่ยน", "รอตรวจ", "ไม่รับ", "สถานะ"}}
	for _, r := range recs {
		state := ""
		if !r.UndoneAt.IsZero() {
			state = "ยกเลิกแล้ว " + data.FormatBE(data.DateOf(r.UndoneAt))
		}
		cn := r.Counts
		rows = append(rows, []string{strconv.FormatUint(r.ID, 10), data.FormatBE(data.DateOf(r.At)), r.Who, r.File,
			num(int64(cn.Rows)), num(int64(cn.CreatedHouseholds())), num(int64(cn.CreatedProblems())), num(int64(cn.Updated)), num(int64(cn.Unchanged)), num(int64(cn.Review)), num(int64(cn.Rejected)), state})
	}
	printTable(c.env.Stdout, rows)
	return nil
}

func (c *command) undo(args []string) error {
	fs, db := c.flags("undo")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	id, err := strconv.ParseUint(pos[0], 10, 64)
	if err != nil {
		return usageError{"ระบุเลขครั้งที่นำเข้า เช่น qmdesk undo 3 (ดูได้จาก qmdesk imports)"}
	}
	s, err := c.importStore(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	// Its rows still waiting for review go with it (the store drops them
	// in the undo's transaction); counted first to tell the clerk. No one
	// else writes the file meanwhile: it is open for writing here, which
	// locks out every other qmdesk.
	pending, err := s.Reviews(c.ctx, true)
	if err != nil {
		return err
	}
	own := 0
	for _, r := range pending {
		if r.ImportID == id {
			own++
		}
	}
	if err := s.UndoImport(c.ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "ยกเลิกการนำเข้าครั้งที่ %d แล้ว ข้อมูลกลับเป็นเหมือนก่อนนำเข้า\n", id)
	if own > 0 {
		fmt.Fprintf(c.env.Stdout, "แถวของไฟล์นี้ที่ยังรอตรวจสอบ %d แถวถูกยกเลิกไปด้วย (ไม่ต้องตัดสินแล้ว ถ้ายังต้องการแถวเหล่านั้น ให้นำเข้าไฟล์ใหม่อีกครั้ง)\n", own)
	}
	return nil
}

func (c *command) review(args []string) error {
	fs, db := c.flags("review")
	asNew := fs.Bool("new", false, "สร้างเป็น"+data.WordNewHousehold.Thai+" (ยืนยันเลขประจำตัวประชาชน)")
	merge := fs.Uint64("merge", 0, "รวมเข้ากับครัวเรือนเลขที่ (ข้อมูลที่ขัดกัน: ใช้ค่าจากไฟล์)")
	keep := fs.Uint64("keep", 0, "ข้อมูลที่ขัดกัน: คงค่าในโปรแกรมของครัวเรือนเลขที่ แล้วรับส่วนอื่นของแถว")
	accept := fs.Bool("accept", false, "รับชื่อปัญหาที่แนะนำ")
	reject := fs.Bool("reject", false, "ไม่รับแถวนี้")
	pos, err := parseAny(fs, args)
	if err != nil {
		return err
	}
	s, err := c.importStore(*db, len(pos) == 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if len(pos) == 0 {
		items, err := s.Reviews(c.ctx, true)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			fmt.Fprintln(c.env.Stdout, "ไม่มีรายการรอตรวจสอบ")
			return nil
		}
		for _, r := range items {
			h := r.Household
			// A follow-up row gives only what the district changed (and
			// masks the ID): the household it is about tells the rest.
			if len(r.Candidates) == 1 && (h.Head.FullName() == "" || h.Head.NationalID == "" || h.HouseCode == "") {
				if stored, err := s.Household(c.ctx, r.Candidates[0]); err == nil {
					h.HouseCode = cmp.Or(h.HouseCode, stored.HouseCode)
					h.Head.NationalID = cmp.Or(h.Head.NationalID, stored.Head.NationalID)
					if h.Head.FullName() == "" {
						h.Head = stored.Head
					}
				}
			}
			fmt.Fprintf(c.env.Stdout, "%d. นำเข้าครั้งที่ %d แผ่นงาน %s แถว %d: %s\n   รหัสบ้าน %s · เลขประจำตัว %s · %s · %s · %s\n",
				r.ID, r.ImportID, r.Sheet, r.Row, r.Reason, orDash(h.HouseCode), orDash(data.MaskNationalID(h.Head.NationalID)), orDash(h.Head.FullName()), r.Problem.Category.Label(), r.Problem.SubProblem)
			found := "ครัวเรือนที่อาจตรงกัน"
			if r.Kind != data.ReviewMatch {
				found = "ครัวเรือน"
			}
			for _, cand := range r.Candidates {
				if ch, err := s.Household(c.ctx, cand); err == nil {
					fmt.Fprintf(c.env.Stdout, "   %s %d: รหัสบ้าน %s · %s · %s\n", found, ch.ID, ch.HouseCode, data.MaskNationalID(ch.Head.NationalID), ch.Head.FullName())
				}
			}
			switch r.Kind {
			case data.ReviewConflict:
				fmt.Fprintf(c.env.Stdout, "   ตัดสิน: qmdesk review %d --merge %d (ใช้ค่าจากไฟล์) | --keep %d (คงค่าในโปรแกรม รับส่วนอื่นของแถว) | --reject\n", r.ID, r.Candidates[0], r.Candidates[0])
			case data.ReviewSubProblem:
				fmt.Fprintf(c.env.Stdout, "   ตัดสิน: qmdesk review %d --accept (รับเป็น '%s') | --reject\n", r.ID, r.Problem.SubProblem)
			case data.ReviewCombination:
				fmt.Fprintf(c.env.Stdout, "   ตัดสิน: qmdesk review %d --accept (รับตามที่เขียนในไฟล์) | --reject (ส่งกลับให้อำเภอแก้)\n", r.ID)
			default:
				fmt.Fprintf(c.env.Stdout, "   ตัดสิน: qmdesk review %d --new | --merge ครัวเรือน | --reject\n", r.ID)
			}
		}
		return nil
	}
	if len(pos) != 1 {
		return usageError{"ตัดสินครั้งละหนึ่งรายการ: qmdesk review N --new | --merge ครัวเรือน | --keep ครัวเรือน | --accept | --reject"}
	}
	id, err := strconv.ParseUint(pos[0], 10, 64)
	if err != nil {
		return usageError{"ระบุเลขรายการรอตรวจสอบเป็นตัวเลข"}
	}
	decision, into, chosen := "", *merge, 0
	for _, d := range []struct {
		on   bool
		name string
	}{{*asNew, "new"}, {*merge != 0, "merge"}, {*keep != 0, "keep"}, {*accept, "accept"}, {*reject, "reject"}} {
		if d.on {
			decision, chosen = d.name, chosen+1
		}
	}
	if chosen != 1 {
		return usageError{"เลือกอย่างใดอย่างหนึ่ง: --new, --merge ครัวเรือน, --keep ครัวเรือน, --accept หรือ --reject"}
	}
	if decision == "keep" {
		into = *keep
	}
	imp := &app.Importer{Store: s, Geo: c.env.Geo, Clock: c.env.Clock}
	if err := imp.Decide(c.ctx, id, decision, into); err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "บันทึกการตัดสินรายการที่ %d แล้ว\n", id)
	return nil
}
