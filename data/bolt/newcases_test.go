package bolt

import (
	"context"
	"path/filepath"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// newCaseFigures reads the round's new-case counters: group → category
// (0: any) → households, over the province.
func newCaseFigures(t *testing.T, s *Store, ctx context.Context) map[data.NewCase]map[data.Category]int64 {
	t.Helper()
	rc, err := s.Counts(ctx, 1, data.DateOf(today))
	if err != nil {
		t.Fatal(err)
	}
	out := map[data.NewCase]map[data.Category]int64{data.NewCaseMissed: {}, data.NewCaseKnown: {}}
	for _, c := range rc.NewCases {
		out[c.Group][c.Category] += c.N
	}
	return out
}

// checkNewCases asserts the stored counters equal check's recount from the
// records and the figures expected: missed and known households, each as
// {category 0 (any), category 4, category 2}.
func checkNewCases(t *testing.T, s *Store, ctx context.Context, step string, missed, known [3]int64) {
	t.Helper()
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("%s: check: %v %v", step, err, rep.Problems)
	}
	got := newCaseFigures(t, s, ctx)
	for _, x := range []struct {
		g    data.NewCase
		want [3]int64
	}{{data.NewCaseMissed, missed}, {data.NewCaseKnown, known}} {
		if have := [3]int64{got[x.g][0], got[x.g][4], got[x.g][2]}; have != x.want {
			t.Fatalf("%s: group %d: have %v, want %v", step, x.g, have, x.want)
		}
	}
}

