package bolt

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"qmdesk/data"
)

func thaiQMKeyed(t *testing.T, s *Store, ctx context.Context) (n int64, tambons map[string]int64) {
	t.Helper()
	rc, err := s.Counts(ctx, 1, data.DateOf(today))
	if err != nil {
		t.Fatal(err)
	}
	tambons = map[string]int64{}
	for _, c := range rc.ThaiQM {
		n += c.N
		tambons[c.Tambon] += c.N
	}
	return n, tambons
}

// A problem's ThaiQM mark is counted by tambon and category; a change of
// its result or a new action not keyed takes the mark off, one keyed
// (a workbook row's date) keeps it; marking marks the problem's actions;
// the counters follow a household's move and agree with check's recount
// after every step; a day in the future or before the round is refused.
func TestThaiQMMarksAndCounters(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "qm.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Clock = data.FixedClock(today)
	ctx := data.WithOperator(context.Background(), "tester")
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	h := newHousehold(1, "410101")
	if err := s.CreateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for range 4 {
		p := &data.Problem{HouseholdID: h.ID, Category: data.Category(4), SubProblem: "x", SurveyYear: 2565}
		if err := s.CreateProblem(ctx, p); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if err := s.AddAction(ctx, &data.Action{ProblemID: ids[0], Date: data.DateOf(today), What: "ฝึกอาชีพ", Result: data.InProgress}); err != nil {
		t.Fatal(err)
	}
	checkOK := func(step string) {
		t.Helper()
		if rep, err := s.Check(ctx); err != nil || !rep.OK() {
			t.Fatalf("%s: check: %v %v", step, err, rep.Problems)
		}
	}
	on := data.DateOf(today).AddDays(-3)
	if n, err := s.MarkThaiQM(ctx, ids[:3], on); err != nil || n != 3 {
		t.Fatalf("mark: %d %v", n, err)
	}
	if n, _ := thaiQMKeyed(t, s, ctx); n != 3 {
		t.Fatalf("keyed after the mark: %d, want 3", n)
	}
	acts, _ := s.Actions(ctx, ids[0])
	for _, a := range acts {
		if a.ThaiQMOn != on {
			t.Errorf("action %d not marked with its problem: %v", a.ID, a.ThaiQMOn)
		}
	}
	checkOK("mark")
	// A change of the result after the mark: not keyed any more.
	p, _ := s.Problem(ctx, ids[0])
	p.Status = data.Solved
	if err := s.UpdateProblem(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if p, _ = s.Problem(ctx, ids[0]); !p.ThaiQMOn.IsZero() {
		t.Fatalf("changed result still keyed on %v", p.ThaiQMOn)
	}
	// A change that is not the result keeps it.
	p, _ = s.Problem(ctx, ids[1])
	p.LeadAgency = "พมจ."
	if err := s.UpdateProblem(ctx, &p); err != nil {
		t.Fatal(err)
	}
	// A new action not keyed takes it off; one keyed keeps it.
	if err := s.AddAction(ctx, &data.Action{ProblemID: ids[2], Date: data.DateOf(today), What: "เยี่ยมบ้าน"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAction(ctx, &data.Action{ProblemID: ids[1], Date: data.DateOf(today), What: "มอบทุน", ThaiQMOn: on}); err != nil {
		t.Fatal(err)
	}
	if n, _ := thaiQMKeyed(t, s, ctx); n != 1 {
		t.Fatalf("keyed after the changes: %d, want 1 (problem %d)", n, ids[1])
	}
	checkOK("changes")
	h.TambonCode = "410201"
	if err := s.UpdateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	if _, tb := thaiQMKeyed(t, s, ctx); tb["410201"] != 1 || len(tb) != 1 {
		t.Fatalf("after the move: %v", tb)
	}
	checkOK("move")
	// Taking the mark off, and days refused.
	if n, err := s.MarkThaiQM(ctx, ids[1:2], data.Date{}); err != nil || n != 1 {
		t.Fatalf("unmark: %d %v", n, err)
	}
	if n, _ := thaiQMKeyed(t, s, ctx); n != 0 {
		t.Fatalf("keyed after unmark: %d", n)
	}
	for _, bad := range []data.Date{data.DateOf(today).AddDays(1), data.NewDate(2024, time.February, 29)} {
		if _, err := s.MarkThaiQM(ctx, ids, bad); data.ErrorCode(err) != data.EINVALID {
			t.Errorf("mark on %v: %v, want EINVALID", bad, err)
		}
	}
	if err := s.MarkActionThaiQM(ctx, ids[2], acts[0].ID, on); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("an action of another problem: %v", err)
	}
	acts, _ = s.Actions(ctx, ids[2])
	if err := s.MarkActionThaiQM(ctx, ids[2], acts[0].ID, on); err != nil {
		t.Fatal(err)
	}
	if acts, _ = s.Actions(ctx, ids[2]); acts[0].ThaiQMOn != on {
		t.Fatalf("action mark: %v", acts[0].ThaiQMOn)
	}
	checkOK("end")
	entries, _ := s.Audit(ctx, 0, 0)
	marks := 0
	for _, e := range entries {
		if e.Op == "thaiqm" {
			marks++
		}
	}
	if marks < 2 {
		t.Errorf("%d audit entries of action marks, want at least 2", marks)
	}
}
