package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"strings"
	"sync/atomic"

	"github.com/xuri/excelize/v2"

	"qmdesk/data"
)

// Range is a merged range, 1-based, inclusive.
type Range struct{ Row1, Col1, Row2, Col2 int }

// MergedRanges lists a sheet's merged ranges; nil when it has none or
// cannot be read (Rows then says why).
func (w *Workbook) MergedRanges(sheet string) []Range {
	for i := range w.sheets {
		if w.sheets[i].name == sheet {
			r, _ := w.mergedRanges(&w.sheets[i])
			return r
		}
	}
	return nil
}

// mergedRanges finds a sheet's merged ranges, once (rows finds them
// beside the rows it reads).
func (w *Workbook) mergedRanges(s *sheetEntry) ([]Range, error) {
	if r, ok := w.merged[s.name]; ok {
		return r, nil
	}
	r, err := w.scanMerged(s)
	if err != nil {
		return nil, err
	}
	w.merged[s.name] = r
	return r, nil
}

// scanMerged reads a sheet's merged ranges. They come after the rows in
// the sheet's XML, and rows must be filled as they stream, so the part is
// inflated once more and searched for <mergeCell ref="..."/> elements
// only: the cost of inflating, a fraction of reading the rows. It touches
// nothing of w but what it reads, so it runs beside the rows' reading.
func (w *Workbook) scanMerged(s *sheetEntry) ([]Range, error) {
	mergeScans.Add(1)
	rc, err := s.part.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return scanMergeCells(w.ctx, rc, w.lim.MergedRanges)
}

// mergeScans counts the inflatings of a sheet for its merged ranges alone
// (scanMerged), for the tests.
var mergeScans atomic.Int64

// scanMergeCells finds the mergeCell elements of a sheet's XML (with or
// without a namespace prefix) and reads their ranges. More than most is
// a refusal.
func scanMergeCells(ctx context.Context, r io.Reader, most int) ([]Range, error) {
	f := newMergeFinder(most)
	for reads := 0; ; reads++ {
		if reads%64 == 63 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		n, err := io.ReadFull(r, f.buf[f.kept:])
		done := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !done {
			return nil, err
		}
		f.look(f.kept+n, done)
		if f.err != nil || done {
			return f.out, f.err
		}
	}
}

// mergeFinder is scanMergeCells's search, fed the part's bytes as they
// come (feed, then end) instead of reading them: what it finds is what
// scanMergeCells finds in the same bytes, however they are cut, since it
// looks at them in the same buffer-sized pieces.
type mergeFinder struct {
	most         int
	buf          []byte
	kept, resume int // bytes kept in buf from the piece before; where looking resumes
	fill         int // bytes in buf (feed)
	out          []Range
	err          error
}

// mergeTail: a tag cut by the end of a piece is looked at again.
const mergeTail = 256

func newMergeFinder(most int) *mergeFinder {
	return &mergeFinder{most: most, buf: make([]byte, mergeTail+1<<20)}
}

// feed looks at the part's next bytes.
func (f *mergeFinder) feed(p []byte) {
	for len(p) > 0 && f.err == nil {
		if f.fill == 0 {
			f.fill = f.kept
		}
		n := copy(f.buf[f.fill:], p)
		f.fill += n
		p = p[n:]
		if f.fill == len(f.buf) {
			f.look(f.fill, false)
			f.fill = 0
		}
	}
}

// end is told how the part ended (the error that ended its reading; nil
// or io.EOF when it ended whole) and returns the ranges found, or why
// they cannot be had, as scanMergeCells would.
func (f *mergeFinder) end(err error) ([]Range, error) {
	if f.err != nil {
		return nil, f.err
	}
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	if f.fill == 0 {
		f.fill = f.kept
	}
	f.look(f.fill, true)
	if f.err != nil {
		return nil, f.err
	}
	return f.out, nil
}

// look searches buf[:n], from where the piece before left off, and keeps
// what must be looked at again with the next piece (unless done).
func (f *mergeFinder) look(n int, done bool) {
	needle := []byte("mergeCell")
	got := f.buf[:n]
	pos := f.resume // what is before pos has been looked at
	for {
		i := bytes.Index(got[pos:], needle)
		if i < 0 {
			break
		}
		at := pos + i
		end := bytes.IndexByte(got[at:], '>')
		if end < 0 && !done {
			pos = at // looked at again with the next read
			break
		}
		if end < 0 {
			end = len(got) - at
		}
		tag := got[at : at+end] // the name and attributes, without '>'
		pos = at + end
		if !isMergeCellTag(got[:at], tag) {
			continue
		}
		if len(f.out) >= f.most {
			f.out, f.err = nil, &oddPart{"มีช่องที่ผสานกันเกิน " + data.FormatNumber(int64(f.most)) + " กลุ่ม"}
			return
		}
		if r, ok := parseRange(mergeRef(tag[len(needle):])); ok {
			f.out = append(f.out, r)
		}
	}
	if done {
		return
	}
	// Keep what is not looked at yet, and a little before it: the '<'
	// and prefix of a name the read cut after.
	from := max(pos, len(got)-mergeTail)
	keep := max(0, from-64)
	f.kept, f.resume = copy(f.buf, got[keep:]), from-keep
}

