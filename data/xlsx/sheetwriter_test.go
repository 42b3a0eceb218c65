package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// setRowSink writes a table's rows through excelize's StreamWriter.SetRow,
// as Write did before rowXML: the reference rowXML is held to.
type setRowSink struct {
	sw     *excelize.StreamWriter
	row    int
	height float64
	cells  []any
}

func (s *setRowSink) start(row int, height float64) {
	s.row, s.height, s.cells = row, height, s.cells[:0]
}

func (s *setRowSink) cell(c, style int, v any) error {
	s.cells = append(s.cells, &excelize.Cell{StyleID: style, Value: v})
	return nil
}

func (s *setRowSink) end() error {
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	return s.sw.SetRow(cell, s.cells, excelize.RowOpts{Height: s.height})
}

// writeBySetRow is Write with the rows written by excelize's SetRow.
func writeBySetRow(path string, tables []Table, password string) error {
	defer func(old func(*tableWriter) rowSink) { newRows = old }(newRows)
	newRows = func(tw *tableWriter) rowSink { return &setRowSink{sw: tw.sw} }
	return Write(path, tables, password)
}

// hostile are texts a district's workbook can bring into qmdesk's records,
// and so into its exports.
var hostile = []string{
	"", " ", "สมชาย ใจดี", "นางสาว ก๊ก ๑๒๓", "\u0e01\u0e34\u0e4a", // Thai, with marks and Thai digits
	`<&>"'`, "a<b>&amp;c", "]]>", "&#x41;", "\x00\x01\x08\x0b\x0c\x0e\x1f\x7f", "tab\there", "line\nbreak", "cr\rlf\r\n",
	" lead", "trail ", "\tlead", "trail\n", "\r",
	"_x0041_", "_x005F_", "_x005f_", "_x005F_x0041_", "_x005F_x005F_", "__x0041__", "_x004_", "_X0041_", "_x00411_", "a_x0041_b_x0042_c",
	"_xFFFF_", "_x0000_", "_x005F_xD800_", "_x005F_xZZZZ_", "_x005F_x12",
	"\xff", "\xe0\xb8", "ก\xe0\xb8ข", "\xed\xa0\x80", "\uFFFD", "\uFFFE\uFFFF", "\U0001F600 emoji", "\u2028\u2029",
	strings.Repeat("ก", 40000), strings.Repeat("\U0001F600", 20000), strings.Repeat("a", 32767), strings.Repeat("a", 32766) + "\U0001F600",
	strings.Repeat("ข้อความยาว ", 3000) + " ",
	"=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1)", "=1+1",
	"123", "0123", "1e5", "TRUE",
}

type code int

type named struct{ s string }

func (n named) String() string { return "named:" + n.s }

// values are every kind of value a table's cell takes.
var values = []any{
	nil, 0, 1, -1, 42, int8(-8), int16(16), int32(-32), int64(math.MaxInt64), int64(math.MinInt64),
	uint(7), uint8(8), uint16(16), uint32(32), uint64(math.MaxUint64),
	0.1, math.Copysign(0, -1), 1.5, 123.456, 1e21, 1e-7, 123456789012345678.0, 0.1 + 0.2, math.MaxFloat64, math.SmallestNonzeroFloat64,
	math.NaN(), math.Inf(1), math.Inf(-1), float32(1.1), float32(3.4e38),
	true, false, []byte("bytes <&>"), code(5), named{"x"}, struct{ A, B int }{1, 2}, errors.New("an error"),
}

