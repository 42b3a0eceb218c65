package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"qmdesk/data"
)

// maxFindings is how many findings of one kind Check names; the rest it
// counts ("… and 5 more"), as the bbolt store does.
const maxFindings = 20

// Check verifies the database in one snapshot (a repeatable-read,
// read-only transaction), as the bbolt store's Check does its file:
//
//   - the schema is this program's (SchemaVersion);
//   - every record keeps the domain's rules the stores apply when they
//     write it (Household.Validate, Problem.Validate, Action.Validate,
//     Round.Validate, SubProblem.Validate, data.CheckProvinceCode; dates
//     are checked for what they are, not against today);
//   - the references hold: a problem's household and round, an action's
//     problem, a household's municipality, the current round exist, and a
//     carried problem and the one it was carried to point at each other;
//   - no ID sequence is behind an ID in use (the next record would be
//     refused as a duplicate);
//   - the counters (counters, hh_refs: migrations/00003_counters.sql) are
//     what a recount from the problems and households gives, row by row:
//     every round, every area (tambon or municipality), so every answer
//     of Counts, UnitCounts, History and UnitHistory; and the summary's
//     counters (summary_counters: 00060_summary_counters.sql) are the sum
//     of their areas', so every summary of the province and of its
//     municipalities (SummaryCounts, SummaryHistory);
//   - the audit log is whole: each entry sealed to the one before it, the
//     entries numbered 1, 2, 3… with none missing, each entry's columns
//     what its sealed text says, and the last entry the head the meta row
//     records (auditCheck).
//
// The findings are in English, for the one who looks after the server;
// Audit.Unverified says in Thai what the check cannot establish. The
// import ledger (imports, their rows, the rows waiting for review) is
// not checked here: neither against the log nor for reviews that name a
// record no longer in the register (StrandedReviews stays empty).
func (s *Store) Check(ctx context.Context) (data.CheckReport, error) {
	var r data.CheckReport
	err := s.read(ctx, func(tx pgx.Tx) error {
		r = data.CheckReport{}
		c := &checker{ctx: ctx, tx: tx}
		if err := c.sizes(&r); err != nil {
			return err
		}
		for _, step := range []func() error{c.schema, c.meta, c.records, c.references, c.sequences, c.counters} {
			if err := step(); err != nil {
				return err
			}
		}
		r.Problems = c.findings
		a, err := auditCheck(ctx, tx)
		if err != nil {
			return err
		}
		r.AuditEntries = a.n
		r.Problems = append(r.Problems, a.findings...)
		r.Audit = a.check
		return nil
	})
	if err != nil {
		return data.CheckReport{}, err
	}
	return r, nil
}

// checker gathers the findings of one Check in its transaction.
type checker struct {
	ctx      context.Context
	tx       pgx.Tx
	findings []string
}

// add appends findings, at most maxFindings of them, then how many more.
func (c *checker) add(f []string) {
	var l capped
	for _, s := range f {
		l.add(s)
	}
	c.findings = append(c.findings, l.done()...)
}

// capped keeps the first maxFindings findings and counts the rest: a
// table of bad records is not copied into memory as findings.
type capped struct {
	list []string
	more int
}

func (l *capped) add(s string) {
	if len(l.list) < maxFindings {
		l.list = append(l.list, s)
	} else {
		l.more++
	}
}

// done is the findings kept, then how many more there were.
func (l *capped) done() []string {
	if l.more > 0 {
		return append(l.list, fmt.Sprintf("… and %d more", l.more))
	}
	return l.list
}

func (c *checker) sizes(r *data.CheckReport) error {
	return c.tx.QueryRow(c.ctx, `SELECT (SELECT count(*) FROM households), (SELECT count(*) FROM problems), (SELECT count(*) FROM actions)`).
		Scan(&r.Households, &r.ProblemCount, &r.Actions)
}

func (c *checker) schema() error {
	v, err := schemaVersion(c.ctx, c.tx)
	if err != nil {
		return err
	}
	if v != SchemaVersion {
		c.add([]string{fmt.Sprintf("schema version %d, this program's is %d", v, SchemaVersion)})
	}
	return nil
}

