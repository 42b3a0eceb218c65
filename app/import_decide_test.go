package app_test

import (
	"fmt"
	"strings"
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

// A review shows the register as it was when it was made (10 Aug: solved).
// The clerk closes the problem on 12 Aug; on 13 Aug she decides "take the
// file's values": that would overwrite the closing she never saw in the
// review. The decision is refused, nothing changes, and the review now
// shows the current value; decided again, it is taken.
func TestADecisionDoesNotOverwriteAChangeMadeAfterTheReview(t *testing.T) {
	fx, _, r := lateReview(t, 44, "")
	_, p := householdOf(t, fx, id(44))
	fx.onDay(data.NewDate(2024, 8, 12))
	if err := fx.store.AddAction(fx.ctx, &data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 8, 12), What: "ยุติการช่วยเหลือ", Result: data.Closed, Note: "ย้ายออกนอกพื้นที่"}); err != nil {
		t.Fatal(err)
	}
	fx.onDay(data.NewDate(2024, 8, 13))
	before, _ := fx.store.Actions(fx.ctx, p.ID)
	imports, _ := fx.store.Imports(fx.ctx)
	err := fx.imp.Decide(fx.ctx, r.ID, "merge", r.Candidates[0])
	if data.ErrorCode(err) != data.ECONFLICT || !strings.Contains(data.ErrorMessage(err), "สถานะ ในไฟล์ 'อยู่ระหว่างดำเนินการ' ในโปรแกรมตอนนี้ 'ยุติ'") ||
		!strings.Contains(data.ErrorMessage(err), "ข้อมูลในทะเบียนไม่ถูกเปลี่ยน") || !strings.Contains(err.Error(), "look at the row again") {
		t.Fatalf("merge over a change made after the review: %v", err)
	}
	if _, got := householdOf(t, fx, id(44)); got.Status != data.Closed {
		t.Errorf("status after the refused merge: %s", got.Status.Thai())
	}
	if after, _ := fx.store.Actions(fx.ctx, p.ID); len(after) != len(before) {
		t.Errorf("the refused merge added %d actions", len(after)-len(before))
	}
	if now, _ := fx.store.Imports(fx.ctx); len(now) != len(imports) {
		t.Errorf("the refused merge left %d entries in the ledger", len(now)-len(imports))
	}
	renewed, err := fx.store.Review(fx.ctx, r.ID)
	if err != nil || renewed.Decision != "" || len(renewed.Conflicts) != 1 || renewed.Conflicts[0].Current != "ยุติ" ||
		!strings.Contains(renewed.Reason, "ตรวจสอบใหม่") || !strings.Contains(renewed.Reason, "'ยุติ'") || !strings.HasPrefix(renewed.Reason, r.Reason) {
		t.Fatalf("the review after the refusal: %+v %v", renewed, err)
	}
	// Seen, taken.
	if err := fx.imp.Decide(fx.ctx, r.ID, "merge", r.Candidates[0]); err != nil {
		t.Fatal(err)
	}
	if _, got := householdOf(t, fx, id(44)); got.Status != data.InProgress {
		t.Errorf("status after the merge decided again: %s", got.Status.Thai())
	}
}

// "keep" (qmdesk's values win) takes the rest of the row: a value the
// row would have taken when the review was made (a phone: the household's
// information was older) but that the clerk changed since stays hers.
// "merge" is refused for it.
func TestKeepDoesNotOverwriteAChangeMadeAfterTheReview(t *testing.T) {
	for _, decision := range []string{"keep", "merge"} {
		fx, _, r := lateReview(t, 45, "0899999999")
		h, _ := householdOf(t, fx, id(45))
		fx.onDay(data.NewDate(2024, 8, 12))
		h.Head.Phone = "0811111111"
		if err := fx.store.UpdateHousehold(fx.ctx, &h); err != nil {
			t.Fatal(err)
		}
		fx.onDay(data.NewDate(2024, 8, 13))
		err := fx.imp.Decide(fx.ctx, r.ID, decision, r.Candidates[0])
		if decision == "merge" && (data.ErrorCode(err) != data.ECONFLICT ||
			!strings.Contains(data.ErrorMessage(err), "(แก้ไขล่าสุดโดย clerk เมื่อ 12 ส.ค. 2567 17:00 น.): โทรศัพท์ ในไฟล์ '0899999999' ในโปรแกรมตอนนี้ '0811111111'")) {
			t.Fatalf("merge over a phone changed after the review: %v", err)
		}
		if decision == "keep" && err != nil {
			t.Fatal(err)
		}
		if h, p := householdOf(t, fx, id(45)); h.Head.Phone != "0811111111" || p.Status != data.Solved {
			t.Errorf("after %s: phone %s, status %s", decision, h.Head.Phone, p.Status.Thai())
		}
	}
}

// A change a later import made since the review is named by its
// workbook, as the review's own reason names one.
func TestARefusedDecisionNamesTheWorkbookThatChangedTheRecord(t *testing.T) {
	fx, row, r := lateReview(t, 46, "0899999999")
	fx.onDay(data.NewDate(2024, 8, 12))
	later := districtBook(t, fx, "อำเภอ-12ส.ค..xlsx", data.NewDate(2024, 8, 12), withRow(row, map[int]any{12: "0822222222", 19: "แก้ไขแล้ว"}))
	if c := fx.commit(t, later).Counts(); c.Updated != 1 {
		t.Fatalf("the workbook of 12 Aug: %+v", c)
	}
	fx.onDay(data.NewDate(2024, 8, 13))
	err := fx.imp.Decide(fx.ctx, r.ID, "merge", r.Candidates[0])
	if data.ErrorCode(err) != data.ECONFLICT || !strings.Contains(data.ErrorMessage(err), "(นำเข้าจาก 'อำเภอ-12ส.ค..xlsx' เมื่อ 12 ส.ค. 2567 17:00 น.): โทรศัพท์ ในไฟล์ '0899999999' ในโปรแกรมตอนนี้ '0822222222'") ||
		!strings.Contains(err.Error(), "(imported from 'อำเภอ-12ส.ค..xlsx' on 2024-08-12 17:00)") {
		t.Fatalf("merge over a later import's change: %v", err)
	}
}
