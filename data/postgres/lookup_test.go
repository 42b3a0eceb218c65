package postgres

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"qmdesk/app"
	"qmdesk/data"
)

var _ app.ImportBatchReader = (*Store)(nil)

// rowReads is the PostgreSQL store counting the reads a dry run makes row
// by row. It is an app.ImportBatchReader (the methods of *Store).
type rowReads struct {
	*Store
	n atomic.Int64
}

func (s *rowReads) HouseholdsByHouseCode(ctx context.Context, code string) ([]data.Household, error) {
	s.n.Add(1)
	return s.Store.HouseholdsByHouseCode(ctx, code)
}

func (s *rowReads) HouseholdsByNationalID(ctx context.Context, id string) ([]data.Household, error) {
	s.n.Add(1)
	return s.Store.HouseholdsByNationalID(ctx, id)
}

func (s *rowReads) Household(ctx context.Context, id uint64) (data.Household, error) {
	s.n.Add(1)
	return s.Store.Household(ctx, id)
}

func (s *rowReads) ProblemsOf(ctx context.Context, id uint64) ([]data.Problem, error) {
	s.n.Add(1)
	return s.Store.ProblemsOf(ctx, id)
}

func (s *rowReads) Problem(ctx context.Context, id uint64) (data.Problem, error) {
	s.n.Add(1)
	return s.Store.Problem(ctx, id)
}

func (s *rowReads) Actions(ctx context.Context, id uint64) ([]data.Action, error) {
	s.n.Add(1)
	return s.Store.Actions(ctx, id)
}

// wholePlan is everything a dry run planned: the rows' fates and
// reasons, the reviews (candidates, conflicts) and every change of the
// batch.
type wholePlan struct {
	Counts     data.Counts
	Rows       []data.RowResult
	Reviews    []data.Review
	Households []data.HouseholdChange
	Problems   []data.ProblemChange
	Actions    []data.ActionChange
}

func planOf(rep *app.FileReport) wholePlan {
	b := rep.Batch
	p := wholePlan{Counts: rep.Counts(), Rows: slices.Collect(b.RowResults())}
	for i := range b.NumReviews() {
		p.Reviews = append(p.Reviews, b.Review(i))
	}
	for i := range b.NumHouseholds() {
		p.Households = append(p.Households, b.Household(i))
	}
	for i := range b.NumProblems() {
		p.Problems = append(p.Problems, b.Problem(i))
	}
	for i := range b.NumActions() {
		p.Actions = append(p.Actions, b.Action(i))
	}
	return p
}

