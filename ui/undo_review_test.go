package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"qmdesk/data"
)

// The window's undo of an import that a later import's row waiting for
// review is about: the clerk reads the refusal in Thai, with the later
// file and what to do, and nothing changes; once she settled the row the
// undo goes through.
func TestUndoRefusedForALaterReviewShowsWhy(t *testing.T) {
	h := newHarness(t, 5)
	w := h.w
	ctx := data.WithOperator(context.Background(), "สมใจ ทดสอบ")
	first := &data.ImportBatch{File: "เมือง.xlsx", SHA256: "first"}
	first.AddHousehold(data.HouseholdChange{Op: data.OpNew, Household: data.Household{HouseCode: "41010000991", TambonCode: "410101", Origin: data.OriginSurvey2565,
		Head: data.Person{NationalID: data.WithCheckDigit("312340000991"), Title: "นาง", FirstName: "มาลี", LastName: "ดีงาม"}}})
	first.AddRow(data.RowResult{Sheet: "S", Row: 2, Fate: data.FateNewHousehold})
	first.Counts.Add(data.FateNewHousehold)
	rec, err := h.store.CommitImport(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	hs, _ := h.store.HouseholdsByHouseCode(ctx, "41010000991")
	later := &data.ImportBatch{File: "เมือง-แก้ไข.xlsx", SHA256: "later"}
	later.AddReview(data.Review{Kind: data.ReviewConflict, Sheet: "S", Row: 2, Reason: "ขัดกับข้อมูลในโปรแกรม", Candidates: []uint64{hs[0].ID}})
	later.AddRow(data.RowResult{Sheet: "S", Row: 2, Fate: data.FateReview, Reason: "ขัดกับข้อมูลในโปรแกรม"})
	later.Counts.Add(data.FateReview)
	if _, err := h.store.CommitImport(ctx, later); err != nil {
		t.Fatal(err)
	}
	w.Import.UndoImport(rec.ID)
	w.WaitIdle()
	if msg := w.LastError(); !strings.Contains(msg, "ยกเลิกการนำเข้าครั้งที่ 1 ไม่ได้") || !strings.Contains(msg, "เมือง-แก้ไข.xlsx") || !strings.Contains(msg, "แถวที่รอตรวจสอบ") {
		t.Fatalf("the clerk reads: %q", msg)
	}
	if hs, _ := h.store.HouseholdsByHouseCode(ctx, "41010000991"); len(hs) != 1 {
		t.Fatal("the refused undo took the household")
	}
	revs, _ := h.store.Reviews(ctx, true)
	if err := h.store.DecideReview(ctx, revs[0].ID, "reject", nil); err != nil {
		t.Fatal(err)
	}
	w.Import.UndoImport(rec.ID)
	w.WaitIdle()
	if hs, _ := h.store.HouseholdsByHouseCode(ctx, "41010000991"); len(hs) != 0 {
		t.Fatalf("the undo after the review was settled: %s", w.LastError())
	}
}

// The undo's confirmation says that the file's own rows still waiting for
// review go with it (the store settles them in the undo).
func TestUndoConfirmationCountsTheFilesPendingRows(t *testing.T) {
	h := newHarness(t, 5)
	w := h.w
	ctx := data.WithOperator(context.Background(), "สมใจ ทดสอบ")
	b := &data.ImportBatch{File: "เมือง.xlsx", SHA256: "own"}
	hs, _ := h.store.Households(ctx, data.HouseholdFilter{Limit: 1})
	for row := 2; row <= 3; row++ {
		b.AddReview(data.Review{Kind: data.ReviewConflict, Sheet: "S", Row: row, Reason: "ขัดกับข้อมูลในโปรแกรม", Candidates: []uint64{hs[0].ID}})
		b.AddRow(data.RowResult{Sheet: "S", Row: row, Fate: data.FateReview, Reason: "ขัดกับข้อมูลในโปรแกรม"})
		b.Counts.Add(data.FateReview)
	}
	if _, err := h.store.CommitImport(ctx, b); err != nil {
		t.Fatal(err)
	}
	w.StoreChanged()
	w.WaitIdle()
	w.Import.History.OnRow(0)
	test.Tap(w.Import.Undo)
	if q := w.Import.UndoQuestion; !strings.Contains(q, "เมือง.xlsx") || !strings.Contains(q, "ที่ยังรอตรวจสอบ 2 แถวจะถูกยกเลิกไปด้วย") {
		t.Fatalf("the confirmation asks: %q", q)
	}
}

// A decision refused because the household changed after its review was
// made: the store renews the review with the value now, and the list
// shows the renewed reason at once (the clerk looks at the row again).
func TestARefusedDecisionShowsTheRenewedReview(t *testing.T) {
	h := newHarness(t, 5)
	w := h.w
	ctx := data.WithOperator(context.Background(), "สมใจ ทดสอบ")
	hs, _ := h.store.Households(ctx, data.HouseholdFilter{Limit: 1})
	ps, _ := h.store.ProblemsOf(ctx, hs[0].ID)
	row := hs[0]
	row.Head.Phone = "0811111111"
	b := &data.ImportBatch{File: "เมือง.xlsx", SHA256: "late"}
	b.AddReview(data.Review{Kind: data.ReviewConflict, Sheet: "S", Row: 2, Reason: "ขัดกับข้อมูลในโปรแกรม", Candidates: []uint64{row.ID},
		Household: row, Problem: ps[0],
		Conflicts: []data.FieldConflict{{Field: "phone", Name: "โทรศัพท์", NameEnglish: "Phone", Workbook: "0811111111", Current: hs[0].Head.Phone}}})
	b.AddRow(data.RowResult{Sheet: "S", Row: 2, Fate: data.FateReview, Reason: "ขัดกับข้อมูลในโปรแกรม"})
	b.Counts.Add(data.FateReview)
	if _, err := h.store.CommitImport(ctx, b); err != nil {
		t.Fatal(err)
	}
	// The clerk changes the phone an hour later.
	h.store.Clock = data.FixedClock(today.Time().Add(11 * time.Hour))
	changed := hs[0]
	changed.Head.Phone = "0822222222"
	if err := h.store.UpdateHousehold(ctx, &changed); err != nil {
		t.Fatal(err)
	}
	w.StoreChanged()
	w.WaitIdle()
	w.Import.Reviews.OnRow(0)
	test.Tap(w.Import.DecideNew) // on a conflict: take the workbook's values
	w.WaitIdle()
	if !strings.Contains(w.LastError(), "0822222222") {
		t.Fatalf("the clerk reads: %q", w.LastError())
	}
	if len(w.Import.PendingReviews) != 1 || !strings.Contains(w.Import.PendingReviews[0].Reason, "ตรวจสอบใหม่") {
		t.Fatalf("the list after the refusal: %+v", w.Import.PendingReviews)
	}
}
