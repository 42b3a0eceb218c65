package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"qmdesk/data"
)

// lastEntry reads the audit log's last entry.
func (e *env) lastEntry() data.AuditEntry {
	e.t.Helper()
	l := e.audit()
	if len(l) == 0 {
		e.t.Fatal("the audit log is empty")
	}
	return l[len(l)-1]
}

// testListsStoredAndAudited: the sub-problem list and the municipalities
// read back as set (names cleaned, units given codes), each change with
// its audit entry; an invalid list is refused and changes nothing; a
// sub-problem's flags reach the problems of the current round (and their
// counters); a household in a tambon a unit covers wholly is in it.
func testListsStoredAndAudited(t *testing.T, e *env) {
	h := household(1, "410101")
	e.must(e.s.CreateHousehold(e.ctx, h), "CreateHousehold")
	p := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567}
	e.must(e.s.CreateProblem(e.ctx, p), "CreateProblem")
	l, err := e.s.SubProblems(e.ctx)
	e.must(err, "SubProblems")
	l = append(l, data.SubProblem{Category: 2, Name: " น้ำท่วมขัง\u200b ", Urgent: true})
	e.must(e.s.SetSubProblems(e.ctx, l), "SetSubProblems")
	got, _ := e.s.SubProblems(e.ctx)
	if sp, ok := got.Find(2, "น้ำท่วมขัง"); !ok || !sp.Urgent || sp.Name != "น้ำท่วมขัง" {
		t.Fatalf("the list as read back: %+v", sp)
	}
	if x := e.lastEntry(); x.Entity != "subproblems" || x.Before == nil || x.After == nil || x.Who != Operator {
		t.Fatalf("the list's change is not audited: %+v", x)
	}
	before := e.dump()
	e.wantCode(e.s.SetSubProblems(e.ctx, data.SubProblemList{{Category: 9, Name: "x"}}), data.EINVALID, "a list with category 9")
	e.sameDump("after a refused list", e.dump(), before)
	for i := range got {
		if got[i].Category == 4 && got[i].Name == "หนี้สิน" {
			got[i].Urgent, got[i].Sensitive = true, true
		}
	}
	e.must(e.s.SetSubProblems(e.ctx, got), "SetSubProblems")
	if q, _ := e.s.Problem(e.ctx, p.ID); !q.Urgent || !q.Sensitive {
		t.Fatalf("the flags did not reach the problem: %+v", q)
	}
	e.checkCounters("after flags")
	// Municipalities.
	units := data.UnitList{{Name: data.UnitCity.Term().Thai + "อุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}}}}
	e.must(e.s.SetUnits(e.ctx, units), "SetUnits")
	ul, err := e.s.Units(e.ctx)
	e.must(err, "Units")
	if len(ul) != 1 || ul[0].Name != units[0].Name || !data.IsUnitCode(ul[0].Code) || len(ul[0].Tambons) != 1 || !ul[0].Tambons[0].Full {
		t.Fatalf("units as read back: %+v", ul)
	}
	if x := e.lastEntry(); x.Entity != "units" || x.Who != Operator {
		t.Fatalf("the units' change is not audited: %+v", x)
	}
	if got, _ := e.s.Household(e.ctx, h.ID); got.Unit != ul[0].Code {
		t.Fatalf("a household of a tambon the unit covers wholly: unit %q, want %q", got.Unit, ul[0].Code)
	}
	e.checkCounters("after units")
	e.must(e.s.SetUnits(e.ctx, nil), "SetUnits")
	if got, _ := e.s.Household(e.ctx, h.ID); got.Unit != "" {
		t.Fatalf("the units gone, the household keeps unit %q", got.Unit)
	}
	e.checkCounters("after the units are gone")
}

// testAgencyMerges: the clerk's merges of agency names are stored and
// audited, a circle is refused, an unmerge takes one back; AgencyWork
// reads each action naming an agency of the round's problems in an area.
func testAgencyMerges(t *testing.T, e *env) {
	if a, err := e.s.AgencyAliases(e.ctx); err != nil || len(a) != 0 {
		t.Fatalf("a new store's merges: %v %v", a, err)
	}
	e.must(e.s.MergeAgency(e.ctx, "อบต.นาดี", "อบต.บ้านใหม่"), "MergeAgency")
	n := len(e.audit())
	e.wantCode(e.s.MergeAgency(e.ctx, "อบต.บ้านใหม่", "อบต. นาดี"), data.EINVALID, "a circle of merges")
	if len(e.audit()) != n {
		t.Fatal("a refused merge was audited")
	}
	a, err := e.s.AgencyAliases(e.ctx)
	if err != nil || a.Resolve("องค์การบริหารส่วนตำบลนาดี") != data.AgencyKey("อบต.บ้านใหม่") {
		t.Fatalf("merges: %v %v", a, err)
	}
	if x := e.lastEntry(); x.Entity != "agency_aliases" || !strings.Contains(x.Note, "อบต.นาดี") || x.Who != Operator {
		t.Fatalf("the merge's audit entry: %+v", x)
	}
	e.must(e.s.UnmergeAgency(e.ctx, "องค์การบริหารส่วนตำบล นาดี"), "UnmergeAgency")
	if err := e.s.UnmergeAgency(e.ctx, "อบต.นาดี"); data.ErrorCode(err) != data.ENOTFOUND {
		t.Fatalf("an unmerge of a name not merged: %v", err)
	}
	if a, _ := e.s.AgencyAliases(e.ctx); len(a) != 0 {
		t.Fatalf("after the unmerge: %v", a)
	}
	// The agencies' work.
	h := household(1, "410101")
	e.must(e.s.CreateHousehold(e.ctx, h), "CreateHousehold")
	p := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567, Detail: `"round_id":7,"status":3`}
	e.must(e.s.CreateProblem(e.ctx, p), "CreateProblem")
	day := data.NewDate(2024, 4, 1)
	for _, a := range []data.Action{
		{ProblemID: p.ID, Date: day, Agency: `อบต."ใหม่"`, Budget: 12345},
		{ProblemID: p.ID, Date: day, Agency: `A<B & C`, What: `"agency":"x"`},
		{ProblemID: p.ID, Date: day, What: "ไม่ระบุหน่วย", Budget: 100},
		{ProblemID: p.ID, Date: day, Agency: "รพ.สต.", Result: data.Solved},
	} {
		e.must(e.s.AddAction(e.ctx, &a), "AddAction")
	}
	work := func(round uint64, area string) (out []data.AgencyWork) {
		e.must(e.s.AgencyWork(e.ctx, round, area, func(w data.AgencyWork) error { out = append(out, w); return nil }), "AgencyWork")
		return out
	}
	want := []data.AgencyWork{
		{ProblemID: p.ID, Category: 4, Solved: true, Agency: `อบต."ใหม่"`, Budget: 12345},
		{ProblemID: p.ID, Category: 4, Solved: true, Agency: `A<B & C`},
		{ProblemID: p.ID, Category: 4, Solved: true, Agency: "รพ.สต."},
	}
	sameAs(t, "the agencies' work", work(e.round.ID, ""), want)
	sameAs(t, "the agencies' work in the household's amphoe", work(e.round.ID, "4101"), want)
	if w := work(e.round.ID, "4102"); len(w) != 0 {
		t.Fatalf("another amphoe's work: %+v", w)
	}
	if w := work(e.round.ID+1, ""); len(w) != 0 {
		t.Fatalf("another round's work: %+v", w)
	}
}

