package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// The reader is held to excelize, which read the workbooks before it:
// for every sheet, the same rows with the same numbers and the same raw
// values (excelize's Rows and Columns with RawCellValue, trailing empty
// cells and empty rows dropped, merged ranges from excelize's
// GetMergeCells filled the same way), the same sheets in the same order,
// the same hidden ones. Any difference fails.

type sheetDump struct {
	name   string
	hidden bool
	rows   []string // "n: cell|cell|…", %q-quoted
}

func dumpRow(n int, cells []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:", n)
	for _, c := range cells {
		fmt.Fprintf(&b, " %q", c)
	}
	return b.String()
}

// oracle reads a workbook with excelize.
func oracle(t testing.TB, path, password string) ([]sheetDump, error) {
	f, err := excelize.OpenFile(path, excelize.Options{Password: password})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []sheetDump
	for _, name := range f.GetSheetList() {
		visible, _ := f.GetSheetVisible(name)
		d := sheetDump{name: name, hidden: !visible}
		merges, err := f.GetMergeCells(name)
		if err != nil {
			return nil, err
		}
		var ranges []Range
		for _, m := range merges {
			c1, r1, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
			ranges = append(ranges, Range{r1, c1, r2, c2})
		}
		fill := NewMergeFiller(ranges)
		rows, err := f.Rows(name)
		if err != nil {
			return nil, err
		}
		n := 0
		for rows.Next() {
			n++
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				rows.Close()
				return nil, err
			}
			for len(cells) > 0 && cells[len(cells)-1] == "" {
				cells = cells[:len(cells)-1]
			}
			if len(cells) > 0 {
				d.rows = append(d.rows, dumpRow(n, fill.Fill(n, cells)))
			}
		}
		rows.Close()
		out = append(out, d)
	}
	return out, nil
}

// ours reads a workbook with the reader.
func ours(path, password string) ([]sheetDump, error) {
	wb, err := Open(path, password)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	var out []sheetDump
	for _, name := range wb.Sheets() {
		d := sheetDump{name: name, hidden: wb.Hidden(name)}
		err := wb.Rows(name, func(n int, cells []string) error {
			d.rows = append(d.rows, dumpRow(n, cells))
			return nil
		})
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if len(out) == 1 {
		// Read with Restart, handing each row on before the ranges are
		// known, must give the same rows.
		defer HoldRowsForTest(1)()
		var rows []string
		err := Read(context.Background(), path, password, Reading{HeadRows: 2,
			Choose: func(time.Time, []Head) ([]string, error) { return []string{out[0].name}, nil },
			Row: func(_ string, n int, cells []string, formulas []int) error {
				if cells == nil && formulas != nil {
					return nil // formulas without their results only: no value
				}
				rows = append(rows, dumpRow(n, cells))
				return nil
			},
			Restart: func() error { rows = nil; return nil }})
		if err != nil {
			return nil, err
		}
		if !slices.Equal(rows, out[0].rows) {
			return nil, fmt.Errorf("read in one pass, rows differ:\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(out[0].rows, "\n"))
		}
	}
	return out, nil
}

// sameAsExcelize fails t where the reader and excelize differ on path.
func sameAsExcelize(t testing.TB, path, password string) {
	t.Helper()
	want, err := oracle(t, path, password)
	if err != nil {
		t.Fatalf("excelize cannot read %s: %v", filepath.Base(path), err)
	}
	got, err := ours(path, password)
	if err != nil {
		t.Fatalf("the reader refused %s: %v", filepath.Base(path), err)
	}
	compareDumps(t, filepath.Base(path), got, want)
}

func compareDumps(t testing.TB, what string, got, want []sheetDump) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d sheets, excelize %d", what, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.name != w.name || g.hidden != w.hidden {
			t.Errorf("%s: sheet %d is %q hidden=%v, excelize %q hidden=%v", what, i, g.name, g.hidden, w.name, w.hidden)
		}
		for j := 0; j < max(len(g.rows), len(w.rows)); j++ {
			var gr, wr string
			if j < len(g.rows) {
				gr = g.rows[j]
			}
			if j < len(w.rows) {
				wr = w.rows[j]
			}
			if gr != wr {
				t.Fatalf("%s, sheet %q, row %d:\n reader   %s\n excelize %s", what, w.name, j+1, gr, wr)
			}
		}
	}
}

