package postgres

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/postgres/pgtest"
)

// dumpDB reads every table of the database's schema, each row as text in
// a sorted list, and every sequence's state: what "the database as it
// was" means in the tests of a failed commit.
func dumpDB(t *testing.T, dsn string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	rows, err = conn.Query(ctx, `SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	sequences, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	read := func(name, sql string) {
		rows, err := conn.Query(ctx, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		l, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		out[name] = l
	}
	for _, tb := range tables {
		id := pgx.Identifier{tb}.Sanitize()
		read(tb, `SELECT t::text FROM `+id+` t ORDER BY 1`)
	}
	for _, sq := range sequences {
		read("sequence "+sq, `SELECT format('%s %s', last_value, is_called) FROM `+pgx.Identifier{sq}.Sanitize())
	}
	if len(out["households"]) == 0 || len(out["audit"]) == 0 {
		t.Fatalf("the dump holds no households or no audit: %v", out)
	}
	return out
}

// sameDB fails the test unless the database is as dumped before.
func sameDB(t *testing.T, step string, got, want map[string][]string) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	for k := range want {
		if !reflect.DeepEqual(got[k], want[k]) {
			t.Errorf("%s: %s changed:\nbefore %v\nafter  %v", step, k, want[k], got[k])
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %s appeared", step, k)
		}
	}
}

// importFixture is a PostgreSQL store initialised for Udon Thani with an
// importer on it.
func importFixture(t *testing.T, clock data.Clock) (*Store, *app.Importer, context.Context, string) {
	t.Helper()
	dsn := pgtest.DB(t)
	s, err := Open(context.Background(), dsn, clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := data.WithOperator(context.Background(), "สมศรี")
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	geo, err := assets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	return s, &app.Importer{Store: s, Geo: geo, Clock: clock}, ctx, dsn
}

func planBook(t *testing.T, imp *app.Importer, ctx context.Context, path string) *app.FileReport {
	t.Helper()
	rep, err := imp.Plan(ctx, path, "")
	if err != nil || rep.Refused != "" {
		t.Fatalf("dry run of %s: %v %s", path, err, rep.Refused)
	}
	return rep
}

// cancelAfter is a context cancelled at the k-th time Err is asked: a
// commit that asks it between its parts is cancelled in the middle.
type cancelAfter struct {
	context.Context
	cancel func()
	n      atomic.Int32
	k      int32
}

func (c *cancelAfter) Err() error {
	if c.n.Add(1) == c.k {
		c.cancel()
	}
	return c.Context.Err()
}

// A commit that fails part-way leaves the database exactly as it was,
// every table and every sequence: a record changed since the dry run
// found after the commit has written the ledger entry and the new
// households (refused, ECONFLICT), and a cancel at each point where the
// commit looks at its context.
func TestFailedCommitLeavesNothing(t *testing.T) {
	s, imp, ctx, dsn := importFixture(t, data.FixedClock(now))
	dir := t.TempDir()
	base := planBook(t, imp, ctx, writeBook(t, dir, "base.xlsx",
		bookRow(1, "หมากแข้ง", 4, "หนี้สิน", "", ""), bookRow(2, "หมากแข้ง", 1, "ไม่มีที่อยู่อาศัย", "", "")))
	if _, err := imp.Commit(ctx, base); err != nil {
		t.Fatal(err)
	}
	changes := writeBook(t, dir, "changes.xlsx",
		bookRow(3, "หมากแข้ง", 2, "ขาดแคลนน้ำดื่ม", data.InProgress.Thai(), "01/06/2567"), // a new household first
		bookRow(1, "หมากแข้ง", 4, "หนี้สิน", data.Solved.Thai(), "01/06/2567"),
		bookRow(2, "หมากแข้ง", 3, "ขาดทุนการศึกษา", "", ""),
	)
	dry := planBook(t, imp, ctx, changes)
	if c := dry.Counts(); c.NewHouseholds != 1 || c.Updated != 1 || c.NewProblems != 1 {
		t.Fatalf("the dry run: %+v", c)
	}
	h1, _ := s.HouseholdsByHouseCode(ctx, "41010000001")
	ps, _ := s.ProblemsOf(ctx, h1[0].ID)
	ps[0].Detail = "เปลี่ยนหลังการตรวจไฟล์"
	if err := s.UpdateProblem(ctx, &ps[0]); err != nil {
		t.Fatal(err)
	}
	before := dumpDB(t, dsn)
	if _, err := imp.Commit(ctx, dry); data.ErrorCode(err) != data.ECONFLICT {
		t.Fatalf("commit of a dry run made before a change: %v", err)
	}
	sameDB(t, "after a refused commit", dumpDB(t, dsn), before)

	dry = planBook(t, imp, ctx, changes)
	cancelledAt := 0
	for k := int32(1); ; k++ {
		cctx, cancel := context.WithCancel(ctx)
		c := &cancelAfter{Context: cctx, cancel: cancel, k: k}
		_, err := imp.Commit(c, dry)
		cancel()
		if err == nil {
			break
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled at %d: %v", k, err)
		}
		cancelledAt++
		sameDB(t, fmt.Sprintf("after a cancel at %d", k), dumpDB(t, dsn), before)
	}
	if cancelledAt < 4 { // before the transaction, and between its parts
		t.Fatalf("the commit was cancelled at %d points only", cancelledAt)
	}
	if l, _ := s.Imports(ctx); len(l) != 2 || l[1].ID != 2 {
		t.Fatalf("the ledger after the commit: %+v", l)
	}
}

// TestCommitTenThousandRows times the dry run and the commit of a
// district workbook of 10,000 rows (10,000 new households, each with a
// problem and an action) and of a follow-up of the same 10,000 rows that
// updates every problem, on the test server; and the undo of the
// follow-up.
func TestCommitTenThousandRows(t *testing.T) {
	if testing.Short() {
		t.Skip("a 10,000-row workbook: not in -short")
	}
	s, imp, ctx, _ := importFixture(t, data.FixedClock(now))
	dir := t.TempDir()
	tambons := []string{"หมากแข้ง", "หนองบัว", "บ้านเลื่อม", "หนองขอนกว้าง"}
	const n = 10000
	var rows, follow [][]any
	for i := 1; i <= n; i++ {
		rows = append(rows, bookRow(i, tambons[i%4], 4, "หนี้สิน", data.InProgress.Thai(), "15/05/2567"))
		follow = append(follow, bookRow(i, tambons[i%4], 4, "หนี้สิน", data.Solved.Thai(), "01/06/2567"))
	}
	for _, c := range []struct {
		name string
		rows [][]any
		want func(data.Counts) bool
	}{
		{"district.xlsx", rows, func(c data.Counts) bool { return c.NewHouseholds == n }},
		{"followup.xlsx", follow, func(c data.Counts) bool { return c.Updated == n }},
	} {
		book := writeBook(t, dir, c.name, c.rows...)
		start := time.Now()
		rep := planBook(t, imp, ctx, book)
		t.Logf("dry run of %s: %v", c.name, time.Since(start).Round(time.Millisecond))
		if !c.want(rep.Counts()) {
			t.Fatalf("%s: %+v", c.name, rep.Counts())
		}
		start = time.Now()
		rec, err := imp.Commit(ctx, rep)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("commit of %s (%d rows, %+v): %v", c.name, n, rec.Counts, time.Since(start).Round(time.Millisecond))
	}
	l, _ := s.Imports(ctx)
	start := time.Now()
	if err := s.UndoImport(ctx, l[len(l)-1].ID); err != nil {
		t.Fatal(err)
	}
	t.Logf("undo of the follow-up (%d problems put back): %v", n, time.Since(start).Round(time.Millisecond))
	if sz, _ := s.Sizes(ctx); sz.Households != n || sz.Problems != n || sz.Actions != n {
		t.Fatalf("after the undo: %+v", sz)
	}
}

// A clerk's role imports changes (written through a temporary table) on a
// database whose administrator took the right to make temporary tables
// from PUBLIC: migration 00020 gives it to qmdesk_clerk.
func TestClerkImportsWithoutPublicTemporary(t *testing.T) {
	dsn := pgtest.DB(t)
	name := sqlValue[string](t, dsn, `SELECT current_database()`)
	sqlExec(t, dsn, `REVOKE TEMPORARY ON DATABASE `+pgx.Identifier{name}.Sanitize()+` FROM PUBLIC`)
	admin, err := Open(context.Background(), dsn, data.FixedClock(now))
	if err != nil {
		t.Fatal(err)
	}
	admin.Close()
	_, clerkDSN := clerk(t, dsn, false)
	s, err := Open(context.Background(), clerkDSN, data.FixedClock(now))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := data.WithOperator(context.Background(), "สมศรี")
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	geo, err := assets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	imp := &app.Importer{Store: s, Geo: geo, Clock: data.FixedClock(now)}
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		row  []any
		want data.Counts
	}{
		{"base.xlsx", bookRow(1, "หมากแข้ง", 4, "หนี้สิน", "", ""), data.Counts{Rows: 1, NewHouseholds: 1}},
		{"changes.xlsx", bookRow(1, "หมากแข้ง", 4, "หนี้สิน", data.Solved.Thai(), "01/06/2567"), data.Counts{Rows: 1, Updated: 1}},
	} {
		rep := planBook(t, imp, ctx, writeBook(t, dir, c.name, c.row))
		if got := rep.Counts(); got != c.want {
			t.Fatalf("%s: %+v, want %+v", c.name, got, c.want)
		}
		if _, err := imp.Commit(ctx, rep); err != nil {
			t.Fatalf("commit of %s by a clerk: %v", c.name, err)
		}
	}
}

// Two clerks commit workbooks planned against the same register at once,
// both changing household 1's problem and creating households: the
// commits go one after the other (the meta row's lock), the first whole
// and the second refused as planned against a record changed since
// (ECONFLICT), leaving nothing of it; the counters equal a recount and
// Check finds the database whole.
func TestConcurrentCommits(t *testing.T) {
	var tick atomic.Int64 // a clock that moves, as a real one does between two commits
	s, imp, ctx, dsn := importFixture(t, data.ClockFunc(func() time.Time { return now.Add(time.Duration(tick.Add(1)) * time.Millisecond) }))
	dir := t.TempDir()
	if _, err := imp.Commit(ctx, planBook(t, imp, ctx, writeBook(t, dir, "base.xlsx", bookRow(1, "หมากแข้ง", 4, "หนี้สิน", "", "")))); err != nil {
		t.Fatal(err)
	}
	var reps []*app.FileReport
	for i, status := range []data.Status{data.Solved, data.InProgress} {
		reps = append(reps, planBook(t, imp, ctx, writeBook(t, dir, fmt.Sprintf("clerk%d.xlsx", i),
			bookRow(1, "หมากแข้ง", 4, "หนี้สิน", status.Thai(), "01/06/2567"),
			bookRow(10+i, "หนองบัว", 2, "ขาดแคลนน้ำดื่ม", "", ""))))
	}
	errs := make(chan error, len(reps))
	for _, rep := range reps {
		go func() {
			_, err := imp.Commit(ctx, rep)
			errs <- err
		}()
	}
	var ok, refused int
	for range reps {
		switch err := <-errs; {
		case err == nil:
			ok++
		case data.ErrorCode(err) == data.ECONFLICT:
			refused++
		default:
			t.Fatalf("a commit failed otherwise: %v", err)
		}
	}
	if ok != 1 || refused != 1 {
		t.Fatalf("%d commits went through, %d were refused; want one each", ok, refused)
	}
	if l, _ := s.Imports(ctx); len(l) != 2 {
		t.Fatalf("the ledger: %+v", l)
	}
	if sz, _ := s.Sizes(ctx); sz.Households != 2 || sz.Problems != 2 || sz.Actions != 1 {
		t.Fatalf("the register: %+v", sz)
	}
	checkRecount(t, dsn)
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check: %v %v", err, rep.Problems)
	}
}
