package storetest

import (
	"slices"
	"testing"

	"qmdesk/data"
)

// pending reads the rows waiting for review.
func (e *env) pending() []data.Review {
	e.t.Helper()
	l, err := e.s.Reviews(e.ctx, true)
	e.must(err, "Reviews")
	return l
}

// testReviewDecisions: rows the importer will not decide alone wait for
// review and change nothing; the clerk's decisions (a new household, a
// merge into one, a rejection) apply exactly what they say, are kept with
// who decided, and a decided row cannot be decided again.
func testReviewDecisions(t *testing.T, e *env) {
	e.base()
	h1, _ := e.s.HouseholdsByHouseCode(e.ctx, houseCode(1))
	h2, _ := e.s.HouseholdsByHouseCode(e.ctx, houseCode(2))
	crossed := func(house, id int, cat int, sub string) []any {
		r := row(house, "หมากแข้ง", cat, sub, "", "")
		r[8] = nationalID(id)
		return r
	}
	odd := row(5, "หมากแข้ง", 4, "หนี้สิน", "", "")
	odd[8] = badID(5)
	before := e.dump().register()
	rep := e.commit(e.writeBook("review.xlsx",
		crossed(1, 2, 2, "ขาดแคลนน้ำใช้"), // household 1's house code, household 2's ID
		odd, // a new household whose ID fails its check digit
		crossed(2, 1, 3, "ขาดทุนการศึกษา"),
	))
	if c := rep.Counts(); c != (data.Counts{Rows: 3, Review: 3}) {
		t.Fatalf("counts %+v: %+v", c, slices.Collect(rep.Batch.RowResults()))
	}
	after := e.dump().register()
	if len(after.Reviews) != 3 {
		t.Fatalf("reviews kept: %+v", after.Reviews)
	}
	after.Reviews = nil
	e.sameDump("rows waiting for review", after, before)
	reviews := e.pending()
	if len(reviews) != 3 {
		t.Fatalf("pending reviews: %+v", reviews)
	}
	for i, r := range reviews {
		if r.ImportID != rep.ImportID || r.Row != i+2 || r.Decision != "" || r.Reason == "" {
			t.Fatalf("review %d: %+v", i, r)
		}
		got, err := e.s.Review(e.ctx, r.ID)
		e.must(err, "Review")
		sameAs(t, "review", got, r)
	}
	if !slices.Equal(reviews[0].Candidates, []uint64{h1[0].ID, h2[0].ID}) {
		t.Fatalf("candidates of the crossed row: %v", reviews[0].Candidates)
	}
	// The odd ID is confirmed: a new household, with the override.
	e.must(e.imp.Decide(e.ctx, reviews[1].ID, "new", 0), "Decide new")
	h5, _ := e.s.HouseholdsByNationalID(e.ctx, badID(5))
	if len(h5) != 1 || !h5[0].IDCheckOverride {
		t.Fatalf("the household decided new: %+v", h5)
	}
	if ps, _ := e.s.ProblemsOf(e.ctx, h5[0].ID); len(ps) != 1 || ps[0].SubProblem != "หนี้สิน" {
		t.Fatalf("its problem: %+v", ps)
	}
	e.checkCounters("after a decision new")
	// The crossed row goes to household 1.
	e.must(e.imp.Decide(e.ctx, reviews[0].ID, "merge", h1[0].ID), "Decide merge")
	if ps, _ := e.s.ProblemsOf(e.ctx, h1[0].ID); len(ps) != 2 || ps[1].SubProblem != "ขาดแคลนน้ำใช้" {
		t.Fatalf("household 1 after the merge: %+v", ps)
	}
	e.checkCounters("after a merge")
	// The other is rejected: nothing changes but the review.
	before = e.dump().register()
	e.must(e.imp.Decide(e.ctx, reviews[2].ID, "reject", 0), "Decide reject")
	after = e.dump().register()
	before.Reviews, after.Reviews = nil, nil
	e.sameDump("after a rejection", after, before)
	if l := e.pending(); len(l) != 0 {
		t.Fatalf("still pending: %+v", l)
	}
	all, err := e.s.Reviews(e.ctx, false)
	e.must(err, "Reviews")
	for i, want := range []string{"merge", "new", "reject"} {
		if all[i].Decision != want || all[i].DecidedBy != Operator || all[i].DecidedAt.IsZero() {
			t.Fatalf("decided review %d: %+v, want %s by %s", i, all[i], want, Operator)
		}
	}
	before = e.dump()
	e.wantCode(e.s.DecideReview(e.ctx, reviews[2].ID, "reject", nil), data.ECONFLICT, "a second decision")
	e.wantCode(e.s.RenewReview(e.ctx, reviews[0].ID, nil, data.Sentence{Thai: "ใหม่", English: "new"}), data.ECONFLICT, "renewing a decided review")
	e.sameDump("after refused decisions", e.dump(), before)
	e.checkCounters("after the decisions")
}

