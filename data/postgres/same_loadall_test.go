package postgres

import (
	"context"
	"fmt"
	"testing"

	"qmdesk/data"
)

// inRound1 are loadBundles with every problem in round 1 or the current
// round, for a database of one round.
func inRound1() []data.Bundle {
	b := loadBundles()
	b[2].Problems[0].Problem.RoundID = 0
	return b
}

// batches is a fill that loads inRound1 in batches of one, with
// change (nil: none) applied to them first, and then returns end.
func batches(change func(b []data.Bundle), end error) func(load func([]data.Bundle) error) error {
	return func(load func([]data.Bundle) error) error {
		b := inRound1()
		if change != nil {
			change(b)
		}
		for i := range b {
			if err := load(b[i : i+1]); err != nil {
				return err
			}
		}
		return end
	}
}

// sameLoadAll is TestSameAsBolt's part for LoadAll and LoadAllUnits that
// land, on the twin as sameLoad leaves it.
func sameLoadAll(t *testing.T, w *twin) {
	ctx := w.ctx
	units := data.UnitList{{Name: "เทศบาลตำบลบ้านใหม่", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: "410201", Full: true}}},
		{Name: "เทศบาลตำบลหนองสำโรง", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: "410102"}}}}
	same(w, "LoadAllUnits", func(s implemented) (int, error) { return 0, s.LoadAllUnits(ctx, units, batches(nil, nil)) })
	same(w, "Meta after LoadAllUnits: demo data", func(s implemented) (data.Meta, error) { return noVersion(s.Meta(ctx)) })
	same(w, "Units after LoadAllUnits", func(s implemented) (data.UnitList, error) { return s.Units(ctx) })
	same(w, "Households after LoadAllUnits", func(s implemented) ([]data.Household, error) { return s.Households(ctx, data.HouseholdFilter{}) })
	same(w, "LoadAll", func(s implemented) (int, error) { return 0, s.LoadAll(ctx, batches(nil, nil)) })
	same(w, "LoadAll of nothing", func(s implemented) (int, error) {
		return 0, s.LoadAll(ctx, func(func([]data.Bundle) error) error { return nil })
	})
	same(w, "Sizes after LoadAll", func(s implemented) (data.Sizes, error) { return s.Sizes(ctx) })
	sameRoundCounters(w, "LoadAll", 4)
}

// A LoadAll or LoadAllUnits that fails leaves nothing: the same records,
// municipalities, counters and Meta as the bbolt store after its
// take-back, no audit entry (nothing of it was ever in), and the IDs of a
// load after it those the bbolt store gives.
func TestLoadAllRefused(t *testing.T) {
	w := newTwin(t, data.FixedClock(now))
	ctx := w.ctx
	same(w, "Init", func(s implemented) (data.Meta, error) { return noVersion(s.Init(ctx, "41", data.DefaultRound())) })
	units := data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}}}}
	same(w, "SetUnits", func(s implemented) (int, error) { return 0, s.SetUnits(ctx, units) })
	same(w, "Load", func(s implemented) (int, error) { return 0, s.Load(ctx, inRound1()[:1]) })
	auditBefore, err := w.pg.Audit(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	other := data.UnitList{{Name: "เทศบาลตำบลหนองสำโรง", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: "410102", Full: true}}}}
	cancelled, cancel := context.WithCancel(ctx)
	for _, c := range []struct {
		what  string
		units data.UnitList
		ctx   context.Context
		fill  func(load func([]data.Bundle) error) error
	}{
		{"fill fails after its batches", other, ctx, batches(nil, data.Errorf(data.EINVALID, "สร้างข้อมูลตัวอย่างไม่ได้", "demo failed"))},
		{"a bad household in the third batch", other, ctx, batches(func(b []data.Bundle) { b[2].Household.Origin = 0 }, nil)},
		{"a problem of no round, no units", nil, ctx, batches(func(b []data.Bundle) { b[2].Problems[0].Problem.RoundID = 9 }, nil)},
		{"cancelled after the first batch", other, cancelled, func(load func([]data.Bundle) error) error {
			if err := load(inRound1()[:1]); err != nil {
				return err
			}
			cancel()
			return load(inRound1()[1:])
		}},
	} {
		same(w, "LoadAllUnits, "+c.what, func(s implemented) (int, error) {
			if c.ctx == cancelled {
				cancelled, cancel = context.WithCancel(ctx)
				c.ctx = cancelled
			}
			return 0, s.LoadAllUnits(c.ctx, c.units, c.fill)
		})
		same(w, "Meta after "+c.what, func(s implemented) (data.Meta, error) { return noVersion(s.Meta(ctx)) })
		same(w, "Units after "+c.what, func(s implemented) (data.UnitList, error) { return s.Units(ctx) })
		same(w, "Sizes after "+c.what, func(s implemented) (data.Sizes, error) { return s.Sizes(ctx) })
		same(w, "Walk after "+c.what, func(s implemented) ([]walked, error) { return walkAll(ctx, s) })
		same(w, "Counts after "+c.what, func(s implemented) (data.RoundCounts, error) { return s.Counts(ctx, 1, data.Date{}) })
		same(w, "UnitCounts after "+c.what, func(s implemented) (data.RoundCounts, error) { return s.UnitCounts(ctx, 1, data.Date{}) })
		checkRecount(t, w.dsn)
		if got, err := w.pg.Audit(ctx, 0, 0); err != nil || len(got) != len(auditBefore) {
			t.Errorf("after %s: %d audit entries, %d before (%v)", c.what, len(got), len(auditBefore), err)
		}
	}
	cancel()
	// The IDs go on as in the bbolt store, which put its sequences back.
	same(w, "LoadAll after the failures", func(s implemented) ([]data.Bundle, error) {
		var loaded []data.Bundle
		err := s.LoadAll(ctx, func(load func([]data.Bundle) error) error {
			b := inRound1()
			if err := load(b); err != nil {
				return err
			}
			loaded = b
			return nil
		})
		return loaded, err
	})
	same(w, "CreateHousehold after the load", func(s implemented) (data.Household, error) {
		h := data.Household{HouseCode: "41010100010", TambonCode: "410101", Origin: data.OriginMissed}
		err := s.CreateHousehold(ctx, &h)
		return h, err
	})
	same(w, "Meta after the load", func(s implemented) (data.Meta, error) { return noVersion(s.Meta(ctx)) })
	checkRecount(t, w.dsn)
	b, err := w.bolt.Audit(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.pg.Audit(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != len(auditBefore)+2 {
		t.Fatalf("%d audit entries after the load, %d before", len(p), len(auditBefore))
	}
	for i := 1; i <= 2; i++ {
		be, pe := b[len(b)-i], p[len(p)-i]
		be.Who, pe.Who = "", ""
		if x, y := comparable(be), comparable(pe); fmt.Sprint(x) != fmt.Sprint(y) {
			t.Errorf("audit entry %d from the end:\nbbolt      %+v\npostgresql %+v", i, x, y)
		}
	}
}
