package bolt

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// drain hands every chunk of f over to each and stops f.
func drain(f *feed[int], chunks int, each func(i *int) error) error {
	var err error
	for k := 0; k < chunks && err == nil; k++ {
		err = f.chunk(each)
	}
	if perr := f.stop(); err == nil {
		err = perr
	}
	return err
}

// A feed hands every entry over in order, chunk by chunk (begin and end
// called for each, on the chunk's bounds), stops making them at the one
// that failed, and stops the goroutine when the caller's side fails.
func TestFeed(t *testing.T) {
	var got []int
	var begun, ended []int
	ends := []int{10, 500, 500, 1000} // an empty chunk among them
	f := startFeed(3, ends, func(k int) { begun = append(begun, k) }, func(i int) (int, bool) { return i, true }, func(k int, last *int) {
		if *last != ends[k]-1 {
			t.Errorf("chunk %d ends at %d", k, *last)
		}
		ended = append(ended, k)
	})
	for k := range ends {
		n := len(got)
		if err := f.chunk(func(i *int) error { got = append(got, *i); return nil }); err != nil {
			t.Fatal(err)
		}
		if from := max(3, ends[max(k-1, 0)]); k > 0 && len(got)-n != ends[k]-from {
			t.Fatalf("chunk %d: %d entries", k, len(got)-n)
		}
	}
	if err := f.stop(); err != nil || len(got) != 997 || !slices.IsSorted(got) || got[0] != 3 || !slices.Equal(begun, []int{1, 2, 3}) || !slices.Equal(ended, []int{0, 1, 3}) {
		t.Fatalf("all: %v, %d entries, begun %v, ended %v", err, len(got), begun, ended)
	}
	made, got := 0, nil
	f = startFeed(0, []int{500, 1000}, func(int) {}, func(i int) (int, bool) { made++; return i, i != 600 }, func(int, *int) {})
	failed := errors.New("failed")
	err := drain(f, 2, func(i *int) error {
		got = append(got, *i)
		if *i == 600 {
			return failed
		}
		return nil
	})
	if err != failed || made != 601 || len(got) != 601 {
		t.Fatalf("last at 600: %v, made %d, handed over %d", err, made, len(got))
	}
	stop := errors.New("stop")
	made = 0
	f = startFeed(0, []int{50_000, 100_000}, func(int) {}, func(i int) (int, bool) { made++; return i, true }, func(int, *int) {})
	err = drain(f, 2, func(i *int) error {
		if *i == 10 {
			return stop
		}
		return nil
	})
	if err != stop || made == 100_000 {
		t.Fatalf("caller stops at 10: %v, made %d", err, made)
	}
	f = startFeed(0, []int{3, 10}, func(int) {}, func(i int) (int, bool) {
		if i == 5 {
			panic("boom")
		}
		return i, true
	}, func(int, *int) {})
	err = drain(f, 2, func(*int) error { return nil })
	var r *recovered
	if !errors.As(err, &r) {
		t.Fatalf("a panic of the goroutine: %v", err)
	}
}

// The IDs an import's chunks give their new records are the ones
// NextSequence gave, one after another across chunks, and the buckets'
// sequences go on from the last: a record created afterwards takes the
// next ID.
func TestImportIDsFollowOn(t *testing.T) {
	defer func(n int) { importChunk = n }(importChunk)
	importChunk = 3
	s, _ := Open(filepath.Join(t.TempDir(), "qm.db"), Options{})
	defer s.Close()
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
	s.CreateHousehold(ctx, newHousehold(100, "410101"))
	if _, err := s.CommitImport(ctx, batchOf(10, 1)); err != nil {
		t.Fatal(err)
	}
	hs, _ := s.Households(ctx, data.HouseholdFilter{})
	for i, h := range hs {
		if h.ID != uint64(i+1) {
			t.Fatalf("household %d has ID %d", i, h.ID)
		}
	}
	ps, _ := s.Problems(ctx, data.ProblemFilter{RoundID: 1})
	if len(hs) != 11 || len(ps) != 10 || ps[0].ID != 1 || ps[9].ID != 10 {
		t.Fatalf("%d households, %d problems %v", len(hs), len(ps), ps)
	}
	h := newHousehold(200, "410101")
	if err := s.CreateHousehold(ctx, h); err != nil || h.ID != 12 {
		t.Fatalf("next household: ID %d, %v", h.ID, err)
	}
	p := &data.Problem{HouseholdID: h.ID, RoundID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}
	if err := s.CreateProblem(ctx, p); err != nil || p.ID != 11 {
		t.Fatalf("next problem: ID %d, %v", p.ID, err)
	}
	if rep, _ := s.Check(ctx); !rep.OK() {
		t.Fatalf("check: %+v", rep)
	}
}

