package postgres

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"qmdesk/data"
)

// connConfig reads dsn, and requires TLS to a server on another computer:
// when a host it names (or PGHOST gives) is neither a Unix socket nor
// localhost, 127.0.0.1 or ::1, and neither dsn nor PGSSLMODE says an
// sslmode, the connection uses sslmode=require (encrypted, the server's
// certificate not checked), or verify-full (encrypted to the server the
// certificate names, checked against the root certificate) where dsn or
// PGSSLROOTCERT gives a root certificate (sslrootcert). An sslmode that
// is given wins, whatever it says. Without this, libpq's and pgx's
// default (prefer) would fall back to a connection in the clear.
func connConfig(dsn string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The messages leave dsn out: it may hold a password.
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return nil, &data.Error{Code: data.EINVALID, Message: "อ่านไฟล์ใบรับรอง (certificate) ที่ที่อยู่ฐานข้อมูลระบุไว้ (sslrootcert) ไม่ได้ กรุณาตรวจสอบว่าไฟล์อยู่ในตำแหน่งนั้น หรือขอไฟล์จากผู้ดูแลระบบ",
				English: "the certificate file the database address names cannot be read", Err: err}
		}
		return nil, &data.Error{Code: data.EINVALID, Message: "ที่อยู่ฐานข้อมูลบนเซิร์ฟเวอร์เขียนไม่ถูกต้อง ใช้รูปแบบ postgres://ชื่อผู้ใช้@เซิร์ฟเวอร์/ชื่อฐานข้อมูล",
			English: "the database address cannot be read", Err: err}
	}
	params := dsnParams(dsn)
	if _, ok := params["sslmode"]; ok || os.Getenv("PGSSLMODE") != "" || allLocal(cfg) {
		return cfg, nil
	}
	mode := "require"
	if _, ok := params["sslrootcert"]; ok || os.Getenv("PGSSLROOTCERT") != "" {
		mode = "verify-full"
	}
	return pgxpool.ParseConfig(withParam(dsn, "sslmode", mode))
}

// allLocal tells whether every host cfg may connect to is this computer.
func allLocal(cfg *pgxpool.Config) bool {
	if !isLocal(cfg.ConnConfig.Host) {
		return false
	}
	for _, f := range cfg.ConnConfig.Fallbacks {
		if !isLocal(f.Host) {
			return false
		}
	}
	return true
}

func isLocal(host string) bool {
	switch host {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return strings.HasPrefix(host, "/") // a Unix socket's folder
}

// isURL tells whether dsn is a URL (else key=value pairs).
func isURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// dsnParams returns the parameters dsn gives, by name: a URL's query
// parameters, or the key=value pairs (values may be single-quoted, with
// backslash escapes, as libpq reads them). Only the names matter to its
// callers; a dsn that cannot be read gives what was read of it.
func dsnParams(dsn string) map[string]string {
	out := map[string]string{}
	if isURL(dsn) {
		if u, err := url.Parse(dsn); err == nil {
			for k, v := range u.Query() {
				out[k] = v[0]
			}
		}
		return out
	}
	s := dsn
	for {
		s = strings.TrimLeft(s, " \t\n\r\v\f")
		if s == "" {
			return out
		}
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			return out
		}
		k := strings.TrimSpace(s[:eq])
		s = strings.TrimLeft(s[eq+1:], " \t\n\r\v\f")
		var v strings.Builder
		if strings.HasPrefix(s, "'") {
			i := 1
			for ; i < len(s) && s[i] != '\''; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				v.WriteByte(s[i])
			}
			s = s[min(i+1, len(s)):]
		} else {
			i := 0
			for ; i < len(s) && !strings.ContainsRune(" \t\n\r\v\f", rune(s[i])); i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				v.WriteByte(s[i])
			}
			s = s[i:]
		}
		out[k] = v.String()
	}
}

// withParam adds a parameter to dsn.
func withParam(dsn, name, value string) string {
	if isURL(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return dsn
		}
		q := u.Query()
		q.Set(name, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return strings.TrimSpace(dsn + " " + name + "=" + value)
}
