package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"qmdesk/app/storetest"
	"qmdesk/data"
	"qmdesk/data/postgres/pgtest"
)

// TestConformance runs the stores' conformance suite on the PostgreSQL
// store: each behaviour on a new database, which the superuser sets up
// (Open runs the migrations), used by a clerk's login role named as the
// suite's operator (storetest.Operator), a member of qmdesk_clerk and
// qmdesk_unmask as AddClerk makes a clerk who may unmask (the suite
// exports with whole national IDs): the audit log names the role, which
// is then the name the suite expects. Each database is checked whole
// (Check) on cleanup, as the bbolt store's files are.
func TestConformance(t *testing.T) {
	storetest.Run(t, openConformance)
}

func openConformance(t *testing.T, clock data.Clock) storetest.Store {
	ctx := context.Background()
	dsn := pgtest.DB(t)
	admin, err := Open(ctx, dsn, clock)
	if err != nil {
		t.Fatal(err)
	}
	admin.Close()
	operatorRole(t, dsn)
	s, err := Open(ctx, operatorDSN(dsn), clock)
	if err != nil {
		t.Fatalf("open as %q: %v", storetest.Operator, err)
	}
	t.Cleanup(func() {
		if rep, err := s.Check(context.Background()); err != nil || !rep.OK() {
			t.Errorf("check on cleanup: %v %v", err, rep.Problems)
		}
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// operatorRole makes the login role storetest.Operator on the test
// server, once (roles belong to the whole server), with AddClerk's
// grants for a clerk who may unmask. AddClerk itself takes only plain
// lower-case names, which the suite's Thai name is not: the SQL is its.
func operatorRole(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	role := pgx.Identifier{storetest.Operator}.Sanitize()
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)`, storetest.Operator).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	stmts := []string{"GRANT " + ClerkRole + " TO " + role, "GRANT " + UnmaskRole + " TO " + role}
	if !exists {
		stmts = append([]string{"CREATE ROLE " + role + " LOGIN"}, stmts...)
	}
	for _, st := range stmts {
		if _, err := conn.Exec(ctx, st); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
}

// operatorDSN is dsn (pgtest's, as the superuser) connecting as the
// role storetest.Operator.
func operatorDSN(dsn string) string {
	return strings.Replace(dsn, "user="+pgtest.Superuser+" ", "user='"+storetest.Operator+"' ", 1)
}
