package storetest

import (
	"testing"

	"qmdesk/data"
)

// testThaiQMMarks: marking problems as keyed into ThaiQM marks them and
// their actions; a change of the result, or a new action not keyed,
// takes the mark off; a change that is not the result, or an action keyed,
// keeps it; a zero day takes marks off; a day in the future or before the
// round is refused; one action is marked on its own. The counters follow
// every step.
func testThaiQMMarks(t *testing.T, e *env) {
	h := household(1, "410101")
	e.must(e.s.CreateHousehold(e.ctx, h), "CreateHousehold")
	var ids []uint64
	for range 4 {
		p := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}
		e.must(e.s.CreateProblem(e.ctx, p), "CreateProblem")
		ids = append(ids, p.ID)
	}
	e.must(e.s.AddAction(e.ctx, &data.Action{ProblemID: ids[0], Date: Today, What: "ฝึกอาชีพ", Result: data.InProgress}), "AddAction")
	keyed := func() (n int) {
		for _, id := range ids {
			if p, _ := e.s.Problem(e.ctx, id); !p.ThaiQMOn.IsZero() {
				n++
			}
		}
		return n
	}
	on := Today.AddDays(-3)
	if n, err := e.s.MarkThaiQM(e.ctx, ids[:3], on); err != nil || n != 3 {
		t.Fatalf("mark: %d %v", n, err)
	}
	if n, err := e.s.MarkThaiQM(e.ctx, ids[:3], on); err != nil || n != 0 {
		t.Fatalf("marked again on the same day: %d %v, want 0", n, err)
	}
	if n := keyed(); n != 3 {
		t.Fatalf("keyed after the mark: %d", n)
	}
	acts, _ := e.s.Actions(e.ctx, ids[0])
	if len(acts) != 1 || acts[0].ThaiQMOn != on {
		t.Fatalf("the problem's action is not marked with it: %+v", acts)
	}
	e.checkCounters("after marking")
	p, _ := e.s.Problem(e.ctx, ids[0])
	p.Status = data.Solved
	e.must(e.s.UpdateProblem(e.ctx, &p), "UpdateProblem")
	if p, _ = e.s.Problem(e.ctx, ids[0]); !p.ThaiQMOn.IsZero() {
		t.Fatalf("a changed result is still keyed on %v", p.ThaiQMOn)
	}
	p, _ = e.s.Problem(e.ctx, ids[1])
	p.LeadAgency = "พมจ."
	e.must(e.s.UpdateProblem(e.ctx, &p), "UpdateProblem")
	e.must(e.s.AddAction(e.ctx, &data.Action{ProblemID: ids[2], Date: Today, What: "เยี่ยมบ้าน"}), "AddAction")
	e.must(e.s.AddAction(e.ctx, &data.Action{ProblemID: ids[1], Date: Today, What: "มอบทุน", ThaiQMOn: on}), "AddAction")
	if p, _ = e.s.Problem(e.ctx, ids[1]); p.ThaiQMOn != on || keyed() != 1 {
		t.Fatalf("after the changes: %d keyed, problem %d keyed on %v (want only it)", keyed(), ids[1], p.ThaiQMOn)
	}
	e.checkCounters("after changes")
	h.TambonCode = "410201"
	e.must(e.s.UpdateHousehold(e.ctx, h), "UpdateHousehold")
	e.checkCounters("after a move")
	if n, err := e.s.MarkThaiQM(e.ctx, ids[1:2], data.Date{}); err != nil || n != 1 || keyed() != 0 {
		t.Fatalf("unmark: %d %v, %d keyed", n, err, keyed())
	}
	before := e.dump()
	for _, bad := range []data.Date{Today.AddDays(1), data.NewDate(2024, 2, 29)} {
		if _, err := e.s.MarkThaiQM(e.ctx, ids, bad); data.ErrorCode(err) != data.EINVALID {
			t.Errorf("a mark on %v: %v, want %s", bad, err, data.EINVALID)
		}
	}
	if err := e.s.MarkActionThaiQM(e.ctx, ids[2], acts[0].ID, on); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("a mark of another problem's action: %v, want %s", err, data.ENOTFOUND)
	}
	e.sameDump("after refused marks", e.dump(), before)
	acts, _ = e.s.Actions(e.ctx, ids[2])
	e.must(e.s.MarkActionThaiQM(e.ctx, ids[2], acts[0].ID, on), "MarkActionThaiQM")
	if acts, _ = e.s.Actions(e.ctx, ids[2]); acts[0].ThaiQMOn != on {
		t.Fatalf("the action's mark: %v", acts[0].ThaiQMOn)
	}
	marks := 0
	for _, x := range e.audit() {
		if x.Op == "thaiqm" {
			marks++
		}
	}
	if marks == 0 {
		t.Fatal("the marks are not audited")
	}
	e.checkCounters("ThaiQM marks")
}
