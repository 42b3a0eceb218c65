package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/app/cli"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

func nid(n int) string {
	return data.WithCheckDigit(fmt.Sprintf("3123400%05d", n))
}

// book writes a template workbook with one row per (house code, amphoe).
func book(t *testing.T, path string, rows ...[2]string) {
	t.Helper()
	f := excelize.NewFile()
	for i, h := range app.TemplateHeaders {
		c, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue("Sheet1", c, h.Header)
	}
	for r, row := range rows {
		n, _ := strconv.Atoi(row[0][4:])
		vals := []any{r + 1, row[0], "1", "2", "", "หมากแข้ง", row[1], "อุดรธานี", nid(n), "นาง", "มาลี", "ดี", "", "", "เดิม", 4, "หนี้สิน"}
		for c, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			f.SetCellValue("Sheet1", cell, v)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	qmdesk(t, "init", "--province", "41", "--db", db)
	good := filepath.Join(dir, "good.xlsx")
	book(t, good, [2]string{"41010000001", "เมือง"}, [2]string{"41010000002", "เมือง"})
	mixed := filepath.Join(dir, "mixed.xlsx")
	book(t, mixed, [2]string{"41010000003", "เมือง"}, [2]string{"41010000004", "เมืองอุดร"})
	junk := filepath.Join(dir, "junk.xlsx")
	os.WriteFile(junk, []byte("hello"), 0o600)

	// A dry run writes nothing.
	if r := qmdesk(t, "import", "--dry-run", good, "--db", db); r.code != 0 || !strings.Contains(r.stdout, "dry run") {
		t.Fatalf("dry run: %+v", r)
	}
	if r := qmdesk(t, "imports", "--db", db); !strings.Contains(r.stdout, "ยังไม่มี") {
		t.Fatalf("dry run was recorded: %+v", r)
	}
	r := qmdesk(t, "import", "--json", good, mixed, junk, "--errors", filepath.Join(dir, "back"), "--db", db)
	if r.code != 4 {
		t.Fatalf("exit %d, want 4 (a file refused): %+v", r.code, r)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("want one JSON object per file: %q", r.stdout)
	}
	var objs []map[string]any
	for _, l := range lines {
		var o map[string]any
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatal(err, l)
		}
		for _, k := range []string{"file", "sha256", "import_id", "refused", "rows", "new_households", "new_problems", "updated", "unchanged", "review", "rejected"} {
			if _, ok := o[k]; !ok {
				t.Errorf("%s lacks %q", l, k)
			}
		}
		objs = append(objs, o)
	}
	if objs[0]["new_households"] != 2.0 || objs[0]["refused"] != "" || objs[0]["import_id"] != 1.0 {
		t.Errorf("good: %v", objs[0])
	}
	if objs[1]["rejected"] != 1.0 || objs[1]["new_households"] != 1.0 {
		t.Errorf("mixed: %v", objs[1])
	}
	if !strings.Contains(objs[2]["refused"].(string), "ไม่ใช่ไฟล์ Excel") || objs[2]["import_id"] != 0.0 {
		t.Errorf("junk: %v", objs[2])
	}
	if _, err := os.Stat(filepath.Join(dir, "back", "mixed-แถวที่ต้องแก้ไข.xlsx")); err != nil {
		t.Errorf("error workbook not written: %v", err)
	}
	// Rows rejected, none refused: 3.
	if r := qmdesk(t, "import", mixed, "--db", db); r.code != 3 || !strings.Contains(r.stdout, "ไม่พบอำเภอ 'เมืองอุดร'") || !strings.Contains(r.stdout, "เคยนำเข้าแล้ว") {
		t.Errorf("mixed again: %+v", r)
	}
	if r := qmdesk(t, "imports", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "good.xlsx") || !strings.Contains(r.stdout, "mixed.xlsx") {
		t.Errorf("imports: %+v", r)
	}
	if r := qmdesk(t, "undo", "2", "--db", db); r.code != 0 {
		t.Errorf("undo: %+v", r)
	}
	if r := qmdesk(t, "undo", "2", "--db", db); r.code != 1 || !strings.Contains(r.stderr, "ยกเลิกไปแล้ว") {
		t.Errorf("undo twice: %+v", r)
	}
	if r := qmdesk(t, "check", "--db", db); r.code != 0 {
		t.Errorf("check after undo: %+v", r)
	}
	if r := qmdesk(t, "review", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "ไม่มีรายการ") {
		t.Errorf("review: %+v", r)
	}
	for _, args := range [][]string{
		{"export", "template", filepath.Join(dir, "t.xlsx")},
		{"export", "summary", filepath.Join(dir, "s.xlsx")},
		{"export", "followup", "--amphoe", "เมือง", filepath.Join(dir, "f.xlsx")},
		{"export", "followup", "--all", filepath.Join(dir, "all")},
		{"export", "full", filepath.Join(dir, "full.xlsx")},
	} {
		if r := qmdesk(t, append(args, "--db", db)...); r.code != 0 {
			t.Errorf("%v: %+v", args, r)
		}
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "all", "*.xlsx")); len(files) != 20 {
		t.Errorf("follow-up for all: %d files", len(files))
	}
	if r := qmdesk(t, "import", "--db", db); r.code != 2 {
		t.Errorf("import without files: %+v", r)
	}
}

