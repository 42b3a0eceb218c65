package bolt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
		b.AddHousehold(data.HouseholdChange{Op: data.OpNew, Household: *newHousehold(first+i, "410101")})
		b.AddProblem(data.ProblemChange{Op: data.OpNew, HouseholdRef: i, Problem: data.Problem{RoundID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565, Status: data.NotStarted}})
		b.AddAction(data.ActionChange{ProblemRef: i, Action: data.Action{Date: data.NewDate(2024, 5, 1), What: "เยี่ยมบ้าน"}})
		b.AddRow(data.RowResult{Sheet: "S", Row: i + 2, Fate: data.FateNewHousehold})
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
	b.SetHousehold(4, data.HouseholdChange{Op: data.OpRef, Household: *h, Seen: h.UpdatedAt})
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
	rows, _ := importRows(s, rec.ID)
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
	for calls := range 13 { // before each of the 12 chunks in turn (households, problems, actions, row fates), and before the end
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

// The fates of a large file's rows are written in parts, a transaction
// each, and read back whole and in order; rows sent to review too.
func TestRowFatesAndReviewsInChunks(t *testing.T) {
	defer func(n int) { importChunk = n }(importChunk)
	importChunk = 2
	s, ctx := openTest(t)
	b := batchOf(5, 1)
	for i := range 3 {
		b.AddReview(data.Review{Sheet: "S", Row: 10 + i, Reason: fmt.Sprint("ตรวจ ", i), Household: *newHousehold(900+i, "410101")})
		b.AddRow(data.RowResult{Sheet: "S", Row: 10 + i, Fate: data.FateReview, Reason: fmt.Sprint("ตรวจ ", i)})
		b.Counts.Add(data.FateReview)
	}
	rec, err := s.CommitImport(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := importRows(s, rec.ID)
	if err != nil || len(rows) != b.NumRows() {
		t.Fatalf("%d rows read back of %d: %v", len(rows), b.NumRows(), err)
	}
	for i, r := range rows {
		if want := b.Row(i); r.Row != want.Row || r.Fate != want.Fate || r.Reason != want.Reason { // a taken row's sheet is the ledger's
			t.Errorf("row %d reads back as %+v, written %+v", i, r, want)
		}
	}
	parts := 0
	s.db.View(func(tx *bbolt.Tx) error { parts = tx.Bucket(bucketImportRows).Stats().KeyN; return nil })
	if parts != 4 { // 8 rows, 2 a part
		t.Errorf("%d parts", parts)
	}
	if revs, _ := s.Reviews(ctx, true); len(revs) != 3 || revs[2].Reason != "ตรวจ 2" || revs[2].ImportID != rec.ID {
		t.Errorf("reviews %+v", revs)
	}
}

// A batch too large for its memory keeps its records in a file
// (data.BatchMemory): its commit writes the same row fates, read back
// whole and in order.
func TestSpilledBatchRowFatesReadBack(t *testing.T) {
	oldRoot, oldMemory := data.SpillRoot, data.BatchMemory
	data.SpillRoot, data.BatchMemory = filepath.Join(t.TempDir(), "plan"), 0
	defer func() { data.SpillRoot, data.BatchMemory = oldRoot, oldMemory }()
	s, ctx := openTest(t)
	b := batchOf(3000, 1)
	defer b.Close()
	for i := range 500 {
		b.AddRow(data.RowResult{Sheet: "S", Row: 3002 + i, Fate: data.FateRejected, Column: "เลขบ้าน", Value: fmt.Sprint(i), Reason: fmt.Sprint("ผิด ", i), ReasonEnglish: fmt.Sprint("wrong ", i)})
		b.Counts.Add(data.FateRejected)
	}
	if files, _ := os.ReadDir(data.SpillRoot); len(files) == 0 {
		t.Fatal("the batch did not spill")
	}
	rec, err := s.CommitImport(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := importRows(s, rec.ID)
	if err != nil || len(rows) != b.NumRows() {
		t.Fatalf("%d rows read back of %d: %v", len(rows), b.NumRows(), err)
	}
	for i, r := range rows {
		want := b.Row(i)
		if want.Fate != data.FateRejected {
			want.Sheet = r.Sheet // a taken row's sheet is the ledger's
		}
		if r != want {
			t.Fatalf("row %d reads back as %+v, written %+v", i, r, want)
		}
	}
}

// An import stopped after its reviews and some of its row fates were
// written leaves none of them once rolled back.
func TestInterruptedImportsRowsAndReviewsAreRolledBack(t *testing.T) {
	defer func(n int) { importChunk = n }(importChunk)
	importChunk = 2
	path := filepath.Join(t.TempDir(), "qm.db")
	s, _ := Open(path, Options{})
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
	earlier, err := s.CommitImport(ctx, batchOf(3, 100)) // stays
	if err != nil {
		t.Fatal(err)
	}
	b := batchOf(5, 1)
	b.AddReview(data.Review{Sheet: "S", Row: 10, Reason: "ตรวจ", Household: *newHousehold(900, "410101")})
	st := &importState{}
	s.db.Update(func(tx *bbolt.Tx) error { return s.beginImport(ctx, tx, b, st) })
	for _, part := range data.Parts {
		n := b.Len(part)
		if part == data.PartRows {
			n = 4 // two of three parts
		}
		for from := 0; from < n; from += chunkOf(part) {
			if err := s.db.Update(func(tx *bbolt.Tx) error { return s.applyPart(ctx, tx, b, st, part, from, min(from+chunkOf(part), n)) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, _ := s.Check(ctx)
	imports, _ := s.Imports(ctx)
	revs, _ := s.Reviews(ctx, false)
	rows, _ := importRows(s, earlier.ID)
	keys := 0
	s.db.View(func(tx *bbolt.Tx) error { keys = tx.Bucket(bucketImportRows).Stats().KeyN; return nil })
	if !rep.OK() || rep.Households != 3 || len(imports) != 1 || len(revs) != 0 || keys != 2 || len(rows) != 3 {
		t.Fatalf("after reopening: %+v, %d ledger entries, %d reviews, %d keys of row fates, %d rows of the earlier import", rep, len(imports), len(revs), keys, len(rows))
	}
}

// A chunk ends early when its entries are long, so that no transaction
// holds much more than importChunkBytes of them; all land all the same.
func TestLongEntriesMakeShorterChunks(t *testing.T) {
	defer func(n int64) { importChunkBytes = n }(importChunkBytes)
	s, ctx := openTest(t)
	b := batchOf(10, 1)
	for i := range 10 {
		b.AddReview(data.Review{Sheet: "S", Row: 20 + i, Reason: strings.Repeat("ยาว", 1000), Household: *newHousehold(900+i, "410101")})
		b.AddRow(data.RowResult{Sheet: "S", Row: 20 + i, Fate: data.FateReview, Reason: strings.Repeat("ยาว", 1000)})
	}
	if end := b.ChunkEnd(data.PartReviews, 0, 100, 1<<20); end != 10 {
		t.Fatalf("a chunk of 10 short enough reviews ends at %d", end)
	}
	importChunkBytes = 7000 // about two reviews' reasons (3,000 Thai letters, a byte each as the batch holds them)
	if end := b.ChunkEnd(data.PartReviews, 0, 100, importChunkBytes); end != 2 {
		t.Errorf("a chunk of long reviews ends at %d, want 2 (the first always, then one more within the bound)", end)
	}
	if end := b.ChunkEnd(data.PartHouseholds, 3, 100, importChunkBytes); end != 10 {
		t.Errorf("a chunk of short households ends at %d", end)
	}
	rec, err := s.CommitImport(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := importRows(s, rec.ID)
	revs, _ := s.Reviews(ctx, true)
	parts := 0
	s.db.View(func(tx *bbolt.Tx) error { parts = tx.Bucket(bucketImportRows).Stats().KeyN; return nil })
	if len(rows) != 20 || len(revs) != 10 || parts != 5 { // the 10 short rows and two long ones, then the long ones two by two
		t.Errorf("%d rows in %d parts, %d reviews", len(rows), parts, len(revs))
	}
}
