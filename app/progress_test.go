package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

// fixedClock stands at 10:00 UTC (17:00 in Thailand) on d.
func fixedClock(d data.Date) data.Clock {
	return data.FixedClock(time.Date(d.Year, d.Month, d.Day, 10, 0, 0, 0, time.UTC))
}

// openStore opens a real bbolt file for province 41 and checks it on cleanup.
func openStore(t testing.TB, today data.Date) (*bolt.Store, *app.Progress) {
	t.Helper()
	return openStoreAt(t, filepath.Join(t.TempDir(), "qm.db"), today)
}

// openStoreAt is openStore with the database in the file path.
func openStoreAt(t testing.TB, path string, today data.Date) (*bolt.Store, *app.Progress) {
	t.Helper()
	s, err := bolt.Open(path, bolt.Options{NoSync: true, Clock: fixedClock(today)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Init(context.Background(), "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if rep, err := s.Check(context.Background()); err != nil || !rep.OK() {
			t.Errorf("check: %v %v", err, rep.Problems)
		}
		s.Close()
	})
	geo, err := assets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	return s, &app.Progress{Store: s, Geo: geo, Clock: fixedClock(today)}
}

// id makes the n-th valid national ID.
func id(n int) string {
	return data.WithCheckDigit(fmt.Sprintf("3123400%05d", n))
}

func TestSummarizeCountsExactly(t *testing.T) {
	today := data.NewDate(2024, 7, 1)
	s, prog := openStore(t, today)
	ctx := context.Background()
	hh := func(n int, tambon string, probs ...data.Problem) {
		var pbs []data.ProblemBundle
		for _, p := range probs {
			pbs = append(pbs, data.ProblemBundle{Problem: p})
		}
		err := s.Load(ctx, []data.Bundle{{Household: data.Household{TambonCode: tambon, Head: data.Person{NationalID: id(n)}, Origin: 1}, Problems: pbs}})
		if err != nil {
			t.Fatal(err)
		}
	}
	p := func(cat data.Category, st data.Status, urgent bool, target data.Date) data.Problem {
		return data.Problem{Category: cat, SubProblem: "x", SurveyYear: 2565, Status: st, Urgent: urgent, TargetDate: target, CloseReason: "ซ้ำ"}
	}
	early := data.NewDate(2024, 5, 31)
	// Amphoe 4101: two households.
	hh(1, "410101", p(4, data.Solved, false, data.Date{}), p(4, data.NotStarted, false, early), p(1, data.InProgress, true, early))
	hh(2, "410102", p(4, data.SelfSolved, false, data.Date{}), p(2, data.Closed, false, data.Date{}))
	// Amphoe 4102: one household.
	hh(3, "410201", p(5, data.NotStarted, true, data.Date{}))

	sum, err := prog.Summarize(ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	want := app.Tally{Households: 3, Target: 6, Solved: 1, SelfSolved: 1, InProgress: 1, NotStarted: 2, Closed: 1, SolvedTotal: 2, PercentSolved: 40, UrgentOpen: 2, Overdue: 2}
	if sum.Area.Totals != want {
		t.Errorf("province totals\n got %+v\nwant %+v", sum.Area.Totals, want)
	}
	if len(sum.Parts) != 20 {
		t.Errorf("every amphoe of Udon Thani should be listed, got %d", len(sum.Parts))
	}
	a := sum.Parts[0]
	if a.Code != "4101" || a.Name != "เมืองอุดรธานี" || a.Totals.Households != 2 || a.Totals.Target != 5 {
		t.Errorf("amphoe 4101: %+v", a)
	}
	if c := a.Categories[4]; c.Households != 2 || c.Target != 3 || c.Overdue != 1 || c.PercentSolved != 66.7 {
		t.Errorf("4101 category 4: %+v", c)
	}
	if sum.Countdown.DaysLeft != 92 || sum.Countdown.DaysSinceStart != 122 || sum.Countdown.Open != 3 {
		t.Errorf("countdown: %+v", sum.Countdown)
	}
	// An amphoe is split by tambon.
	am, err := prog.Summarize(ctx, 0, "4101")
	if err != nil {
		t.Fatal(err)
	}
	if am.Area.Totals.Target != 5 || len(am.Parts) != 2 || am.Parts[1].Code != "410102" || am.Parts[1].Totals.Closed != 1 {
		t.Errorf("amphoe summary: %+v parts %+v", am.Area.Totals, am.Parts)
	}
	tb, _ := prog.Summarize(ctx, 0, "410201")
	if tb.Area.Totals.Target != 1 || tb.Area.Totals.UrgentOpen != 1 || tb.Area.Name == "" {
		t.Errorf("tambon summary: %+v", tb.Area)
	}
	if _, err := prog.Summarize(ctx, 0, "41"); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("bad area code accepted: %v", err)
	}
}

