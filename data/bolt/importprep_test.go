package bolt

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"qmdesk/data"
)

// ahead hands every entry over in order, stops making them at the one
// that failed, and stops the goroutine when the caller's side fails.
func TestAhead(t *testing.T) {
	var got []int
	err := ahead(3, 1000, func(i int) (int, bool) { return i, true }, func(i *int) error { got = append(got, *i); return nil })
	if err != nil || len(got) != 997 || !slices.IsSorted(got) || got[0] != 3 {
		t.Fatalf("all: %v, %d entries", err, len(got))
	}
	made, got := 0, nil
	err = ahead(0, 1000, func(i int) (int, bool) { made++; return i, i != 600 }, func(i *int) error { got = append(got, *i); return nil })
	if err != nil || made != 601 || len(got) != 601 {
		t.Fatalf("last at 600: %v, made %d, handed over %d", err, made, len(got))
	}
	stop := errors.New("stop")
	made = 0
	err = ahead(0, 100_000, func(i int) (int, bool) { made++; return i, true }, func(i *int) error {
		if *i == 10 {
			return stop
		}
		return nil
	})
	if err != stop || made == 100_000 {
		t.Fatalf("caller stops at 10: %v, made %d", err, made)
	}
	err = ahead(0, 10, func(i int) (int, bool) {
		if i == 5 {
			panic("boom")
		}
		return i, true
	}, func(*int) error { return nil })
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
