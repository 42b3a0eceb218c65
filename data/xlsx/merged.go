package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Range is a merged range, 1-based, inclusive.
type Range struct{ Row1, Col1, Row2, Col2 int }

// MergedRanges lists a sheet's merged ranges without loading the sheet:
// excelize's GetMergeCells unmarshals the whole worksheet into memory
// (gigabytes for a province file), so this scans the sheet's XML part for
// <mergeCell ref="..."/> elements instead. Open has bounded their number.
func (w *Workbook) MergedRanges(sheet string) []Range {
	z, closer, err := w.zip()
	if err != nil {
		return nil
	}
	defer closer.Close()
	part := sheetParts(z)[sheet]
	if part == nil {
		return nil
	}
	rc, err := part.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	return scanMergeCells(rc, w.lim.MergedRanges)
}

func scanMergeCells(r io.Reader, most int) []Range {
	var out []Range
	br := bufio.NewReaderSize(r, 1<<16)
	needle := []byte("<mergeCell ")
	// buf holds a kept tail of the previous read followed by new bytes.
	buf := make([]byte, 256+1<<16)
	kept := 0
	for {
		n, err := br.Read(buf[kept:])
		chunk := buf[:kept+n]
		for {
			i := bytes.Index(chunk, needle)
			if i < 0 {
				break
			}
			end := bytes.IndexByte(chunk[i:], '>')
			if end < 0 {
				break
			}
			var m struct {
				Ref string `xml:"ref,attr"`
			}
			if xml.Unmarshal(chunk[i:i+end+1], &m) == nil || xml.Unmarshal(append(chunk[i:i+end:i+end], []byte("/>")...), &m) == nil {
				if r, ok := parseRange(m.Ref); ok && len(out) < most {
					out = append(out, r)
				}
			}
			chunk = chunk[i+end+1:]
		}
		// Keep a tail in case a tag straddles two reads.
		if len(chunk) > 256 {
			chunk = chunk[len(chunk)-256:]
		}
		kept = copy(buf, chunk)
		if err != nil {
			return out
		}
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
