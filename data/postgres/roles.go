package postgres

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"qmdesk/data"
)

// The group roles migration 00010 makes: a clerk's login role is a member
// of ClerkRole, and of UnmaskRole if she may see whole national IDs.
const (
	ClerkRole  = "qmdesk_clerk"
	UnmaskRole = "qmdesk_unmask"
)

// codeMayNotCreateRoles is the SQLSTATE migration 00010 raises when the
// group roles are not there and the role running it may not make them.
const codeMayNotCreateRoles = "QMR01"

// migrationError tells the clerk why the migrations failed when the
// server refused her role a right; other failures are migrate's general
// message. host, db and user are where and as whom she connected.
func migrationError(err error, host, db, user string) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil
	}
	switch pe.Code {
	case codeMayNotCreateRoles:
		cmd := setupCommand(host, db)
		return data.Errorf(data.EINVALID, "ฐานข้อมูลนี้ยังไม่ได้ตั้งค่าสิทธิ์ผู้ใช้ของ qmdesk และบัญชี %s ไม่มีสิทธิ์ตั้งค่านี้ กรุณาให้ฝ่ายไอทีหรือผู้ดูแลระบบรันคำสั่งนี้บนเซิร์ฟเวอร์ครั้งเดียว แล้วเปิดโปรแกรมอีกครั้ง: %s",
			"the database has no qmdesk roles yet and the role %s may not create them; the administrator must run once: %s", user, cmd)
	case "42501": // insufficient_privilege
		return data.Errorf(data.EINVALID, "บัญชี %s ไม่มีสิทธิ์ปรับโครงสร้างฐานข้อมูลของ qmdesk (ฐานข้อมูลใหม่ หรือฐานข้อมูลที่ qmdesk รุ่นใหม่ต้องปรับ) กรุณาให้ฝ่ายไอทีหรือผู้ดูแลระบบเปิดฐานข้อมูลนี้ด้วย qmdesk รุ่นนี้ครั้งหนึ่งด้วยบัญชีเจ้าของฐานข้อมูล แล้วเปิดโปรแกรมอีกครั้ง",
			"the role %s may not migrate the database: its owner must open it once with this version", user)
	}
	return nil
}

// setupCommand is the command that makes the group roles, for the
// administrator to run with psql as the server's superuser.
func setupCommand(host, db string) string {
	h := ""
	if host != "" && !strings.HasPrefix(host, "/") {
		h = "-h " + host + " "
	}
	return fmt.Sprintf(`psql %s-U postgres -d %s -c "CREATE ROLE %s NOLOGIN" -c "CREATE ROLE %s NOLOGIN"`, h, db, ClerkRole, UnmaskRole)
}

// MayUnmask tells whether the role this store connected as may see whole
// national IDs: whether it is a member of UnmaskRole (a superuser is a
// member of every role). app asks it before every unmask.
func (s *Store) MayUnmask(ctx context.Context) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT pg_has_role(session_user, $1, 'MEMBER')`, UnmaskRole).Scan(&ok)
	return ok, err
}

// roleName is what AddClerk accepts as a clerk's role: what psql and a
// connection address take without quoting.
var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// AddClerk gives a clerk her own login role on the database adminDSN
// names, connecting as an administrator (a role that may create roles:
// the server's superuser, or one with CREATEROLE that owns the
// database). It first brings the database's schema up to date (Open),
// which makes the group roles; then it creates the role name with LOGIN
// if there is none, sets its password when password is not "", makes it
// a member of ClerkRole, and of UnmaskRole if mayUnmask (else takes that
// membership away). It can be run again to change a clerk's password or
// right to unmask. The SQL it runs is in docs/postgres-setup.md.
//
// The password goes to the server in the statement's text, which the
// server hashes (scram-sha-256 by default) before storing; a server set
// to log every statement would log it, which psql's \password avoids.
func AddClerk(ctx context.Context, adminDSN, name, password string, mayUnmask bool) error {
	if !roleName.MatchString(name) {
		return data.Errorf(data.EINVALID, "ชื่อผู้ใช้ฐานข้อมูล '%s' ใช้ไม่ได้ ใช้ตัวอักษรภาษาอังกฤษตัวเล็ก ตัวเลข และ _ ไม่เกิน 63 ตัว ขึ้นต้นด้วยตัวอักษร",
			"the role name %q is not a plain lower-case identifier", name)
	}
	s, err := Open(ctx, adminDSN, data.RealClock())
	if err != nil {
		return err
	}
	defer s.Close()
	role := pgx.Identifier{name}.Sanitize()
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)`, name).Scan(&exists); err != nil {
			return err
		}
		stmts := []string{}
		switch {
		case !exists && password != "":
			stmts = append(stmts, "CREATE ROLE "+role+" LOGIN PASSWORD "+quoteLiteral(password))
		case !exists:
			stmts = append(stmts, "CREATE ROLE "+role+" LOGIN")
		case password != "":
			stmts = append(stmts, "ALTER ROLE "+role+" LOGIN PASSWORD "+quoteLiteral(password))
		}
		stmts = append(stmts, "GRANT "+ClerkRole+" TO "+role)
		if mayUnmask {
			stmts = append(stmts, "GRANT "+UnmaskRole+" TO "+role)
		} else {
			stmts = append(stmts, "REVOKE "+UnmaskRole+" FROM "+role)
		}
		for _, st := range stmts {
			if _, err := tx.Exec(ctx, st); err != nil {
				var pe *pgconn.PgError
				if errors.As(err, &pe) && pe.Code == "42501" {
					return &data.Error{Code: data.EINVALID, Message: "บัญชีที่ใช้เพิ่มผู้ใช้ไม่มีสิทธิ์สร้างหรือแก้ไขบัญชีผู้ใช้ฐานข้อมูล กรุณาใช้บัญชีผู้ดูแลเซิร์ฟเวอร์ (เช่น postgres)",
						English: "the administrator's role may not create or alter roles", Err: err}
				}
				return err
			}
		}
		return nil
	})
}

// quoteLiteral is s as an SQL string literal (standard_conforming_strings,
// on since PostgreSQL 9.1: only the quote is doubled).
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
