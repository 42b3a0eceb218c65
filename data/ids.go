package data

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// ErrCheckDigit is returned (wrapped in an EWARNING Error) with a national ID
// whose digits are well formed but whose check digit fails. The ID itself is
// still returned: typing errors and odd IDs are both real, so the clerk
// decides.
var ErrCheckDigit = Errorf(EWARNING, "เลขประจำตัวประชาชนไม่ถูกต้อง (หลักตรวจสอบ)", "national ID check digit does not match")

// NormalizeNationalID reads a 13-digit national ID written with dashes,
// spaces, Thai digits, as a number or in scientific notation. It returns the
// 13 ASCII digits; err is ErrCheckDigit when only the check digit is wrong
// (id is then still set), or an EINVALID Error when it is not an ID at all.
func NormalizeNationalID(s string) (id string, err error) {
	digits, ok := digitsOf(s, 13)
	if !ok && strings.ContainsAny(s, "eE") && strings.Contains(s, "+") {
		return "", Errorf(EINVALID, "เลขประจำตัวประชาชน '%s' ถูก Excel แปลงเป็นตัวเลขแบบย่อ ตัวเลขหายไปแล้ว: จัดรูปแบบเซลล์เป็นข้อความแล้วพิมพ์เลขใหม่", "Excel has turned the national ID '%s' into a shortened number and its figures are lost: format the cell as text and type the ID again", CleanText(s))
	} else if !ok {
		return "", Errorf(EINVALID, "เลขประจำตัวประชาชน '%s' ต้องเป็นตัวเลข 13 หลัก", "The national ID '%s' must be 13 figures", CleanText(s))
	}
	if !NationalIDCheckOK(digits) {
		return digits, ErrCheckDigit
	}
	return digits, nil
}

// NationalIDCheckOK tells whether a 13-digit ID passes the check digit:
// (11 − Σ d[i]·(13−i) mod 11) mod 10 == d[12].
func NationalIDCheckOK(id string) bool {
	if len(id) != 13 || !allDigits(id) {
		return false
	}
	return checkDigit(id[:12]) == id[12]
}

// WithCheckDigit completes the first 12 digits of a national ID with its
// check digit (demo data, tests). It returns "" for anything but 12 digits.
func WithCheckDigit(first12 string) string {
	if len(first12) != 12 || !allDigits(first12) {
		return ""
	}
	return first12 + string(checkDigit(first12))
}

// checkDigit is the 13th digit the DOPA formula gives for 12 digits.
func checkDigit(first12 string) byte {
	sum := 0
	for i := 0; i < 12; i++ {
		sum += int(first12[i]-'0') * (13 - i)
	}
	return byte('0' + (11-sum%11)%10)
}

// MaskNationalID shows a national ID as x-xxxx-xxxxx-12-1, the last
// three digits in the usual grouping, as the ministry's lists print it:
// with the name, enough to tell people apart on screen, not enough to use
// or to look the person up. It is the only form in which qmdesk shows an
// ID it was not told to unmask.
func MaskNationalID(id string) string {
	if len(id) != 13 {
		if id == "" {
			return ""
		}
		return strings.Repeat("x", len(id))
	}
	return "x-xxxx-xxxxx-" + id[10:12] + "-" + id[12:13]
}

// HouseholdKey is how a workbook names a household that has no house
// code, in place of its national ID: qmdesk's own number for it,
// "QM-000123". It means nothing outside this database, so a workbook can
// leave the office without a full ID in it; ParseHouseholdKey reads it
// back.
func HouseholdKey(id uint64) string { return fmt.Sprintf("QM-%06d", id) }

