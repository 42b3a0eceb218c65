package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
)

// testWatchTimes are Watch's waits made short for the tests.
var testWatchTimes = watchTimes{gap: 200 * time.Millisecond, backoff: 50 * time.Millisecond, maxBackoff: 200 * time.Millisecond, idle: time.Second, poll: 100 * time.Millisecond}

// watching runs w.watch on its own goroutine until the test ends; each
// call of changed runs seen (on Watch's goroutine) and is then sent on
// the channel returned.
type watching struct {
	calls chan time.Time
	n     atomic.Int64
	done  chan error
}

func startWatch(t *testing.T, s *Store, wt watchTimes, seen func()) *watching {
	t.Helper()
	w := &watching{calls: make(chan time.Time, 100), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		w.done <- s.watch(ctx, func() {
			if seen != nil {
				seen()
			}
			w.n.Add(1)
			w.calls <- time.Now()
		}, wt)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-w.done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Watch ended with %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Watch did not end with its context")
		}
	})
	return w
}

// expect waits for a call of changed, failing after 10 s.
func (w *watching) expect(t *testing.T, what string) {
	t.Helper()
	select {
	case <-w.calls:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: changed was not called", what)
	}
}

// expectNone fails if changed is called within d.
func (w *watching) expectNone(t *testing.T, d time.Duration, what string) {
	t.Helper()
	select {
	case <-w.calls:
		t.Fatalf("%s: changed was called", what)
	case <-time.After(d):
	}
}

