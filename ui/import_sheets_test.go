package ui_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
)

// TestImportScreenNamesEverySheet: the window's report of a workbook with
// two tambon sheets and a summary sheet shows the rows of both tambons,
// each rejected row with its sheet, and the summary sheet with why it was
// not read.
func TestImportScreenNamesEverySheet(t *testing.T) {
	h := newHarness(t, 10)
	w := h.w
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "ตำบลA")
	f.NewSheet("ตำบลB")
	f.NewSheet("สรุป")
	rows := map[string][][]any{
		"ตำบลA": {
			{1, "41010000981", "1", "ม.1", "", "หมากแข้ง", "เมืองอุดรธานี", "อุดรธานี", validID(981), "นาย", "หนึ่ง", "เอ", "", 2, "ตกหล่น", 4, "หนี้สิน"},
			{2, "41010000982", "2", "ม.1", "", "หมากแข้ง", "เมืองอุดรธานี", "อุดรธานี", validID(982), "นาย", "สอง", "เอ", "", 2, "ตกหล่น", 4, "หนี้สิน"},
		},
		"ตำบลB": {
			{1, "41010000983", "3", "ม.2", "", "บ้านขาว", "เมืองอุดรธานี", "อุดรธานี", validID(983), "นาง", "สาม", "บี", "", 2, "ตกหล่น", 4, "หนี้สิน"},
			{2, "41010000984", "4", "ม.2", "", "ไม่มีตำบลนี้", "เมืองอุดรธานี", "อุดรธานี", validID(984), "นาง", "สี่", "บี", "", 2, "ตกหล่น", 4, "หนี้สิน"},
		},
	}
	for sheet, data := range rows {
		for c, col := range app.TemplateHeaders {
			cell, _ := excelize.CoordinatesToCellName(c+1, 1)
			f.SetCellValue(sheet, cell, col.Header)
		}
		for r, row := range data {
			cell, _ := excelize.CoordinatesToCellName(1, r+2)
			f.SetSheetRow(sheet, cell, &row)
		}
	}
	f.SetSheetRow("สรุป", "A1", &[]any{"อำเภอ", "ตำบล", "ด้าน", "จำนวน"})
	f.SetSheetRow("สรุป", "A2", &[]any{"เมือง", "หมากแข้ง", 4, 2})
	path := filepath.Join(t.TempDir(), "สองตำบล.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	w.Import.AddFiles([]string{path})
	w.WaitIdle()
	rep := w.Import.Reports[0]
	if rep == nil || rep.Refused != "" || rep.Counts().Rows != 4 {
		t.Fatalf("dry run: %+v", rep)
	}
	for _, want := range []string{
		"2 แผ่นงาน: ตำบลA, ตำบลB",
		"แผ่นงาน 'ตำบลA': หัวตารางแถว 1 · 2 แถวข้อมูล",
		"แผ่นงาน 'ตำบลB': หัวตารางแถว 1 · 2 แถวข้อมูล",
		"แผ่นงาน 'สรุป' มีข้อมูล 1 แถวแต่ไม่ได้นำเข้า: หัวตารางไม่มีคอลัมน์",
	} {
		if !strings.Contains(w.Import.Detail.Text, want) {
			t.Errorf("the report lacks %q:\n%s", want, w.Import.Detail.Text)
		}
	}
	if len(w.Import.Rows.Rows) != 1 || w.Import.Rows.Rows[0][0] != "ตำบลB · 3" {
		t.Errorf("rows to fix: %v", w.Import.Rows.Rows)
	}
}
