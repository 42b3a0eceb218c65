// Package pgtest runs a throwaway PostgreSQL server for tests: a cluster
// made by initdb in a temporary folder, listening on a Unix socket in that
// folder only (no TCP port), stopped and deleted when the tests end. Each
// test gets a database of its own (DB), dropped when it ends.
//
// Main's server lets any role in without a password (trust), as the
// superuser (Superuser) unless a test names another: Role makes a login
// role, AsRole a connection string for it. A test of passwords starts a
// server of its own with StartWith(Options{Password: …}), which asks
// every connection for its role's password (scram-sha-256), and stops it.
//
// A package's TestMain calls Main. Where PostgreSQL cannot start (not
// installed, or it fails), the tests that call DB skip with the reason and
// how to install it; with QMDESK_PG_REQUIRED=1 in the environment (make
// test sets it, so CI runs them) Main fails the package instead.
//
// The server programs are those in the folder QMDESK_PG_BIN names, else
// Debian's (/usr/lib/postgresql/N/bin, the highest N installed), else
// initdb and pg_ctl on the PATH. initdb refuses to run
// as root: as root (CI, this machine) the programs run as the user
// postgres (which Debian's package creates) through runuser, and the
// folder belongs to that user; as any other user they run as that user.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequiredEnv names the variable that makes a server that cannot start a
// failure rather than a skip.
const RequiredEnv = "QMDESK_PG_REQUIRED"

// BinEnv names the variable that gives the folder of initdb and pg_ctl.
const BinEnv = "QMDESK_PG_BIN"

// Server is a running throwaway cluster.
type Server struct {
	dir      string // the temporary folder: data, socket, log
	password string // the superuser's (Options.Password), "" with trust
	bin      string // the folder of initdb and pg_ctl
	runAs    string // "postgres" when started by root, else ""
	socket   string // the folder of the Unix socket
	watchdog *os.Process
}

const port = 5432 // names the socket file only: no TCP is listened on

// Superuser is the role DSN connects as: the cluster's superuser.
const Superuser = "postgres"

// Options change how StartWith makes the cluster.
type Options struct {
	// Password, when not "", makes the server ask every connection for
	// its role's password (scram-sha-256, as an office's server would)
	// and is the superuser's, which DSN gives. "" (Start's) is trust:
	// any role logs in without a password.
	Password string
}

// Start makes a cluster in a new temporary folder and starts it, with
// trust authentication (no password asked).
func Start() (*Server, error) { return StartWith(Options{}) }

