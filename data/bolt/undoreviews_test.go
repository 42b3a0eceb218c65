package bolt

import (
	"reflect"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// reviewBatch is an import of one row sent to review about household hh
// (a conflict with the register), and nothing else.
func reviewBatch(hh uint64, file string) *data.ImportBatch {
	b := &data.ImportBatch{File: file, SHA256: file}
	b.AddReview(data.Review{Kind: data.ReviewConflict, Sheet: "S", Row: 2, Reason: "ขัดกับข้อมูลในโปรแกรม", Candidates: []uint64{hh},
		Household: *newHousehold(1, "410101"), Problem: data.Problem{RoundID: 1, Category: 4, SubProblem: "หนี้สิน", Status: data.InProgress},
		Conflicts: []data.FieldConflict{{Field: "status", Name: "สถานะ", Workbook: "กำลังดำเนินการ", Current: "ยังไม่ดำเนินการ"}}})
	b.AddRow(data.RowResult{Sheet: "S", Row: 2, Fate: data.FateReview, Reason: "ขัดกับข้อมูลในโปรแกรม"})
	b.Counts.Add(data.FateReview)
	return b
}

// undoState is what a refused undo must leave as it was: the register,
// every review, the ledger and the length of the audit log.
type undoState struct {
	register registerState
	reviews  []data.Review
	imports  []data.ImportRecord
	audit    int64
}

func undoStateOf(t *testing.T, s *Store) (st undoState) {
	t.Helper()
	ctx := t.Context()
	rep, err := s.Check(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("check: %v %v", rep.Problems, err)
	}
	st.register, st.audit = stateOf(t, s), rep.AuditEntries
	st.reviews, _ = s.Reviews(ctx, false)
	st.imports, _ = s.Imports(ctx)
	return st
}

// A row of a later import waiting for review about a household an import
// created stops that import's undo, which changes nothing and says which
// import and what to do; once the row is settled, the undo goes through.
func TestUndoRefusedWhileALaterImportsReviewNamesItsHousehold(t *testing.T) {
	s, ctx := openTest(t)
	first, err := s.CommitImport(ctx, batchOf(2, 1))
	if err != nil {
		t.Fatal(err)
	}
	hhs, _ := s.ImportHouseholds(ctx, first.ID)
	s.Clock = data.FixedClock(today.Add(time.Hour))
	second, err := s.CommitImport(ctx, reviewBatch(hhs[1], "อำเภอเมือง-แก้ไข.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	before := undoStateOf(t, s)
	err = s.UndoImport(ctx, first.ID)
	if data.ErrorCode(err) != data.ECONFLICT {
		t.Fatalf("undo with a later review pending: %v", err)
	}
	msg := data.ErrorSentence(err)
	for _, want := range []string{"ยกเลิกการนำเข้าครั้งที่ 1 ไม่ได้", "แถวรอตรวจสอบ 1 แถว", "ครั้งที่ 2 (อำเภอเมือง-แก้ไข.xlsx)", "qmdesk review"} {
		if !strings.Contains(msg.Thai, want) {
			t.Errorf("the refusal does not say %q: %s", want, msg.Thai)
		}
	}
	if !strings.Contains(msg.English, "2 (อำเภอเมือง-แก้ไข.xlsx)") {
		t.Errorf("English: %s", msg.English)
	}
	if after := undoStateOf(t, s); !reflect.DeepEqual(before, after) {
		t.Fatalf("a refused undo changed the database: %+v, before %+v", after, before)
	}
	revs, _ := s.Reviews(ctx, true)
	if err := s.DecideReview(ctx, revs[0].ID, "reject", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.UndoImport(ctx, first.ID); err != nil {
		t.Fatalf("undo once the review is settled: %v", err)
	}
	if st := undoStateOf(t, s); len(st.register.households) != 0 || st.imports[0].UndoneAt.IsZero() || !st.imports[1].UndoneAt.IsZero() || st.imports[1].ID != second.ID {
		t.Fatalf("after the undo: %+v", st)
	}
}

// The same for a household the import changed (not created): once undone,
// it is no longer what the later review compared the row with.
func TestUndoRefusedWhileALaterReviewNamesAHouseholdItChanged(t *testing.T) {
	s, ctx := openTest(t)
	h := newHousehold(50, "410101")
	if err := s.CreateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	s.Clock = data.FixedClock(today.Add(time.Hour))
	changed := *h
	changed.Head.Phone = "0811111111"
	b := &data.ImportBatch{File: "a.xlsx", SHA256: "a"}
	b.AddHousehold(data.HouseholdChange{Op: data.OpUpdate, Household: changed, Seen: h.UpdatedAt})
	b.AddRow(data.RowResult{Sheet: "S", Row: 2, Fate: data.FateUpdated})
	b.Counts.Add(data.FateUpdated)
	first, err := s.CommitImport(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	s.Clock = data.FixedClock(today.Add(2 * time.Hour))
	if _, err := s.CommitImport(ctx, reviewBatch(h.ID, "b.xlsx")); err != nil {
		t.Fatal(err)
	}
	before := undoStateOf(t, s)
	if err := s.UndoImport(ctx, first.ID); data.ErrorCode(err) != data.ECONFLICT {
		t.Fatalf("undo with a later review pending: %v", err)
	}
	if after := undoStateOf(t, s); !reflect.DeepEqual(before, after) {
		t.Fatalf("a refused undo changed the database: %+v, before %+v", after, before)
	}
	if got, _ := s.Household(ctx, h.ID); got.Head.Phone != "0811111111" {
		t.Fatalf("the refused undo put the household back: %+v", got.Head)
	}
}

// A review of an EARLIER import was made against the household as it was
// before the import being undone, which the undo puts back: it does not
// stop the undo, and stays pending.
func TestAnEarlierImportsReviewDoesNotStopTheUndo(t *testing.T) {
	s, ctx := openTest(t)
	h := newHousehold(50, "410101")
	if err := s.CreateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CommitImport(ctx, reviewBatch(h.ID, "a.xlsx")); err != nil {
		t.Fatal(err)
	}
	s.Clock = data.FixedClock(today.Add(time.Hour))
	changed := *h
	changed.Head.Phone = "0811111111"
	b := &data.ImportBatch{File: "b.xlsx", SHA256: "b"}
	b.AddHousehold(data.HouseholdChange{Op: data.OpUpdate, Household: changed, Seen: h.UpdatedAt})
	b.AddRow(data.RowResult{Sheet: "S", Row: 2, Fate: data.FateUpdated})
	b.Counts.Add(data.FateUpdated)
	second, err := s.CommitImport(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UndoImport(ctx, second.ID); err != nil {
		t.Fatalf("undo: %v", err)
	}
	if revs, _ := s.Reviews(ctx, true); len(revs) != 1 {
		t.Fatalf("%d reviews pending", len(revs))
	}
}

// An import's own rows waiting for review go with its undo, in the same
// transaction, and the audit entry of the undo says how many.
func TestUndoTakesTheImportsOwnReviewsAndSaysSo(t *testing.T) {
	s, ctx := openTest(t)
	b := batchOf(1, 1)
	own := reviewBatch(0, "x")
	b.AddReview(own.Review(0))
	b.AddRow(own.Row(0))
	b.Counts.Add(data.FateReview)
	rec, err := s.CommitImport(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UndoImport(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if revs, _ := s.Reviews(ctx, false); len(revs) != 0 {
		t.Fatalf("reviews left: %+v", revs)
	}
	log, err := s.Audit(ctx, 0, 1000)
	if err != nil || len(log) == 0 {
		t.Fatal(err)
	}
	last := log[len(log)-1]
	if last.Op != "undo" || !strings.Contains(last.Note, "1 rows still waiting for review went with it") {
		t.Fatalf("the undo's audit entry: %+v", last)
	}
}

// Check names, in Thai with what to do, a pending review whose household
// is gone (the old undo left such), without failing: it is not damage.
func TestCheckNamesAReviewWhoseHouseholdIsGone(t *testing.T) {
	s, ctx := openTest(t)
	first, err := s.CommitImport(ctx, batchOf(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	hhs, _ := s.ImportHouseholds(ctx, first.ID)
	if _, err := s.CommitImport(ctx, reviewBatch(hhs[0], "b.xlsx")); err != nil {
		t.Fatal(err)
	}
	if rep, _ := s.Check(ctx); len(rep.StrandedReviews) != 0 {
		t.Fatalf("a review whose household is there: %v", rep.StrandedReviews)
	}
	// What the old undo left: the household gone, the review pending.
	revs, _ := s.Reviews(ctx, true)
	r := revs[0]
	r.Candidates = []uint64{hhs[0] + 1000}
	if err := s.db.Update(func(tx *bbolt.Tx) error { return putJSON(tx, bucketReviews, itob(r.ID), r) }); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Check(ctx)
	if err != nil || !rep.OK() || len(rep.StrandedReviews) != 1 {
		t.Fatalf("check: %v %+v", err, rep)
	}
	note := rep.StrandedReviews[0]
	for _, want := range []string{"แถวรอตรวจสอบที่ 1", "การนำเข้าครั้งที่ 2", "ครัวเรือนเลขที่", "qmdesk review 1 --reject"} {
		if !strings.Contains(note, want) {
			t.Errorf("the note does not say %q: %s", want, note)
		}
	}
	if err := s.DecideReview(ctx, r.ID, "reject", nil); err != nil {
		t.Fatal(err)
	}
	if rep, _ := s.Check(ctx); len(rep.StrandedReviews) != 0 {
		t.Fatalf("a settled review is still named: %v", rep.StrandedReviews)
	}
}

// "Undo the later import first" works: undoing the later import puts the
// records it changed back with their earlier stamps too, so the earlier
// import finds them as it left them and can be undone. Before, the later
// undo stamped them with its own time and the earlier undo was refused as
// "changed later" for good.
func TestUndoTheLaterImportThenTheEarlier(t *testing.T) {
	s, ctx := openTest(t)
	first, err := s.CommitImport(ctx, batchOf(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	hhs, _ := s.ImportHouseholds(ctx, first.ID)
	h, _ := s.Household(ctx, hhs[0])
	ps, _ := s.ProblemsOf(ctx, h.ID)
	made, madeProblem := h, ps[0]
	s.Clock = data.FixedClock(today.Add(time.Hour))
	changedH, changedP := h, ps[0]
	changedH.Head.Phone = "0811111111"
	changedP.Status = data.InProgress
	b := &data.ImportBatch{File: "b.xlsx", SHA256: "b"}
	b.AddHousehold(data.HouseholdChange{Op: data.OpUpdate, Household: changedH, Seen: h.UpdatedAt})
	b.AddProblem(data.ProblemChange{Op: data.OpUpdate, HouseholdRef: 0, Problem: changedP, Seen: ps[0].UpdatedAt})
	b.AddRow(data.RowResult{Sheet: "S", Row: 2, Fate: data.FateUpdated})
	b.Counts.Add(data.FateUpdated)
	second, err := s.CommitImport(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ProblemsOf(ctx, h.ID); got[0].Status != data.InProgress {
		t.Fatalf("the second import did not change the problem: %+v", got[0])
	}
	s.Clock = data.FixedClock(today.Add(2 * time.Hour))
	if err := s.UndoImport(ctx, first.ID); data.ErrorCode(err) != data.ECONFLICT || !strings.Contains(data.ErrorSentence(err).English, "changed later") {
		t.Fatalf("undo of the first import before the second's: %v", err)
	}
	if err := s.UndoImport(ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	back, _ := s.Household(ctx, h.ID)
	backP, _ := s.ProblemsOf(ctx, h.ID)
	if !reflect.DeepEqual(back, made) || !reflect.DeepEqual(backP[0], madeProblem) {
		t.Fatalf("after the undo of the second import:\n%+v\n%+v\nwant as the first left them:\n%+v\n%+v", back, backP[0], made, madeProblem)
	}
	s.Clock = data.FixedClock(today.Add(3 * time.Hour))
	if err := s.UndoImport(ctx, first.ID); err != nil {
		t.Fatalf("undo of the first import after the second's: %v", err)
	}
	if rep, _ := s.Check(ctx); rep.Households != 0 || rep.ProblemCount != 0 {
		t.Fatalf("after both undos: %+v", rep)
	}
}