// testReviewRenewal: a row older than a clerk's change waits for review
// as a conflict; "keep" keeps the register's value; a decision against a
// review the register has moved on from since is refused (ECONFLICT,
// nothing changed) and the review is renewed to show the register as it
// is now, after which the decision is taken. RenewReview replaces what a
// pending review shows.
func testReviewRenewal(t *testing.T, e *env) {
	e.commit(e.writeBook("base.xlsx",
		row(1, "หมากแข้ง", 4, "หนี้สิน", data.InProgress.Thai(), "15/07/2567"),
		row(2, "หมากแข้ง", 4, "หนี้สิน", data.InProgress.Thai(), "15/07/2567"),
	))
	var problems []data.Problem
	for n := 1; n <= 2; n++ {
		h, _ := e.s.HouseholdsByHouseCode(e.ctx, houseCode(n))
		ps, _ := e.s.ProblemsOf(e.ctx, h[0].ID)
		e.must(e.s.AddAction(e.ctx, &data.Action{ProblemID: ps[0].ID, Date: Today, What: "ชำระหนี้ครบ", Result: data.Solved}), "AddAction")
		problems = append(problems, ps[0])
	}
	// The district's rows of 20 Jul say both are still in progress.
	rep := e.commit(e.writeBook("old.xlsx",
		row(1, "หมากแข้ง", 4, "หนี้สิน", data.InProgress.Thai(), "20/07/2567"),
		row(2, "หมากแข้ง", 4, "หนี้สิน", data.InProgress.Thai(), "20/07/2567"),
	))
	if c := rep.Counts(); c != (data.Counts{Rows: 2, Review: 2}) {
		t.Fatalf("rows older than the clerk's change: %+v", c)
	}
	reviews := e.pending()
	if len(reviews) != 2 || reviews[0].Kind != data.ReviewConflict || len(reviews[0].Conflicts) != 1 || reviews[0].Conflicts[0].Field != "status" || reviews[0].Conflicts[0].ChangedBy != Operator {
		t.Fatalf("conflict reviews: %+v", reviews)
	}
	// Keep: the register's value stays.
	e.must(e.imp.Decide(e.ctx, reviews[0].ID, "keep", problems[0].HouseholdID), "Decide keep")
	if p, _ := e.s.Problem(e.ctx, problems[0].ID); p.Status != data.Solved {
		t.Fatalf("kept: %s", p.Status.Thai())
	}
	e.checkCounters("after keep")
	// The clerk closes the second problem after the review was made.
	e.must(e.s.AddAction(e.ctx, &data.Action{ProblemID: problems[1].ID, Date: Today, What: data.Closed.Thai(), Result: data.Closed, Note: "ย้ายออกนอกพื้นที่"}), "AddAction")
	before := e.dump().register()
	err := e.imp.Decide(e.ctx, reviews[1].ID, "merge", problems[1].HouseholdID)
	e.wantCode(err, data.ECONFLICT, "a decision against a review the register has moved on from")
	after := e.dump().register()
	renewed, _ := e.s.Review(e.ctx, reviews[1].ID)
	if renewed.Decision != "" || len(renewed.Conflicts) == 0 || renewed.Conflicts[0].Current != data.Closed.Thai() {
		t.Fatalf("the review was not renewed to show the register now: %+v", renewed)
	}
	before.Reviews, after.Reviews = nil, nil
	e.sameDump("after a refused decision", after, before)
	e.must(e.imp.Decide(e.ctx, reviews[1].ID, "merge", problems[1].HouseholdID), "Decide merge on the renewed review")
	if p, _ := e.s.Problem(e.ctx, problems[1].ID); p.Status != data.InProgress {
		t.Fatalf("merged: %s", p.Status.Thai())
	}
	e.checkCounters("after merge")
	// RenewReview replaces the conflicts and the reason of a pending row.
	e.commit(e.writeBook("older.xlsx", row(1, "หมากแข้ง", 4, "หนี้สิน", data.InProgress.Thai(), "21/07/2567")))
	l := e.pending()
	if len(l) != 1 {
		t.Fatalf("pending: %+v", l)
	}
	conflicts := []data.FieldConflict{{Field: "status", Name: "สถานะ", Workbook: data.InProgress.Thai(), Current: data.Closed.Thai(), ChangedBy: "ผู้อื่น"}}
	reason := data.Sentence{Thai: "ข้อมูลในโปรแกรมเปลี่ยนไปแล้ว", English: "the register changed"}
	e.must(e.s.RenewReview(e.ctx, l[0].ID, conflicts, reason), "RenewReview")
	got, _ := e.s.Review(e.ctx, l[0].ID)
	if !slices.Equal(got.Conflicts, conflicts) || got.Reason != reason.Thai || got.ReasonEnglish != reason.English || got.Decision != "" {
		t.Fatalf("renewed review: %+v", got)
	}
	e.checkCounters("after renewal")
}

