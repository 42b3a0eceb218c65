package app

import (
	"sort"
	"strings"

	"qmdesk/data"
)

// How the household list matches a typed name. The register keeps one key
// per head of household: the title in its canonical form, the first name
// and the surname, lower case, with no blanks or invisible characters
// (headKey). What the clerk types is matched two ways:
//
//   - as before, the whole text without blanks anywhere in the key ("สม",
//     "ใจ ดี", "นายสมชาย", "สมชายใจดี");
//   - word by word, whatever their order: every word typed is in the name
//     ("คำหอม สมบัติ", "คำหอม สม"); a title typed first (นาย, นาง, นางสาว or
//     น.ส., เด็กชาย or ด.ช., เด็กหญิง or ด.ญ., with or without a blank after
//     it) must be the household's title, or the household has none.
//
// The second way only ever adds households to the first. The text is
// cleaned (ZWSP, doubled blanks) like the names, and the caller has read
// Thai digits.

// titleForms lists the ways a title is written, longest first, with the
// form the key keeps.
var titleForms = []struct{ form, canon string }{
	{"เด็กหญิง", "เด็กหญิง"}, {"เด็กชาย", "เด็กชาย"}, {"นางสาว", "นางสาว"},
	{"น.ส.", "นางสาว"}, {"ด.ช.", "เด็กชาย"}, {"ด.ญ.", "เด็กหญิง"},
	{"นาง", "นาง"}, {"นาย", "นาย"},
}

// canonTitle returns the canonical title s starts with (s lower case,
// without blanks) and the rest of s, or "" and s.
func canonTitle(s string) (title, rest string) {
	for _, t := range titleForms {
		if r, ok := strings.CutPrefix(s, t.form); ok {
			return t.canon, r
		}
	}
	return "", s
}

// headKey is a head of household's name key: canonical title, first name,
// surname.
func headKey(title, first, last string) string {
	t := nameKey(title)
	if c, rest := canonTitle(t); c != "" && rest == "" {
		t = c
	}
	return t + nameKey(first) + nameKey(last)
}

// runeMask is a 64-bit sketch of the characters in s (each sets bit r%64):
// a key holds a text only if the key's mask holds the text's. One AND
// rules out most households before a string is compared.
func runeMask(s string) uint64 {
	var m uint64
	for _, r := range s {
		m |= 1 << (uint(r) & 63)
	}
	return m
}

// nameQuery is a typed name prepared once for a search.
type nameQuery struct {
	mask      uint64   // runeMask of what every match holds
	wholeMask uint64   // runeMask of whole
	whole     string   // the text without blanks: matched anywhere in the key
	title     string   // canonical title typed first, if any
	words     []string // the other words, longest first; nil when whole says it all
}

func parseNameQuery(text string) nameQuery {
	q := nameQuery{whole: nameKey(text)}
	q.mask = runeMask(q.whole)
	q.wholeMask = q.mask
	words := strings.Fields(strings.ToLower(data.CleanText(text)))
	if len(words) == 0 {
		return q
	}
	if t, rest := canonTitle(words[0]); t != "" {
		q.title = t
		if rest == "" {
			words = words[1:]
		} else {
			words[0] = rest
		}
	}
	if q.title == "" && len(words) < 2 {
		return q // one word: the whole text says it all
	}
	// The longest word first: it rules out most households at once.
	sort.SliceStable(words, func(i, j int) bool { return len(words[i]) > len(words[j]) })
	q.words = words
	q.mask = runeMask(strings.Join(words, "")) // the title may be written otherwise in the key
	return q
}

// matches reports whether a name key, of that runeMask, matches the query.
func (q *nameQuery) matches(key string, mask uint64) bool {
	if mask&q.mask != q.mask {
		return false
	}
	if mask&q.wholeMask == q.wholeMask && strings.Contains(key, q.whole) {
		return true
	}
	if q.words == nil && q.title == "" {
		return false
	}
	if len(q.words) > 0 && !strings.Contains(key, q.words[0]) {
		return false // the common case, decided by one look
	}
	body := key
	if q.title != "" {
		t, rest := canonTitle(key)
		if t != "" && t != q.title || t == "" && len(q.words) == 0 {
			return false // another title; or only a title typed, and the household has none
		}
		body = rest
	}
	for _, w := range q.words {
		if !strings.Contains(body, w) {
			return false
		}
	}
	return true
}
