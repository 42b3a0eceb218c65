package app_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// tambonBook writes a workbook as districts send it when each tambon has
// its own sheet, with the sheets around them that are not data: the
// instructions, a summary whose header lacks the household columns, an
// empty sheet, the hidden list of a drop-down and a hidden old copy.
func tambonBook(t *testing.T, dir string) string {
	row := func(seq int, code string, n int, tambon, sub string) []any {
		return templateRow(seq, code, id(n), tambon, "เมือง", 4, sub, "", "", "")
	}
	path := writeBook(t, dir, "tambons.xlsx",
		sheet{Name: "คำอธิบาย", Titles: []string{"วิธีกรอกแบบฟอร์ม", "1. กรอกหนึ่งแถวต่อหนึ่งปัญหา", "2. ส่งกลับอำเภอภายในวันที่ 5"}},
		sheet{Name: "ตำบลA", Header: [][]string{templateHeader}, Rows: [][]any{
			row(1, "41010000011", 11, "หมากแข้ง", "หนี้สิน"),
			row(2, "41010000022", 22, "หมากแข้ง", "หนี้สิน"),
		}},
		sheet{Name: "ตำบลB", Titles: []string{"ตำบลบ้านขาว"}, Header: [][]string{templateHeader}, Rows: [][]any{
			row(1, "41010000033", 33, "บ้านขาว", "หนี้สิน"),
			row(2, "41010000044", 44, "ไม่มีตำบลนี้", "หนี้สิน"),
		}},
		sheet{Name: "สรุป", Header: [][]string{{"อำเภอ", "ตำบล", "ด้าน", "จำนวน"}}, Rows: [][]any{
			{"เมือง", "หมากแข้ง", 4, 2}, {"เมือง", "บ้านขาว", 4, 2},
		}},
		sheet{Name: "Sheet5"},
		sheet{Name: "รายการ", Rows: [][]any{{"หนี้สิน"}, {"ขาดทุนการศึกษา"}}},
		sheet{Name: "ฉบับเก่า", Header: [][]string{templateHeader}, Rows: [][]any{row(1, "41010000055", 55, "หมากแข้ง", "หนี้สิน")}},
	)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f.SetSheetVisible("รายการ", false)
	f.SetSheetVisible("ฉบับเก่า", false)
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// TestEverySheetIsAccountedFor: both tambon sheets are imported, each
// row's report names its sheet, and every other sheet is named with why
// it was not read.
func TestEverySheetIsAccountedFor(t *testing.T) {
	fx := newFixture(t)
	path := tambonBook(t, fx.dir)
	rep := fx.plan(t, path, "")
	if rep.Refused != "" {
		t.Fatal(rep.Refused)
	}
	if c := rep.Counts(); c != (data.Counts{Rows: 4, NewHouseholds: 3, Rejected: 1}) {
		t.Fatalf("counts %+v: %+v", c, slices.Collect(rep.Batch.RowResults()))
	}
	if rep.Sheet != "ตำบลA, ตำบลB" || rep.ImportedSheets() != 2 {
		t.Errorf("sheets read: %q", rep.Sheet)
	}
	for r := range rep.Batch.RowResults() {
		if r.Fate == data.FateRejected && (r.Sheet != "ตำบลB" || r.Row != 4 || rep.RowPlace(r) != "แผ่นงาน 'ตำบลB' แถว 4") {
			t.Errorf("rejected row: %+v, %q", r, rep.RowPlace(r))
		}
	}
	want := []string{
		"แผ่นงาน 'คำอธิบาย' ไม่ได้นำเข้า: ไม่พบแถวหัวตาราง",
		"แผ่นงาน 'ตำบลA': หัวตารางแถว 1 · 2 แถวข้อมูล",
		"แผ่นงาน 'ตำบลB': หัวตารางแถว 2 · 2 แถวข้อมูล",
		"แผ่นงาน 'สรุป' มีข้อมูล 2 แถวแต่ไม่ได้นำเข้า: หัวตารางไม่มีคอลัมน์ รหัสบ้าน หรือ เลขประจำตัวประชาชน, ปัญหา",
		"แผ่นงาน 'Sheet5' ไม่ได้นำเข้า: แผ่นงานว่าง",
		"แผ่นงาน 'รายการ' ไม่ได้นำเข้า: แผ่นงานที่ซ่อนไว้และไม่มีหัวตารางของข้อมูล (เช่น รายการสำหรับเลือกในช่อง) (มีข้อความ 2 แถว)",
		"แผ่นงาน 'ฉบับเก่า' มีข้อมูล 1 แถวแต่ไม่ได้นำเข้า: แผ่นงานนี้ถูกซ่อนไว้",
	}
	lines := rep.SheetLines()
	if len(lines) != len(want) {
		t.Fatalf("sheet lines:\n%s", strings.Join(lines, "\n"))
	}
	want[0] += " (ต้องมีหัวคอลัมน์อย่างน้อย 3 คอลัมน์ เช่น รหัสบ้าน, ตำบล, ด้าน, ปัญหา) (มีข้อความ 3 แถว)"
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("sheet %d: %q, want %q…", i, lines[i], w)
		}
	}

	// The rows to send back: one sheet per sheet read that has any.
	out, err := app.WriteErrorWorkbook(rep, filepath.Join(fx.dir, "back"))
	if err != nil {
		t.Fatal(err)
	}
	back, err := xlsx.Open(out, "")
	if err != nil {
		t.Fatal(err)
	}
	if s := back.Sheets(); len(s) != 1 || s[0] != "ตำบลB" {
		t.Errorf("error workbook sheets %v", s)
	}
	back.Close()

	// Committed, the rows of both sheets are there; read again, nothing
	// changes.
	if _, err := fx.imp.Commit(fx.ctx, rep); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"41010000011", "41010000022", "41010000033"} {
		if hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, code); len(hs) != 1 {
			t.Errorf("household %s: %d", code, len(hs))
		}
	}
	if hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41010000055"); len(hs) != 0 {
		t.Error("the hidden sheet was imported")
	}
	again := fx.plan(t, path, "")
	if c := again.Counts(); c != (data.Counts{Rows: 4, Unchanged: 3, Rejected: 1}) {
		t.Errorf("again: %+v", c)
	}
}

