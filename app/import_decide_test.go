package app_test

import (
	"fmt"
	"testing"

	"qmdesk/data"
)

// lateReview makes the situation the tests below start from: household n
// imported with a problem in progress, solved by the clerk on 6 Aug
// (solvedByTheClerk), then, on 10 Aug, a district's workbook saved on 3
// Aug (no action date: its rows are as of 3 Aug) that still says "in
// progress" and gives the head's phone as phone: the status goes to
// review (the register's is newer), the phone would be taken (the
// household's information is older). It returns the row and its review.
func lateReview(t *testing.T, n int, phone string) (*fixture, []any, data.Review) {
	t.Helper()
	fx := solvedByTheClerk(t, n, "")
	row := withRow(templateRow(1, fmt.Sprintf("410100000%02d", n), id(n), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "", ""),
		map[int]any{12: phone})
	fx.onDay(data.NewDate(2024, 8, 10))
	old := districtBook(t, fx, "อำเภอ-3ส.ค..xlsx", data.NewDate(2024, 8, 3), row)
	if c := fx.commit(t, old).Counts(); c.Review != 1 {
		t.Fatalf("the workbook of 3 Aug: %+v, want its row in review", c)
	}
	reviews, err := fx.store.Reviews(fx.ctx, true)
	if err != nil || len(reviews) != 1 || reviews[0].Kind != data.ReviewConflict || len(reviews[0].Conflicts) != 1 ||
		reviews[0].Conflicts[0].Field != "status" || reviews[0].Conflicts[0].Current != "แก้ไขแล้ว" {
		t.Fatalf("reviews %+v %v", reviews, err)
	}
	return fx, row, reviews[0]
}

// A decided row is dated by the information it came with, not by the day
// of the decision: the review keeps the row's date (3 Aug, the day the
// workbook was saved). Decided on 20 Aug, the problem keeps its date of
// 6 Aug (the clerk's, later than the row's), the household takes 3 Aug;
// a workbook saved on 15 Aug (newer than both, older than the decision)
// is then taken, not sent to review as older than the register.
func TestADecisionDatesRecordsByTheRowsInformation(t *testing.T) {
	fx, row, r := lateReview(t, 43, "0899999999")
	if want := data.NewDate(2024, 8, 3); r.AsOf != want {
		t.Fatalf("the review's date of the row: %v, want %v", r.AsOf, want)
	}
	fx.onDay(data.NewDate(2024, 8, 20))
	if err := fx.imp.Decide(fx.ctx, r.ID, "merge", r.Candidates[0]); err != nil {
		t.Fatal(err)
	}
	h, p := householdOf(t, fx, id(43))
	if p.Status != data.InProgress || h.Head.Phone != "0899999999" {
		t.Fatalf("after merge: status %s, phone %s", p.Status.Thai(), h.Head.Phone)
	}
	if want := data.NewDate(2024, 8, 6); p.ChangedOn != want {
		t.Errorf("the problem's information after the decision of 20 Aug: as of %v, want %v", p.ChangedOn, want)
	}
	if want := data.NewDate(2024, 8, 3); h.ChangedOn != want {
		t.Errorf("the household's information after the decision of 20 Aug: as of %v, want %v", h.ChangedOn, want)
	}
	fx.onDay(data.NewDate(2024, 8, 21))
	newer := districtBook(t, fx, "อำเภอ-15ส.ค..xlsx", data.NewDate(2024, 8, 15), withRow(row, map[int]any{12: "0877777777", 19: "แก้ไขแล้ว"}))
	if c := fx.commit(t, newer).Counts(); c.Updated != 1 || c.Review != 0 {
		t.Errorf("the workbook of 15 Aug after the decision of 20 Aug: %+v, want its row taken", c)
	}
	if h, p := householdOf(t, fx, id(43)); p.Status != data.Solved || h.Head.Phone != "0877777777" {
		t.Errorf("after the workbook of 15 Aug: status %s, phone %s", p.Status.Thai(), h.Head.Phone)
	}
}
