package bolt

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// batchOf makes a batch of n new households with one problem and one
// action each.
func batchOf(n, first int) *data.ImportBatch {
	b := &data.ImportBatch{File: "test.xlsx", SHA256: "abc"}
	for i := 0; i < n; i++ {
		b.Households = append(b.Households, data.HouseholdChange{Op: data.OpNew, Household: *newHousehold(first+i, "410101")})
		b.Problems = append(b.Problems, data.ProblemChange{Op: data.OpNew, HouseholdRef: i, Problem: data.Problem{RoundID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565, Status: data.NotStarted}})
		b.Actions = append(b.Actions, data.ActionChange{ProblemRef: i, Action: data.Action{Date: data.NewDate(2024, 5, 1), What: "เยี่ยมบ้าน"}})
		b.Rows = append(b.Rows, data.RowResult{Sheet: "S", Row: i + 2, Fate: data.FateNewHousehold})
		b.Counts.Add(data.FateNewHousehold)
	}
	return b
}

func TestInterruptedImportIsRolledBackOnOpen(t *testing.T) {
	defer func(n int) { importChunk = n }(importChunk)
	importChunk = 3
	path := filepath.Join(t.TempDir(), "qm.db")
	s, _ := Open(path, Options{})
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
	s.CreateHousehold(ctx, newHousehold(100, "410101"))
	before, _ := s.Check(ctx)
	// Write the first parts of a 10-household import and stop, as a crash
	// between two chunks would.
	b := batchOf(10, 1)
	st := &importState{}
	s.db.Update(func(tx *bbolt.Tx) error { return s.beginImport(ctx, tx, b, st) })
	s.db.Update(func(tx *bbolt.Tx) error { return s.applyPart(ctx, tx, b, st, 0, 0, 10) })
	s.db.Update(func(tx *bbolt.Tx) error { return s.applyPart(ctx, tx, b, st, 1, 0, 3) })
	if rep, _ := s.Check(ctx); rep.OK() {
		t.Fatal("check does not report the interrupted import")
	}
	s.Close()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	after, _ := s.Check(ctx)
	imports, _ := s.Imports(ctx)
	if !after.OK() || after.Households != before.Households || after.ProblemCount != 0 || len(imports) != 0 {
		t.Fatalf("after reopening: %+v, %d ledger entries; before %+v", after, len(imports), before)
	}
}

func TestConflictInALaterChunkRollsBackTheEarlierOnes(t *testing.T) {
	defer func(n int) { importChunk = n }(importChunk)
	importChunk = 2
	s, ctx := openTest(t)
	h := newHousehold(50, "410101")
	s.CreateHousehold(ctx, h)
	b := batchOf(5, 1)
	// The last household of the batch is the existing one, seen before a
	// change that happens now.
	b.Households[4] = data.HouseholdChange{Op: data.OpRef, Household: *h, Seen: h.UpdatedAt}
	s.Clock = data.FixedClock(today.Add(time.Hour))
	h.Head.Phone = "0811111111"
	s.UpdateHousehold(ctx, h)
	_, err := s.CommitImport(ctx, b)
	if data.ErrorCode(err) != data.ECONFLICT {
		t.Fatalf("commit: %v", err)
	}
	rep, _ := s.Check(ctx)
	imports, _ := s.Imports(ctx)
	if rep.Households != 1 || rep.ProblemCount != 0 || len(imports) != 0 {
		t.Fatalf("after a refused commit: %+v, %d ledger entries", rep, len(imports))
	}
}

func TestChunkedImportUndo(t *testing.T) {
	defer func(n int) { importChunk = n }(importChunk)
	importChunk = 4
	s, ctx := openTest(t)
	rec, err := s.CommitImport(ctx, batchOf(10, 1))
	if err != nil {
		t.Fatal(err)
	}
	if rep, _ := s.Check(ctx); rep.Households != 10 || rep.ProblemCount != 10 || rep.Actions != 10 {
		t.Fatalf("after commit: %+v", rep)
	}
	rows, _ := s.ImportRows(ctx, rec.ID)
	if len(rows) != 10 || rows[9].Row != 11 || rows[9].Fate != data.FateNewHousehold {
		t.Fatalf("rows: %+v", rows)
	}
	if err := s.UndoImport(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if rep, _ := s.Check(ctx); rep.Households != 0 || rep.ProblemCount != 0 || rep.Actions != 0 {
		t.Fatalf("after undo: %+v", rep)
	}
}

// cancelAfter is a context whose Err turns to Canceled after n calls: a
// clerk pressing cancel while the commit is between two chunks.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

func TestCancelBetweenChunksRollsTheFileBack(t *testing.T) {
	defer func(n int) { importChunk = n }(importChunk)
	importChunk = 2
	for calls := range 10 { // before each of the 9 chunks in turn, and before the end
		s, ctx := openTest(t)
		h := newHousehold(50, "410101")
		s.CreateHousehold(ctx, h)
		before, _ := s.Check(ctx)
		_, err := s.CommitImport(&cancelAfter{ctx, calls}, batchOf(5, 1))
		if err != context.Canceled {
			t.Fatalf("cancel after %d checks: commit returned %v", calls, err)
		}
		after, _ := s.Check(ctx)
		imports, _ := s.Imports(ctx)
		if !after.OK() || after.Households != before.Households || after.ProblemCount != 0 || after.Actions != 0 || len(imports) != 0 {
			t.Fatalf("cancel after %d checks left %+v and %d ledger entries; before %+v", calls, after, len(imports), before)
		}
	}
}
