package pgtest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// The server listens on its Unix socket only, and each test has a
// database of its own, dropped at its end.
func TestDB(t *testing.T) {
	dsn := DB(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var listen, db string
	if err := conn.QueryRow(ctx, "SELECT current_setting('listen_addresses'), current_database()").Scan(&listen, &db); err != nil {
		t.Fatal(err)
	}
	if listen != "" {
		t.Errorf("listen_addresses = %q, want '' (no TCP)", listen)
	}
	if !strings.Contains(dsn, "dbname="+db+" ") || !strings.HasPrefix(db, "t") {
		t.Errorf("connected to %q with %q", db, dsn)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE x (a int)"); err != nil {
		t.Fatal(err)
	}
	other := DB(t)
	if other == dsn {
		t.Fatal("two databases with one name")
	}
	c2, err := pgx.Connect(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close(ctx)
	var n int
	if err := c2.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'x'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("a new database holds another test's table: %d %v", n, err)
	}
}

// A server that cannot start skips the tests that need it, with how to
// install it; with QMDESK_PG_REQUIRED=1 the package fails instead.
func TestUnavailable(t *testing.T) {
	if os.Getenv("PGTEST_CHILD") == "1" {
		return
	}
	for _, required := range []bool{false, true} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestDB$", "-test.v")
		cmd.Env = append(os.Environ(), "PGTEST_CHILD=1", BinEnv+"="+t.TempDir(), RequiredEnv+"=")
		if required {
			cmd.Env = append(cmd.Env, RequiredEnv+"=1")
		}
		out, err := cmd.CombinedOutput()
		switch {
		case required && err == nil:
			t.Errorf("required, a server that cannot start passed:\n%s", out)
		case required && !strings.Contains(string(out), "PostgreSQL is required"):
			t.Errorf("required, the failure does not say why:\n%s", out)
		case !required && err != nil:
			t.Errorf("not required, a server that cannot start failed: %v\n%s", err, out)
		case !required && (!strings.Contains(string(out), "SKIP: TestDB") || !strings.Contains(string(out), "apt-get install postgresql")):
			t.Errorf("not required, the test did not skip saying how to install:\n%s", out)
		}
	}
}
