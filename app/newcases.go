package app

import (
	"sort"
	"strings"

	"qmdesk/data"
)

// NewCaseFigures counts the households of one new-case group: Totals each
// household once, Categories each household once per category it has a
// problem in (a household in two categories is in both, once in Totals).
type NewCaseFigures struct {
	Totals     int64                   `json:"totals"`
	Categories map[data.Category]int64 `json:"categories"`
}

// Of returns the figure of a category, 0 for all categories.
func (f NewCaseFigures) Of(c data.Category) int64 {
	if c == 0 {
		return f.Totals
	}
	return f.Categories[c]
}

func newCaseFigures() NewCaseFigures {
	f := NewCaseFigures{Categories: map[data.Category]int64{}}
	for _, c := range data.Categories {
		f.Categories[c] = 0
	}
	return f
}

func (f *NewCaseFigures) add(c data.Category, n int64) {
	if c == 0 {
		f.Totals += n
	} else {
		f.Categories[c] += n
	}
}

// NewCaseArea is the new cases of one amphoe (or tambon of an amphoe).
type NewCaseArea struct {
	Code   string         `json:"code"`
	Name   string         `json:"name"`
	Missed NewCaseFigures `json:"missed_households"`
	Known  NewCaseFigures `json:"known_households_new_problems"`
}

// Of returns the figures of a group.
func (a NewCaseArea) Of(g data.NewCase) NewCaseFigures {
	if g == data.NewCaseMissed {
		return a.Missed
	}
	return a.Known
}

// NewCaseSummary is the round's new cases over a scope (its Missed and
// Known) and its parts, in households, from the store's counters: the
// missed households (origin ตกหล่น) with a problem of the round, and the
// known households (origin เดิม) with a problem found in the round (the
// register's filters ที่มา ตกหล่น, and เดิม · ปัญหาใหม่, find the same
// households).
type NewCaseSummary struct {
	NewCaseArea
	Parts []NewCaseArea `json:"parts"`
}

// NewCaseGroups are the groups in the order every table gives them.
var NewCaseGroups = []data.NewCase{data.NewCaseMissed, data.NewCaseKnown}

// Figures are an area's figures in a category (0: all) under
// data.NewCaseHeads, in their order.
func (a NewCaseArea) Figures(c data.Category) []int64 {
	return []int64{a.Missed.Of(c), a.Known.Of(c)}
}

// newCaseSummary adds up the new-case counters of the scope area and its
// parts (the same parts as s.Parts, in their order).
func newCaseSummary(s *Summary, counts []data.NewCaseCount, area string) NewCaseSummary {
	blank := func(code, name string) NewCaseArea {
		return NewCaseArea{Code: code, Name: name, Missed: newCaseFigures(), Known: newCaseFigures()}
	}
	out := NewCaseSummary{NewCaseArea: blank(s.Area.Code, s.Area.Name)}
	index := map[string]int{}
	for _, p := range s.Parts {
		index[p.Code] = len(out.Parts)
		out.Parts = append(out.Parts, blank(p.Code, p.Name))
	}
	add := func(a *NewCaseArea, c data.NewCaseCount) {
		switch c.Group {
		case data.NewCaseMissed:
			a.Missed.add(c.Category, c.N)
		case data.NewCaseKnown:
			a.Known.add(c.Category, c.N)
		}
	}
	for _, c := range counts {
		if !strings.HasPrefix(c.Tambon, area) {
			continue
		}
		add(&out.NewCaseArea, c)
		for code, i := range index {
			if strings.HasPrefix(c.Tambon, code) {
				add(&out.Parts[i], c)
			}
		}
	}
	sort.SliceStable(out.Parts, func(i, j int) bool { return out.Parts[i].Code < out.Parts[j].Code })
	return out
}

// NewCaseQuery is the register's query that lists the households a
// new-case figure counts: those of group g in area (an amphoe or tambon
// code, "" for the scope of the whole province) with a problem of the
// round in category c (0: any).
func NewCaseQuery(g data.NewCase, roundID uint64, area string, c data.Category) RegisterQuery {
	q := RegisterQuery{Area: area, RoundID: roundID, Category: c, Origin: data.OriginMissed}
	if g == data.NewCaseKnown {
		q.Origin, q.NewProblems = data.OriginSurvey2565, true
	}
	return q
}
