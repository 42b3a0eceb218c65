package bolt

import (
	"context"
	"path/filepath"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

func reXRayTotals(t *testing.T, s *Store, ctx context.Context) map[data.ReXRay]int64 {
	t.Helper()
	rc, err := s.Counts(ctx, 1, data.DateOf(today))
	if err != nil {
		t.Fatal(err)
	}
	out := map[data.ReXRay]int64{}
	for _, c := range rc.ReXRay {
		out[c.Result] += c.N
	}
	return out
}

// The Re-X-Ray result of each problem is counted by tambon and category,
// follows the problem's changes and its household's move, and a file of
// schema 4 (before these counters) gets them when it is opened.
func TestReXRayCounters(t *testing.T) {
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
	h := newHousehold(1, "410101")
	if err := s.CreateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	var ps []*data.Problem
	for _, r := range []data.ReXRay{data.ReXRaySolved, data.ReXRayPartly, data.ReXRayUnsolved, data.ReXRayUnsolved, data.ReXRayNone} {
		p := &data.Problem{HouseholdID: h.ID, Category: data.Category(4), SubProblem: "x", SurveyYear: 2565, ReXRay: r}
		if err := s.CreateProblem(ctx, p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if got := reXRayTotals(t, s, ctx); got[data.ReXRaySolved] != 1 || got[data.ReXRayPartly] != 1 || got[data.ReXRayUnsolved] != 2 || got[data.ReXRayNone] != 0 {
		t.Fatalf("after create: %v", got)
	}
	ps[3].ReXRay = data.ReXRaySolved
	if err := s.UpdateProblem(ctx, ps[3]); err != nil {
		t.Fatal(err)
	}
	h.TambonCode = "410201"
	if err := s.UpdateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	rc, _ := s.Counts(ctx, 1, data.DateOf(today))
	for _, c := range rc.ReXRay {
		if c.Tambon != "410201" || c.Category != data.Category(4) {
			t.Errorf("counter %+v not in the household's tambon and the problem's category", c)
		}
	}
	if got := reXRayTotals(t, s, ctx); got[data.ReXRaySolved] != 2 || got[data.ReXRayUnsolved] != 1 {
		t.Fatalf("after update: %v", got)
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check: %v %v", err, rep.Problems)
	}
	// A file of schema 4 has no Re-X-Ray counters: the upgrade counts them.
	s.db.Update(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketCounters)
		var stale [][]byte
		c.ForEach(func(k, _ []byte) error {
			if k[0] == 'X' {
				stale = append(stale, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range stale {
			c.Delete(k)
		}
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(4))
	})
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := reXRayTotals(t, s, ctx); got[data.ReXRaySolved] != 2 || got[data.ReXRayPartly] != 1 || got[data.ReXRayUnsolved] != 1 {
		t.Fatalf("after the upgrade: %v", got)
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check after the upgrade: %v %v", err, rep.Problems)
	}
}