// import backs the database up into backups beside it before it writes,
// as the window does; --no-backup, a dry run and a run that writes
// nothing make no backup.
func TestImportBacksUpFirst(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	backups := filepath.Join(dir, "backups")
	qmdesk(t, "init", "--province", "41", "--db", db)
	first := filepath.Join(dir, "first.xlsx")
	book(t, first, [2]string{"41010000001", "เมือง"}, [2]string{"41010000002", "เมือง"})
	second := filepath.Join(dir, "second.xlsx")
	book(t, second, [2]string{"41010000003", "เมือง"})
	third := filepath.Join(dir, "third.xlsx")
	book(t, third, [2]string{"41010000004", "เมือง"})
	junk := filepath.Join(dir, "junk.xlsx")
	os.WriteFile(junk, []byte("hello"), 0o600)
	list := func() []string {
		files, _ := filepath.Glob(filepath.Join(backups, "*"))
		return files
	}

	if r := qmdesk(t, "import", "--dry-run", first, "--db", db); r.code != 0 || len(list()) != 0 {
		t.Fatalf("dry run: %+v, backups %v", r, list())
	}
	if r := qmdesk(t, "import", junk, "--db", db); r.code != 4 || len(list()) != 0 {
		t.Fatalf("only a refused file: %+v, backups %v", r, list())
	}
	if r := qmdesk(t, "import", "--no-backup", first, "--db", db); r.code != 0 || len(list()) != 0 || strings.Contains(r.stdout, "สำรอง") {
		t.Fatalf("--no-backup: %+v, backups %v", r, list())
	}
	r := qmdesk(t, "import", second, "--db", db)
	if r.code != 0 || len(list()) != 1 {
		t.Fatalf("import: %+v, backups %v", r, list())
	}
	backup := list()[0]
	if filepath.Base(backup) != "before-import-20240801-160000.db" { // 09:00 UTC is 16:00 in Thailand, whatever the computer's zone
		t.Errorf("backup named %s", filepath.Base(backup))
	}
	if !strings.Contains(r.stdout, "สำรองฐานข้อมูลก่อนนำเข้าไว้ที่ "+backup) {
		t.Errorf("where the backup went is not said: %q", r.stdout)
	}
	// The backup is the database before the second file.
	b, err := bolt.Open(backup, bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	sizes, _ := b.Sizes(context.Background())
	b.Close()
	if sizes.Households != 2 {
		t.Errorf("the backup holds %d households, want the 2 before the import", sizes.Households)
	}
	// With --json, stdout stays one object per file; the backup is said on
	// stderr.
	r = qmdesk(t, "import", "--json", third, "--db", db)
	if r.code != 0 || len(list()) != 2 || !strings.Contains(r.stderr, "สำรองฐานข้อมูลก่อนนำเข้าไว้ที่") {
		t.Fatalf("--json: %+v, backups %v", r, list())
	}
	var o map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &o); err != nil {
		t.Errorf("stdout is not one JSON object: %q", r.stdout)
	}
}

