package cli

import (
	"qmdesk/app"
	"qmdesk/data"
)

// newCasesJSON is summary --json's new_cases: the round's missed
// households and known households with new problems, counted in
// households, over the scope, per category and per part (amphoe, or
// tambon with --amphoe).
type newCasesJSON struct {
	Missed newCaseGroupJSON `json:"missed_households"`
	Known  newCaseGroupJSON `json:"known_households_new_problems"`
}

type newCaseGroupJSON struct {
	Totals     int64                   `json:"totals"`
	Categories map[data.Category]int64 `json:"categories"`
	Amphoe     []newCaseAreaJSON       `json:"amphoe,omitempty"`
	Tambon     []newCaseAreaJSON       `json:"tambon,omitempty"` // with --amphoe
}

type newCaseAreaJSON struct {
	Code       string                  `json:"code"`
	Name       string                  `json:"name"`
	Totals     int64                   `json:"totals"`
	Categories map[data.Category]int64 `json:"categories"`
}

func newCasesOf(s app.NewCaseSummary, byTambon bool) newCasesJSON {
	group := func(g data.NewCase) newCaseGroupJSON {
		f := s.Of(g)
		out := newCaseGroupJSON{Totals: f.Totals, Categories: f.Categories}
		parts := []newCaseAreaJSON{}
		for _, a := range s.Parts {
			pf := a.Of(g)
			parts = append(parts, newCaseAreaJSON{Code: a.Code, Name: a.Name, Totals: pf.Totals, Categories: pf.Categories})
		}
		if byTambon {
			out.Tambon = parts
		} else {
			out.Amphoe = parts
		}
		return out
	}
	return newCasesJSON{Missed: group(data.NewCaseMissed), Known: group(data.NewCaseKnown)}
}
