package app_test

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// formulaBook writes the template's header and rows with excelize, then
// sets formulas (cell → formula) with SetCellFormula, which saves no
// result (and says the result is text), and gives the cells of results
// (cell → number) their result as Excel saves a number's, and those of
// empty (cells) an empty <v> as openpyxl writes it (a cell that had a
// value keeps it with its formula until then: SetCellFormula keeps it).
func formulaBook(t *testing.T, dir, name string, rows [][]any, formulas, results map[string]string, empty []string) string {
	t.Helper()
	path := writeBook(t, dir, name, sheet{Name: "ข้อมูล", Header: [][]string{templateHeader}, Rows: rows})
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for cell, formula := range formulas {
		if err := f.SetCellFormula("ข้อมูล", cell, formula); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	in, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out := filepath.Join(dir, "saved-"+name)
	w, _ := os.Create(out)
	z := zip.NewWriter(w)
	for _, p := range in.File {
		rc, _ := p.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		body := string(b)
		if strings.HasPrefix(p.Name, "xl/worksheets/") {
			// The cell as a number's: excelize's formula cell says its
			// result is text (t="str"), where an empty <v> is a result.
			set := func(cell, v string) {
				re := regexp.MustCompile(`<c r="` + cell + `"[^>]*>(<f>[^<]*</f>)(<v>[^<]*</v>)?</c>`)
				if !re.MatchString(body) {
					t.Fatalf("no formula at %s in %s", cell, body)
				}
				body = re.ReplaceAllString(body, `<c r="`+cell+`">${1}`+v+`</c>`)
			}
			for cell, v := range results {
				set(cell, "<v>"+v+"</v>")
			}
			for _, cell := range empty {
				set(cell, "<v></v>")
			}
		}
		pw, _ := z.Create(p.Name)
		pw.Write([]byte(body))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// A formula whose result the file did not save (a workbook written by a
// script, by openpyxl or excelize) in a column the import reads refuses
// its row, naming the cell and what to do: before, the budget came in as
// 0 and the status as not given, without a word. A formula with its
// result saved brings the result in; one in the sequence column is no
// reason to refuse. The dry run says what the import does.
func TestFormulaWithoutResultRefusesItsRow(t *testing.T) {
	fx := newFixture(t)
	act := func(r []any, budget any) []any {
		r[20], r[21], r[22], r[23] = "15/07/2567", "อบต.กุดจับ", "ให้ทุนประกอบอาชีพ", budget
		return r
	}
	rows := [][]any{
		act(templateRow(1, "41020000011", id(1), "กุดจับ", "กุดจับ", 4, "หนี้สิน", "", "", ""), nil),     // row 2: budget X2 without its result
		act(templateRow(2, "41020000022", id(2), "กุดจับ", "กุดจับ", 4, "หนี้สิน", "", "", ""), nil),     // row 3: budget X3 with its result
		act(templateRow(0, "41020000033", id(3), "กุดจับ", "กุดจับ", 4, "หนี้สิน", "", "", ""), 500),     // row 4: the sequence A4 without its result
		templateRow(4, "41020000044", id(4), "กุดจับ", "กุดจับ", 4, "หนี้สิน", "", "", ""),               // row 5: the status T5 without its result
		act(templateRow(5, "41020000055", id(5), "กุดจับ", "กุดจับ", 4, "หนี้สิน", "", "", ""), "1,000"), // row 6: nothing of it
	}
	rows[2][0], rows[3][19] = nil, nil
	path := formulaBook(t, fx.dir, "script.xlsx", rows,
		map[string]string{"X2": "1000+2000", "X3": "1000+2000", "A4": "ROW()-3", "T5": `IF(TRUE,"แก้ไขแล้ว","")`},
		map[string]string{"X3": "3000"}, []string{"X2"})

	dry := fx.plan(t, path, "")
	if dry.Refused != "" {
		t.Fatalf("refused: %s", dry.Refused)
	}
	rep := fx.commit(t, path)
	for _, r := range []struct {
		name string
		rep  []data.RowResult
	}{{"dry run", slices.Collect(dry.Batch.RowResults())}, {"import", slices.Collect(rep.Batch.RowResults())}} {
		var rejected []string
		for _, rr := range r.rep {
			if rr.Fate == data.FateRejected {
				rejected = append(rejected, rr.Column+" · "+rr.Reason+" · "+rr.ReasonEnglish)
			}
		}
		if len(r.rep) != 5 || len(rejected) != 2 ||
			!strings.HasPrefix(rejected[0], data.HeaderBudget.Thai+" · ช่อง X2 (คอลัมน์ '"+data.HeaderBudget.Thai+"') เป็นสูตรที่ไฟล์ไม่ได้บันทึกผลลัพธ์ไว้") ||
			!strings.Contains(rejected[0], "กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วกดบันทึก จากนั้นนำเข้าใหม่") || !strings.Contains(rejected[0], "Cell X2 (column") ||
			!strings.HasPrefix(rejected[1], data.HeaderStatus.Thai+" · ช่อง T5 ") {
			t.Errorf("%s: %d rows, rejected:\n%s", r.name, len(r.rep), strings.Join(rejected, "\n"))
		}
	}
	if c := rep.Counts(); c != dry.Counts() || c.Rejected != 2 {
		t.Errorf("counts %+v, dry run %+v", c, dry.Counts())
	}
	for _, r := range []string{dry.FormulaNote(false), rep.FormulaNote(false)} {
		if !strings.HasPrefix(r, "ไม่รับ 2 แถว เพราะมีช่องที่เป็นสูตรซึ่งไฟล์ไม่ได้บันทึกผลลัพธ์ไว้ (เช่น ช่อง X2 คอลัมน์ '"+data.HeaderBudget.Thai+"')") {
			t.Errorf("note %q", r)
		}
	}
	if hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41020000011"); len(hs) != 0 {
		t.Errorf("the row whose budget is a formula without its result was taken: %+v", hs)
	}
	if hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41020000044"); len(hs) != 0 {
		t.Errorf("the row whose status is a formula without its result was taken: %+v", hs)
	}
	budget := func(code string) int64 {
		hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, code)
		if len(hs) != 1 {
			t.Fatalf("%s: %+v", code, hs)
		}
		ps, _ := fx.store.ProblemsOf(fx.ctx, hs[0].ID)
		acts, _ := fx.store.Actions(fx.ctx, ps[0].ID)
		if len(ps) != 1 || len(acts) != 1 {
			t.Fatalf("%s: %+v %+v", code, ps, acts)
		}
		return int64(acts[0].Budget)
	}
	if b := budget("41020000022"); b != 300000 {
		t.Errorf("the budget saved with its formula: %d satang", b)
	}
	if b := budget("41020000033"); b != 50000 {
		t.Errorf("the row with a formula in its sequence: %d satang", b)
	}

	// Every row so (a file a script wrote): the file is refused, once.
	all := formulaBook(t, fx.dir, "all.xlsx", rows[:2], map[string]string{"X2": "1000+2000", "X3": "1000+2000"}, nil, []string{"X3"})
	for _, run := range []string{"dry run", "import"} {
		rep := fx.plan(t, all, "")
		if !strings.HasPrefix(rep.Refused, "ไฟล์นี้มีสูตรที่ไม่ได้บันทึกผลลัพธ์ไว้ในทุกแถวข้อมูล (2 แถว เช่น ช่อง X2 คอลัมน์ '"+data.HeaderBudget.Thai+"')") ||
			!strings.Contains(rep.Refused, "กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วกดบันทึก จากนั้นนำเข้าใหม่") {
			t.Fatalf("%s: refused %q", run, rep.Refused)
		}
		if run == "import" {
			if _, err := fx.imp.Commit(fx.ctx, rep); err == nil {
				t.Fatal("a refused file was imported")
			}
		}
	}
}

