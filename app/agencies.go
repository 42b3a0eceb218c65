package app

import (
	"context"
	"sort"

	"qmdesk/data"
)

// AgencyStore is what the agencies' report reads: the current round,
// the clerk's merges of agency names, and the actions naming an agency.
type AgencyStore interface {
	Meta(ctx context.Context) (data.Meta, error)
	AgencyAliases(ctx context.Context) (data.AgencyAliases, error)
	AgencyWork(ctx context.Context, roundID uint64, area string, fn func(w data.AgencyWork) error) error
}

// AgencyLine is one partner agency's work in a round: per category and in
// all. Problems counts distinct problems with at least one action of the
// agency; Solved those of them now solved (แก้ไขแล้ว + แก้ไขได้ด้วยตนเอง,
// the glossary's WordSolvedTotal); Budget the baht of the agency's actions.
type AgencyLine struct {
	Name       string                        `json:"name"`
	Spellings  []string                      `json:"spellings,omitempty"` // the names it was typed as
	Totals     AgencyTally                   `json:"totals"`
	Categories map[data.Category]AgencyTally `json:"categories"`
}

// AgencyTally is one agency's figures.
type AgencyTally struct {
	Problems int64 `json:"problems_helped"` // problems
	Solved   int64 `json:"solved"`          // problems
	Budget   int64 `json:"budget_baht"`     // baht, each category to the nearest baht; the total is their sum
}

// Agencies reports the partner agencies' work in a round (0: the current
// one) over area ("": the province; an amphoe or tambon code: the
// problems of its households), names read with data.AgencyKey and the
// clerk's merges. It reads the problems and their actions once
// (Store.AgencyWork): docs/performance.md gives its time on a large
// province.
func Agencies(ctx context.Context, s AgencyStore, roundID uint64, area string) ([]AgencyLine, error) {
	if roundID == 0 {
		m, err := s.Meta(ctx)
		if err != nil {
			return nil, err
		}
		roundID = m.DefaultRound
	}
	aliases, err := s.AgencyAliases(ctx)
	if err != nil {
		return nil, err
	}
	// Actions come problem by problem: the agencies seen on the current
	// problem are all that must be remembered to count it once each.
	var current uint64
	seen := map[string]bool{}
	names := map[string][3]string{}                // as typed → key, spelt out, cleaned
	budget := map[string]map[data.Category]int64{} // satang
	lines := map[string]*AgencyLine{}
	spellings := map[string]map[string]int{} // spelt out → actions
	typed := map[string]map[string]bool{}
	err = s.AgencyWork(ctx, roundID, area, func(a data.AgencyWork) error {
		if a.ProblemID != current {
			current = a.ProblemID
			clear(seen)
		}
		// A province types a few hundred names: each is read once.
		n, ok := names[a.Agency]
		if !ok {
			n = [3]string{aliases.Resolve(a.Agency), data.ExpandAgency(a.Agency), data.CleanText(a.Agency)}
			names[a.Agency] = n
		}
		k := n[0]
		if k == "" {
			return nil
		}
		l := lines[k]
		if l == nil {
			l = &AgencyLine{Categories: map[data.Category]AgencyTally{}}
			lines[k], spellings[k], typed[k], budget[k] = l, map[string]int{}, map[string]bool{}, map[data.Category]int64{}
		}
		spellings[k][n[1]]++
		typed[k][n[2]] = true
		budget[k][a.Category] += a.Budget
		if !seen[k] {
			seen[k] = true
			t := l.Categories[a.Category]
			t.Problems++
			if a.Solved {
				t.Solved++
			}
			l.Categories[a.Category] = t
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The name shown is the one the clerk merged into, else the spelling
	// typed most often (ties: the first in Thai order).
	into := map[string]string{}
	for _, m := range aliases.Sorted() {
		into[data.AgencyKey(m[1])] = m[1]
	}
	out := make([]AgencyLine, 0, len(lines))
	for k, l := range lines {
		var spelt []string
		for sp := range spellings[k] {
			spelt = append(spelt, sp)
		}
		sort.Strings(spelt)
		l.Name = spelt[0]
		for _, sp := range spelt {
			if spellings[k][sp] > spellings[k][l.Name] {
				l.Name = sp
			}
		}
		for sp := range typed[k] {
			l.Spellings = append(l.Spellings, sp)
		}
		sort.Strings(l.Spellings)
		if n, ok := into[k]; ok {
			l.Name = n
		}
		for c, t := range l.Categories {
			t.Budget = (budget[k][c] + 50) / 100 // to the nearest baht
			l.Categories[c] = t
			l.Totals.Problems += t.Problems
			l.Totals.Solved += t.Solved
			l.Totals.Budget += t.Budget // the sum of the columns printed
		}
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Totals.Problems != out[j].Totals.Problems {
			return out[i].Totals.Problems > out[j].Totals.Problems
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}
