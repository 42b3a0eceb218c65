package app

import (
	"strings"
	"testing"

	"qmdesk/data"
)

// FuzzPlainKey: a name nameKey takes as it is (plainKey) is one cleaning
// would not change.
func FuzzPlainKey(f *testing.F) {
	for _, s := range []string{"สมชาย", "ใจดี", "นาย", "น.ส.", "ใหม่่", "a b", "Somchai", "somchai-2", "\u200bสม", "สม\u00a0ชาย", "\xff", "ก\u0e48\u0e48", "\u0e3b", "x\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		slow := strings.ToLower(strings.Join(strings.Fields(data.CleanText(s)), ""))
		if plainKey(s) && slow != s {
			t.Fatalf("%q taken as it is; cleaned it is %q", s, slow)
		}
		if nameKey(s) != slow {
			t.Fatalf("nameKey(%q) = %q, want %q", s, nameKey(s), slow)
		}
	})
}