// A dry run on PostgreSQL reads the register for many rows at once
// (app.ImportBatchReader) and plans exactly what it plans reading it row
// by row: a workbook whose rows hit every way a row is matched (a house
// code alone, a national ID alone, both of different households, several
// households by code and by ID, a household that moved, a new household
// and its second problem, follow-ups of problems carried from the round
// before, one dated before this round began, a new problem of a stored
// household, a conflict with a clerk's later change, a rejected row).
// The batched dry run asks nothing row by row; the other asks for every
// row.
func TestPlanBatchedSameAsPerRow(t *testing.T) {
	s, fixture, ctx, _ := importFixture(t, data.FixedClock(now))
	dir := t.TempDir()
	var base [][]any
	for n := 1; n <= 12; n++ {
		base = append(base, bookRow(n, "หมากแข้ง", 4, "หนี้สิน", data.InProgress.Thai(), "15/04/2567"))
	}
	counted := &rowReads{Store: s}
	imp := &app.Importer{Store: counted, Geo: fixture.Geo, Clock: data.FixedClock(now)}
	if _, err := imp.Commit(ctx, planBook(t, imp, ctx, writeBook(t, dir, "base.xlsx", base...))); err != nil {
		t.Fatal(err)
	}
	// A second round: the problems are carried into it, and the
	// follow-up's rows update the carried ones.
	r := data.Round{Name: "รอบสอง", SurveyYear: 2566, Start: data.NewDate(2024, 5, 20), Deadline: data.NewDate(2024, 9, 30)}
	if n, err := s.StartRound(ctx, &r, 1); err != nil || n != 12 {
		t.Fatalf("StartRound: %d %v", n, err)
	}
	// Two households share a house code, two a head's national ID.
	for _, h := range []data.Household{
		{HouseCode: "41010000020", TambonCode: "410102", HouseNo: "1", Origin: data.OriginSurvey2565},
		{HouseCode: "41010000020", TambonCode: "410102", HouseNo: "2", Origin: data.OriginSurvey2565},
		{Head: data.Person{NationalID: bookID(21)}, TambonCode: "410102", HouseNo: "3", Origin: data.OriginSurvey2565},
		{Head: data.Person{NationalID: bookID(21)}, TambonCode: "410102", HouseNo: "4", Origin: data.OriginSurvey2565},
	} {
		if err := s.CreateHousehold(ctx, &h); err != nil {
			t.Fatal(err)
		}
	}
	// A clerk records an action on household 11's problem after the
	// district's row was written: the row conflicts with it.
	h11, _ := s.HouseholdsByHouseCode(ctx, "41010000011")
	ps, _ := s.ProblemsOf(ctx, h11[0].ID)
	a := data.Action{ProblemID: ps[len(ps)-1].ID, Date: data.NewDate(2024, 5, 31), What: "ติดตาม", Result: data.InProgress}
	if err := s.AddAction(ctx, &a); err != nil {
		t.Fatal(err)
	}
	codeOnly := bookRow(1, "หมากแข้ง", 4, "หนี้สิน", data.Solved.Thai(), "01/06/2567")
	codeOnly[8] = ""
	idOnly := bookRow(2, "หมากแข้ง", 4, "หนี้สิน", data.Solved.Thai(), "10/05/2567") // before round 2: its problem began in round 1
	idOnly[1] = ""
	crossed := bookRow(5, "หมากแข้ง", 4, "หนี้สิน", "", "")
	crossed[8] = bookID(10)
	byID21 := bookRow(21, "หมากแข้ง", 4, "หนี้สิน", "", "")
	byID21[1] = ""
	moved := bookRow(99, "หมากแข้ง", 4, "หนี้สิน", "", "")
	moved[8] = bookID(6)
	tooEarly := bookRow(7, "หมากแข้ง", 4, "หนี้สิน", data.Solved.Thai(), "10/02/2567") // before round 1 began
	rows := [][]any{
		codeOnly, idOnly, crossed,
		bookRow(20, "หมากแข้ง", 4, "หนี้สิน", "", ""), byID21, moved,
		bookRow(100, "หมากแข้ง", 4, "หนี้สิน", "", ""), bookRow(100, "หมากแข้ง", 2, "ขาดแคลนน้ำดื่ม", "", ""),
		bookRow(3, "หมากแข้ง", 4, "หนี้สิน", data.Solved.Thai(), "01/06/2567"),
		bookRow(3, "หมากแข้ง", 4, "หนี้สิน", data.Solved.Thai(), "01/06/2567"),
		bookRow(4, "หมากแข้ง", 3, "ขาดทุนการศึกษา", "", ""),
		bookRow(8, "หมากแข้ง", 4, "หนี้สิน", data.InProgress.Thai(), "15/04/2567"),
		bookRow(11, "หมากแข้ง", 4, "หนี้สิน", data.Solved.Thai(), "25/05/2567"),
		tooEarly,
		bookRow(12, "ไม่มีตำบลนี้", 4, "หนี้สิน", "", ""),
	}
	book := writeBook(t, dir, "followup.xlsx", rows...)
	perRow := &app.Importer{Store: struct{ app.ImportStore }{counted}, Geo: imp.Geo, Clock: imp.Clock}
	counted.n.Store(0)
	want := planOf(planBook(t, perRow, ctx, book))
	if counted.n.Load() < int64(len(rows)) {
		t.Fatalf("the per-row dry run made %d reads of %d rows", counted.n.Load(), len(rows))
	}
	counted.n.Store(0)
	got := planOf(planBook(t, imp, ctx, book))
	if n := counted.n.Load(); n != 0 {
		t.Errorf("the batched dry run read %d times row by row", n)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the batched plan differs from the per-row plan:\n got %+v\nwant %+v", got, want)
	}
	// The workbook hits what it says it does: row 3's action date, before
	// round 2, is of its problem's first round (carried from round 1), so
	// the row is a conflict, not rejected; row 15's is before round 1.
	if want.Counts != (data.Counts{Rows: 15, NewHouseholds: 1, NewProblems: 2, Updated: 3, Unchanged: 1, Review: 6, Rejected: 2}) {
		t.Errorf("counts %+v", want.Counts)
	}
	if len(want.Reviews) != 6 || want.Reviews[0].Row != 3 || want.Reviews[0].Kind != data.ReviewConflict || !slices.Equal(want.Reviews[2].Candidates, []uint64{13, 14}) {
		t.Errorf("reviews %+v", want.Reviews)
	}
	if r := want.Rows[13]; r.Fate != data.FateRejected || !strings.Contains(r.ReasonEnglish, "(2024-03-01)") {
		t.Errorf("row 15: %+v", r)
	}
}
