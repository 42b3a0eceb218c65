package postgres

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
	"qmdesk/data/postgres/pgtest"
)

// tickingStore opens a store on a new database whose clock moves on a
// millisecond at every reading, as a real clock does between two
// clerks' writes, and has nanoseconds (which PostgreSQL does not keep),
// set up for province 41 with one household.
func tickingStore(t *testing.T) (*Store, context.Context, string, data.Household) {
	t.Helper()
	dsn := pgtest.DB(t)
	var ticks atomic.Int64
	clock := data.ClockFunc(func() time.Time { return now.Add(time.Duration(ticks.Add(1))*time.Millisecond + 789) })
	s, err := Open(context.Background(), dsn, clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := data.WithOperator(context.Background(), "tester")
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	h := data.Household{HouseCode: "41010012345", TambonCode: "410101", Origin: data.OriginSurvey2565}
	if err := s.CreateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	return s, ctx, dsn, h
}

// An update based on an old read is refused with ECONFLICT, naming who
// changed the record, and changes nothing: no record, no audit entry.
func TestStaleUpdateRefused(t *testing.T) {
	s, ctx, dsn, h := tickingStore(t)
	p := data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567}
	if err := s.CreateProblem(ctx, &p); err != nil {
		t.Fatal(err)
	}
	read := p
	p.Detail = "first"
	if err := s.UpdateProblem(data.WithOperator(ctx, "สมศรี"), &p); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Problem(ctx, p.ID); err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("what UpdateProblem handed back is not what is read back:\n%+v\n%+v %v", p, got, err)
	}
	a := data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 6, 1), What: "โทรถาม"}
	if err := s.AddAction(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Actions(ctx, p.ID); err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], a) {
		t.Fatalf("what AddAction handed back is not what is read back:\n%+v\n%+v %v", a, got, err)
	}
	entries := checkAuditChain(t, dsn)
	read.Detail, read.Status = "stale", data.InProgress
	err := s.UpdateProblem(ctx, &read)
	var e *data.Error
	if !errors.As(err, &e) || e.Code != data.ECONFLICT || !strings.Contains(e.Message, "สมศรี") || !strings.Contains(e.Message, "ปัญหาเลขที่") {
		t.Fatalf("a stale problem update: %v", err)
	}
	t.Logf("the clerk reads: %s", e.Message)
	if got, _ := s.Problem(ctx, p.ID); got.Detail != "first" || got.Status != data.NotStarted {
		t.Fatalf("the stale update changed the problem: %+v", got)
	}
	if acts, _ := s.Actions(ctx, p.ID); len(acts) != 1 {
		t.Fatalf("the stale update recorded actions: %+v", acts)
	}
	hread := h
	h.VillageName = "บ้านโนน"
	if err := s.UpdateHousehold(data.WithOperator(ctx, "สมหญิง"), &h); err != nil {
		t.Fatal(err)
	}
	hread.Members = 3
	err = s.UpdateHousehold(ctx, &hread)
	if !errors.As(err, &e) || e.Code != data.ECONFLICT || !strings.Contains(e.Message, "สมหญิง") || !strings.Contains(e.Message, "ครัวเรือนเลขที่") {
		t.Fatalf("a stale household update: %v", err)
	}
	if got, _ := s.Household(ctx, h.ID); got.Members != 0 || got.VillageName != "บ้านโนน" {
		t.Fatalf("the stale update changed the household: %+v", got)
	}
	if n := checkAuditChain(t, dsn); n != entries+1 {
		t.Fatalf("%d audit entries, want %d (one for the household's update)", n, entries+1)
	}
}

