package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"qmdesk/data"
)

// rounds is the part of data.Store that starts rounds and carries
// problems over.
type rounds interface {
	CarryOver(ctx context.Context, from, to uint64) (int, error)
	StartRound(ctx context.Context, r *data.Round, carryFrom uint64) (int, error)
	Load(ctx context.Context, bundles []data.Bundle) error
	LoadAll(ctx context.Context, fill func(load func([]data.Bundle) error) error) error
	LoadAllUnits(ctx context.Context, units data.UnitList, fill func(load func([]data.Bundle) error) error) error
}

// sameRoundCounters is sameCounters with the counters of round 3 and of
// the rounds more, then checkRecount.
func sameRoundCounters(w *twin, step string, more ...uint64) {
	w.t.Helper()
	ctx := w.ctx
	sameCounters(w, step)
	for _, round := range append([]uint64{3}, more...) {
		for _, due := range []data.Date{{}, data.NewDate(2024, 6, 1), data.NewDate(2026, 1, 1)} {
			same(w, fmt.Sprintf("%s: Counts of round %d due before %s", step, round, due), func(s implemented) (data.RoundCounts, error) { return s.Counts(ctx, round, due) })
			same(w, fmt.Sprintf("%s: UnitCounts of round %d due before %s", step, round, due), func(s implemented) (data.RoundCounts, error) { return s.UnitCounts(ctx, round, due) })
		}
		same(w, fmt.Sprintf("%s: History of round %d", step, round), func(s implemented) (data.RoundHistory, error) { return s.History(ctx, round) })
		same(w, fmt.Sprintf("%s: UnitHistory of round %d", step, round), func(s implemented) (data.RoundHistory, error) { return s.UnitHistory(ctx, round) })
	}
	checkRecount(w.t, w.dsn)
}

// sameRounds is TestSameAsBolt's part for the rounds interface, on the
// twin as sameRecords leaves it: round 1 current with its problems, round
// 2 with a few.
func sameRounds(t *testing.T, w *twin) {
	ctx := w.ctx
	carry := func(what string, from, to uint64) {
		same(w, "CarryOver "+what, func(s implemented) (int, error) { return s.CarryOver(ctx, from, to) })
	}
	carry("into the same round", 1, 1)
	carry("from no round", 9, 1)
	carry("into no round", 1, 9)
	start := func(what string, r data.Round, from uint64) {
		type started struct {
			R       data.Round
			Carried int
		}
		same(w, "StartRound "+what, func(s implemented) (started, error) {
			r := r
			n, err := s.StartRound(ctx, &r, from)
			if err != nil {
				// A refused start's round is not compared: the bbolt
				// store leaves the ID its rolled-back transaction gave
				// in r. Rounds, compared after, shows that none stayed.
				return started{Carried: n}, err
			}
			return started{r, n}, err
		})
	}
	next := data.Round{Name: " รอบ  2569 ", SurveyYear: 2565, Start: data.NewDate(2025, time.October, 1), Deadline: data.NewDate(2026, time.September, 30)}
	start("without a name", data.Round{Name: " ", Start: next.Start, Deadline: next.Deadline}, 1)
	start("a name taken", data.Round{Name: "Re-X-Ray 2567", Start: next.Start, Deadline: next.Deadline}, 1)
	start("carrying from no round", next, 9) // nothing stays: not the round, not the current round
	same(w, "Rounds after a start refused", func(s implemented) ([]data.Round, error) { return s.Rounds(ctx) })
	same(w, "Meta after a start refused", func(s implemented) (data.Meta, error) { return noVersion(s.Meta(ctx)) })
	open := same(w, "Problems of round 1 open", func(s implemented) ([]data.Problem, error) {
		return s.Problems(ctx, data.ProblemFilter{RoundID: 1, Status: data.NotStarted})
	})
	if len(open) == 0 {
		t.Fatal("round 1 has no problem to carry")
	}
	start("carrying round 1", next, 1)
	same(w, "Rounds", func(s implemented) ([]data.Round, error) { return s.Rounds(ctx) })
	same(w, "Meta, round 3 current", func(s implemented) (data.Meta, error) { return noVersion(s.Meta(ctx)) })
	for _, f := range []data.ProblemFilter{{RoundID: 1}, {RoundID: 2}, {RoundID: 3}} {
		same(w, fmt.Sprintf("Problems %+v after the start", f), func(s implemented) ([]data.Problem, error) { return s.Problems(ctx, f) })
	}
	sameRoundCounters(w, "round 3 started")
	carry("from round 1 again: all carried", 1, 3)
	carry("from round 2", 2, 3)
	for _, f := range []data.ProblemFilter{{RoundID: 2}, {RoundID: 3}} {
		same(w, fmt.Sprintf("Problems %+v after the carry", f), func(s implemented) ([]data.Problem, error) { return s.Problems(ctx, f) })
	}
	same(w, "UpdateProblem of a carried problem", func(s implemented) (data.Problem, error) {
		p, err := s.Problem(ctx, open[0].ID)
		if err != nil {
			return p, err
		}
		p.Detail = "x"
		err = s.UpdateProblem(ctx, &p)
		return p, err
	})
	sameRoundCounters(w, "round 2 carried")
	carry("back into round 1", 3, 1)
	start("carrying nothing", data.Round{Name: "รอบ 2570", Start: data.NewDate(2026, time.October, 1), Deadline: data.NewDate(2027, time.September, 30)}, 0)
	same(w, "Meta, round 4 current", func(s implemented) (data.Meta, error) { return noVersion(s.Meta(ctx)) })
	sameRoundCounters(w, "round 4 started", 4)
	sameLoad(t, w)
	sameLoadAll(t, w)
}

