package xlsx

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"
	"unicode/utf8"
)

// FuzzAppendText holds appendText, which passes over ASCII and Thai
// without checking them as UTF-8, to the reading that checks every run
// (appendTextChecked): the same text, the same refusals.
func FuzzAppendText(f *testing.F) {
	f.Add([]byte("กขค &amp; \r\n\xe0\xb8"), false)
	f.Add([]byte("\xe0\xb9\x7f\xe0\xb8\xc0\xef\xbf\xbeก"), true)
	f.Add([]byte("ก\x01"), false)
	f.Add([]byte("ก\xe0\xb8\xc0"), false)
	f.Add([]byte("\xe0\xb9\x7f"), false)
	f.Fuzz(func(t *testing.T, text []byte, cdata bool) {
		got, err := appendText([]byte("x"), text, cdata)
		want, werr := appendTextChecked([]byte("x"), text, cdata)
		if !bytes.Equal(got, want) || fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Fatalf("appendText(%q) = %q, %v; want %q, %v", text, got, err, want, werr)
		}
	})
}

// appendTextChecked is appendText as it was before its quick reading of
// Thai: every run with a byte past ASCII checked as UTF-8.
func appendTextChecked(dst, text []byte, cdata bool) ([]byte, error) {
	for len(text) > 0 {
		i, wide := 0, false
		for i < len(text) {
			c := text[i]
			if c == '&' && !cdata || c == '\r' || c < 0x20 && c != '\t' && c != '\n' {
				break
			}
			wide = wide || c >= utf8.RuneSelf
			i++
		}
		if wide {
			run := text[:i]
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