// StartWith makes and starts a cluster as Start does, with o.
func StartWith(o Options) (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin, password: o.Password}
	// In /tmp where there is one: a Unix socket's path may not be longer
	// than 107 bytes, which a TMPDIR can make it; and, as root, the
	// server runs as postgres, which must reach the folder: /tmp is open
	// to every user, a root's TMPDIR may not be.
	base := "/tmp"
	if fi, err := os.Stat(base); err != nil || !fi.IsDir() {
		base = os.TempDir()
	}
	if os.Geteuid() == 0 {
		s.runAs = "postgres"
	}
	if s.dir, err = os.MkdirTemp(base, "qmdesk-pg-"); err != nil {
		return nil, err
	}
	s.socket = filepath.Join(s.dir, "sock")
	if err := os.Mkdir(s.socket, 0o700); err != nil {
		s.remove()
		return nil, err
	}
	if s.runAs != "" {
		u, err := user.Lookup(s.runAs)
		if err != nil {
			s.remove()
			return nil, fmt.Errorf("running as root, the server must run as the user %q, which does not exist (Debian's postgresql package creates it): %w", s.runAs, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, p := range []string{s.dir, s.socket} {
			if err := os.Chown(p, uid, gid); err != nil {
				s.remove()
				return nil, err
			}
		}
	}
	data := filepath.Join(s.dir, "data")
	auth := []string{"-A", "trust"}
	if s.password != "" {
		// initdb reads the superuser's password from a file (its first
		// line), which the server's user must be able to read.
		pwfile := filepath.Join(s.dir, "pwfile")
		if err := os.WriteFile(pwfile, []byte(s.password+"\n"), 0o600); err != nil {
			s.remove()
			return nil, err
		}
		if s.runAs != "" {
			u, _ := user.Lookup(s.runAs)
			uid, _ := strconv.Atoi(u.Uid)
			gid, _ := strconv.Atoi(u.Gid)
			if err := os.Chown(pwfile, uid, gid); err != nil {
				s.remove()
				return nil, err
			}
		}
		defer os.Remove(pwfile)
		auth = []string{"-A", "scram-sha-256", "--pwfile", pwfile}
	}
	if out, err := s.run("initdb", append(append([]string{"-D", data, "-U", Superuser}, auth...), "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions")...); err != nil {
		s.remove()
		return nil, fmt.Errorf("initdb failed: %v\n%s", err, out)
	}
	logFile := filepath.Join(s.dir, "log")
	opts := fmt.Sprintf("-c listen_addresses='' -k %s -p %d -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100", s.socket, port)
	if out, err := s.run("pg_ctl", "-D", data, "-l", logFile, "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(logFile)
		s.Stop()
		return nil, fmt.Errorf("pg_ctl start failed: %v\n%s\n%s", err, out, log)
	}
	s.watch()
	return s, nil
}

// watchdogScript waits for the test process ($1) to end, then stops the
// server and deletes its folder: a test binary killed, or ended by a
// panic or a timeout, leaves no server behind.
const watchdogScript = `while kill -0 "$1" 2>/dev/null; do sleep 1; done
if [ -n "$5" ]; then runuser -u "$5" -- "$2/pg_ctl" -D "$3" -m immediate -w stop; else "$2/pg_ctl" -D "$3" -m immediate -w stop; fi
rm -rf "$4"`

// watch starts the watchdog, in a process group of its own (so that a
// Ctrl-C meant for the tests does not end it first). Stop ends it.
func (s *Server) watch() {
	cmd := exec.Command("sh", "-c", watchdogScript, "pgtest-watchdog", strconv.Itoa(os.Getpid()), s.bin, filepath.Join(s.dir, "data"), s.dir, s.runAs)
	ownProcessGroup(cmd)
	if cmd.Start() == nil {
		s.watchdog = cmd.Process
	}
}

// findBin finds the folder of initdb and pg_ctl: Debian's highest
// version, else the PATH's.
func findBin() (string, error) {
	if d := os.Getenv(BinEnv); d != "" {
		if !isFile(filepath.Join(d, "initdb")) || !isFile(filepath.Join(d, "pg_ctl")) {
			return "", fmt.Errorf("%s=%s: no initdb and pg_ctl in that folder", BinEnv, d)
		}
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	var versions []int
	for _, d := range dirs {
		n, err := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		if err == nil && isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			versions = append(versions, n)
		}
	}
	if len(versions) > 0 {
		sort.Ints(versions)
		return fmt.Sprintf("/usr/lib/postgresql/%d/bin", versions[len(versions)-1]), nil
	}
	initdb, err1 := exec.LookPath("initdb")
	pgctl, err2 := exec.LookPath("pg_ctl")
	if err1 == nil && err2 == nil && filepath.Dir(initdb) == filepath.Dir(pgctl) {
		return filepath.Dir(initdb), nil
	}
	return "", errors.New("PostgreSQL's server programs (initdb, pg_ctl) are not installed: on Debian or Ubuntu, apt-get install postgresql")
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// run runs one of the server's programs, as the server's user.
func (s *Server) run(program string, args ...string) ([]byte, error) {
	path := filepath.Join(s.bin, program)
	var cmd *exec.Cmd
	if s.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", s.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	return cmd.CombinedOutput()
}

// Stop stops the server at once (nothing in it is worth keeping) and
// deletes its folder.
func (s *Server) Stop() error {
	if s.watchdog != nil {
		s.watchdog.Kill()
		s.watchdog.Wait()
		s.watchdog = nil
	}
	var err error
	if isFile(filepath.Join(s.dir, "data", "postmaster.pid")) {
		if out, e := s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop"); e != nil {
			err = fmt.Errorf("pg_ctl stop failed: %v\n%s", e, out)
		}
	}
	if e := s.remove(); err == nil {
		err = e
	}
	return err
}

func (s *Server) remove() error { return os.RemoveAll(s.dir) }

// DSN is the connection string of database name on the server, as the
// superuser (with its password when the server asks for one).
func (s *Server) DSN(name string) string {
	dsn := fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", s.socket, port, Superuser, name)
	if s.password != "" {
		dsn += " password=" + quote(s.password)
	}
	return dsn
}

// AsRole is dsn (one of DSN's) connecting as role instead, with password
// ("": none given).
func AsRole(dsn, role, password string) string {
	dsn = strings.Replace(dsn, "user="+Superuser+" ", "user="+role+" ", 1)
	if i := strings.Index(dsn, " password="); i >= 0 {
		dsn = dsn[:i]
	}
	if password != "" {
		dsn += " password=" + quote(password)
	}
	return dsn
}

// quote is v as a key=value connection string's value.
func quote(v string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

// Socket is the folder of the server's Unix socket.
func (s *Server) Socket() string { return s.socket }

var (
	current  *Server
	startErr error
	serial   atomic.Int64
)

// Main starts the server, runs the package's tests and stops it; call it
// from TestMain. If the server cannot start, the tests that need it skip
// with the reason, or, with QMDESK_PG_REQUIRED=1, the package fails.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	current, startErr = Start()
	if startErr != nil {
		if os.Getenv(RequiredEnv) == "1" {
			fmt.Fprintf(os.Stderr, "FAIL: PostgreSQL is required (%s=1) but the test server cannot start: %v\n", RequiredEnv, startErr)
			return 1
		}
		return m.Run()
	}
	code := m.Run()
	// A server that would not stop is left running: that fails the run.
	if err := current.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: pgtest:", err)
		code = max(code, 1)
	}
	return code
}

