package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
)

// TestImportSaysTheTitlesDate: qmdesk import's report says which date
// the rows without an action date were given when the sheet's title
// gives the date of the information, and why a title's date was not used
// (here, in the future) without refusing a row.
func TestImportSaysTheTitlesDate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	qmdesk(t, "init", "--province", "41", "--db", db)
	book := func(name, title string) string {
		path := filepath.Join(dir, name)
		f := excelize.NewFile()
		f.SetCellValue("Sheet1", "A1", title)
		for i, h := range app.TemplateHeaders {
			c, _ := excelize.CoordinatesToCellName(i+1, 2)
			f.SetCellValue("Sheet1", c, h.Header)
		}
		f.SetSheetRow("Sheet1", "A3", &[]any{1, "41010000011", "1", "2", "", "หมากแข้ง", "เมือง", "อุดรธานี", nid(1), "นาง", "มาลี", "ดี", "", "", "เดิม", 4, "หนี้สิน"})
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	r := qmdesk(t, "import", "--dry-run", book("a.xlsx", "ข้อมูล ณ วันที่ 25/07/2567"), "--db", db)
	if want := "\n  แถวที่ไม่มีวันที่ดำเนินการถือเป็นข้อมูล ณ 25 ก.ค. 2567 ตามวันที่ที่หัวตาราง ('25/07/2567') ไม่ใช่วันนำเข้า 1 ส.ค. 2567"; r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Errorf("exit %d, report lacks %q:\n%s", r.code, want, r.stdout)
	}
	r = qmdesk(t, "import", "--dry-run", book("b.xlsx", "ข้อมูล ณ วันที่ 25/07/2568"), "--db", db)
	if want := "\n  วันที่ของข้อมูลที่หัวตาราง 25 ก.ค. 2568 อยู่ในอนาคต (วันนี้ 1 ส.ค. 2567) จึงไม่ได้ใช้: กรุณาตรวจสอบวันที่และปี พ.ศ. · แถวที่ไม่มีวันที่ดำเนินการจึงถือเป็นข้อมูล ณ วันนำเข้า 1 ส.ค. 2567"; r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Errorf("exit %d, report lacks %q:\n%s", r.code, want, r.stdout)
	}
}
