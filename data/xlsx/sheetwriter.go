package xlsx

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// The data rows of a table are written as sheet XML here, not through
// excelize's StreamWriter.SetRow: SetRow spent more than half of a
// province's full export building a cell name, an escaped copy and an
// inline-string struct for each of its 35 million cells. rowXML writes
// the bytes SetRow writes for the same cells (the same elements,
// attributes, styles, types and escaping; a test holds them equal), into
// a spool, and the zip writer puts them into excelize's part for the sheet
// just before its </sheetData> (zipwriter.go).

// rowXML builds one table's data rows.
type rowXML struct {
	cols [][]byte // `<c r="A` for each column
	row  []byte   // the number of the row being written
	b    []byte   // the row being written
}

func newRowXML(cols int) *rowXML {
	x := &rowXML{cols: make([][]byte, cols)}
	for c := range x.cols {
		name, _ := excelize.ColumnNumberToName(c + 1)
		x.cols[c] = []byte(`<c r="` + name)
	}
	return x
}

// start begins row n (1-based), of the given height (points; 0 for none),
// as SetRow with RowOpts{Height: height} does.
func (x *rowXML) start(n int, height float64) {
	x.row = strconv.AppendInt(x.row[:0], int64(n), 10)
	x.b = append(x.b[:0], `<row r="`...)
	x.b = append(x.b, x.row...)
	x.b = append(x.b, '"')
	if height > 0 {
		x.b = append(x.b, ` ht="`...)
		x.b = strconv.AppendFloat(x.b, height, 'f', -1, 64)
		x.b = append(x.b, `" customHeight="1"`...)
	}
	x.b = append(x.b, '>')
}

// end ends the row and returns its bytes (valid until the next start).
func (x *rowXML) end() []byte {
	x.b = append(x.b, `</row>`...)
	return x.b
}

// errCellType is the error for a value rowXML does not write: excelize
// writes times and durations with number formats of its own and rich text
// as runs, which no table of qmdesk has.
var errCellType = fmt.Errorf("xlsx: a table cell cannot hold this type of value")

// cell writes the cell of column c (0-based) with style and value v, as
// SetRow writes an excelize.Cell{StyleID: style, Value: v}: nil is a
// blank cell with its style, numbers and booleans are values, anything
// else is text (fmt.Sprint of it unless a string or bytes), inline.
func (x *rowXML) cell(c, style int, v any) error {
	b := append(x.b, x.cols[c]...)
	b = append(b, x.row...)
	b = append(b, '"')
	if style != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	switch v := v.(type) {
	case nil:
		b = append(b, `></c>`...)
	case string:
		b = appendInlineString(b, v)
	case []byte:
		b = appendInlineString(b, string(v))
	case int:
		b = appendInt(b, int64(v))
	case int8:
		b = appendInt(b, int64(v))
	case int16:
		b = appendInt(b, int64(v))
	case int32:
		b = appendInt(b, int64(v))
	case int64:
		b = appendInt(b, v)
	case uint:
		b = appendUint(b, uint64(v))
	case uint8:
		b = appendUint(b, uint64(v))
	case uint16:
		b = appendUint(b, uint64(v))
	case uint32:
		b = appendUint(b, uint64(v))
	case uint64:
		b = appendUint(b, v)
	case float32:
		b = appendFloat(b, float64(v), 32)
	case float64:
		b = appendFloat(b, v, 64)
	case bool:
		if v {
			b = append(b, ` t="b"><v>1</v></c>`...)
		} else {
			b = append(b, ` t="b"><v>0</v></c>`...)
		}
	case time.Time, time.Duration, []excelize.RichTextRun:
		return errCellType
	default:
		b = appendInlineString(b, fmt.Sprint(v))
	}
	x.b = b
	return nil
}

func appendInt(b []byte, v int64) []byte {
	b = append(b, `><v>`...)
	b = strconv.AppendInt(b, v, 10)
	return append(b, `</v></c>`...)
}

