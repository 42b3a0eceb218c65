package postgres

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"qmdesk/data"
)

// tlsOf tells, for each host connConfig would try in turn, whether the
// connection is encrypted and whether the server's certificate is checked.
func tlsOf(t *testing.T, dsn string) (encrypted []bool, verified []bool) {
	t.Helper()
	cfg, err := connConfig(dsn)
	if err != nil {
		t.Fatalf("%s: %v", dsn, err)
	}
	tries := append([]*pgconn.FallbackConfig{{Host: cfg.ConnConfig.Host, TLSConfig: cfg.ConnConfig.TLSConfig}}, cfg.ConnConfig.Fallbacks...)
	for _, f := range tries {
		encrypted = append(encrypted, f.TLSConfig != nil)
		verified = append(verified, f.TLSConfig != nil && !f.TLSConfig.InsecureSkipVerify)
	}
	return encrypted, verified
}

func all(v []bool) bool {
	for _, b := range v {
		if !b {
			return false
		}
	}
	return true
}

func anyTrue(v []bool) bool {
	for _, b := range v {
		if b {
			return true
		}
	}
	return false
}

// To a server on another computer the connection is encrypted unless the
// address says otherwise; to this computer it is as libpq would make it.
func TestTLSRule(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	t.Setenv("PGSSLROOTCERT", "")
	t.Setenv("PGHOST", "")
	os.Unsetenv("PGSSLMODE")
	os.Unsetenv("PGSSLROOTCERT")
	os.Unsetenv("PGHOST")
	cert := writeRootCert(t)
	for _, c := range []struct {
		dsn                string
		encrypted, checked bool // on every try
		plainTry           bool // some try goes in the clear
	}{
		{dsn: "postgres://clerk@db.example.org/qm", encrypted: true},
		{dsn: "postgresql://clerk@db.example.org:5433/qm?application_name=qmdesk", encrypted: true},
		{dsn: "host=db.example.org user=clerk dbname=qm", encrypted: true},
		{dsn: "host=10.0.0.5 user=clerk", encrypted: true},
		{dsn: "host=localhost,db.example.org user=clerk", encrypted: true},
		// A password that mentions sslmode is not an sslmode.
		{dsn: "host=db.example.org user=clerk password='x sslmode=disable'", encrypted: true},
		{dsn: "host=db.example.org user=clerk sslrootcert=" + cert, encrypted: true, checked: true},
		{dsn: "postgres://clerk@db.example.org/qm?sslrootcert=" + cert, encrypted: true, checked: true},
		// Said explicitly: it wins.
		{dsn: "host=db.example.org user=clerk sslmode=disable", plainTry: true},
		{dsn: "postgres://clerk@db.example.org/qm?sslmode=disable", plainTry: true},
		{dsn: "host=db.example.org user=clerk sslmode=prefer", encrypted: false, plainTry: true},
		{dsn: "host=db.example.org user=clerk sslmode=verify-full sslrootcert=" + cert, encrypted: true, checked: true},
		// This computer: libpq's default (prefer: TLS if offered).
		{dsn: "host=localhost user=clerk", plainTry: true},
		{dsn: "host=127.0.0.1 user=clerk", plainTry: true},
		{dsn: "host=::1 user=clerk", plainTry: true},
		{dsn: "postgres://clerk@localhost/qm", plainTry: true},
		{dsn: "host=/var/run/postgresql user=clerk", plainTry: true},
	} {
		enc, ver := tlsOf(t, c.dsn)
		plain := !all(enc)
		switch {
		case c.encrypted && !all(enc):
			t.Errorf("%s: a try goes in the clear (%v)", c.dsn, enc)
		case c.checked && !all(ver):
			t.Errorf("%s: the certificate is not checked (%v)", c.dsn, ver)
		case !c.checked && c.encrypted && anyTrue(ver):
			t.Errorf("%s: checks a certificate it has no root for (%v)", c.dsn, ver)
		case plain != c.plainTry:
			t.Errorf("%s: a try in the clear %v, want %v", c.dsn, plain, c.plainTry)
		}
	}

	// The environment's sslmode is said explicitly too; its host and root
	// certificate count as the address's.
	t.Setenv("PGSSLMODE", "disable")
	if enc, _ := tlsOf(t, "host=db.example.org user=clerk"); anyTrue(enc) {
		t.Errorf("PGSSLMODE=disable: encrypted %v", enc)
	}
	os.Unsetenv("PGSSLMODE")
	t.Setenv("PGHOST", "db.example.org")
	if enc, _ := tlsOf(t, "user=clerk"); !all(enc) {
		t.Errorf("PGHOST remote: a try in the clear %v", enc)
	}
	t.Setenv("PGSSLROOTCERT", cert)
	if _, ver := tlsOf(t, "user=clerk"); !all(ver) {
		t.Errorf("PGSSLROOTCERT: certificate not checked %v", ver)
	}

	// A root certificate that is not there: said so, in Thai.
	_, err := connConfig("postgres://clerk:secret@db.example.org/qm?sslrootcert=" + filepath.Join(t.TempDir(), "office-ca.crt"))
	if msg := data.ErrorMessage(err); data.ErrorCode(err) != data.EINVALID || !strings.Contains(msg, "sslrootcert") || strings.Contains(err.Error(), "secret") {
		t.Fatalf("a missing root certificate: %v\n%s", err, msg)
	}

	// A dsn that cannot be read is refused without repeating its
	// password.
	_, err = connConfig("postgres://clerk:secret@db.example.org:notaport/qm")
	var e *data.Error
	if !errors.As(err, &e) || e.Code != data.EINVALID || strings.Contains(err.Error(), "secret") {
		t.Fatalf("an unreadable dsn: %v", err)
	}
}

// writeRootCert writes a self-signed CA certificate and returns its path.
func writeRootCert(t *testing.T) string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "qmdesk test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "root.crt")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
