package storetest

import (
	"encoding/json"
	"reflect"
	"testing"

	"qmdesk/data"
)

// household is household n of a tambon, with Thai text in every field a
// clerk types.
func household(n int, tambon string) *data.Household {
	return &data.Household{HouseCode: houseCode(n), HouseNo: "99/1 ซอยมิตรภาพ", VillageNo: 7, VillageName: "บ้านหนองบัวทอง",
		TambonCode: tambon, Members: 5, Origin: data.OriginSurvey2565,
		Head: data.Person{NationalID: nationalID(n), Title: "นางสาว", FirstName: "ประภาพรรณ", LastName: "ศรีสุขใจ", Phone: "0891234567"}}
}

// sameAs fails unless the store reads back exactly what the write left in
// the caller's record (IDs, defaults and stamps included).
func sameAs[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("%s reads back\n %s\nwritten\n %s", what, g, w)
	}
}

// testInitAndMeta: a new store, initialised, says which province and
// layout it holds, has the round it was given as its current one, and
// holds nothing else; its check is clean.
func testInitAndMeta(t *testing.T, e *env) {
	m, err := e.s.Meta(e.ctx)
	e.must(err, "Meta")
	if m.Province != Province || m.SchemaVersion <= 0 || m.DefaultRound == 0 || m.Demo || !m.CreatedAt.After(start) {
		t.Fatalf("meta %+v", m)
	}
	if again, _ := e.s.Meta(e.ctx); again != m {
		t.Fatalf("meta read twice: %+v then %+v", m, again)
	}
	rounds, err := e.s.Rounds(e.ctx)
	e.must(err, "Rounds")
	want := data.DefaultRound()
	if len(rounds) != 1 || rounds[0].ID != m.DefaultRound || rounds[0].Name != want.Name || rounds[0].Start != want.Start || rounds[0].Deadline != want.Deadline {
		t.Fatalf("rounds %+v, want %+v", rounds, want)
	}
	sameAs(t, "Round", e.round, rounds[0])
	sz, err := e.s.Sizes(e.ctx)
	if err != nil || sz != (data.Sizes{}) {
		t.Fatalf("sizes of a new store: %+v %v", sz, err)
	}
	if l, _ := e.s.SubProblems(e.ctx); len(l) == 0 {
		t.Fatal("a new store has no sub-problem list (the default)")
	}
	if l, _ := e.s.Units(e.ctx); len(l) != 0 {
		t.Fatalf("a new store has units: %+v", l)
	}
	if is, _ := e.s.Imports(e.ctx); len(is) != 0 {
		t.Fatalf("a new store has imports: %+v", is)
	}
	e.checkCounters("new store")
}

