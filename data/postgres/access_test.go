package postgres

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/data/postgres/pgtest"
)

// clerk makes a login role for the test, a clerk of the database dsn
// (AddClerk, as the administrator), and returns her role and her dsn.
func clerk(t *testing.T, dsn string, mayUnmask bool) (role, clerkDSN string) {
	t.Helper()
	role = pgtest.Role(t, "")
	if err := AddClerk(context.Background(), dsn, role, "", mayUnmask); err != nil {
		t.Fatalf("AddClerk %s: %v", role, err)
	}
	return role, pgtest.AsRole(dsn, role, "")
}

// Each entry of the audit log names the database role that wrote it, not
// the name the program put in ctx (the settings' operator name).
func TestAuditNamesTheRole(t *testing.T) {
	dsn := pgtest.DB(t)
	admin, _ := openStore(t, dsn)
	admin.Close()
	somsri, dsnA := clerk(t, dsn, false)
	malee, dsnB := clerk(t, dsn, false)
	for _, c := range []struct{ role, dsn string }{{somsri, dsnA}, {malee, dsnB}} {
		s, _ := openStore(t, c.dsn)
		ctx := data.WithOperator(context.Background(), "ชื่อที่พิมพ์ในการตั้งค่า")
		if err := s.Log(ctx, "unmask", "household", 7, "by "+c.role); err != nil {
			t.Fatalf("%s: Log: %v", c.role, err)
		}
		if err := s.Log(ctx, "export", "full", 0, "by "+c.role); err != nil {
			t.Fatalf("%s: Log: %v", c.role, err)
		}
	}
	s, ctx := openStore(t, dsn)
	log, err := s.Audit(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var who []string
	for _, e := range log {
		who = append(who, e.Who)
	}
	if n := sqlValue[int64](t, dsn, `SELECT count(*) FROM audit WHERE entry::text LIKE '%ชื่อที่พิมพ์%'`); n != 0 {
		t.Errorf("%d entries hold the typed name", n)
	}
	if want := []string{somsri, somsri, malee, malee}; !slices.Equal(who, want) {
		t.Fatalf("the entries' roles %v, want %v", who, want)
	}
	if w := sqlValue[string](t, dsn, `SELECT string_agg(who, ',' ORDER BY seq) FROM audit`); w != strings.Join(who, ",") {
		t.Fatalf("the audit table's who %s, entries %v", w, who)
	}
}

// A clerk may read and write every table, add to the audit log but not
// change or delete its entries; she may unmask only as a member of
// qmdesk_unmask, which AddClerk gives and takes away.
func TestClerkRights(t *testing.T) {
	dsn := pgtest.DB(t)
	admin, ctx := openStore(t, dsn)
	if ok, err := admin.MayUnmask(ctx); err != nil || !ok {
		t.Fatalf("the superuser may unmask: %v %v", ok, err)
	}
	plain, plainDSN := clerk(t, dsn, false)
	trusted, trustedDSN := clerk(t, dsn, true)

	// Every table of the schema, the migrations' record aside.
	missing := sqlValue[string](t, dsn, `SELECT coalesce(string_agg(tablename, ','), '') FROM pg_tables
		WHERE schemaname = current_schema() AND tablename <> 'goose_db_version'
		AND NOT (has_table_privilege($1, format('%I.%I', schemaname, tablename), 'SELECT') AND has_table_privilege($1, format('%I.%I', schemaname, tablename), 'INSERT'))`, plain)
	if missing != "" {
		t.Fatalf("a clerk may not read or write %s", missing)
	}
	s, _ := openStore(t, plainDSN)
	if ok, err := s.MayUnmask(ctx); err != nil || ok {
		t.Fatalf("a clerk without %s may unmask: %v %v", UnmaskRole, ok, err)
	}
	if err := s.Log(ctx, "export", "full", 0, "x"); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`UPDATE audit SET who = 'x'`, `DELETE FROM audit`, `DELETE FROM goose_db_version`} {
		_, err := s.pool.Exec(ctx, stmt)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42501" {
			t.Errorf("a clerk's %s: %v, want refused", stmt, err)
		}
	}
	s2, _ := openStore(t, trustedDSN)
	if ok, err := s2.MayUnmask(ctx); err != nil || !ok {
		t.Fatalf("a clerk in %s may not unmask: %v %v", UnmaskRole, ok, err)
	}
	// Taken away: the next question says no.
	if err := AddClerk(ctx, dsn, trusted, "", false); err != nil {
		t.Fatal(err)
	}
	if ok, err := s2.MayUnmask(ctx); err != nil || ok {
		t.Fatalf("after AddClerk(mayUnmask false), still may unmask: %v %v", ok, err)
	}
}