// hostileTables are tables of every kind Write writes, their cells the
// hostile texts and every kind of value, in every kind of column.
func hostileTables() []Table {
	var cells []any
	for _, s := range hostile {
		cells = append(cells, s)
	}
	cells = append(cells, values...)
	const cols = 7
	rows := (len(cells) + cols - 1) / cols * cols // every value in every column
	cell := func(i, c int) any { return cells[(i*cols+c*(rows/cols+1))%len(cells)] }
	row := func(i int) ([]any, []bool) {
		out := make([]any, cols)
		for c := range out {
			out[c] = cell(i, c)
		}
		bad := make([]bool, cols)
		bad[i%cols] = i%3 == 0
		return out, bad
	}
	return []Table{
		{Sheet: "ข้อมูล", Titles: []string{"หัวเรื่อง <&> " + strings.Repeat("ยาว ", 40), "บรรทัดสอง"}, Header: []string{"ก", "ข <x>", "ค", "ง", "จ", "ฉ", "ช"},
			HeaderColors: []string{"#009E73", "", "#F0E442"}, Widths: []float64{10, 20},
			Text: []bool{true, false, true}, Formats: []string{"", "", "", "#,##0", "0.0%", "[$-D00041E]#,##0"}, Locked: []bool{true, true, false, true},
			Hidden: []bool{false, false, false, false, false, false, true}, Protect: true,
			Lists: map[int][]string{1: {"หนึ่ง", "สอง", "<&>"}, 2: {"ก"}}, RowCount: rows, Row: row,
			Bold: func(i int) bool { return i%5 == 4 }},
		{Sheet: "ว่าง", Header: []string{"ก"}, Lists: map[int][]string{0: {"x"}}, ListRows: 50},
		{Sheet: "สอง", Header: []string{"a", "b", "c", "d", "e", "f", "g"}, RowCount: rows, Row: row, Formats: []string{"0.00"}},
		{Sheet: "สั้น", Header: []string{"a", "b"}, RowCount: 3, Row: func(i int) ([]any, []bool) { return []any{i}, nil }},
	}
}

// parts reads a workbook's parts, but for its properties (which hold the
// time it was written).
func parts(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		if f.Name == "docProps/core.xml" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// readBack is what excelize reads of a workbook: each sheet's cells
// (value, raw value, type, style), row heights, merged cells, data
// validations, column widths and visibility.
func readBack(t *testing.T, path, password string) []string {
	t.Helper()
	f, err := excelize.OpenFile(path, excelize.Options{Password: password})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		dim, _ := f.GetSheetDimension(sheet)
		out = append(out, fmt.Sprintf("sheet %q %s rows %d", sheet, dim, len(rows)))
		cols := 0
		for _, r := range rows {
			cols = max(cols, len(r))
		}
		for r := 1; r <= len(rows)+1; r++ {
			h, _ := f.GetRowHeight(sheet, r)
			line := fmt.Sprintf("row %d ht %v:", r, h)
			for c := 1; c <= cols+1; c++ {
				ref, _ := excelize.CoordinatesToCellName(c, r)
				v, _ := f.GetCellValue(sheet, ref)
				raw, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
				typ, _ := f.GetCellType(sheet, ref)
				style, _ := f.GetCellStyle(sheet, ref)
				formula, _ := f.GetCellFormula(sheet, ref)
				line += fmt.Sprintf(" [%q %q %d %d %q]", v, raw, typ, style, formula)
			}
			out = append(out, line)
		}
		merged, _ := f.GetMergeCells(sheet)
		for _, m := range merged {
			out = append(out, fmt.Sprintf("merged %s %s %q", m.GetStartAxis(), m.GetEndAxis(), m.GetCellValue()))
		}
		dvs, _ := f.GetDataValidations(sheet)
		for _, dv := range dvs {
			str := func(p *string) string {
				if p == nil {
					return "<nil>"
				}
				return *p
			}
			out = append(out, fmt.Sprintf("validation %s %s %q %q %v %v %v %v %q %q %q %q %q", dv.Sqref, dv.Type, dv.Formula1, dv.Formula2, dv.AllowBlank,
				dv.ShowDropDown, dv.ShowErrorMessage, dv.ShowInputMessage, str(dv.Error), str(dv.ErrorStyle), str(dv.ErrorTitle), str(dv.Prompt), str(dv.PromptTitle)))
		}
		for c := 1; c <= cols+1; c++ {
			name, _ := excelize.ColumnNumberToName(c)
			w, _ := f.GetColWidth(sheet, name)
			vis, _ := f.GetColVisible(sheet, name)
			out = append(out, fmt.Sprintf("col %s %v %v", name, w, vis))
		}
	}
	return out
}

