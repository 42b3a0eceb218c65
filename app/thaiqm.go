package app

import (
	"context"
	"sort"
	"strings"

	"qmdesk/data"
)

// ThaiQMTally counts a scope's problems by whether their result is keyed
// into ThaiQM (data.HeaderThaiQM): keyed, not yet keyed, and all of the
// round's (the target). It counts problems, not households.
type ThaiQMTally struct {
	Keyed    int64 `json:"keyed"`
	NotKeyed int64 `json:"not_keyed"`
	Problems int64 `json:"problems"`
}

// Figures are the tally's figures under data.ThaiQMHeads, in their order.
func (t ThaiQMTally) Figures() []int64 { return []int64{t.Keyed, t.NotKeyed, t.Problems} }

// ThaiQMArea is the ThaiQM figures of one amphoe or tambon.
type ThaiQMArea struct {
	Code       string                        `json:"code"`
	Name       string                        `json:"name"`
	Totals     ThaiQMTally                   `json:"totals"`
	Categories map[data.Category]ThaiQMTally `json:"categories"`
}

// ThaiQMSummary is what of a scope, and of each of its parts, is keyed
// into ThaiQM, from the store's counters (the problems of a part are its
// target in the progress figures, so the two always agree).
type ThaiQMSummary struct {
	Totals     ThaiQMTally                   `json:"totals"`
	Categories map[data.Category]ThaiQMTally `json:"categories"`
	Parts      []ThaiQMArea                  `json:"parts"`
	// Units are the province's municipalities (the province's summary
	// only): their households count in their amphoe too, never add them.
	Units []ThaiQMArea `json:"units,omitempty"`
}

// thaiQMSummary adds the keyed counters of the scope s.Area and its parts
// (the same parts as s.Parts, in their order) to their targets.
func thaiQMSummary(s *Summary, counts []data.ThaiQMCount, area string) ThaiQMSummary {
	tally := func(target, keyed int64) ThaiQMTally {
		return ThaiQMTally{Keyed: keyed, NotKeyed: target - keyed, Problems: target}
	}
	keyedAll, keyedCat := int64(0), map[data.Category]int64{}
	partAll, partCat := map[string]int64{}, map[string]map[data.Category]int64{}
	for _, p := range s.Parts {
		partCat[p.Code] = map[data.Category]int64{}
	}
	for _, c := range counts {
		if !strings.HasPrefix(c.Tambon, area) {
			continue
		}
		keyedAll += c.N
		keyedCat[c.Category] += c.N
		for code := range partCat {
			if strings.HasPrefix(c.Tambon, code) {
				partAll[code] += c.N
				partCat[code][c.Category] += c.N
			}
		}
	}
	out := ThaiQMSummary{Totals: tally(s.Area.Totals.Target, keyedAll), Categories: map[data.Category]ThaiQMTally{}}
	for _, c := range data.Categories {
		out.Categories[c] = tally(s.Area.Categories[c].Target, keyedCat[c])
	}
	for _, p := range s.Parts {
		a := ThaiQMArea{Code: p.Code, Name: p.Name, Totals: tally(p.Totals.Target, partAll[p.Code]), Categories: map[data.Category]ThaiQMTally{}}
		for _, c := range data.Categories {
			a.Categories[c] = tally(p.Categories[c].Target, partCat[p.Code][c])
		}
		out.Parts = append(out.Parts, a)
	}
	sort.SliceStable(out.Parts, func(i, j int) bool { return out.Parts[i].Code < out.Parts[j].Code })
	return out
}

// ThaiQMReader is what the list of the results to key into ThaiQM reads:
// the current round, and its problems in an area.
type ThaiQMReader interface {
	Meta(ctx context.Context) (data.Meta, error)
	Problems(ctx context.Context, f data.ProblemFilter) ([]data.Problem, error)
}

// ThaiQMStore is ThaiQMReader with the marking of results as keyed.
type ThaiQMStore interface {
	ThaiQMReader
	MarkThaiQM(ctx context.Context, problemIDs []uint64, on data.Date) (int, error)
}

// ThaiQMToKey lists the current round's problems in area (an amphoe or
// tambon code, "" for the province) whose result is not yet keyed into
// ThaiQM and, when upTo is set, was last changed on or before it: whose
// information (data.Problem.ChangedOn: the day of a clerk's change, or the
// date of what a workbook brought) is of that day or earlier, which is
// what a district that keyed everything it knew up to upTo has keyed.
func ThaiQMToKey(ctx context.Context, st ThaiQMReader, area string, upTo data.Date) ([]data.Problem, error) {
	meta, err := st.Meta(ctx)
	if err != nil {
		return nil, err
	}
	ps, err := st.Problems(ctx, data.ProblemFilter{RoundID: meta.DefaultRound, AreaCode: area})
	if err != nil {
		return nil, err
	}
	out := ps[:0]
	for _, p := range ps {
		if p.ThaiQMOn.IsZero() && p.CarriedTo == 0 && (upTo.IsZero() || !p.ChangedOn.After(upTo)) {
			out = append(out, p)
		}
	}
	return out, nil
}

// MarkThaiQMArea marks as keyed into ThaiQM on day on the results of
// area's problems not yet keyed (those last changed on or before upTo,
// when it is set): what a district reports it has keyed. It returns how
// many problems it marked.
func MarkThaiQMArea(ctx context.Context, st ThaiQMStore, area string, upTo, on data.Date) (int, error) {
	if on.IsZero() {
		return 0, data.Messages(data.EINVALID, "กรุณาระบุวันที่%s", []any{data.HeaderThaiQM.Thai}, "a ThaiQM mark needs a date")
	}
	ps, err := ThaiQMToKey(ctx, st, area, upTo)
	if err != nil {
		return 0, err
	}
	ids := make([]uint64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return st.MarkThaiQM(ctx, ids, on)
}