func appendUint(b []byte, v uint64) []byte {
	b = append(b, `><v>`...)
	b = strconv.AppendUint(b, v, 10)
	return append(b, `</v></c>`...)
}

// appendFloat is excelize's setCellFloat with automatic precision: a NaN
// or an infinity is the text fmt.Sprint gives it.
func appendFloat(b []byte, v float64, bits int) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return appendInlineString(b, fmt.Sprint(v))
	}
	b = append(b, `><v>`...)
	b = append(b, formatCellFloat(v, bits)...)
	return append(b, `</v></c>`...)
}

// formatCellFloat is excelize's formatCellFloat(value, -1, bitSize)
// (cell.go, v2.11.1): the shortest form, cut (not rounded) to Excel's 15
// significant digits.
func formatCellFloat(value float64, bitSize int) string {
	str := strconv.FormatFloat(value, 'f', -1, bitSize)
	if math.Abs(value) == math.MaxFloat64 {
		return str
	}
	const maxPrec = 15
	decimal := strings.IndexByte(str, '.')
	significant := 0
	for idx := range str {
		if str[idx] < '0' || str[idx] > '9' || significant == 0 && str[idx] == '0' {
			continue
		}
		significant++
		if significant <= maxPrec {
			continue
		}
		if decimal >= 0 && idx > decimal {
			return strings.TrimSuffix(str[:idx], ".")
		}
		if decimal < 0 {
			decimal = len(str)
		}
		truncated := []byte(str[:decimal])
		for ; idx < len(truncated); idx++ {
			truncated[idx] = '0'
		}
		return string(truncated)
	}
	return str
}

// totalCellChars is Excel's limit of a cell's text, in UTF-16 units
// (excelize.TotalCellChars).
const totalCellChars = excelize.TotalCellChars

// appendInlineString writes the rest of a text cell as excelize's
// setInlineStr does: t="inlineStr", the text cut to 32,767 UTF-16 units,
// xml:space="preserve" when it starts or ends with a space, tab or line
// break, and the text escaped (escapeText).
func appendInlineString(b []byte, s string) []byte {
	if len(s) > totalCellChars { // a UTF-16 unit takes at least one byte
		s = truncateUTF16(s, totalCellChars)
	}
	b = append(b, ` t="inlineStr"><is><t`...)
	if s != "" {
		switch first, last := s[0], s[len(s)-1]; {
		case first == 9 || first == 10 || first == 13 || first == 32, last == 9 || last == 10 || last == 13 || last == 32:
			b = append(b, ` xml:space="preserve"`...)
		}
	}
	b = append(b, '>')
	b = escapeText(b, s)
	return append(b, `</t></is></c>`...)
}

// truncateUTF16 is s cut to at most n UTF-16 units, at a character.
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		if units += utf16.RuneLen(r); units > n {
			return s[:i]
		}
	}
	return s
}

// plain marks the ASCII bytes escapeText writes as they are.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"'&<>_` {
		t[c] = false
	}
	t['\n'] = true
	return t
}()

