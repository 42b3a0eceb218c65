package ui_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
)

// TestImportScreenSaysTheTitlesDate: the window's report of a workbook
// whose title gives the date of its information says that its rows
// without an action date were given that date, not the day of the import
// (the file does not say when it was saved).
func TestImportScreenSaysTheTitlesDate(t *testing.T) {
	h := newHarness(t, 10)
	w := h.w
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "แบบรายงานผลการแก้ไขปัญหาครัวเรือน (ThaiQM) อำเภอเมือง")
	f.SetCellValue("Sheet1", "A2", "ข้อมูล ณ วันที่ 20 ก.ค. 2567")
	for c, col := range app.TemplateHeaders {
		cell, _ := excelize.CoordinatesToCellName(c+1, 3)
		f.SetCellValue("Sheet1", cell, col.Header)
	}
	f.SetSheetRow("Sheet1", "A4", &[]any{1, "41010000981", "1", "ม.1", "", "หมากแข้ง", "เมืองอุดรธานี", "อุดรธานี", validID(981), "นาย", "หนึ่ง", "เอ", "", 2, "ตกหล่น", 4, "หนี้สิน"})
	path := filepath.Join(t.TempDir(), "ณ20กค.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	w.Import.AddFiles([]string{path})
	w.WaitIdle()
	if rep := w.Import.Reports[0]; rep == nil || rep.Refused != "" || rep.Counts().Rows != 1 {
		t.Fatalf("dry run: %+v", rep)
	}
	if want := "แถวที่ไม่มีวันที่ดำเนินการถือเป็นข้อมูล ณ 20 ก.ค. 2567 ตามวันที่ที่หัวตาราง ไม่ใช่วันนำเข้า 1 ส.ค. 2567"; !strings.Contains(w.Import.Detail.Text, want) {
		t.Errorf("the report lacks %q:\n%s", want, w.Import.Detail.Text)
	}
}