// The rows rowXML writes are the bytes excelize's SetRow writes for the
// same cells: every part of the two workbooks is the same, byte for byte,
// and excelize reads the same cells, types, styles, heights, merged cells
// and validations from both.
func TestRowXMLIsSetRows(t *testing.T) {
	dir := t.TempDir()
	old, new := filepath.Join(dir, "old.xlsx"), filepath.Join(dir, "new.xlsx")
	if err := writeBySetRow(old, hostileTables(), ""); err != nil {
		t.Fatal(err)
	}
	if err := Write(new, hostileTables(), ""); err != nil {
		t.Fatal(err)
	}
	po, pn := parts(t, old), parts(t, new)
	if len(po) != len(pn) {
		t.Fatalf("%d parts by SetRow, %d by rowXML", len(po), len(pn))
	}
	for name, b := range po {
		if !bytes.Equal(b, pn[name]) {
			t.Errorf("%s differs:\n%s", name, firstDifference(b, pn[name]))
		}
	}
	if !slices.Equal(readBack(t, old, ""), readBack(t, new, "")) {
		t.Error("excelize reads the two workbooks differently")
	}
	// The rows are there (not two empty sheets alike).
	f, err := excelize.OpenFile(new)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("ข้อมูล", "A4"); v != "" && !strings.Contains(strings.Join(hostile, ""), v) {
		t.Errorf("A4 is %q", v)
	}
	if rows, _ := f.GetRows("สอง"); len(rows) != hostileTables()[2].RowCount+1 {
		t.Errorf("%d rows", len(rows))
	}
}

func firstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-200)
	return fmt.Sprintf("at %d:\nSetRow: %q\nrowXML: %q", i, a[from:min(len(a), i+200)], b[from:min(len(b), i+200)])
}

// Encrypted, the workbook's rows are there too, and read back as the
// rows SetRow writes.
func TestRowXMLEncrypted(t *testing.T) {
	dir := t.TempDir()
	old, new := filepath.Join(dir, "old.xlsx"), filepath.Join(dir, "new.xlsx")
	if err := writeBySetRow(old, hostileTables(), "รหัส ลับ"); err != nil {
		t.Fatal(err)
	}
	if err := Write(new, hostileTables(), "รหัส ลับ"); err != nil {
		t.Fatal(err)
	}
	if _, err := excelize.OpenFile(new); err == nil {
		t.Fatal("opened without the password")
	}
	ro, rn := readBack(t, old, "รหัส ลับ"), readBack(t, new, "รหัส ลับ")
	if !slices.Equal(ro, rn) {
		t.Fatal("excelize reads the two encrypted workbooks differently")
	}
	if len(rn) < hostileTables()[0].RowCount {
		t.Fatalf("%d lines read back", len(rn))
	}
}

// A value rowXML does not write (a time) fails the workbook, which is not
// written.
func TestRowXMLRefusesTimes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.xlsx")
	for _, v := range []any{time.Now(), time.Second, []excelize.RichTextRun{{Text: "x"}}} {
		err := Write(path, []Table{{Sheet: "a", Header: []string{"a"}, RowCount: 1, Row: func(int) ([]any, []bool) { return []any{v}, nil }}}, "")
		if !errors.Is(err, errCellType) {
			t.Errorf("%T: %v", v, err)
		}
	}
}

