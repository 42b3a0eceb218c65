package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"qmdesk/data"
	"qmdesk/data/postgres/pgtest"
)

// fill makes, through the contract, a register with something of
// everything Check reads: municipalities, households of both origins,
// problems of every status in two rounds (Re-X-Ray results, ThaiQM marks,
// a carry-over), actions, a load and a log entry.
func fill(t *testing.T, ctx context.Context, s implemented) {
	t.Helper()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err := s.Init(ctx, "41", data.DefaultRound())
	must("Init", err)
	must("SetSubProblems", s.SetSubProblems(ctx, data.DefaultSubProblems()))
	must("SetUnits", s.SetUnits(ctx, data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}}}}))
	for i, h := range []data.Household{
		{HouseCode: "41010100001", TambonCode: "410101", Origin: data.OriginSurvey2565, Members: 4},
		{HouseCode: "41010200002", TambonCode: "410102", Origin: data.OriginMissed},
		{HouseCode: "41020100003", TambonCode: "410201", Origin: data.OriginSurvey2565},
		{Head: data.Person{NationalID: validID("341010012345"), FirstName: "สมปอง"}, TambonCode: "410101", Origin: data.OriginMissed},
		{HouseCode: "41010200005", TambonCode: "410102", Origin: data.OriginSurvey2565},
	} {
		must(fmt.Sprint("CreateHousehold ", i), s.CreateHousehold(ctx, &h))
	}
	for i, p := range []data.Problem{
		{HouseholdID: 1, Category: 1, SubProblem: "ไม่มีที่อยู่อาศัย", SurveyYear: 2565, ReXRay: data.ReXRayUnsolved, Urgent: true},
		{HouseholdID: 1, Category: 2, SubProblem: "ขาดแคลนน้ำดื่ม", SurveyYear: 2567, Status: data.InProgress, TargetDate: data.NewDate(2024, 5, 1)},
		{HouseholdID: 2, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567, Status: data.Solved},
		{HouseholdID: 3, Category: 6, SubProblem: "คนพิการ", SurveyYear: 2565, Status: data.Closed, CloseReason: "ย้ายออก"},
		{HouseholdID: 4, Category: 7, SubProblem: "อื่น ๆ (ระบุ)", SurveyYear: 2567},
		{HouseholdID: 5, Category: 2, SubProblem: "ขาดแคลนน้ำใช้", SurveyYear: 2565, Status: data.SelfSolved, ReXRay: data.ReXRaySolved},
	} {
		must(fmt.Sprint("CreateProblem ", i), s.CreateProblem(ctx, &p))
	}
	for i, a := range []data.Action{
		{ProblemID: 2, Date: data.NewDate(2024, 5, 10), Agency: "อบต.บ้านใหม่", What: "ติดตาม", Result: data.InProgress, Budget: 50_000},
		{ProblemID: 5, Date: data.NewDate(2024, 5, 20), What: "ซ่อม", Result: data.Solved, ThaiQMOn: data.NewDate(2024, 5, 21)},
	} {
		must(fmt.Sprint("AddAction ", i), s.AddAction(ctx, &a))
	}
	_, err = s.MarkThaiQM(ctx, []uint64{1, 3}, data.NewDate(2024, 5, 30))
	must("MarkThaiQM", err)
	must("Log", s.Log(ctx, "export", "database", 0, "รายงาน"))
}

// more goes on from fill: a new round carrying the open problems, and a
// load of three households.
func more(t *testing.T, ctx context.Context, s implemented) {
	t.Helper()
	r := data.Round{Name: "รอบ 2568", SurveyYear: 2565, Start: data.NewDate(2024, 10, 1), Deadline: data.NewDate(2025, 9, 30)}
	if n, err := s.StartRound(ctx, &r, 1); err != nil || n == 0 {
		t.Fatalf("StartRound: %d carried, %v", n, err)
	}
	if err := s.Load(ctx, inRound1()); err != nil {
		t.Fatal("Load: ", err)
	}
}

// filled is a PostgreSQL store made by fill and more.
func filled(t *testing.T) (*Store, context.Context, string) {
	t.Helper()
	dsn := pgtest.DB(t)
	s, ctx := openStore(t, dsn)
	fill(t, ctx, s)
	more(t, ctx, s)
	return s, ctx, dsn
}

// checkOK fails the test unless Check finds nothing.
func checkOK(t *testing.T, ctx context.Context, s *Store) data.CheckReport {
	t.Helper()
	r, err := s.Check(ctx)
	if err != nil {
		t.Fatal("Check: ", err)
	}
	if !r.OK() || r.Audit.Tampered {
		t.Fatalf("Check of a sound database found %q (tampered %v)", r.Problems, r.Audit.Tampered)
	}
	return r
}

