package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"qmdesk/app"
	"qmdesk/data"
)

// The counters a store reads (Counts, UnitCounts, History, UnitHistory,
// Sizes, and the totals of Check) must equal a recount made here from the
// records themselves, read with Walk and WalkActions. This file is the
// contract's definition of each counter:
//
//   - every problem of a round counts under its household's tambon (Counts)
//     and, when the household lies in a municipality (Household.Unit), again
//     under the unit's code (UnitCounts), never the one in the other;
//   - Status: problems by area, category, status and urgency;
//   - Households: households with a problem in the area and category, and
//     in category 0 with any;
//   - Due: open problems whose target date is before dueBefore, by that
//     date, area, category and urgency (no target date: never due);
//   - Carried: problems carried into a later round (CarriedTo set);
//   - ReXRay: problems re-checked (ReXRay not none), by result;
//   - NewCases: households of origin ตกหล่น with a problem in the area and
//     category (NewCaseMissed), and households of origin เดิม with a
//     problem found in the round (NewCaseKnown), each once, and in
//     category 0 once;
//   - ThaiQM: problems whose result is keyed into ThaiQM (ThaiQMOn set);
//   - History: Added by the day a problem was found (zero: carried over
//     from the survey), Resolved by the day a problem that is no longer
//     open left, Solved the same for those solved.
//
// An entry whose N is 0 is the same as no entry; an area or a key given
// twice is a fault.

// counted is counters by a readable key ("S 410101 c4 st1 ufalse").
type counted map[string]int64

func (c counted) add(k string, n int64) {
	if n != 0 {
		c[k] += n
	}
}

// register is every record, read through the contract.
type register struct {
	households map[uint64]data.Household
	problems   []data.Problem // in Walk's order
	actions    int
}

func readRegister(e *env) register {
	e.t.Helper()
	r := register{households: map[uint64]data.Household{}}
	var last uint64
	err := e.s.Walk(e.ctx, func(h data.Household, ps []data.Problem) error {
		if h.ID <= last {
			e.t.Errorf("Walk: household %d after %d, not in ID order", h.ID, last)
		}
		last = h.ID
		for _, p := range ps {
			if p.HouseholdID != h.ID {
				e.t.Errorf("Walk: problem %d of household %d given with household %d", p.ID, p.HouseholdID, h.ID)
			}
		}
		r.households[h.ID] = h
		r.problems = append(r.problems, slices.Clone(ps)...)
		return nil
	})
	e.must(err, "Walk")
	last = 0
	e.must(e.s.WalkActions(e.ctx, func(a data.Action) error {
		if a.ProblemID < last {
			e.t.Errorf("WalkActions: an action of problem %d after one of problem %d", a.ProblemID, last)
		}
		last = a.ProblemID
		r.actions++
		return nil
	}), "WalkActions")
	return r
}

// areas are where a household's problems count: its tambon, or its unit.
func areas(h data.Household, units bool) []string {
	if units {
		if h.Unit == "" {
			return nil
		}
		return []string{h.Unit}
	}
	return []string{h.TambonCode}
}

// recountCounts is what Counts (units false) or UnitCounts (true) of a
// round must return.
func (r register) recountCounts(round uint64, dueBefore data.Date, units bool) counted {
	c := counted{}
	hh := map[string]bool{}
	for _, p := range r.problems {
		if p.RoundID != round {
			continue
		}
		h := r.households[p.HouseholdID]
		for _, a := range areas(h, units) {
			c.add(fmt.Sprintf("S %s c%d st%d u%v", a, p.Category, p.Status, p.Urgent), 1)
			if p.Status.Open() && !p.TargetDate.IsZero() && p.TargetDate.Before(dueBefore) {
				c.add(fmt.Sprintf("D %s %s c%d u%v", p.TargetDate, a, p.Category, p.Urgent), 1)
			}
			if p.CarriedTo != 0 {
				c.add(fmt.Sprintf("C %s c%d", a, p.Category), 1)
			}
			if p.ReXRay != data.ReXRayNone {
				c.add(fmt.Sprintf("X %s c%d r%d", a, p.Category, p.ReXRay), 1)
			}
			if !p.ThaiQMOn.IsZero() {
				c.add(fmt.Sprintf("Q %s c%d", a, p.Category), 1)
			}
			for _, cat := range []data.Category{p.Category, 0} {
				once := func(k string) { // once per household
					if hk := fmt.Sprintf("%s h%d", k, h.ID); !hh[hk] {
						hh[hk] = true
						c.add(k, 1)
					}
				}
				once(fmt.Sprintf("H %s c%d", a, cat))
				if h.Origin == data.OriginMissed {
					once(fmt.Sprintf("N %s c%d g%d", a, cat, data.NewCaseMissed))
				}
				if h.Origin == data.OriginSurvey2565 && p.FoundInRound() {
					once(fmt.Sprintf("N %s c%d g%d", a, cat, data.NewCaseKnown))
				}
			}
		}
	}
	return c
}