// A part that should take rows and has no </sheetData>, or rows no part
// took, fail the archive.
func TestSplicingZipRefusesLostRows(t *testing.T) {
	rows := func(ended bool) map[string]*deflatedRows {
		d := newDeflatedRows()
		io.WriteString(d, "<row/>")
		if ended {
			if err := d.end(); err != nil {
				t.Fatal(err)
			}
		}
		return map[string]*deflatedRows{"xl/worksheets/sheet1.xml": d}
	}
	for _, c := range []struct {
		name, sheet string
		rows        map[string]*deflatedRows
	}{
		{"no </sheetData>", "<worksheet><sheetData/></worksheet>", rows(true)},
		{"rows not all deflated", "<worksheet><sheetData></sheetData></worksheet>", rows(false)},
		{"rows of no part", "<worksheet><sheetData></sheetData></worksheet>", map[string]*deflatedRows{"xl/worksheets/sheet2.xml": rows(true)["xl/worksheets/sheet1.xml"]}},
	} {
		z := newSplicingZip(io.Discard, c.rows)
		w, _ := z.Create("xl/worksheets/sheet1.xml")
		io.WriteString(w, c.sheet)
		if err := z.Close(); err == nil {
			t.Errorf("%s, and no error", c.name)
		}
	}
	// The rows go before the first </sheetData>, between parts of every
	// size; archive/zip reads the part back and checks its checksum.
	big := strings.Repeat(`<c r="A1" t="inlineStr"><is><t>สมชาย</t></is></c>`, 100_000)
	for _, prefix := range []string{"", "<a><sheetData><row r=\"1\"/>", big} {
		d := newDeflatedRows()
		io.WriteString(d, big+"<row/>")
		if err := d.end(); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		z := newSplicingZip(&buf, map[string]*deflatedRows{"s.xml": d})
		w, _ := z.Create("s.xml")
		io.WriteString(w, prefix+"</sheetData><b>&lt;/sheetData></b>"+big+"</a>")
		w, _ = z.Create("other.xml")
		io.WriteString(w, "<x/>")
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		r, _ := zr.File[0].Open()
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if want := prefix + big + "<row/></sheetData><b>&lt;/sheetData></b>" + big + "</a>"; string(b) != want {
			t.Errorf("%d bytes, want %d", len(b), len(want))
		}
		d.close()
	}
}

// crc32Combine is the checksum of the two halves together.
func TestCRC32Combine(t *testing.T) {
	b := []byte(strings.Repeat("กขค <row/> 0123456789", 5000))
	for _, cut := range []int{0, 1, 2, 3, 7, 100, 4096, len(b) - 1, len(b)} {
		if got, want := crc32Combine(crc32.ChecksumIEEE(b[:cut]), crc32.ChecksumIEEE(b[cut:]), int64(len(b)-cut)), crc32.ChecksumIEEE(b); got != want {
			t.Errorf("cut at %d: %08x, want %08x", cut, got, want)
		}
	}
}

// bstrExp finds what excelize's bstrMarshal escapes (its own expression).
var bstrExp = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// Any text written in a cell reads back as excelize reads the same text
// written by excelize: the sheet's bytes are the same. Where excelize's
// bstrMarshal drops an escaped surrogate (_xD800_) from the text, rowXML
// escapes it as it escapes _xE800_: its sheet is excelize's of the text
// with E for that D, but for that letter.
func FuzzRowXMLText(f *testing.F) {
	for _, s := range hostile {
		if len(s) < 200 {
			f.Add(s)
		}
	}
	f.Add("_xD800_")
	f.Add("a_xd9ff_b_x0041_")
	f.Add("_xDBFF__x005F_xDC00_")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, s string) {
		tables := func(s string) []Table {
			return []Table{{Sheet: "a", Header: []string{"a", "b", "c"}, Text: []bool{true}, RowCount: 2,
				Row: func(i int) ([]any, []bool) { return []any{s, " " + s + "\t", []byte(s)}, []bool{false, i == 1} }}}
		}
		// The escapes bstrMarshal finds, in its order, that are surrogates.
		like := []byte(s)
		surrogates := 0
		for _, m := range bstrExp.FindAllStringIndex(s, -1) {
			if d := s[m[0]+2 : m[0]+6]; d != "005F" && d != "005f" && isSurrogate(d) {
				like[m[0]+2] += 'E' - 'D' // d → e, D → E
				surrogates++
			}
		}
		old, new := filepath.Join(dir, "old.xlsx"), filepath.Join(dir, "new.xlsx")
		if err := writeBySetRow(old, tables(string(like)), ""); err != nil {
			t.Fatal(err)
		}
		if err := Write(new, tables(s), ""); err != nil {
			t.Fatal(err)
		}
		const sheet = "xl/worksheets/sheet1.xml"
		o, n := parts(t, old)[sheet], parts(t, new)[sheet]
		if len(o) != len(n) {
			t.Fatalf("%q:\n%s", s, firstDifference(o, n))
		}
		for i := range o {
			if o[i] != n[i] && !(surrogates > 0 && (o[i] == 'E' && n[i] == 'D' || o[i] == 'e' && n[i] == 'd')) {
				t.Fatalf("%q:\n%s", s, firstDifference(o, n))
			}
		}
	})
}

