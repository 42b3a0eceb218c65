package xlsx

import (
	"bytes"
	"io"
	"strconv"
	"unicode/utf8"

	"qmdesk/data"
)

// xmlScan is the streaming XML tokenizer of the parts the reader decodes
// as they inflate: the worksheets and the shared strings. It holds one
// buffer of the part (a tag or a run of text never straddles the end of
// it), refuses what breaks the limits as it passes (a tag, a run of text,
// a DOCTYPE), and checks that every end tag closes the element open, as
// a strict XML decoder does, so that a damaged part is refused and not
// read halfway. Text is checked to be UTF-8 made of XML's characters
// only where it is decoded.
type xmlScan struct {
	src  io.Reader
	buf  []byte
	r, w int   // unread bytes are buf[r:w]
	off  int64 // offset in the part of buf[0]
	eof  bool
	lim  Limits

	// open is the names of the elements open, one after another; ends
	// holds where each starts in open.
	open []byte
	ends []int

	// The token read last.
	kind  tokKind
	name  []byte // local name (prefix dropped) of a start or end tag
	attrs []byte // a start tag's attributes, undecoded
	empty bool   // a start tag that closes itself (<c/>)
	text  []byte // text as written (entities not decoded); CDATA's content
	cdata bool
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText
)

// errXML is a part that is not well-formed XML.
type errXML struct{ what string }

func (e *errXML) Error() string { return "xml: " + e.what }

func newXMLScan(src io.Reader, lim Limits) *xmlScan {
	return &xmlScan{src: src, buf: make([]byte, 0, 1<<20)[:1<<20], lim: lim}
}

// pos is the offset in the part of the next unread byte.
func (s *xmlScan) pos() int64 { return s.off + int64(s.r) }