// recountHistory is what History (units false) or UnitHistory (true) of
// a round must return.
func (r register) recountHistory(round uint64, units bool) counted {
	c := counted{}
	for _, p := range r.problems {
		if p.RoundID != round {
			continue
		}
		for _, a := range areas(r.households[p.HouseholdID], units) {
			c.add(fmt.Sprintf("A %s %s", p.FoundOn, a), 1)
			if !p.Status.Open() {
				c.add(fmt.Sprintf("R %s %s", p.ResolvedOn, a), 1)
			}
			if p.Status.IsSolved() {
				c.add(fmt.Sprintf("V %s %s", p.ResolvedOn, a), 1)
			}
		}
	}
	return c
}

// countsOf turns a store's RoundCounts into counted, with every fault of
// form (an area of the wrong kind, a key twice) in faults.
func countsOf(rc data.RoundCounts, units bool) (c counted, faults []string) {
	c = counted{}
	put := func(k, area string, n int64) {
		if data.IsUnitCode(area) != units {
			faults = append(faults, fmt.Sprintf("%s: an area of the other kind (units %v)", k, units))
		}
		if _, twice := c[k]; twice {
			faults = append(faults, k+": given twice")
		}
		if n < 0 {
			faults = append(faults, fmt.Sprintf("%s: %d", k, n))
		}
		if n != 0 {
			c[k] = n
		}
	}
	for _, x := range rc.Status {
		put(fmt.Sprintf("S %s c%d st%d u%v", x.Tambon, x.Category, x.Status, x.Urgent), x.Tambon, x.N)
	}
	for _, x := range rc.Households {
		put(fmt.Sprintf("H %s c%d", x.Tambon, x.Category), x.Tambon, x.N)
	}
	for _, x := range rc.Due {
		put(fmt.Sprintf("D %s %s c%d u%v", x.Target, x.Tambon, x.Category, x.Urgent), x.Tambon, x.N)
	}
	for _, x := range rc.Carried {
		put(fmt.Sprintf("C %s c%d", x.Tambon, x.Category), x.Tambon, x.N)
	}
	for _, x := range rc.ReXRay {
		put(fmt.Sprintf("X %s c%d r%d", x.Tambon, x.Category, x.Result), x.Tambon, x.N)
	}
	for _, x := range rc.NewCases {
		put(fmt.Sprintf("N %s c%d g%d", x.Tambon, x.Category, x.Group), x.Tambon, x.N)
	}
	for _, x := range rc.ThaiQM {
		put(fmt.Sprintf("Q %s c%d", x.Tambon, x.Category), x.Tambon, x.N)
	}
	return c, faults
}

// historyOf turns a store's RoundHistory into counted.
func historyOf(h data.RoundHistory, units bool) (c counted, faults []string) {
	c = counted{}
	for _, part := range []struct {
		tag string
		l   []data.DateCount
	}{{"A", h.Added}, {"R", h.Resolved}, {"V", h.Solved}} {
		for _, x := range part.l {
			k := fmt.Sprintf("%s %s %s", part.tag, x.Date, x.Tambon)
			if data.IsUnitCode(x.Tambon) != units {
				faults = append(faults, k+": an area of the other kind")
			}
			if _, twice := c[k]; twice {
				faults = append(faults, k+": given twice")
			}
			if x.N != 0 {
				c[k] = x.N
			}
		}
	}
	return c, faults
}

// diffCounted lists the keys where got and want differ.
func diffCounted(got, want counted) (out []string) {
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	for k := range keys {
		if got[k] != want[k] {
			out = append(out, fmt.Sprintf("%s: store %d, recount %d", k, got[k], want[k]))
		}
	}
	slices.Sort(out)
	return out
}

