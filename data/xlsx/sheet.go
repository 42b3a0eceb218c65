package xlsx

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/xuri/excelize/v2"

	"qmdesk/data"
)

// The reader yields what excelize's Rows and Columns yield with
// RawCellValue, which is what the importer was built on and what the
// differential test holds it to: numbers as stored (a date cell is its
// serial number), shared and inline strings as text with Excel's _xHHHH_
// escapes decoded, booleans as 0 and 1, a formula's cached value. No
// number format is applied, so the styles are not read. A formula the
// file holds without its result (a program that writes formulas without
// calculating them: openpyxl, excelize's SetCellFormula) reads as empty,
// as in excelize; the reader also notes where it is (formulaCells), so
// that the importer can say why the cell is empty.

// sheetRows parses a worksheet's rows one at a time.
type sheetRows struct {
	x    *xmlScan
	sst  *sharedStrings
	lim  Limits
	name string // the sheet, for messages

	curRow int // the row's own number (its r, or one past the last)
	n      int // the number the row is passed with
	done   bool

	// The row being read: its cells' values one after another in vals,
	// each cell's end in ends (a cell left empty ends where the last one
	// did).
	vals   []byte
	ends   []int
	scrap  []byte // a <v> being decoded
	inline []byte // an <is> being decoded
	runs   []byte // its runs

	// The cells read that hold a formula without its result.
	noResult formulaCells
}

// formulaCells is where the rows a sheetRows reads hold a formula whose
// result the file did not save: the cell has an <f> and no <v>, or an
// empty <v> in a cell not of text (t="str" with an empty <v> is a formula
// whose result is the empty text). The reader adds each such cell as it
// reads it; whoever the rows are passed to, on another goroutine and some
// rows behind, takes a row's cells when it gets the row. Rows are read in
// increasing numbers, so those of a row are the ones of its number, and
// those of rows never passed (nothing else in them) are dropped as later
// rows are taken. It holds one entry for each such cell of the rows read
// and not yet taken.
type formulaCells struct {
	mu    sync.Mutex
	n     atomic.Int64 // len(cells), read without the lock
	cells []cellAt
}

type cellAt struct{ row, col int32 }

func (f *formulaCells) add(row, col int) {
	f.mu.Lock()
	f.cells = append(f.cells, cellAt{int32(row), int32(col)})
	f.n.Store(int64(len(f.cells)))
	f.mu.Unlock()
}

// has tells whether row, the row the reader is reading, has a cell that
// holds a formula without its result: its cells are the last ones added,
// and the consumer takes only rows read before it.
func (f *formulaCells) has(row int) bool {
	if f.n.Load() == 0 {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.cells) > 0 && int(f.cells[len(f.cells)-1].row) == row
}

