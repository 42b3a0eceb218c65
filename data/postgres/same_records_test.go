package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"qmdesk/data"
)

// records is the part of data.Store added to the PostgreSQL store after
// its foundation: problems' changes, actions, the ThaiQM marks, the walks,
// the counters and the agencies.
type records interface {
	UpdateProblem(ctx context.Context, p *data.Problem) error
	Problems(ctx context.Context, f data.ProblemFilter) ([]data.Problem, error)
	AddAction(ctx context.Context, a *data.Action) error
	Actions(ctx context.Context, problemID uint64) ([]data.Action, error)
	MarkThaiQM(ctx context.Context, problemIDs []uint64, on data.Date) (int, error)
	MarkActionThaiQM(ctx context.Context, problemID, actionID uint64, on data.Date) error
	Walk(ctx context.Context, fn func(h data.Household, problems []data.Problem) error) error
	WalkActions(ctx context.Context, fn func(a data.Action) error) error
	Counts(ctx context.Context, roundID uint64, dueBefore data.Date) (data.RoundCounts, error)
	UnitCounts(ctx context.Context, roundID uint64, dueBefore data.Date) (data.RoundCounts, error)
	History(ctx context.Context, roundID uint64) (data.RoundHistory, error)
	UnitHistory(ctx context.Context, roundID uint64) (data.RoundHistory, error)
	AgencyAliases(ctx context.Context) (data.AgencyAliases, error)
	MergeAgency(ctx context.Context, from, into string) error
	UnmergeAgency(ctx context.Context, from string) error
	AgencyWork(ctx context.Context, roundID uint64, area string, fn func(w data.AgencyWork) error) error
}

// walked is what Walk gave: each household with its problems.
type walked struct {
	H        data.Household
	Problems []data.Problem
}

func walkAll(ctx context.Context, s implemented) (out []walked, err error) {
	err = s.Walk(ctx, func(h data.Household, ps []data.Problem) error {
		out = append(out, walked{h, slices.Clone(ps)})
		return nil
	})
	return out, err
}

func walkActions(ctx context.Context, s implemented) (out []data.Action, err error) {
	err = s.WalkActions(ctx, func(a data.Action) error {
		out = append(out, a)
		return nil
	})
	return out, err
}

func agencyWork(ctx context.Context, s implemented, round uint64, area string) (out []data.AgencyWork, err error) {
	err = s.AgencyWork(ctx, round, area, func(w data.AgencyWork) error {
		out = append(out, w)
		return nil
	})
	return out, err
}

// sameCounters compares every counter of rounds 1 and 2, by tambon and by
// unit, and the walks, after step.
func sameCounters(w *twin, step string) {
	w.t.Helper()
	ctx := w.ctx
	for round := uint64(1); round <= 2; round++ {
		for _, due := range []data.Date{{}, data.NewDate(2024, 6, 1), data.NewDate(2024, 9, 30), data.NewDate(2024, 10, 1), data.NewDate(2030, 1, 1)} {
			same(w, fmt.Sprintf("%s: Counts of round %d due before %s", step, round, due), func(s implemented) (data.RoundCounts, error) { return s.Counts(ctx, round, due) })
			same(w, fmt.Sprintf("%s: UnitCounts of round %d due before %s", step, round, due), func(s implemented) (data.RoundCounts, error) { return s.UnitCounts(ctx, round, due) })
		}
		same(w, fmt.Sprintf("%s: History of round %d", step, round), func(s implemented) (data.RoundHistory, error) { return s.History(ctx, round) })
		same(w, fmt.Sprintf("%s: UnitHistory of round %d", step, round), func(s implemented) (data.RoundHistory, error) { return s.UnitHistory(ctx, round) })
	}
	same(w, step+": Walk", func(s implemented) ([]walked, error) { return walkAll(ctx, s) })
	same(w, step+": WalkActions", func(s implemented) ([]data.Action, error) { return walkActions(ctx, s) })
}