// A new household's row creates its problem too: the report counts what a
// clerk reads it as (households and problems added), and --json keeps the
// row fates beside the created counts.
func TestImportCountsWhatItCreates(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	qmdesk(t, "init", "--province", "41", "--db", db)
	first := filepath.Join(dir, "first.xlsx")
	book(t, first, [2]string{"41010000001", "เมือง"})
	qmdesk(t, "import", first, "--db", db)
	path := filepath.Join(dir, "more.xlsx")
	f := excelize.NewFile()
	for i, h := range app.TemplateHeaders {
		c, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue("Sheet1", c, h.Header)
	}
	for r, row := range [][]any{
		{1, "41010000002", "1", "2", "", "หมากแข้ง", "เมือง", "อุดรธานี", nid(2), "นาง", "มาลี", "ดี", "", "", "เดิม", 4, "หนี้สิน"},
		{2, "41010000002", "1", "2", "", "หมากแข้ง", "เมือง", "อุดรธานี", nid(2), "นาง", "มาลี", "ดี", "", "", "เดิม", 2, "ขาดแคลนน้ำใช้"},
		{3, "41010000003", "1", "2", "", "หมากแข้ง", "เมือง", "อุดรธานี", nid(3), "นาง", "มาลี", "ดี", "", "", "เดิม", 4, "หนี้สิน"},
		{4, "41010000001", "1", "2", "", "หมากแข้ง", "เมือง", "อุดรธานี", nid(1), "นาง", "มาลี", "ดี", "", "", "เดิม", 3, "ขาดทุนการศึกษา"},
	} {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			f.SetCellValue("Sheet1", cell, v)
		}
	}
	f.SaveAs(path)
	r := qmdesk(t, "import", "--dry-run", path, "--db", db)
	if !strings.Contains(r.stdout, "ครัวเรือนใหม่ 2 ครัวเรือน · ปัญหาใหม่ 4 ปัญหา") {
		t.Errorf("report: %s", r.stdout)
	}
	r = qmdesk(t, "import", "--json", "--dry-run", path, "--db", db)
	var got map[string]any
	json.Unmarshal([]byte(r.stdout), &got)
	if got["new_households"] != 2.0 || got["new_problems"] != 2.0 || got["created_households"] != 2.0 || got["created_problems"] != 4.0 {
		t.Errorf("--json: %s", r.stdout)
	}
}

// A workbook a script wrote, with formulas whose result it did not save:
// the dry run and the import say so at the top, once, and name each row's
// cell; a file where every row is so is refused with that one message.
func TestImportSaysFormulasWithoutTheirResult(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	qmdesk(t, "init", "--province", "41", "--db", db)
	withFormulas := func(name string, cells ...string) string {
		path := filepath.Join(dir, name)
		book(t, path, [2]string{"41010000001", "เมือง"}, [2]string{"41010000002", "เมือง"})
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cells {
			f.SetCellFormula("Sheet1", c, "1000+2000") // saves no result
		}
		if err := f.Save(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		return path
	}
	some, all := withFormulas("some.xlsx", "X2"), withFormulas("all.xlsx", "X2", "X3")
	budget := data.HeaderBudget.Thai
	for _, args := range [][]string{{"--dry-run"}, nil} {
		r := qmdesk(t, append(append([]string{"import", "--db", db}, args...), some)...)
		note := "  ไม่รับ 1 แถว เพราะมีช่องที่เป็นสูตรซึ่งไฟล์ไม่ได้บันทึกผลลัพธ์ไว้ (เช่น ช่อง X2 คอลัมน์ '" + budget + "'): กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วกดบันทึก จากนั้นนำเข้าใหม่\n"
		row := "  แถว 2 คอลัมน์ " + budget + " ค่า '': ไม่รับ — ช่อง X2 (คอลัมน์ '" + budget + "') เป็นสูตรที่ไฟล์ไม่ได้บันทึกผลลัพธ์ไว้"
		if r.code != 3 || !strings.Contains(r.stdout, note) || !strings.Contains(r.stdout, row) || strings.Index(r.stdout, note) > strings.Index(r.stdout, row) {
			t.Errorf("%v: %+v", args, r)
		}
	}
	r := qmdesk(t, "import", "--db", db, all)
	if r.code != 4 || !strings.HasPrefix(r.stdout, "all.xlsx: ไม่นำเข้า — ไฟล์นี้มีสูตรที่ไม่ได้บันทึกผลลัพธ์ไว้ในทุกแถวข้อมูล (2 แถว เช่น ช่อง X2 คอลัมน์ '"+budget+"')") ||
		strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stderr, "every data row (2) has a formula whose result was not saved") {
		t.Errorf("all rows: %+v", r)
	}
	if r := qmdesk(t, "imports", "--db", db); strings.Contains(r.stdout, "all.xlsx") {
		t.Errorf("the refused file was recorded: %s", r.stdout)
	}
}