// A row that holds nothing but formulas without their results (a script
// wrote every cell as a formula) is a data row whose values are not
// known: refused as a row with one is, where it was skipped as blank (the
// household lost without a word), and a file of such rows was refused as
// one with no data under its header, which sent the clerk looking for
// the wrong thing. Rows whose only formula is in the sequence column are
// blank rows, as before.
func TestFormulaOnlyRowsAreNotNoData(t *testing.T) {
	fx := newFixture(t)
	path := formulaBook(t, fx.dir, "formulas-only.xlsx", nil,
		map[string]string{"A2": "ROW()-1", "B2": `"4102"&"0000011"`, "X2": "1000+2000", "B3": `"4102"&"0000022"`, "X3": "500*2"},
		nil, []string{"X3"})
	for _, run := range []string{"dry run", "import"} {
		rep := fx.plan(t, path, "")
		if !strings.HasPrefix(rep.Refused, "ไฟล์นี้มีสูตรที่ไม่ได้บันทึกผลลัพธ์ไว้ในทุกแถวข้อมูล (2 แถว เช่น ช่อง B2 คอลัมน์ '") ||
			!strings.Contains(rep.Refused, "กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วกดบันทึก จากนั้นนำเข้าใหม่") {
			t.Fatalf("%s: refused %q", run, rep.Refused)
		}
		if run == "import" {
			if _, err := fx.imp.Commit(fx.ctx, rep); err == nil {
				t.Fatal("a refused file was imported")
			}
		}
	}

	row := templateRow(1, "41020000011", id(1), "กุดจับ", "กุดจับ", 4, "หนี้สิน", "", "", "")
	mixed := formulaBook(t, fx.dir, "mixed.xlsx", [][]any{row},
		map[string]string{"B3": `"4102"&"0000022"`, "X3": "500*2", "A4": "ROW()-1"}, nil, []string{"X3"})
	dry := fx.plan(t, mixed, "")
	results := slices.Collect(dry.Batch.RowResults())
	if dry.Refused != "" || len(results) != 2 || results[1].Row != 3 || results[1].Fate != data.FateRejected ||
		!strings.HasPrefix(results[1].Reason, "ช่อง B3 (คอลัมน์ '") || dry.Skipped != 0 ||
		!strings.HasPrefix(dry.FormulaNote(false), "ไม่รับ 1 แถว เพราะมีช่องที่เป็นสูตรซึ่งไฟล์ไม่ได้บันทึกผลลัพธ์ไว้ (เช่น ช่อง B3 ") {
		t.Errorf("a row of formulas only under a row of values: refused %q, skipped %d, %+v, note %q", dry.Refused, dry.Skipped, results, dry.FormulaNote(false))
	}

	seq := formulaBook(t, fx.dir, "sequence-only.xlsx", nil, map[string]string{"A2": "ROW()-1", "A3": "ROW()-1"}, nil, []string{"A3"})
	if rep := fx.plan(t, seq, ""); !strings.HasPrefix(rep.Refused, "ไม่พบข้อมูลใต้หัวตาราง") {
		t.Errorf("a sheet of sequence formulas only: refused %q", rep.Refused)
	}
}

