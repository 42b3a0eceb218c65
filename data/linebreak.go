package data

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Thai is written without blanks between words, and none of the places
// qmdesk draws text (Fyne's labels, the PDF, the charts, a spreadsheet's
// header) knows where a Thai word ends: they break a long header inside a
// word ("บ้านเลข|ที่") or cut it. Wrap breaks lines itself: at blanks, and
// inside Thai between the words of a small dictionary of the words its
// headers and labels use, by longest match. A run it does not know (a
// name) stays whole unless it is wider than a line, and is then broken
// between letter clusters, never before a vowel or mark that belongs to the
// letter before it.

var thaiDict = func() map[string]bool {
	m := make(map[string]bool, len(thaiWords))
	for _, w := range thaiWords {
		m[w] = true
	}
	return m
}()

var longestThaiWord = func() int {
	n := 0
	for _, w := range thaiWords {
		n = max(n, utf8.RuneCountInString(w))
	}
	return n
}()

func isThai(r rune) bool { return r >= 0x0E01 && r <= 0x0E5B }

// isBreakingSpace is a blank a line may break at: a no-break space
// (U+00A0) holds what it joins together ("30 ก.ย. 2567", "เป้าหมาย - ยุติ").
func isBreakingSpace(r rune) bool { return unicode.IsSpace(r) && r != '\u00a0' }

// clusterBreakOK tells whether a line may break between a and b inside a
// Thai run (c is the rune after b, or 0): never before a following vowel,
// a tone mark or another mark, never after a leading vowel, never before
// a letter silenced by ์ (it ends the syllable before it).
func clusterBreakOK(a, b, c rune) bool {
	switch {
	case c == 0x0E4C:
		return false
	case unicode.Is(unicode.Mn, b),
		b >= 0x0E30 && b <= 0x0E3A,              // ะ ั า ำ ิ ี ึ ื ุ ู ฺ
		b == 0x0E45, b >= 0x0E47 && b <= 0x0E4E, // ๅ ็ ่ ้ ๊ ๋ ์ ํ ๎
		a >= 0x0E40 && a <= 0x0E44: // เ แ โ ใ ไ
		return false
	}
	return true
}

// pieces splits s into the runs a line may not break inside: words of
// the dictionary, unknown Thai runs, non-Thai words. A piece keeps the
// blanks after it.
func pieces(s string) []string {
	rs := []rune(s)
	var out []string
	i := 0
	for i < len(rs) {
		start := i
		switch {
		case isBreakingSpace(rs[i]):
			for i < len(rs) && isBreakingSpace(rs[i]) {
				i++
			}
			if len(out) > 0 {
				out[len(out)-1] += string(rs[start:i])
				continue
			}
		case isThai(rs[i]):
			if n := wordAt(rs, i); n > 0 {
				i += n
			} else { // an unknown run, up to the next word the dictionary knows
				i++
				for i < len(rs) && isThai(rs[i]) && (!clusterBreakOK(rs[i-1], rs[i], after(rs, i)) || wordAt(rs, i) == 0) {
					i++
				}
			}
		default:
			for i < len(rs) && !isBreakingSpace(rs[i]) && !isThai(rs[i]) {
				i++
			}
		}
		out = append(out, string(rs[start:i]))
	}
	// Punctuation and numbers written against a Thai word stay with it:
	// "(ปัญหา)", "ค้าง:".
	var joined []string
	for _, p := range out {
		if n := len(joined); n > 0 {
			prev := joined[n-1]
			last, _ := utf8.DecodeLastRuneInString(prev)
			first, _ := utf8.DecodeRuneInString(p)
			if !isBreakingSpace(last) && (!isThai(first) || !isThai(last)) {
				joined[n-1] += p
				continue
			}
		}
		joined = append(joined, p)
	}
	return joined
}

// wordAt is the length in runes of the longest dictionary word at rs[i]
// that ends where a line may break, 0 when none does.
func wordAt(rs []rune, i int) int {
	for n := min(longestThaiWord, len(rs)-i); n > 0; n-- {
		if thaiDict[string(rs[i:i+n])] && (i+n == len(rs) || !isThai(rs[i+n]) || clusterBreakOK(rs[i+n-1], rs[i+n], after(rs, i+n))) {
			return n
		}
	}
	return 0
}

// Wrap breaks s into lines no wider than width as measure measures them,
// at blanks and between Thai words; a piece wider than a line is broken
// between letter clusters. Line breaks in s are kept. The lines carry no
// trailing blanks.
func Wrap(s string, width float64, measure func(string) float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		flush := func() {
			lines = append(lines, strings.TrimRightFunc(line, unicode.IsSpace))
			line = ""
		}
		for _, p := range pieces(para) {
			if line != "" && measure(strings.TrimRightFunc(line+p, unicode.IsSpace)) > width {
				flush()
			}
			for line == "" && measure(strings.TrimRightFunc(p, unicode.IsSpace)) > width {
				cut := softCut(p, width, measure)
				if cut == 0 {
					cut = clusterCut(p, width, measure)
				}
				if cut == 0 {
					break
				}
				line = p[:cut]
				p = p[cut:]
				flush()
			}
			line += p
		}
		flush()
	}
	return lines
}

// softCut is the longest prefix of a piece too wide for a line, in bytes,
// that fits width and ends where the piece's own words do: after a
// no-break space (which holds words together only while they fit), or
// between two dictionary words inside a longer one ("ความ|เดือดร้อน"); 0
// when there is none, and the piece is broken between clusters instead.
func softCut(p string, width float64, measure func(string) float64) int {
	rs := []rune(p)
	ends := make([]bool, len(rs)+1) // ends[i]: a word of the piece ends before rs[i]
	ends[0] = true
	offset := make([]int, len(rs)+1)
	for i, r := range rs {
		offset[i+1] = offset[i] + utf8.RuneLen(r)
	}
	cut := 0
	for i := 1; i < len(rs); i++ {
		switch {
		case rs[i-1] == '\u00a0':
			ends[i] = true
		case isThai(rs[i-1]) && isThai(rs[i]) && clusterBreakOK(rs[i-1], rs[i], after(rs, i)):
			for j := max(0, i-longestThaiWord); j < i; j++ {
				if ends[j] && thaiDict[string(rs[j:i])] {
					ends[i] = true
					break
				}
			}
		}
		if ends[i] && measure(strings.TrimRightFunc(p[:offset[i]], unicode.IsSpace)) <= width {
			cut = offset[i]
		}
	}
	return cut
}

// clusterCut is the longest prefix of p, in bytes, that fits width and
// ends where a line may break; 0 when not even one cluster fits.
func clusterCut(p string, width float64, measure func(string) float64) int {
	cut := 0
	rs := []rune(p)
	at := 0 // byte offset of rs[i]
	for i, r := range rs {
		if i > 0 && clusterBreakOK(rs[i-1], r, after(rs, i)) {
			if measure(p[:at]) > width {
				break
			}
			cut = at
		}
		at += utf8.RuneLen(r)
	}
	return cut
}

// after is the rune after rs[i], 0 at the end.
func after(rs []rune, i int) rune {
	if i+1 < len(rs) {
		return rs[i+1]
	}
	return 0
}

// LongestPiece is the width of the widest run of s a line may not break
// inside: the narrowest a column can be for s to wrap without a word
// broken.
func LongestPiece(s string, measure func(string) float64) float64 {
	w := 0.0
	for _, p := range pieces(s) {
		w = max(w, measure(strings.TrimRightFunc(p, unicode.IsSpace)))
	}
	return w
}
