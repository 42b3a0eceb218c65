package postgres

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/zalando/go-keyring"

	"qmdesk/data"
	"qmdesk/data/postgres/pgtest"
)

// asker is an Asker that gives password and keep, and counts its calls.
type asker struct {
	password string
	keep     bool
	calls    int
	role     string
}

func (a *asker) ask(_ context.Context, role, _ string) (string, bool, error) {
	a.calls++
	a.role = role
	return a.password, a.keep, nil
}

// On a server that asks passwords (scram-sha-256): the first open of a
// database whose role may not create the group roles is refused with the
// command for IT; then the password is asked, kept when the clerk says
// so, used from the keyring without asking, dropped from it when the
// server refuses it, and a wrong password is "รหัสผ่านไม่ถูกต้อง".
func TestPasswordAndKeyring(t *testing.T) {
	pgtest.DB(t) // skips (or fails, required) without a server
	srv, err := pgtest.StartWith(pgtest.Options{Password: "admin-pw"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	ctx := context.Background()
	for _, sql := range []string{`CREATE ROLE somsri LOGIN PASSWORD 'pw-1'`, `CREATE DATABASE qm OWNER somsri`} {
		if err := srv.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	keyring.MockInit()
	kr := OSKeyring{}
	dsn := pgtest.AsRole(srv.DSN("qm"), "somsri", "")
	cfg, err := connConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	key := KeyOf(&cfg.ConnConfig.Config)
	clock := data.FixedClock(now)
	kept := func() string {
		pw, err := kr.Get(key)
		if errors.Is(err, ErrNotKept) {
			return ""
		}
		if err != nil {
			t.Fatal(err)
		}
		return pw
	}

	// A new database, a role without CREATEROLE: refused, saying what IT
	// must run.
	a := &asker{password: "pw-1", keep: true}
	_, err = OpenAsking(ctx, dsn, clock, kr, a.ask)
	msg := data.ErrorMessage(err)
	cmd := `psql -U postgres -d qm -c "CREATE ROLE qmdesk_clerk NOLOGIN" -c "CREATE ROLE qmdesk_unmask NOLOGIN"`
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(msg, "ผู้ดูแลระบบ") || !strings.Contains(msg, cmd) || !strings.Contains(msg, "somsri") {
		t.Fatalf("a role that may not create roles: %v\n%s", err, msg)
	}
	if a.calls != 1 || a.role != "somsri" || kept() != "" {
		t.Fatalf("asked %d times for %q; kept %q", a.calls, a.role, kept())
	}
	// IT runs the command (its SQL), and the clerk opens again.
	for _, sql := range []string{`CREATE ROLE qmdesk_clerk NOLOGIN`, `CREATE ROLE qmdesk_unmask NOLOGIN`} {
		if err := srv.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	s, err := OpenAsking(ctx, dsn, clock, kr, a.ask)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Log(ctx, "export", "full", 0, "x"); err != nil {
		t.Fatal(err)
	}
	if log, err := s.Audit(ctx, 0, 0); err != nil || log[0].Who != "somsri" {
		t.Fatalf("audit %+v %v", log, err)
	}
	s.Close()
	if a.calls != 2 || kept() != "pw-1" {
		t.Fatalf("asked %d times; kept %q, want pw-1", a.calls, kept())
	}

	// Kept: not asked.
	s, err = OpenAsking(ctx, dsn, clock, kr, a.ask)
	if err != nil || a.calls != 2 {
		t.Fatalf("with the kept password: asked %d times, %v", a.calls, err)
	}
	s.Close()

	// Changed on the server: the kept one is dropped, the new one asked
	// for and kept.
	if err := srv.Exec(ctx, `ALTER ROLE somsri PASSWORD 'pw-2'`); err != nil {
		t.Fatal(err)
	}
	a.password = "pw-2"
	s, err = OpenAsking(ctx, dsn, clock, kr, a.ask)
	if err != nil || a.calls != 3 || kept() != "pw-2" {
		t.Fatalf("after a change: asked %d times, kept %q, %v", a.calls, kept(), err)
	}
	s.Close()

	// Not kept when the clerk says not to.
	if err := kr.Delete(key); err != nil {
		t.Fatal(err)
	}
	a.keep = false
	s, err = OpenAsking(ctx, dsn, clock, kr, a.ask)
	if err != nil || kept() != "" {
		t.Fatalf("keep false: kept %q, %v", kept(), err)
	}
	s.Close()

	// A wrong password, kept then typed: the kept one is dropped, the
	// typed one refused in Thai.
	if err := kr.Set(key, "stale"); err != nil {
		t.Fatal(err)
	}
	a.password, a.keep = "wrong", true
	_, err = OpenAsking(ctx, dsn, clock, kr, a.ask)
	if data.ErrorCode(err) != data.EINVALID || !strings.HasPrefix(data.ErrorMessage(err), "รหัสผ่านไม่ถูกต้อง") || !isWrongPassword(err) {
		t.Fatalf("a wrong password: %v\n%s", err, data.ErrorMessage(err))
	}
	if kept() != "" {
		t.Fatalf("the refused password is still kept: %q", kept())
	}

	// The asker's refusal (a cancelled dialog) ends it.
	cancelled := errors.New("cancelled")
	if _, err := OpenAsking(ctx, dsn, clock, kr, func(context.Context, string, string) (string, bool, error) { return "", false, cancelled }); !errors.Is(err, cancelled) {
		t.Fatalf("cancelled: %v", err)
	}

	// A keyring that does not work (no Secret Service) is done without.
	keyring.MockInitWithError(errors.New("no D-Bus"))
	a.password = "pw-2"
	s, err = OpenAsking(ctx, dsn, clock, kr, a.ask)
	if err != nil {
		t.Fatalf("with a broken keyring: %v", err)
	}
	s.Close()
	keyring.MockInit()
}

// A password written in the address is refused, whatever its form.
func TestOpenAskingRefusesPasswordInDSN(t *testing.T) {
	never := func(context.Context, string, string) (string, bool, error) {
		t.Fatal("asked")
		return "", false, nil
	}
	for _, dsn := range []string{"postgres://somsri:secret@db.example.org/qm", "postgres://somsri@db.example.org/qm?password=secret",
		"host=db.example.org user=somsri password=secret", "host=db.example.org user=somsri password='a b'"} {
		_, err := OpenAsking(context.Background(), dsn, data.FixedClock(now), nil, never)
		if data.ErrorCode(err) != data.EINVALID || strings.Contains(err.Error(), "secret") || !strings.Contains(data.ErrorMessage(err), "รหัสผ่าน") {
			t.Errorf("%s: %v", dsn, err)
		}
	}
}

// fakeServer listens on addr (a loopback address) as a PostgreSQL server
// would, and answers a TLS request with tlsAnswer ('N' refuses; 'S'
// accepts, with cert). It records what each connection opened with:
// "tls" (an SSLRequest) or "plain" (a startup message in the clear).
type fakeServer struct {
	ln     net.Listener
	mu     sync.Mutex
	opened []string
	// refusal, when set, answers a startup message in the clear with
	// this error, as a server's pg_hba.conf refusal does.
	refusal *pgproto3.ErrorResponse
}

func newFakeServer(t *testing.T, addr string, tlsAnswer byte, cert *tls.Certificate) *fakeServer {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	f := &fakeServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c, tlsAnswer, cert)
		}
	}()
	return f
}

func (f *fakeServer) serve(c net.Conn, answer byte, cert *tls.Certificate) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	var head [8]byte
	if _, err := io.ReadFull(c, head[:]); err != nil {
		return
	}
	what := "plain"
	if binary.BigEndian.Uint32(head[4:]) == 80877103 {
		what = "tls"
	}
	f.mu.Lock()
	f.opened = append(f.opened, what)
	refusal := f.refusal
	f.mu.Unlock()
	if what == "plain" && refusal != nil {
		buf, _ := refusal.Encode(nil)
		c.Write(buf)
		return
	}
	if what == "tls" {
		c.Write([]byte{answer})
		if answer == 'S' {
			tls.Server(c, &tls.Config{Certificates: []tls.Certificate{*cert}}).Handshake()
		}
	}
}