// sameRecords is TestSameAsBolt's part for the records interface, on the
// twin as TestSameAsBolt leaves it before its audit comparison: the
// households and problems it made, round 2 current.
func sameRecords(t *testing.T, w *twin) {
	ctx := w.ctx
	same(w, "SetCurrentRound 1", func(s implemented) (int, error) { return 0, s.SetCurrentRound(ctx, 1) })
	sameCounters(w, "before")

	// More problems, in round 1, the current one now.
	for i, p := range []data.Problem{
		{HouseholdID: 1, Category: 2, SubProblem: "ขาดแคลนน้ำใช้", SurveyYear: 2567},
		{HouseholdID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565, ReXRay: data.ReXRayUnsolved, TargetDate: data.NewDate(2024, 5, 1)},
		{HouseholdID: 2, Category: 4, SubProblem: "ไม่มีอาชีพ/ว่างงาน", SurveyYear: 2567, Urgent: true, TargetDate: data.NewDate(2024, 7, 1), LeadAgency: "อบต.บ้านใหม่"},
		{HouseholdID: 3, Category: 6, SubProblem: "คนพิการ", SurveyYear: 2567, Status: data.InProgress},
		{HouseholdID: 5, Category: 7, SubProblem: "อื่น ๆ (ระบุ)", SurveyYear: 2565, Status: data.SelfSolved},
	} {
		same(w, fmt.Sprintf("CreateProblem %d in round 1", i), func(s implemented) (data.Problem, error) {
			p := p
			err := s.CreateProblem(ctx, &p)
			return p, err
		})
	}
	sameCounters(w, "new problems")

	problems := func(what string, f data.ProblemFilter) {
		same(w, fmt.Sprintf("Problems %s %+v", what, f), func(s implemented) ([]data.Problem, error) { return s.Problems(ctx, f) })
	}
	for _, f := range []data.ProblemFilter{{}, {RoundID: 2}, {HouseholdID: 1}, {HouseholdID: 1, RoundID: 1}, {AreaCode: "4101"}, {AreaCode: "410102"},
		{AreaCode: "42"}, {Category: 4}, {Status: data.NotStarted}, {UrgentOnly: true}, {OverdueOn: data.NewDate(2024, 6, 1)},
		{OverdueOn: data.NewDate(2024, 10, 1)}, {Limit: 2}, {Category: 4, Limit: 1}, {RoundID: 9}, {HouseholdID: 99}, {AreaCode: "%"}} {
		problems("", f)
	}

	// Updates: a problem read, changed and stored.
	update := func(what string, id uint64, change func(p *data.Problem)) {
		same(w, "UpdateProblem "+what, func(s implemented) (data.Problem, error) {
			p, err := s.Problem(ctx, id)
			if err != nil {
				return p, err
			}
			change(&p)
			err = s.UpdateProblem(ctx, &p)
			return p, err
		})
	}
	first := uint64(0)
	if ps, err := w.pg.Problems(ctx, data.ProblemFilter{HouseholdID: 1, RoundID: 1}); err != nil || len(ps) != 2 {
		t.Fatalf("household 1's problems of round 1: %+v %v", ps, err)
	} else {
		first = ps[0].ID
	}
	update("detail and lead agency", first, func(p *data.Problem) {
		p.Detail, p.LeadAgency = "  ซ่อม  หลังคา ", "อบต. บ้านใหม่"
	})
	update("in progress", first, func(p *data.Problem) { p.Status = data.InProgress })
	update("closing without a reason", first, func(p *data.Problem) { p.Status = data.Closed })
	update("to another household", first, func(p *data.Problem) { p.HouseholdID = 2 })
	update("to another round", first, func(p *data.Problem) { p.RoundID = 2 })
	update("of round 2, not the current one", 1, func(p *data.Problem) { p.Detail = "x" })
	update("not there", 99, func(p *data.Problem) {})
	update("category 9", first, func(p *data.Problem) { p.Category = 9 })
	update("solved", first+1, func(p *data.Problem) { p.Status, p.ReXRay = data.Solved, data.ReXRaySolved })
	update("closed with a reason", first+2, func(p *data.Problem) { p.Status, p.CloseReason = data.Closed, "ย้ายออก" })
	update("reopened", first+2, func(p *data.Problem) { p.Status = data.NotStarted })
	update("urgent, a new target date", first+3, func(p *data.Problem) { p.Urgent, p.TargetDate = true, data.NewDate(2024, 5, 15) })
	sameCounters(w, "updates")

	// Actions.
	add := func(what string, a data.Action) {
		same(w, "AddAction "+what, func(s implemented) (data.Action, error) {
			err := s.AddAction(ctx, &a)
			return a, err
		})
	}
	add("with an agency and a budget", data.Action{ProblemID: first, Date: data.NewDate(2024, 5, 20), Agency: " อบต.บ้านใหม่ ", What: "ซ่อมหลังคา", Budget: 1_500_000})
	add("solving", data.Action{ProblemID: first, Date: data.NewDate(2024, 5, 28), Agency: "พมจ.", What: "มอบเงิน", Result: data.Solved})
	add("closing, the reason in the note", data.Action{ProblemID: first + 2, Date: data.NewDate(2024, 6, 1), What: "ติดตาม", Result: data.Closed, Note: "เสียชีวิต"})
	add("closing, the reason in what was done", data.Action{ProblemID: first + 3, Date: data.NewDate(2024, 6, 1), What: "ย้ายออกนอกพื้นที่", Result: data.Closed})
	add("keyed into ThaiQM", data.Action{ProblemID: first + 4, Date: data.NewDate(2024, 4, 1), Agency: "รพ.สต.", What: "เยี่ยมบ้าน", ThaiQMOn: data.NewDate(2024, 4, 2)})
	add("without a date", data.Action{ProblemID: first, What: "x"})
	add("in the future", data.Action{ProblemID: first, What: "x", Date: data.NewDate(2024, 6, 2)})
	add("empty", data.Action{ProblemID: first, Date: data.NewDate(2024, 6, 1)})
	add("negative budget", data.Action{ProblemID: first, Date: data.NewDate(2024, 6, 1), What: "x", Budget: -1})
	add("of a problem of round 2", data.Action{ProblemID: 1, Date: data.NewDate(2024, 6, 1), What: "x"})
	add("of no problem", data.Action{ProblemID: 99, Date: data.NewDate(2024, 6, 1), What: "x"})
	for id := uint64(1); id <= first+5; id++ {
		same(w, fmt.Sprintf("Actions %d", id), func(s implemented) ([]data.Action, error) { return s.Actions(ctx, id) })
	}
	sameCounters(w, "actions")

	// The ThaiQM marks.
	mark := func(what string, ids []uint64, on data.Date) {
		same(w, "MarkThaiQM "+what, func(s implemented) (int, error) { return s.MarkThaiQM(ctx, ids, on) })
	}
	mark("in the future", []uint64{first}, data.NewDate(2024, 6, 2))
	mark("before the round", []uint64{first}, data.NewDate(2024, 2, 1))
	mark("some, one of round 2", []uint64{first + 1, first, 1}, data.NewDate(2024, 5, 31))
	mark("again", []uint64{first, first + 1}, data.NewDate(2024, 5, 31))
	mark("one not there", []uint64{first + 2, 99}, data.NewDate(2024, 5, 31))
	mark("taken off", []uint64{first + 1}, data.Date{})
	markAction := func(what string, problem, action uint64, on data.Date) {
		same(w, "MarkActionThaiQM "+what, func(s implemented) (int, error) { return 0, s.MarkActionThaiQM(ctx, problem, action, on) })
	}
	acts, err := w.pg.Actions(ctx, first)
	if err != nil || len(acts) < 2 {
		t.Fatalf("actions of %d: %+v %v", first, acts, err)
	}
	markAction("taken off", first, acts[0].ID, data.Date{})
	markAction("taken off again", first, acts[0].ID, data.Date{})
	markAction("on a day", first, acts[0].ID, data.NewDate(2024, 6, 1))
	markAction("of another problem", first+1, acts[0].ID, data.NewDate(2024, 6, 1))
	markAction("not there", first, 999, data.NewDate(2024, 6, 1))
	markAction("in the future", first, acts[0].ID, data.NewDate(2025, 1, 1))
	markAction("of round 2", 1, acts[0].ID, data.NewDate(2024, 6, 1))
	markAction("of no problem", 99, acts[0].ID, data.NewDate(2024, 6, 1))
	for id := first; id <= first+5; id++ {
		same(w, fmt.Sprintf("Actions %d, marked", id), func(s implemented) ([]data.Action, error) { return s.Actions(ctx, id) })
		same(w, fmt.Sprintf("Problem %d, marked", id), func(s implemented) (data.Problem, error) { return s.Problem(ctx, id) })
	}
	sameCounters(w, "marks")

	// The agencies.
	same(w, "AgencyAliases, none", func(s implemented) (data.AgencyAliases, error) { return s.AgencyAliases(ctx) })
	for _, c := range [][2]string{{"อบต.บ้านใหม่", "องค์การบริหารส่วนตำบล บ้านใหม่ "}, {"อบต. บ้านใหม่", "อบต.บ้านใหม่"}, {"พมจ.", "รพ.สต."}, {"รพ.สต.", "พมจ"}, {" ", "x"}, {"สสอ.", "รพ.สต."}} {
		same(w, "MergeAgency "+c[0]+" into "+c[1], func(s implemented) (int, error) { return 0, s.MergeAgency(ctx, c[0], c[1]) })
	}
	same(w, "AgencyAliases", func(s implemented) (data.AgencyAliases, error) { return s.AgencyAliases(ctx) })
	for _, from := range []string{"สสอ", "สสอ.", "กศน."} {
		same(w, "UnmergeAgency "+from, func(s implemented) (int, error) { return 0, s.UnmergeAgency(ctx, from) })
	}
	same(w, "AgencyAliases after unmerging", func(s implemented) (data.AgencyAliases, error) { return s.AgencyAliases(ctx) })
	for _, round := range []uint64{1, 2, 9} {
		for _, area := range []string{"", "41", "4101", "410102", "42", "%"} {
			same(w, fmt.Sprintf("AgencyWork round %d area %q", round, area), func(s implemented) ([]data.AgencyWork, error) { return agencyWork(ctx, s, round, area) })
		}
	}

	randomWrites(t, w, 7, 160)
}

