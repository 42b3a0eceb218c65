package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
)

// statusBook writes a template workbook of house codes 41010000001 … with
// the problem "หนี้สิน", each row's status and its date as given (empty:
// none).
func statusBook(t *testing.T, path string, status ...[2]string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, h := range app.TemplateHeaders {
		c, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue("Sheet1", c, h.Header)
	}
	for r, st := range status {
		vals := []any{r + 1, "4101000000" + string(rune('1'+r)), "1", "2", "", "หมากแข้ง", "เมือง", "อุดรธานี", nid(r + 1), "นาง", "มาลี", "ดี", "", "", "เดิม", 4, "หนี้สิน", "", "", st[0], st[1]}
		for c, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			f.SetCellValue("Sheet1", cell, v)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// The clerk undoes an import while a later import's rows about its
// households wait for review: she is told which import and what to do,
// nothing changes; once she settled them the undo goes through. An
// import's own rows waiting for review go with its undo, and she is told.
func TestUndoCommandWithReviewsPending(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	qmdesk(t, "init", "--province", "41", "--db", db)
	first, second := filepath.Join(dir, "เมือง.xlsx"), filepath.Join(dir, "เมือง-แก้ไข.xlsx")
	statusBook(t, first, [2]string{}, [2]string{})
	// In progress since 15 July, before the register's record of 1 August.
	statusBook(t, second, [2]string{"อยู่ระหว่างดำเนินการ", "15/07/2567"}, [2]string{})
	if r := qmdesk(t, "import", first, "--db", db); r.code != 0 {
		t.Fatalf("first import: %+v", r)
	}
	if r := qmdesk(t, "import", second, "--db", db); r.code != 3 || !strings.Contains(r.stdout, "รอตรวจสอบ 1") { // 3: rows not taken
		t.Fatalf("second import: %+v", r)
	}
	r := qmdesk(t, "undo", "1", "--db", db)
	if r.code == 0 || !strings.Contains(r.stderr, "ยกเลิกการนำเข้าครั้งที่ 1 ไม่ได้") || !strings.Contains(r.stderr, "ครั้งที่ 2 (เมือง-แก้ไข.xlsx)") {
		t.Fatalf("undo of the first import: %+v", r)
	}
	if r := qmdesk(t, "imports", "--db", db); strings.Contains(r.stdout, "ยกเลิกแล้ว") {
		t.Fatalf("a refused undo is in the ledger: %s", r.stdout)
	}
	if r := qmdesk(t, "check", "--db", db); r.code != 0 || strings.Contains(r.stdout, "ต้องตัดสิน") {
		t.Fatalf("check: %+v", r)
	}
	// Undoing the second import takes its row waiting for review along,
	// and says so; then the first can be undone.
	if r := qmdesk(t, "undo", "2", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "รอตรวจสอบ 1 แถวถูกยกเลิกไปด้วย") {
		t.Fatalf("undo of the second import: %+v", r)
	}
	if r := qmdesk(t, "review", "--db", db); !strings.Contains(r.stdout, "ไม่มีรายการ") {
		t.Fatalf("review after the undo: %+v", r)
	}
	if r := qmdesk(t, "undo", "1", "--db", db); r.code != 0 || strings.Contains(r.stdout, "รอตรวจสอบ") {
		t.Fatalf("undo of the first import then: %+v", r)
	}
}