// testRecordsReadBack: households, problems and actions read back exactly
// as written (Thai text, dates, money), by ID and by every lookup.
func testRecordsReadBack(t *testing.T, e *env) {
	h := household(1, "410101")
	e.must(e.s.CreateHousehold(e.ctx, h), "CreateHousehold")
	if h.ID == 0 || h.CreatedAt.IsZero() || !h.UpdatedAt.Equal(h.CreatedAt) || h.ChangedBy != Operator || h.ChangedOn != Today {
		t.Fatalf("created household's stamps: %+v", h)
	}
	got, err := e.s.Household(e.ctx, h.ID)
	e.must(err, "Household")
	sameAs(t, "household", got, *h)
	if l, _ := e.s.HouseholdsByHouseCode(e.ctx, h.HouseCode); len(l) != 1 {
		t.Fatalf("by house code: %+v", l)
	} else {
		sameAs(t, "household by house code", l[0], *h)
	}
	if l, _ := e.s.HouseholdsByNationalID(e.ctx, h.Head.NationalID); len(l) != 1 || l[0].ID != h.ID {
		t.Fatalf("by national ID: %+v", l)
	}
	if _, err := e.s.Household(e.ctx, h.ID+100); data.ErrorCode(err) != data.ENOTFOUND {
		t.Fatalf("a missing household: %v", err)
	}
	p := &data.Problem{HouseholdID: h.ID, Category: 5, SubProblem: "ยาเสพติด", Detail: "ผู้ป่วยจิตเวชจากยาเสพติด ต้องการการบำบัด", Urgent: true, Sensitive: true,
		SurveyYear: 2567, TargetDate: data.NewDate(2024, 9, 15), LeadAgency: "สาธารณสุขอำเภอ"}
	e.must(e.s.CreateProblem(e.ctx, p), "CreateProblem")
	if p.ID == 0 || p.Status != data.NotStarted || p.RoundID != e.round.ID || p.FoundOn.IsZero() {
		t.Fatalf("created problem's defaults: %+v", p)
	}
	gotP, err := e.s.Problem(e.ctx, p.ID)
	e.must(err, "Problem")
	sameAs(t, "problem", gotP, *p)
	// The round's deadline is the target date a problem is given without one.
	q := &data.Problem{HouseholdID: h.ID, Category: 2, SubProblem: "ขาดแคลนน้ำดื่ม", SurveyYear: 2565, ReXRay: data.ReXRayPartly}
	e.must(e.s.CreateProblem(e.ctx, q), "CreateProblem")
	if q.TargetDate != e.round.Deadline {
		t.Fatalf("target date %v, want the round's deadline %v", q.TargetDate, e.round.Deadline)
	}
	ps, err := e.s.ProblemsOf(e.ctx, h.ID)
	e.must(err, "ProblemsOf")
	if len(ps) != 2 {
		t.Fatalf("problems of the household: %+v", ps)
	}
	sameAs(t, "ProblemsOf", ps[0], *p)
	sameAs(t, "ProblemsOf", ps[1], *q)
	a := &data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 7, 20), Agency: "โรงพยาบาลอุดรธานี", What: "ส่งตัวเข้ารับการบำบัด", Budget: 1250050, Note: "ญาติให้ความร่วมมือดี"}
	e.must(e.s.AddAction(e.ctx, a), "AddAction")
	b := &data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 7, 31), Agency: "อบต.หมากแข้ง", What: "ติดตามเยี่ยมบ้าน", Result: data.InProgress}
	e.must(e.s.AddAction(e.ctx, b), "AddAction")
	acts, err := e.s.Actions(e.ctx, p.ID)
	e.must(err, "Actions")
	if len(acts) != 2 {
		t.Fatalf("actions: %+v", acts)
	}
	sameAs(t, "first action", acts[0], *a)
	sameAs(t, "second action", acts[1], *b)
	if a.RecordedBy != Operator || a.RecordedAt.IsZero() {
		t.Fatalf("action stamps: %+v", a)
	}
	// An action with a result moved the problem.
	if gotP, _ = e.s.Problem(e.ctx, p.ID); gotP.Status != data.InProgress {
		t.Fatalf("after an action with a result: %+v", gotP)
	}
	// An update reads back as written, with a later stamp.
	h2, _ := e.s.Household(e.ctx, h.ID)
	h2.Head.Phone, h2.Members, h2.VillageName = "0820000000", 6, "บ้านโคกสะอาด"
	e.must(e.s.UpdateHousehold(e.ctx, &h2), "UpdateHousehold")
	if !h2.UpdatedAt.After(h.UpdatedAt) || !h2.CreatedAt.Equal(h.CreatedAt) {
		t.Fatalf("update stamps: created %v→%v updated %v→%v", h.CreatedAt, h2.CreatedAt, h.UpdatedAt, h2.UpdatedAt)
	}
	got, _ = e.s.Household(e.ctx, h.ID)
	sameAs(t, "updated household", got, h2)
	// Lists: by area, after an ID, limited.
	for i := 2; i <= 5; i++ {
		e.must(e.s.CreateHousehold(e.ctx, household(i, []string{"410102", "410201"}[i%2])), "CreateHousehold")
	}
	count := func(f data.HouseholdFilter) int {
		l, err := e.s.Households(e.ctx, f)
		e.must(err, "Households")
		for i := 1; i < len(l); i++ {
			if l[i].ID <= l[i-1].ID {
				t.Fatalf("households not in ID order: %d then %d", l[i-1].ID, l[i].ID)
			}
		}
		return len(l)
	}
	if n := count(data.HouseholdFilter{}); n != 5 {
		t.Errorf("all households: %d", n)
	}
	if n := count(data.HouseholdFilter{AreaCode: "4101"}); n != 3 {
		t.Errorf("amphoe 4101: %d", n)
	}
	if n := count(data.HouseholdFilter{AreaCode: "410201"}); n != 2 {
		t.Errorf("tambon 410201: %d", n)
	}
	if n := count(data.HouseholdFilter{After: h.ID, Limit: 2}); n != 2 {
		t.Errorf("after the first, two: %d", n)
	}
	pf := func(f data.ProblemFilter) int {
		l, err := e.s.Problems(e.ctx, f)
		e.must(err, "Problems")
		return len(l)
	}
	if n := pf(data.ProblemFilter{RoundID: e.round.ID}); n != 2 {
		t.Errorf("problems of the round: %d", n)
	}
	if n := pf(data.ProblemFilter{RoundID: e.round.ID, UrgentOnly: true}); n != 1 {
		t.Errorf("urgent: %d", n)
	}
	if n := pf(data.ProblemFilter{RoundID: e.round.ID, Category: 2, AreaCode: "410101"}); n != 1 {
		t.Errorf("category 2 in 410101: %d", n)
	}
	if n := pf(data.ProblemFilter{RoundID: e.round.ID, OverdueOn: data.NewDate(2024, 9, 20)}); n != 1 {
		t.Errorf("overdue on 20 Sep: %d", n)
	}
	e.checkCounters("records")
}

