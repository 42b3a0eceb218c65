package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"qmdesk/data"
)

// testCountersEqualRecount: after every kind of write (households
// created, moved between tambons and municipalities and changing origin,
// problems created and changed, actions, ThaiQM marks, a bulk load, a
// change of the municipalities, a new round carrying the open problems),
// every counter equals a recount from the records.
func testCountersEqualRecount(t *testing.T, e *env) {
	e.must(e.s.SetUnits(e.ctx, data.UnitList{
		{Name: data.UnitCity.Term().Thai + "อุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}, {Code: "410102"}}},
		{Name: data.UnitTown.Term().Thai + "หนองสำโรง", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: "410102"}}},
	}), "SetUnits")
	units, err := e.s.Units(e.ctx)
	e.must(err, "Units")
	if len(units) != 2 || units[0].Code == "" || units[0].Code == units[1].Code {
		t.Fatalf("units get codes of their own: %+v", units)
	}
	codes := []string{"", units[0].Code, units[1].Code}
	r := rand.New(rand.NewPCG(16, 2))
	tambons := []string{"410101", "410102", "410201", "410301"}
	var hhs, pids []uint64
	ops := 400
	if testing.Short() {
		ops = 150
	}
	randomProblem := func(hh uint64) *data.Problem {
		return &data.Problem{HouseholdID: hh, Category: data.Category(r.IntN(7) + 1), SubProblem: "หนี้สิน", SurveyYear: []int{2565, 2567}[r.IntN(2)],
			Urgent: r.IntN(4) == 0, ReXRay: data.ReXRay(r.IntN(4)), TargetDate: data.NewDate(2024, time.Month(r.IntN(9)+3), 1)}
	}
	step := func(i int) {
		switch op := r.IntN(20); {
		case op < 3 || len(hhs) == 0:
			h := household(i+1, tambons[r.IntN(len(tambons))])
			h.Origin = data.Origin(r.IntN(2) + 1)
			h.Unit = codes[r.IntN(3)]
			e.must(e.s.CreateHousehold(e.ctx, h), "CreateHousehold")
			hhs = append(hhs, h.ID)
		case op < 7:
			p := randomProblem(hhs[r.IntN(len(hhs))])
			e.must(e.s.CreateProblem(e.ctx, p), "CreateProblem")
			pids = append(pids, p.ID)
		case op < 10 && len(pids) > 0:
			p, err := e.s.Problem(e.ctx, pids[r.IntN(len(pids))])
			e.must(err, "Problem")
			p.Status = data.Statuses[r.IntN(5)]
			p.CloseReason = "ซ้ำกับปัญหาอื่น"
			if r.IntN(3) == 0 {
				p.Category = data.Category(r.IntN(7) + 1)
			}
			p.Urgent = r.IntN(4) == 0
			p.ReXRay = data.ReXRay(r.IntN(4))
			e.must(e.s.UpdateProblem(e.ctx, &p), "UpdateProblem")
		case op < 13:
			h, err := e.s.Household(e.ctx, hhs[r.IntN(len(hhs))])
			e.must(err, "Household")
			switch r.IntN(3) {
			case 0:
				h.TambonCode = tambons[r.IntN(len(tambons))]
			case 1:
				h.Unit = codes[r.IntN(3)]
			default:
				h.Origin = 3 - h.Origin
			}
			e.must(e.s.UpdateHousehold(e.ctx, &h), "UpdateHousehold")
		case op < 16 && len(pids) > 0:
			a := &data.Action{ProblemID: pids[r.IntN(len(pids))], Date: data.NewDate(2024, 7, 1+r.IntN(30)), Agency: "อบต.", What: "ติดตาม"}
			if r.IntN(2) == 0 {
				a.Result = data.Statuses[r.IntN(4)]
			}
			if r.IntN(3) == 0 {
				a.ThaiQMOn = data.NewDate(2024, 7, 31)
			}
			e.must(e.s.AddAction(e.ctx, a), "AddAction")
		case op < 17 && len(pids) > 0:
			var ids []uint64
			for range 1 + r.IntN(4) {
				ids = append(ids, pids[r.IntN(len(pids))])
			}
			on := Today
			if r.IntN(3) == 0 {
				on = data.Date{} // the marks taken off
			}
			_, err := e.s.MarkThaiQM(e.ctx, ids, on)
			e.must(err, "MarkThaiQM")
		case op < 18:
			l, _ := e.s.Units(e.ctx)
			l[0].Tambons[1].Full = !l[0].Tambons[1].Full
			e.must(e.s.SetUnits(e.ctx, l), "SetUnits")
		default:
			h := household(i+1, tambons[r.IntN(len(tambons))])
			h.Origin = data.OriginMissed
			b := data.Bundle{Household: *h}
			for range 1 + r.IntN(3) {
				b.Problems = append(b.Problems, data.ProblemBundle{Problem: *randomProblem(0),
					Actions: []data.Action{{Date: data.NewDate(2024, 6, 2), What: "สำรวจ", Agency: "อำเภอ"}}})
			}
			e.must(e.s.Load(e.ctx, []data.Bundle{b}), "Load")
			l, _ := e.s.HouseholdsByHouseCode(e.ctx, h.HouseCode)
			for _, h := range l {
				hhs = append(hhs, h.ID)
				ps, _ := e.s.ProblemsOf(e.ctx, h.ID)
				for _, p := range ps {
					pids = append(pids, p.ID)
				}
			}
		}
	}
	for i := range ops {
		step(i)
		if i%100 == 99 {
			e.checkCounters(fmt.Sprintf("after %d random writes", i+1))
		}
	}
	e.checkCounters("after the random writes")
	e.coversEveryCounter(e.round.ID, "SHDXNQ")
	// A new round carries the open problems; the old ones stay as they
	// were, counted as carried.
	next := &data.Round{Name: "รอบติดตาม 2568", SurveyYear: 2565, Start: data.NewDate(2024, 8, 1), Deadline: data.NewDate(2025, 9, 30)}
	carried, err := e.s.StartRound(e.ctx, next, e.round.ID)
	e.must(err, "StartRound")
	if carried == 0 {
		t.Fatal("no open problem was carried")
	}
	e.checkCounters("after a new round")
	e.coversEveryCounter(e.round.ID, "C")
	pids = pids[:0]
	ps, err := e.s.Problems(e.ctx, data.ProblemFilter{RoundID: next.ID})
	e.must(err, "Problems")
	if len(ps) != carried {
		t.Fatalf("%d carried, %d in the new round", carried, len(ps))
	}
	for _, p := range ps {
		pids = append(pids, p.ID)
	}
	for i := range ops / 4 {
		step(ops + i)
	}
	e.checkCounters("after writes in the new round")
}

