package data

import (
	"errors"
	"strings"
	"testing"
)

// validID completes 12 digits with their check digit.
func validID(first12 string) string {
	sum := 0
	for i := 0; i < 12; i++ {
		sum += int(first12[i]-'0') * (13 - i)
	}
	return first12 + string(rune('0'+(11-sum%11)%10))
}

func TestNormalizeNationalID(t *testing.T) {
	good := validID("110170020345")
	badID := good[:12] + string(rune('0'+(good[12]-'0'+1)%10))
	tests := []struct {
		in, want string
		code     string // "" ok, EWARNING check digit, EINVALID
	}{
		{good, good, ""},
		{FormatNationalID(good), good, ""},
		{" " + good[:1] + " " + good[1:5] + " " + good[5:] + "\u00a0", good, ""},
		{ASCIIToThaiDigits(good), good, ""},
		{good + ".0", good, ""},
		{good[:1] + "." + good[1:] + "E+12", good, ""},
		{badID, badID, EWARNING},
		{"110170020345", "", EWARNING}, // 12 digits: one lost leading zero is padded, then fails the check
		{"1.10170E+12", "", EINVALID},  // rounded by a spreadsheet: digits lost
		{"12345", "", EINVALID},
		{"", "", EINVALID},
		{"abcdefghijklm", "", EINVALID},
		{"11017002034511", "", EINVALID},
	}
	for _, tt := range tests {
		got, err := NormalizeNationalID(tt.in)
		if ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
			t.Errorf("NormalizeNationalID(%q) error = %v, want code %q", tt.in, err, tt.code)
		}
		if tt.want != "" && got != tt.want {
			t.Errorf("NormalizeNationalID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if _, err := NormalizeNationalID(badID); !errors.Is(err, ErrCheckDigit) {
		t.Errorf("check digit failure should be ErrCheckDigit, got %v", err)
	}
}

func TestMaskNationalID(t *testing.T) {
	if got := MaskNationalID("1234567890121"); got != "x-xxxx-xxxxx-12-1" {
		t.Errorf("MaskNationalID = %q", got)
	}
	if got := MaskNationalID("123"); strings.ContainsAny(got, "123") {
		t.Errorf("a malformed ID must not leak digits: %q", got)
	}
	// At most the last four digits show, whatever the ID.
	for _, id := range []string{"1234567890121", "3100500012345", "0000000000000", "9876543210987"} {
		m := MaskNationalID(id)
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m)
		if len(digits) > 4 || !strings.HasSuffix(id, digits) {
			t.Errorf("MaskNationalID(%s) = %q shows %q", id, m, digits)
		}
	}
}

func TestNormalizeHouseCode(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"41012345678", "41012345678", true},
		{"4101-234567-8", "41012345678", true},
		{"๔๑๐๑๒๓๔๕๖๗๘", "41012345678", true},
		{"1012345678", "01012345678", true},    // leading zero lost by a number cell
		{"41012345678.0", "41012345678", true}, // number cell read as float text
		{"4.1012345678E+10", "41012345678", true},
		{"4.1012345678e10", "41012345678", true},
		{"4.10123E+10", "", false}, // rounded: six digits left of eleven
		{"4.101234568E+10", "", false},
		{"41012345678.5", "", false},
		{"4101234567890", "", false},
		{"บ้านเลขที่ 12", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeHouseCode(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("NormalizeHouseCode(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzNormalizeNationalID(f *testing.F) {
	for _, s := range []string{"1101700203451", "1-1017-00203-45-1", "1.1E+12", "๑๑๐๑", "", "e", "1e999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := NormalizeNationalID(s)
		if err == nil || errors.Is(err, ErrCheckDigit) {
			if len(id) != 13 || !allDigits(id) {
				t.Fatalf("accepted %q as %q", s, id)
			}
			if (err == nil) != NationalIDCheckOK(id) {
				t.Fatalf("check digit verdict inconsistent for %q", id)
			}
		}
	})
}

func FuzzNormalizeHouseCode(f *testing.F) {
	for _, s := range []string{"41012345678", "4.1012345678E+10", "1012345678", "1e10", "0.0", "-1E+10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := NormalizeHouseCode(s)
		if err == nil && (len(code) != 11 || !allDigits(code)) {
			t.Fatalf("accepted %q as %q", s, code)
		}
	})
}

func TestWithCheckDigit(t *testing.T) {
	for _, first := range []string{"110170020350", "310150012345", "000000000000", "999999999999"} {
		if got := WithCheckDigit(first); got != validID(first) || !NationalIDCheckOK(got) {
			t.Errorf("%s: %s, want %s", first, got, validID(first))
		}
	}
	for _, bad := range []string{"", "12345678901", "1234567890123", "12345678901x"} {
		if got := WithCheckDigit(bad); got != "" {
			t.Errorf("%q gave %q", bad, got)
		}
	}
}

func TestHouseholdKey(t *testing.T) {
	if got := HouseholdKey(123); got != "QM-000123" {
		t.Errorf("HouseholdKey(123) = %q", got)
	}
	if got := HouseholdKey(12345678); got != "QM-12345678" {
		t.Errorf("HouseholdKey(12345678) = %q", got)
	}
	for s, want := range map[string]uint64{"QM-000123": 123, "qm 123": 123, " QM-๐๐๐๑๒๓ ": 123, "QM12345678": 12345678} {
		if id, ok := ParseHouseholdKey(s); !ok || id != want {
			t.Errorf("ParseHouseholdKey(%q) = %d, %v", s, id, ok)
		}
	}
	for _, s := range []string{"", "QM", "QM-0", "QM-12a", "1234567890121", "x-xxxx-xxxxx-12-1", "QM-99999999999999999999"} {
		if id, ok := ParseHouseholdKey(s); ok {
			t.Errorf("ParseHouseholdKey(%q) = %d", s, id)
		}
	}
}