// TestSheetLinesOfOrdinaryAndHiddenWorkbooks: the ordinary template (one
// data sheet) says nothing more than before; a workbook whose only data
// sheet is hidden is refused naming it.
func TestSheetLinesOfOrdinaryAndHiddenWorkbooks(t *testing.T) {
	fx := newFixture(t)
	one := writeBook(t, fx.dir, "one.xlsx", sheet{Name: "ข้อมูล", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000011", id(11), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
	}})
	if rep := fx.plan(t, one, ""); rep.Refused != "" || rep.SheetLines() != nil {
		t.Errorf("one sheet: %q %v", rep.Refused, rep.SheetLines())
	}
	hidden := writeBook(t, fx.dir, "hidden.xlsx", sheet{Name: "ปก", Titles: []string{"รายงาน"}},
		sheet{Name: "ข้อมูล", Header: [][]string{templateHeader}, Rows: [][]any{
			templateRow(1, "41010000011", id(11), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
		}})
	f, _ := excelize.OpenFile(hidden)
	f.SetSheetVisible("ข้อมูล", false)
	f.Save()
	f.Close()
	rep := fx.plan(t, hidden, "")
	if !strings.Contains(rep.Refused, "แผ่นงาน 'ข้อมูล' มีข้อมูล 1 แถวแต่ไม่ได้นำเข้า: แผ่นงานนี้ถูกซ่อนไว้") || !strings.Contains(rep.Refused, "แผ่นงาน 'ปก'") {
		t.Errorf("hidden data sheet: %q", rep.Refused)
	}
}
