package xlsx

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// formulasRead reads every sheet of the workbook at path with Read and
// lists, per row passed, the columns Row is told hold a formula without
// its result, after the cells of each sheet's first three rows Choose is
// told hold one.
func formulasRead(t *testing.T, path string) []string {
	t.Helper()
	var out []string
	var told []string
	err := Read(t.Context(), path, "", Reading{HeadRows: 3,
		Choose: func(_ time.Time, heads []Head) ([]string, error) {
			var names []string
			for _, h := range heads {
				names = append(names, h.Name)
				if h.Formulas != nil {
					told = append(told, fmt.Sprintf("head %s %v", h.Name, h.Formulas))
				}
			}
			return names, nil
		},
		Row: func(sheet string, row int, cells []string, formulas []int) error {
			for _, c := range formulas {
				if c <= len(cells) && cells[c-1] != "" {
					t.Errorf("row %d: column %d told a formula without a result, but holds %q", row, c, cells[c-1])
				}
			}
			switch {
			case cells == nil && formulas == nil:
				t.Errorf("row %d passed without cells nor formulas", row)
			case cells == nil:
				out = append(out, fmt.Sprintf("%s %d %v without cells", sheet, row, formulas))
			case formulas != nil:
				out = append(out, fmt.Sprintf("%s %d %v", sheet, row, formulas))
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return append(out, told...)
}

// TestFormulasWithoutResult: a cell that holds a formula whose result the
// file did not save (openpyxl writes an empty <v>, excelize's
// SetCellFormula none) reads as empty, as excelize reads it, and Row is
// told where it is; a formula with its result saved, or whose result is
// the empty text, reads as before and is not told; nor is a cell a merged
// range fills. A row of nothing but such cells is passed without cells
// (nil, not filled by a merged range), its formulas told. Choose is told
// those of the first rows (Head.Formulas). The same in one
// step and token by token, in one pass and in two.
func TestFormulasWithoutResult(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "formulas.xlsx")
	rows := `<row r="1"><c r="A1" t="inlineStr"><is><t>หัว</t></is></c><c r="B1" t="s"><v>0</v></c></row>` +
		`<row r="2"><c r="A2"><f>1000+2000</f><v></v></c><c r="B2"><f>1+1</f></c><c r="C2"><f>1+1</f><v>2</v></c>` +
		`<c r="D2" t="str"><f>IF(1,"","")</f><v></v></c><c r="E2" t="str"><f>"a"</f></c><c r="F2"><f t="shared" ref="F2:F3" si="0">1+1</f><v/></c>` +
		`<c r="G2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="H2"><v>5</v></c></row>` +
		`<row r="3"><c r="F3"><f t="shared" si="0"/></c></row>` + // nothing else: passed without cells
		`<row r="4"><c r="A4" t="inlineStr"><is><t>x</t></is></c><c r="B4"><f>1+1</f><v/></c></row>` + // at the end: not in cells
		`<row r="5"><c r="A5" t="inlineStr"><is><t>m</t></is></c><c r="B5"><f>1+1</f></c><c r="C5"><f>SUM(A1)</f></c></row>` +
		`<row r="6"><c r="A6"><v>6</v></c><c r="A6"><f>1+1</f></c></row>` + // a second cell of the same column comes after it, as excelize reads it
		`<row r="8"><c r="A8" t="inlineStr"><is><t>top</t></is></c></row><row r="9"><c r="A9"/><c r="B9"><f>1+1</f></c><c r="C9"/></row>` + // A8:A9 merged: row 9 passed without cells, not filled
		`<row r="10"><c r="A10"/></row><row r="11"><c r="B11"><f>1+1</f><v>2</v></c></row>` // nothing, and a formula with its result
	writeZip(t, path, append(skeleton("S"),
		part{"xl/worksheets/sheet1.xml", sheetXML(text(rows), `<mergeCells><mergeCell ref="A5:B5"/><mergeCell ref="A8:A9"/></mergeCells>`)},
		part{"xl/sharedStrings.xml", stringsXML(text(`<si><t>งบ</t></si>`))}))
	sameAsExcelize(t, path, "")
	want := "[S 2 [1 2 5 6] S 3 [6] without cells S 4 [2] S 5 [3] S 6 [2] S 9 [2] without cells head S [{2 1} {2 2} {2 5} {2 6} {3 6}]]"
	defer func() { cellFastPath, onePass = true, true }()
	for _, fast := range []bool{true, false} {
		for _, one := range []bool{true, false} {
			cellFastPath, onePass = fast, one
			if got := fmt.Sprint(formulasRead(t, path)); got != want {
				t.Errorf("one step %v, one pass %v: %s, want %s", fast, one, got, want)
			}
		}
	}

	// Written by excelize: a formula set without a value, in a workbook
	// of two sheets (the first rows read, then the sheets chosen).
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"ตำบล", "งบประมาณ (บาท)"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"กุดจับ", 100})
	f.SetSheetRow("Sheet1", "A3", &[]any{"กุดจับ"})
	f.SetCellFormula("Sheet1", "B3", "1000+2000")
	f.NewSheet("สอง")
	f.SetCellFormula("สอง", "C7", "B3*2")
	f.SetCellValue("สอง", "D7", "ต่อ")
	two := filepath.Join(dir, "excelize.xlsx")
	if err := f.SaveAs(two); err != nil {
		t.Fatal(err)
	}
	f.Close()
	sameAsExcelize(t, two, "")
	if got := fmt.Sprint(formulasRead(t, two)); got != "[Sheet1 3 [2] สอง 7 [3] head Sheet1 [{3 2}]]" {
		t.Errorf("excelize's workbook: %s", got)
	}
}

// TestFormulaCellsTake: what a row is told is its own, whatever rows the
// reader read ahead or did not pass.
func TestFormulaCellsTake(t *testing.T) {
	var f formulaCells
	if got := f.take(1, nil); got != nil {
		t.Fatalf("empty: %v", got)
	}
	f.add(2, 3)
	f.add(4, 1)
	f.add(4, 5)
	f.add(9, 2)
	if got := f.take(3, nil); got != nil { // row 2 was not passed
		t.Fatalf("row 3: %v", got)
	}
	if got := f.take(4, []string{"", "", "", "", "filled"}); fmt.Sprint(got) != "[1]" {
		t.Fatalf("row 4: %v", got)
	}
	if got := f.take(9, strings.Fields("a")); fmt.Sprint(got) != "[2]" {
		t.Fatalf("row 9: %v", got)
	}
	if f.n.Load() != 0 || len(f.cells) != 0 {
		t.Fatalf("left: %v", f.cells)
	}
}