// driftBook writes, with excelize, a workbook of what district files
// hold: shared strings, inline strings (the stream writer), numbers,
// dates, booleans, formulas, rich text, Excel's escapes, line breaks,
// Thai with its marks, merged ranges, a hidden sheet, gaps.
func driftBook(t testing.TB, path string) {
	f := excelize.NewFile()
	defer f.Close()
	s := "ข้อมูล"
	f.SetSheetName("Sheet1", s)
	f.SetCellValue(s, "A1", "แบบรายงานผลการแก้ไขปัญหาครัวเรือน อำเภอเมือง จังหวัดอุดรธานี")
	f.MergeCell(s, "A1", "F1")
	f.SetSheetRow(s, "A3", &[]any{"ลำดับ", "รหัสบ้าน", "เลขประจำตัวประชาชน", "ชื่อ", "วันที่ดำเนินการ", "งบประมาณ (บาท)"})
	f.SetSheetRow(s, "A4", &[]any{1, "41010000011", 3123450000011.0, "นาง สมศรี\r\nใจดี", time.Date(2024, 7, 15, 0, 0, 0, 0, time.UTC), 12500.5})
	f.SetSheetRow(s, "A5", &[]any{2, 41010000012, "3-1234-50000-01-2", "  ช่องว่าง\u200b ", "15/07/2567", true})
	f.SetCellFormula(s, "F6", "SUM(F4:F5)")
	f.SetCellValue(s, "B7", "_x000D_ x_x005F_x000D_ _x0041_ _xD800_ _x12_")
	f.SetCellRichText(s, "C7", []excelize.RichTextRun{{Text: "ตัว"}, {Text: "หนา", Font: &excelize.Font{Bold: true}}})
	f.SetCellValue(s, "D7", "<&>\"'")
	f.SetCellValue(s, "A9", 1e21)
	f.SetCellValue(s, "E9", -0.000123)
	f.MergeCell(s, "A10", "A12")
	f.SetCellValue(s, "A10", "อำเภอเมือง")
	f.SetCellValue(s, "B11", "ในช่วงที่ผสาน")
	f.NewSheet("ซ่อน")
	f.SetCellValue("ซ่อน", "A1", "รายการ")
	f.SetSheetVisible("ซ่อน", false)
	f.NewSheet("Stream")
	sw, _ := f.NewStreamWriter("Stream")
	sw.SetRow("A1", []any{"ลำดับ", "ชื่อ"})
	sw.SetRow("A2", []any{1, "กขค _x000A_"})
	sw.SetRow("C5", []any{nil, "ข้าม", 3.25})
	sw.MergeCell("A2", "B3")
	sw.Flush()
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func TestReaderMatchesExcelizeOnFixtures(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"../../app/testdata/district-excelize.xlsx", "../../app/testdata/district-libreoffice.xlsx"} {
		sameAsExcelize(t, p, "")
	}
	drift := filepath.Join(dir, "drift.xlsx")
	driftBook(t, drift)
	sameAsExcelize(t, drift, "")

	// Encrypted: the reader reads the bytes excelize decrypts.
	f, _ := excelize.OpenFile(drift)
	locked := filepath.Join(dir, "locked.xlsx")
	if err := f.SaveAs(locked, excelize.Options{Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	sameAsExcelize(t, locked, "pw")
}

// TestReaderMatchesExcelizeOnPrefixedXML: the drift workbook with every
// element of its sheets and shared strings written with a namespace
// prefix (<x:row>, as the Open XML SDK writes them), and with comments,
// processing instructions and CDATA where XML allows them.
func TestReaderMatchesExcelizeOnPrefixedXML(t *testing.T) {
	dir := t.TempDir()
	drift := filepath.Join(dir, "drift.xlsx")
	driftBook(t, drift)
	z, err := zip.OpenReader(drift)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var parts []part
	rewritten := 0
	tag := regexp.MustCompile(`<(/?)([A-Za-z][A-Za-z0-9]*)([ >/])`)
	for _, f := range z.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		body := string(b)
		if kindOf(f.Name) == partSheet || kindOf(f.Name) == partStrings {
			body = tag.ReplaceAllString(body, "<${1}x:${2}${3}")
			body = strings.Replace(body, `xmlns="`, `xmlns:x="`, 1)
			body = strings.Replace(body, "<x:sheetData>", "<!-- rows follow --><?pi x?><x:sheetData>", 1)
			body = strings.ReplaceAll(body, "<x:t>ลำดับ</x:t>", "<x:t><![CDATA[ลำ]]>ดับ</x:t>")
			if !strings.Contains(body, "<x:row") && !strings.Contains(body, "<x:si") {
				t.Fatalf("%s was not rewritten", f.Name)
			}
			rewritten++
		}
		parts = append(parts, part{f.Name, text(body)})
	}
	if rewritten < 4 { // three sheets and the strings
		t.Fatalf("%d parts rewritten", rewritten)
	}
	prefixed := filepath.Join(dir, "prefixed.xlsx")
	writeZip(t, prefixed, parts)
	sameAsExcelize(t, prefixed, "")
	got, _ := ours(prefixed, "")
	plain, _ := ours(drift, "")
	compareDumps(t, "prefixed against plain", got, plain)
}

// TestReaderMatchesExcelizeOnOtherWriters: LibreOffice's re-save and
// openpyxl's workbook of the same drift, where those programs are
// installed (make test installs both).
func TestReaderMatchesExcelizeOnOtherWriters(t *testing.T) {
	dir := t.TempDir()
	drift := filepath.Join(dir, "drift.xlsx")
	driftBook(t, drift)
	ran := 0
	if soffice, err := exec.LookPath("soffice"); err == nil {
		out := filepath.Join(dir, "lo")
		cmd := exec.Command(soffice, "--headless", "--convert-to", "xlsx", "--outdir", out, drift)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, b)
		}
		sameAsExcelize(t, filepath.Join(out, "drift.xlsx"), "")
		ran++
	}
	if py, err := exec.LookPath("python3"); err == nil && exec.Command(py, "-c", "import openpyxl").Run() == nil {
		out := filepath.Join(dir, "openpyxl.xlsx")
		script := `
import sys, datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "ข้อมูล"
ws["A1"] = "แบบรายงาน อำเภอเมือง"
ws.merge_cells("A1:E1")
ws.append([])
ws.append(["ลำดับ", "รหัสบ้าน", "เลขประจำตัวประชาชน", "วันที่ดำเนินการ", "หมายเหตุ"])
ws.append([1, "41010000011", 3123450000011, datetime.datetime(2024, 7, 15), "บรรทัด\nสอง"])
ws.append([2, 41010000012, "3-1234-50000-01-2", "15/07/2567", True])
ws["F5"] = "=SUM(A4:A5)"
ws["B8"] = "  ช่องว่าง "
h = wb.create_sheet("ซ่อน")
h["A1"] = "x"
h.sheet_state = "hidden"
wb.save(sys.argv[1])
`
		if b, err := exec.Command(py, "-c", script, out).CombinedOutput(); err != nil {
			t.Fatalf("openpyxl: %v\n%s", err, b)
		}
		sameAsExcelize(t, out, "")
		ran++
	}
	if ran == 0 {
		t.Skip("neither LibreOffice nor openpyxl is installed")
	}
}

