package app_test

import (
	"context"
	"runtime"
	"slices"
	"testing"

	"qmdesk/app"
	"qmdesk/data"
)

func TestRegisterSearchAndFilters(t *testing.T) {
	today := data.NewDate(2024, 7, 1)
	s, _ := openStore(t, today)
	ctx := context.Background()
	early := data.NewDate(2024, 5, 31)
	add := func(n int, code, tambon, first, last string, origin data.Origin, ps ...data.Problem) {
		var pbs []data.ProblemBundle
		for _, p := range ps {
			pbs = append(pbs, data.ProblemBundle{Problem: p})
		}
		h := data.Household{TambonCode: tambon, HouseCode: code, Head: data.Person{NationalID: id(n), Title: "นาย", FirstName: first, LastName: last}, Origin: origin}
		if err := s.Load(ctx, []data.Bundle{{Household: h, Problems: pbs}}); err != nil {
			t.Fatal(err)
		}
	}
	p := func(cat data.Category, sub string, st data.Status, urgent bool, target data.Date) data.Problem {
		return data.Problem{Category: cat, SubProblem: sub, SurveyYear: 2565, Status: st, Urgent: urgent, TargetDate: target, CloseReason: "ซ้ำ"}
	}
	add(1, "41010000011", "410101", "สมชาย", "ใจดี", data.OriginSurvey2565,
		p(1, "ไม่มีบ้าน", data.InProgress, true, early), p(4, "รายได้ต่ำ", data.Solved, false, data.Date{}))
	add(2, "41010000029", "410102", "สมหญิง", "รักไทย", data.OriginMissed, p(4, "รายได้ต่ำ", data.NotStarted, false, data.NewDate(2024, 9, 30)))
	fresh := p(4, "รายได้ต่ำ", data.Solved, false, data.Date{})
	fresh.SurveyYear = 2567
	add(3, "41020000012", "410201", "มานะ", "ใจดี", data.OriginSurvey2565, p(2, "ยาเสพติด", data.Closed, true, early), fresh)
	add(4, "", "410201", "ปิติ", "ไม่มีปัญหา", data.OriginMissed)

	reg, err := app.BuildRegister(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if reg.Len() != 4 {
		t.Fatalf("register holds %d households", reg.Len())
	}
	tests := []struct {
		name string
		q    app.RegisterQuery
		want []uint64
	}{
		{"everything", app.RegisterQuery{}, []uint64{1, 2, 3, 4}},
		{"part of a surname", app.RegisterQuery{Text: "ใจ ดี"}, []uint64{1, 3}},
		{"first name", app.RegisterQuery{Text: "สมหญิง"}, []uint64{2}},
		{"national ID with dashes", app.RegisterQuery{Text: "3-1234-00000-02-" + id(2)[12:]}, []uint64{2}},
		{"national ID in Thai digits", app.RegisterQuery{Text: data.ASCIIToThaiDigits(id(3))}, []uint64{3}},
		{"house code prefix", app.RegisterQuery{Text: "4101000"}, []uint64{1, 2}},
		{"no such text", app.RegisterQuery{Text: "ไม่พบใคร"}, nil},
		{"amphoe", app.RegisterQuery{Area: "4102"}, []uint64{3, 4}},
		{"tambon", app.RegisterQuery{Area: "410102"}, []uint64{2}},
		{"origin missed", app.RegisterQuery{Origin: data.OriginMissed}, []uint64{2, 4}},
		{"a known household's new problem", app.RegisterQuery{Origin: data.OriginSurvey2565, NewProblems: true}, []uint64{3}},
		{"category 4", app.RegisterQuery{Category: 4}, []uint64{1, 2, 3}},
		{"sub-problem", app.RegisterQuery{SubProblem: "ยาเสพติด"}, []uint64{3}},
		{"unknown sub-problem", app.RegisterQuery{SubProblem: "ไม่มีชื่อนี้"}, nil},
		{"status", app.RegisterQuery{Status: data.NotStarted}, []uint64{2}},
		{"urgent", app.RegisterQuery{UrgentOnly: true}, []uint64{1, 3}},
		{"urgent and still open", app.RegisterQuery{UrgentOnly: true, OpenOnly: true}, []uint64{1}},
		{"overdue (closed ones are not)", app.RegisterQuery{Overdue: true, Today: today}, []uint64{1}},
		{"round 1", app.RegisterQuery{RoundID: 1}, []uint64{1, 2, 3}},
		{"round 2 has nothing", app.RegisterQuery{RoundID: 2}, nil},
		{"filters combine on one problem", app.RegisterQuery{Category: 4, UrgentOnly: true}, nil},
		{"text and area combine", app.RegisterQuery{Text: "ใจดี", Area: "4101"}, []uint64{1}},
	}
	for _, tc := range tests {
		got := reg.Search(tc.q)
		if len(got) != len(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
	e, ok := reg.Entry(1, app.RegisterQuery{Today: today})
	if !ok || e.Problems != 2 || e.Open != 1 || e.Urgent != 1 || e.Overdue != 1 || e.Name != "นายสมชาย ใจดี" {
		t.Errorf("entry of household 1: %+v", e)
	}
	if e, _ := reg.Entry(1, app.RegisterQuery{Category: 4, Today: today}); e.Problems != 1 || e.Open != 0 {
		t.Errorf("entry under a category filter counts only that category: %+v", e)
	}

	// An edit shows after Refresh; a new household appears.
	ps, _ := s.Problems(ctx, data.ProblemFilter{HouseholdID: 2})
	ps[0].Status = data.InProgress
	if err := s.UpdateProblem(ctx, &ps[0]); err != nil {
		t.Fatal(err)
	}
	if got := reg.Search(app.RegisterQuery{Status: data.InProgress}); len(got) != 1 {
		t.Fatalf("before refresh the index still has the old status: %v", got)
	}
	if err := reg.Refresh(ctx, s, 2); err != nil {
		t.Fatal(err)
	}
	if got := reg.Search(app.RegisterQuery{Status: data.InProgress}); len(got) != 2 {
		t.Errorf("after refresh: %v", got)
	}
	add(5, "41030000015", "410301", "ใหม่", "ล่าสุด", data.OriginMissed)
	if err := reg.Refresh(ctx, s, 5); err != nil {
		t.Fatal(err)
	}
	if got := reg.Search(app.RegisterQuery{Text: "ล่าสุด"}); len(got) != 1 || got[0] != 5 {
		t.Errorf("new household after refresh: %v", got)
	}
	if names := reg.SubProblemNames(); len(names) != 3 {
		t.Errorf("sub-problem names: %v", names)
	}
}

// TestRegisterFindsANameInAnyForm: a head of household is found by the
// name typed surname first, with or without the title (in any of its
// written forms, with or without a blank after it), with or without blanks
// and invisible characters, and a title typed does not find another
// title's households.
func TestRegisterFindsANameInAnyForm(t *testing.T) {
	s, _ := openStore(t, data.NewDate(2024, 7, 1))
	ctx := context.Background()
	for n, head := range []data.Person{
		{Title: "นาย", FirstName: "สมบัติ", LastName: "คำหอม"},
		{Title: "น.ส.", FirstName: "สมศรี", LastName: "คำหอม"},
		{Title: "นาง", FirstName: "บัวผัน", LastName: "สมบัติดี"},
		{FirstName: "ทองดี", LastName: "คำหอม"}, // no title recorded
		{Title: "เด็กชาย", FirstName: "ชาตรี", LastName: "ศรี สุข"},
	} {
		head.NationalID = id(n + 1)
		h := data.Household{TambonCode: "410101", HouseCode: "4101000001" + string(rune('1'+n)), Head: head, Origin: data.OriginSurvey2565}
		if err := s.Load(ctx, []data.Bundle{{Household: h}}); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := app.BuildRegister(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		want []uint64
	}{
		{"สมบัติ คำหอม", []uint64{1}},
		{"คำหอม สมบัติ", []uint64{1}}, // surname first
		{"คำหอม  สมบัติ", []uint64{1}},
		{"นายสมบัติ คำหอม", []uint64{1}},
		{"นาย สมบัติ คำหอม", []uint64{1}},
		{"นาย คำหอม สมบัติ", []uint64{1}},
		{"สมบัติคำหอม", []uint64{1}},
		{"สม\u200bบัติ คำ\u200bหอม", []uint64{1}}, // ZWSP
		{"คำหอม สม", []uint64{1, 2}},
		{"สมศรี คำหอม", []uint64{2}},
		{"นางสาวสมศรี", []uint64{2}}, // title written out, น.ส. recorded
		{"น.ส. สมศรี คำหอม", []uint64{2}},
		{"นส.สมศรี", nil},                // not a form the list knows
		{"นาย สมศรี", nil},               // another title
		{"นาย ทองดี คำหอม", []uint64{4}}, // no title recorded: the title typed does not hide it
		{"คำหอม ทองดี", []uint64{4}},
		{"สมบัติ", []uint64{1, 3}}, // part of a name, as before
		{"นาย", []uint64{1}},
		{"นาง", []uint64{2, 3}}, // นาง is written in นางสาว: the text is found as typed
		{"ด.ช. ชาตรี ศรีสุข", []uint64{5}},
		{"ศรีสุข ชาตรี", []uint64{5}},
		{"คำหอม สมบัติดี", nil},
	} {
		if got := reg.Search(app.RegisterQuery{Text: c.text}); !slices.Equal(got, c.want) {
			t.Errorf("%q finds %v, want %v", c.text, got, c.want)
		}
	}
}

// BenchmarkRegister1M is the target: the household list filtered
// or searched as the clerk types, over 1,000,000 problems, under 100 ms.
func BenchmarkRegister1M(b *testing.B) {
	millionProvince(b)
	ctx := context.Background()
	reg := benchRegister(b, ctx, benchStore)
	today := data.NewDate(2024, 8, 15)
	for _, bc := range []struct {
		name string
		q    app.RegisterQuery
	}{
		{"all", app.RegisterQuery{}},
		{"name", app.RegisterQuery{Text: "สม"}},
		{"name+surname", app.RegisterQuery{Text: "สมบัติ คำหอม"}},
		{"surname+name", app.RegisterQuery{Text: "คำหอม สมบัติ"}},
		{"title+name+surname", app.RegisterQuery{Text: "นาย สมบัติ คำหอม"}},
		{"title+part", app.RegisterQuery{Text: "น.ส. สม"}},
		{"nationalID", app.RegisterQuery{Text: "31"}},
		{"houseCode", app.RegisterQuery{Text: "41010000"}},
		{"amphoe+category+open", app.RegisterQuery{Area: "4101", Category: 4, Status: data.NotStarted}},
		{"urgent+overdue", app.RegisterQuery{UrgentOnly: true, Overdue: true, Today: today}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				n = len(reg.Search(bc.q))
			}
			b.ReportMetric(float64(n), "households")
		})
	}
}

var benchReg *app.Register

func benchRegister(b *testing.B, ctx context.Context, s app.RegisterSource) *app.Register {
	if benchReg == nil {
		var err error
		if benchReg, err = app.BuildRegister(ctx, s, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	return benchReg
}

// BenchmarkBuildRegister1M is how long the window waits, once, before the
// list can search a 1,000,000-problem province.
// It also reports the heap the index keeps.
func BenchmarkBuildRegister1M(b *testing.B) {
	s := provinceForBench(b)
	for b.Loop() {
		if _, err := app.BuildRegister(context.Background(), s, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	reg, _ := app.BuildRegister(context.Background(), s, nil)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-kept")
	runtime.KeepAlive(reg)
}

// FuzzRegisterSearch: whatever the clerk types, a search answers without
// panicking, and digits typed in Thai find what Arabic digits find.
func FuzzRegisterSearch(f *testing.F) {
	for _, s := range []string{"", "สมชาย ใจดี", "3-1234-00000-01-1", "๔๑๐๑", "41010000011", "  ", "-", "ใจ\u200bดี", "\xff\xfe", "x-1"} {
		f.Add(s)
	}
	reg := fuzzRegister(f)
	f.Fuzz(func(t *testing.T, text string) {
		got := reg.Search(app.RegisterQuery{Text: text})
		thai := reg.Search(app.RegisterQuery{Text: data.ASCIIToThaiDigits(text)})
		if len(got) != len(thai) {
			t.Errorf("%q finds %d, in Thai digits %d", text, len(got), len(thai))
		}
		for _, id := range got {
			if _, ok := reg.Entry(id, app.RegisterQuery{Text: text}); !ok {
				t.Errorf("found household %d has no entry", id)
			}
		}
	})
}

func fuzzRegister(f *testing.F) *app.Register {
	s, _ := openStore(f, data.NewDate(2024, 7, 1))
	ctx := context.Background()
	for n := 1; n <= 3; n++ {
		h := data.Household{TambonCode: "410101", HouseCode: "4101000001" + string(rune('0'+n)), Head: data.Person{NationalID: id(n), Title: "นาย", FirstName: "สมชาย", LastName: "ใจดี"}, Origin: 1}
		if err := s.Load(ctx, []data.Bundle{{Household: h}}); err != nil {
			f.Fatal(err)
		}
	}
	reg, err := app.BuildRegister(ctx, s, nil)
	if err != nil {
		f.Fatal(err)
	}
	return reg
}

// With every round listed, a problem carried into a new round counts once.
func TestRegisterCountsACarriedProblemOnce(t *testing.T) {
	s, _ := openStore(t, data.NewDate(2024, 8, 1))
	ctx := context.Background()
	if err := s.Load(ctx, []data.Bundle{{Household: data.Household{TambonCode: "410101", Head: data.Person{NationalID: id(1)}, Origin: 1},
		Problems: []data.ProblemBundle{{Problem: data.Problem{Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565, Status: data.InProgress}},
			{Problem: data.Problem{Category: 1, SubProblem: "ไม่มีห้องส้วมถูกสุขลักษณะ", SurveyYear: 2565, Status: data.Solved}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartRound(ctx, &data.Round{Name: "2568", Start: data.NewDate(2024, 10, 1), Deadline: data.NewDate(2025, 9, 30)}, 1); err != nil {
		t.Fatal(err)
	}
	reg, err := app.BuildRegister(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q           app.RegisterQuery
		total, open int
	}{{app.RegisterQuery{}, 2, 1}, {app.RegisterQuery{RoundID: 1}, 2, 1}, {app.RegisterQuery{RoundID: 2}, 1, 1}, {app.RegisterQuery{OpenOnly: true}, 1, 1}} {
		ids := reg.Search(tc.q)
		if len(ids) != 1 {
			t.Fatalf("%+v: %d households", tc.q, len(ids))
		}
		if e, _ := reg.Entry(ids[0], tc.q); e.Problems != tc.total || e.Open != tc.open {
			t.Errorf("%+v: %d problems, %d open; want %d, %d", tc.q, e.Problems, e.Open, tc.total, tc.open)
		}
	}
}

// What a list line counts is what the household's page puts first: for
// every query with problem filters, each household found has exactly as
// many problems passing MatchesProblem as its line says.
func TestListLineAndPageAgree(t *testing.T) {
	fx, _ := demoFixture(t, 300)
	today := data.NewDate(2024, 8, 1)
	reg, err := app.BuildRegister(fx.ctx, fx.store, nil)
	if err != nil {
		t.Fatal(err)
	}
	queries := []app.RegisterQuery{
		{RoundID: 1, Overdue: true, Today: today},
		{Category: 1, UrgentOnly: true, OpenOnly: true, RoundID: 1},
		{Category: 4, RoundID: 1},
		{Status: data.Solved},
		{Origin: data.OriginSurvey2565, NewProblems: true},
		{SubProblem: "ไม่มีบ้าน"},
	}
	checked := 0
	for _, q := range queries {
		if !q.NarrowsProblems() {
			t.Fatalf("%+v should narrow the problems", q)
		}
		for _, id := range reg.Search(q) {
			e, _ := reg.Entry(id, q)
			ps, err := fx.store.Problems(fx.ctx, data.ProblemFilter{HouseholdID: id})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, p := range ps {
				if q.MatchesProblem(p) {
					n++
				}
			}
			if n != e.Problems || n == 0 {
				t.Fatalf("%+v household %d: the line counts %d, the page would put %d first", q, id, e.Problems, n)
			}
			checked++
		}
	}
	if checked < 50 {
		t.Errorf("only %d households checked", checked)
	}
	if (app.RegisterQuery{Text: "สม", Area: "4101"}).NarrowsProblems() {
		t.Error("a name and an area do not narrow the problems")
	}
}