func TestCountdownOf(t *testing.T) {
	r := data.DefaultRound()
	tests := []struct {
		name    string
		today   data.Date
		open    int64
		left    int
		overdue int
		since   int
		perDay  int64
		notYet  bool
	}{
		// Days left count today and the deadline day; the rate is rounded up.
		{"during", data.NewDate(2024, 9, 1), 300, 30, 0, 184, 10, false},
		{"during, rounded up", data.NewDate(2024, 9, 1), 301, 30, 0, 184, 11, false},
		{"deadline day", data.NewDate(2024, 9, 30), 5, 1, 0, 213, 5, false},
		{"past", data.NewDate(2024, 10, 10), 40, 0, 10, 223, 0, false},
		{"not started", data.NewDate(2024, 2, 1), 214, 243, 0, -29, 1, true},
		{"nothing open", data.NewDate(2024, 9, 1), 0, 30, 0, 184, 0, false},
	}
	for _, tt := range tests {
		d := app.CountdownOf(r, tt.today, tt.open)
		if d.DaysLeft != tt.left || d.DaysOverdue != tt.overdue || d.DaysSinceStart != tt.since || d.PerDayNeeded != tt.perDay || d.NotStarted != tt.notYet {
			t.Errorf("%s: %+v", tt.name, d)
		}
	}
}

