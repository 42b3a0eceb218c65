package storetest

import (
	"strings"
	"testing"
	"time"

	"qmdesk/data"
)

// readBoth reads household n and its first problem twice, as two clerks'
// screens would.
func (e *env) readBoth(n int) (h1, h2 data.Household, p1, p2 data.Problem) {
	e.t.Helper()
	hs, err := e.s.HouseholdsByHouseCode(e.ctx, houseCode(n))
	if err != nil || len(hs) != 1 {
		e.t.Fatalf("household %d: %+v %v", n, hs, err)
	}
	ps, err := e.s.ProblemsOf(e.ctx, hs[0].ID)
	if err != nil || len(ps) == 0 {
		e.t.Fatalf("problems of household %d: %+v %v", n, ps, err)
	}
	return hs[0], hs[0], ps[0], ps[0]
}

// wantStale fails the test unless err is the refusal of a change based on
// an old read of the record entity id, naming who changed it (Operator),
// when (the record's UpdatedAt as stored now) and the workbook of the
// import that did ("" for a clerk's change), in its Thai message too.
func (e *env) wantStale(err error, entity string, id uint64, workbook, what string) {
	e.t.Helper()
	e.wantCode(err, data.ECONFLICT, what)
	s, ok := data.StaleOf(err)
	if !ok {
		e.t.Fatalf("%s: %v does not say what changed (data.StaleError)", what, err)
	}
	var stored time.Time
	if entity == "household" {
		h, err := e.s.Household(e.ctx, id)
		e.must(err, "Household")
		stored = h.UpdatedAt
	} else {
		p, err := e.s.Problem(e.ctx, id)
		e.must(err, "Problem")
		stored = p.UpdatedAt
	}
	if s.Entity != entity || s.ID != id || s.ChangedBy != Operator || !s.ChangedAt.Equal(stored) || s.Workbook != workbook {
		e.t.Fatalf("%s: the refusal tells %+v; want %s %d changed by %s at %v, workbook %q", what, *s, entity, id, Operator, stored, workbook)
	}
	msg := data.ErrorMessage(err)
	if !strings.Contains(msg, Operator) || !strings.Contains(msg, data.FormatStamp(stored)) || (workbook != "" && !strings.Contains(msg, workbook)) {
		e.t.Fatalf("%s: the clerk is told %q: it must say who changed it (%s), when (%s) and from which workbook (%q)", what, msg, Operator, data.FormatStamp(stored), workbook)
	}
}

