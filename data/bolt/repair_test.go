package bolt

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// damageLikeIssue9 writes what the broken clock of issue 9 wrote: a
// status change whose problem and action carry the day -001-11-30, with
// the counters the old code moved for it; and a household whose record is
// cut short, with a problem and an action under it. legacy: the records
// are JSON, as a file of schema 8 or before holds them (and the upgrade
// to 9 leaves damaged ones).
func damageLikeIssue9(t *testing.T, s *Store, ctx context.Context, legacy bool) (solved, lost *data.Problem) {
	t.Helper()
	h := newHousehold(1, "410101")
	lostH := newHousehold(2, "410102")
	for _, x := range []*data.Household{h, lostH} {
		if err := s.CreateHousehold(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	solved = &data.Problem{HouseholdID: h.ID, Category: 1, SubProblem: "บ้านทรุดโทรม/ไม่มั่นคงถาวร", SurveyYear: 2565}
	lost = &data.Problem{HouseholdID: lostH.ID, Category: 2, SubProblem: "ขาดแคลนน้ำใช้", SurveyYear: 2567}
	for _, p := range []*data.Problem{solved, lost, {HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}} {
		if err := s.CreateProblem(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []*data.Action{{ProblemID: solved.ID, Date: data.NewDate(2024, 5, 1), What: "ซ่อมบ้าน", Result: data.Solved}, {ProblemID: lost.ID, Date: data.NewDate(2024, 5, 2), What: "ต่อท่อประปา"}} {
		if err := s.AddAction(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		if legacy {
			legacyJSON(t, tx)
		}
		b := tx.Bucket(bucketProblems)
		a := tx.Bucket(bucketActions)
		k, av := a.Cursor().Seek(itob(solved.ID))
		k, av = bytes.Clone(k), bytes.Clone(av)
		pv := bytes.Clone(b.Get(itob(solved.ID)))
		hv := bytes.Clone(tx.Bucket(bucketHouseholds).Get(itob(lostH.ID)))
		if legacy {
			pv = []byte(strings.Replace(string(pv), `"resolved_on":"2024-05-01"`, `"resolved_on":"-001-11-30"`, 1))
			av = []byte(strings.Replace(string(av), `"date":"2024-05-01"`, `"date":"-001-11-30"`, 1))
			hv = []byte(`{"id":2,"tambon":"410102",`)
		} else {
			pv = patchDay(t, pv, data.NewDate(2024, 5, 1), data.Date{Year: -1, Month: 11, Day: 30})
			av = patchDay(t, av, data.NewDate(2024, 5, 1), data.Date{Year: -1, Month: 11, Day: 30})
			hv = hv[:len(hv)/2]
		}
		if err := b.Put(itob(solved.ID), pv); err != nil {
			return err
		}
		if err := a.Put(k, av); err != nil {
			return err
		}
		// The old code counted the problem as resolved on that day.
		r := tx.Bucket(bucketCounters)
		old := key(byte('R'), solved.RoundID, "20240501", "410101")
		if err := r.Delete(old); err != nil {
			return err
		}
		if err := r.Put(key(byte('R'), solved.RoundID, "-0011130", "410101"), itob(1)); err != nil {
			return err
		}
		return tx.Bucket(bucketHouseholds).Put(itob(lostH.ID), hv)
	})
	if err != nil {
		t.Fatal(err)
	}
	return solved, lost
}

// encodings runs test on records in the compact encoding, then on JSON
// ones.
func encodings(t *testing.T, test func(t *testing.T, legacy bool)) {
	t.Run("compact", func(t *testing.T) { test(t, false) })
	t.Run("json", func(t *testing.T) { test(t, true) })
}

func TestDamagedRecordsAreNamedAndTheRestStillReads(t *testing.T) {
	encodings(t, damagedRecordsAreNamed)
}

func damagedRecordsAreNamed(t *testing.T, legacy bool) {
	s, ctx := openTestUnchecked(t)
	solved, _ := damageLikeIssue9(t, s, ctx, legacy)
	rep, err := s.Check(ctx)
	if err != nil || rep.OK() {
		t.Fatalf("check on a damaged file: %v %+v", err, rep)
	}
	all := strings.Join(rep.Problems, "\n")
	for _, want := range []string{"problem 1 unreadable", "-001-11-30", "household 2 unreadable", "action"} {
		if !strings.Contains(all, want) {
			t.Errorf("check does not name %q:\n%s", want, all)
		}
	}
	var seen []uint64
	err = s.Walk(ctx, func(h data.Household, ps []data.Problem) error {
		seen = append(seen, h.ID)
		return nil
	})
	if data.ErrorCode(err) != data.EDAMAGED || len(seen) != 1 || seen[0] != 1 {
		t.Errorf("walk over damage: saw %v, err %v; want household 1 and EDAMAGED", seen, err)
	}
	if !strings.Contains(data.ErrorMessage(err), "ปัญหาเลขที่ 1") || !strings.Contains(data.ErrorMessage(err), "ซ่อมแซม") {
		t.Errorf("walk's message does not name the record and what to do: %s", data.ErrorMessage(err))
	}
	ps, err := s.Problems(ctx, data.ProblemFilter{RoundID: 1})
	if data.ErrorCode(err) != data.EDAMAGED || len(ps) != 2 {
		t.Errorf("problems over damage: %d read, err %v; want the 2 readable and EDAMAGED", len(ps), err)
	}
	if _, err := s.Problem(ctx, solved.ID); data.ErrorCode(err) != data.EDAMAGED {
		t.Errorf("reading the damaged problem: %v", err)
	}
}

func TestRepairMendsWhatItCanAndSetsAsideTheRest(t *testing.T) { encodings(t, repairMends) }

func repairMends(t *testing.T, legacy bool) {
	s, ctx := openTest(t) // checked clean on cleanup: the repair must leave it so
	solved, lost := damageLikeIssue9(t, s, ctx, legacy)
	dir := t.TempDir()
	rep, err := s.Repair(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Remaining) != 0 || !rep.Rebuilt {
		t.Fatalf("after repair: %+v", rep)
	}
	if _, err := os.Stat(rep.Backup); err != nil || !strings.HasPrefix(rep.Backup, dir) {
		t.Errorf("backup before repair %q: %v", rep.Backup, err)
	}
	if b, err := Open(rep.Backup, Options{ReadOnly: true}); err != nil {
		t.Errorf("the backup does not open: %v", err)
	} else {
		if r, _ := b.Check(ctx); r.OK() {
			t.Error("the backup is not the file as it was before the repair")
		}
		b.Close()
	}
	p, err := s.Problem(ctx, solved.ID)
	if err != nil || p.ResolvedOn != data.DateOf(today) || p.Status != data.Solved {
		t.Errorf("mended problem: %+v, %v; want resolved on the day it was last changed (%v)", p, err, data.DateOf(today))
	}
	acts, err := s.Actions(ctx, solved.ID)
	if err != nil || len(acts) != 1 || acts[0].Date != data.DateOf(today) {
		t.Errorf("mended action: %+v, %v", acts, err)
	}
	if _, err := s.Problem(ctx, lost.ID); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("the problem of the unreadable household: %v; want set aside", err)
	}
	if len(rep.Mended) != 2 || len(rep.Quarantined) != 3 {
		t.Errorf("mended %q, quarantined %q; want 2 and 3 (household, its problem, its action)", rep.Mended, rep.Quarantined)
	}
	n := 0
	s.db.View(func(tx *bbolt.Tx) error {
		n = tx.Bucket(bucketQuarantine).Stats().KeyN
		return nil
	})
	if n != 3 {
		t.Errorf("%d records in quarantine, want 3", n)
	}
	sum, err := s.Counts(ctx, 1, data.DateOf(today))
	if err != nil || len(sum.Status) == 0 {
		t.Fatalf("counts after repair: %v", err)
	}
	var total int64
	for _, c := range sum.Status {
		total += c.N
	}
	if total != 2 {
		t.Errorf("counters after repair count %d problems, want 2", total)
	}
	if es, _ := s.Audit(ctx, 0, 0); es[len(es)-1].Op != "repair" {
		t.Errorf("last audit entry %+v, want the repair", es[len(es)-1])
	}
}

// openTestUnchecked is openTest without the check on cleanup, for a file
// the test damages on purpose.
func openTestUnchecked(t *testing.T) (*Store, context.Context) {
	t.Helper()
	s, err := Open(t.TempDir()+"/qm.db", Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Clock = data.FixedClock(today)
	if _, err := s.Init(context.Background(), "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, data.WithOperator(context.Background(), "tester")
}

// A problem whose resolved day cannot be read, but whose history can,
// gets the day its history says it was solved, not the day of the repair:
// the round's figures at its deadline stay what they were.
func TestRepairTakesTheResolvedDayFromTheHistory(t *testing.T) {
	encodings(t, repairTakesTheResolvedDay)
}

func repairTakesTheResolvedDay(t *testing.T, legacy bool) {
	s, ctx := openTest(t)
	h := newHousehold(1, "410101")
	s.CreateHousehold(ctx, h)
	p := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}
	s.CreateProblem(ctx, p)
	s.AddAction(ctx, &data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 5, 1), What: "เยี่ยมบ้าน", Result: data.InProgress})
	s.AddAction(ctx, &data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 5, 20), What: "ชำระหนี้", Result: data.Solved})
	s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketProblems)
		var v []byte
		if legacy {
			legacyJSON(t, tx)
			v = []byte(strings.Replace(string(b.Get(itob(p.ID))), `"resolved_on":"2024-05-20"`, `"resolved_on":"-001-11-30"`, 1))
		} else {
			v = patchDay(t, b.Get(itob(p.ID)), data.NewDate(2024, 5, 20), data.Date{Year: -1, Month: 11, Day: 30})
		}
		c := tx.Bucket(bucketCounters)
		c.Delete(key(byte('R'), p.RoundID, "20240520", "410101"))
		c.Put(key(byte('R'), p.RoundID, "-0011130", "410101"), itob(1))
		return b.Put(itob(p.ID), v)
	})
	if _, err := s.Repair(ctx, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Problem(ctx, p.ID); got.ResolvedOn != data.NewDate(2024, 5, 20) {
		t.Errorf("resolved on %v, want 2024-05-20 from its history", got.ResolvedOn)
	}
}