// TestSummaryEqualsRecountOfDemo checks the counter-based numbers against
// a count of the records themselves on a demo province.
func TestSummaryEqualsRecountOfDemo(t *testing.T) {
	today := data.NewDate(2024, 8, 15)
	s, prog := openStore(t, today)
	ctx := context.Background()
	round, _ := s.Round(ctx, 1)
	geo, _ := assets.Geography()
	demo := app.Demo{Geo: geo, Province: "41", Round: round, Seed: 7, AsOf: today}
	if err := demo.Fill(ctx, s, 1500, 400, nil); err != nil {
		t.Fatal(err)
	}
	sum, err := prog.Summarize(ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	problems, err := s.Problems(ctx, data.ProblemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var want app.Tally
	perCat := map[data.Category]int64{}
	households := map[uint64]bool{}
	for _, p := range problems {
		want.Target++
		perCat[p.Category]++
		households[p.HouseholdID] = true
		switch p.Status {
		case data.Solved:
			want.Solved++
		case data.SelfSolved:
			want.SelfSolved++
		case data.InProgress:
			want.InProgress++
		case data.NotStarted:
			want.NotStarted++
		case data.Closed:
			want.Closed++
		}
		if p.Urgent && p.Status.Open() {
			want.UrgentOpen++
		}
		if p.Overdue(today) {
			want.Overdue++
		}
	}
	want.Households = int64(len(households))
	want.SolvedTotal = want.Solved + want.SelfSolved
	got := sum.Area.Totals
	got.PercentSolved = 0
	if got != want {
		t.Errorf("summary %+v\nrecount %+v", got, want)
	}
	for c, n := range perCat {
		if sum.Area.Categories[c].Target != n {
			t.Errorf("category %d: %d vs %d", c, sum.Area.Categories[c].Target, n)
		}
	}
	// Income dominates, as in the national table; every category occurs.
	for _, c := range data.Categories {
		if perCat[c] == 0 {
			t.Errorf("no problem in category %d", c)
		}
		if c != 4 && perCat[c] >= perCat[4] {
			t.Errorf("category %d (%d) not below income (%d)", c, perCat[c], perCat[4])
		}
	}
	if want.Overdue == 0 || want.UrgentOpen == 0 {
		t.Error("demo should have overdue and urgent problems")
	}
}

func TestDemoIsDeterministicAndValid(t *testing.T) {
	geo, _ := assets.Geography()
	d := app.Demo{Geo: geo, Province: "41", Round: data.Round{ID: 1, Start: data.DefaultRound().Start, Deadline: data.DefaultRound().Deadline}, Seed: 3}
	a, _ := d.Generate(200)
	b, _ := d.Generate(200)
	for i := range a {
		if a[i].Household.Head != b[i].Household.Head || len(a[i].Problems) != len(b[i].Problems) {
			t.Fatalf("household %d differs between runs", i)
		}
		h := a[i].Household
		if err := h.Validate(); err != nil {
			t.Fatalf("demo household %d invalid: %v", i, err)
		}
		if _, ok := geo.Tambon(h.TambonCode); !ok || h.TambonCode[:2] != "41" {
			t.Fatalf("tambon %s is not a real tambon of 41", h.TambonCode)
		}
	}
	if _, err := (app.Demo{Geo: geo, Province: "99"}).Generate(1); err == nil {
		t.Fatal("unknown province accepted")
	}
}

func TestResolveArea(t *testing.T) {
	_, prog := openStore(t, data.NewDate(2024, 7, 1))
	for in, want := range map[string]string{"4101": "4101", "เมือง": "4101", "อ.กุดจับ": "4102", "410101": "410101", "": ""} {
		if got, err := prog.ResolveArea("41", in); err != nil || got != want {
			t.Errorf("ResolveArea(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := prog.ResolveArea("41", "เมืองอุดร"); err == nil {
		t.Error("a wrong name resolved")
	}
}

func TestCountdownText(t *testing.T) {
	r := data.DefaultRound()
	for _, tc := range []struct {
		today data.Date
		want  string
	}{
		{data.NewDate(2024, 9, 1), "เหลืออีก 30 วัน (นับวันนี้และวันครบกำหนด)"},
		{data.NewDate(2024, 10, 10), "สิ้นสุดแล้วเมื่อ 30 ก.ย. 2567 (10 วันที่แล้ว)"},
		{data.NewDate(2024, 2, 1), "ยังไม่เริ่ม"},
	} {
		if got := app.CountdownText(r, app.CountdownOf(r, tc.today, 10)); !strings.Contains(got, tc.want) {
			t.Errorf("%v: %q lacks %q", tc.today, got, tc.want)
		}
	}
}

// After the deadline, open problems are all overdue; none open is not
// called "all overdue".
func TestCountdownTextOverdueOnlyWhenOpen(t *testing.T) {
	r := data.DefaultRound()
	after := data.NewDate(2026, 12, 1)
	if got := app.CountdownText(r, app.CountdownOf(r, after, 3)); !strings.Contains(got, "วันนี้ยังค้าง 3 ปัญหา (เลยกำหนดทั้งหมด)") {
		t.Errorf("3 open after the deadline: %q", got)
	}
	if got := app.CountdownText(r, app.CountdownOf(r, after, 0)); strings.Contains(got, "เลยกำหนด") || !strings.HasSuffix(got, "วันนี้ยังค้าง 0 ปัญหา") {
		t.Errorf("none open after the deadline: %q", got)
	}
}

// After the deadline, the round's final figures come from its history:
// open at the end of the deadline day, and solved or closed since.
func TestEndedRoundFiguresAtTheDeadline(t *testing.T) {
	today := data.NewDate(2026, 11, 30)
	s, prog := openStore(t, today)
	ctx := context.Background()
	h := data.Household{TambonCode: "410101", Head: data.Person{NationalID: id(1)}, Origin: 1}
	pb := func(sub string, resolved data.Date) data.ProblemBundle {
		p := data.Problem{Category: 4, SubProblem: sub, SurveyYear: 2565, Status: data.InProgress}
		var acts []data.Action
		if !resolved.IsZero() {
			p.Status, p.ResolvedOn = data.Solved, resolved
			acts = []data.Action{{Date: resolved, What: "ช่วยเหลือ", Result: data.Solved}}
		}
		return data.ProblemBundle{Problem: p, Actions: acts}
	}
	err := s.Load(ctx, []data.Bundle{{Household: h, Problems: []data.ProblemBundle{
		pb("ก", data.NewDate(2024, 6, 1)), pb("ข", data.NewDate(2024, 9, 30)), pb("ค", data.NewDate(2025, 1, 15)), pb("ง", data.Date{}), pb("จ", data.Date{}),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := prog.Summarize(ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	c := sum.Countdown
	if !c.Ended || c.OpenAtDeadline != 3 || c.ResolvedSince != 1 || c.SolvedSince != 1 || c.Open != 2 || c.DaysOverdue != 791 {
		t.Errorf("countdown on 30 Nov 2569: %+v; want ended, 3 open at the deadline, 1 solved since, 2 open, 791 days", c)
	}
	if fy := sum.FiscalYearBE(); fy != 2567 {
		t.Errorf("fiscal year of the ended round %d, want 2567 (not today's)", fy)
	}
	text := app.CountdownText(sum.Round, c)
	for _, want := range []string{"สิ้นสุดแล้วเมื่อ 30 ก.ย. 2567 (791 วันที่แล้ว)", "ณ วันครบกำหนดยังค้าง 3 ปัญหา", "แก้ไขสำเร็จแล้ว 1 ปัญหา และยุติ 0 ปัญหา", "วันนี้ยังค้าง 2 ปัญหา"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q lacks %q", text, want)
		}
	}
}