// testEarlierRound: after a new round carries a problem, the problem it
// was carried from is refused any change (ECONFLICT) and stays as it
// ended, linked both ways to its carried copy.
func testEarlierRound(t *testing.T, e *env) {
	h := household(1, "410101")
	e.must(e.s.CreateHousehold(e.ctx, h), "CreateHousehold")
	open := &data.Problem{HouseholdID: h.ID, Category: 1, SubProblem: "ไม่มีที่อยู่อาศัย", Urgent: true, SurveyYear: 2565}
	e.must(e.s.CreateProblem(e.ctx, open), "CreateProblem")
	solved := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565, Status: data.Solved}
	e.must(e.s.CreateProblem(e.ctx, solved), "CreateProblem")
	next := &data.Round{Name: "รอบติดตาม 2568", SurveyYear: 2565, Start: data.NewDate(2024, 8, 1), Deadline: data.NewDate(2025, 9, 30)}
	n, err := e.s.StartRound(e.ctx, next, e.round.ID)
	e.must(err, "StartRound")
	if n != 1 || next.ID == 0 {
		t.Fatalf("carried %d (round %+v), want the one open problem", n, next)
	}
	if m, _ := e.s.Meta(e.ctx); m.DefaultRound != next.ID {
		t.Fatalf("the new round is not the current one: %+v", m)
	}
	old, _ := e.s.Problem(e.ctx, open.ID)
	if old.CarriedTo == 0 {
		t.Fatalf("the open problem was not carried: %+v", old)
	}
	carried, err := e.s.Problem(e.ctx, old.CarriedTo)
	e.must(err, "Problem")
	if carried.CarriedFrom != old.ID || carried.RoundID != next.ID || carried.Category != old.Category || carried.Status != old.Status || carried.HouseholdID != h.ID {
		t.Fatalf("carried copy %+v of %+v", carried, old)
	}
	before := e.dump()
	old.Status = data.InProgress
	e.wantCode(e.s.UpdateProblem(e.ctx, &old), data.ECONFLICT, "a change of a carried problem")
	e.wantCode(e.s.AddAction(e.ctx, &data.Action{ProblemID: solved.ID, Date: Today, What: "ติดตาม"}), data.ECONFLICT, "an action on a problem of an earlier round")
	e.sameDump("after refused changes to an earlier round", e.dump(), before)
	// Carrying again carries nothing more.
	if n, err := e.s.CarryOver(e.ctx, e.round.ID, next.ID); err != nil || n != 0 {
		t.Fatalf("carrying again: %d %v", n, err)
	}
	e.checkCounters("earlier round")
}

// coversEveryCounter fails unless the records make counters of each kind
// (the first letters of the recount's keys) under tambons and under
// units: a recount that is all zeros would prove nothing.
func (e *env) coversEveryCounter(round uint64, kinds string) {
	e.t.Helper()
	r := readRegister(e)
	for _, units := range []bool{false, true} {
		c := r.recountCounts(round, data.NewDate(2030, 1, 1), units)
		for _, kind := range kinds {
			found := false
			for k := range c {
				found = found || k[0] == byte(kind)
			}
			if !found {
				e.t.Fatalf("the writes made no counter %c (units %v)", kind, units)
			}
		}
	}
}
