package postgres

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"qmdesk/app/storetest"
	"qmdesk/data"
	"qmdesk/data/postgres/pgtest"
)

// BenchmarkCounts1M times the dashboard's reads (Counts, UnitCounts,
// History of the round) and a clerk's writes at 1,000,000 problems. It
// needs a big database, so it runs only when QMDESK_PG_BENCH is set:
//
//	QMDESK_PG_BENCH=1 QMDESK_PG_REQUIRED=1 CGO_ENABLED=0 go test -run '^$' -bench Counts1M -timeout 60m ./data/postgres/
//
// The register is made in SQL (generate_series), in the throwaway server:
// 400,000 households in 300 tambons (a large province; one household in
// ten in a municipality), 1,000,000 problems of round 1 with statuses and
// found days spread over the round, nine in ten due on its deadline, inserted in one statement (so its time is the
// triggers' cost of a bulk load), then the counters checked against a
// recount. The database is filled once: the figures are the
// sub-benchmarks'.
func BenchmarkCounts1M(b *testing.B) {
	if os.Getenv("QMDESK_PG_BENCH") == "" {
		b.Skip("set QMDESK_PG_BENCH=1 to fill a database with 1,000,000 problems")
	}
	problems := 1_000_000
	if n, err := strconv.Atoi(os.Getenv("QMDESK_PG_BENCH")); err == nil && n > 1 { // a smaller register, to try the benchmark
		problems = n
	}
	households := problems * 2 / 5
	dsn := pgtest.DB(b)
	s, err := Open(context.Background(), dsn, data.FixedClock(now))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := data.WithOperator(context.Background(), "bench")
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	sqlExec(b, dsn, `INSERT INTO households (house_code, tambon_code, origin, unit, created_at, updated_at)
		SELECT lpad(g::text, 11, '4'), '41' || lpad((g % 20 + 1)::text, 2, '0') || lpad((g / 20 % 15 + 1)::text, 2, '0'),
			1 + (g % 7 = 0)::int, CASE WHEN g % 10 = 0 THEN 'M' || lpad((g % 40)::text, 5, '0') ELSE '' END, now(), now()
		FROM generate_series(1, $1) g`, households)
	b.Logf("%d households: %v", households, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	sqlExec(b, dsn, `INSERT INTO problems (household_id, round_id, category, sub_problem, urgent, survey_year, rexray, status, close_reason,
			target_date, found_on, resolved_on, created_at, updated_at, thaiqm_on)
		SELECT 1 + g % $1, 1, 1 + g % 7, 'อื่น ๆ', g % 11 = 0, CASE WHEN g % 3 = 0 THEN 2565 ELSE 2567 END,
			CASE WHEN g % 3 = 0 THEN g % 4 ELSE 0 END, 1 + g % 5, CASE WHEN g % 5 = 4 THEN 'ย้ายออก' ELSE '' END,
			CASE WHEN g % 10 = 0 THEN date '2024-03-01' + g % 214 ELSE date '2024-09-30' END, CASE WHEN g % 3 = 0 THEN NULL ELSE date '2024-03-01' + g % 93 END,
			CASE WHEN g % 5 >= 2 THEN date '2024-03-01' + g % 93 END, now(), now(), CASE WHEN g % 13 = 0 THEN date '2024-05-01' END
		FROM generate_series(1, $2) g`, households, problems)
	b.Logf("%d problems in one INSERT, the counters moved by its trigger: %v", problems, time.Since(start).Round(time.Millisecond))
	sqlExec(b, dsn, `VACUUM ANALYZE`)
	b.Logf("%d counter rows of round 1, %d household references", sqlValue[int64](b, dsn, `SELECT count(*) FROM counters WHERE round_id = 1`),
		sqlValue[int64](b, dsn, `SELECT count(*) FROM hh_refs`))

	due := data.NewDate(2024, 6, 1)
	b.Logf("counters of round 1 by kind (due: before %s): %s", due, sqlValue[string](b, dsn,
		`SELECT string_agg(kind::text || ' ' || n, ', ' ORDER BY kind) FROM (SELECT kind, count(*) n FROM counters WHERE round_id = 1 AND (kind <> 'D' OR day < $1) GROUP BY kind) k`, due.Time()))
	for _, q := range []string{
		`SELECT kind, area, category, code, urgent, day, n FROM counters WHERE round_id = 1 AND kind = 'S' AND n <> 0 ORDER BY area, category, code, urgent, day`,
		`SELECT kind, area, category, code, urgent, day, n FROM counters WHERE round_id = 1 AND kind = 'D' AND day < '2024-06-01' AND n <> 0 ORDER BY day, area, category, urgent`,
	} {
		plan := sqlValue[string](b, dsn, `EXPLAIN (ANALYZE, FORMAT JSON) `+q)
		b.Logf("the server's time of a query of Counts: %s", strings.Fields(plan[strings.Index(plan, `"Execution Time"`):])[2])
	}
	b.Run("Counts", func(b *testing.B) {
		for range b.N {
			rc, err := s.Counts(ctx, 1, due)
			if err != nil || len(rc.Status) == 0 || len(rc.Households) == 0 || len(rc.Due) == 0 || len(rc.NewCases) == 0 {
				b.Fatalf("Counts: %d status counts: %v", len(rc.Status), err)
			}
		}
	})
	b.Run("UnitCounts", func(b *testing.B) {
		for range b.N {
			if rc, err := s.UnitCounts(ctx, 1, due); err != nil || len(rc.Status) == 0 {
				b.Fatalf("UnitCounts: %d status counts: %v", len(rc.Status), err)
			}
		}
	})
	b.Run("History", func(b *testing.B) {
		for range b.N {
			if h, err := s.History(ctx, 1); err != nil || len(h.Added) == 0 {
				b.Fatalf("History: %v", err)
			}
		}
	})
	// A clerk's change of status: the problem's row, the action it
	// records, the counters its trigger moves, two audit entries.
	b.Run("UpdateProblem", func(b *testing.B) {
		for i := range b.N {
			p, err := s.Problem(ctx, uint64(1+i%1000))
			if err != nil {
				b.Fatal(err)
			}
			p.Status = data.Status(1 + (p.Status+1)%4) // never Closed: it needs a reason
			if err := s.UpdateProblem(ctx, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	start = time.Now()
	checkRecount(b, dsn)
	b.Logf("the counters equal a recount (%v)", time.Since(start).Round(time.Millisecond))
}

// BenchmarkStore is the stores' side-by-side benchmark (storetest.Bench)
// on the PostgreSQL store, each store on a new database of the
// throwaway server (which runs without fsync; docs/scale.md). It fills a
// large province, so it runs only when QMDESK_PG_BENCH is set:
//
//	QMDESK_PG_BENCH=1 QMDESK_PG_REQUIRED=1 CGO_ENABLED=0 go test -run '^$' -bench '^BenchmarkStore$' -timeout 60m ./data/postgres/
func BenchmarkStore(b *testing.B) {
	if os.Getenv("QMDESK_PG_BENCH") == "" {
		b.Skip("set QMDESK_PG_BENCH=1 to fill a database with about 1,000,000 problems")
	}
	storetest.Bench(b, func(b *testing.B, clock data.Clock) storetest.Store {
		dsn := pgtest.DB(b)
		s, err := Open(context.Background(), dsn, clock)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return settling{s, dsn}
	})
}

// settling is a store the benchmark lets settle after its fill
// (storetest.Settler): VACUUM ANALYZE at once, the work autovacuum would
// do over the next minutes, which would otherwise run beside the timed
// reads.
type settling struct {
	*Store
	dsn string
}

func (s settling) Settle(b *testing.B) { sqlExec(b, s.dsn, `VACUUM ANALYZE`) }