func (f *fakeServer) port() int { return f.ln.Addr().(*net.TCPAddr).Port }

func (f *fakeServer) openings() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.opened...)
}

// selfSigned is a certificate for 127.0.0.2 that no root the clerk has
// signed.
func selfSigned(t *testing.T) *tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.2"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.2")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// The TLS rule on the wire: to a host that is not named as this computer
// (127.0.0.2, on the loopback but not localhost) the connection starts
// with TLS and never falls back to the clear; the address's sslmode wins.
// A server that refuses TLS, or shows a certificate that does not check,
// is told in Thai for IT, not in pgx's words.
func TestTLSOnTheWire(t *testing.T) {
	ctx := context.Background()
	clock := data.FixedClock(now)
	t.Setenv("PGSSLMODE", "")
	t.Setenv("PGSSLROOTCERT", "")

	refuses := newFakeServer(t, "127.0.0.2:0", 'N', nil)
	_, err := Open(ctx, fmt.Sprintf("host=127.0.0.2 port=%d user=somsri dbname=qm connect_timeout=5", refuses.port()), clock)
	msg := data.ErrorMessage(err)
	if got := refuses.openings(); len(got) == 0 || strings.Contains(strings.Join(got, ","), "plain") {
		t.Fatalf("to another host, the connections opened with %v, want TLS only", got)
	}
	if !strings.Contains(msg, "TLS") || !strings.Contains(msg, "ผู้ดูแลระบบ") || strings.Contains(msg, "refused TLS") {
		t.Fatalf("a server refusing TLS: %s", msg)
	}

	plain := newFakeServer(t, "127.0.0.2:0", 'N', nil)
	_, err = Open(ctx, fmt.Sprintf("host=127.0.0.2 port=%d user=somsri dbname=qm connect_timeout=5 sslmode=disable", plain.port()), clock)
	if got := plain.openings(); err == nil || len(got) == 0 || got[0] != "plain" {
		t.Fatalf("sslmode=disable: opened with %v (%v), want in the clear", got, err)
	}

	bad := newFakeServer(t, "127.0.0.2:0", 'S', selfSigned(t))
	_, err = Open(ctx, fmt.Sprintf("host=127.0.0.2 port=%d user=somsri dbname=qm connect_timeout=5 sslrootcert=%s", bad.port(), writeRootCert(t)), clock)
	msg = data.ErrorMessage(err)
	if !strings.Contains(msg, "ใบรับรอง") || !strings.Contains(msg, "ผู้ดูแลระบบ") || !isCertificateError(err) {
		t.Fatalf("a certificate that does not check: %v\n%s", err, msg)
	}
	if got := bad.openings(); strings.Contains(strings.Join(got, ","), "plain") {
		t.Fatalf("after a failed certificate, a try in the clear: %v", got)
	}
}