// more reads more of the part behind what is unread, moving the unread
// bytes to the buffer's start and growing it up to limit bytes. It
// reports false at the end of the part or when the unread bytes already
// fill limit.
func (s *xmlScan) more(limit int) (bool, error) {
	if s.eof {
		return false, nil
	}
	if s.r > 0 {
		n := copy(s.buf, s.buf[s.r:s.w])
		s.off += int64(s.r)
		s.r, s.w = 0, n
	}
	if s.w == len(s.buf) {
		if len(s.buf) >= limit {
			return false, nil
		}
		grown := make([]byte, min(2*len(s.buf), limit+4096))
		copy(grown, s.buf[:s.w])
		s.buf = grown
	}
	for {
		n, err := s.src.Read(s.buf[s.w:])
		s.w += n
		if err == io.EOF {
			s.eof = true
			return n > 0, nil
		}
		if err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
}

// next reads the next token. Comments and processing instructions are
// passed over; the end of the part with elements still open is an error.
func (s *xmlScan) next() (tokKind, error) {
	for {
		k, err := s.token()
		if err != nil || k != tokSkip {
			s.kind = k
			return k, err
		}
	}
}

const tokSkip tokKind = -1

func (s *xmlScan) token() (tokKind, error) {
	if s.r == s.w {
		if ok, err := s.more(len(s.buf)); err != nil {
			return tokEOF, err
		} else if !ok {
			if len(s.ends) > 0 {
				return tokEOF, &errXML{"unexpected end of part inside <" + string(s.open[s.ends[len(s.ends)-1]:]) + ">"}
			}
			return tokEOF, nil
		}
	}
	if s.buf[s.r] != '<' {
		// Text up to the next tag, whole in the buffer.
		from := 0
		for {
			if i := bytes.IndexByte(s.buf[s.r+from:s.w], '<'); i >= 0 {
				if from+i > s.lim.TextBytes {
					// Whole in the buffer, and still too long: how much
					// the buffer holds decides nothing.
					return tokEOF, &oddPart{longTextMessage(s.lim)}
				}
				s.text, s.cdata = s.buf[s.r:s.r+from+i], false
				s.r += from + i
				return tokText, nil
			}
			from = s.w - s.r
			if from > s.lim.TextBytes {
				return tokEOF, &oddPart{longTextMessage(s.lim)}
			}
			ok, err := s.more(s.lim.TextBytes + 1)
			if err != nil {
				return tokEOF, err
			}
			if !ok {
				if from > s.lim.TextBytes {
					return tokEOF, &oddPart{longTextMessage(s.lim)}
				}
				s.text, s.cdata = s.buf[s.r:s.w], false
				s.r = s.w
				return tokText, nil
			}
		}
	}
	// A tag: make sure its end is in the buffer.
	for s.w-s.r < 9 && !s.eof {
		if _, err := s.more(len(s.buf)); err != nil {
			return tokEOF, err
		}
	}
	b := s.buf[s.r:s.w]
	switch {
	case len(b) > 1 && b[1] != '!' && b[1] != '?':
		// an element's tag: below
	case bytes.HasPrefix(b, []byte("<!--")):
		end, err := s.find(4, []byte("-->"), s.lim.TagBytes, longTagMessage)
		if err != nil {
			return tokEOF, err
		}
		s.r += end + 3
		return tokSkip, nil
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		end, err := s.find(9, []byte("]]>"), s.lim.TextBytes, longTextMessage)
		if err != nil {
			return tokEOF, err
		}
		s.text, s.cdata = s.buf[s.r+9:s.r+end], true
		s.r += end + 3
		return tokText, nil
	case bytes.HasPrefix(b, []byte("<!DOCTYPE")):
		return tokEOF, &oddPart{"มีส่วนประกาศ DOCTYPE ซึ่งไฟล์ Excel ไม่มี"}
	case bytes.HasPrefix(b, []byte("<?")):
		end, err := s.find(2, []byte("?>"), s.lim.TagBytes, longTagMessage)
		if err != nil {
			return tokEOF, err
		}
		s.r += end + 2
		return tokSkip, nil
	case bytes.HasPrefix(b, []byte("<!")):
		// Another declaration (<!ENTITY …>, <!ELEMENT …>): passed over,
		// as encoding/xml passes it; only a DOCTYPE is refused, and
		// "<!>", which is no declaration (encoding/xml reads on past its
		// '>' and fails at the end of the part).
		if len(b) > 2 && b[2] == '>' {
			return tokEOF, &errXML{"declaration without a name"}
		}
		end, err := s.tagEnd()
		if err != nil {
			return tokEOF, err
		}
		s.r += end + 1
		return tokSkip, nil
	}
	end := -1
	if len(b) > 1 && b[1] == '/' {
		// An end tag has no quoted values: its end is the first '>'.
		if j := bytes.IndexByte(b, '>'); j >= 0 && j <= s.lim.TagBytes {
			end = j
		}
	}
	if end < 0 {
		var err error
		if end, err = s.tagEnd(); err != nil {
			return tokEOF, err
		}
	}
	tag := s.buf[s.r+1 : s.r+end]
	s.r += end + 1
	if len(tag) > 0 && tag[0] == '/' {
		name := tag[1:]
		for len(name) > 0 && isSpace(name[len(name)-1]) {
			name = name[:len(name)-1]
		}
		if len(s.ends) == 0 {
			return tokEOF, &errXML{"unexpected end element </" + string(name) + ">"}
		}
		top := s.ends[len(s.ends)-1]
		if !bytes.Equal(s.open[top:], name) {
			return tokEOF, &errXML{"element <" + string(s.open[top:]) + "> closed by </" + string(name) + ">"}
		}
		s.open, s.ends = s.open[:top], s.ends[:len(s.ends)-1]
		s.name = localName(name)
		return tokEnd, nil
	}
	s.empty = len(tag) > 0 && tag[len(tag)-1] == '/'
	if s.empty {
		tag = tag[:len(tag)-1]
	}
	n := 0
	for n < len(tag) && !isSpace(tag[n]) {
		n++
	}
	if n == 0 {
		return tokEOF, &errXML{"tag without a name"}
	}
	s.name, s.attrs = localName(tag[:n]), tag[n:]
	if !s.empty {
		s.ends = append(s.ends, len(s.open))
		s.open = append(s.open, tag[:n]...)
	}
	return tokStart, nil
}

// find looks for the end of a comment, CDATA section or processing
// instruction from from bytes into the unread ones, within limit.
func (s *xmlScan) find(from int, end []byte, limit int, long func(Limits) string) (int, error) {
	for {
		if i := bytes.Index(s.buf[s.r+from:s.w], end); i >= 0 {
			if from+i > limit {
				return 0, &oddPart{long(s.lim)}
			}
			return from + i, nil
		}
		if s.w-s.r > limit {
			return 0, &oddPart{long(s.lim)}
		}
		from = max(from, s.w-s.r-len(end)+1)
		ok, err := s.more(limit + len(end) + 16)
		if err != nil {
			return 0, err
		}
		if !ok {
			if s.w-s.r > limit {
				return 0, &oddPart{long(s.lim)}
			}
			return 0, &errXML{"unexpected end of part"}
		}
	}
}

// tagEnd finds the '>' that ends the tag at the start of the unread
// bytes: the first one outside quotes.
func (s *xmlScan) tagEnd() (int, error) {
	i := 1
	for {
		b := s.buf[s.r:s.w]
		for i < len(b) {
			switch c := b[i]; c {
			case '>':
				if i > s.lim.TagBytes {
					return 0, &oddPart{longTagMessage(s.lim)}
				}
				return i, nil
			case '"', '\'':
				// A '>' inside a quoted value does not end the tag.
				end := bytes.IndexByte(b[i+1:], c)
				if end < 0 {
					i = len(b)
					continue
				}
				i += end + 2
			default:
				i++
			}
		}
		if i > s.lim.TagBytes {
			return 0, &oddPart{longTagMessage(s.lim)}
		}
		// The tag goes on past the buffer: read more and look at it all
		// again (a tag is short; this is rare).
		i = 1
		ok, err := s.more(s.lim.TagBytes + 16)
		if err != nil {
			return 0, err
		}
		if !ok {
			if s.w-s.r > s.lim.TagBytes {
				return 0, &oddPart{longTagMessage(s.lim)}
			}
			return 0, &errXML{"unexpected end of part inside a tag"}
		}
	}
}

// plainText reads, when the element just opened holds nothing but text
// and its end tag follows in the buffer (<t>กขค</t>, almost every cell),
// that text decoded, appended to dst, and closes the element: two tokens
// at once. It reports false, having read nothing, for anything else.
func (s *xmlScan) plainText(dst []byte) ([]byte, bool, error) {
	b := s.buf[s.r:s.w]
	i := bytes.IndexByte(b, '<')
	top := s.ends[len(s.ends)-1]
	open := s.open[top:]
	end := i + 2 + len(open)
	if i < 0 || i > s.lim.TextBytes || end >= len(b) || b[i+1] != '/' || b[end] != '>' || !bytes.Equal(b[i+2:end], open) {
		return dst, false, nil
	}
	out, err := appendText(dst, b[:i], false)
	if err != nil {
		return dst, false, err
	}
	s.open, s.ends = s.open[:top], s.ends[:len(s.ends)-1]
	s.r += end + 1
	s.kind, s.name = tokEnd, localName(open)
	return out, true, nil
}

// cellTag reads, when the unread bytes start with an unprefixed <c> start
// tag whose attributes are plain (each one blank, a name of letters, =,
// a value in double quotes without a reference) and which ends within
// the buffer and the tag limit, that tag as next would, and returns its
// r and t values (nil when absent; the last of a name given twice, as
// cell takes it). It reports false, having read nothing, for anything
// else.
func (s *xmlScan) cellTag() (ref, typ []byte, ok bool) {
	b := s.buf[s.r:s.w]
	if len(b) < 3 || b[0] != '<' || b[1] != 'c' || b[2] != ' ' && b[2] != '>' && b[2] != '/' {
		return nil, nil, false
	}
	end, empty := 0, false
	for i := 2; end == 0; {
		if i >= len(b) || i > s.lim.TagBytes {
			return nil, nil, false
		}
		switch b[i] {
		case '>':
			end = i
		case '/':
			if i+1 >= len(b) || b[i+1] != '>' {
				return nil, nil, false
			}
			end, empty = i+1, true
		case ' ':
			j := i + 1
			for j < len(b) && (b[j] >= 'a' && b[j] <= 'z' || b[j] >= 'A' && b[j] <= 'Z') {
				j++
			}
			if j == i+1 || j+1 >= len(b) || b[j] != '=' || b[j+1] != '"' {
				return nil, nil, false
			}
			q := bytes.IndexByte(b[j+2:], '"')
			if q < 0 {
				return nil, nil, false
			}
			val := b[j+2 : j+2+q]
			if bytes.IndexByte(val, '&') >= 0 {
				return nil, nil, false
			}
			switch string(b[i+1 : j]) {
			case "r":
				ref = val
			case "t":
				typ = val
			}
			i = j + 2 + q + 1
		default:
			return nil, nil, false
		}
	}
	if end > s.lim.TagBytes {
		return nil, nil, false
	}
	s.kind, s.name, s.empty = tokStart, cName, empty
	if empty {
		s.attrs = b[2 : end-1]
	} else {
		s.attrs = b[2:end]
		s.ends = append(s.ends, len(s.open))
		s.open = append(s.open, 'c')
	}
	s.r += end + 1
	return ref, typ, true
}

// The shapes of a cell's content that cellBody reads in one step.
const (
	bodyOther  = iota // another shape (or not whole in the buffer): read token by token
	bodyValue         // <v>text</v></c>
	bodyInline        // <is><t>text</t></is></c>, the <t> maybe with xml:space="preserve"
)

// cellBody reads, when the <c> just opened (unprefixed) holds one of the
// shapes above, whole in the buffer and closed right after (almost every
// cell a program writes), its text decoded, appended to dst, and closes
// the cell: five tokens at once, what the token by token reading would
// yield. It reports bodyOther, having read nothing, for anything else.
func (s *xmlScan) cellBody(dst []byte) ([]byte, int, error) {
	if s.empty {
		return dst, bodyOther, nil
	}
	top := s.ends[len(s.ends)-1]
	if string(s.open[top:]) != "c" {
		return dst, bodyOther, nil
	}
	b := s.buf[s.r:s.w]
	kind, closing := bodyValue, "</v></c>"
	switch {
	case bytes.HasPrefix(b, []byte("<v>")):
		b = b[len("<v>"):]
	case bytes.HasPrefix(b, []byte("<is><t>")):
		b, kind, closing = b[len("<is><t>"):], bodyInline, "</t></is></c>"
	case bytes.HasPrefix(b, []byte(`<is><t xml:space="preserve">`)):
		b, kind, closing = b[len(`<is><t xml:space="preserve">`):], bodyInline, "</t></is></c>"
	default:
		return dst, bodyOther, nil
	}
	i := bytes.IndexByte(b, '<')
	if i < 0 || i > s.lim.TextBytes || !bytes.HasPrefix(b[i:], []byte(closing)) {
		return dst, bodyOther, nil
	}
	out, err := appendText(dst, b[:i], false)
	if err != nil {
		return dst, bodyOther, err
	}
	s.open, s.ends = s.open[:top], s.ends[:len(s.ends)-1]
	s.r = s.w - len(b) + i + len(closing)
	s.kind, s.name = tokEnd, cName
	return out, kind, nil
}

var cName = []byte("c")

// depth is how many elements are open.
func (s *xmlScan) depth() int { return len(s.ends) }

// level is how deep the element of the start tag just read sits: 1 for
// the root, whether or not it closed itself.
func (s *xmlScan) level() int {
	if s.empty {
		return len(s.ends) + 1
	}
	return len(s.ends)
}

func localName(name []byte) []byte {
	for i, c := range name {
		if c == ':' {
			return name[i+1:]
		}
	}
	return name
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// attr finds an attribute of the last start tag by its local name and
// returns its value as written (entities not decoded), or false.
func (s *xmlScan) attr(name string) ([]byte, bool, error) {
	a := s.attrs
	for {
		key, val, rest, err := nextAttr(a)
		if err != nil || key == nil {
			return nil, false, err
		}
		if string(localName(key)) == name && !bytes.HasPrefix(key, []byte("xmlns")) {
			return val, true, nil
		}
		a = rest
	}
}

// nextAttr reads the first attribute of a: its name and value as written,
// and what follows; a nil name when there is none.
func nextAttr(a []byte) (key, val, rest []byte, err error) {
	i := 0
	for i < len(a) && isSpace(a[i]) {
		i++
	}
	if i == len(a) {
		return nil, nil, nil, nil
	}
	k := i
	for i < len(a) && a[i] != '=' && !isSpace(a[i]) {
		i++
	}
	key = a[k:i]
	for i < len(a) && isSpace(a[i]) {
		i++
	}
	if i == len(a) || a[i] != '=' || len(key) == 0 {
		return nil, nil, nil, &errXML{"attribute without a value"}
	}
	i++
	for i < len(a) && isSpace(a[i]) {
		i++
	}
	if i == len(a) || (a[i] != '"' && a[i] != '\'') {
		return nil, nil, nil, &errXML{"unquoted attribute value"}
	}
	end := bytes.IndexByte(a[i+1:], a[i])
	if end < 0 {
		return nil, nil, nil, &errXML{"unterminated attribute value"}
	}
	return key, a[i+1 : i+1+end], a[i+2+end:], nil
}

// appendText appends text as XML reads it: entities and character
// references decoded, line ends made "\n" (as encoding/xml does), and
// refuses text that is not UTF-8 or holds a character XML does not
// allow. CDATA is taken as it is but for the line ends.
func appendText(dst, text []byte, cdata bool) ([]byte, error) {
	stop := &textStops
	if cdata {
		stop = &cdataStops
	}
	for len(text) > 0 {
		// A run of plain text: no reference, no CR, no control; checked
		// as UTF-8 in one go, unless it holds nothing but ASCII and
		// characters of the Thai block (E0 B8 or E0 B9 and a continuation
		// byte), which are valid and allowed as they are.
		i, wide := 0, false
		for i < len(text) {
			c := text[i]
			if c < utf8.RuneSelf {
				if stop[c] {
					break
				}
				i++
				continue
			}
			if c == 0xe0 && i+2 < len(text) && text[i+1]&0xfe == 0xb8 && text[i+2]&0xc0 == 0x80 {
				i += 3
				continue
			}
			wide = true
			i++
		}
		if wide {
			run := text[:i]
			// XML allows every character UTF-8 encodes but the surrogates
			// (which utf8.Valid refuses too), U+FFFE and U+FFFF.
			if !utf8.Valid(run) {
				return dst, &errXML{"invalid UTF-8"}
			}
			if bytes.Contains(run, []byte("\xef\xbf\xbe")) || bytes.Contains(run, []byte("\xef\xbf\xbf")) {
				return dst, &errXML{"illegal character code U+FFFE or U+FFFF"}
			}
		}
		dst = append(dst, text[:i]...)
		text = text[i:]
		if len(text) == 0 {
			break
		}
		switch c := text[0]; {
		case c == '\r':
			dst = append(dst, '\n')
			text = text[1:]
			if len(text) > 0 && text[0] == '\n' {
				text = text[1:]
			}
		case c == '&':
			end := bytes.IndexByte(text, ';')
			if end < 0 || end > 12 {
				return dst, &errXML{"invalid entity"}
			}
			r, ok := entity(text[1:end])
			if !ok {
				return dst, &errXML{"invalid entity &" + string(text[1:end]) + ";"}
			}
			dst = utf8.AppendRune(dst, r)
			text = text[end+1:]
		default:
			return dst, &errXML{"illegal character code " + strconv.Itoa(int(c))}
		}
	}
	return dst, nil
}

// textStops and cdataStops are the ASCII bytes that end a run of plain
// text in appendText: a reference (outside CDATA), a CR, a control other
// than tab and line feed.
var textStops, cdataStops = func() (t, c [utf8.RuneSelf]bool) {
	for b := range utf8.RuneSelf {
		c[b] = b == '\r' || b < 0x20 && b != '\t' && b != '\n'
		t[b] = c[b] || b == '&'
	}
	return t, c
}()

func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	base, digits := 10, name[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || !xmlChar(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// xmlChar tells the characters XML 1.0 allows.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func longTextMessage(lim Limits) string {
	return "มีข้อความหรือช่องว่างติดกันยาวเกิน " + megabytes(int64(lim.TextBytes)) + " (ช่องเดียวของ Excel รับได้ไม่เกิน 32,767 ตัวอักษร)"
}

func longTagMessage(lim Limits) string {
	return "มีแท็กยาวเกิน " + data.FormatNumber(int64(lim.TagBytes)) + " ไบต์"
}
