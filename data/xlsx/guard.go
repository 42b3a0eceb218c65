package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"qmdesk/data"
)

// checkPackage looks at a workbook's zip before anything is read: the
// sizes its directory declares, then every XML part other than the
// worksheets and the shared strings, read once as a stream, for what a
// decoder would hold in memory at a time: a tag, a run of text. The
// worksheets and the shared strings are checked for the same limits by
// the reader itself as it reads them (xmlScan), once.
func checkPackage(ctx context.Context, z *zip.Reader, lim Limits) error {
	if len(z.File) > lim.Parts {
		return overLimit("มีส่วนประกอบ "+data.FormatNumber(int64(len(z.File)))+" ส่วน", " เกินกว่าที่ไฟล์ Excel มี ("+data.FormatNumber(int64(lim.Parts))+")")
	}
	var total, inMemory int64
	for _, f := range z.File {
		size := int64(f.UncompressedSize64)
		if size < 0 {
			size = 1 << 62
		}
		total += size
		if total > lim.UnzipBytes || size > lim.UnzipBytes {
			return overLimit("เมื่อคลายออกมีขนาดเกิน "+megabytes(lim.UnzipBytes), "")
		}
		if kindOf(f.Name) == partSheet {
			continue // streamed as read, never held
		}
		inMemory += size
		if inMemory > lim.MemoryBytes {
			return overLimit("มีรูปภาพหรือส่วนอื่นรวมกันเกิน "+megabytes(lim.MemoryBytes), " (ถ้ามีรูปภาพ ให้ลบออกแล้วบันทึกใหม่)")
		}
	}
	for _, f := range z.File {
		k := kindOf(f.Name)
		if k == partOther || k == partSheet || k == partStrings {
			continue // pictures and the like: counted above, never decoded; sheets and strings: checked as read
		}
		if err := scanPart(ctx, f, k, lim); err != nil {
			var odd *oddPart
			if errors.As(err, &odd) {
				return overLimit(partWhere(z, f.Name), odd.what)
			}
			if ctx.Err() != nil {
				return err
			}
			return &data.Error{Code: data.EINVALID, Message: ErrCutShort.Message, English: "cannot read part " + f.Name, Err: err}
		}
	}
	return nil
}

type partKind int

const (
	partOther   partKind = iota // not XML
	partXML                     // decoded whole by excelize when it needs it
	partSheet                   // a worksheet, streamed row by row
	partStrings                 // the shared strings
)

// kindOf sorts a zip entry as excelize does: worksheets by their folder,
// the shared strings by name, in any case.
func kindOf(name string) partKind {
	n := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	switch {
	case n == "xl/sharedstrings.xml":
		return partStrings
	case strings.HasPrefix(n, "xl/worksheets/") && strings.HasSuffix(n, ".xml"):
		return partSheet
	case strings.HasSuffix(n, ".xml") || strings.HasSuffix(n, ".rels"):
		return partXML
	}
	return partOther
}

// partWhere names a part for the clerk: the sheet a worksheet is, the
// shared strings, or the part's name.
func partWhere(z *zip.Reader, name string) string {
	switch kindOf(name) {
	case partStrings:
		return "ตารางข้อความ (sharedStrings)"
	case partSheet:
		sheets, _ := listSheets(z)
		for _, s := range sheets {
			if s.part != nil && s.part.Name == name {
				return "แผ่นงาน '" + s.name + "'"
			}
		}
	}
	return "ส่วน " + name
}

// oddPart is what scanPart found wrong, in Thai.
type oddPart struct{ what string }

func (o *oddPart) Error() string { return o.what }

