package app

import (
	"strings"
	"testing"
	"unicode"

	"qmdesk/data"
)

// The two charts the dashboard shows are English in the window's English
// mode (the round's name is the clerk's), and Thai otherwise.
func TestDashboardChartsSpeakTheWindowsLanguage(t *testing.T) {
	start, deadline, today := data.NewDate(2024, 3, 1), data.NewDate(2024, 9, 30), data.NewDate(2024, 8, 1)
	for _, english := range []bool{true, false} {
		m := &MeetingPack{English: english, ProvinceEnglish: "Udon Thani",
			Summary: Summary{ProvinceName: "อุดรธานี", AsOf: today, Round: data.Round{Name: "Re-X-Ray 2567", Start: start, Deadline: deadline}},
			Line:    [2]OpenOnDay{{Date: start, Open: 100}, {Date: deadline}}}
		bars, line := m.categoryBars(m.Summary.Area, m.subtitle()), m.overTime()
		texts := []string{bars.Title, bars.Subtitle, bars.Empty, line.Title, line.Subtitle, line.Empty, line.DateText(today)}
		for _, k := range append(bars.Legend, line.Legend...) {
			texts = append(texts, k.Label)
		}
		for _, b := range bars.Bars {
			texts = append(texts, b.Label, b.Note)
		}
		for _, mk := range line.Marks {
			texts = append(texts, mk.Label)
		}
		thai := 0
		for _, s := range texts {
			if strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Thai, r) }) >= 0 {
				thai++
				if english {
					t.Errorf("Thai in the English chart: %q", s)
				}
			}
		}
		if !english && thai < len(texts)-2 {
			t.Errorf("the Thai charts have %d Thai texts of %d", thai, len(texts))
		}
	}
}
