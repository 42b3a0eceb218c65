package app

import (
	"context"
	"sort"

	"qmdesk/data"
)

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
// one), names read with data.AgencyKey and the clerk's merges. It reads
// the round's problems and every action once: docs/performance.md gives
// its time on a large province.
func Agencies(ctx context.Context, s data.Store, roundID uint64) ([]AgencyLine, error) {
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
	problems, err := s.Problems(ctx, data.ProblemFilter{RoundID: roundID})
	if err != nil {
		return nil, err
	}
	type prob struct {
		cat    data.Category
		solved bool
	}
	inRound := make(map[uint64]prob, len(problems))
	for _, p := range problems {
		inRound[p.ID] = prob{p.Category, p.Status.IsSolved()}
	}
	problems = nil
	type pa struct {
		problem uint64
		agency  string
	}
	seen := map[pa]bool{}
	budget := map[string]map[data.Category]int64{} // satang
	lines := map[string]*AgencyLine{}
	spellings := map[string]map[string]int{}
	err = s.WalkActions(ctx, func(a data.Action) error {
		p, ok := inRound[a.ProblemID]
		if !ok {
			return nil
		}
		k := aliases.Resolve(a.Agency)
		if k == "" {
			return nil
		}
		l := lines[k]
		if l == nil {
			l = &AgencyLine{Categories: map[data.Category]AgencyTally{}}
			lines[k], spellings[k], budget[k] = l, map[string]int{}, map[data.Category]int64{}
		}
		spellings[k][data.ExpandAgency(a.Agency)]++
		budget[k][p.cat] += a.Budget
		t := l.Categories[p.cat]
		if !seen[pa{a.ProblemID, k}] {
			seen[pa{a.ProblemID, k}] = true
			t.Problems++
			if p.solved {
				t.Solved++
			}
		}
		l.Categories[p.cat] = t
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
		for sp := range spellings[k] {
			l.Spellings = append(l.Spellings, sp)
		}
		sort.Strings(l.Spellings)
		l.Name = l.Spellings[0]
		for _, sp := range l.Spellings {
			if spellings[k][sp] > spellings[k][l.Name] {
				l.Name = sp
			}
		}
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