// ParseHouseholdKey reads a HouseholdKey as a clerk may have retyped it
// ("qm 123", Thai digits); ok is false for anything else.
func ParseHouseholdKey(s string) (id uint64, ok bool) {
	if !strings.ContainsAny(s, "Qq") { // no key without its QM: most cells, told without a copy
		return 0, false
	}
	s = strings.ToUpper(idSeparators.Replace(ThaiToASCIIDigits(CleanText(s))))
	digits, found := strings.CutPrefix(s, "QM")
	if !found || digits == "" || len(digits) > 19 || !allDigits(digits) {
		return 0, false
	}
	id, err := strconv.ParseUint(digits, 10, 64)
	return id, err == nil && id > 0
}

// FormatNationalID shows a full ID in its usual grouping 1-2345-67890-12-1.
func FormatNationalID(id string) string {
	if len(id) != 13 {
		return id
	}
	return id[0:1] + "-" + id[1:5] + "-" + id[5:10] + "-" + id[10:12] + "-" + id[12:13]
}

// NormalizeHouseCode reads an 11-digit house code (รหัสประจำบ้าน). It
// recovers what spreadsheets do to it: a lost leading zero (10 digits), a
// number written as 41012345678.0, or scientific notation that still holds
// every digit (4.1012345678E+10). A shortened form such as 4.10123E+10 has
// lost digits for good and is refused, never guessed.
func NormalizeHouseCode(s string) (string, error) {
	digits, ok := digitsOf(s, 11)
	if !ok && strings.ContainsAny(s, "eE") && strings.Contains(s, "+") {
		return "", Errorf(EINVALID, "รหัสบ้าน '%s' ถูก Excel แปลงเป็นตัวเลขแบบย่อ ตัวเลขหายไปแล้ว: จัดรูปแบบเซลล์เป็นข้อความแล้วพิมพ์รหัสใหม่", "Excel has turned the house code '%s' into a shortened number and its figures are lost: format the cell as text and type the code again", CleanText(s))
	} else if !ok {
		return "", Errorf(EINVALID, "รหัสบ้าน '%s' ต้องเป็นตัวเลข 11 หลัก", "The house code '%s' must be 11 figures", CleanText(s))
	}
	return digits, nil
}

var idSeparators = strings.NewReplacer("-", "", " ", "", "'", "", "\u2013", "")

// digitsOf extracts an n-digit identifier from s. See NormalizeHouseCode for
// the forms it accepts.
func digitsOf(s string, n int) (string, bool) {
	if s != "" && allDigits(s) { // most cells: nothing to clean or take out
		if len(s) == n-1 {
			s = "0" + s
		}
		return s, len(s) == n
	}
	s = ThaiToASCIIDigits(CleanText(s))
	s = idSeparators.Replace(s)
	if s == "" {
		return "", false
	}
	if strings.ContainsAny(s, "eE") {
		return fromScientific(s, n)
	}
	if whole, frac, ok := strings.Cut(s, "."); ok {
		// 41012345678.0 from a number cell; anything after the point other
		// than zeros means it is not an identifier.
		if strings.Trim(frac, "0") != "" {
			return "", false
		}
		s = whole
	}
	if !allDigits(s) {
		return "", false
	}
	if len(s) == n-1 {
		// Exactly one leading zero lost: only one 11/13-digit reading exists.
		s = "0" + s
	}
	return s, len(s) == n
}

// fromScientific expands 4.1012345678E+10 when the mantissa carries all the
// digits of the result. A shorter mantissa means the spreadsheet rounded:
// 4.10123E+10 could be any code from 41012300000 to 41012399999.
func fromScientific(s string, n int) (string, bool) {
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	whole, frac, _ := strings.Cut(mant, ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) || len(exp) > 4 {
		return "", false
	}
	f, ok := new(big.Float).SetPrec(200).SetString(s)
	if !ok || f.Sign() <= 0 {
		return "", false
	}
	i, acc := f.Int(nil)
	if acc != big.Exact {
		return "", false
	}
	out := i.String()
	if len(strings.TrimLeft(whole+frac, "0")) < len(out) {
		return "", false
	}
	if len(out) == n-1 {
		out = "0" + out
	}
	return out, len(out) == n
}
