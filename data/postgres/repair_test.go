package postgres

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"qmdesk/data"
)

// damageCounters changes five rows of the counters and household
// references in SQL: one changed, one deleted, one added, one reference
// changed, one of the summary's counters changed.
func damageCounters(t *testing.T, dsn string) {
	t.Helper()
	sqlExec(t, dsn, `UPDATE summary_counters SET n = n + 4 WHERE ctid = (SELECT ctid FROM summary_counters WHERE round_id = 1 AND kind = 'D' ORDER BY area, day LIMIT 1)`)
	sqlExec(t, dsn, `UPDATE counters SET n = n + 2 WHERE ctid = (SELECT ctid FROM counters WHERE round_id = 1 AND kind = 'S' AND area = '410102' ORDER BY category LIMIT 1)`)
	sqlExec(t, dsn, `DELETE FROM counters WHERE round_id = 1 AND kind = 'H' AND area LIKE 'M%' AND category = 0`)
	sqlExec(t, dsn, `INSERT INTO counters VALUES (2, 'R', '410201', 0, 0, false, '2024-01-02', 5)`)
	sqlExec(t, dsn, `UPDATE hh_refs SET n = n + 1 WHERE round_id = 1 AND household_id = 1 AND area = '410101' AND category = 0 AND NOT fresh`)
}

// dashboard is what the counters' readers give for rounds 1 and 2.
type dashboard struct {
	Counts, UnitCounts, Summary []data.RoundCounts
	History, UnitHistory        []data.RoundHistory
}

func readDashboard(t *testing.T, ctx context.Context, s *Store) dashboard {
	t.Helper()
	var d dashboard
	for round := uint64(1); round <= 2; round++ {
		c, err1 := s.Counts(ctx, round, data.Date{})
		u, err2 := s.UnitCounts(ctx, round, data.Date{})
		h, err3 := s.History(ctx, round)
		uh, err4 := s.UnitHistory(ctx, round)
		sum, err5 := s.SummaryCounts(ctx, round, data.NewDate(2030, 1, 1), data.CountsFold{Cut: 4})
		if err := errorsJoin(err1, err2, err3, err4, err5); err != nil {
			t.Fatal(err)
		}
		d.Counts, d.UnitCounts, d.Summary = append(d.Counts, c), append(d.UnitCounts, u), append(d.Summary, sum)
		d.History, d.UnitHistory = append(d.History, h), append(d.UnitHistory, uh)
	}
	return d
}

