package app

import (
	"testing"
	"unicode/utf8"
)

// FuzzNameQuery: whatever the names, the head of household is found by
// the name typed given name first or surname first, with the title, with
// the title and a blank, and without blanks; and no text panics.
func FuzzNameQuery(f *testing.F) {
	for _, s := range [][2]string{{"สมบัติ", "คำหอม"}, {"นางนวล", "ใจ ดี"}, {"a", "b"}, {"ส\u200bม", " x "}, {"น.ส.", "นาย"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, first, last string) {
		q := parseNameQuery(first + last) // any text: must not panic
		k := headKey("", first, last)
		q.matches(k, runeMask(k))
		if !utf8.ValidString(first) || !utf8.ValidString(last) || nameKey(first) == "" || nameKey(last) == "" {
			return
		}
		key := headKey("นาย", first, last)
		for _, typed := range []string{first + " " + last, last + " " + first, "นาย" + first + " " + last, "นาย " + first + " " + last, first + last, "นาย " + last + " " + first} {
			q := parseNameQuery(typed)
			if !q.matches(key, runeMask(key)) {
				t.Errorf("%q does not find %q (key %q)", typed, first+" "+last, key)
			}
		}
		if untitled := headKey("", first, last); func() bool { t, _ := canonTitle(untitled); return t == "" }() {
			if q := parseNameQuery("นาย " + last + " " + first); !q.matches(untitled, runeMask(untitled)) {
				t.Errorf("a title typed hides a household without one: %q", untitled)
			}
		}
	})
}