// listener waits until Watch has a connection to dsn's database that
// LISTENs (at first) other than the one of pid not (0: any), and returns
// its server process.
func listener(t *testing.T, dsn string, not uint32) uint32 {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var pid int64
		err := pgxQueryRow(t, dsn, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $2
			AND query <> '' AND pid <> $1 LIMIT 1`, int64(not), watchApplication).Scan(&pid)
		if err == nil {
			return uint32(pid)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no connection LISTENs")
	return 0
}

type rowResult struct {
	t   *testing.T
	dsn string
	sql string
	arg []any
}

func pgxQueryRow(t *testing.T, dsn, sql string, args ...any) rowResult {
	return rowResult{t, dsn, sql, args}
}

func (r rowResult) Scan(dest ...any) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, r.dsn)
	if err != nil {
		r.t.Fatal(err)
	}
	defer conn.Close(ctx)
	return conn.QueryRow(ctx, r.sql, r.arg...).Scan(dest...)
}

// A change another program commits is told after the commit, when a read
// sees it, never while its transaction is open; a transaction rolled back
// tells nothing; another Store's changes are told, the watching Store's
// own are not; many changes at once make few calls.
func TestWatchTellsCommittedChanges(t *testing.T) {
	a, ctx, dsn := initStore(t)
	b, _ := openStore(t, dsn)
	h := data.Household{HouseCode: "41010012345", TambonCode: "410101", Origin: data.OriginSurvey2565}
	if err := a.CreateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	// What a read shows when changed is called.
	var mu sync.Mutex
	var village string
	w := startWatch(t, a, testWatchTimes, func() {
		got, err := a.Household(context.Background(), h.ID)
		if err != nil {
			t.Error(err)
		}
		mu.Lock()
		village = got.VillageName
		mu.Unlock()
	})
	listener(t, dsn, 0)

	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE households SET village_name = 'บ้านโนน' WHERE id = $1`, int64(h.ID)); err != nil {
		t.Fatal(err)
	}
	w.expectNone(t, 700*time.Millisecond, "a transaction not yet committed")
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	w.expect(t, "a commit")
	mu.Lock()
	if village != "บ้านโนน" {
		t.Errorf("when told, a read shows the village %q, not the change committed", village)
	}
	mu.Unlock()

	tx, err = conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE households SET village_name = 'บ้านนา' WHERE id = $1`, int64(h.ID)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	w.expectNone(t, 700*time.Millisecond, "a transaction rolled back")

	// The watching Store's own change is not told; another Store's is.
	h, _ = a.Household(ctx, h.ID)
	h.Members = 4
	if err := a.UpdateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	w.expectNone(t, 700*time.Millisecond, "the watching Store's own change")
	p := data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567}
	if err := b.CreateProblem(ctx, &p); err != nil {
		t.Fatal(err)
	}
	w.expect(t, "another Store's change")

	// A burst of commits: one call at its start, at most one per gap after.
	w.expectNone(t, 300*time.Millisecond, "nothing changed")
	before := w.n.Load()
	start := time.Now()
	const burst = 30
	for i := range burst {
		a := data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 5, 1), What: fmt.Sprintf("โทร %d", i)}
		if err := b.AddAction(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	took := time.Since(start)
	time.Sleep(2 * testWatchTimes.gap)
	calls := w.n.Load() - before
	if most := int64(took/testWatchTimes.gap) + 2; calls < 1 || calls > most || calls >= burst {
		t.Fatalf("%d commits in %v made %d calls (at most %d)", burst, took, calls, most)
	}
	t.Logf("%d commits in %v: %d calls", burst, took, calls)
}

// A listening connection the server ends (pg_terminate_backend, as a
// restart would) is made again; changed is then called (what changed
// meanwhile was not told), and changes are told again.
func TestWatchReconnects(t *testing.T) {
	a, ctx, dsn := initStore(t)
	b, _ := openStore(t, dsn)
	w := startWatch(t, a, testWatchTimes, nil)
	pid := listener(t, dsn, 0)
	sqlExec(t, dsn, `SELECT pg_terminate_backend($1)`, int64(pid))
	again := listener(t, dsn, pid)
	w.expect(t, "connected again")
	w.expectNone(t, 500*time.Millisecond, "nothing changed since")
	h := data.Household{HouseCode: "41010012345", TambonCode: "410101", Origin: data.OriginSurvey2565}
	if err := b.CreateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	w.expect(t, "a change after the new connection")
	if again == pid {
		t.Fatal("the same connection")
	}
}

// On a server without LISTEN, the audit log's head is polled: a change
// by qmdesk moves it and is told; no change, nothing told.
func TestWatchPollsWithoutListen(t *testing.T) {
	a, ctx, dsn := initStore(t)
	b, _ := openStore(t, dsn)
	calls := make(chan struct{}, 10)
	pctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- a.poll(pctx, func() { calls <- struct{}{} }, testWatchTimes.poll)
	}()
	defer func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("poll ended with %v", err)
		}
	}()
	select {
	case <-calls:
		t.Fatal("told with nothing changed")
	case <-time.After(5 * testWatchTimes.poll):
	}
	h := data.Household{HouseCode: "41010012345", TambonCode: "410101", Origin: data.OriginSurvey2565}
	if err := b.CreateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	select {
	case <-calls:
	case <-time.After(10 * time.Second):
		t.Fatal("a change was not told")
	}
}

// The tables a clerk's screens show notify the channel at every write
// statement (even one that changes no row: the trigger is the
// statement's); the audit log and the counters do not (an export logged
// changes nothing on screen, and the counters move with the problems),
// nor an update of the meta row's audit head; a change of the current
// round does.
func TestNotifyingTables(t *testing.T) {
	_, ctx, dsn := initStore(t)
	listen, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer listen.Close(ctx)
	if _, err := listen.Exec(ctx, `LISTEN `+notifyChannel); err != nil {
		t.Fatal(err)
	}
	write, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer write.Close(ctx)
	notified := func(sql string) bool {
		t.Helper()
		if _, err := write.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		wctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		n, err := listen.WaitForNotification(wctx)
		switch {
		case err == nil:
			if n.Channel != notifyChannel || n.PID != write.PgConn().PID() {
				t.Fatalf("%s: notification %+v", sql, n)
			}
			return true
		case errors.Is(err, context.DeadlineExceeded):
			return false
		default:
			t.Fatal(err)
			return false
		}
	}
	// Each table with a column to set to itself.
	for table, col := range map[string]string{"households": "id", "problems": "id", "actions": "id", "rounds": "id", "sub_problems": "position",
		"units": "position", "unit_tambons": "position", "agency_aliases": "from_key", "imports": "id", "reviews": "id"} {
		for _, sql := range []string{
			`INSERT INTO ` + table + ` SELECT * FROM ` + table + ` WHERE false`,
			`UPDATE ` + table + ` SET ` + col + ` = ` + col + ` WHERE false`,
			`DELETE FROM ` + table + ` WHERE false`,
		} {
			if !notified(sql) {
				t.Errorf("%s: not notified", sql)
			}
		}
	}
	for _, sql := range []string{
		`UPDATE audit SET seq = seq WHERE false`,
		`UPDATE counters SET n = n WHERE false`,
		`UPDATE hh_refs SET n = n WHERE false`,
		`UPDATE meta SET audit_seq = audit_seq`,
		`UPDATE meta SET default_round = default_round`,
	} {
		if notified(sql) {
			t.Errorf("%s: notified", sql)
		}
	}
	sqlExec(t, dsn, `INSERT INTO rounds (id, name, start, deadline) VALUES (7, 'รอบ 7', '2024-10-01', '2025-09-30')`)
	if n, err := listen.WaitForNotification(ctx); err != nil || n == nil {
		t.Fatalf("a round made: %v", err)
	}
	if !notified(`UPDATE meta SET default_round = 7`) {
		t.Error("a change of the current round: not notified")
	}
}

// A connection with nothing to tell for longer than idle is pinged and
// kept: no new connection, no call, and a change after is told.
func TestWatchQuietConnectionKept(t *testing.T) {
	a, ctx, dsn := initStore(t)
	b, _ := openStore(t, dsn)
	wt := testWatchTimes
	wt.idle = 100 * time.Millisecond
	w := startWatch(t, a, wt, nil)
	pid := listener(t, dsn, 0)
	w.expectNone(t, 10*wt.idle, "nothing changed")
	if again := listener(t, dsn, 0); again != pid {
		t.Fatalf("the connection was made again (%d, was %d)", again, pid)
	}
	h := data.Household{HouseCode: "41010012345", TambonCode: "410101", Origin: data.OriginSurvey2565}
	if err := b.CreateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	w.expect(t, "a change after a quiet while")
	if again := listener(t, dsn, 0); again != pid {
		t.Fatalf("the connection was made again (%d, was %d)", again, pid)
	}
}
