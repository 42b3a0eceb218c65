package storetest

import (
	"fmt"
	"path/filepath"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
)

// header is the province's template header (app.TemplateHeaders), the
// one `qmdesk export template` writes.
func header() []any {
	var h []any
	for _, c := range app.TemplateHeaders {
		h = append(h, c.Header)
	}
	return h
}

// row fills the template's columns for one problem of a household in
// อ.เมืองอุดรธานี: n numbers the household (its house code and national
// ID), status and date may be "".
func row(n int, tambon string, cat int, sub, status, date string) []any {
	return []any{n, houseCode(n), "12/3", 5, "บ้านโนนสว่าง", tambon, "เมืองอุดรธานี", "อุดรธานี", nationalID(n), "นาง", "มาลี", "ศรีสุข", "0812345678", 4, "เดิม",
		cat, sub, "", data.ReXRayUnsolved.Thai(), status, date, "", "", "", ""}
}

// houseCode is household n's house code.
func houseCode(n int) string { return fmt.Sprintf("4101%07d", n) }

// nationalID is household n's national ID (valid).
func nationalID(n int) string { return data.WithCheckDigit(fmt.Sprintf("3412300%05d", n)) }

// badID is household n's national ID with a wrong check digit.
func badID(n int) string {
	id := nationalID(n)
	return id[:12] + string(rune('0'+(id[12]-'0'+1)%10))
}

// writeBook writes a real .xlsx of one sheet, the template's header over
// rows, and returns its path.
func (e *env) writeBook(name string, rows ...[]any) string {
	e.t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "ข้อมูล"
	f.SetSheetName("Sheet1", sheet)
	for r, cells := range append([][]any{header()}, rows...) {
		for c, v := range cells {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			e.must(f.SetCellValue(sheet, cell, v), "SetCellValue")
		}
	}
	path := filepath.Join(e.dir, name)
	e.must(f.SaveAs(path), "SaveAs")
	return path
}

// plan dry-runs a workbook, which must not be refused.
func (e *env) plan(path string) *app.FileReport {
	e.t.Helper()
	rep, err := e.imp.Plan(e.ctx, path, "")
	e.must(err, "Plan")
	if rep.Refused != "" {
		e.t.Fatalf("%s refused: %s", filepath.Base(path), rep.Refused)
	}
	return rep
}

// commit dry-runs and commits a workbook.
func (e *env) commit(path string) *app.FileReport {
	e.t.Helper()
	rep := e.plan(path)
	_, err := e.imp.Commit(e.ctx, rep)
	e.must(err, "Commit "+filepath.Base(path))
	return rep
}