// take returns the columns (1-based, in order) of row's cells that hold a
// formula without its result, nil when there are none, and forgets those
// of row and of the rows before it. A column whose cell in cells is not
// empty (a merged range's value filled in) is left out.
func (f *formulaCells) take(row int, cells []string) []int {
	if f.n.Load() == 0 {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i := 0
	for i < len(f.cells) && int(f.cells[i].row) < row {
		i++
	}
	var out []int
	for ; i < len(f.cells) && int(f.cells[i].row) == row; i++ {
		if c := int(f.cells[i].col); c > len(cells) || cells[c-1] == "" {
			out = append(out, c)
		}
	}
	f.cells = f.cells[i:]
	f.n.Store(int64(len(f.cells)))
	return out
}

// maxRow is Excel's last row (excelize's TotalRows).
const maxRow = 1_048_576

// next reads the next <row>. It returns false at the end of the sheet's
// data. The row's values are in p.vals and p.ends until the next call.
func (p *sheetRows) next() (bool, error) {
	for !p.done {
		k, err := p.x.next()
		if err != nil {
			return false, err
		}
		switch {
		case k == tokEOF:
			p.done = true
		case k == tokEnd && string(p.x.name) == "sheetData":
			p.done = true
		case k == tokStart && string(p.x.name) == "row":
			return true, p.row()
		}
	}
	return false, nil
}

func (p *sheetRows) row() error {
	p.vals, p.ends = p.vals[:0], p.ends[:0]
	num := 0
	if r, ok, err := p.attr("r"); err != nil {
		return err
	} else if ok {
		num, _ = strconv.Atoi(string(r)) // as excelize: a number it cannot read counts as none
	}
	if num > maxRow {
		return overLimit("แผ่นงาน '"+p.name+"' ", "มีแถวเกิน "+data.FormatNumber(maxRow)+" แถว ซึ่งเกินขีดจำกัดของ Excel")
	}
	if num != 0 {
		p.curRow = num
	} else {
		p.curRow++
	}
	// A row out of order, or a second row of the same number, comes
	// after the last as excelize passes it.
	p.n = max(p.curRow, p.n+1)
	if p.x.empty {
		return nil
	}
	start, depth := p.x.pos(), p.x.depth()
	col := 0
	for {
		var k tokKind
		var err error
		ref, typ, plain := []byte(nil), []byte(nil), false
		if cellFastPath {
			ref, typ, plain = p.x.cellTag()
		}
		if plain {
			k = tokStart
		} else if k, err = p.x.next(); err != nil {
			return err
		}
		if p.x.pos()-start > int64(p.lim.RowBytes) {
			return &oddPart{"มีแถวเดียวที่ข้อมูลยาวเกิน " + megabytes(int64(p.lim.RowBytes))}
		}
		switch k {
		case tokEOF:
			return nil
		case tokEnd:
			if p.x.depth() < depth {
				return nil
			}
		case tokStart:
			if string(p.x.name) == "c" {
				col++
				if col, err = p.cell(col, ref, typ, plain); err != nil {
					return err
				}
			}
		}
	}
}

// cell reads a <c> whose position in the row counts col, and keeps its
// value as excelize does: at the column its r says, after blanks up to
// it; a cell with neither a value nor a formula is not kept. When plain,
// cellTag has read the tag's r and t already.
func (p *sheetRows) cell(col int, ref, t []byte, plain bool) (int, error) {
	for a := p.x.attrs; !plain; {
		key, val, rest, err := nextAttr(a)
		if err != nil {
			return col, err
		}
		if key == nil {
			break
		}
		switch string(localName(key)) { // as excelize, by local name
		case "r":
			ref = val
		case "t":
			t = val
		}
		a = rest
	}
	if bytes.IndexByte(ref, '&') >= 0 || bytes.IndexByte(t, '&') >= 0 {
		var err error
		if ref, err = appendText(nil, ref, false); err != nil {
			return col, err
		}
		if t, err = appendText(nil, t, false); err != nil {
			return col, err
		}
	}
	typ := string(t) // a copy: the tag's bytes move as the part is read
	if len(ref) > 0 {
		c, err := refCol(ref)
		if err != nil {
			return col, err
		}
		col = c
	}
	p.scrap, p.inline = p.scrap[:0], p.inline[:0]
	formula, inline, value := false, false, false
	body := bodyOther
	if cellFastPath {
		var text []byte
		var err error
		if text, body, err = p.x.cellBody(p.scrap); err != nil {
			return col, err
		}
		switch body {
		case bodyValue:
			p.scrap, value = text, true
		case bodyInline:
			// What readSI makes of a string item of one <t>.
			if bytes.Contains(text, []byte("_x")) {
				text = append(text[:0], unescapeExcel(string(text))...)
			}
			p.scrap, p.inline, inline = p.inline[:0], text, true // the two buffers trade places
		}
	}
	err := error(nil)
	if body == bodyOther {
		err = children(p.x, func(name []byte) (err error) {
			switch string(name) {
			case "v":
				p.scrap, err = chars(p.x, p.scrap[:0])
				value = true
			case "f":
				formula = true
				err = skip(p.x)
			case "is":
				inline = true
				p.inline, err = readSI(p.x, p.inline[:0], &p.runs)
			default:
				err = skip(p.x)
			}
			return err
		})
	}
	if err != nil {
		return col, err
	}
	from := len(p.vals)
	switch typ {
	case "s":
		if value && len(p.scrap) > 0 {
			i, _ := strconv.Atoi(strings.TrimSpace(string(p.scrap))) // as excelize: unreadable is 0
			p.vals = p.sst.appendString(p.vals, i)
		}
	case "inlineStr":
		if inline {
			p.vals = append(p.vals, p.inline...)
		} else {
			p.vals = append(p.vals, p.scrap...)
		}
	default:
		p.vals = append(p.vals, p.scrap...)
	}
	if len(p.vals) == from && !formula {
		return col, nil
	}
	if col > p.lim.Columns || len(p.ends) >= p.lim.Columns {
		where := max(col, len(p.ends)+1)
		return col, &oddPart{"มีข้อมูลที่คอลัมน์ " + ColumnName(min(where, maxColumns)) + " เลยคอลัมน์ " + ColumnName(p.lim.Columns) + " ซึ่งเป็นคอลัมน์สุดท้ายที่โปรแกรมอ่าน"}
	}
	for len(p.ends) < col-1 {
		p.ends = append(p.ends, from)
	}
	p.ends = append(p.ends, len(p.vals))
	if formula && len(p.vals) == from && (!value || typ != "str") {
		p.noResult.add(p.n, len(p.ends)) // where the cell is passed
	}
	return col, nil
}

// cellFastPath lets cell read the common shapes of a cell in one step
// (xmlScan.cellBody); tests turn it off to hold it to the token by token
// reading.
var cellFastPath = true

// maxColumns is Excel's last column (XFD).
const maxColumns = 16_384

// chars reads the text directly inside the element just opened (not that
// of elements inside it) up to its end, decoded, appended to dst.
func chars(x *xmlScan, dst []byte) ([]byte, error) {
	if x.empty {
		return dst, nil
	}
	if out, ok, err := x.plainText(dst); ok || err != nil {
		return out, err
	}
	depth := x.depth()
	for {
		k, err := x.next()
		if err != nil {
			return dst, err
		}
		switch {
		case k == tokEOF:
			return dst, nil
		case k == tokText && x.depth() == depth:
			if dst, err = appendText(dst, x.text, x.cdata); err != nil {
				return dst, err
			}
		case k == tokEnd && x.depth() < depth:
			return dst, nil
		}
	}
}

// attr is an attribute of the tag just read, its entities decoded.
func (p *sheetRows) attr(name string) ([]byte, bool, error) {
	v, ok, err := p.x.attr(name)
	if err != nil || !ok || bytes.IndexByte(v, '&') < 0 {
		return v, ok, err
	}
	v, err = appendText(nil, v, false)
	return v, ok, err
}

// skip passes the element just opened, with all inside it.
func skip(x *xmlScan) error {
	if x.empty {
		return nil
	}
	depth := x.depth()
	for {
		k, err := x.next()
		if err != nil || k == tokEOF || k == tokEnd && x.depth() < depth {
			return err
		}
	}
}

// readSI reads a string item just opened (<si> of the shared strings, or
// a cell's <is>) as excelize's xlsxSI.String does: the text of its own
// <t>, then of each run's <t> (phonetic runs are not part of it), with
// Excel's escapes decoded; appended to dst. runs is a buffer for the
// runs' text.
func readSI(x *xmlScan, dst []byte, scratch *[]byte) ([]byte, error) {
	start := len(dst)
	runs := (*scratch)[:0]
	own, hasOwn := 0, false
	err := children(x, func(name []byte) (err error) {
		switch string(name) {
		case "t":
			// A second <t> replaces the first, as in excelize.
			dst, err = chars(x, dst[:start])
			own, hasOwn = len(dst)-start, true
		case "r":
			runs, err = readRun(x, runs)
		default:
			err = skip(x)
		}
		return err
	})
	if err != nil {
		return dst, err
	}
	*scratch = runs
	if !hasOwn {
		dst, own = dst[:start], 0
	}
	dst = append(dst[:start+own], runs...)
	if bytes.Contains(dst[start:], []byte("_x")) {
		dst = append(dst[:start], unescapeExcel(string(dst[start:]))...)
	}
	return dst, nil
}

// readRun reads a rich-text run's <t> (the last, if several).
func readRun(x *xmlScan, dst []byte) ([]byte, error) {
	start := len(dst)
	err := children(x, func(name []byte) (err error) {
		if string(name) != "t" {
			return skip(x)
		}
		dst, err = chars(x, dst[:start])
		return err
	})
	return dst, err
}

// children calls fn for each element directly inside the one just opened,
// up to that one's end; fn reads or skips the element it is given whole.
func children(x *xmlScan, fn func(name []byte) error) error {
	if x.empty {
		return nil
	}
	depth := x.depth()
	for {
		k, err := x.next()
		if err != nil || k == tokEOF || k == tokEnd && x.depth() < depth {
			return err
		}
		if k == tokStart {
			if err := fn(x.name); err != nil {
				return err
			}
		}
	}
}

// unescapeExcel decodes Excel's escapes of characters XML cannot hold,
// _xHHHH_, as excelize's bstrUnmarshal does: _x005F_ is "_", a surrogate
// half is dropped.
func unescapeExcel(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		if i+7 > len(s) || s[i+6] != '_' || !isHex4(s[i+2:i+6]) {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		v, _ := strconv.ParseUint(s[i+2:i+6], 16, 32)
		if r := rune(v); r < 0xD800 || r > 0xDFFF {
			b.WriteRune(r)
		}
		s = s[i+7:]
	}
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// refCol reads the column of a cell reference such as "AB12": plain
// references directly, anything else ("$A$1", lower case) as excelize
// reads it, which decides what a reference is.
func refCol(ref []byte) (int, error) {
	col, i := 0, 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' && col <= maxColumns {
		col = col*26 + int(ref[i]-'A'+1)
		i++
	}
	row, j := 0, i
	for j < len(ref) && ref[j] >= '0' && ref[j] <= '9' && row <= maxRow {
		row = row*10 + int(ref[j]-'0')
		j++
	}
	if i > 0 && j > i && j == len(ref) && col <= maxColumns && row >= 1 && row <= maxRow {
		return col, nil
	}
	c, _, err := excelize.CellNameToCoordinates(string(ref))
	if err != nil {
		return 0, &errXML{"cell reference " + strconv.Quote(string(ref)) + ": " + err.Error()}
	}
	return c, nil
}

// sharedStrings is the workbook's table of shared strings, all in one
// buffer.
type sharedStrings struct {
	text []byte
	ends []int
}

func (s *sharedStrings) appendString(dst []byte, i int) []byte {
	if s == nil || i < 0 || i >= len(s.ends) {
		return dst // excelize reads an index past the table as empty
	}
	from := 0
	if i > 0 {
		from = s.ends[i-1]
	}
	return append(dst, s.text[from:s.ends[i]]...)
}

// readSharedStrings reads the table: every <si> directly under the root.
func readSharedStrings(x *xmlScan, lim Limits) (*sharedStrings, error) {
	s := &sharedStrings{}
	var scratch []byte
	for {
		k, err := x.next()
		if err != nil {
			return nil, err
		}
		if k == tokEOF {
			return s, nil
		}
		if k != tokStart || x.level() != 2 || string(x.name) != "si" {
			continue
		}
		if len(s.ends) >= lim.SharedStrings {
			return nil, &oddPart{"มีข้อความต่างกันเกิน " + data.FormatNumber(int64(lim.SharedStrings)) + " ข้อความ"}
		}
		from, at := len(s.text), x.pos()
		// One string's text is bounded by the string's limit too.
		x.lim.TextBytes = min(lim.TextBytes, lim.StringBytes)
		s.text, err = readSI(x, s.text, &scratch)
		x.lim.TextBytes = lim.TextBytes
		var odd *oddPart
		if errors.As(err, &odd) && odd.what == longTextMessage(Limits{TextBytes: min(lim.TextBytes, lim.StringBytes)}) ||
			err == nil && (x.pos()-at > int64(lim.StringBytes) || len(s.text)-from > lim.StringBytes) {
			return nil, &oddPart{"มีข้อความเดียวยาวเกิน " + data.FormatNumber(int64(lim.StringBytes>>10)) + " KB (ช่องเดียวของ Excel รับได้ไม่เกิน 32,767 ตัวอักษร)"}
		}
		if err != nil {
			return nil, err
		}
		s.ends = append(s.ends, len(s.text))
	}
}