// DB creates a new, empty database for the test on the server Main
// started, and returns its connection string; the database is dropped
// when the test ends. Without a server the test skips (see Main).
func DB(t testing.TB) string {
	t.Helper()
	if current == nil {
		if startErr == nil {
			startErr = errors.New("pgtest.Main was not called from TestMain")
		}
		t.Skipf("PostgreSQL test server not available, test skipped (install it with apt-get install postgresql; %s=1 makes this a failure): %v", RequiredEnv, startErr)
	}
	name := fmt.Sprintf("t%d_%s", serial.Add(1), strings.ToLower(nonWord.ReplaceAllString(t.Name(), "_")))
	if len(name) > 63 {
		name = name[:63]
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := current.admin(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("creating the test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := current.admin(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping the test database: %v", err)
		}
	})
	return current.DSN(name)
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

// Role makes a login role for the test on the server Main started, with
// password ("": none), and returns its name (unique in the run: roles
// belong to the whole server). It is a superuser of nothing. Without a
// server the test skips (see Main).
func Role(t testing.TB, password string) string {
	t.Helper()
	if current == nil {
		t.Skipf("PostgreSQL test server not available, test skipped: %v", startErr)
	}
	name := fmt.Sprintf("r%d_%s", serial.Add(1), strings.ToLower(nonWord.ReplaceAllString(t.Name(), "_")))
	if len(name) > 63 {
		name = name[:63]
	}
	sql := "CREATE ROLE " + pgx.Identifier{name}.Sanitize() + " LOGIN"
	if password != "" {
		sql += " PASSWORD '" + strings.ReplaceAll(password, "'", "''") + "'"
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := current.admin(ctx, sql); err != nil {
		t.Fatalf("creating the test role: %v", err)
	}
	return name
}

// Exec runs one statement as the superuser in the server's postgres
// database (roles, grants).
func (s *Server) Exec(ctx context.Context, sql string) error { return s.admin(ctx, sql) }

// admin runs one statement in the server's postgres database.
func (s *Server) admin(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}