// meta checks the database's description: its province and its
// sub-problem list.
func (c *checker) meta() error {
	var province pgtype.Text
	if err := c.tx.QueryRow(c.ctx, `SELECT province FROM meta`).Scan(&province); err != nil {
		return err
	}
	var out []string
	if province.Valid {
		if err := data.CheckProvinceCode(province.String); err != nil {
			out = append(out, "meta: "+english(err))
		}
	}
	l, err := getSubProblems(c.ctx, c.tx)
	if err != nil {
		return err
	}
	for i, e := range l {
		if err := e.Validate(); err != nil {
			out = append(out, fmt.Sprintf("sub-problem %d (%s): %s", i+1, e.Name, english(err)))
		}
	}
	c.add(out)
	return nil
}

// english is an error as the log says it.
func english(err error) string { return data.Explain(err).English }

// records checks each round, household, problem and action against the
// rules the stores apply when they write one. today is left zero: a
// record is not wrong for lying ahead of the day it is checked on.
func (c *checker) records() error {
	var out capped
	var today data.Date
	rounds, err := collect(c.ctx, c.tx, scanRound, `SELECT `+roundColumns+` FROM rounds ORDER BY id`)
	if err != nil {
		return err
	}
	for _, r := range rounds {
		if err := r.Validate(today); err != nil {
			out.add(fmt.Sprintf("round %d: %s", r.ID, english(err)))
		}
	}
	if err := eachRow(c.ctx, c.tx, scanHousehold, `SELECT `+householdColumns+` FROM households ORDER BY id`, func(h *data.Household) {
		if err := h.Validate(); err != nil {
			out.add(fmt.Sprintf("household %d: %s", h.ID, english(err)))
		}
	}); err != nil {
		return err
	}
	if err := eachRow(c.ctx, c.tx, scanProblem, `SELECT `+problemColumns+` FROM problems ORDER BY id`, func(p *data.Problem) {
		if err := p.Validate(today); err != nil {
			out.add(fmt.Sprintf("problem %d: %s", p.ID, english(err)))
		}
	}); err != nil {
		return err
	}
	if err := eachRow(c.ctx, c.tx, scanAction, `SELECT `+actionColumns+` FROM actions ORDER BY id`, func(a *data.Action) {
		if err := a.Validate(today); err != nil {
			out.add(fmt.Sprintf("action %d of problem %d: %s", a.ID, a.ProblemID, english(err)))
		}
	}); err != nil {
		return err
	}
	c.findings = append(c.findings, out.done()...)
	return nil
}

// eachRow calls fn for each row a query gives, read one at a time.
func eachRow[T any](ctx context.Context, q querier, scan func(pgx.Row, *T) error, sql string, fn func(*T)) error {
	rows, err := q.Query(ctx, sql)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return err
		}
		fn(&v)
	}
	return rows.Err()
}