// testUndoRefusedWhileReviewed: an import's undo is refused (ECONFLICT,
// nothing changed) while a row of a later import waits for review about
// a household it created; once the row is settled, the undo goes
// through. An import undone with its own rows waiting takes them with it.
func testUndoRefusedWhileReviewed(t *testing.T, e *env) {
	e.base()
	imports, _ := e.s.Imports(e.ctx)
	first := imports[0].ID
	crossed := row(1, "หมากแข้ง", 2, "ขาดแคลนน้ำใช้", "", "")
	crossed[8] = nationalID(2)
	rep := e.commit(e.writeBook("review.xlsx", crossed))
	if c := rep.Counts(); c.Review != 1 {
		t.Fatalf("the crossed row: %+v", c)
	}
	before := e.dump()
	e.wantCode(e.s.UndoImport(e.ctx, first), data.ECONFLICT, "undo while a later import's row waits for review about its household")
	e.sameDump("after a refused undo", e.dump(), before)
	// The later import's undo takes its waiting row with it.
	e.must(e.s.UndoImport(e.ctx, rep.ImportID), "UndoImport of the later import")
	if l := e.pending(); len(l) != 0 {
		t.Fatalf("rows left waiting after their import's undo: %+v", l)
	}
	e.must(e.s.UndoImport(e.ctx, first), "UndoImport of the first")
	if sz, _ := e.s.Sizes(e.ctx); sz != (data.Sizes{}) {
		t.Fatalf("after both undone: %+v", sz)
	}
	// Settling the row lets the undo through too.
	e.base()
	imports, _ = e.s.Imports(e.ctx)
	first = imports[len(imports)-1].ID
	e.commit(e.writeBook("review2.xlsx", crossed))
	l := e.pending()
	if len(l) != 1 {
		t.Fatalf("pending: %+v", l)
	}
	e.must(e.imp.Decide(e.ctx, l[0].ID, "reject", 0), "Decide reject")
	e.must(e.s.UndoImport(e.ctx, first), "UndoImport after the row was settled")
	e.checkCounters("after the undo")
}

// testReviewAccept: a row whose sub-problem is not in the list waits for
// review with the closest one suggested, and one the domain does not
// allow together (a category 7 problem solved by the household itself)
// waits as a combination; accepting takes the suggestion, or the row as
// written.
func testReviewAccept(t *testing.T, e *env) {
	rep := e.commit(e.writeBook("accept.xlsx",
		row(1, "หมากแข้ง", 4, "หนี้สินน", "", ""),
		row(2, "หมากแข้ง", 7, "อื่น ๆ (ระบุ)", data.SelfSolved.Thai(), "15/07/2567"),
	))
	if c := rep.Counts(); c != (data.Counts{Rows: 2, Review: 2}) {
		t.Fatalf("counts %+v: %+v", c, slices.Collect(rep.Batch.RowResults()))
	}
	reviews := e.pending()
	if len(reviews) != 2 || reviews[0].Kind != data.ReviewSubProblem || reviews[0].Written != "หนี้สินน" || reviews[0].Problem.SubProblem != "หนี้สิน" || reviews[1].Kind != data.ReviewCombination {
		t.Fatalf("reviews: %+v", reviews)
	}
	for _, r := range reviews {
		e.must(e.imp.Decide(e.ctx, r.ID, "accept", 0), "Decide accept")
	}
	for n, want := range map[int]data.Problem{1: {Category: 4, SubProblem: "หนี้สิน", Status: data.NotStarted}, 2: {Category: 7, SubProblem: "อื่น ๆ (ระบุ)", Status: data.SelfSolved}} {
		h, _ := e.s.HouseholdsByHouseCode(e.ctx, houseCode(n))
		if len(h) != 1 {
			t.Fatalf("household %d after accept: %+v", n, h)
		}
		ps, _ := e.s.ProblemsOf(e.ctx, h[0].ID)
		if len(ps) != 1 || ps[0].Category != want.Category || ps[0].SubProblem != want.SubProblem || ps[0].Status != want.Status {
			t.Fatalf("household %d's problems after accept: %+v, want %+v", n, ps, want)
		}
	}
	if l := e.pending(); len(l) != 0 {
		t.Fatalf("still pending: %+v", l)
	}
	e.checkCounters("after accept")
}
