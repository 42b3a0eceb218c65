package bolt

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// The municipalities are kept in the file with a checksum (check stays
// clean) and an audit entry per change; a file without any reads as none.
func TestUnitsStoredAndAudited(t *testing.T) {
	s, ctx := openTest(t)
	if l, err := s.Units(ctx); err != nil || len(l) != 0 {
		t.Fatalf("a new file: %v %v", l, err)
	}
	l := data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}}}}
	if err := s.SetUnits(ctx, l); err != nil {
		t.Fatal(err)
	}
	got, err := s.Units(ctx)
	if err != nil || len(got) != 1 || got[0].Name != l[0].Name || !got[0].Tambons[0].Full {
		t.Fatalf("read back: %+v %v", got, err)
	}
	if err := s.SetUnits(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Units(ctx); len(got) != 0 {
		t.Errorf("removed: %+v", got)
	}
	entries, err := s.Audit(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Entity == "units" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d audit entries for units, want 2", n)
	}
}

// Households in a municipality count under their tambon and again under
// their unit: after random creations, changes, moves between tambon,
// choices of unit in a partly covered tambon and changes of the unit
// list, the unit counters equal a recount from the records, the tambon
// counters hold every problem once, and check (on cleanup) is clean.
func TestUnitCountersFollowTheRecords(t *testing.T) {
	s, ctx := openTest(t)
	units := data.UnitList{
		{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}, {Code: "410102"}}},
		{Name: "เทศบาลเมืองหนองสำโรง", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: "410102"}}},
	}
	if err := s.SetUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	units, _ = s.Units(ctx)
	if units[0].Code == "" || units[1].Code == "" || units[0].Code == units[1].Code {
		t.Fatalf("codes: %+v", units)
	}
	codes := []string{"", units[0].Code, units[1].Code}
	r := rand.New(rand.NewPCG(3, 4))
	tambons := []string{"410101", "410102", "410201"}
	var hhs, pids []uint64
	for i := range 800 {
		switch op := r.IntN(12); {
		case op < 2 || len(hhs) == 0:
			h := newHousehold(i+1, tambons[r.IntN(len(tambons))])
			h.Unit = codes[r.IntN(3)]
			if err := s.CreateHousehold(ctx, h); err != nil {
				t.Fatal(err)
			}
			hhs = append(hhs, h.ID)
		case op < 5:
			p := &data.Problem{HouseholdID: hhs[r.IntN(len(hhs))], Category: data.Category(r.IntN(7) + 1), SubProblem: "x", SurveyYear: 2565, ReXRay: data.ReXRay(r.IntN(4))}
			if err := s.CreateProblem(ctx, p); err != nil {
				t.Fatal(err)
			}
			pids = append(pids, p.ID)
		case op < 7 && len(pids) > 0:
			p, _ := s.Problem(ctx, pids[r.IntN(len(pids))])
			p.Status = data.Statuses[r.IntN(5)]
			p.CloseReason = "ซ้ำ"
			p.Category = data.Category(r.IntN(7) + 1)
			if err := s.UpdateProblem(ctx, &p); err != nil {
				t.Fatal(err)
			}
		case op < 10:
			h, _ := s.Household(ctx, hhs[r.IntN(len(hhs))])
			if r.IntN(2) == 0 {
				h.TambonCode = tambons[r.IntN(len(tambons))]
			}
			h.Unit = codes[r.IntN(3)]
			if err := s.UpdateHousehold(ctx, &h); err != nil {
				t.Fatal(err)
			}
		case op < 11:
			// The coverage changes: 410102 wholly in the first unit, or
			// back to partly covered by both.
			l, _ := s.Units(ctx)
			if l[0].Tambons[1].Full {
				l[0].Tambons[1].Full = false
				l[1].Tambons = []data.UnitTambon{{Code: "410102"}}
			} else {
				l[0].Tambons[1].Full = true
				l[1].Tambons = []data.UnitTambon{{Code: "410201"}}
			}
			if err := s.SetUnits(ctx, l); err != nil {
				t.Fatal(err)
			}
		default:
			if len(pids) > 0 {
				a := &data.Action{ProblemID: pids[r.IntN(len(pids))], Date: data.NewDate(2024, 5, 1), What: "ติดตาม", Result: data.Statuses[r.IntN(4)]}
				if err := s.AddAction(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	l, _ := s.Units(ctx)
	wantP, wantH := map[string]int64{}, map[string]int64{}
	inUnits := 0
	for _, id := range hhs {
		h, _ := s.Household(ctx, id)
		if u, ok, _ := l.OfHousehold(h); ok != (h.Unit != "") || (ok && u.Code != h.Unit) {
			t.Fatalf("household %d in tambon %s has unit %q, the list says %q", h.ID, h.TambonCode, h.Unit, u.Code)
		}
		if h.Unit == "" {
			continue
		}
		inUnits++
		ps, _ := s.Problems(ctx, data.ProblemFilter{HouseholdID: h.ID})
		wantP[h.Unit] += int64(len(ps))
		if len(ps) > 0 {
			wantH[h.Unit]++
		}
	}
	if inUnits == 0 {
		t.Fatal("no household ended in a unit")
	}
	rc, _ := s.UnitCounts(ctx, 1, data.DateOf(today))
	gotP, gotH := map[string]int64{}, map[string]int64{}
	for _, c := range rc.Status {
		gotP[c.Tambon] += c.N
	}
	for _, c := range rc.Households {
		if c.Category == 0 {
			gotH[c.Tambon] += c.N
		}
	}
	for _, c := range codes[1:] {
		if gotP[c] != wantP[c] || gotH[c] != wantH[c] {
			t.Errorf("unit %s: counters %d problems %d households, records %d and %d", c, gotP[c], gotH[c], wantP[c], wantH[c])
		}
	}
	all, _ := s.Counts(ctx, 1, data.DateOf(today))
	var total int64
	for _, c := range all.Status {
		if data.IsUnitCode(c.Tambon) {
			t.Fatalf("Counts returned a unit's counter %+v", c)
		}
		total += c.N
	}
	if total != int64(len(pids)) {
		t.Errorf("tambon counters hold %d problems, %d were created", total, len(pids))
	}
	// A unit counter lost: check names it, repair rebuilds it.
	err := s.db.Update(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketCounters).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if k[0] == 'S' && data.IsUnitCode(string(k[9:15])) {
				return c.Delete()
			}
		}
		t.Fatal("no unit counter")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep, _ := s.Check(ctx); rep.OK() {
		t.Fatal("check missed a lost unit counter")
	}
	if fixed, err := s.Repair(ctx, t.TempDir()); err != nil || len(fixed.Remaining) != 0 {
		t.Fatalf("repair: %v %+v", err, fixed)
	}
}

// A schema-5 file with a unit list (names only) and households in its
// tambon: the upgrade gives the units their codes, the households of a
// wholly covered tambon their unit, and builds the unit counters; check
// is clean after it.
func TestUpgradeFromSchema5GivesHouseholdsTheirUnit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qm.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Clock = data.FixedClock(today)
	ctx := data.WithOperator(context.Background(), "tester")
	s.Init(ctx, "41", data.DefaultRound())
	err = s.Load(ctx, []data.Bundle{
		{Household: *newHousehold(1, "410101"), Problems: []data.ProblemBundle{{Problem: data.Problem{Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}}}},
		{Household: *newHousehold(2, "410102"), Problems: []data.ProblemBundle{{Problem: data.Problem{Category: 1, SubProblem: "x", SurveyYear: 2565}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Make it a schema-5 file: units without codes, no household units,
	// no unit counters.
	err = s.db.Update(func(tx *bbolt.Tx) error {
		l := data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}, {Code: "410102"}}}}
		if err := putJSON(tx, bucketSubProblems, keyUnits, l); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(5))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check after upgrade: %v %v", err, rep.Problems)
	}
	l, _ := s.Units(ctx)
	h1, _ := s.Household(ctx, 1)
	h2, _ := s.Household(ctx, 2)
	if l[0].Code == "" || h1.Unit != l[0].Code || h2.Unit != "" {
		t.Fatalf("after upgrade: units %+v, households' units %q %q", l, h1.Unit, h2.Unit)
	}
	rc, _ := s.UnitCounts(ctx, 1, data.DateOf(today))
	if len(rc.Status) != 1 || rc.Status[0].Tambon != l[0].Code || rc.Status[0].N != 1 {
		t.Errorf("unit counters %+v", rc.Status)
	}
}

// The demo's municipalities go in with its load: a load taken back takes
// them back too (a file that kept none keeps none).
func TestLoadTakenBackTakesItsUnitsBack(t *testing.T) {
	s, ctx := openTest(t)
	units := data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}}}}
	failed := data.Errorf(data.EINVALID, "หยุด", "stop")
	err := s.LoadAllUnits(ctx, units, func(load func([]data.Bundle) error) error {
		if err := load([]data.Bundle{{Household: *newHousehold(1, "410101"), Problems: []data.ProblemBundle{{Problem: data.Problem{Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}}}}}); err != nil {
			return err
		}
		if l, _ := s.Units(ctx); len(l) != 1 {
			t.Errorf("during the load: %+v", l)
		}
		return failed
	})
	if err == nil {
		t.Fatal("the load did not fail")
	}
	if l, _ := s.Units(ctx); len(l) != 0 {
		t.Errorf("after the rollback: %+v", l)
	}
	if err := s.db.View(func(tx *bbolt.Tx) error {
		if tx.Bucket(bucketSubProblems).Get(keyUnits) != nil {
			t.Error("the list is kept after the rollback, the file had none")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// The log logged the list at the load's start; its last entry, the
	// rollback, says the list went too.
	log, err := s.Audit(ctx, 0, 0)
	if err != nil || len(log) == 0 {
		t.Fatal(err)
	}
	if last := log[len(log)-1]; last.Op != "rollback" || !strings.Contains(last.Note, "municipality list undone") {
		t.Errorf("the last audit entry: %+v", last)
	}
}