func errorsJoin(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// dumpAll is, as text, everything Repair could change: the counters, the
// household references, the audit log and its head, the ID sequences.
func dumpAll(t *testing.T, dsn string) string {
	t.Helper()
	return sqlValue[string](t, dsn, `SELECT concat_ws(E'\n',
		(SELECT string_agg(format('%s %s %s %s %s %s %s = %s', round_id, kind, area, category, code, urgent, day, n), E'\n' ORDER BY 1) FROM counters),
		(SELECT string_agg(format('%s %s %s %s %s %s %s = %s', round_id, kind, area, category, code, urgent, day, n), E'\n' ORDER BY 1) FROM summary_counters),
		(SELECT string_agg(format('%s %s %s %s %s %s = %s', round_id, household_id, area, origin, category, fresh, n), E'\n' ORDER BY 1) FROM hh_refs),
		(SELECT string_agg(format('%s %s %s', seq, entry::text, encode(seal, 'hex')), E'\n' ORDER BY seq) FROM audit),
		(SELECT format('head %s %s', audit_seq, encode(audit_seal, 'hex')) FROM meta),
		(SELECT format('households %s %s', last_value, is_called) FROM households_id_seq))`)
}

// Repair rebuilds counters changed, deleted and added in SQL and sets an
// ID sequence set back, in one transaction with its audit entry; the
// dashboard reads as before the damage, the next Check is OK, no copy is
// made, and a new household takes the next free ID.
func TestRepairRebuildsCounters(t *testing.T) {
	s, ctx, dsn := filled(t)
	want := readDashboard(t, ctx, s)
	before := checkOK(t, ctx, s)
	damageCounters(t, dsn)
	sqlExec(t, dsn, `SELECT setval(pg_get_serial_sequence('households', 'id'), 2)`)
	if reflect.DeepEqual(readDashboard(t, ctx, s), want) {
		t.Fatal("the damage did not reach the dashboard")
	}
	backups := t.TempDir()
	rep, err := s.Repair(ctx, backups)
	if err != nil {
		t.Fatal("Repair: ", err)
	}
	if !rep.Rebuilt || rep.Backup != "" || len(rep.Quarantined) != 0 || len(rep.Remaining) != 0 {
		t.Errorf("Repair's report %+v", rep)
	}
	if len(rep.Mended) != 2 || !strings.Contains(rep.Mended[0], "ตัวนับ") || !strings.Contains(rep.Mended[0], " 5 ค่า") ||
		!strings.Contains(rep.Mended[1], "ครัวเรือน (3)") || !strings.Contains(rep.Mended[1], "ตั้งใหม่เป็น 9") {
		t.Errorf("Mended %q: want the 5 counters and the households' next ID", rep.Mended)
	}
	if files, err := os.ReadDir(backups); err != nil || len(files) != 0 {
		t.Errorf("backupDir holds %v (%v): the repair takes no copy", files, err)
	}
	if got := readDashboard(t, ctx, s); !reflect.DeepEqual(got, want) {
		t.Errorf("the dashboard after the repair:\n%+v\nbefore the damage:\n%+v", got, want)
	}
	after := checkOK(t, ctx, s)
	if after.AuditEntries != before.AuditEntries+1 || after.Households != before.Households || after.ProblemCount != before.ProblemCount {
		t.Errorf("after the repair %+v, before %+v: want one audit entry more and the same records", after, before)
	}
	last, err := s.Audit(ctx, uint64(before.AuditEntries), 0)
	if err != nil || len(last) != 1 || last[0].Op != "repair" || last[0].Entity != "database" {
		t.Errorf("the repair's audit entry: %+v %v", last, err)
	}
	h := data.Household{HouseCode: "41010100099", TambonCode: "410101", Origin: data.OriginMissed}
	if err := s.CreateHousehold(ctx, &h); err != nil || h.ID != 9 {
		t.Errorf("a household after the repair: ID %d, %v", h.ID, err)
	}
}

// A sound database repairs to itself: nothing mended, the counters the
// same, one audit entry.
func TestRepairSound(t *testing.T) {
	s, ctx, dsn := filled(t)
	counters := sqlValue[string](t, dsn, `SELECT string_agg(format('%s', c), E'\n' ORDER BY c::text) FROM counters c`)
	rep, err := s.Repair(ctx, t.TempDir())
	if err != nil || len(rep.Mended) != 0 || !rep.Rebuilt || len(rep.Remaining) != 0 {
		t.Fatalf("Repair of a sound database: %+v, %v", rep, err)
	}
	if got := sqlValue[string](t, dsn, `SELECT string_agg(format('%s', c), E'\n' ORDER BY c::text) FROM counters c`); got != counters {
		t.Errorf("counters after the repair:\n%s\nbefore:\n%s", got, counters)
	}
	checkOK(t, ctx, s)
}

// What Repair cannot mend, a record that breaks a rule, it leaves as it
// is and reports in Remaining; the counters it rebuilds all the same.
func TestRepairLeavesRecords(t *testing.T) {
	s, ctx, dsn := filled(t)
	damageCounters(t, dsn)
	sqlExec(t, dsn, `UPDATE actions SET what = '', agency = '', note = '', result = 0 WHERE id = 1`)
	rep, err := s.Repair(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Remaining) != 1 || !strings.Contains(rep.Remaining[0], "action 1 of problem 2: empty action") {
		t.Errorf("Remaining %q: want the empty action alone", rep.Remaining)
	}
	if what := sqlValue[string](t, dsn, `SELECT what || agency || note || result FROM actions WHERE id = 1`); what != "0" {
		t.Errorf("the action was changed: %q", what)
	}
}

// A database whose audit log was tampered with is left exactly as it
// was, counters damaged and all, and Repair says why, with the findings.
func TestRepairRefusesTamperedAudit(t *testing.T) {
	s, ctx, dsn := filled(t)
	damageCounters(t, dsn)
	sqlExec(t, dsn, `UPDATE audit SET entry = replace(entry::text, '"at":"2024-', '"at":"2023-')::json WHERE seq = 4`)
	was := dumpAll(t, dsn)
	rep, err := s.Repair(ctx, t.TempDir())
	if err == nil {
		t.Fatal("Repair of a database whose audit log was changed: no error")
	}
	e := data.Explain(err)
	if e.Code != data.EDAMAGED || !strings.Contains(e.Message, "ยังเป็นอย่างเดิม") || !strings.Contains(e.English, "nothing changed") {
		t.Errorf("the error: %+v", e)
	}
	all := strings.Join(rep.Remaining, "\n")
	if !strings.Contains(all, "audit: entry 4 was changed") || !strings.Contains(all, "counter of round 1") || rep.Rebuilt || len(rep.Mended) != 0 {
		t.Errorf("the report of a refused repair: %+v", rep)
	}
	if now := dumpAll(t, dsn); now != was {
		t.Errorf("the repair changed the database:\nbefore\n%s\nafter\n%s", was, now)
	}
}

// A clerk's role may rebuild the counters but not set a sequence: that
// one stays in Remaining.
func TestRepairAsClerk(t *testing.T) {
	_, _, dsn := filled(t)
	_, clerkDSN := clerk(t, dsn, false)
	s, ctx := openStore(t, clerkDSN)
	damageCounters(t, dsn)
	sqlExec(t, dsn, `SELECT setval(pg_get_serial_sequence('households', 'id'), 2)`)
	rep, err := s.Repair(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Mended) != 1 || len(rep.Remaining) != 1 || !strings.Contains(rep.Remaining[0], "table households: its ID sequence") {
		t.Errorf("a clerk's repair: %+v", rep)
	}
}
