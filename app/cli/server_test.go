package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"qmdesk/app/cli"
	"qmdesk/data"
	"qmdesk/data/postgres"
	"qmdesk/data/postgres/pgtest"
)

// The tests of a server's database run on a throwaway PostgreSQL.
func TestMain(m *testing.M) { pgtest.Main(m) }

// serverURL is a test database of pgtest's server (pgtest.DB, key=value
// pairs), as the postgres:// address a clerk gives --db, connecting as
// role ("": the superuser).
func serverURL(t *testing.T, role string) (url, dsn string) {
	t.Helper()
	dsn = pgtest.DB(t)
	kv := map[string]string{}
	for _, f := range strings.Fields(dsn) {
		k, v, _ := strings.Cut(f, "=")
		kv[k] = v
	}
	if role == "" {
		role = kv["user"]
	}
	return "postgres://" + role + "@/" + kv["dbname"] + "?host=" + kv["host"] + "&port=" + kv["port"] + "&sslmode=disable", dsn
}

// onServer makes the command line open server addresses as cmd/qmdesk
// does (postgres.OpenAsking, the password asked through
// Env.AskDatabasePassword), on the same fixed clock as the files, and
// fails the test if a server's address reaches the file opener.
func onServer(t *testing.T, asked *int) func(*cli.Env) {
	return func(env *cli.Env) {
		open := env.Open
		env.Open = func(path string, ro bool) (data.Store, error) {
			if cli.IsServerAddress(path) {
				t.Errorf("the server's address %s was opened as a file", path)
			}
			return open(path, ro)
		}
		// pgtest's server lets any role in without a password: a
		// password typed here would not be checked, only counted.
		env.ReadPassword = func(string) (string, error) {
			if asked != nil {
				*asked++
			}
			return "pw", nil
		}
		env.Stdin = strings.NewReader("")
		ask := env.AskDatabasePassword
		env.OpenServer = func(ctx context.Context, dsn string) (data.Store, error) {
			s, err := postgres.OpenAsking(ctx, dsn, data.FixedClock(time.Date(2024, 8, 1, 9, 0, 0, 0, time.UTC)), nil, ask)
			if err != nil {
				return nil, err
			}
			return s, nil
		}
	}
}

// Issue 16, point 6: the demo with the same seed and clock gives the same
// summary on a server's database (--db postgres://…) as on a file, and
// every command there opens the server, never a file.
func TestDemoOnServerSummarizesAsOnFile(t *testing.T) {
	url, _ := serverURL(t, "")
	file := filepath.Join(t.TempDir(), "qm.db")
	ctx := context.Background()
	asked := 0
	for _, db := range []string{file, url} {
		if r := qmdeskWith(t, ctx, onServer(t, &asked), "init", "--province", "41", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "สร้างฐานข้อมูลจังหวัดอุดรธานี") {
			t.Fatalf("init --db %s: %+v", db, r)
		}
		if r := qmdeskWith(t, ctx, onServer(t, &asked), "demo", "--province", "41", "--households", "30", "--seed", "7", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "30 ครัวเรือน") {
			t.Fatalf("demo --db %s: %+v", db, r)
		}
	}
	// pgtest's server, on this computer's Unix socket, lets the role in
	// without a password: none is asked (a server that wants one is asked
	// for it: data/postgres TestOpenAskingLocalWithoutPassword).
	if asked != 0 {
		t.Errorf("the password was asked %d times for the two commands on a server that wants none", asked)
	}
	onFile := qmdeskWith(t, ctx, onServer(t, nil), "summary", "--json", "--db", file)
	onPG := qmdeskWith(t, ctx, onServer(t, nil), "summary", "--json", "--db", url)
	if onFile.code != 0 || onPG.code != 0 {
		t.Fatalf("summary: file %+v, server %+v", onFile, onPG)
	}
	if !strings.Contains(onPG.stdout, `"households": 30`) {
		t.Errorf("summary on the server: %s", onPG.stdout)
	}
	if onPG.stdout != onFile.stdout {
		t.Errorf("summary --json differs:\nfile:\n%s\nserver:\n%s", onFile.stdout, onPG.stdout)
	}
	// The text summary too, and a round's list, a command that writes
	// (a new round) and its list again.
	for _, args := range [][]string{{"summary"}, {"round"}, {"round", "new", "--name", "รอบสอง", "--start", "1/8/2567", "--deadline", "31/12/2567"}, {"round"}, {"unit"}, {"agency"}} {
		a := qmdeskWith(t, ctx, onServer(t, nil), append(args, "--db", file)...)
		b := qmdeskWith(t, ctx, onServer(t, nil), append(args, "--db", url)...)
		if a.code != 0 || a.stdout != b.stdout || a.code != b.code {
			t.Errorf("qmdesk %v: file %+v\nserver %+v", args, a, b)
		}
	}
	// postgresql:// is a server's address as well (the new round is the
	// current one on both now).
	a := qmdeskWith(t, ctx, onServer(t, nil), "summary", "--json", "--db", file)
	b := qmdeskWith(t, ctx, onServer(t, nil), "summary", "--json", "--db", "postgresql://"+strings.TrimPrefix(url, "postgres://"))
	if b.code != 0 || b.stdout != a.stdout || !strings.Contains(b.stdout, "รอบสอง") {
		t.Errorf("postgresql://: %+v, file %+v", b, a)
	}
}

