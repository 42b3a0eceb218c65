package data

import (
	"sort"
	"strings"
)

// CountsFold says how a summary adds a round's counters up to what it
// shows: the rows of tambons (Units: of municipalities) whose code begins
// with Area, each code cut to its first Cut characters (0: whole), the
// rows that are then alike summed; of the due counts, only those of a
// target day before a given day, summed over their days (Target: the
// latest of them).
//
// A province's summary asks for amphoe codes (Cut 4) where the store
// keeps every tambon, and for overdue counts where it keeps one row a
// target day: a database server adds them up in SQL so that a few
// hundred rows cross the connection instead of tens of thousands. Apply
// is the same in Go, over Counts or UnitCounts: what such a store must
// answer.
type CountsFold struct {
	Units bool
	Area  string
	Cut   int
}

// Keeps tells whether the counters of an area code are in the fold.
func (f CountsFold) Keeps(code string) bool {
	return IsUnitCode(code) == f.Units && strings.HasPrefix(code, f.Area)
}

// CutCode is an area code as the fold reports it.
func (f CountsFold) CutCode(code string) string {
	if f.Cut > 0 && len(code) > f.Cut {
		return code[:f.Cut]
	}
	return code
}

// Apply folds counters read by Counts or UnitCounts (both kinds of area
// may be in rc: the fold keeps its own). The rows come in the order of
// their first row in rc; the due counts by area, category and urgency.
func (f CountsFold) Apply(rc RoundCounts, dueBefore Date) RoundCounts {
	out := RoundCounts{
		Status:     foldRows(f, rc.Status, func(c *StatusCount) (*string, *int64) { return &c.Tambon, &c.N }),
		Households: foldRows(f, rc.Households, func(c *HouseholdCount) (*string, *int64) { return &c.Tambon, &c.N }),
		Carried:    foldRows(f, rc.Carried, func(c *CarriedCount) (*string, *int64) { return &c.Tambon, &c.N }),
		ReXRay:     foldRows(f, rc.ReXRay, func(c *ReXRayCount) (*string, *int64) { return &c.Tambon, &c.N }),
		NewCases:   foldRows(f, rc.NewCases, func(c *NewCaseCount) (*string, *int64) { return &c.Tambon, &c.N }),
		ThaiQM:     foldRows(f, rc.ThaiQM, func(c *ThaiQMCount) (*string, *int64) { return &c.Tambon, &c.N }),
	}
	// The due counts: the overdue ones only, one row an area, category
	// and urgency, dated by the latest target day among them.
	latest := map[DueCount]int{}
	for _, c := range rc.Due {
		if c.Target.IsZero() || !c.Target.Before(dueBefore) || !f.Keeps(c.Tambon) {
			continue
		}
		k := DueCount{Tambon: f.CutCode(c.Tambon), Category: c.Category, Urgent: c.Urgent}
		i, ok := latest[k]
		if !ok {
			latest[k] = len(out.Due)
			k.Target, k.N = c.Target, c.N
			out.Due = append(out.Due, k)
			continue
		}
		out.Due[i].N += c.N
		if c.Target.After(out.Due[i].Target) {
			out.Due[i].Target = c.Target
		}
	}
	sortDue(out.Due)
	return out
}

// ApplyHistory folds a round's history (History or UnitHistory) as far
// as the summary of a round that has ended reads it: each area's found,
// resolved and solved problems in two rows, those dated after deadline
// and the others (undated ones among them), each dated by the latest
// day among its rows (zero when none has one).
func (f CountsFold) ApplyHistory(h RoundHistory, deadline Date) RoundHistory {
	return RoundHistory{
		Added:    foldDays(f, h.Added, deadline),
		Resolved: foldDays(f, h.Resolved, deadline),
		Solved:   foldDays(f, h.Solved, deadline),
	}
}

// foldDays is ApplyHistory of one kind of day counts, ordered by area and
// then the rows up to deadline before the later ones.
func foldDays(f CountsFold, rows []DateCount, deadline Date) []DateCount {
	type key struct {
		code  string
		after bool
	}
	var out []DateCount
	at := map[key]int{}
	for _, r := range rows {
		if !f.Keeps(r.Tambon) {
			continue
		}
		k := key{f.CutCode(r.Tambon), r.Date.After(deadline)}
		i, ok := at[k]
		if !ok {
			at[k] = len(out)
			out = append(out, DateCount{Date: r.Date, Tambon: k.code, N: r.N})
			continue
		}
		out[i].N += r.N
		if r.Date.After(out[i].Date) {
			out[i].Date = r.Date
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Tambon != out[j].Tambon {
			return out[i].Tambon < out[j].Tambon
		}
		return !out[i].Date.After(deadline) && out[j].Date.After(deadline)
	})
	return out
}

// foldRows keeps the rows of f, cuts their codes, and sums the rows that
// are then equal but for their count. fields gives a row's code and count.
func foldRows[T comparable](f CountsFold, rows []T, fields func(*T) (*string, *int64)) []T {
	var out []T
	at := map[T]int{}
	for _, r := range rows {
		code, n := fields(&r)
		if !f.Keeps(*code) {
			continue
		}
		*code = f.CutCode(*code)
		k := r
		_, kn := fields(&k)
		*kn = 0
		if i, ok := at[k]; ok {
			_, sum := fields(&out[i])
			*sum += *n
			continue
		}
		at[k] = len(out)
		out = append(out, r)
	}
	return out
}

// sortDue orders due counts by area, category and urgency (not urgent
// first), as a server's ORDER BY area, category, urgent gives them.
func sortDue(due []DueCount) {
	sort.Slice(due, func(i, j int) bool {
		a, b := due[i], due[j]
		if a.Tambon != b.Tambon {
			return a.Tambon < b.Tambon
		}
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		return !a.Urgent && b.Urgent
	})
}