// Clerks changing one problem at once, each reading it, changing it and
// storing it, again after a conflict: no change is lost (every clerk's
// mark is in the detail), and actions added at the same time are all
// there, each with its audit entry in one chain. The counters are then
// the same as counted afresh from the records.
func TestConcurrentProblemWriters(t *testing.T) {
	s, ctx, dsn, h := tickingStore(t)
	var ps []data.Problem
	for i := range 3 {
		p := data.Problem{HouseholdID: h.ID, Category: data.Category(1 + i), SubProblem: "อื่น ๆ", SurveyYear: 2567}
		if err := s.CreateProblem(ctx, &p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	const clerks = 6
	var wg sync.WaitGroup
	errs := make([]error, clerks)
	conflicts := atomic.Int64{}
	for i := range clerks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := data.WithOperator(context.Background(), fmt.Sprintf("clerk%d", i))
			for {
				p, err := s.Problem(ctx, ps[0].ID)
				if err != nil {
					errs[i] = err
					return
				}
				p.Detail = strings.TrimSpace(p.Detail + fmt.Sprintf(" [%d]", i))
				p.Status = data.Status(1 + i%2)
				err = s.UpdateProblem(ctx, &p)
				if data.ErrorCode(err) == data.ECONFLICT {
					conflicts.Add(1)
					continue
				}
				if err != nil {
					errs[i] = err
					return
				}
				break
			}
			// Actions on the others, closing and reopening them.
			for j := range 4 {
				a := data.Action{ProblemID: ps[1+j%2].ID, Date: data.NewDate(2024, 6, 1), What: fmt.Sprintf("ติดตาม %d", i), Result: []data.Status{data.Closed, data.InProgress}[(i+j)%2], Note: "ย้ายออก"}
				if err := s.AddAction(ctx, &a); err != nil {
					errs[i] = err
					return
				}
			}
			if _, err := s.MarkThaiQM(ctx, []uint64{ps[2].ID, ps[1].ID}, data.NewDate(2024, 6, 1)); err != nil {
				errs[i] = err
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("clerk %d: %v", i, err)
		}
	}
	got, err := s.Problem(ctx, ps[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range clerks {
		if !strings.Contains(got.Detail, fmt.Sprintf("[%d]", i)) {
			t.Errorf("clerk %d's change was lost: %q (%d conflicts)", i, got.Detail, conflicts.Load())
		}
	}
	t.Logf("%d conflicts, detail %q", conflicts.Load(), got.Detail)
	for _, p := range ps[1:] {
		acts, err := s.Actions(ctx, p.ID)
		if err != nil || len(acts) != clerks*2 {
			t.Fatalf("problem %d: %d actions, want %d: %v", p.ID, len(acts), clerks*2, err)
		}
	}
	checkAuditChain(t, dsn)
	checkRecount(t, dsn)
}

// checkRecount compares the counters and household references the
// triggers kept with the same counted afresh from the records (in a
// transaction rolled back).
func checkRecount(t testing.TB, dsn string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	dump := func(q querier) []string {
		var out []string
		for _, sql := range []string{
			`SELECT format('%s %s %s c%s %s %s %s = %s', round_id, kind, area, category, code, urgent, day, n) FROM counters ORDER BY 1`,
			`SELECT format('ref %s %s %s %s c%s %s = %s', round_id, household_id, area, origin, category, fresh, n) FROM hh_refs ORDER BY 1`,
		} {
			rows, err := q.Query(ctx, sql)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				out = append(out, s)
			}
			rows.Close()
		}
		return out
	}
	kept := dump(conn)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM counters; DELETE FROM hh_refs; SELECT qm_count(qm_facts(1, 'problems', 'households'))`); err != nil {
		t.Fatal(err)
	}
	if afresh := dump(tx); !reflect.DeepEqual(kept, afresh) {
		t.Fatalf("the counters kept are not a recount:\nkept   %v\nafresh %v", kept, afresh)
	}
	if len(kept) == 0 {
		t.Fatal("no counters")
	}
}

// Walk and WalkActions give every record across their pages, and stop
// with ctx's error when ctx is cancelled.
func TestWalkPagesAndCancel(t *testing.T) {
	s, ctx, dsn, _ := tickingStore(t)
	// Households and problems made in SQL (2.5 pages), the counters kept.
	sqlExec(t, dsn, `INSERT INTO households (house_code, tambon_code, origin, created_at, updated_at)
		SELECT lpad(g::text, 11, '4'), '410101', 1, now(), now() FROM generate_series(1, 2499) g`)
	sqlExec(t, dsn, `INSERT INTO problems (household_id, round_id, category, sub_problem, survey_year, status, created_at, updated_at)
		SELECT h.id, 1, c, 'อื่น ๆ', 2565, 1, now(), now() FROM households h, generate_series(1, 2) c WHERE h.id % 3 <> 0`)
	sqlExec(t, dsn, `INSERT INTO actions (problem_id, date, what, recorded_at) SELECT id, '2024-05-01', 'x', now() FROM problems`)
	var households, problems int
	var last uint64
	err := s.Walk(ctx, func(h data.Household, ps []data.Problem) error {
		if h.ID <= last {
			t.Fatalf("household %d after %d", h.ID, last)
		}
		last = h.ID
		households++
		problems += len(ps)
		for _, p := range ps {
			if p.HouseholdID != h.ID {
				t.Fatalf("problem %d of household %d given with %d", p.ID, p.HouseholdID, h.ID)
			}
		}
		return nil
	})
	sizes, _ := s.Sizes(ctx)
	if err != nil || households != sizes.Households || problems != sizes.Problems || households != 2500 {
		t.Fatalf("Walk: %d households, %d problems, sizes %+v: %v", households, problems, sizes, err)
	}
	actions := 0
	if err := s.WalkActions(ctx, func(data.Action) error { actions++; return nil }); err != nil || actions != sizes.Actions {
		t.Fatalf("WalkActions: %d of %d: %v", actions, sizes.Actions, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	n := 0
	err = s.Walk(cctx, func(data.Household, []data.Problem) error {
		if n++; n == 1500 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n != 1500 {
		t.Fatalf("Walk cancelled after %d: %v", n, err)
	}
	cctx, cancel = context.WithCancel(ctx)
	n = 0
	err = s.WalkActions(cctx, func(data.Action) error {
		if n++; n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n >= sizes.Actions {
		t.Fatalf("WalkActions cancelled after %d: %v", n, err)
	}
	checkRecount(t, dsn)
}

// Clerks at once on different records of one area: households moved to
// another tambon or origin, municipalities changed, problems made,
// changed and closed by actions. The counters, moved by two tables'
// triggers, equal a recount afterwards, and every write went in (no
// deadlock, no error).
func TestConcurrentCounters(t *testing.T) {
	s, ctx, dsn, h := tickingStore(t)
	households := []data.Household{h}
	for i := 1; i < 4; i++ {
		h := data.Household{HouseCode: fmt.Sprintf("4101001234%d", i), TambonCode: "410102", Origin: data.Origin(1 + i%2)}
		if err := s.CreateHousehold(ctx, &h); err != nil {
			t.Fatal(err)
		}
		households = append(households, h)
	}
	const clerks = 4
	var wg sync.WaitGroup
	errs := make([]error, clerks+1)
	for i := range clerks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := data.WithOperator(context.Background(), fmt.Sprintf("clerk%d", i))
			for j := range 6 {
				hh := households[(i+j)%len(households)].ID
				p := data.Problem{HouseholdID: hh, Category: data.Category(1 + (i+j)%7), SubProblem: "อื่น ๆ", SurveyYear: []int{2565, 2567}[j%2], Urgent: j%3 == 0}
				if err := s.CreateProblem(ctx, &p); err != nil {
					errs[i] = err
					return
				}
				a := data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 5, 1+j), What: "ติดตาม", Result: data.Status(2 + j%4), Note: "ย้ายออก"}
				if err := s.AddAction(ctx, &a); err != nil {
					errs[i] = err
					return
				}
				for { // the household moved, read again after a conflict
					h, err := s.Household(ctx, hh)
					if err != nil {
						errs[i] = err
						return
					}
					h.TambonCode, h.Origin = []string{"410101", "410102", "410103"}[(i+j)%3], data.Origin(1+(i+j)%2)
					err = s.UpdateHousehold(ctx, &h)
					if data.ErrorCode(err) == data.ECONFLICT {
						continue
					}
					if err != nil {
						errs[i] = err
						return
					}
					break
				}
			}
		}()
	}
	wg.Add(1)
	go func() { // the municipalities, changed three times meanwhile
		defer wg.Done()
		for j := range 3 {
			l := data.UnitList{{Name: "เทศบาลตำบลหนองบัว", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: []string{"410101", "410102", "410103"}[j], Full: true}}}}
			if err := s.SetUnits(ctx, l); err != nil {
				errs[clerks] = err
				return
			}
		}
	}()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	if n := sqlValue[int64](t, dsn, `SELECT count(*) FROM problems`); n != clerks*6 {
		t.Fatalf("%d problems", n)
	}
	checkAuditChain(t, dsn)
	checkRecount(t, dsn)
}