// QMDESK_DB gives the database when --db is absent: a server's address
// there opens the server for every command; --db still wins over it.
func TestQMDESKDBNamesAServer(t *testing.T) {
	url, _ := serverURL(t, "")
	t.Setenv("QMDESK_DB", url)
	dataHome := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dataHome) // the data folder's file, on Linux
	ctx := context.Background()
	if r := qmdeskWith(t, ctx, onServer(t, nil), "init", "--province", "อุดรธานี"); r.code != 0 || !strings.Contains(r.stdout, url) {
		t.Fatalf("init with QMDESK_DB: %+v", r)
	}
	if r := qmdeskWith(t, ctx, onServer(t, nil), "demo", "--province", "41", "--households", "20"); r.code != 0 {
		t.Fatalf("demo with QMDESK_DB: %+v", r)
	}
	if r := qmdeskWith(t, ctx, onServer(t, nil), "summary", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"households": 20`) {
		t.Fatalf("summary with QMDESK_DB: %+v", r)
	}
	// No file was made for it in the data folder.
	if entries, _ := os.ReadDir(dataHome); len(entries) > 0 {
		t.Errorf("the data folder holds %v", entries)
	}
	file := filepath.Join(t.TempDir(), "qm.db")
	if r := qmdeskWith(t, ctx, onServer(t, nil), "init", "--province", "41", "--db", file); r.code != 0 {
		t.Fatalf("init --db FILE with QMDESK_DB set: %+v", r)
	}
	if r := qmdeskWith(t, ctx, onServer(t, nil), "summary", "--json", "--db", file); r.code != 0 || !strings.Contains(r.stdout, `"households": 0`) {
		t.Errorf("--db FILE wins over QMDESK_DB: %+v", r)
	}
}

// On a server's database the audit records the role that connected, not
// the operator's name the command line was given.
func TestServerAuditRecordsTheRole(t *testing.T) {
	url, admin := serverURL(t, "")
	ctx := context.Background()
	// The first open, as the superuser, makes the tables and qmdesk's
	// group roles; then a clerk's role joins the clerks.
	if r := qmdeskWith(t, ctx, onServer(t, nil), "init", "--province", "41", "--db", url); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	role := pgtest.Role(t, "")
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "GRANT qmdesk_clerk TO "+pgx.Identifier{role}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	clerk := strings.Replace(url, "postgres://postgres@", "postgres://"+role+"@", 1)
	if r := qmdeskWith(t, ctx, onServer(t, nil), "round", "new", "--name", "รอบสอง", "--start", "1/8/2567", "--deadline", "31/12/2567", "--db", clerk); r.code != 0 {
		t.Fatalf("round new as %s: %+v", role, r)
	}
	var who string
	if err := conn.QueryRow(ctx, `SELECT who FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&who); err != nil {
		t.Fatal(err)
	}
	if who != role {
		t.Errorf("the audit's who is %q, want the role %q (not the operator's name ทดสอบ)", who, role)
	}
	// An import: the ledger and the records it writes name the role too.
	wb := filepath.Join(t.TempDir(), "w.xlsx")
	book(t, wb, [2]string{"41010000001", "เมือง"})
	if r := qmdeskWith(t, ctx, onServer(t, nil), "import", wb, "--db", clerk); r.code != 0 {
		t.Fatalf("import as %s: %+v", role, r)
	}
	var imported, changed string
	if err := conn.QueryRow(ctx, `SELECT (SELECT who FROM imports ORDER BY id DESC LIMIT 1), (SELECT changed_by FROM households ORDER BY id DESC LIMIT 1)`).Scan(&imported, &changed); err != nil {
		t.Fatal(err)
	}
	if imported != role || changed != role {
		t.Errorf("the import names %q, its household %q; want the role %q", imported, changed, role)
	}
}

// restore onto a server copies a qmdesk file into it (never the file
// store's restore, which puts a file in the database's place), and a
// file that is not a database is refused in Thai; a program without a
// server opener refuses every address.
func TestServerAddressRefusals(t *testing.T) {
	url, _ := serverURL(t, "")
	ctx := context.Background()
	backup := filepath.Join(t.TempDir(), "b.db")
	if err := os.WriteFile(backup, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	restored := false
	r := qmdeskWith(t, ctx, func(env *cli.Env) {
		onServer(t, nil)(env)
		env.Restore = func(ctx context.Context, src, dst string) (string, error) {
			restored = true
			return "", nil
		}
	}, "restore", backup, "--db", url)
	if r.code != cli.ExitFailure || restored || !strings.Contains(r.stderr, "ไม่ใช่ฐานข้อมูล qmdesk") {
		t.Errorf("restore onto a server: restored %v, %+v", restored, r)
	}
	r = qmdeskWith(t, ctx, func(env *cli.Env) {
		onServer(t, nil)(env)
		env.OpenServer = nil
	}, "summary", "--db", url)
	if r.code != cli.ExitFailure || !strings.Contains(r.stderr, "เปิดฐานข้อมูลกลางบนเซิร์ฟเวอร์ไม่ได้") {
		t.Errorf("without a server opener: %+v", r)
	}
}

// check on a server's database whose audit log was rewritten gives the
// server's advice (no file, no .audit file, no backups folder).
func TestServerCheckTamperedAdvice(t *testing.T) {
	url, admin := serverURL(t, "")
	ctx := context.Background()
	if r := qmdeskWith(t, ctx, onServer(t, nil), "init", "--province", "41", "--db", url); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `UPDATE audit SET who = 'someone else' WHERE seq = 1`); err != nil {
		t.Fatal(err)
	}
	r := qmdeskWith(t, ctx, onServer(t, nil), "check", "--db", url)
	if r.code != cli.ExitFailure || !strings.Contains(r.stdout, data.AuditTamperedAdviceServer) || strings.Contains(r.stdout+r.stderr, ".audit") ||
		!strings.Contains(r.stderr, "ผู้ดูแลเซิร์ฟเวอร์") || strings.Contains(r.stderr, "ไฟล์") {
		t.Errorf("check of a rewritten log on a server: %+v", r)
	}
}
