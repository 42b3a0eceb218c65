package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
	"qmdesk/data/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// now is the test's clock: to the microsecond, as PostgreSQL keeps time.
var now = time.Date(2024, 6, 1, 9, 0, 0, 123456000, time.UTC)

func openStore(t *testing.T, dsn string) (*Store, context.Context) {
	t.Helper()
	s, err := Open(context.Background(), dsn, data.FixedClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, data.WithOperator(context.Background(), "tester")
}

// sqlValue runs a query on dsn's database and returns the first column
// of its first row.
func sqlValue[T any](t testing.TB, dsn, query string, args ...any) T {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v T
	if err := conn.QueryRow(ctx, query, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v
}

// sqlExec runs a statement on dsn's database.
func sqlExec(t testing.TB, dsn, query string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// The newest migration, SQL file or Go, is SchemaVersion, and no version
// is used twice. Versions may leave gaps: they are handed out in ranges
// (00010–00019 for access rights) so that work done side by side does
// not take the same number; goose runs them in order of version.
func TestSchemaVersionIsNewestMigration(t *testing.T) {
	entries, err := migrations.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, e := range entries {
		n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			t.Fatalf("migration %s is not named NNNNN_what.sql", e.Name())
		}
		seen[int64(n)] = true
	}
	for _, m := range goMigrations {
		if seen[m.Version] {
			t.Fatalf("migration %d twice", m.Version)
		}
		seen[m.Version] = true
	}
	newest := int64(0)
	for v := range seen {
		newest = max(newest, v)
	}
	if newest != SchemaVersion || !seen[1] {
		t.Fatalf("newest migration %d, SchemaVersion %d (migrations %v)", newest, SchemaVersion, seen)
	}
}

// Open migrates an empty database to SchemaVersion; a second Open finds
// nothing to do and changes nothing.
func TestMigrations(t *testing.T) {
	dsn := pgtest.DB(t)
	s, ctx := openStore(t, dsn)
	m, err := s.Meta(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.SchemaVersion != SchemaVersion || m.Province != "" || m.DefaultRound != 0 {
		t.Fatalf("meta of a new database: %+v", m)
	}
	tables := sqlValue[string](t, dsn, `SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'`)
	want := "actions,agency_aliases,audit,counters,goose_db_version,hh_refs,households,import_created,import_rows,import_undo,imports,meta,problems,reviews,rounds,sub_problems,summary_counters,unit_tambons,units"
	if tables != want {
		t.Fatalf("tables %s, want %s", tables, want)
	}
	applied := sqlValue[int64](t, dsn, `SELECT count(*) FROM goose_db_version`)
	s.Close()
	s2, _ := openStore(t, dsn)
	if again := sqlValue[int64](t, dsn, `SELECT count(*) FROM goose_db_version`); again != applied {
		t.Fatalf("a second Open added migration rows: %d, then %d", applied, again)
	}
	if m, err := s2.Meta(ctx); err != nil || m.SchemaVersion != SchemaVersion {
		t.Fatalf("after a second Open: %+v %v", m, err)
	}
}

// Two programs starting at once on a new database: both open it, and the
// migration runs once.
func TestConcurrentOpen(t *testing.T) {
	dsn := pgtest.DB(t)
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), dsn, data.FixedClock(now))
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	files, err := migrations.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	if runs, want := sqlValue[int64](t, dsn, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`), int64(len(files)+len(goMigrations)); runs != want {
		t.Fatalf("%d migrations recorded, want %d", runs, want)
	}
	if n := sqlValue[int64](t, dsn, `SELECT count(*) FROM sub_problems`); n != int64(len(data.DefaultSubProblems())) {
		t.Fatalf("%d sub-problems", n)
	}
	if rows := sqlValue[int64](t, dsn, `SELECT count(*) FROM meta`); rows != 1 {
		t.Fatalf("%d meta rows", rows)
	}
}

// A database a newer qmdesk migrated is refused, with a message the
// clerk can act on, and is left as it was.
func TestNewerSchemaRefused(t *testing.T) {
	dsn := pgtest.DB(t)
	s, _ := openStore(t, dsn)
	s.Close()
	sqlExec(t, dsn, `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)`, SchemaVersion+1)
	_, err := Open(context.Background(), dsn, data.FixedClock(now))
	var e *data.Error
	if !errors.As(err, &e) || e.Code != data.EINVALID || !strings.Contains(e.Message, "รุ่นใหม่กว่า") || !strings.Contains(e.Message, "ติดตั้ง qmdesk รุ่นล่าสุด") {
		t.Fatalf("a newer database: %v", err)
	}
	if v := sqlValue[int64](t, dsn, `SELECT max(version_id) FROM goose_db_version`); v != SchemaVersion+1 {
		t.Fatalf("version now %d", v)
	}
}

// A database that holds another program's tables is refused and left as
// it was.
func TestForeignRefused(t *testing.T) {
	dsn := pgtest.DB(t)
	sqlExec(t, dsn, `CREATE TABLE households (id bigint)`)
	_, err := Open(context.Background(), dsn, data.FixedClock(now))
	var e *data.Error
	if !errors.As(err, &e) || e.Code != data.EINVALID || !strings.Contains(e.Message, "มีตารางของโปรแกรมอื่น") {
		t.Fatalf("a foreign database: %v", err)
	}
	if n := sqlValue[int64](t, dsn, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`); n != 1 {
		t.Fatalf("%d tables now", n)
	}
}

// A server that cannot be reached is a data.Error that says so.
func TestOpenUnreachable(t *testing.T) {
	_, err := Open(context.Background(), "host="+t.TempDir()+" user=nobody dbname=x connect_timeout=2", data.FixedClock(now))
	var e *data.Error
	if !errors.As(err, &e) || e.Code != data.EINVALID || !strings.Contains(e.Message, "เชื่อมต่อเซิร์ฟเวอร์ฐานข้อมูล") {
		t.Fatalf("%v", err)
	}
}

// The audit entries the store wrote, as (op entity id note) lines.
func auditLines(t *testing.T, dsn string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT seq, entry::text FROM audit ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var seq int64
		var entry string
		if err := rows.Scan(&seq, &entry); err != nil {
			t.Fatal(err)
		}
		out = append(out, entry)
	}
	return out
}
