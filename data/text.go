package data

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ThaiToASCIIDigits replaces Thai digits ๐–๙ with 0–9.
func ThaiToASCIIDigits(s string) string {
	if !strings.ContainsFunc(s, isThaiDigit) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isThaiDigit(r) {
			return '0' + (r - '๐')
		}
		return r
	}, s)
}

// ASCIIToThaiDigits replaces 0–9 with Thai digits, for display and print.
func ASCIIToThaiDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '๐' + (r - '0')
		}
		return r
	}, s)
}

func isThaiDigit(r rune) bool { return r >= '๐' && r <= '๙' }

// CleanText removes zero-width characters, turns non-breaking and other
// exotic spaces into plain ones, folds runs of blanks, drops a Thai mark
// typed twice in a row (it draws as one) and trims. Spreadsheets
// copied from web pages and LINE messages carry all of these.
func CleanText(s string) string {
	if isClean(s) {
		return s // most cells: nothing to clean, nothing to copy
	}
	return cleanText(s)
}

func cleanText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	var last rune
	for _, r := range s {
		switch {
		case r == last && unicode.Is(unicode.Mn, r) && unicode.Is(unicode.Thai, r):
			continue // a Thai mark typed twice ("ใหม่่") draws as one: it is one
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
			continue
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\u2007':
			space = true
			continue
		case r == unicode.ReplacementChar || (unicode.IsControl(r)):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

// isClean tells a string CleanText would return unchanged, without
// building one; false where it cannot tell quickly. ASCII and the Thai
// block (three bytes, E0 B8 or E0 B9 then one more) are read byte by
// byte, as most cells are made of nothing else; any other character is
// decoded and judged as a rune.
func isClean(s string) bool {
	space := true // a leading blank would go
	var last rune
	for i := 0; i < len(s); {
		c := s[i]
		// The two shapes almost every character of a cell has, taken
		// first: what the switches below make of them, without them.
		if c > ' ' && c < 0x7f { // printable ASCII but the blank
			space, last = false, rune(c)
			i++
			continue
		}
		if c == 0xe0 && i+2 < len(s) && (s[i+1] == 0xb8 || s[i+1] == 0xb9) && s[i+2]&0xc0 == 0x80 {
			r := 0x0e00 | rune(s[i+1]-0xb8)<<6 | rune(s[i+2]&0x3f) // U+0E00-U+0E7F, the Thai block
			if r == last && (r == 0x0e31 || r >= 0x0e34 && r <= 0x0e3a || r >= 0x0e47 && r <= 0x0e4e) {
				return false // a Thai mark twice
			}
			space, last = false, r
			i += 3
			continue
		}
		var r rune
		switch {
		case c < utf8.RuneSelf:
			r = rune(c)
			i++
		case c == 0xe0 && i+2 < len(s) && (s[i+1] == 0xb8 || s[i+1] == 0xb9) && s[i+2]&0xc0 == 0x80:
			r = 0x0e00 | rune(s[i+1]-0xb8)<<6 | rune(s[i+2]&0x3f)
			i += 3
		default:
			var n int
			r, n = utf8.DecodeRuneInString(s[i:])
			i += n
		}
		switch {
		case r == ' ':
			if space {
				return false
			}
			space = true
		case r < 0x20 || r >= 0x7f && r < 0xa1:
			return false // controls, DEL, the C1 block, NBSP
		case r >= 0x0e00 && r <= 0x0e7f:
			if r == last && (r == 0x0e31 || r >= 0x0e34 && r <= 0x0e3a || r >= 0x0e47 && r <= 0x0e4e) {
				return false // a Thai mark twice
			}
			space = false
		case r >= 0x80 && (r >= 0x1680 && r <= 0x206f || r >= 0xfeff || r == 0x00ad || r >= 0x2e00 && r <= 0x3000 || unicode.IsSpace(r)):
			return false // blanks, zero-width and formatting characters, the replacement character
		default:
			space = false
		}
		last = r
	}
	return !space || s == ""
}

// FormatNumber formats n with thousands separators: 1234567 → "1,234,567".
func FormatNumber(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// FormatPercent formats p (0–100) with one decimal: "42.5%".
func FormatPercent(p float64) string {
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// Numerals chooses the digits used for display.
type Numerals int

const (
	ArabicDigits Numerals = iota
	ThaiDigits
)

// Display renders s with the chosen digits.
func (n Numerals) Display(s string) string {
	if n == ThaiDigits {
		return ASCIIToThaiDigits(s)
	}
	return s
}

// ParseBaht reads an amount such as "12,500", "๑๒,๕๐๐.๕๐" or "1500 บาท" and
// returns satang, so money never goes through floats.
func ParseBaht(s string) (int64, error) {
	s = strings.TrimSpace(ThaiToASCIIDigits(CleanText(s)))
	s = strings.TrimSuffix(s, "บาท")
	s = strings.TrimPrefix(s, "฿")
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" || s == "-" {
		return 0, nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 1e12 || len(frac) > 2 || !allDigits(frac) {
		return 0, Errorf(EINVALID, "จำนวนเงิน '%s' ไม่ใช่ตัวเลข", "The amount '%s' is not a number", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}

// FormatBaht renders satang as "12,500" or "12,500.50".
func FormatBaht(satang int64) string {
	s := FormatNumber(satang / 100)
	if c := satang % 100; c != 0 {
		if c < 0 {
			c = -c
		}
		s += "." + strconv.FormatInt(100+c, 10)[1:]
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
