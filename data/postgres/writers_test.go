package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
	"qmdesk/data/postgres/pgtest"
)

// initStore opens a new database set up for province 41 with the default
// round and sub-problem list.
func initStore(t *testing.T) (*Store, context.Context, string) {
	t.Helper()
	dsn := pgtest.DB(t)
	s, ctx := openStore(t, dsn)
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	return s, ctx, dsn
}

// checkAuditChain reads the whole log and checks that it is numbered
// 1, 2, … and that every seal chains its entry to the one before, up to
// the head kept in meta.
func checkAuditChain(t *testing.T, dsn string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT seq, entry::text, seal FROM audit ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var prev []byte
	n := int64(0)
	for rows.Next() {
		var seq int64
		var entry string
		var seal []byte
		if err := rows.Scan(&seq, &entry, &seal); err != nil {
			t.Fatal(err)
		}
		n++
		want := sha256.Sum256(append(append([]byte{}, prev...), entry...))
		if seq != n || !bytes.Equal(seal, want[:]) || !strings.Contains(entry, fmt.Sprintf(`"seq":%d,`, seq)) {
			t.Fatalf("audit entry %d (expected %d) does not chain: %s", seq, n, entry)
		}
		prev = seal
	}
	rows.Close()
	var headSeq int64
	var headSeal []byte
	if err := conn.QueryRow(ctx, `SELECT audit_seq, audit_seal FROM meta`).Scan(&headSeq, &headSeal); err != nil {
		t.Fatal(err)
	}
	if headSeq != n || !bytes.Equal(headSeal, prev) {
		t.Fatalf("the head (%d) is not the last entry (%d)", headSeq, n)
	}
	return int(n)
}

// Clerks changing one household at once, each from the same read: one
// change is written whole, the others are refused as based on an old read
// (never a lost update, issue 16 point 4), with no audit entry; the log
// stays one chain.
func TestConcurrentUpdates(t *testing.T) {
	s, ctx, dsn := initStore(t)
	h := data.Household{HouseCode: "41010012345", TambonCode: "410101", Origin: data.OriginSurvey2565}
	if err := s.CreateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := h
			c.VillageName, c.Members = fmt.Sprintf("บ้าน %d", i), i
			errs[i] = s.UpdateHousehold(data.WithOperator(context.Background(), fmt.Sprintf("clerk%d", i)), &c)
		}()
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch _, stale := data.StaleOf(err); {
		case err == nil && won < 0:
			won = i
		case err == nil:
			t.Fatalf("updates %d and %d from one read were both written", won, i)
		case !stale || data.ErrorCode(err) != data.ECONFLICT:
			t.Fatalf("update %d: %v", i, err)
		}
	}
	if won < 0 {
		t.Fatal("no update was written")
	}
	got, err := s.Household(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.VillageName != fmt.Sprintf("บ้าน %d", won) || got.Members != won || got.ChangedBy != fmt.Sprintf("clerk%d", won) {
		t.Fatalf("the household is not clerk%d's change whole: %+v", won, got)
	}
	// And new households at once, which lock no row of each other's: the
	// audit log takes them one at a time.
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := data.Household{HouseCode: fmt.Sprintf("410100%05d", i), TambonCode: "410101", Origin: data.OriginSurvey2565}
			errs[i] = s.CreateHousehold(ctx, &c)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	// Init: the round and the database; then the household, the one
	// update written, 8 households.
	if entries := checkAuditChain(t, dsn); entries != 2+1+1+n {
		t.Fatalf("%d audit entries", entries)
	}
}

// Two clerks adding a round of one name at once: one gets it, the other
// is told the name is taken.
func TestConcurrentRoundNames(t *testing.T) {
	s, ctx, dsn := initStore(t)
	for try := range 5 {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := data.Round{Name: fmt.Sprintf("รอบ %d", try), Start: data.NewDate(2024, time.October, 1), Deadline: data.NewDate(2025, time.September, 30)}
				errs[i] = s.CreateRound(ctx, &r)
			}()
		}
		wg.Wait()
		ok, taken := 0, 0
		for _, err := range errs {
			var e *data.Error
			switch {
			case err == nil:
				ok++
			case errors.As(err, &e) && e.Code == data.ECONFLICT && strings.Contains(e.Message, "มีรอบชื่อ"):
				taken++
			default:
				t.Fatalf("try %d: %v", try, err)
			}
		}
		if ok != 1 || taken != 1 {
			t.Fatalf("try %d: %d made, %d refused", try, ok, taken)
		}
	}
	checkAuditChain(t, dsn)
}