// When stderr is not a terminal (a log file, a scheduled task) a long
// import prints a plain line every few seconds saying what it is doing,
// and nothing is redrawn with \r: a log shows the import alive.
func TestImportProgressWhenNotATerminal(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	qmdesk(t, "init", "--province", "41", "--db", db)
	big := filepath.Join(dir, "big.xlsx")
	var rows [][2]string
	for i := range 5000 {
		rows = append(rows, [2]string{fmt.Sprintf("4101%07d", i+1), "เมือง"})
	}
	book(t, big, rows...)
	often := func(env *cli.Env) { env.ProgressEvery = time.Millisecond }
	r := qmdeskWith(t, context.Background(), often, "import", big, "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "ครัวเรือนใหม่ 5,000") {
		t.Fatalf("import: %+v", r)
	}
	if strings.Contains(r.stderr, "\r") {
		t.Errorf("a redrawn line in a log: %q", r.stderr)
	}
	line := regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d กำลังตรวจไฟล์ big\.xlsx อ่านแล้ว [0-9,]+ แถว \(ผ่านไป \d+ วินาที\)$`)
	if !line.MatchString(r.stderr) || !strings.Contains(r.stderr, "กำลังบันทึก 5,000 แถวข้อมูลของไฟล์ big.xlsx") {
		t.Errorf("no progress line for a log:\n%s", r.stderr)
	}
	// The backup command's percentages are plain lines too.
	r = qmdeskWith(t, context.Background(), often, "backup", filepath.Join(dir, "copy.db"), "--db", db)
	if r.code != 0 || strings.Contains(r.stderr, "\r") {
		t.Errorf("backup: %+v", r)
	}
}

// A district (or category) without problems has no percentage solved:
// the summary prints "–", as the meeting pack does for a figure it does
// not give, never "0.0%" (a district that solved nothing); --json gives
// null. A district whose problems are all open still shows 0.0%.
func TestSummaryWithoutTargetHasNoPercent(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	qmdesk(t, "init", "--province", "41", "--db", db)
	f := filepath.Join(dir, "a.xlsx")
	book(t, f, [2]string{"41010000001", "เมือง"}, [2]string{"41010000002", "เมือง"})
	if r := qmdesk(t, "import", f, "--db", db); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	r := qmdesk(t, "summary", "--db", db)
	if r.code != 0 {
		t.Fatalf("summary: %+v", r)
	}
	lines := map[string][]string{} // amphoe → its lines (the table, then the categories')
	for _, l := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			lines[f[0]] = append(lines[f[0]], l)
		}
	}
	muang, kutchap := lines["เมืองอุดรธานี"], lines["กุดจับ"]
	if len(muang) != 2 || len(kutchap) != 2 {
		t.Fatalf("summary lines: %q %q\n%s", muang, kutchap, r.stdout)
	}
	if strings.Contains(kutchap[0], "%") || !strings.Contains(kutchap[0], " – ") {
		t.Errorf("a district without problems: %q", kutchap[0])
	}
	if !strings.Contains(muang[0], " 0.0% ") {
		t.Errorf("a district with its problems all open: %q", muang[0])
	}
	if strings.Count(kutchap[1], "– (0)") != 7 || strings.Count(muang[1], "– (0)") != 6 || !strings.Contains(muang[1], "0.0% (2)") {
		t.Errorf("categories:\n%s\n%s", muang[1], kutchap[1])
	}
	r = qmdesk(t, "summary", "--json", "--db", db)
	var got struct {
		Amphoe []struct {
			Name       string
			Totals     map[string]any
			Categories map[string]map[string]any
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	for _, a := range got.Amphoe {
		p, ok := a.Totals["percent_solved"]
		switch {
		case a.Name == "เมืองอุดรธานี" && p != 0.0:
			t.Errorf("%s: percent_solved %v, want 0", a.Name, p)
		case a.Name != "เมืองอุดรธานี" && (!ok || p != nil):
			t.Errorf("%s: percent_solved %v (there: %v), want null", a.Name, p, ok)
		}
		if a.Name == "เมืองอุดรธานี" && (a.Categories["4"]["percent_solved"] != 0.0 || a.Categories["1"]["percent_solved"] != nil) {
			t.Errorf("%s categories: %v", a.Name, a.Categories)
		}
	}
}

// demo's progress is the import's: into a log (stderr not a terminal) it
// prints plain lines, never a line redrawn with \r, and its last count
// stays as a line of its own.
func TestDemoProgressWhenNotATerminal(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qm.db")
	often := func(env *cli.Env) { env.ProgressEvery = time.Millisecond }
	r := qmdeskWith(t, context.Background(), often, "demo", "--province", "41", "--households", "2000", "--db", db)
	if r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	if strings.Contains(r.stderr, "\r") {
		t.Errorf("a redrawn line in a log: %q", r.stderr)
	}
	last := regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d กำลังสร้างข้อมูลตัวอย่าง สร้างแล้ว 2,000 / 2,000 ครัวเรือน \(ผ่านไป \d+ วินาที\)$`)
	if !last.MatchString(r.stderr) {
		t.Errorf("no last progress line:\n%s", r.stderr)
	}
}