// A server whose pg_hba.conf refuses a connection in the clear (hostssl
// only), or refuses the role from this computer, is told in Thai with
// what to do.
func TestHBARefusals(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		message string
		want    string
	}{
		{`no pg_hba.conf entry for host "127.0.0.1", user "somsri", database "qm", no encryption`, "sslmode=disable"},
		{`no pg_hba.conf entry for host "127.0.0.1", user "somsri", database "qm", SSL encryption`, "pg_hba.conf"},
	} {
		f := newFakeServer(t, "127.0.0.2:0", 'N', nil)
		f.mu.Lock()
		f.refusal = &pgproto3.ErrorResponse{Severity: "FATAL", Code: "28000", Message: c.message}
		f.mu.Unlock()
		_, err := Open(ctx, fmt.Sprintf("host=127.0.0.2 port=%d user=somsri dbname=qm connect_timeout=5 sslmode=disable", f.port()), data.FixedClock(now))
		msg := data.ErrorMessage(err)
		if !strings.Contains(msg, c.want) || !strings.Contains(msg, "ผู้ดูแลระบบ") || strings.Contains(msg, "no pg_hba") {
			t.Errorf("%s: %v\n%s", c.message, err, msg)
		}
	}
}

// On this computer's own server, over its Unix socket, a server that lets
// the role in without a password (trust or peer: an administrator's
// session on the server) opens without asking; one that wants a password
// is asked for it.
func TestOpenAskingLocalWithoutPassword(t *testing.T) {
	dsn := pgtest.DB(t)
	a := &asker{password: "never used"}
	s, err := OpenAsking(context.Background(), dsn, data.FixedClock(now), nil, a.ask)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if a.calls != 0 {
		t.Fatalf("a server that wants no password: asked %d times", a.calls)
	}
	srv, err := pgtest.StartWith(pgtest.Options{Password: "admin-pw"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	a = &asker{password: "admin-pw"}
	s, err = OpenAsking(context.Background(), pgtest.AsRole(srv.DSN("postgres"), "postgres", ""), data.FixedClock(now), nil, a.ask)
	if err != nil {
		t.Fatalf("%v (%T)", err, errors.Unwrap(err))
	}
	s.Close()
	if a.calls != 1 {
		t.Fatalf("a server that wants a password: asked %d times", a.calls)
	}
}
