package app

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"qmdesk/data"
)

// CheckReasonsInEnglish fails t on a row of b not taken, or sent to
// review, whose reason has no English, or an English with Thai in it
// (but in what it quotes and the row's own column and value: the data's
// words). The tests' fixture runs it on every workbook they plan, so that
// every reason the importer's tests meet is checked.
func CheckReasonsInEnglish(t testing.TB, b *data.ImportBatch) {
	t.Helper()
	if b == nil {
		return
	}
	for r := range b.RowResults() {
		if r.Fate != data.FateRejected && r.Fate != data.FateReview {
			continue
		}
		if bad := NotEnglish(r.ReasonEnglish, r.Column, r.Value); bad != "" {
			t.Errorf("%s row %d (%s) %q: the English of %q is not English (%s): %q", r.Sheet, r.Row, r.Fate, r.Column, r.Reason, bad, r.ReasonEnglish)
		}
	}
	for i := range b.NumReviews() {
		rv := b.Review(i)
		if bad := NotEnglish(rv.ReasonEnglish); bad != "" {
			t.Errorf("review of %s row %d: the English of %q is not English (%s): %q", rv.Sheet, rv.Row, rv.Reason, bad, rv.ReasonEnglish)
		}
		for _, c := range rv.Conflicts {
			if bad := NotEnglish(c.NameEnglish); bad != "" {
				t.Errorf("review of %s row %d: the conflict %q has no name in English (%s)", rv.Sheet, rv.Row, c.Name, bad)
			}
		}
	}
}

// quotedData is a text an English reason quotes ('…'), with what is
// around it: a quote opens after a blank or a bracket and closes before
// one or a stop, so that the apostrophe of "the file's" is none.
var quotedData = regexp.MustCompile(`(^|[\s(\[])'(.*?)'([\s,.:;)\]]|$)`)

// NotEnglish tells what is wrong with an English text: "empty", or the
// Thai in it, leaving out what it quotes and the data's words given;
// "" when nothing is.
func NotEnglish(s string, words ...string) string {
	if strings.TrimSpace(s) == "" {
		return "empty"
	}
	sort.Slice(words, func(i, j int) bool { return len(words[i]) > len(words[j]) }) // longest first
	for _, w := range words {
		if w != "" {
			s = strings.ReplaceAll(s, w, " ")
		}
	}
	for range 2 { // "'a' 'b'": the blank between them is taken by the first
		s = quotedData.ReplaceAllString(s, "$1 $3")
	}
	for i, r := range s {
		if unicode.Is(unicode.Thai, r) {
			return "Thai: " + s[max(0, i-20):min(len(s), i+30)]
		}
	}
	return ""
}

func TestNotEnglish(t *testing.T) {
	for s, bad := range map[string]bool{
		"":                              true,
		"The house code '4.1E+10' is …": false,
		"Tambon 'ไม่มี' not found in amphoe Mueang Udon Thani": false,
		"This row's household is in 'เทศบาลนคร' (the file's)":  false,
		"choose one from the list ('หนี้สิน', 'ขาดเงินทุน')":   false,
		"'นาย' 'นาง'": false,
		"The problem is not given: ไม่ได้ระบุปัญหา":                true,
		"The file's values 'ก' or ไม่รับ":                          true,
		"Problem 'x' is not in the list of ด้านที่ 4 รายได้/อาชีพ": true,
	} {
		if got := NotEnglish(s); (got != "") != bad {
			t.Errorf("NotEnglish(%q) = %q", s, got)
		}
	}
	if got := NotEnglish("ปัญหา is 1,200 characters long", "ปัญหา"); got != "" {
		t.Errorf("the column's header is the data's: %q", got)
	}
}