// references checks that what a record names exists, and that carried
// problems point at each other. The schema's foreign keys hold most of
// these; they are checked all the same, as a trigger disabled or a
// replica's load can bypass a key.
func (c *checker) references() error {
	for _, q := range []struct {
		sql    string
		format string
	}{
		{`SELECT p.id, p.household_id FROM problems p WHERE NOT EXISTS (SELECT FROM households h WHERE h.id = p.household_id) ORDER BY p.id`,
			"problem %d belongs to missing household %d"},
		{`SELECT p.id, p.round_id FROM problems p WHERE NOT EXISTS (SELECT FROM rounds r WHERE r.id = p.round_id) ORDER BY p.id`,
			"problem %d is in missing round %d"},
		{`SELECT a.id, a.problem_id FROM actions a WHERE NOT EXISTS (SELECT FROM problems p WHERE p.id = a.problem_id) ORDER BY a.id`,
			"action %d belongs to missing problem %d"},
		{`SELECT p.id, p.carried_to FROM problems p LEFT JOIN problems q ON q.id = p.carried_to
			WHERE p.carried_to IS NOT NULL AND q.carried_from IS DISTINCT FROM p.id ORDER BY p.id`,
			"problem %d was carried to problem %d, which is missing or not carried from it"},
		{`SELECT p.id, p.carried_from FROM problems p LEFT JOIN problems q ON q.id = p.carried_from
			WHERE p.carried_from IS NOT NULL AND q.carried_to IS DISTINCT FROM p.id ORDER BY p.id`,
			"problem %d was carried from problem %d, which is missing or not carried to it"},
		{`SELECT 0::bigint, m.default_round FROM meta m WHERE m.default_round IS NOT NULL AND NOT EXISTS (SELECT FROM rounds r WHERE r.id = m.default_round)`,
			"meta %d: the current round %d is missing"},
	} {
		out, err := pairs(c.ctx, c.tx, q.sql, q.format)
		if err != nil {
			return err
		}
		c.findings = append(c.findings, out...)
	}
	rows, err := c.tx.Query(c.ctx, `SELECT h.id, h.unit FROM households h WHERE h.unit <> '' AND NOT EXISTS (SELECT FROM units u WHERE u.code = h.unit) ORDER BY h.id`)
	if err != nil {
		return err
	}
	var id int64
	var unit string
	var out capped
	_, err = pgx.ForEachRow(rows, []any{&id, &unit}, func() error {
		out.add(fmt.Sprintf("household %d is in municipality %s, which is not in the list of municipalities", id, unit))
		return nil
	})
	c.findings = append(c.findings, out.done()...)
	return err
}

// pairs formats each row (two bigints) of a query with format, the
// first maxFindings of them, then how many more.
func pairs(ctx context.Context, q querier, sql, format string) ([]string, error) {
	rows, err := q.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	var a, b int64
	var out capped
	_, err = pgx.ForEachRow(rows, []any{&a, &b}, func() error {
		out.add(fmt.Sprintf(format, a, b))
		return nil
	})
	return out.done(), err
}

// seqFault is a table whose ID sequence would give next an ID in use.
type seqFault struct {
	table, sequence string
	next, max       int64
}