// benchRow is a row of the full export's problems sheet, masked.
var benchRow = []any{uint64(1234567), uint64(654321), "ด้านสุขภาพ", "ไม่มีหลักประกันสุขภาพ", "ต้องการความช่วยเหลือด้านการรักษาพยาบาล", "ใช่", 2566,
	"แก้ไขได้บางส่วน", "อยู่ระหว่างดำเนินการ", "", "1 ม.ค. 2568", "สำนักงานสาธารณสุขจังหวัด"}

// The rows of a table written by rowXML and by excelize's SetRow, per
// row (docs/performance.md, "Issue 15: the full export's own sheet writer"): a 12-column row of Thai text and numbers.
func BenchmarkRowXML(b *testing.B) {
	x := newRowXML(len(benchRow))
	var out bytes.Buffer
	row := 1
	for b.Loop() {
		row++
		x.start(row, rowHeight)
		for c, v := range benchRow {
			if err := x.cell(c, 3, v); err != nil {
				b.Fatal(err)
			}
		}
		out.Write(x.end())
		if out.Len() > 1<<20 {
			out.Reset()
		}
	}
}

func BenchmarkSetRow(b *testing.B) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	s := &setRowSink{sw: sw}
	row := 1
	for b.Loop() {
		row++
		s.start(row, rowHeight)
		for c, v := range benchRow {
			s.cell(c, 3, v)
		}
		if err := s.end(); err != nil {
			b.Fatal(err)
		}
	}
}

// Rows spilled to temporary files read back as the rows SetRow writes,
// and the files are gone once the workbook is written, or has failed.
func TestSpilledRowsAreRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	defer func(old int) { spoolMemory = old }(spoolMemory)
	spoolMemory = 1 << 10
	tables := func() []Table {
		tables := hostileTables()
		row := tables[2].Row
		tables[2].RowCount = 300 // 10 MB of XML: ten blocks
		tables[2].Row = func(i int) ([]any, []bool) { return row(i % 100) }
		return tables
	}
	dir := t.TempDir()
	old, new := filepath.Join(dir, "old.xlsx"), filepath.Join(dir, "new.xlsx")
	if err := writeBySetRow(old, tables(), ""); err != nil {
		t.Fatal(err)
	}
	spilled := false
	defer func(old func(*tableWriter) rowSink) { newRows = old }(newRows)
	newRows = func(tw *tableWriter) rowSink {
		return &spillWatch{spooledRows{newRowXML(tw.cols), tw.data}, tmp, &spilled}
	}
	if err := Write(new, tables(), ""); err != nil {
		t.Fatal(err)
	}
	if !spilled {
		t.Fatal("no rows spilled to a file")
	}
	po, pn := parts(t, old), parts(t, new)
	if len(po) != len(pn) {
		t.Fatalf("%d parts by SetRow, %d by rowXML", len(po), len(pn))
	}
	for name, b := range po {
		if !bytes.Equal(b, pn[name]) {
			t.Errorf("%s differs:\n%s", name, firstDifference(b, pn[name]))
		}
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	// A row that fails after others spilled.
	failing := tables()
	row := failing[2].Row
	failing[2].Row = func(i int) ([]any, []bool) {
		if i == failing[2].RowCount-1 {
			return []any{time.Now()}, nil
		}
		return row(i)
	}
	spilled = false
	if err := Write(filepath.Join(dir, "failed.xlsx"), failing, ""); !errors.Is(err, errCellType) {
		t.Fatal(err)
	}
	if !spilled {
		t.Fatal("no rows spilled to a file")
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
		t.Errorf("left behind after a failure: %v", left)
	}
}