// A header cell that holds a formula without its result (a header a
// script wrote as formulas) is not known: the sheet is not read, and the
// file is refused saying so and what to do. Before, the column was lost
// without a word (a budget header: the budgets were not read; the house
// code's: households came in without it), or, when the whole header was
// so, the file was refused as one without a header, to be made again on
// the province's form.
func TestFormulaInHeaderRefusesTheSheet(t *testing.T) {
	fx := newFixture(t)
	row := templateRow(1, "41020000011", id(1), "กุดจับ", "กุดจับ", 4, "หนี้สิน", "", "", "")
	row[20], row[21], row[22], row[23] = "15/07/2567", "อบต.กุดจับ", "ให้ทุนประกอบอาชีพ", 1000
	budget := formulaBook(t, fx.dir, "budget-header.xlsx", [][]any{row}, map[string]string{"X1": `"งบประมาณ"&" (บาท)"`}, nil, []string{"X1"})
	rep := fx.plan(t, budget, "")
	if !strings.HasPrefix(rep.Refused, "อ่านหัวตารางไม่ได้: แผ่นงาน 'ข้อมูล' มีข้อมูล 1 แถวแต่ไม่ได้นำเข้า: แถวหัวตาราง (แถว 1) มีช่องที่เป็นสูตรซึ่งไฟล์ไม่ได้บันทึกผลลัพธ์ไว้ (เช่น ช่อง X1)") ||
		!strings.Contains(rep.Refused, "กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วกดบันทึก จากนั้นนำเข้าใหม่") {
		t.Errorf("a formula in the budget's header: refused %q", rep.Refused)
	}

	all := map[string]string{}
	var cells []string
	for i, h := range templateHeader {
		cell := xlsx.ColumnName(i+1) + "1"
		all[cell] = `"` + strings.ReplaceAll(h, "\n", `"&CHAR(10)&"`) + `"`
		cells = append(cells, cell)
	}
	whole := formulaBook(t, fx.dir, "header.xlsx", [][]any{row}, all, nil, cells)
	rep = fx.plan(t, whole, "")
	if !strings.HasPrefix(rep.Refused, "อ่านหัวตารางไม่ได้: แผ่นงาน 'ข้อมูล' ไม่ได้นำเข้า: ไม่พบแถวหัวตาราง และแถวบนของแผ่นงานมีช่องที่เป็นสูตรซึ่งไฟล์ไม่ได้บันทึกผลลัพธ์ไว้ (เช่น ช่อง A1)") ||
		!strings.Contains(rep.Refused, "กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วกดบันทึก จากนั้นนำเข้าใหม่") {
		t.Errorf("a header of formulas: refused %q", rep.Refused)
	}
}