// escapeText appends s as excelize writes an inline string's text:
// encoding/xml's EscapeText (the five markup characters as &amp; &lt;
// &gt; &#34; &#39;, tab and carriage return as &#x9; and &#xD;, a
// character XML cannot hold or a byte that is no UTF-8 as U+FFFD), line
// breaks as they are, then excelize's bstrMarshal: text that reads as
// Excel's escape of a character (_x0041_) escaped itself, its '_' as
// _x005F_, so that Excel shows it as typed.
//
// bstrMarshal drops such an escape from the text when its four digits
// are a UTF-16 surrogate (D800–DFFF: "a_xD800_b" is written "ab"): it is
// escaped here as every other, and reads back as written.
func escapeText(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && plain[c] {
			i++
			continue
		}
		var esc string
		width := 1
		switch c {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\r':
			esc = "&#xD;"
		case '_':
			if !isBstr(s, i) {
				i++
				continue
			}
			b = append(b, s[last:i]...)
			switch {
			case s[i:i+7] != "_x005F_":
				b = append(b, "_x005F"...)
				b = append(b, s[i:i+7]...)
			case i+13 <= len(s) && s[i+7] == 'x' && isHex4(s[i+8:i+12]) && s[i+12] == '_' && !isSurrogate(s[i+8:i+12]):
				// bstrMarshal's escape of _x005F_ before the rest of
				// another escape.
				b = append(b, "_x005F_x005F_x005F_"...)
			default:
				b = append(b, "_x005F_x005F_"...)
			}
			i += 7
			last = i
			continue
		default:
			if c < utf8.RuneSelf { // a control character
				esc = "\uFFFD"
				break
			}
			if c >= 0xE0 && c < 0xF0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
				// Three bytes (Thai is all three): a character unless
				// an overlong form, a surrogate, U+FFFE or U+FFFF.
				if r := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F); r >= 0x800 && (r < 0xD800 || r > 0xDFFF) && r <= 0xFFFD {
					i += 3
					continue
				}
			}
			r, w := utf8.DecodeRuneInString(s[i:])
			width = w
			if r == utf8.RuneError && w == 1 || !inCharacterRange(r) {
				esc = "\uFFFD"
				break
			}
			i += w
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += width
		last = i
	}
	return append(b, s[last:]...)
}

// inCharacterRange is encoding/xml's test of a character XML 1.0 allows
// (for one of at least two bytes).
func inCharacterRange(r rune) bool {
	return r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// isBstr tells whether s holds Excel's escape of a character (_xHHHH_,
// four hexadecimal digits) at i.
func isBstr(s string, i int) bool {
	return i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && isHex4(s[i+2:i+6]) && s[i+6] == '_'
} // isHex4: sheet.go

// isSurrogate tells whether four hexadecimal digits are a UTF-16
// surrogate (D800–DFFF), which is no character.
func isSurrogate(h string) bool {
	return (h[0] == 'd' || h[0] == 'D') && (h[1] >= '8' && h[1] <= '9' || h[1] >= 'a' && h[1] <= 'f' || h[1] >= 'A' && h[1] <= 'F')
}

// spool holds a table's rows until the zip writer copies them into the
// sheet's part: in memory up to spoolMemory, then in a temporary file (a
// province's full export is two gigabytes of rows).
type spool struct {
	buf  bytes.Buffer
	file *os.File
	size int64
	err  error
}

// spoolMemory is how much a spool holds in memory (a variable so that
// tests can make spools spill).
var spoolMemory = 16 << 20

func (s *spool) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	s.buf.Write(p)
	s.size += int64(len(p))
	if s.buf.Len() >= spoolMemory {
		s.err = s.flush()
	}
	return len(p), s.err
}

// flush moves what is in memory to the file, which it creates first; when
// no temporary file can be made, the rows stay in memory (as excelize's
// stream writer keeps them).
func (s *spool) flush() error {
	if s.file == nil {
		f, err := os.CreateTemp("", "qmdesk-rows-*")
		if err != nil {
			return nil
		}
		s.file = f
	}
	_, err := s.buf.WriteTo(s.file)
	s.buf.Reset()
	return err
}

// reader reads the rows from the start (again at each call).
func (s *spool) reader() (io.Reader, error) {
	if s.err != nil {
		return nil, s.err
	}
	if s.file == nil {
		return bytes.NewReader(s.buf.Bytes()), nil
	}
	if s.buf.Len() > 0 {
		if s.err = s.flush(); s.err != nil {
			return nil, s.err
		}
	}
	return io.NewSectionReader(s.file, 0, s.size), nil
}

// close removes the temporary file.
func (s *spool) close() {
	s.buf = bytes.Buffer{}
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
		s.file = nil
	}
}
