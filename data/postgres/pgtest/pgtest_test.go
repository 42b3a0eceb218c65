package pgtest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestKilledChild, run by TestKilled in a test process of its own, says
// where its server is and waits to be killed.
func TestKilledChild(t *testing.T) {
	if os.Getenv("PGTEST_KILL_ME") != "1" {
		t.Skip("run by TestKilled")
	}
	DB(t)
	os.Stdout.WriteString("SERVER " + current.dir + "\n")
	time.Sleep(time.Minute)
}

// A test process killed in the middle leaves no server behind: the
// watchdog stops it and deletes its folder.
func TestKilled(t *testing.T) {
	if os.Getenv("PGTEST_KILL_ME") == "1" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestKilledChild$", "-test.v")
	cmd.Env = append(os.Environ(), "PGTEST_KILL_ME=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var dir string
	for lines := bufio.NewScanner(out); lines.Scan(); {
		if d, ok := strings.CutPrefix(lines.Text(), "SERVER "); ok {
			dir = d
			break
		}
	}
	if dir == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Skip("the child test process did not start a server (see TestDB)")
	}
	pid := filepath.Join(dir, "data", "postmaster.pid")
	if _, err := os.Stat(pid); err != nil {
		t.Fatalf("the child's server is not running: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Left behind: stop it here, so that the failure leaves no server.
	s := &Server{dir: dir, socket: filepath.Join(dir, "sock")}
	if s.bin, err = findBin(); err == nil {
		if os.Geteuid() == 0 {
			s.runAs = "postgres"
		}
		s.Stop()
	}
	t.Fatalf("10 s after the test process was killed, its server's folder %s is still there", dir)
}

// With a password, the server asks every connection for its role's
// password (scram-sha-256); by default (Start) it asks none.
func TestPassword(t *testing.T) {
	if current == nil {
		t.Skip("no server (see TestDB)")
	}
	s, err := StartWith(Options{Password: "รหัส 'ลับ' \\ 1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		t.Fatalf("with the superuser's password: %v", err)
	}
	var method string
	if err := conn.QueryRow(ctx, `SELECT auth_method FROM pg_hba_file_rules WHERE type = 'local'`).Scan(&method); err != nil || method != "scram-sha-256" {
		t.Errorf("local connections authenticated by %q (%v)", method, err)
	}
	conn.Close(ctx)
	for _, dsn := range []string{AsRole(s.DSN("postgres"), Superuser, ""), AsRole(s.DSN("postgres"), Superuser, "wrong")} {
		c, err := pgx.Connect(ctx, dsn)
		if err == nil {
			c.Close(ctx)
			t.Fatalf("%s: connected without the right password", dsn)
		}
	}
	// The default server lets a role in without one.
	c, err := pgx.Connect(ctx, AsRole(current.DSN("postgres"), Superuser, ""))
	if err != nil {
		t.Fatalf("trust: %v", err)
	}
	c.Close(ctx)
}
