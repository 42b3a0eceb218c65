package data_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"qmdesk/data"
)

// width counts what a font draws: marks above and below take no width.
func width(s string) float64 {
	n := 0.0
	for _, r := range s {
		if !unicode.Is(unicode.Mn, r) {
			n++
		}
	}
	return n
}

func TestWrapBreaksBetweenThaiWords(t *testing.T) {
	for _, tc := range []struct {
		s     string
		width float64
		want  string
	}{
		{"อยู่ระหว่างดำเนินการ (ปัญหา)", 12, "อยู่ระหว่าง|ดำเนินการ|(ปัญหา)"},
		{"ยังไม่ได้ดำเนินการ (ปัญหา)", 10, "ยังไม่ได้|ดำเนินการ|(ปัญหา)"},
		{"เร่งด่วนที่ยังค้าง: ไม่มีที่อยู่อาศัย (ปัญหา)", 13, "เร่งด่วนที่ยังค้าง:|ไม่มีที่อยู่อาศัย|(ปัญหา)"},
		{"เร่งด่วนที่ยังค้าง: ไม่มีที่อยู่อาศัย (ปัญหา)", 10, "เร่งด่วนที่|ยังค้าง: ไม่มี|ที่อยู่อาศัย|(ปัญหา)"},
		{"ของ (เป้าหมาย\u00a0-\u00a0ยุติ)", 15, "ของ|(เป้าหมาย\u00a0-\u00a0ยุติ)"},
		// Held together by no-break spaces while they fit; when they do
		// not, broken at a no-break space, never inside ยุติ.
		{"(เป้าหมาย\u00a0-\u00a0ยุติ)", 11, "(เป้าหมาย\u00a0-|ยุติ)"},
		// A word of the dictionary wider than the line is broken between
		// the words it is made of, not inside เดือดร้อน.
		{"ความเดือดร้อน", 8, "ความ|เดือดร้อน"},
		{"บ้านเลขที่", 6, "บ้าน|เลขที่"},
		{"น้ำดื่ม", 3, "น้ำ|ดื่ม"},
		// A name the dictionary does not know stays whole if it fits ...
		{"นายสมชาย ใจดี", 9, "นายสมชาย|ใจดี"},
		// ... and is broken between clusters, never before a vowel, if not.
		{"ประจักษ์ศิลปาคม", 5, "ประจั|กษ์ศิล|ปาคม"},
		{"แก้ไขแล้ว\nยุติ", 20, "แก้ไขแล้ว|ยุติ"},
	} {
		got := strings.Join(data.Wrap(tc.s, tc.width, width), "|")
		if got != tc.want {
			t.Errorf("Wrap(%q, %v) = %q, want %q", tc.s, tc.width, got, tc.want)
		}
		for _, l := range data.Wrap(tc.s, tc.width, width) {
			if width(l) > tc.width {
				t.Errorf("Wrap(%q): line %q wider than %v", tc.s, l, tc.width)
			}
		}
	}
	if w := data.LongestPiece("อยู่ระหว่างดำเนินการ (ปัญหา)", width); w != 8 {
		t.Errorf("longest piece %v, want 8 (ดำเนินการ)", w)
	}
}

// Wrap never loses or adds a letter, and never starts a line with a mark
// or a following vowel.
func FuzzWrap(f *testing.F) {
	for _, s := range []string{"อยู่ระหว่างดำเนินการ (ปัญหา)", "ร้อยละแก้ไขสำเร็จ ของ (เป้าหมาย - ยุติ)", "เมืองอุดรธานี", "a b\nc", "ำ่", ""} {
		f.Add(s, 5.0)
	}
	f.Fuzz(func(t *testing.T, s string, w float64) {
		if w < 1 || w > 200 || !utf8.ValidString(s) {
			return
		}
		lines := data.Wrap(s, w, width)
		strip := func(x string) string { return strings.Join(strings.Fields(x), "") }
		if strip(strings.Join(lines, " ")) != strip(s) {
			t.Fatalf("Wrap(%q, %v) = %q changed the text", s, w, lines)
		}
		for _, l := range lines {
			r, _ := utf8.DecodeRuneInString(l)
			startsText := strings.HasPrefix(s, l) || strings.Contains(s, " "+l) || strings.Contains(s, "\n"+l)
			if unicode.Is(unicode.Mn, r) && !startsText {
				t.Fatalf("Wrap(%q, %v): line %q starts with a mark", s, w, l)
			}
		}
	})
}