// isMergeCellTag tells a <mergeCell ...> or <x:mergeCell ...> tag from the
// plural <mergeCells> and from the word in text: the name is followed by
// a blank or '/', and preceded (before, what comes before it in the
// part) by '<' or by '<' and a prefix.
func isMergeCellTag(before, tag []byte) bool {
	if len(tag) <= len("mergeCell") || !isSpace(tag[len("mergeCell")]) && tag[len("mergeCell")] != '/' {
		return false
	}
	i := len(before) - 1
	if i >= 0 && before[i] == ':' {
		i--
		for i >= 0 && (before[i] >= 'a' && before[i] <= 'z' || before[i] >= 'A' && before[i] <= 'Z' || before[i] >= '0' && before[i] <= '9' || before[i] == '_' || before[i] == '-' || before[i] == '.') {
			i--
		}
	}
	return i >= 0 && before[i] == '<'
}

// mergeRef reads the ref attribute of a mergeCell tag's attributes.
func mergeRef(attrs []byte) string {
	attrs = bytes.TrimSuffix(attrs, []byte("/"))
	for {
		key, val, rest, err := nextAttr(attrs)
		if err != nil || key == nil {
			return ""
		}
		if string(key) == "ref" {
			if v, err := appendText(nil, val, false); err == nil {
				return string(v)
			}
			return ""
		}
		attrs = rest
	}
}

func parseRange(ref string) (Range, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		return Range{}, false
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil || r2 < r1 || c2 < c1 {
		return Range{}, false
	}
	return Range{r1, c1, r2, c2}, true
}

func readXML(f *zip.File, v any) error {
	if f == nil {
		return io.ErrUnexpectedEOF
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(v)
}

// MergeFiller fills the cells of merged ranges with the value of their
// top-left cell while rows stream past in order: a title merged over two
// header rows, or a household's cells merged down over its problem rows,
// read as if written in each.
type MergeFiller struct {
	byStart map[int][]Range
	active  []activeRange
}

type activeRange struct {
	Range
	value string
}

// NewMergeFiller prepares a filler for a sheet's ranges. Columns past the
// last one read (Limit.Columns) are not filled: a range over a whole sheet
// would make every row 16,384 cells wide.
func NewMergeFiller(ranges []Range) *MergeFiller {
	m := &MergeFiller{byStart: map[int][]Range{}}
	for _, r := range ranges {
		r.Col2 = min(r.Col2, Limit.Columns)
		if r.Col1 <= r.Col2 && (r.Row2-r.Row1+1)*(r.Col2-r.Col1+1) > 1 {
			m.byStart[r.Row1] = append(m.byStart[r.Row1], r)
		}
	}
	return m
}

// Fill fills row's cells (rows must come in ascending order; rows that
// are absent from the sheet are simply not passed).
func (m *MergeFiller) Fill(row int, cells []string) []string {
	if m == nil || (len(m.byStart) == 0 && len(m.active) == 0) {
		return cells
	}
	keep := m.active[:0]
	for _, a := range m.active {
		if a.Row2 >= row {
			keep = append(keep, a)
		}
	}
	m.active = keep
	for _, r := range m.byStart[row] {
		if m.overlaps(r) {
			continue // Excel never writes overlapping ranges; filling both would cost rows × ranges
		}
		v := ""
		if r.Col1 <= len(cells) {
			v = cells[r.Col1-1]
		}
		m.active = append(m.active, activeRange{r, v})
	}
	delete(m.byStart, row)
	for _, a := range m.active {
		for c := a.Col1; c <= a.Col2; c++ {
			if row == a.Row1 && c == a.Col1 {
				continue
			}
			for len(cells) < c {
				cells = append(cells, "")
			}
			if cells[c-1] == "" {
				cells[c-1] = a.value
			}
		}
	}
	return cells
}

// fills tells whether m can change a row: it has a range of more than
// one cell within the columns read.
func (m *MergeFiller) fills() bool { return m != nil && len(m.byStart) > 0 }

// overlaps tells whether r shares a column with a range still being
// filled.
func (m *MergeFiller) overlaps(r Range) bool {
	for _, a := range m.active {
		if r.Col1 <= a.Col2 && a.Col1 <= r.Col2 {
			return true
		}
	}
	return false
}
