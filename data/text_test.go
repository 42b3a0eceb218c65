package data

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := map[string]string{
		"  สมชาย\u200b  ใจดี\u00a0": "สมชาย ใจดี",
		"\ufeffนาย\tสมชาย\n":        "นาย สมชาย",
		"ไม่มี\u200cอะไร":           "ไม่มีอะไร",
		"":                          "",
		"a\u00a0\u00a0b":            "a b",
		"อบต.บ้านใหม่\u0e48\u0e48": "อบต.บ้านใหม่",        // a tone mark typed twice draws as one
		"ก\u0e35\u0e48\u0e35":      "ก\u0e35\u0e48\u0e35", // different marks stay
	}
	for in, want := range tests {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDigitsAndNumbers(t *testing.T) {
	if got := ThaiToASCIIDigits("บ้านเลขที่ ๑๒/๓"); got != "บ้านเลขที่ 12/3" {
		t.Errorf("ThaiToASCIIDigits = %q", got)
	}
	if got := ASCIIToThaiDigits("2567"); got != "๒๕๖๗" {
		t.Errorf("ASCIIToThaiDigits = %q", got)
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 3742648: "3,742,648", -1234: "-1,234"} {
		if got := FormatNumber(n); got != want {
			t.Errorf("FormatNumber(%d) = %q, want %q", n, got, want)
		}
	}
	if got := ThaiDigits.Display(FormatNumber(2441098)); got != "๒,๔๔๑,๐๙๘" {
		t.Errorf("Thai digits display = %q", got)
	}
	if got := FormatPercent(42.46); got != "42.5%" {
		t.Errorf("FormatPercent = %q", got)
	}
}

func TestParseBaht(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"12,500", 1250000, true},
		{"๑๒,๕๐๐.๕", 1250050, true},
		{"1500 บาท", 150000, true},
		{"", 0, true},
		{"-", 0, true},
		{"abc", 0, false},
		{"1.234", 0, false},
		{"-5", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseBaht(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseBaht(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if got := FormatBaht(1250050); got != "12,500.50" {
		t.Errorf("FormatBaht = %q", got)
	}
}

func FuzzCleanText(f *testing.F) {
	f.Add("  นาย\u200b สม\u00a0ชาย ")
	f.Add("ใหม่่ a\u3000b")
	f.Add("กขค\xe0\xb8")
	f.Add("\xe0\xb9\x7f ๙ \xe0\xb8\xc0")
	f.Fuzz(func(t *testing.T, s string) {
		if isClean(s) != isCleanRunes(s) {
			t.Fatalf("isClean(%q) = %v, reading rune by rune %v", s, isClean(s), isCleanRunes(s))
		}
		if isClean(s) && cleanText(s) != s {
			t.Fatalf("taken as clean, but cleaning makes %q of %q", cleanText(s), s)
		}
		out := CleanText(s)
		if !utf8.ValidString(out) && utf8.ValidString(s) {
			t.Fatalf("CleanText broke UTF-8: %q", out)
		}
		if CleanText(out) != out {
			t.Fatalf("CleanText not idempotent: %q → %q", out, CleanText(out))
		}
		if len(out) > 0 && (out[0] == ' ' || out[len(out)-1] == ' ') {
			t.Fatalf("untrimmed: %q", out)
		}
	})
}

func FuzzParseBaht(f *testing.F) {
	for _, s := range []string{"12,500", "๑.๕", "1e5", "", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseBaht(s)
		if err == nil && v < 0 {
			t.Fatalf("negative amount from %q", s)
		}
	})
}

// isCleanRunes is isClean as it was before its byte-wise reading of ASCII
// and Thai: every character decoded as a rune.
func isCleanRunes(s string) bool {
	space := true
	var last rune
	for _, r := range s {
		switch {
		case r == ' ':
			if space {
				return false
			}
			space = true
		case r < 0x20 || r >= 0x7f && r < 0xa1:
			return false
		case r >= 0x0e00 && r <= 0x0e7f:
			if r == last && (r == 0x0e31 || r >= 0x0e34 && r <= 0x0e3a || r >= 0x0e47 && r <= 0x0e4e) {
				return false
			}
			space = false
		case r >= 0x80 && (r >= 0x1680 && r <= 0x206f || r >= 0xfeff || r == 0x00ad || r >= 0x2e00 && r <= 0x3000 || unicode.IsSpace(r)):
			return false
		default:
			space = false
		}
		last = r
	}
	return !space || s == ""
}