// FuzzReaderMatchesExcelize writes a sheet from the fuzzer's text, cell
// by cell (the text as a cell's value, escaped, as the raw XML inside an
// inline string, a <v> and a shared string, and as a formula's result,
// escaped), and wants the reader to yield what excelize yields wherever
// the sheet is well-formed XML, and a refusal (never a panic, never other
// rows) where it is not. Every row
// has its number: excelize 2.11 loses the first row of a sheet where a
// row without one follows rows with one (TestRowsWithoutNumbers).
func FuzzReaderMatchesExcelize(f *testing.F) {
	f.Add("ก่อน&amp;หลัง", "A1", byte(0))
	f.Add("_x000D_\r\n_x005F_x0041_", "C3", byte(1))
	f.Add("<![CDATA[a<b]]>", "B2", byte(2))
	f.Add("3.14", "", byte(3))
	f.Add("&#x0E01;&#3585;", "$A$1", byte(4))
	f.Add("</t><t>x", "a1", byte(2))
	f.Add("3000", "X4", byte(32))
	f.Add("", "X4", byte(32+3))
	f.Add("<!>", "", byte(2)) // a shared string no XML reader reads
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, s, ref string, kind byte) {
		if len(s) > 2000 || len(ref) > 12 {
			return
		}
		var esc bytes.Buffer
		xml.EscapeText(&esc, []byte(s))
		attr := ""
		if ref != "" {
			var r bytes.Buffer
			xml.EscapeText(&r, []byte(ref))
			attr = ` r="` + r.String() + `"`
		}
		types := []string{"", "s", "inlineStr", "str", "b", "n", "e", "d"}
		typ := types[int(kind)%len(types)]
		var cell string
		switch kind / 8 % 5 {
		case 0: // the text as a value, escaped
			cell = `<c` + attr + ` t="` + typ + `"><v>` + esc.String() + `</v></c>`
		case 1: // raw inside an inline string
			cell = `<c` + attr + ` t="inlineStr"><is><t>` + s + `</t></is></c>`
		case 2: // raw inside a value
			cell = `<c` + attr + ` t="` + typ + `"><v>` + s + `</v></c>`
		case 3: // raw inside a rich shared string
			cell = `<c` + attr + ` t="s"><v>1</v></c>`
		default: // the text as a formula's result, escaped (a formula without its result when it is empty)
			cell = `<c` + attr + ` t="` + typ + `"><f>1+1</f><v>` + esc.String() + `</v></c>`
		}
		sheet := `<?xml version="1.0" encoding="UTF-8"?><worksheet ` + ns + `><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">` +
			cell + `<c t="inlineStr"><is><t>` + esc.String() + `</t></is></c></row><row r="3">` + cell + `</row></sheetData></worksheet>`
		sst := `<?xml version="1.0" encoding="UTF-8"?><sst ` + ns + `><si><t>หัว</t></si><si><r><t>ก</t></r><r><t>` + s + `</t></r></si></sst>`
		if !wellFormed(sheet) || !wellFormed(sst) {
			path := filepath.Join(dir, "bad.xlsx")
			writeZip(t, path, append(skeleton("S"), part{"xl/worksheets/sheet1.xml", text(sheet)}, part{"xl/sharedStrings.xml", text(sst)}))
			if _, err := ours(path, ""); err == nil {
				t.Fatalf("a sheet that is not well-formed XML was read: %q", sheet)
			}
			return
		}
		path := filepath.Join(dir, "fuzz.xlsx")
		writeZip(t, path, append(skeleton("S"), part{"xl/worksheets/sheet1.xml", text(sheet)}, part{"xl/sharedStrings.xml", text(sst)}))
		want, werr := oracle(t, path, "")
		got, gerr := ours(path, "")
		if werr != nil {
			return // excelize refuses it too (a reference it cannot read)
		}
		if gerr != nil {
			if strings.Contains(gerr.Error(), "cell reference") || strings.Contains(fmt.Sprint(gerr), "limit") {
				return
			}
			t.Fatalf("the reader refused what excelize read: %v\n%s", gerr, sheet)
		}
		compareDumps(t, "fuzz", got, want)
	})
}