func scanPart(ctx context.Context, f *zip.File, k partKind, lim Limits) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	s := scanner{lim: lim, kind: k}
	buf := make([]byte, 256<<10)
	for {
		n, err := rc.Read(buf)
		if n > 0 {
			if odd := s.feed(buf[:n]); odd != nil {
				return odd
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err == io.EOF {
			if s.inTag || s.special != 0 {
				return io.ErrUnexpectedEOF
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// scanner reads XML byte by byte as far as sizes are concerned: where tags
// begin and end (quotes respected, comments and CDATA skipped), how long
// each run of text is, and the rows, cells and shared strings it passes.
type scanner struct {
	lim  Limits
	kind partKind
	pos  int64 // bytes fed before the current chunk

	inTag   bool
	quote   byte
	special byte // inside <!-- --> ('-') or <![CDATA[ ]]> ('[')
	p1, p2  byte // the two bytes before the current one, inside a tag
	tagLen  int
	tag     [256]byte // the first bytes of the current tag
	text    int       // bytes of the current text run

	inRow    bool
	rowStart int64
	inCell   bool
	col      int // column of the current or last cell of the row
	valued   bool
	values   int // cells of the row with a value

	inString    bool
	stringStart int64
	strings     int
	elements    int
	merges      int
}

func (s *scanner) feed(b []byte) *oddPart {
	for i := 0; i < len(b); {
		if !s.inTag {
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				j = len(b) - i
			}
			if s.text += j; s.text > s.lim.TextBytes {
				return s.longText()
			}
			i += j
			if i < len(b) {
				s.inTag, s.tagLen, s.quote, s.special, s.p1, s.p2 = true, 0, 0, 0, 0, 0
				i++
			}
			continue
		}
		c := b[i]
		i++
		if s.tagLen < len(s.tag) {
			s.tag[s.tagLen] = c
		}
		s.tagLen++
		p1, p2 := s.p1, s.p2
		s.p1, s.p2 = c, p1
		switch s.special {
		case '[': // CDATA is text, up to ]]>
			if s.tagLen > s.lim.TextBytes {
				return s.longText()
			}
			if c == '>' && p1 == ']' && p2 == ']' {
				s.endTag(i)
			}
			continue
		case '-': // a comment, up to -->
			if s.tagLen > s.lim.TagBytes {
				return s.longTag()
			}
			if c == '>' && p1 == '-' && p2 == '-' {
				s.endTag(i)
			}
			continue
		}
		if s.tagLen > s.lim.TagBytes {
			return s.longTag()
		}
		switch {
		case s.quote != 0:
			if c == s.quote {
				s.quote = 0
			}
		case c == '"' || c == '\'':
			s.quote = c
		case s.tagLen == 3 && string(s.tag[:3]) == "!--":
			s.special = '-'
		case s.tagLen == 8 && string(s.tag[:8]) == "![CDATA[":
			s.special, s.text = '[', 0
		case c == '>':
			if odd := s.endTag(i); odd != nil {
				return odd
			}
		}
	}
	s.pos += int64(len(b))
	return s.checkOpen(s.pos)
}

// checkOpen checks the row or shared string still open at offset at.
func (s *scanner) checkOpen(at int64) *oddPart {
	if s.inRow && at-s.rowStart > int64(s.lim.RowBytes) {
		return &oddPart{"มีแถวเดียวที่ข้อมูลยาวเกิน " + megabytes(int64(s.lim.RowBytes))}
	}
	if s.inString && at-s.stringStart > int64(s.lim.StringBytes) {
		return &oddPart{"มีข้อความเดียวยาวเกิน " + data.FormatNumber(int64(s.lim.StringBytes>>10)) + " KB (ช่องเดียวของ Excel รับได้ไม่เกิน 32,767 ตัวอักษร)"}
	}
	return nil
}

func (s *scanner) longText() *oddPart {
	return &oddPart{"มีข้อความหรือช่องว่างติดกันยาวเกิน " + megabytes(int64(s.lim.TextBytes)) + " (ช่องเดียวของ Excel รับได้ไม่เกิน 32,767 ตัวอักษร)"}
}

func (s *scanner) longTag() *oddPart {
	return &oddPart{"มีแท็กยาวเกิน " + data.FormatNumber(int64(s.lim.TagBytes)) + " ไบต์"}
}

// endTag closes the tag that ended at offset end: what it opens or closes
// decides the counts. Comments and CDATA count for nothing.
func (s *scanner) endTag(end int) *oddPart {
	special := s.special
	s.inTag, s.text, s.special = false, 0, 0
	n := min(s.tagLen, len(s.tag))
	t := s.tag[:n]
	if special != 0 || len(t) == 0 || t[0] == '?' {
		return nil
	}
	if t[0] == '!' {
		if bytes.HasPrefix(t, []byte("!DOCTYPE")) {
			return &oddPart{"มีส่วนประกาศ DOCTYPE ซึ่งไฟล์ Excel ไม่มี"}
		}
		return nil
	}
	closing := t[0] == '/'
	if closing {
		t = t[1:]
	}
	selfClosing := s.p2 == '/' // the byte before '>'
	name := t
	if j := bytes.IndexAny(name, " \t\r\n/>"); j >= 0 {
		name = name[:j]
	}
	if j := bytes.LastIndexByte(name, ':'); j >= 0 {
		name = name[j+1:]
	}
	at := s.pos + int64(end)
	switch s.kind {
	case partXML:
		if !closing {
			if s.elements++; s.elements > s.lim.Elements {
				return &oddPart{"มีองค์ประกอบเกิน " + data.FormatNumber(int64(s.lim.Elements)) + " รายการ"}
			}
		}
	case partStrings:
		if string(name) != "si" {
			return nil
		}
		if closing {
			odd := s.checkOpen(at)
			s.inString = false
			return odd
		}
		if s.strings++; s.strings > s.lim.SharedStrings {
			return &oddPart{"มีข้อความต่างกันเกิน " + data.FormatNumber(int64(s.lim.SharedStrings)) + " ข้อความ"}
		}
		s.inString, s.stringStart = !selfClosing, at
	case partSheet:
		return s.sheetTag(string(name), closing, selfClosing, t, at)
	}
	return nil
}

func (s *scanner) sheetTag(name string, closing, selfClosing bool, tag []byte, at int64) *oddPart {
	switch name {
	case "row":
		if closing {
			odd := s.checkOpen(at)
			s.inRow = false
			return odd
		}
		s.inRow, s.rowStart, s.col, s.values = !selfClosing, at, 0, 0
	case "c":
		if closing {
			s.inCell = false
			return nil
		}
		s.col++
		if col, ok := refColumn(tag); ok {
			s.col = col
		}
		s.inCell, s.valued = !selfClosing, false
	case "v", "is", "f":
		// excelize keeps a cell that has a value or a formula: where it
		// is and how many there are decide how wide a row it returns.
		if !closing && s.inCell && !s.valued {
			s.valued = true
			s.values++
			if s.col > s.lim.Columns || s.values > s.lim.Columns {
				col, _ := excelize.ColumnNumberToName(min(s.col, excelize.MaxColumns))
				last, _ := excelize.ColumnNumberToName(s.lim.Columns)
				return &oddPart{"มีข้อมูลที่คอลัมน์ " + col + " เลยคอลัมน์ " + last + " ซึ่งเป็นคอลัมน์สุดท้ายที่โปรแกรมอ่าน"}
			}
		}
	case "mergeCell":
		if !closing {
			if s.merges++; s.merges > s.lim.MergedRanges {
				return &oddPart{"มีช่องที่ผสานกันเกิน " + data.FormatNumber(int64(s.lim.MergedRanges)) + " กลุ่ม"}
			}
		}
	}
	return nil
}

// refColumn reads the column of a cell tag's r="AB12" attribute, from the
// first bytes of the tag.
func refColumn(tag []byte) (int, bool) {
	i := 0
	for {
		j := bytes.Index(tag[i:], []byte("r="))
		if j < 0 {
			return 0, false
		}
		i += j
		if i > 0 && (tag[i-1] == ' ' || tag[i-1] == '\t' || tag[i-1] == '\n' || tag[i-1] == '\r') && i+2 < len(tag) {
			break
		}
		i += 2
	}
	v := tag[i+3:]
	col := 0
	for _, c := range v {
		switch {
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A'+1)
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a'+1)
		default:
			return col, col > 0
		}
		if col > 1<<20 {
			return col, true
		}
	}
	return col, col > 0
}