// testStale: a change of a household or a problem based on a read the
// store has changed since (UpdateHousehold and UpdateProblem with the
// UpdatedAt as read, AddAction with Seen) is refused, saying who changed
// it, when and from which workbook, and changes nothing (records,
// counters, audit); the same change based on a fresh read is taken, and
// leaves the caller's record as stored, so a second save of it is taken
// too. An action without Seen is not checked.
func testStale(t *testing.T, e *env) {
	e.base()
	_, _, pA0, _ := e.readBoth(1)
	// A problem changed by an import since the clerk read it: the
	// refusal names the workbook. The import solves household 1's problem.
	e.commit(e.changes("changes.xlsx"))
	imports, err := e.s.Imports(e.ctx)
	e.must(err, "Imports")
	workbook := imports[len(imports)-1].File
	before := e.dump()
	closing := pA0
	closing.Status, closing.CloseReason = data.Closed, "ย้ายออกนอกพื้นที่"
	e.wantStale(e.s.UpdateProblem(e.ctx, &closing), "problem", pA0.ID, workbook, "UpdateProblem after an import changed the problem")
	e.wantStale(e.s.AddAction(e.ctx, &data.Action{ProblemID: pA0.ID, Date: Today, What: "ย้ายออกนอกพื้นที่", Result: data.Closed, Note: "ย้ายออกนอกพื้นที่", Seen: pA0.UpdatedAt}),
		"problem", pA0.ID, workbook, "AddAction seen before an import changed the problem")
	e.sameDump("after changes refused as based on a read before an import", e.dump(), before)

	// A household and a problem changed by a clerk (B) since the other
	// (A) read them.
	hA, hB, pA, pB := e.readBoth(1)
	hB.Members = 6
	e.must(e.s.UpdateHousehold(e.ctx, &hB), "UpdateHousehold (B)")
	got, err := e.s.Household(e.ctx, hB.ID)
	e.must(err, "Household")
	sameAs(t, "the household B saved", got, hB)
	hB.HouseNo = "99/2" // B saves her form again: based on her own change
	e.must(e.s.UpdateHousehold(e.ctx, &hB), "UpdateHousehold (B, again)")
	pB.Detail = "หนี้นอกระบบ 30,000 บาท"
	e.must(e.s.UpdateProblem(e.ctx, &pB), "UpdateProblem (B)")
	gotP, err := e.s.Problem(e.ctx, pB.ID)
	e.must(err, "Problem")
	sameAs(t, "the problem B saved", gotP, pB)
	pB.LeadAgency = "พมจ."
	e.must(e.s.UpdateProblem(e.ctx, &pB), "UpdateProblem (B, again)")
	e.checkCounters("B's changes")

	before = e.dump()
	movedA := hA
	movedA.TambonCode, movedA.Members = "410102", 9 // a move would move counters too
	e.wantStale(e.s.UpdateHousehold(e.ctx, &movedA), "household", hA.ID, "", "UpdateHousehold based on an old read")
	closing = pA
	closing.Status, closing.CloseReason = data.Closed, "ย้ายออกนอกพื้นที่"
	e.wantStale(e.s.UpdateProblem(e.ctx, &closing), "problem", pA.ID, "", "UpdateProblem based on an old read")
	for _, st := range []data.Status{data.InProgress, data.Closed} {
		e.wantStale(e.s.AddAction(e.ctx, &data.Action{ProblemID: pA.ID, Date: Today, What: "เปลี่ยนสถานะเป็น " + st.Thai(), Result: st, Note: "ย้ายออก", Seen: pA.UpdatedAt}),
			"problem", pA.ID, "", "AddAction seen before B's change, to "+st.Thai())
	}
	e.wantStale(e.s.AddAction(e.ctx, &data.Action{ProblemID: pA.ID, Date: Today, What: "เยี่ยมบ้าน", Seen: pA.UpdatedAt}),
		"problem", pA.ID, "", "an action without a status, seen before B's change")
	e.sameDump("after changes refused as based on an old read", e.dump(), before)
	e.checkCounters("after changes refused as based on an old read")

	// The same changes based on a fresh read are taken.
	hA, _, pA, _ = e.readBoth(1)
	movedA = hA
	movedA.TambonCode, movedA.Members = "410102", 9
	e.must(e.s.UpdateHousehold(e.ctx, &movedA), "UpdateHousehold based on a fresh read")
	got, err = e.s.Household(e.ctx, hA.ID)
	e.must(err, "Household")
	sameAs(t, "the household A saved", got, movedA)
	a := &data.Action{ProblemID: pA.ID, Date: Today, What: "เปลี่ยนสถานะเป็น " + data.Closed.Thai(), Result: data.Closed, Note: "ย้ายออก", Seen: pA.UpdatedAt}
	e.must(e.s.AddAction(e.ctx, a), "AddAction seen on a fresh read")
	gotP, err = e.s.Problem(e.ctx, pA.ID)
	e.must(err, "Problem")
	if gotP.Status != data.Closed || gotP.CloseReason != "ย้ายออก" || gotP.Detail != "หนี้นอกระบบ 30,000 บาท" || gotP.LeadAgency != "พมจ." || gotP.UpdatedAt.Equal(pA.UpdatedAt) {
		t.Fatalf("the problem after A's status change: %+v", gotP)
	}
	// A's screen, not read again, may not change it back.
	e.wantStale(e.s.AddAction(e.ctx, &data.Action{ProblemID: pA.ID, Date: Today, What: "เปลี่ยนสถานะเป็น " + data.InProgress.Thai(), Result: data.InProgress, Seen: pA.UpdatedAt}),
		"problem", pA.ID, "", "a second status change on the same read")
	// An action without Seen is not checked (imports, the program's own).
	e.must(e.s.AddAction(e.ctx, &data.Action{ProblemID: pA.ID, Date: Today, What: "เยี่ยมบ้าน"}), "AddAction without Seen")
	pA, err = e.s.Problem(e.ctx, pA.ID)
	e.must(err, "Problem")
	pA.Status, pA.CloseReason = data.InProgress, ""
	e.must(e.s.UpdateProblem(e.ctx, &pA), "UpdateProblem based on a fresh read")
	gotP, err = e.s.Problem(e.ctx, pA.ID)
	e.must(err, "Problem")
	sameAs(t, "the problem A saved", gotP, pA)
	e.checkCounters("stale")
}

