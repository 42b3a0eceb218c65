package app_test

import (
	"strings"
	"testing"

	"qmdesk/data"
)

// A new user's trial: a district workbook imported, then again with
// changes, some rows of which conflict with the register and wait for
// review; then the first import undone. The undo took the households the
// reviews were about, and settling them with the file's values or
// qmdesk's failed ("household not found"). Now the undo is refused,
// changing nothing, until the reviews are settled; then it goes through.
func TestUndoWaitsForTheLaterImportsReviews(t *testing.T) {
	fx := newFixture(t)
	first := writeBook(t, fx.dir, "เมือง.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000041", id(41), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
		templateRow(2, "41010000042", id(42), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
	}})
	// The district's answer: the first row in progress since 15 July,
	// before the register's record of 1 August: a conflict, for review.
	second := writeBook(t, fx.dir, "เมือง-แก้ไข.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000041", id(41), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "15/07/2567", ""),
		templateRow(2, "41010000042", id(42), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
	}})
	rep1 := fx.commit(t, first)
	rep2 := fx.commit(t, second)
	reviews, _ := fx.store.Reviews(fx.ctx, true)
	if len(reviews) != 1 || reviews[0].ImportID != rep2.ImportID || reviews[0].Kind != data.ReviewConflict || len(reviews[0].Candidates) != 1 {
		t.Fatalf("reviews after the second import: %+v", reviews)
	}
	hh := reviews[0].Candidates[0]
	err := fx.store.UndoImport(fx.ctx, rep1.ImportID)
	if data.ErrorCode(err) != data.ECONFLICT || !strings.Contains(data.ErrorMessage(err), "เมือง-แก้ไข.xlsx") {
		t.Fatalf("undo of the first import with the second's review pending: %v", err)
	}
	if got, err := fx.store.Household(fx.ctx, hh); err != nil || got.ID != hh {
		t.Fatalf("the refused undo took the household: %v", err)
	}
	// The review can still be settled either way; taking the file's
	// values is a change of its own, undone before the first import.
	if err := fx.imp.Decide(fx.ctx, reviews[0].ID, "merge", hh); err != nil {
		t.Fatalf("merge after the refused undo: %v", err)
	}
	if ps, _ := fx.store.ProblemsOf(fx.ctx, hh); len(ps) != 1 || ps[0].Status != data.InProgress {
		t.Fatalf("problems after the merge: %+v", ps)
	}
	imports, _ := fx.store.Imports(fx.ctx)
	decision := imports[len(imports)-1].ID
	if err := fx.store.UndoImport(fx.ctx, decision); err != nil {
		t.Fatal(err)
	}
	if err := fx.store.UndoImport(fx.ctx, rep2.ImportID); err != nil {
		t.Fatal(err)
	}
	if err := fx.store.UndoImport(fx.ctx, rep1.ImportID); err != nil {
		t.Fatalf("undo once the review is settled: %v", err)
	}
	if _, err := fx.store.Household(fx.ctx, hh); data.ErrorCode(err) != data.ENOTFOUND {
		t.Fatalf("the household after the undo: %v", err)
	}
}
