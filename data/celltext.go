package data

import (
	"strings"
	"unicode/utf8"
)

// FormulaGuard is the mark put before a workbook text that an office suite
// could take for a formula: an apostrophe, as a clerk would type it. It
// shows in the cell, in Excel and LibreOffice alike, which says "this is
// text"; copied into another sheet, both suites read it as "text follows"
// and keep the rest as it is. (A zero-width character would be invisible
// but would travel with every copy and break searches; Excel's own
// quotePrefix style is not written by excelize and is lost by some
// readers.)
const FormulaGuard = "'"

// NeedsFormulaGuard tells whether a text, typed again into a cell or
// opened from a CSV by Excel, LibreOffice, Google Sheets or WPS, could be
// read as a formula: it starts with = + - @ (or their full-width forms
// ＝ ＋ － ＠, which an East Asian keyboard setting turns into them), a
// tab or a line break. A + or - followed only by figures, spaces and
// . , / ( ) + - is no call of anything (a phone number "+66 81 234 5678",
// "-" for none, "-5") and is left as it is. A text that is FormulaGuard
// before such a text needs one too (FromFormulaSafe must tell them apart).
func NeedsFormulaGuard(s string) bool {
	if s == "" {
		return false
	}
	first, rest := firstRune(s)
	switch first {
	case '=', '@', '\t', '\r', '\n', '＝', '＠':
		return true
	case '+', '-', '＋', '－':
		return strings.ContainsFunc(rest, func(r rune) bool {
			return !(r >= '0' && r <= '9' || strings.ContainsRune(" .,/()+-", r))
		})
	case '\'':
		// A text that starts with the guard before such a text gets one
		// more, so that FromFormulaSafe gives back exactly what was written.
		return NeedsFormulaGuard(rest)
	}
	return false
}

// FormulaSafe is s as qmdesk writes it into a workbook cell: with
// FormulaGuard before it if it needs one (NeedsFormulaGuard).
func FormulaSafe(s string) string {
	if NeedsFormulaGuard(s) {
		return FormulaGuard + s
	}
	return s
}

// FromFormulaSafe undoes FormulaSafe for a value read back from a workbook:
// the guard goes only where FormulaSafe would have put it, so that a value
// exported and imported unchanged is unchanged.
func FromFormulaSafe(s string) string {
	if rest, ok := strings.CutPrefix(s, FormulaGuard); ok && NeedsFormulaGuard(rest) {
		return rest
	}
	return s
}

func firstRune(s string) (rune, string) {
	r, n := utf8.DecodeRuneInString(s)
	return r, s[n:]
}
