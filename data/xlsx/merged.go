package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"strings"

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
	rc, err := s.part.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return scanMergeCells(w.ctx, rc, w.lim.MergedRanges)
}

// scanMergeCells finds the mergeCell elements of a sheet's XML (with or
// without a namespace prefix) and reads their ranges. More than most is
// a refusal.
func scanMergeCells(ctx context.Context, r io.Reader, most int) ([]Range, error) {
	var out []Range
	needle := []byte("mergeCell")
	const tail = 256 // a tag cut by the end of a read is looked at again
	buf := make([]byte, tail+1<<20)
	kept, resume := 0, 0
	for reads := 0; ; reads++ {
		if reads%64 == 63 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		n, err := io.ReadFull(r, buf[kept:])
		got := buf[:kept+n]
		done := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !done {
			return nil, err
		}
		pos := resume // what is before pos has been looked at
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
			if len(out) >= most {
				return nil, &oddPart{"มีช่องที่ผสานกันเกิน " + data.FormatNumber(int64(most)) + " กลุ่ม"}
			}
			if r, ok := parseRange(mergeRef(tag[len(needle):])); ok {
				out = append(out, r)
			}
		}
		if done {
			return out, nil
		}
		// Keep what is not looked at yet, and a little before it: the
		// '<' and prefix of a name the read cut after.
		from := max(pos, len(got)-tail)
		keep := max(0, from-64)
		kept, resume = copy(buf, got[keep:]), from-keep
	}
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