// spillWatch notes whether a spool's file is there while rows are written.
type spillWatch struct {
	spooledRows
	tmp     string
	spilled *bool
}

func (s *spillWatch) end() error {
	if files, _ := filepath.Glob(filepath.Join(s.tmp, "qmdesk-rows-*")); len(files) > 0 {
		*s.spilled = true
	}
	return s.spooledRows.end()
}

// escapeReference is what excelize writes of an inline string's text
// (trimCellValue with escape, v2.11.1), written the way excelize writes
// it: encoding/xml's EscapeText, line breaks put back, then bstrMarshal's
// regular expressions, but for an escaped surrogate, which bstrMarshal
// drops and which is escaped here as every other escape.
func escapeReference(s string) string {
	var buf strings.Builder
	_ = xml.EscapeText(&buf, []byte(s))
	s = strings.ReplaceAll(buf.String(), "&#xA;", "\n")
	bstrEscape := regexp.MustCompile(`x[a-fA-F\d]{4}_`)
	var result string
	cursor := 0
	for _, match := range bstrExp.FindAllStringSubmatchIndex(s, -1) {
		result += s[cursor:match[0]]
		sub := s[match[0]:match[1]]
		cursor = match[1]
		if sub == "_x005F_" {
			if match[1]+6 <= len(s) && bstrEscape.MatchString(s[match[1]:match[1]+6]) {
				if _, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`); err == nil {
					result += sub + "x005F" + sub
					continue
				}
			}
			result += sub + "x005F_"
			continue
		}
		result += "_x005F" + sub
	}
	return result + s[cursor:]
}

// escapeText writes what excelize writes of any text (thousands of texts
// a second, where FuzzRowXMLText writes two workbooks a text).
func FuzzEscapeText(f *testing.F) {
	for _, s := range hostile {
		if len(s) < 200 {
			f.Add(s)
		}
	}
	f.Add("_x005F_xD800__x005f_x0041_")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(escapeText(nil, s)), escapeReference(s); got != want {
			t.Fatalf("%q: %q, want %q", s, got, want)
		}
	})
}

// Done is called once for every table: written, failed, or never begun
// after an earlier table of its lane failed.
func TestDoneForEveryTable(t *testing.T) {
	done := map[string]int{}
	var mu sync.Mutex
	table := func(name string, lane int, v any) Table {
		return Table{Sheet: name, Header: []string{"a"}, RowCount: 3, Lane: lane,
			Row:  func(int) ([]any, []bool) { return []any{v}, nil },
			Done: func() { mu.Lock(); done[name]++; mu.Unlock() }}
	}
	tables := []Table{table("a", 1, 1), table("b", 1, time.Now()), table("c", 1, 1), table("d", 2, "x")}
	if err := Write(filepath.Join(t.TempDir(), "x.xlsx"), tables, ""); !errors.Is(err, errCellType) {
		t.Fatal(err)
	}
	if want := map[string]int{"a": 1, "b": 1, "c": 1, "d": 1}; !maps.Equal(done, want) {
		t.Errorf("%v", done)
	}
}