// randomWrites makes n random writes (problems made and changed, actions,
// marks, households moved) with seed, each on both stores through same,
// and compares the counters and the walks every 20 writes.
func randomWrites(t *testing.T, w *twin, seed uint64, n int) {
	ctx := w.ctx
	rng := rand.New(rand.NewPCG(seed, seed))
	subs := data.DefaultSubProblems()
	day := func() data.Date { return data.NewDate(2024, 3, 1).AddDays(rng.IntN(93)) } // 1 March – 1 June 2024
	maxID := func() uint64 {
		ps, err := w.pg.Problems(ctx, data.ProblemFilter{RoundID: 1})
		if err != nil || len(ps) == 0 {
			t.Fatalf("problems of round 1: %v", err)
		}
		m := uint64(0)
		for _, p := range ps {
			m = max(m, p.ID)
		}
		return m
	}()
	households := uint64(5)
	tambons := []string{"410101", "410102", "410103", "410201"}
	for i := range n {
		step := fmt.Sprintf("random write %d", i)
		switch op := rng.IntN(7); op {
		case 0: // a new problem
			e := subs[rng.IntN(len(subs))]
			p := data.Problem{HouseholdID: 1 + rng.Uint64N(households), Category: e.Category, SubProblem: e.Name, Urgent: rng.IntN(3) == 0,
				SurveyYear: []int{2565, 2567}[rng.IntN(2)], Status: data.Status(1 + rng.IntN(5)), CloseReason: "ย้ายออก"}
			if rng.IntN(2) == 0 {
				p.TargetDate = day()
			}
			if p.SurveyYear == 2565 {
				p.ReXRay = data.ReXRay(rng.IntN(4))
			}
			same(w, step+": CreateProblem", func(s implemented) (data.Problem, error) {
				p := p
				err := s.CreateProblem(ctx, &p)
				return p, err
			})
			maxID++
		case 1, 2: // a problem changed
			id := 1 + rng.Uint64N(maxID)
			status, urgent, target, rexray := data.Status(1+rng.IntN(5)), rng.IntN(2) == 0, day(), data.ReXRay(rng.IntN(4))
			same(w, step+": UpdateProblem", func(s implemented) (data.Problem, error) {
				p, err := s.Problem(ctx, id)
				if err != nil {
					return p, err
				}
				p.Status, p.Urgent, p.TargetDate, p.CloseReason = status, urgent, target, "ปฏิเสธความช่วยเหลือ"
				if p.SurveyYear == 2565 {
					p.ReXRay = rexray
				}
				err = s.UpdateProblem(ctx, &p)
				return p, err
			})
		case 3: // an action
			a := data.Action{ProblemID: 1 + rng.Uint64N(maxID), Date: day(), Agency: []string{"", "อบต.บ้านใหม่", "พมจ.", "รพ.สต.หนองบัว"}[rng.IntN(4)],
				What: "ติดตาม", Budget: int64(rng.IntN(3)) * 50_000, Result: data.Status(rng.IntN(6)), Note: "หมายเหตุ"}
			if rng.IntN(3) == 0 {
				a.ThaiQMOn = data.NewDate(2024, 6, 1)
			}
			same(w, step+": AddAction", func(s implemented) (data.Action, error) {
				a := a
				err := s.AddAction(ctx, &a)
				return a, err
			})
		case 4: // marks
			ids := []uint64{1 + rng.Uint64N(maxID), 1 + rng.Uint64N(maxID), 1 + rng.Uint64N(maxID)}
			on := []data.Date{{}, day()}[rng.IntN(2)]
			same(w, step+": MarkThaiQM", func(s implemented) (int, error) { return s.MarkThaiQM(ctx, ids, on) })
		case 5: // a household moved, or of another origin
			id := 1 + rng.Uint64N(households)
			tambon, origin := tambons[rng.IntN(len(tambons))], data.Origin(1+rng.IntN(2))
			same(w, step+": UpdateHousehold", func(s implemented) (data.Household, error) {
				h, err := s.Household(ctx, id)
				if err != nil {
					return h, err
				}
				h.TambonCode, h.Origin, h.Unit = tambon, origin, ""
				err = s.UpdateHousehold(ctx, &h)
				return h, err
			})
		case 6: // the municipalities changed: households move in and out
			var l data.UnitList
			for j := range rng.IntN(3) {
				l = append(l, data.UnitList{{Name: fmt.Sprintf("เทศบาลตำบล %d", j), Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: tambons[rng.IntN(len(tambons))], Full: rng.IntN(2) == 0}}}}...)
			}
			same(w, step+": SetUnits", func(s implemented) (int, error) { return 0, s.SetUnits(ctx, l) })
		}
		if i%20 == 19 || i == n-1 {
			sameCounters(w, step)
		}
	}
}