// testStampsTellChangesApart: on a clock that stands still (one that
// ticks coarser than a clerk's edits come, as some PCs' clocks do), every
// change of a record still gets a stamp of its own: a change based on a
// read before another change is refused, and the record read back is
// what the caller was left with.
func testStampsTellChangesApart(t *testing.T, e *env) {
	e = newEnvOn(t, e.open, data.FixedClock(start.Add(time.Hour+789)))
	h := household(1, "410101")
	e.must(e.s.CreateHousehold(e.ctx, h), "CreateHousehold")
	p := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}
	e.must(e.s.CreateProblem(e.ctx, p), "CreateProblem")
	hA, hB, pA, pB := *h, *h, *p, *p
	hB.Members = 6
	e.must(e.s.UpdateHousehold(e.ctx, &hB), "UpdateHousehold (B)")
	pB.Detail = "หนี้นอกระบบ"
	e.must(e.s.UpdateProblem(e.ctx, &pB), "UpdateProblem (B)")
	if !hB.UpdatedAt.After(hA.UpdatedAt) || !pB.UpdatedAt.After(pA.UpdatedAt) {
		t.Fatalf("a change on a clock standing still is not stamped after the one before: household %v then %v, problem %v then %v", hA.UpdatedAt, hB.UpdatedAt, pA.UpdatedAt, pB.UpdatedAt)
	}
	before := e.dump()
	hA.Members = 9
	e.wantStale(e.s.UpdateHousehold(e.ctx, &hA), "household", h.ID, "", "UpdateHousehold based on a read before B's change, same clock reading")
	pA.LeadAgency = "อบต."
	e.wantStale(e.s.UpdateProblem(e.ctx, &pA), "problem", p.ID, "", "UpdateProblem based on a read before B's change, same clock reading")
	e.wantStale(e.s.AddAction(e.ctx, &data.Action{ProblemID: p.ID, Date: Today, What: "ย้ายออกนอกพื้นที่", Result: data.Closed, Note: "ย้ายออก", Seen: pA.UpdatedAt}),
		"problem", p.ID, "", "AddAction seen before B's change, same clock reading")
	e.sameDump("after changes refused on a clock standing still", e.dump(), before)
	// B's second save, and a status change seen after it, are taken.
	hB.Members = 7
	last := hB.UpdatedAt
	e.must(e.s.UpdateHousehold(e.ctx, &hB), "UpdateHousehold (B, again)")
	if !hB.UpdatedAt.After(last) {
		t.Fatalf("a second change on a clock standing still: stamped %v after %v", hB.UpdatedAt, last)
	}
	got, err := e.s.Household(e.ctx, h.ID)
	e.must(err, "Household")
	sameAs(t, "household", got, hB)
	e.must(e.s.AddAction(e.ctx, &data.Action{ProblemID: p.ID, Date: Today, What: "ย้ายออกนอกพื้นที่", Result: data.Closed, Note: "ย้ายออก", Seen: pB.UpdatedAt}), "AddAction seen after B's change")
	e.checkCounters("clock standing still")
}
