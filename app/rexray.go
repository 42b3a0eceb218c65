package app

import (
	"sort"
	"strings"

	"qmdesk/data"
)

// ReXRayTally counts problems carried over from the 2565 survey by their
// Re-X-Ray result, in the letter's words (data.ReXRay's terms). It counts
// problems, not households.
type ReXRayTally struct {
	Solved   int64 `json:"solved"`        // ได้รับการแก้ไขแล้ว
	Partly   int64 `json:"partly_solved"` // แก้ไขไม่เสร็จ
	Unsolved int64 `json:"unsolved"`      // ยังไม่ได้รับการแก้ไข
	Checked  int64 `json:"checked"`       // the three together: the problems re-checked
}

func (t *ReXRayTally) add(r data.ReXRay, n int64) {
	switch r {
	case data.ReXRaySolved:
		t.Solved += n
	case data.ReXRayPartly:
		t.Partly += n
	case data.ReXRayUnsolved:
		t.Unsolved += n
	default:
		return
	}
	t.Checked += n
}

// Of returns the count of one result.
func (t ReXRayTally) Of(r data.ReXRay) int64 {
	switch r {
	case data.ReXRaySolved:
		return t.Solved
	case data.ReXRayPartly:
		return t.Partly
	case data.ReXRayUnsolved:
		return t.Unsolved
	}
	return 0
}

// ReXRayResults are the results in the order every table gives them.
var ReXRayResults = []data.ReXRay{data.ReXRaySolved, data.ReXRayPartly, data.ReXRayUnsolved}

// ReXRayArea is the Re-X-Ray result of one amphoe or tambon.
type ReXRayArea struct {
	Code       string                        `json:"code"`
	Name       string                        `json:"name"`
	Totals     ReXRayTally                   `json:"totals"`
	Categories map[data.Category]ReXRayTally `json:"categories"`
}

// ReXRaySummary is the Re-X-Ray result of a scope and of its parts (amphoe
// of a province, tambon of an amphoe), from the store's counters.
type ReXRaySummary struct {
	Totals     ReXRayTally                   `json:"totals"`
	Categories map[data.Category]ReXRayTally `json:"categories"`
	Parts      []ReXRayArea                  `json:"parts"`
}

// reXRaySummary adds up the Re-X-Ray counters of the scope s.Area and its
// parts (the same parts as s.Parts, in their order).
func reXRaySummary(s *Summary, counts []data.ReXRayCount, area string) ReXRaySummary {
	out := ReXRaySummary{Categories: map[data.Category]ReXRayTally{}}
	index := map[string]int{}
	for _, p := range s.Parts {
		index[p.Code] = len(out.Parts)
		out.Parts = append(out.Parts, ReXRayArea{Code: p.Code, Name: p.Name, Categories: map[data.Category]ReXRayTally{}})
	}
	for _, c := range counts {
		if !strings.HasPrefix(c.Tambon, area) {
			continue
		}
		out.Totals.add(c.Result, c.N)
		t := out.Categories[c.Category]
		t.add(c.Result, c.N)
		out.Categories[c.Category] = t
		for code, i := range index {
			if strings.HasPrefix(c.Tambon, code) {
				a := &out.Parts[i]
				a.Totals.add(c.Result, c.N)
				t := a.Categories[c.Category]
				t.add(c.Result, c.N)
				a.Categories[c.Category] = t
			}
		}
	}
	// Every category is there, a zero one too: the tables and --json list
	// all seven.
	zero := func(m map[data.Category]ReXRayTally, c data.Category) {
		if _, ok := m[c]; !ok {
			m[c] = ReXRayTally{}
		}
	}
	for _, c := range data.Categories {
		zero(out.Categories, c)
		for i := range out.Parts {
			zero(out.Parts[i].Categories, c)
		}
	}
	sort.SliceStable(out.Parts, func(i, j int) bool { return out.Parts[i].Code < out.Parts[j].Code })
	return out
}

// Figures are the tally's figures under data.ReXRayHeads, in their order.
func (t ReXRayTally) Figures() []int64 { return []int64{t.Solved, t.Partly, t.Unsolved, t.Checked} }

// ReXRayAll names the scope's total row of a Re-X-Ray table.
const ReXRayAll = "รวม"