// sequenceFaults finds, for each identity column of the schema, a
// sequence whose next value is not past the highest ID in use: the next
// record would take an ID in use and be refused.
func sequenceFaults(ctx context.Context, q querier) ([]seqFault, error) {
	rows, err := q.Query(ctx, `SELECT table_name::text, column_name::text, pg_get_serial_sequence(format('%I', table_name), column_name)
		FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES' AND table_name <> '`+versionTable+`' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	type identity struct{ table, column, sequence string }
	var ids []identity
	var id identity
	if _, err := pgx.ForEachRow(rows, []any{&id.table, &id.column, &id.sequence}, func() error {
		ids = append(ids, id)
		return nil
	}); err != nil {
		return nil, err
	}
	var out []seqFault
	for _, id := range ids {
		var last, top int64
		var called bool
		if err := q.QueryRow(ctx, `SELECT last_value, is_called FROM `+id.sequence).Scan(&last, &called); err != nil {
			return nil, err
		}
		if err := q.QueryRow(ctx, fmt.Sprintf(`SELECT coalesce(max(%s), 0) FROM %s`, pgx.Identifier{id.column}.Sanitize(), pgx.Identifier{id.table}.Sanitize())).Scan(&top); err != nil {
			return nil, err
		}
		next := last
		if called {
			next++
		}
		if next <= top {
			out = append(out, seqFault{id.table, id.sequence, next, top})
		}
	}
	return out, nil
}

func (f seqFault) english() string {
	return fmt.Sprintf("table %s: its ID sequence gives %d next, but IDs up to %d are in use (the next record would be refused)", f.table, f.next, f.max)
}

func (c *checker) sequences() error {
	faults, err := sequenceFaults(c.ctx, c.tx)
	if err != nil {
		return err
	}
	var out []string
	for _, f := range faults {
		out = append(out, f.english())
	}
	c.add(out)
	return nil
}

// recountSQL is, as WITH queries, the counters and household references
// a recount from problems and households gives: "refs" (round_id,
// household_id, area, origin, category, fresh, n) and "want" (round_id,
// kind, area, category, code, urgent, day, n). It is the recount of
// migrations/00003_counters.sql's qm_count_sql with every problem of sign
// +1, written as a query alone, which a read-only transaction may run:
// a household reference is a household's problems in a round, area and
// category; a household counts (H, N) once for each of its references.
const recountSQL = `WITH f AS (
    SELECT p.round_id, p.household_id, p.category, p.status, p.urgent, p.target_date,
        p.carried_to IS NOT NULL AS carried, p.rexray, p.thaiqm_on IS NOT NULL AS thaiqm, p.found_on, p.resolved_on,
        p.survey_year <> 2565 AS fresh, h.origin, h.tambon_code AS tambon, h.unit
    FROM problems p JOIN households h ON h.id = p.household_id),
fa AS (SELECT f.*, a.area FROM f CROSS JOIN LATERAL (VALUES (f.tambon), (f.unit)) a(area) WHERE a.area <> ''),
refs AS (SELECT round_id, household_id, area, origin, cat AS category, fresh, count(*)::bigint AS n FROM (
        SELECT round_id, household_id, area, origin, category AS cat, false AS fresh FROM fa
        UNION ALL SELECT round_id, household_id, area, origin, 0, false FROM fa
        UNION ALL SELECT round_id, household_id, area, origin, category, true FROM fa WHERE fresh
        UNION ALL SELECT round_id, household_id, area, origin, 0, true FROM fa WHERE fresh) x
    GROUP BY 1, 2, 3, 4, 5, 6),
c AS (
    SELECT round_id, 'S'::"char" AS kind, area, category::smallint AS category, status::smallint AS code, urgent, '-infinity'::date AS day FROM fa
    UNION ALL SELECT round_id, 'D', area, category, 0, urgent, target_date FROM fa WHERE status IN (1, 2) AND target_date IS NOT NULL
    UNION ALL SELECT round_id, 'C', area, category, 0, false, '-infinity' FROM fa WHERE carried
    UNION ALL SELECT round_id, 'X', area, category, rexray, false, '-infinity' FROM fa WHERE rexray <> 0
    UNION ALL SELECT round_id, 'Q', area, category, 0, false, '-infinity' FROM fa WHERE thaiqm
    UNION ALL SELECT round_id, 'A', area, 0, 0, false, coalesce(found_on, '-infinity') FROM fa
    UNION ALL SELECT round_id, 'R', area, 0, 0, false, coalesce(resolved_on, 'infinity') FROM fa WHERE status NOT IN (1, 2)
    UNION ALL SELECT round_id, 'V', area, 0, 0, false, coalesce(resolved_on, 'infinity') FROM fa WHERE status IN (3, 4)
    UNION ALL SELECT round_id, 'H', area, category, 0, false, '-infinity' FROM refs WHERE NOT fresh
    UNION ALL SELECT round_id, 'N', area, category, 1, false, '-infinity' FROM refs WHERE NOT fresh AND origin = 2
    UNION ALL SELECT round_id, 'N', area, category, 2, false, '-infinity' FROM refs WHERE fresh AND origin = 1),
want AS (SELECT round_id, kind, area, category, code, urgent, day, count(*)::bigint AS n FROM c GROUP BY 1, 2, 3, 4, 5, 6, 7)
`

// diffSQL is every counter (t 'c') and every household reference (t
// 'r') whose stored value (none: 0) is not the recount's, the first $1 of
// each in key order, each with how many of its kind differ in all: one
// query, so that the recount is made once.
const diffSQL = recountSQL + `,
cdiff AS (
    SELECT round_id, kind, area, category, code, urgent, day, coalesce(k.n, 0) AS stored, coalesce(w.n, 0) AS recount
    FROM (SELECT * FROM counters WHERE n <> 0) k FULL JOIN want w USING (round_id, kind, area, category, code, urgent, day)
    WHERE coalesce(k.n, 0) <> coalesce(w.n, 0)),
rdiff AS (
    SELECT round_id, household_id, area, origin, category, fresh, coalesce(k.n, 0) AS stored, coalesce(w.n, 0) AS recount
    FROM (SELECT * FROM hh_refs WHERE n <> 0) k FULL JOIN refs w USING (round_id, household_id, area, origin, category, fresh)
    WHERE coalesce(k.n, 0) <> coalesce(w.n, 0)),
d AS (
    SELECT 'c' AS t, round_id, kind, 0::bigint AS household_id, area, 0::smallint AS origin, category::smallint AS category, code::smallint AS code,
        urgent, day, false AS fresh, stored, recount FROM cdiff
    UNION ALL SELECT 'r', round_id, ' ', household_id, area, origin::smallint, category::smallint, 0, false, '-infinity', fresh, stored, recount FROM rdiff),
o AS (SELECT d.*, row_number() OVER w AS i, count(*) OVER (PARTITION BY t) AS total FROM d
    WINDOW w AS (PARTITION BY t ORDER BY round_id, kind, household_id, area, origin, category, code, urgent, day, fresh))
SELECT t, round_id, kind, household_id, area, origin, category, code, urgent, CASE WHEN isfinite(day) THEN day END, day = 'infinity',
    fresh, stored, recount, total
FROM o WHERE i <= $1 ORDER BY t, i`

// counterFindings compares the counters and the household references
// with a recount, and names each difference (at most maxFindings of
// each, then how many more); total is how many differ in all.
func counterFindings(ctx context.Context, q querier) (out []string, total int64, err error) {
	rows, err := q.Query(ctx, diffSQL, maxFindings)
	if err != nil {
		return nil, 0, err
	}
	var t string
	var round, household, stored, recount, all int64
	var kind byte
	var area string
	var origin, category, code int16
	var urgent, infinite, fresh bool
	var day pgtype.Date
	var counters, refs []string
	var nCounters, nRefs int64
	if _, err := pgx.ForEachRow(rows, []any{&t, &round, &kind, &household, &area, &origin, &category, &code, &urgent, &day, &infinite, &fresh, &stored, &recount, &all}, func() error {
		if t == "c" {
			nCounters = all
			counters = append(counters, describeCounter(round, kind, area, category, code, urgent, day, infinite)+fmt.Sprintf(": stored %d, recount %d", stored, recount))
			return nil
		}
		nRefs = all
		which := "all its problems"
		if fresh {
			which = "its problems found in the round"
		}
		refs = append(refs, fmt.Sprintf("household reference of round %d: household %d in area %s (origin %d), category %d, %s: stored %d, recount %d",
			round, household, area, origin, category, which, stored, recount))
		return nil
	}); err != nil {
		return nil, 0, err
	}
	if n := nCounters - int64(len(counters)); n > 0 {
		counters = append(counters, fmt.Sprintf("… and %d more counters", n))
	}
	if n := nRefs - int64(len(refs)); n > 0 {
		refs = append(refs, fmt.Sprintf("… and %d more household references", n))
	}
	return append(counters, refs...), nCounters + nRefs, nil
}

// describeCounter names a counter row: what it counts, for which reader,
// and its key.
func describeCounter(round int64, kind byte, area string, category, code int16, urgent bool, day pgtype.Date, infinite bool) string {
	reader := "Counts"
	if kind == 'A' || kind == 'R' || kind == 'V' {
		reader = "History"
	}
	if data.IsUnitCode(area) {
		reader = "Unit" + reader
	}
	what := map[byte]string{'S': "problems by status", 'D': "open problems by target date", 'C': "problems carried into a later round",
		'X': "Re-X-Ray results", 'Q': "problems keyed into ThaiQM", 'H': "households with a problem", 'N': "new cases",
		'A': "problems found", 'R': "problems no longer open", 'V': "problems solved"}[kind]
	if what == "" {
		what = fmt.Sprintf("of unknown kind %q", kind)
	}
	s := fmt.Sprintf("counter of round %d, %s (%s): area %s", round, what, reader, area)
	if kind != 'A' && kind != 'R' && kind != 'V' {
		s += fmt.Sprintf(", category %d", category)
	}
	switch kind {
	case 'S':
		s += fmt.Sprintf(", status %d", code)
	case 'X':
		s += fmt.Sprintf(", result %d", code)
	case 'N':
		s += fmt.Sprintf(", group %d", code)
	}
	if kind == 'S' || kind == 'D' {
		s += fmt.Sprintf(", urgent %v", urgent)
	}
	switch {
	case day.Valid:
		s += ", day " + dateOf(day).String()
	case infinite:
		s += ", no day"
	case kind == 'A':
		s += ", carried over from the survey"
	}
	return s
}

func (c *checker) counters() error {
	out, _, err := counterFindings(c.ctx, c.tx)
	c.findings = append(c.findings, out...)
	if err != nil {
		return err
	}
	out, _, err = summaryFindings(c.ctx, c.tx)
	c.findings = append(c.findings, out...)
	return err
}

// summarySumSQL is summary_counters as migrations/00060_summary_counters.sql
// defines it: the summary's kinds of counters (its history's too), a
// tambon's added up under its amphoe, a municipality's under its code.
const summarySumSQL = `SELECT round_id, kind, CASE WHEN length(area) = 6 AND left(area, 1) = 'M' THEN area ELSE left(area, 4) END AS area,
        category, code, urgent, day, sum(n)::bigint AS n
    FROM counters WHERE kind IN ('S', 'H', 'C', 'X', 'N', 'Q', 'D', 'A', 'R', 'V')
    GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0`

// summaryDiffSQL is every row of summary_counters (none: 0) that is not
// the sum of its areas' counters, the first $1 in key order, each with
// how many differ in all.
const summaryDiffSQL = `WITH want AS (` + summarySumSQL + `),
d AS (SELECT round_id, kind, area, category, code, urgent, day, coalesce(k.n, 0) AS stored, coalesce(w.n, 0) AS sum
    FROM (SELECT * FROM summary_counters WHERE n <> 0) k FULL JOIN want w USING (round_id, kind, area, category, code, urgent, day)
    WHERE coalesce(k.n, 0) <> coalesce(w.n, 0))
SELECT round_id, kind, area, category, code, urgent, CASE WHEN isfinite(day) THEN day END, day = 'infinity', stored, sum, count(*) OVER ()
FROM d ORDER BY round_id, kind, area, category, code, urgent, day LIMIT $1`

// summaryFindings compares summary_counters with the sum of counters, and
// names each difference (at most maxFindings, then how many more); total
// is how many differ in all.
func summaryFindings(ctx context.Context, q querier) (out []string, total int64, err error) {
	rows, err := q.Query(ctx, summaryDiffSQL, maxFindings)
	if err != nil {
		return nil, 0, err
	}
	var round, stored, sum int64
	var kind byte
	var area string
	var category, code int16
	var urgent, infinite bool
	var day pgtype.Date
	if _, err := pgx.ForEachRow(rows, []any{&round, &kind, &area, &category, &code, &urgent, &day, &infinite, &stored, &sum, &total}, func() error {
		out = append(out, "summary "+describeCounter(round, kind, area, category, code, urgent, day, infinite)+
			fmt.Sprintf(": stored %d, its areas' counters add up to %d", stored, sum))
		return nil
	}); err != nil {
		return nil, 0, err
	}
	if n := total - int64(len(out)); n > 0 {
		out = append(out, fmt.Sprintf("… and %d more summary counters", n))
	}
	return out, total, nil
}

// auditResult is what auditCheck found.
type auditResult struct {
	n        int64
	findings []string
	check    data.AuditCheck
}

// auditCheck walks the audit log in q's snapshot and reports, in English,
// every entry that was changed, removed, renumbered or added outside the
// program, and an end that disagrees with the head the meta row records
// (entries cut off, the log emptied). Each entry's seal must be SHA-256
// of the seal before it and the entry's text (Store.audit), its text must
// read as an entry of its own number, and its columns (at, who, op,
// entity, record_id) must say what its text says (its time to the
// microsecond PostgreSQL keeps).
//
// The log is sealed without a key (anyone who may write the audit table
// could seal a new log): Unverified says so, in Thai, when the log checks
// out.
func auditCheck(ctx context.Context, q querier) (res auditResult, err error) {
	var found capped
	add := func(format string, args ...any) {
		found.add(fmt.Sprintf("audit: "+format, args...))
	}
	rows, err := q.Query(ctx, `SELECT seq, entry::text, seal, at, who, op, entity, record_id FROM audit ORDER BY seq`)
	if err != nil {
		return res, err
	}
	var prev []byte
	var want int64 = 1
	var seq, recordID int64
	var entry, who, op, entity string
	var seal []byte
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&seq, &entry, &seal, &at, &who, &op, &entity, &recordID}, func() error {
		res.n++
		if seq != want {
			add("entries %d–%d are missing", want, seq-1)
		}
		want = seq + 1
		var e data.AuditEntry
		if err := json.Unmarshal([]byte(entry), &e); err != nil || e.Seq != uint64(seq) {
			add("entry %d is unreadable or renumbered", seq)
		} else if d := e.At.Sub(at); d <= -time.Microsecond || d >= time.Microsecond || e.Who != who || e.Op != op || e.Entity != entity || e.ID != uint64(recordID) {
			add("entry %d: its columns (at, who, op, entity, record_id) differ from its sealed text: they were changed", seq)
		}
		h := sha256.New()
		h.Write(prev)
		h.Write([]byte(entry))
		if !bytes.Equal(h.Sum(nil), seal) {
			add("entry %d was changed, or an entry before it was removed", seq)
		}
		prev = bytes.Clone(seal)
		return nil
	}); err != nil {
		return res, err
	}
	last := want - 1
	var headSeq int64
	var headSeal []byte
	if err := q.QueryRow(ctx, `SELECT audit_seq, audit_seal FROM meta`).Scan(&headSeq, &headSeal); err != nil {
		return res, err
	}
	switch {
	case res.n == 0 && headSeq != 0:
		add("the log was emptied (the recorded head is entry %d)", headSeq)
	case res.n == 0:
	case headSeq > last:
		add("the log ends at entry %d but the recorded head is entry %d: the last entries were removed", last, headSeq)
	case headSeq < last:
		add("the log goes on to entry %d past the recorded head, entry %d: entries were added outside qmdesk", last, headSeq)
	case !bytes.Equal(headSeal, prev):
		add("entry %d is not the one the recorded head names: the last entry was replaced", last)
	}
	if res.n > 0 {
		res.check.Head = data.AuditAnchor{Seq: uint64(last), Hash: hex.EncodeToString(prev)}
	}
	res.findings = found.done()
	res.check.Tampered = len(res.findings) > 0
	if !res.check.Tampered && res.n > 0 {
		res.check.Unverified = append(res.check.Unverified, fmt.Sprintf(
			"บันทึกการแก้ไขทั้ง %s รายการบนฐานข้อมูลกลางต่อเนื่องกันครบถึงรายการล่าสุด แต่ไม่ได้ปิดผนึกด้วยกุญแจ: "+
				"ผู้ดูแลเซิร์ฟเวอร์ที่มีสิทธิ์แก้ตารางบันทึกนี้อาจเขียนใหม่ทั้งชุดได้ "+
				"ถ้าต้องการยืนยันว่าบันทึกถึงรายการที่พิมพ์ท้ายเอกสารประชุมไม่ถูกเขียนใหม่ ให้ตรวจด้วย qmdesk check --anchor ตามด้วยรหัสนั้น",
			data.FormatNumber(res.n)))
	}
	return res, nil
}