// AddClerk makes a login role, member of qmdesk_clerk only, and refuses
// a name that is not a plain identifier.
func TestAddClerk(t *testing.T) {
	dsn := pgtest.DB(t)
	ctx := context.Background()
	name := "clerk_" + strings.ToLower(strings.ReplaceAll(dsn[strings.Index(dsn, "dbname=")+7:strings.Index(dsn, " sslmode")], "_", ""))
	if err := AddClerk(ctx, dsn, name, "pw'with quote", false); err != nil {
		t.Fatal(err)
	}
	if login := sqlValue[bool](t, dsn, `SELECT rolcanlogin AND NOT rolsuper AND NOT rolcreaterole FROM pg_roles WHERE rolname = $1`, name); !login {
		t.Fatal("the clerk's role cannot log in, or may more than a clerk")
	}
	if in := sqlValue[string](t, dsn, `SELECT string_agg(g.rolname, ',' ORDER BY g.rolname) FROM pg_auth_members m
		JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = $1`, name); in != ClerkRole {
		t.Fatalf("member of %s, want %s", in, ClerkRole)
	}
	if pw := sqlValue[bool](t, dsn, `SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = $1`, name); !pw {
		t.Fatal("the password is not kept as a SCRAM verifier")
	}
	for _, bad := range []string{"", "Somsri", "ส้มศรี", "a b", "x;drop", strings.Repeat("a", 64)} {
		if err := AddClerk(ctx, dsn, bad, "", false); data.ErrorCode(err) != data.EINVALID {
			t.Errorf("AddClerk %q: %v", bad, err)
		}
	}
}

// The window and the exporter ask the store through app's interface.
var _ app.UnmaskRights = (*Store)(nil)

// A clerk who may not make the tables of a new database, and an address
// naming a database that is not there, are told so in Thai, with whom to
// ask.
func TestOpenRefusedRights(t *testing.T) {
	dsn := pgtest.DB(t)
	ctx := context.Background()
	// The group roles exist (another database's first open made them, or
	// this one's): the clerk's first open fails at the tables, which the
	// schema does not let her create (PostgreSQL 15 and later).
	admin, _ := openStore(t, pgtest.DB(t))
	admin.Close()
	role := pgtest.Role(t, "")
	_, err := Open(ctx, pgtest.AsRole(dsn, role, ""), data.FixedClock(now))
	msg := data.ErrorMessage(err)
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(msg, role) || !strings.Contains(msg, "ผู้ดูแลระบบ") || !strings.Contains(msg, "เจ้าของฐานข้อมูล") {
		t.Fatalf("a clerk opening a new database: %v\n%s", err, msg)
	}
	missing := strings.Replace(dsn, "dbname=", "dbname=nothere", 1)
	_, err = Open(ctx, missing, data.FixedClock(now))
	if msg := data.ErrorMessage(err); !strings.Contains(msg, "ไม่พบฐานข้อมูล") || !strings.Contains(msg, "nothere") {
		t.Fatalf("a database that is not there: %v\n%s", err, msg)
	}
}

// End to end with app: a clerk outside qmdesk_unmask is refused, and the
// refusal is logged under her role; one inside may unmask.
func TestUnmaskByRole(t *testing.T) {
	dsn := pgtest.DB(t)
	admin, _ := openStore(t, dsn)
	admin.Close()
	plain, plainDSN := clerk(t, dsn, false)
	trusted, trustedDSN := clerk(t, dsn, true)
	ctx := data.WithOperator(context.Background(), "ชื่อที่พิมพ์")
	s, _ := openStore(t, plainDSN)
	err := app.Unmask(ctx, s, "household", 5, "household page")
	if data.ErrorMessage(err) != "บัญชีของคุณไม่มีสิทธิ์ดูเลขประจำตัวประชาชนเต็ม กรุณาติดต่อผู้ดูแลระบบ" {
		t.Fatalf("a clerk without the right: %v", err)
	}
	s2, _ := openStore(t, trustedDSN)
	if err := app.Unmask(ctx, s2, "household", 5, "household page"); err != nil {
		t.Fatalf("a clerk with the right: %v", err)
	}
	log, err := s2.Audit(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Op != app.OpUnmaskRefused || log[0].Who != plain || log[1].Op != "unmask" || log[1].Who != trusted {
		t.Fatalf("the log %+v", log)
	}
}