// A change of a sub-problem's flags reaches the current round's problems
// of that sub-problem (its name matched without regard to blanks), not a
// problem carried into a later round nor one of another round.
func TestSetSubProblemsReflags(t *testing.T) {
	s, ctx, dsn := initStore(t)
	h := data.Household{HouseCode: "41010012345", TambonCode: "410101", Origin: data.OriginSurvey2565}
	if err := s.CreateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	r2 := data.Round{Name: "รอบ 2568", Start: data.NewDate(2024, time.October, 1), Deadline: data.NewDate(2025, time.September, 30)}
	if err := s.CreateRound(ctx, &r2); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	add := func(round uint64, sub string, carried bool) int64 {
		var id int64
		if err := conn.QueryRow(ctx, `INSERT INTO problems (household_id, round_id, category, sub_problem, urgent, survey_year, status, created_at, updated_at)
			VALUES ($1, $2, 1, $3, true, 2565, 1, $4, $4) RETURNING id`, int64(h.ID), int64(round), sub, now).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if carried {
			if _, err := conn.Exec(ctx, `UPDATE problems SET carried_to = id WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	current := add(1, "ไม่มีที่อยู่อาศัย", false)
	blanks := add(1, "ไม่มี ที่อยู่อาศัย", false)
	carried := add(1, "ไม่มีที่อยู่อาศัย", true)
	other := add(r2.ID, "ไม่มีที่อยู่อาศัย", false)
	l, err := s.SubProblems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if l[0].Name != "ไม่มีที่อยู่อาศัย" || !l[0].Urgent {
		t.Fatalf("the default list begins with %+v", l[0])
	}
	l[0].Urgent, l[0].Sensitive = false, true
	if err := s.SetSubProblems(data.WithOperator(ctx, "หัวหน้า"), l); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id      int64
		changed bool
	}{{current, true}, {blanks, true}, {carried, false}, {other, false}} {
		var urgent, sensitive bool
		var by string
		if err := conn.QueryRow(ctx, `SELECT urgent, sensitive, changed_by FROM problems WHERE id = $1`, c.id).Scan(&urgent, &sensitive, &by); err != nil {
			t.Fatal(err)
		}
		if c.changed != (!urgent && sensitive && by == "หัวหน้า") || !c.changed && (!urgent || sensitive || by != "") {
			t.Errorf("problem %d: urgent %v sensitive %v by %q, changed %v", c.id, urgent, sensitive, by, c.changed)
		}
	}
	entries := pgAudit(t, dsn)
	if last := entries[len(entries)-1]; last.Entity != "subproblems" || last.Note != "flags changed on 2 problems of the current round" {
		t.Fatalf("audit: %+v", last)
	}
	checkAuditChain(t, dsn)
}

// Audit pages through the log; AuditAnchor names an entry by its seal.
func TestAuditReads(t *testing.T) {
	s, ctx, dsn := initStore(t)
	for i := range 5 {
		if err := s.Log(ctx, "export", "database", uint64(i), fmt.Sprintf("ส่งออก %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	n := checkAuditChain(t, dsn) // Init's two, and five
	if n != 7 {
		t.Fatalf("%d entries", n)
	}
	page, err := s.Audit(ctx, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 3 || page[0].Seq != 3 || page[2].Seq != 5 || page[0].Note != "ส่งออก 0" || page[0].Op != "export" {
		t.Fatalf("entries 3–5: %+v", page)
	}
	if rest, err := s.Audit(ctx, 5, 0); err != nil || len(rest) != 2 || rest[1].Seq != 7 {
		t.Fatalf("after 5: %+v %v", rest, err)
	}
	seal := func(seq int64) string {
		return fmt.Sprintf("%x", sqlValue[[]byte](t, dsn, `SELECT seal FROM audit WHERE seq = $1`, seq))
	}
	if a, err := s.AuditAnchor(ctx, 0); err != nil || a.Seq != 7 || a.Hash != seal(7) {
		t.Fatalf("the last entry's anchor: %+v %v", a, err)
	}
	if a, err := s.AuditAnchor(ctx, 4); err != nil || a.Seq != 4 || a.Hash != seal(4) || len(a.Hash) != 64 {
		t.Fatalf("entry 4's anchor: %+v %v", a, err)
	}
	sizes, err := s.Sizes(ctx)
	if err != nil || sizes != (data.Sizes{}) {
		t.Fatalf("sizes %+v %v", sizes, err)
	}
	h := data.Household{HouseCode: "41010012345", TambonCode: "410101", Origin: data.OriginSurvey2565}
	if err := s.CreateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	if sizes, err := s.Sizes(ctx); err != nil || sizes != (data.Sizes{Households: 1}) {
		t.Fatalf("sizes %+v %v", sizes, err)
	}
}