// wellFormed tells whether encoding/xml reads doc to its end.
func wellFormed(doc string) bool {
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// TestRowsWithoutNumbers: a row without r="…" is the one after the last,
// as Excel reads it (excelize 2.11 loses the first row of such a sheet,
// so this is not held to it).
func TestRowsWithoutNumbers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rows.xlsx")
	writeZip(t, path, oneSheet(text(`<row r="1"><c t="s"><v>0</v></c></row><row r="3"><c><v>3</v></c></row><row><c><v>4</v></c></row><row r="2"><c><v>5</v></c></row><row><c r="C9"><v>6</v></c></row>`), text(`<si><t>หัว</t></si>`)))
	got, err := ours(path, "")
	if err != nil {
		t.Fatal(err)
	}
	want := `[1: "หัว" 3: "3" 4: "4" 5: "5" 6: "" "" "6"]`
	if fmt.Sprint(got[0].rows) != want {
		t.Fatalf("rows %v, want %v", got[0].rows, want)
	}
}

// FuzzSheetRows feeds any bytes to the sheet reader as a worksheet's XML:
// it ends, without a panic, and never refuses a sheet that is well-formed
// XML but for a cell reference excelize cannot read either.
func FuzzSheetRows(f *testing.F) {
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ก&amp;</t></is></c><c t="s"><v>0</v></c></row><row><c><f>1+1</f><v>2</v></c></row></sheetData><mergeCells><mergeCell ref="A1:B2"/></mergeCells></worksheet>`))
	f.Add([]byte(`<x:worksheet xmlns:x="u"><x:sheetData><x:row r="2"><x:c r="$B$2"><x:v><![CDATA[7]]></x:v></x:c></x:row></x:sheetData></x:worksheet>`))
	f.Add([]byte(`<?xml version="1.0"?><!-- c --><worksheet><sheetData><row r="1"><c r="A1" t="str"><v>a</v><v>b</v></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> _x0041_ </t></is></c><c r="B1"><v>1</v><is><t>x</t></is></c><c r="C1" t="inlineStr"><is><t>ก</t></is><v>2</v></c><c t="s"><v>0</v></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a&#1;</t></is></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="s" s="3"><v>0</v></c><c r="B1"/><c r="C1" r="E1"><v>5</v></c><c  r="F1"><v>6</v></c><c r='G1'><v>7</v></c><c x:r="H1" t="n"><v>8</v></c><c r="I&#49;"><v>9</v></c><c r="J1" t="str" ><v>a</v></c><c/><c></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1"><f>1000+2000</f><v></v></c><c r="B1"><f>1+1</f></c><c r="C1" t="str"><f>""</f><v></v></c><c r="D1" t="str"><f>""</f></c></row><row r="2"><c><f t="shared" si="0"/><v/></c><c><f>1</f><v>1</v></c></row></sheetData></worksheet>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := DefaultLimits
		lim.TextBytes, lim.TagBytes, lim.RowBytes, lim.Columns = 4096, 1024, 8192, 40
		read := func() ([]string, error) {
			p := &sheetRows{x: newXMLScan(bytes.NewReader(b), lim), sst: &sharedStrings{text: []byte("หัว"), ends: []int{9}}, lim: lim, name: "S"}
			var rows []string
			for len(rows) < 10_000 {
				ok, err := p.next()
				if err != nil || !ok {
					return rows, err
				}
				if len(p.ends) > lim.Columns {
					t.Fatalf("a row of %d cells", len(p.ends))
				}
				rows = append(rows, dumpRow(p.n, p.cells(len(p.ends)))+fmt.Sprint(" formulas ", p.noResult.take(p.n, nil)))
			}
			return rows, nil
		}
		// The cells read in one step (and the formulas without their
		// result among them) are what the token by token reading
		// yields, and so are the refusals.
		cellFastPath = false
		slowRows, slowErr := read()
		cellFastPath = true
		rows, err := read()
		if fmt.Sprint(rows) != fmt.Sprint(slowRows) || fmt.Sprint(err) != fmt.Sprint(slowErr) {
			t.Fatalf("in one step: %q, %v\ntoken by token: %q, %v", rows, err, slowRows, slowErr)
		}
		if err != nil && wellFormed(string(b)) && utf8.Valid(b) && !hasDirective(b) {
			var odd *oddPart
			if !errors.As(err, &odd) && !strings.Contains(err.Error(), "cell reference") {
				t.Fatalf("well-formed XML refused: %v", err)
			}
		}
	})
}

// hasDirective tells whether doc holds a declaration other than a comment
// or CDATA (<!ENTITY …>): encoding/xml takes one left open at the end of
// the input for a clean end, which the reader does not.
func hasDirective(doc []byte) bool {
	for i := 0; ; {
		j := bytes.Index(doc[i:], []byte("<!"))
		if j < 0 {
			return false
		}
		rest := doc[i+j:]
		if !bytes.HasPrefix(rest, []byte("<!--")) && !bytes.HasPrefix(rest, []byte("<![CDATA[")) {
			return true
		}
		i += j + 2
	}
}