// testRefusedChange: a change the store refuses (closing without a
// reason, an action dated centuries ahead, a problem of a household that is not
// there) changes nothing: no record, no counter, no audit entry.
func testRefusedChange(t *testing.T, e *env) {
	h := household(1, "410101")
	e.must(e.s.CreateHousehold(e.ctx, h), "CreateHousehold")
	p := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}
	e.must(e.s.CreateProblem(e.ctx, p), "CreateProblem")
	before := e.dump()
	closing := *p
	closing.Status = data.Closed
	e.wantCode(e.s.UpdateProblem(e.ctx, &closing), data.EINVALID, "closing without a reason")
	e.wantCode(e.s.AddAction(e.ctx, &data.Action{ProblemID: p.ID, Date: data.NewDate(2567, 7, 1), What: "ปีผิด"}), data.EINVALID, "an action dated 2567 as if in the common era")
	if err := e.s.CreateProblem(e.ctx, &data.Problem{HouseholdID: h.ID + 99, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}); err == nil {
		t.Fatal("a problem of a missing household was stored")
	}
	e.sameDump("after refused changes", e.dump(), before)
	// A status change records its action, and closing with a reason is taken.
	closing = *p
	closing.Status, closing.CloseReason = data.Closed, "ย้ายออกนอกพื้นที่"
	e.must(e.s.UpdateProblem(e.ctx, &closing), "closing with a reason")
	acts, _ := e.s.Actions(e.ctx, p.ID)
	if len(acts) != 1 || acts[0].Result != data.Closed || acts[0].RecordedBy != Operator {
		t.Fatalf("a status change's action: %+v", acts)
	}
	if got, _ := e.s.Problem(e.ctx, p.ID); got.Status != data.Closed || got.ResolvedOn != Today || got.CloseReason != "ย้ายออกนอกพื้นที่" {
		t.Fatalf("closed: %+v", got)
	}
	e.checkCounters("refused changes")
}