// checkCounters compares every counter the store reads, for every round,
// with a recount from the records, and the store's Check with the same
// recount and an audit log that verifies; it names the step in faults.
func (e *env) checkCounters(step string) {
	e.t.Helper()
	t := e.t
	r := readRegister(e)
	var faults []string
	fault := func(what string, l []string) {
		for _, f := range l {
			faults = append(faults, what+": "+f)
		}
	}
	rounds, err := e.s.Rounds(e.ctx)
	e.must(err, "Rounds")
	for _, round := range rounds {
		for _, due := range []data.Date{Today, Today.AddDays(-60), data.NewDate(2030, 1, 1)} {
			for _, units := range []bool{false, true} {
				read := e.s.Counts
				if units {
					read = e.s.UnitCounts
				}
				rc, err := read(e.ctx, round.ID, due)
				e.must(err, "Counts")
				got, f := countsOf(rc, units)
				what := fmt.Sprintf("round %d counts (units %v, due before %s)", round.ID, units, due)
				fault(what, f)
				fault(what, diffCounted(got, r.recountCounts(round.ID, due, units)))
			}
			fault(fmt.Sprintf("round %d summary counts (due before %s)", round.ID, due), e.foldFaults(round.ID, due))
		}
		for _, units := range []bool{false, true} {
			read := e.s.History
			if units {
				read = e.s.UnitHistory
			}
			h, err := read(e.ctx, round.ID)
			e.must(err, "History")
			got, f := historyOf(h, units)
			what := fmt.Sprintf("round %d history (units %v)", round.ID, units)
			fault(what, f)
			fault(what, diffCounted(got, r.recountHistory(round.ID, units)))
		}
	}
	sz, err := e.s.Sizes(e.ctx)
	e.must(err, "Sizes")
	if want := (data.Sizes{Households: len(r.households), Problems: len(r.problems), Actions: r.actions}); sz != want {
		faults = append(faults, fmt.Sprintf("Sizes %+v, records %+v", sz, want))
	}
	rep, err := e.s.Check(e.ctx)
	e.must(err, "Check")
	if !rep.OK() || rep.Audit.Tampered {
		faults = append(faults, fmt.Sprintf("Check finds %v (tampered %v)", rep.Problems, rep.Audit.Tampered))
	}
	if rep.Households != int64(len(r.households)) || rep.ProblemCount != int64(len(r.problems)) || rep.Actions != int64(r.actions) {
		faults = append(faults, fmt.Sprintf("Check counts %d households, %d problems, %d actions; the records are %d, %d, %d",
			rep.Households, rep.ProblemCount, rep.Actions, len(r.households), len(r.problems), r.actions))
	}
	entries, err := e.s.Audit(e.ctx, 0, 0)
	e.must(err, "Audit")
	if rep.AuditEntries != int64(len(entries)) {
		faults = append(faults, fmt.Sprintf("Check counts %d audit entries, Audit reads %d", rep.AuditEntries, len(entries)))
	}
	if len(faults) > 0 {
		if len(faults) > 30 {
			faults = append(faults[:30], fmt.Sprintf("… and %d more", len(faults)-30))
		}
		t.Fatalf("%s: the counters are not a recount of the records:\n%s", step, strings.Join(faults, "\n"))
	}
}

// foldFaults compares, on a store that folds its counters itself
// (app.SummaryCounter), what it answers with data.CountsFold.Apply over
// its Counts and UnitCounts, for the folds a summary asks for: the
// province by amphoe, an amphoe and a tambon by tambon, the
// municipalities, one municipality.
func (e *env) foldFaults(round uint64, due data.Date) (faults []string) {
	sc, ok := e.s.(app.SummaryCounter)
	if !ok {
		return nil
	}
	folds := []data.CountsFold{{Cut: 4}, {Area: "4101", Cut: 6}, {Area: "410102", Cut: 6}, {Units: true}}
	units, err := e.s.Units(e.ctx)
	e.must(err, "Units")
	for _, u := range units {
		folds = append(folds, data.CountsFold{Units: true, Area: u.Code})
	}
	for _, f := range folds {
		got, err := sc.SummaryCounts(e.ctx, round, due, f)
		e.must(err, "SummaryCounts")
		read := e.s.Counts
		if f.Units {
			read = e.s.UnitCounts
		}
		rc, err := read(e.ctx, round, due)
		e.must(err, "Counts")
		if g, w := sortedRows(got), sortedRows(f.Apply(rc, due)); g != w {
			faults = append(faults, fmt.Sprintf("fold %+v: the store's\n%s\nfolded in Go\n%s", f, g, w))
		}
		// The history, split at the same day as a deadline.
		gotH, err := sc.SummaryHistory(e.ctx, round, due, f)
		e.must(err, "SummaryHistory")
		readH := e.s.History
		if f.Units {
			readH = e.s.UnitHistory
		}
		h, err := readH(e.ctx, round)
		e.must(err, "History")
		if g, w := sortedRows(gotH), sortedRows(f.ApplyHistory(h, due)); g != w {
			faults = append(faults, fmt.Sprintf("history fold %+v: the store's\n%s\nfolded in Go\n%s", f, g, w))
		}
	}
	return faults
}

// sortedRows prints counters or a history (a struct of slices) a row a
// line, the lines sorted: two reads that differ only in
// their order print the same.
func sortedRows(v any) string {
	var lines []string
	s := reflect.ValueOf(v)
	for i := range s.NumField() {
		rows := s.Field(i)
		for j := range rows.Len() {
			lines = append(lines, fmt.Sprintf("%s %+v", s.Type().Field(i).Name, rows.Index(j).Interface()))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
