package storetest

import (
	"testing"

	"qmdesk/data"
)

// testRounds: a round created reads back as written and is audited; a
// second round of the same name is refused (ECONFLICT), an invalid one
// (EINVALID), a round not there is not found; the current round moves
// where it is set; CarryOver carries the open problems of one round into
// another, once.
func testRounds(t *testing.T, e *env) {
	h := household(1, "410101")
	e.must(e.s.CreateHousehold(e.ctx, h), "CreateHousehold")
	open := &data.Problem{HouseholdID: h.ID, Category: 2, SubProblem: "ขาดแคลนน้ำดื่ม", SurveyYear: 2565, Urgent: true}
	e.must(e.s.CreateProblem(e.ctx, open), "CreateProblem")
	closed := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565, Status: data.Closed, CloseReason: "ซ้ำ"}
	e.must(e.s.CreateProblem(e.ctx, closed), "CreateProblem")
	r := &data.Round{Name: "รอบติดตาม 2568", SurveyYear: 2565, Start: data.NewDate(2024, 10, 1), Deadline: data.NewDate(2025, 9, 30)}
	e.must(e.s.CreateRound(e.ctx, r), "CreateRound")
	if r.ID == 0 || r.ID == e.round.ID {
		t.Fatalf("the new round's ID: %d", r.ID)
	}
	got, err := e.s.Round(e.ctx, r.ID)
	e.must(err, "Round")
	sameAs(t, "round", got, *r)
	if x := e.lastEntry(); x.Op != "create" || x.Entity != "round" || x.ID != r.ID || x.Who != Operator {
		t.Fatalf("the round's audit entry: %+v", x)
	}
	before := e.dump()
	dup := *r
	dup.ID = 0
	e.wantCode(e.s.CreateRound(e.ctx, &dup), data.ECONFLICT, "a second round of the same name")
	e.wantCode(e.s.CreateRound(e.ctx, &data.Round{Name: "กลับด้าน", Start: data.NewDate(2025, 9, 30), Deadline: data.NewDate(2024, 10, 1)}), data.EINVALID, "a round ending before it starts")
	if _, err := e.s.Round(e.ctx, r.ID+10); data.ErrorCode(err) != data.ENOTFOUND {
		t.Fatalf("a round not there: %v", err)
	}
	if err := e.s.SetCurrentRound(e.ctx, r.ID+10); data.ErrorCode(err) != data.ENOTFOUND {
		t.Fatalf("setting a round not there as the current one: %v", err)
	}
	e.sameDump("after refused rounds", e.dump(), before)
	// The new round is still not the current one until set.
	if m, _ := e.s.Meta(e.ctx); m.DefaultRound != e.round.ID {
		t.Fatalf("creating a round made it the current one: %+v", m)
	}
	n, err := e.s.CarryOver(e.ctx, e.round.ID, r.ID)
	e.must(err, "CarryOver")
	if n != 1 {
		t.Fatalf("carried %d, want the one open problem", n)
	}
	if n, err := e.s.CarryOver(e.ctx, e.round.ID, r.ID); err != nil || n != 0 {
		t.Fatalf("carried again: %d %v", n, err)
	}
	ps, err := e.s.Problems(e.ctx, data.ProblemFilter{RoundID: r.ID})
	e.must(err, "Problems")
	if len(ps) != 1 || ps[0].CarriedFrom != open.ID || ps[0].SubProblem != open.SubProblem || !ps[0].Urgent || ps[0].HouseholdID != h.ID {
		t.Fatalf("the new round's problems: %+v", ps)
	}
	e.must(e.s.SetCurrentRound(e.ctx, r.ID), "SetCurrentRound")
	if m, _ := e.s.Meta(e.ctx); m.DefaultRound != r.ID {
		t.Fatalf("the current round: %+v", m)
	}
	rounds, _ := e.s.Rounds(e.ctx)
	if len(rounds) != 2 || rounds[0].ID != e.round.ID || rounds[1].ID != r.ID {
		t.Fatalf("rounds: %+v", rounds)
	}
	e.checkCounters("rounds")
}
