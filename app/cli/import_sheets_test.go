package cli_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
)

// TestImportNamesEverySheet: two tambon sheets of two rows each are both
// imported, and a sheet that is not read is named with why, in the
// printed report and in --json.
func TestImportNamesEverySheet(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	qmdesk(t, "init", "--province", "41", "--db", db)
	path := filepath.Join(dir, "tambons.xlsx")
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "ตำบลA")
	f.NewSheet("ตำบลB")
	f.NewSheet("สรุป")
	for s, sheet := range []string{"ตำบลA", "ตำบลB"} {
		for i, h := range app.TemplateHeaders {
			c, _ := excelize.CoordinatesToCellName(i+1, 1)
			f.SetCellValue(sheet, c, h.Header)
		}
		for r := range 2 {
			n := 10*s + r + 1
			code := "410100000" + [4]string{"11", "12", "21", "22"}[2*s+r]
			vals := []any{r + 1, code, "1", "2", "", "หมากแข้ง", "เมือง", "อุดรธานี", nid(n), "นาง", "มาลี", "ดี", "", "", "เดิม", 4, "หนี้สิน"}
			for c, v := range vals {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
				f.SetCellValue(sheet, cell, v)
			}
		}
	}
	f.SetSheetRow("สรุป", "A1", &[]any{"อำเภอ", "ตำบล", "ด้าน", "จำนวน"})
	f.SetSheetRow("สรุป", "A2", &[]any{"เมือง", "หมากแข้ง", 4, 4})
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	r := qmdesk(t, "import", "--dry-run", path, "--db", db)
	for _, want := range []string{
		"tambons.xlsx: ตรวจสอบแล้ว ยังไม่บันทึก (dry run) · 2 แผ่นงาน · 4 แถวข้อมูล",
		"  แผ่นงาน 'ตำบลA': หัวตารางแถว 1 · 2 แถวข้อมูล\n",
		"  แผ่นงาน 'ตำบลB': หัวตารางแถว 1 · 2 แถวข้อมูล\n",
		"  แผ่นงาน 'สรุป' มีข้อมูล 1 แถวแต่ไม่ได้นำเข้า: หัวตารางไม่มีคอลัมน์ รหัสบ้าน หรือ เลขประจำตัวประชาชน, ปัญหา\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != 0 {
		t.Errorf("exit %d", r.code)
	}
	r = qmdesk(t, "import", "--json", path, "--db", db)
	var got struct {
		Rows   int `json:"rows"`
		Sheets []struct {
			Name     string `json:"name"`
			Imported bool   `json:"imported"`
			Rows     int    `json:"rows"`
			Reason   string `json:"reason"`
		} `json:"sheets"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err, r.stdout)
	}
	if got.Rows != 4 || len(got.Sheets) != 3 || !got.Sheets[1].Imported || got.Sheets[1].Rows != 2 || got.Sheets[2].Imported || got.Sheets[2].Reason == "" {
		t.Errorf("--json: %s", r.stdout)
	}
}