// Every write that changes what the new cases count keeps their counters
// equal to check's recount: problems added, found-in-round corrected,
// moved between categories, deleted; a household's origin and tambon
// changed; a bulk load. A tampered counter is found by check and rebuilt
// by repair, and a file of schema 5 gets the counters when it is opened.
func TestNewCaseCounters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qm.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Clock = data.FixedClock(today)
	ctx := data.WithOperator(context.Background(), "tester")
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	create := func(hh uint64, cat data.Category, year int) *data.Problem {
		t.Helper()
		p := &data.Problem{HouseholdID: hh, Category: cat, SubProblem: "x", SurveyYear: year}
		if err := s.CreateProblem(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	update := func(p *data.Problem) {
		t.Helper()
		if err := s.UpdateProblem(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	missed := newHousehold(1, "410101")
	missed.Origin = data.OriginMissed
	known := newHousehold(2, "410101")
	for _, h := range []*data.Household{missed, known} {
		if err := s.CreateHousehold(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	checkNewCases(t, s, ctx, "no problems", [3]int64{}, [3]int64{})
	m1 := create(missed.ID, 4, 2567)
	create(missed.ID, 4, 2567)
	m3 := create(missed.ID, 2, 2567)
	checkNewCases(t, s, ctx, "missed household, three problems", [3]int64{1, 1, 1}, [3]int64{})
	old := create(known.ID, 4, 2565)
	checkNewCases(t, s, ctx, "known household, a 2565 problem", [3]int64{1, 1, 1}, [3]int64{})
	k1 := create(known.ID, 4, 2567)
	k2 := create(known.ID, 4, 2567)
	checkNewCases(t, s, ctx, "known household, two new problems", [3]int64{1, 1, 1}, [3]int64{1, 1, 0})
	k1.SurveyYear = 2565 // corrected: it was in the survey
	update(k1)
	checkNewCases(t, s, ctx, "one corrected to 2565", [3]int64{1, 1, 1}, [3]int64{1, 1, 0})
	k2.SurveyYear = 2565
	update(k2)
	checkNewCases(t, s, ctx, "both corrected", [3]int64{1, 1, 1}, [3]int64{})
	k2.SurveyYear, k2.Category = 2567, 2 // found in the round after all, in another category
	update(k2)
	checkNewCases(t, s, ctx, "moved to category 2", [3]int64{1, 1, 1}, [3]int64{1, 0, 1})
	m3.Category = 4
	update(m3)
	checkNewCases(t, s, ctx, "missed problem moved to category 4", [3]int64{1, 1, 0}, [3]int64{1, 0, 1})
	m1.Status = data.Solved
	update(m1)
	checkNewCases(t, s, ctx, "a status change", [3]int64{1, 1, 0}, [3]int64{1, 0, 1})

	// The household's origin corrected both ways.
	known.Origin = data.OriginMissed
	if err := s.UpdateHousehold(ctx, known); err != nil {
		t.Fatal(err)
	}
	checkNewCases(t, s, ctx, "known household now missed", [3]int64{2, 2, 1}, [3]int64{})
	known.Origin, known.TambonCode = data.OriginSurvey2565, "410201" // and moved
	if err := s.UpdateHousehold(ctx, known); err != nil {
		t.Fatal(err)
	}
	checkNewCases(t, s, ctx, "back to known, moved", [3]int64{1, 1, 0}, [3]int64{1, 0, 1})
	rc, _ := s.Counts(ctx, 1, data.DateOf(today))
	for _, c := range rc.NewCases {
		if c.Group == data.NewCaseKnown && c.Tambon != "410201" {
			t.Fatalf("known household's counter left behind: %+v", c)
		}
	}

	// Deleted (an import's undo): the last found-in-round problem of a
	// category takes the household out of it.
	if err := s.update(func(tx *bbolt.Tx) error {
		d := counterDelta{}
		if err := deleteProblem(tx, d, nil, k2); err != nil {
			return err
		}
		if err := deleteProblem(tx, d, nil, old); err != nil {
			return err
		}
		return d.flush(tx)
	}); err != nil {
		t.Fatal(err)
	}
	checkNewCases(t, s, ctx, "deleted", [3]int64{1, 1, 0}, [3]int64{})

	// A bulk load counts as one write per problem does.
	lm := newHousehold(3, "410101")
	lm.Origin = data.OriginMissed
	lk := newHousehold(4, "410101")
	if err := s.Load(ctx, []data.Bundle{
		{Household: *lm, Problems: []data.ProblemBundle{{Problem: data.Problem{Category: 2, SubProblem: "x", SurveyYear: 2567}}, {Problem: data.Problem{Category: 2, SubProblem: "y", SurveyYear: 2567}}}},
		{Household: *lk, Problems: []data.ProblemBundle{{Problem: data.Problem{Category: 4, SubProblem: "x", SurveyYear: 2565}}, {Problem: data.Problem{Category: 4, SubProblem: "y", SurveyYear: 2567}}}},
	}); err != nil {
		t.Fatal(err)
	}
	checkNewCases(t, s, ctx, "loaded", [3]int64{2, 1, 1}, [3]int64{1, 1, 0})

	// A tampered counter: check finds it, repair rebuilds it.
	if err := s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketCounters).Put(newCaseKey(1, "410101", 0, data.NewCaseMissed), itob(7))
	}); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Check(ctx); err != nil || rep.OK() {
		t.Fatalf("a tampered new-case counter passes check: %v %v", err, rep.Problems)
	}
	if _, err := s.Repair(ctx, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	checkNewCases(t, s, ctx, "repaired", [3]int64{2, 1, 1}, [3]int64{1, 1, 0})

	// A file of schema 5 has none of these counters or references (the
	// references packed here: the upgrade to 10 packs what countNewCases
	// writes in the old layout).
	s.db.Update(func(tx *bbolt.Tx) error {
		var stale [][]byte
		tx.Bucket(bucketCounters).ForEach(func(k, _ []byte) error {
			if k[0] == 'N' && len(k) == 17 {
				stale = append(stale, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range stale {
			tx.Bucket(bucketCounters).Delete(k)
		}
		refs := map[string][]refEntry{}
		tx.Bucket(bucketHHRefs).ForEach(func(k, v []byte) error {
			e, err := decodeRefs(v)
			if err != nil {
				t.Fatal(err)
			}
			var kept []refEntry
			for _, x := range e {
				if len(x.rest) < 2 || x.rest[1] != 'f' {
					kept = append(kept, x)
				}
			}
			refs[string(k)] = kept
			return nil
		})
		for k, e := range refs {
			putRefs(tx.Bucket(bucketHHRefs), []byte(k), e)
		}
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(5))
	})
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Clock = data.FixedClock(today)
	checkNewCases(t, s, ctx, "after the upgrade", [3]int64{2, 1, 1}, [3]int64{1, 1, 0})
}