// The household references of an import's new problems are read from
// what its chunk wrote when they come after every reference the store
// held (refCounts): new problems of the household with the last ID, in
// a category it had and one it had not, a problem of it changed in the
// same chunk to a category it had not and a new problem there, and new households in a municipality with two problems,
// leave counters that a recount finds right.
func TestImportReferencesAfterTheEnd(t *testing.T) {
	defer func(n int) { importChunk = n }(importChunk)
	for _, chunk := range []int{1, 2, 100} {
		importChunk = chunk
		s, _ := Open(filepath.Join(t.TempDir(), "qm.db"), Options{})
		ctx := context.Background()
		s.Init(ctx, "41", data.DefaultRound())
		if err := s.SetUnits(ctx, data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101"}}}}); err != nil {
			t.Fatal(err)
		}
		units, _ := s.Units(ctx)
		old := newHousehold(1, "410102")
		s.CreateHousehold(ctx, old)
		kept := &data.Problem{HouseholdID: old.ID, RoundID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567}
		changed := &data.Problem{HouseholdID: old.ID, RoundID: 1, Category: 2, SubProblem: "ขาดแคลนน้ำใช้", SurveyYear: 2567}
		for _, p := range []*data.Problem{kept, changed} {
			if err := s.CreateProblem(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		b := &data.ImportBatch{File: "t.xlsx"}
		hOld := b.AddHousehold(data.HouseholdChange{Op: data.OpRef, Household: *old, Seen: old.UpdatedAt})
		b.AddProblem(data.ProblemChange{Op: data.OpNew, HouseholdRef: hOld, Problem: data.Problem{RoundID: 1, Category: 7, SubProblem: "อื่น ๆ", SurveyYear: 2567}})
		b.AddProblem(data.ProblemChange{Op: data.OpNew, HouseholdRef: hOld, Problem: data.Problem{RoundID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}})
		// The change moves a problem to a category the household had not,
		// whose references come after the end; a new problem follows it
		// there in the same chunk.
		upd := *changed
		upd.Status, upd.Category, upd.SubProblem = data.InProgress, 6, "ผู้สูงอายุไม่มีผู้ดูแล"
		b.AddProblem(data.ProblemChange{Op: data.OpUpdate, HouseholdRef: hOld, Problem: upd, Seen: changed.UpdatedAt})
		b.AddProblem(data.ProblemChange{Op: data.OpNew, HouseholdRef: hOld, Problem: data.Problem{RoundID: 1, Category: 6, SubProblem: "ผู้สูงอายุไม่มีผู้ดูแล", SurveyYear: 2567}})
		for i := range 3 {
			h := newHousehold(10+i, "410101")
			h.Unit = units[0].Code
			ref := b.AddHousehold(data.HouseholdChange{Op: data.OpNew, Household: *h})
			b.AddProblem(data.ProblemChange{Op: data.OpNew, HouseholdRef: ref, Problem: data.Problem{RoundID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567}})
			b.AddProblem(data.ProblemChange{Op: data.OpNew, HouseholdRef: ref, Problem: data.Problem{RoundID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567, Urgent: true}})
		}
		if _, err := s.CommitImport(ctx, b); err != nil {
			t.Fatalf("chunk %d: %v", chunk, err)
		}
		if rep, err := s.Check(ctx); err != nil || !rep.OK() {
			t.Fatalf("chunk %d: check %v: %+v", chunk, err, rep)
		}
		rc, _ := s.Counts(ctx, 1, data.Date{})
		var households int64
		for _, c := range rc.Households {
			if c.Category == 4 {
				households += c.N
			}
		}
		if households != 4 {
			t.Fatalf("chunk %d: %d households with a problem of category 4, want 4: %+v", chunk, households, rc.Households)
		}
		s.Close()
	}
}

// A write of something else between two chunks of a part, which the
// part's feed would not see (a record that took the next ID, a new
// round), fails the next chunk with ECONFLICT, and CommitImport's caller
// rolls back; with nothing written in between, the same chunks land.
func TestWriteBetweenChunksFailsTheFeed(t *testing.T) {
	ctx := context.Background()
	for _, between := range []string{"nothing", "household", "round"} {
		s, _ := Open(filepath.Join(t.TempDir(), "qm.db"), Options{})
		s.Init(ctx, "41", data.DefaultRound())
		b := batchOf(10, 1)
		st := &importState{}
		if err := s.update(func(tx *bbolt.Tx) error { return s.beginImport(ctx, tx, b, st) }); err != nil {
			t.Fatal(err)
		}
		var err error
		for _, part := range []data.BatchPart{data.PartHouseholds, data.PartProblems} {
			st.from, st.ends = 0, []int{4, 10}
			for k := range st.ends {
				if k == 1 && (part == data.PartHouseholds) == (between == "household") && between != "nothing" {
					if between == "household" {
						s.CreateHousehold(ctx, newHousehold(500, "410101"))
					} else {
						r := data.DefaultRound()
						r.Name += " 2"
						if err := s.CreateRound(ctx, &r); err != nil {
							t.Fatal(err)
						}
					}
				}
				if err = s.update(func(tx *bbolt.Tx) error { return s.writeChunk(ctx, tx, b, st, part, k) }); err != nil {
					break
				}
			}
			st.stopFeed()
			if err != nil {
				break
			}
		}
		if between == "nothing" && err != nil || between != "nothing" && data.ErrorCode(err) != data.ECONFLICT {
			t.Fatalf("%s written between chunks: %v", between, err)
		}
		s.Close()
	}
}
