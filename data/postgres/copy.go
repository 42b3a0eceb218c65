package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
)

// A copy of the whole province (data/copy.go): CopyOut streams this
// database out in one repeatable-read transaction; CopyIn writes a copy
// into this database, which must never have been set up, in one
// transaction.

// opMigrate is the audit entry a copy's destination adds after the
// entries it copied.
const opMigrate = "migrate"

// auditCopyPage is how many audit entries a copy reads and hands on at
// once.
const auditCopyPage = 1000

// source names the database for a copy's "migrate" entry: the server and
// the database, never the password.
func (s *Store) source() string {
	cc := s.pool.Config().ConnConfig
	return "PostgreSQL " + cc.Host + ":" + strconv.Itoa(int(cc.Port)) + "/" + cc.Database
}

// CopyOut hands w the whole province as it is at one moment: everything
// is read in one repeatable-read, read-only transaction. The audit log's
// chain is verified first, in that transaction (each entry's seal is the
// SHA-256 of the seal before and its JSON, numbered from 1 without a gap,
// ending at the head the meta row holds): a log that fails is refused,
// and nothing is handed on. A database never set up is refused too.
func (s *Store) CopyOut(ctx context.Context, w data.CopyWriter) error {
	return s.readStream(ctx, func(tx pgx.Tx) error {
		head, n, err := verifyChain(ctx, tx)
		if err != nil {
			return err
		}
		h := data.CopyHead{Source: s.source(), AuditHead: head, AuditEntries: n}
		if h.Meta, err = getMeta(ctx, tx, false); err != nil {
			return err
		}
		if h.Meta.Province == "" {
			return data.Errorf(data.EINVALID, "ฐานข้อมูล %s ยังไม่ได้ตั้งค่าจังหวัด จึงไม่มีข้อมูลให้คัดลอก", "database %s not initialised", s.source())
		}
		if h.Rounds, err = collect(ctx, tx, func(row pgx.Row, r *data.Round) error { return scanRound(row, r) }, `SELECT `+roundColumns+` FROM rounds ORDER BY id`); err != nil {
			return err
		}
		if h.SubProblems, err = getSubProblems(ctx, tx); err != nil {
			return err
		}
		if h.Units, err = getUnits(ctx, tx); err != nil {
			return err
		}
		if h.Aliases, err = getAliases(ctx, tx); err != nil {
			return err
		}
		var last [4]int64
		for i, table := range []string{"rounds", "households", "problems", "actions"} {
			if err := tx.QueryRow(ctx, `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass), 0)`, table).Scan(&last[i]); err != nil {
				return err
			}
		}
		h.LastIDs = data.CopyIDs{Rounds: uint64(last[0]), Households: uint64(last[1]), Problems: uint64(last[2]), Actions: uint64(last[3])}
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM households), (SELECT count(*) FROM problems), (SELECT count(*) FROM actions),
			(SELECT count(*) FROM imports WHERE NOT committing), (SELECT count(*) FROM reviews WHERE decision = '')`).
			Scan(&h.Sizes.Households, &h.Sizes.Problems, &h.Sizes.Actions, &h.Imports, &h.PendingReviews); err != nil {
			return err
		}
		if err := w.Head(ctx, h); err != nil {
			return err
		}
		if err := copyOutHouseholds(ctx, tx, w); err != nil {
			return err
		}
		return copyOutAudit(ctx, tx, w)
	})
}

// verifyChain reads the audit log in order and checks its chain against
// the head the meta row holds; it returns that head and how many entries
// there are.
func verifyChain(ctx context.Context, tx pgx.Tx) (data.AuditAnchor, int64, error) {
	var headSeq int64
	var headSeal []byte
	if err := tx.QueryRow(ctx, `SELECT audit_seq, audit_seal FROM meta`).Scan(&headSeq, &headSeal); err != nil {
		return data.AuditAnchor{}, 0, err
	}
	var prev []byte
	var seq int64
	fail := func(format string, args ...any) (data.AuditAnchor, int64, error) {
		return data.AuditAnchor{}, 0, data.Messages(data.EINVALID, "บันทึกการแก้ไขของฐานข้อมูลนี้ไม่ผ่านการตรวจสอบ จึงไม่คัดลอกไปที่อื่น: แจ้งผู้ดูแลเซิร์ฟเวอร์และเจ้าหน้าที่ไอทีของจังหวัด", nil,
			"the audit log fails its check: %s", fmt.Sprintf(format, args...))
	}
	for {
		type row struct {
			seq   int64
			entry string
			seal  []byte
		}
		page, err := collect(ctx, tx, func(r pgx.Row, v *row) error { return r.Scan(&v.seq, &v.entry, &v.seal) },
			`SELECT seq, entry::text, seal FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2`, seq, auditCopyPage)
		if err != nil {
			return data.AuditAnchor{}, 0, err
		}
		if len(page) == 0 {
			break
		}
		for _, r := range page {
			if r.seq != seq+1 {
				return fail("entries %d–%d are missing", seq+1, r.seq-1)
			}
			h := sha256.New()
			h.Write(prev)
			h.Write([]byte(r.entry))
			if !bytes.Equal(h.Sum(nil), r.seal) {
				return fail("entry %d was changed, or an entry before it was removed", r.seq)
			}
			seq, prev = r.seq, r.seal
		}
	}
	if seq != headSeq || !bytes.Equal(prev, headSeal) {
		return fail("the log ends at entry %d, the recorded head is entry %d", seq, headSeq)
	}
	if seq == 0 {
		return data.AuditAnchor{}, 0, nil
	}
	return data.AuditAnchor{Seq: uint64(seq), Hash: hex.EncodeToString(prev)}, seq, nil
}

// copyOutHouseholds hands w every household with its problems and their
// actions, data.CopyBatch households at a time, read in keyset pages.
func copyOutHouseholds(ctx context.Context, tx pgx.Tx, w data.CopyWriter) error {
	var after int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		households, err := collect(ctx, tx, scanHousehold, `SELECT `+householdColumns+` FROM households WHERE id > $1 ORDER BY id LIMIT $2`, after, data.CopyBatch)
		if err != nil || len(households) == 0 {
			return err
		}
		first, last := int64(households[0].ID), int64(households[len(households)-1].ID)
		problems, err := collect(ctx, tx, scanProblem, `SELECT `+problemColumns+` FROM problems WHERE household_id BETWEEN $1 AND $2 ORDER BY household_id, id`, first, last)
		if err != nil {
			return err
		}
		actions, err := collect(ctx, tx, scanAction, `SELECT a.id, a.problem_id, a.date, a.agency, a.what, a.budget_satang, a.result, a.note, a.recorded_by, a.recorded_at, a.thaiqm_on
			FROM actions a JOIN problems p ON p.id = a.problem_id WHERE p.household_id BETWEEN $1 AND $2 ORDER BY p.household_id, a.problem_id, a.id`, first, last)
		if err != nil {
			return err
		}
		batch := make([]data.Bundle, len(households))
		for i, h := range households {
			batch[i].Household = h
			for len(problems) > 0 && problems[0].HouseholdID == h.ID {
				pb := data.ProblemBundle{Problem: problems[0]}
				problems = problems[1:]
				for len(actions) > 0 && actions[0].ProblemID == pb.Problem.ID {
					pb.Actions = append(pb.Actions, actions[0])
					actions = actions[1:]
				}
				batch[i].Problems = append(batch[i].Problems, pb)
			}
		}
		if len(problems) > 0 || len(actions) > 0 {
			return fmt.Errorf("postgres: copy: %d problems and %d actions out of order", len(problems), len(actions))
		}
		if err := w.Households(ctx, batch); err != nil {
			return err
		}
		after = last
	}
}

// copyOutAudit hands w the audit log's entries in order.
func copyOutAudit(ctx context.Context, tx pgx.Tx, w data.CopyWriter) error {
	var after int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		page, err := collect(ctx, tx, func(r pgx.Row, e *data.AuditEntry) error {
			var seq int64
			var entry string
			if err := r.Scan(&seq, &entry); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(entry), e); err != nil {
				return data.Errorf(data.EDAMAGED, "อ่านบันทึกการแก้ไขลำดับที่ %d ไม่ได้", "audit entry %d cannot be read", seq)
			}
			return nil
		}, `SELECT seq, entry::text FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2`, after, auditCopyPage)
		if err != nil || len(page) == 0 {
			return err
		}
		if err := w.Audit(ctx, page); err != nil {
			return err
		}
		after = int64(page[len(page)-1].Seq)
	}
}

// CopyIn writes the copy fill hands it into this database in one
// transaction, committed only once everything is in: a failure or a
// cancel of ctx leaves the database as it was. The database must never
// have been set up (no province, no round, household or audit entry);
// another is refused before anything is written. The records go in as
// they are, with their IDs and stamps (to the microsecond, what
// PostgreSQL keeps), by COPY; the counters follow from the database's
// triggers. The audit entries are sealed anew in this database's chain,
// numbered from 1 in order, then CopyIn adds the "migrate" entry naming
// the source and what was copied. The ID sequences go on after the
// source's last IDs. A clerk's role may do it (the administrator set the
// database up).
func (s *Store) CopyIn(ctx context.Context, fill func(w data.CopyWriter) error) (rep data.CopyReport, err error) {
	err = s.write(ctx, func(tx pgx.Tx) error {
		var used bool
		if err := tx.QueryRow(ctx, `SELECT province IS NOT NULL OR audit_seq > 0 OR units_set
			OR EXISTS (SELECT 1 FROM rounds) OR EXISTS (SELECT 1 FROM households) OR EXISTS (SELECT 1 FROM audit)
			OR EXISTS (SELECT 1 FROM imports) OR EXISTS (SELECT 1 FROM reviews) OR EXISTS (SELECT 1 FROM agency_aliases) FROM meta`).Scan(&used); err != nil {
			return err
		}
		if used {
			return data.CopyDestNotEmpty(s.source())
		}
		w := &pgCopy{s: s, tx: tx}
		if err := fill(w); err != nil {
			return err
		}
		if !w.head {
			return errors.New("postgres: a copy without its head")
		}
		// The sequences are moved on by nextval, which a clerk's role may
		// call (setval needs a right on the sequence clerks do not have).
		for table, n := range map[string]uint64{"rounds": w.last.Rounds, "households": w.last.Households, "problems": w.last.Problems, "actions": w.last.Actions} {
			var last int64
			if err := tx.QueryRow(ctx, `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass), 0)`, table).Scan(&last); err != nil {
				return err
			}
			if int64(n) <= last {
				continue
			}
			if _, err := tx.Exec(ctx, `SELECT max(nextval(pg_get_serial_sequence($1, 'id'))) FROM generate_series(1, $2)`, table, int64(n)-last); err != nil {
				return err
			}
		}
		rep = w.rep
		return s.audit(ctx, tx, opMigrate, "database", 0, nil, rep, data.MigrateNote)
	})
	if err != nil {
		return data.CopyReport{}, err
	}
	return rep, nil
}

// pgCopy is CopyIn's writer, in its transaction.
type pgCopy struct {
	s    *Store
	tx   pgx.Tx
	head bool
	last data.CopyIDs // the sequences to set: the source's, or the highest ID written
	seq  int64        // the last audit entry written
	prev []byte       // its seal
	rep  data.CopyReport
}

func (w *pgCopy) Head(ctx context.Context, h data.CopyHead) error {
	if w.head {
		return errors.New("postgres: a copy with two heads")
	}
	w.head, w.last = true, h.LastIDs
	w.rep = data.CopyReport{Source: h.Source, SourceHead: h.AuditHead, Imports: h.Imports}
	tx := w.tx
	rounds := make([][]any, len(h.Rounds))
	for i, r := range h.Rounds {
		rounds[i] = []any{int64(r.ID), r.Name, r.SurveyYear, dateArg(r.Start), dateArg(r.Deadline)}
		w.last.Rounds = max(w.last.Rounds, r.ID)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"rounds"}, []string{"id", "name", "survey_year", "start", "deadline"}, pgx.CopyFromRows(rounds)); err != nil {
		return err
	}
	if err := putMeta(ctx, tx, h.Meta); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM sub_problems`); err != nil {
		return err
	}
	sub := make([][]any, len(h.SubProblems))
	for i, e := range h.SubProblems {
		sub[i] = []any{i, int16(e.Category), e.Name, e.Urgent, e.Sensitive}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"sub_problems"}, []string{"position", "category", "name", "urgent", "sensitive"}, pgx.CopyFromRows(sub)); err != nil {
		return err
	}
	var units, tambons [][]any
	for i, u := range h.Units {
		units = append(units, []any{i, u.Code, u.Name, string(u.Type)})
		for j, t := range u.Tambons {
			tambons = append(tambons, []any{i, j, t.Code, t.Full})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"units"}, []string{"position", "code", "name", "type"}, pgx.CopyFromRows(units)); err != nil {
		return err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"unit_tambons"}, []string{"unit_position", "position", "tambon_code", "full"}, pgx.CopyFromRows(tambons)); err != nil {
		return err
	}
	var aliases [][]any
	for k, v := range h.Aliases {
		aliases = append(aliases, []any{k, v})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"agency_aliases"}, []string{"from_key", "into_name"}, pgx.CopyFromRows(aliases)); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE meta SET sub_problems_set = $1, units_set = $2`, h.SubProblems != nil, h.Units != nil)
	return err
}

func (w *pgCopy) Households(ctx context.Context, batch []data.Bundle) error {
	if !w.head {
		return errors.New("postgres: households before the copy's head")
	}
	var hrows, prows, arows [][]any
	for i := range batch {
		h := &batch[i].Household
		hrows = append(hrows, append([]any{int64(h.ID)}, householdArgs(h)...))
		w.last.Households = max(w.last.Households, h.ID)
		for j := range batch[i].Problems {
			p := &batch[i].Problems[j].Problem
			if p.HouseholdID != h.ID {
				return fmt.Errorf("postgres: copy: problem %d of household %d handed with household %d", p.ID, p.HouseholdID, h.ID)
			}
			prows = append(prows, append([]any{int64(p.ID)}, problemArgs(p)...))
			w.last.Problems = max(w.last.Problems, p.ID)
			for _, a := range batch[i].Problems[j].Actions {
				if a.ProblemID != p.ID {
					return fmt.Errorf("postgres: copy: action %d of problem %d handed with problem %d", a.ID, a.ProblemID, p.ID)
				}
				arows = append(arows, []any{int64(a.ID), int64(a.ProblemID), dateArg(a.Date), a.Agency, a.What, a.Budget, int16(a.Result), a.Note,
					a.RecordedBy, a.RecordedAt, dateArg(a.ThaiQMOn)})
				w.last.Actions = max(w.last.Actions, a.ID)
			}
		}
	}
	// A household's problems are all in its batch, so a problem's round
	// links (to a problem of the same household) find theirs within the
	// one COPY of the batch's problems.
	for _, c := range []struct {
		table   string
		columns []string
		rows    [][]any
	}{{"households", householdColumnNames, hrows}, {"problems", problemColumnNames, prows}, {"actions", actionColumnNames, arows}} {
		if len(c.rows) == 0 {
			continue
		}
		if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.columns, pgx.CopyFromRows(c.rows)); err != nil {
			return err
		}
	}
	w.rep.Tally(batch)
	return nil
}

func (w *pgCopy) Audit(ctx context.Context, entries []data.AuditEntry) error {
	if !w.head {
		return errors.New("postgres: audit entries before the copy's head")
	}
	rows := make([][]any, len(entries))
	for i := range entries {
		e := entries[i]
		w.seq++
		e.Seq, e.Key = uint64(w.seq), ""
		entry, err := json.Marshal(e)
		if err != nil {
			return err
		}
		h := sha256.New()
		h.Write(w.prev)
		h.Write(entry)
		w.prev = h.Sum(nil)
		rows[i] = []any{w.seq, e.At, e.Who, e.Op, e.Entity, int64(e.ID), string(entry), w.prev}
	}
	if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"audit"}, []string{"seq", "at", "who", "op", "entity", "record_id", "entry", "seal"}, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	if _, err := w.tx.Exec(ctx, `UPDATE meta SET audit_seq = $1, audit_seal = $2`, w.seq, w.prev); err != nil {
		return err
	}
	w.rep.AuditEntries += int64(len(entries))
	return nil
}