// A sound database checks OK, with the counts the bbolt store fed the
// same calls reports, and the head of its audit log.
func TestCheckSameAsBolt(t *testing.T) {
	w := newTwin(t, data.FixedClock(now))
	ctx := w.ctx
	for _, s := range []implemented{w.bolt, w.pg} {
		fill(t, ctx, s)
	}
	randomWrites(t, w, 11, 60)
	for _, s := range []implemented{w.bolt, w.pg} {
		more(t, ctx, s)
	}
	sameRoundCounters(w, "filled")
	b, err := w.bolt.Check(ctx)
	if err != nil || !b.OK() {
		t.Fatalf("bbolt's check: %v %q", err, b.Problems)
	}
	p := checkOK(t, ctx, w.pg)
	entries, err := w.bolt.Audit(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	seals := int64(0)
	for _, e := range entries {
		if e.Entity == "audit" { // the bbolt file's seal of its key
			seals++
		}
	}
	type counts struct{ Households, Problems, Actions, AuditEntries int64 }
	bc := counts{b.Households, b.ProblemCount, b.Actions, b.AuditEntries - seals}
	pc := counts{p.Households, p.ProblemCount, p.Actions, p.AuditEntries}
	if bc != pc || pc.Households == 0 || pc.Problems == 0 || pc.Actions == 0 {
		t.Errorf("Check's counts: bbolt %+v, postgresql %+v", bc, pc)
	}
	head, err := w.pg.AuditAnchor(ctx, 0)
	if err != nil || p.Audit.Head != head || head.Seq != uint64(p.AuditEntries) {
		t.Errorf("Check's audit head %+v, AuditAnchor %+v (%v), %d entries", p.Audit.Head, head, err, p.AuditEntries)
	}
	if len(p.Audit.Unverified) != 1 || !strings.Contains(p.Audit.Unverified[0], data.FormatNumber(p.AuditEntries)) {
		t.Errorf("Unverified %q: want the note that the log is sealed without a key", p.Audit.Unverified)
	}
}

// An empty database checks OK too, with nothing to say of its log.
func TestCheckEmpty(t *testing.T) {
	s, ctx := openStore(t, pgtest.DB(t))
	r := checkOK(t, ctx, s)
	if r.AuditEntries != 0 || r.Audit.Head != (data.AuditAnchor{}) || len(r.Audit.Unverified) != 0 {
		t.Errorf("an empty database's check: %+v", r)
	}
}

// Damage made in SQL, outside the program, is found by Check, each named.
func TestCheckFindsDamage(t *testing.T) {
	last := func(dsn string) int64 { return sqlValue[int64](t, dsn, `SELECT max(seq) FROM audit`) }
	for _, c := range []struct {
		what     string
		damage   func(t *testing.T, dsn string)
		tampered bool
		want     []string
	}{
		{"a status counter changed", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `UPDATE counters SET n = n + 2 WHERE ctid = (SELECT ctid FROM counters WHERE round_id = 1 AND kind = 'S' AND area = '410102' ORDER BY category LIMIT 1)`)
		}, false, []string{"counter of round 1, problems by status (Counts): area 410102, category ", ": stored 3, recount 1"}},
		{"a summary counter changed", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `UPDATE summary_counters SET n = n + 2 WHERE ctid = (SELECT ctid FROM summary_counters WHERE round_id = 1 AND kind = 'S' AND area = '4101' ORDER BY category, code LIMIT 1)`)
		}, false, []string{"summary counter of round 1, problems by status (Counts): area 4101, category ", ": stored ", ", its areas' counters add up to "}},
		{"a municipality's counter deleted", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `DELETE FROM counters WHERE round_id = 1 AND kind = 'H' AND area LIKE 'M%' AND category = 0`)
		}, false, []string{"counter of round 1, households with a problem (UnitCounts): area M", ", category 0: stored 0, recount "}},
		{"a history counter added", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `INSERT INTO counters VALUES (2, 'R', '410201', 0, 0, false, '2024-01-02', 5)`)
		}, false, []string{"counter of round 2, problems no longer open (History): area 410201, day 2024-01-02: stored 5, recount 0"}},
		{"a household reference changed", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `UPDATE hh_refs SET n = n + 1 WHERE round_id = 1 AND household_id = 1 AND area = '410101' AND category = 0 AND NOT fresh`)
		}, false, []string{"household reference of round 1: household 1 in area 410101 (origin 1), category 0, all its problems: stored 3, recount 2"}},
		{"an audit entry's text changed", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `UPDATE audit SET entry = replace(entry::text, '"at":"2024-', '"at":"2023-')::json WHERE seq = 4`)
		}, true, []string{"audit: entry 4 was changed, or an entry before it was removed", "audit: entry 4: its columns"}},
		{"an audit entry's column changed", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `UPDATE audit SET who = 'someone' WHERE seq = 3`)
		}, true, []string{"audit: entry 3: its columns (at, who, op, entity, record_id) differ from its sealed text"}},
		{"an audit entry deleted", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `DELETE FROM audit WHERE seq = 5`)
		}, true, []string{"audit: entries 5–5 are missing", "audit: entry 6 was changed, or an entry before it was removed"}},
		{"the last audit entries cut off", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `DELETE FROM audit WHERE seq > $1`, last(dsn)-2)
		}, true, []string{"audit: the log ends at entry ", "the last entries were removed"}},
		{"an audit entry added after the head", func(t *testing.T, dsn string) {
			// Sealed as the program seals, but not through it: the head
			// in meta was not moved.
			n := last(dsn) + 1
			sqlExec(t, dsn, `INSERT INTO audit (seq, at, who, op, entity, record_id, entry, seal)
				SELECT $1, a.at, a.who, a.op, a.entity, a.record_id, e.entry::json, sha256(a.seal || convert_to(e.entry, 'UTF8'))
				FROM audit a, LATERAL (SELECT replace(a.entry::text, format('"seq":%s,', a.seq), format('"seq":%s,', $1::bigint)) AS entry) e WHERE a.seq = $1 - 1`, n)
		}, true, []string{"past the recorded head", "entries were added outside qmdesk"}},
		{"the audit log emptied", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `DELETE FROM audit`)
		}, true, []string{"audit: the log was emptied"}},
		{"a problem whose household is gone", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `SET session_replication_role = replica; DELETE FROM households WHERE id = 3`)
		}, false, []string{"problem 4 belongs to missing household 3", "counter of round 1"}},
		{"an action whose problem is gone", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `SET session_replication_role = replica; DELETE FROM problems WHERE id = 5`)
		}, false, []string{"action 2 belongs to missing problem 5"}},
		{"a carried link cut", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `UPDATE problems SET carried_to = NULL WHERE id = (SELECT min(carried_from) FROM problems)`)
		}, false, []string{"was carried from problem ", "which is missing or not carried to it"}},
		{"a national ID with a wrong check digit", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `UPDATE households SET head_national_id = overlay(head_national_id placing ((substr(head_national_id, 13, 1)::int + 1) % 10)::text from 13) WHERE id = 4`)
		}, false, []string{"household 4: "}},
		{"an empty action", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `UPDATE actions SET what = '', agency = '', note = '', result = 0 WHERE id = 1`)
		}, false, []string{"action 1 of problem 2: empty action"}},
		{"many empty actions", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `INSERT INTO actions (problem_id, date, recorded_at) SELECT 2, '2024-05-01', now() FROM generate_series(1, 25)`)
		}, false, []string{": empty action\n… and 5 more"}},
		{"every counter changed", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `UPDATE counters SET n = n + 1`)
		}, false, []string{"… and ", " more counters"}},
		{"a round's start before 2500", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `UPDATE rounds SET start = '1900-01-01' WHERE id = 1`)
		}, false, []string{"round 1: "}},
		{"a unit that is not in the list", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `SET session_replication_role = replica; UPDATE households SET unit = 'M99999' WHERE id = 1`)
		}, false, []string{"household 1 is in municipality M99999, which is not in the list"}},
		{"an ID sequence set back", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `SELECT setval(pg_get_serial_sequence('households', 'id'), 2)`)
		}, false, []string{"table households: its ID sequence gives 3 next, but IDs up to 8 are in use"}},
		{"the schema's version lost", func(t *testing.T, dsn string) {
			sqlExec(t, dsn, `DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`)
		}, false, []string{"schema version "}},
	} {
		t.Run(c.what, func(t *testing.T) {
			s, ctx, dsn := filled(t)
			before := checkOK(t, ctx, s)
			c.damage(t, dsn)
			r, err := s.Check(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() {
				t.Fatalf("Check found nothing")
			}
			all := strings.Join(r.Problems, "\n")
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("no finding says %q:\n%s", w, all)
				}
			}
			if r.Audit.Tampered != c.tampered {
				t.Errorf("Audit.Tampered %v, want %v:\n%s", r.Audit.Tampered, c.tampered, all)
			}
			if c.tampered && len(r.Audit.Unverified) != 0 {
				t.Errorf("a tampered log has notes: %q", r.Audit.Unverified)
			}
			if !c.tampered && (r.Audit.Head != before.Audit.Head || r.AuditEntries != before.AuditEntries) {
				t.Errorf("audit head %+v of %d entries, before %+v of %d", r.Audit.Head, r.AuditEntries, before.Audit.Head, before.AuditEntries)
			}
		})
	}
}