// testLoadAllIsAllOrNothing: a bulk load whose fill fails after loading a
// batch takes every batch, and the units it set, back out; one that
// succeeds marks the store as demo data and counts what it loaded.
func testLoadAllIsAllOrNothing(t *testing.T, e *env) {
	before := e.dump()
	units := data.UnitList{{Name: data.UnitCity.Term().Thai + "อุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}}}}
	bundle := func(n int) data.Bundle {
		return data.Bundle{Household: *household(n, "410101"), Problems: []data.ProblemBundle{{
			Problem: data.Problem{Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565},
			Actions: []data.Action{{Date: data.NewDate(2024, 6, 1), Agency: "อบต.", What: "สำรวจ"}}}}}
	}
	stop := errors.New("the fill stops")
	err := e.s.LoadAllUnits(e.ctx, units, func(load func([]data.Bundle) error) error {
		if err := load([]data.Bundle{bundle(1), bundle(2)}); err != nil {
			return err
		}
		if err := load([]data.Bundle{bundle(3)}); err != nil {
			return err
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("a failed load: %v", err)
	}
	e.sameUpToLog("after a failed load", e.dump(), before)
	e.must(e.s.LoadAllUnits(e.ctx, units, func(load func([]data.Bundle) error) error {
		return load([]data.Bundle{bundle(1), bundle(2), bundle(3)})
	}), "LoadAllUnits")
	m, _ := e.s.Meta(e.ctx)
	if !m.Demo {
		t.Fatal("a loaded store is not marked as demo data")
	}
	if sz, _ := e.s.Sizes(e.ctx); sz != (data.Sizes{Households: 3, Problems: 3, Actions: 3}) {
		t.Fatalf("loaded: %+v", sz)
	}
	if l, _ := e.s.Units(e.ctx); len(l) != 1 {
		t.Fatalf("the load's units: %+v", l)
	}
	e.checkCounters("after a load")
}

// testWalkStops: Walk and WalkActions stop at an error of fn, which they
// return; under a cancelled context they stop with its error or go
// through whole.
func testWalkStops(t *testing.T, e *env) {
	for i := 1; i <= 3; i++ {
		h := household(i, "410101")
		e.must(e.s.CreateHousehold(e.ctx, h), "CreateHousehold")
		p := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}
		e.must(e.s.CreateProblem(e.ctx, p), "CreateProblem")
		e.must(e.s.AddAction(e.ctx, &data.Action{ProblemID: p.ID, Date: Today, What: "ติดตาม"}), "AddAction")
	}
	stop := errors.New("enough")
	n := 0
	if err := e.s.Walk(e.ctx, func(data.Household, []data.Problem) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Fatalf("Walk after fn's error: %v, %d calls", err, n)
	}
	n = 0
	if err := e.s.WalkActions(e.ctx, func(data.Action) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Fatalf("WalkActions after fn's error: %v, %d calls", err, n)
	}
	// Under a cancelled context a walk stops with the context's error, or
	// (a walk that looks at the context only now and then: bbolt's
	// WalkActions every 10,000 actions) goes through whole: never a walk
	// cut short that says it is done.
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	n = 0
	if err := e.s.Walk(ctx, func(data.Household, []data.Problem) error { n++; return nil }); !errors.Is(err, context.Canceled) && (err != nil || n != 3) {
		t.Fatalf("Walk under a cancelled context: %v after %d households of 3", err, n)
	}
	n = 0
	if err := e.s.WalkActions(ctx, func(data.Action) error { n++; return nil }); !errors.Is(err, context.Canceled) && (err != nil || n != 3) {
		t.Fatalf("WalkActions under a cancelled context: %v after %d actions of 3", err, n)
	}
}