// sameLoad compares Load, on the twin as sameRounds leaves it (round 4
// current).
func sameLoad(t *testing.T, w *twin) {
	ctx := w.ctx
	bundles := loadBundles
	load := func(what string, change func(b []data.Bundle)) {
		same(w, "Load "+what, func(s implemented) ([]data.Bundle, error) {
			b := bundles()
			if change == nil {
				b = nil
			} else {
				change(b)
			}
			err := s.Load(ctx, b)
			if err != nil {
				return nil, err // the bundles as a refused load left them are not compared
			}
			return b, err
		})
		same(w, "Sizes after Load "+what, func(s implemented) (data.Sizes, error) { return s.Sizes(ctx) })
	}
	load("of nothing", nil)
	load("with a household without a tambon", func(b []data.Bundle) { b[1].Household.TambonCode = "" })
	load("with a problem of no round", func(b []data.Bundle) { b[2].Problems[1].Problem.RoundID = 9 })
	load("with a problem closed without a reason", func(b []data.Bundle) { b[2].Problems[0].Problem.CloseReason = "" })
	load("with an action in the future", func(b []data.Bundle) { b[0].Problems[0].Actions[1].Date = data.NewDate(2024, 6, 2) })
	load("with an empty action", func(b []data.Bundle) { b[2].Problems[0].Actions[0].What = "" })
	load("of three households", func([]data.Bundle) {})
	same(w, "Households after Load", func(s implemented) ([]data.Household, error) { return s.Households(ctx, data.HouseholdFilter{}) })
	for _, f := range []data.ProblemFilter{{RoundID: 1}, {RoundID: 3}, {RoundID: 4}} {
		same(w, fmt.Sprintf("Problems %+v after Load", f), func(s implemented) ([]data.Problem, error) { return s.Problems(ctx, f) })
	}
	sameRoundCounters(w, "loaded", 4)
	// The IDs go on from the load's, as a record made after it shows.
	same(w, "CreateHousehold after Load", func(s implemented) (data.Household, error) {
		h := data.Household{HouseCode: "41010100010", TambonCode: "410101", Origin: data.OriginMissed}
		err := s.CreateHousehold(ctx, &h)
		return h, err
	})
	same(w, "AddAction after Load", func(s implemented) (data.Action, error) {
		a := data.Action{ProblemID: 1, Date: data.NewDate(2024, 6, 1), What: "x"}
		ps, err := s.Problems(ctx, data.ProblemFilter{RoundID: 4, Limit: 1})
		if err != nil || len(ps) == 0 {
			return a, fmt.Errorf("no problem of round 4: %v", err)
		}
		a.ProblemID = ps[0].ID
		err = s.AddAction(ctx, &a)
		return a, err
	})
}

// loadBundles are three households to load, with problems and actions,
// in tambons 410201, 410102 and 410101.
func loadBundles() []data.Bundle {
	id := validID("341020054321")
	return []data.Bundle{
		{Household: data.Household{HouseCode: "41020100001", HouseNo: " 7 ", TambonCode: "410201", Origin: data.OriginSurvey2565, Members: 3},
			Problems: []data.ProblemBundle{
				{Problem: data.Problem{Category: 1, SubProblem: " ไม่มีที่อยู่อาศัย ", SurveyYear: 2565, ReXRay: data.ReXRayUnsolved, CarriedFrom: 3},
					Actions: []data.Action{{Date: data.NewDate(2024, 5, 2), Agency: " อบต.บ้านใหม่ ", What: "สำรวจ", Budget: 10_000},
						{Date: data.NewDate(2024, 5, 3), What: "ซ่อม", Result: data.Solved, ThaiQMOn: data.NewDate(2024, 5, 4)}}},
				{Problem: data.Problem{RoundID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567, Status: data.InProgress, Urgent: true, TargetDate: data.NewDate(2024, 5, 1)}},
			}},
		{Household: data.Household{Head: data.Person{NationalID: id, FirstName: " สมปอง "}, TambonCode: "410102", Origin: data.OriginMissed}},
		{Household: data.Household{HouseCode: "41010100009", TambonCode: "410101", Origin: data.OriginMissed},
			Problems: []data.ProblemBundle{
				{Problem: data.Problem{RoundID: 3, Category: 2, SubProblem: "ขาดแคลนน้ำดื่ม", SurveyYear: 2567, Status: data.Closed, CloseReason: "ย้ายออก", ResolvedOn: data.NewDate(2024, 5, 20)},
					Actions: []data.Action{{Date: data.NewDate(2024, 5, 20), What: "ติดตาม", Result: data.Closed, Note: "ย้ายออก"}}},
				{Problem: data.Problem{Category: 6, SubProblem: "คนพิการ", SurveyYear: 2567}},
			}},
	}
}
