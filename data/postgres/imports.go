package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
)

// CommitImport applies a batch and records it in one transaction, whole
// or not at all: PostgreSQL rolls it back on any failure, on a cancel of
// ctx or when the connection is lost, and nothing of it is left, its IDs
// included (laterIDs: the sequences move only once everything is
// written, just before the commit; a failure of the commit itself leaves
// a gap in the IDs, nothing else). It refuses (ECONFLICT) when a record
// the batch was planned against has changed since (its UpdatedAt is not
// the batch's Seen), as the bbolt store does. The counters move with the
// records (00003's statement triggers); each problem the import changes
// gets its audit entry, and the import one, as in the bbolt store.
func (s *Store) CommitImport(ctx context.Context, b *data.ImportBatch) (data.ImportRecord, error) {
	if err := ctx.Err(); err != nil {
		return data.ImportRecord{}, err
	}
	var rec data.ImportRecord
	err := s.write(ctx, func(tx pgx.Tx) error {
		log := &auditBatch{s: s}
		var err error
		if rec, err = s.commitBatch(ctx, tx, b, 0, log); err != nil {
			return err
		}
		return s.flushAudit(ctx, tx, log)
	})
	if err != nil {
		if cerr := ctx.Err(); cerr != nil { // cancelled: say so, whatever the statement it broke said
			err = cerr
		}
		return data.ImportRecord{}, err
	}
	return rec, nil
}

// importCommit is a batch being written in a transaction.
type importCommit struct {
	s     *Store
	ctx   context.Context
	tx    pgx.Tx
	b     *data.ImportBatch
	log   *auditBatch
	ids   *laterIDs
	rec   data.ImportRecord
	who   string
	today data.Date
	hhIDs []uint64 // the register's ID of each household of the batch
	pIDs  []uint64 // of each problem
	pNew  []bool   // the problems the batch creates
	undo  [][]any  // import_undo's rows
	// The IDs created, first and last, by kind (0: none).
	households, problems, actions [2]uint64
}

// commitBatch writes batch b in tx: the ledger entry, the households, the
// problems, the actions, the rows sent to review, the row fates, what
// undo needs, and the audit entries into log (flushed by the caller). A
// decision's batch (reviewOf, the review's ID) says so in its entry's
// note.
func (s *Store) commitBatch(ctx context.Context, tx pgx.Tx, b *data.ImportBatch, reviewOf uint64, log *auditBatch) (data.ImportRecord, error) {
	c := &importCommit{s: s, ctx: ctx, tx: tx, b: b, log: log, ids: &laterIDs{}, who: data.OperatorFrom(ctx), today: s.today()}
	id, err := c.ids.take(ctx, tx, "imports", 1)
	if err != nil {
		return c.rec, err
	}
	c.rec = data.ImportRecord{ID: uint64(id[0]), File: b.File, SHA256: b.SHA256, Sheet: b.Sheet, Who: c.who, At: s.now(), Counts: b.Counts}
	r := &c.rec
	if _, err := tx.Exec(ctx, `INSERT INTO imports (id, file, sha256, sheet, who, at, rows, new_households, new_problems, updated, unchanged, review, rejected)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		int64(r.ID), r.File, r.SHA256, r.Sheet, r.Who, r.At, r.Counts.Rows, r.Counts.NewHouseholds, r.Counts.NewProblems, r.Counts.Updated,
		r.Counts.Unchanged, r.Counts.Review, r.Counts.Rejected); err != nil {
		return c.rec, err
	}
	for _, part := range []func() error{c.writeHouseholds, c.writeProblems, c.writeActions, c.writeReviews, c.writeRows, c.writeUndo} {
		if err := ctx.Err(); err != nil {
			return c.rec, err
		}
		if err := part(); err != nil {
			return c.rec, err
		}
		if err := b.Err(); err != nil { // an entry the batch could not read back from its temporary file
			return c.rec, err
		}
	}
	if err := c.ids.advance(ctx, tx); err != nil {
		return c.rec, err
	}
	note := fmt.Sprintf("import %d: %s", r.ID, b.File)
	if reviewOf != 0 {
		note = fmt.Sprintf("review %d decided: import %d", reviewOf, r.ID)
	}
	return c.rec, log.add("import", "import", r.ID, nil, c.rec, note)
}

// changed is the refusal of a record changed since the dry run, as the
// bbolt store words it.
func changed(what string, id uint64) error {
	return data.Errorf(data.ECONFLICT, "%s เลขที่ %d ถูกแก้ไขหลังจากตรวจสอบไฟล์ (dry run) กรุณาตรวจสอบไฟล์อีกครั้งก่อนนำเข้า", "%s %d changed since the dry run", what, id)
}

// importDay is the ChangedOn of a record an import creates or changes, as
// the bbolt store's: the date of the information its rows carry (asOf),
// never after today, and today when they carry none; a record keeps a
// later ChangedOn it had before.
func importDay(asOf, today, before data.Date) data.Date {
	day := asOf
	if day.IsZero() || day.After(today) {
		day = today
	}
	if before.After(day) {
		return before
	}
	return day
}

// span grows an ID range to hold id.
func span(r *[2]uint64, id uint64) {
	if r[0] == 0 || id < r[0] {
		r[0] = id
	}
	r[1] = max(r[1], id)
}

// copyEach streams n rows into table with COPY, row(i) making row i; nil
// skips it. An error of row comes back as it was (not as COPY's).
func (c *importCommit) copyEach(table string, columns []string, n int, row func(i int) ([]any, error)) error {
	var failed error
	i := 0
	_, err := c.tx.CopyFrom(c.ctx, pgx.Identifier{table}, columns, pgx.CopyFromFunc(func() ([]any, error) {
		for ; i < n; i++ {
			v, err := row(i)
			if err != nil {
				failed = err
				return nil, err
			}
			if v != nil {
				i++
				return v, nil
			}
		}
		return nil, nil
	}))
	if failed != nil {
		return failed
	}
	return err
}

// updateFrom writes rows (each an ID then the columns of columns after
// id) over table's records of those IDs, in one statement (the counters'
// statement trigger runs once): COPY into a temporary table, then UPDATE
// from it.
func (c *importCommit) updateFrom(table, columns string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	tmp := "qm_import_" + table
	if _, err := c.tx.Exec(c.ctx, `CREATE TEMP TABLE `+tmp+` (LIKE `+table+`) ON COMMIT DROP`); err != nil {
		return err
	}
	names := columnNames(columns)
	if _, err := c.tx.CopyFrom(c.ctx, pgx.Identifier{tmp}, names, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	set := make([]string, 0, len(names)-1)
	for _, n := range names[1:] {
		set = append(set, "t."+n)
	}
	_, err := c.tx.Exec(c.ctx, `UPDATE `+table+` r SET (`+strings.Join(names[1:], ", ")+`) = (`+strings.Join(set, ", ")+`) FROM `+tmp+` t WHERE r.id = t.id`)
	if err != nil {
		return err
	}
	_, err = c.tx.Exec(c.ctx, `DROP TABLE `+tmp)
	return err
}

// addUndo records a changed household or problem as it was, or an
// appended action, for the undo.
func (c *importCommit) addUndo(kind string, id, problem uint64, before any, after any) error {
	var b any
	if before != nil {
		j, err := json.Marshal(before)
		if err != nil {
			return err
		}
		b = string(j)
	}
	c.undo = append(c.undo, []any{int64(c.rec.ID), len(c.undo) + 1, kind, int64(id), idArg(problem), b, after})
	return nil
}

func (c *importCommit) writeHouseholds() error {
	b := c.b
	n := b.NumHouseholds()
	c.hhIDs = make([]uint64, n)
	var known []int64
	created := 0
	for i := range n {
		if hc := b.Household(i); hc.Op == data.OpNew {
			created++
		} else {
			known = append(known, int64(hc.Household.ID))
		}
	}
	cur, err := householdsByID(c.ctx, c.tx, known)
	if err != nil {
		return err
	}
	units, err := getUnits(c.ctx, c.tx)
	if err != nil {
		return err
	}
	ids, err := c.ids.take(c.ctx, c.tx, "households", created)
	if err != nil {
		return err
	}
	next := 0
	updates := rowUpdates{} // a household changed twice is written once, as it ends
	err = c.copyEach("households", householdColumnNames, n, func(i int) ([]any, error) {
		hc := b.Household(i)
		h := hc.Household
		if hc.Op == data.OpNew {
			h.Normalize()
			if err := h.Validate(); err != nil {
				return nil, err
			}
			units.SettleUnit(&h)
			h.ID = uint64(ids[next])
			next++
			h.CreatedAt, h.UpdatedAt = c.rec.At, c.rec.At
			h.ChangedOn, h.ChangedBy = importDay(hc.AsOf, c.today, data.Date{}), c.who
			span(&c.households, h.ID)
			c.hhIDs[i] = h.ID
			return append([]any{int64(h.ID)}, householdArgs(&h)...), nil
		}
		old, ok := cur[h.ID]
		if !ok {
			return nil, data.Errorf(data.ENOTFOUND, "ไม่พบครัวเรือนเลขที่ %d", "household %d not found", h.ID)
		}
		if !old.UpdatedAt.Equal(hc.Seen) {
			return nil, changed("ครัวเรือน", h.ID)
		}
		if hc.Op == data.OpUpdate {
			h.Normalize()
			if err := h.Validate(); err != nil {
				return nil, err
			}
			units.SettleUnit(&h)
			h.CreatedAt, h.UpdatedAt = old.CreatedAt, c.rec.At
			h.ChangedOn, h.ChangedBy = importDay(hc.AsOf, c.today, old.ChangedOn), c.who
			if err := c.addUndo("household", h.ID, 0, old, h.UpdatedAt); err != nil {
				return nil, err
			}
			updates.set(h.ID, append([]any{int64(h.ID)}, householdArgs(&h)...))
			cur[h.ID] = h
		}
		c.hhIDs[i] = h.ID
		return nil, nil
	})
	if err != nil {
		return err
	}
	return c.updateFrom("households", householdColumns, updates.rows)
}

// rowUpdates are the rows a commit writes over records, one a record: a
// record changed twice by one workbook is written once, as it ends.
type rowUpdates struct {
	rows [][]any
	at   map[uint64]int // record ID → its row
}

// set puts row as record id's, in place of an earlier one.
func (u *rowUpdates) set(id uint64, row []any) {
	if k, ok := u.at[id]; ok {
		u.rows[k] = row
		return
	}
	if u.at == nil {
		u.at = map[uint64]int{}
	}
	u.at[id] = len(u.rows)
	u.rows = append(u.rows, row)
}

// householdsByID reads households by ID, in one query.
func householdsByID(ctx context.Context, tx pgx.Tx, ids []int64) (map[uint64]data.Household, error) {
	out := make(map[uint64]data.Household, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := tx.Query(ctx, `SELECT `+householdColumns+` FROM households WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h data.Household
		if err := scanHousehold(rows, &h); err != nil {
			return nil, err
		}
		out[h.ID] = h
	}
	return out, rows.Err()
}

// problemsByID reads problems by ID, in one query.
func problemsByID(ctx context.Context, tx pgx.Tx, ids []int64) (map[uint64]data.Problem, error) {
	out := make(map[uint64]data.Problem, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := tx.Query(ctx, `SELECT `+problemColumns+` FROM problems WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p data.Problem
		if err := scanProblem(rows, &p); err != nil {
			return nil, err
		}
		out[p.ID] = p
	}
	return out, rows.Err()
}

// allRounds reads every round, by ID.
func allRounds(ctx context.Context, tx pgx.Tx) (map[uint64]data.Round, error) {
	rows, err := tx.Query(ctx, `SELECT `+roundColumns+` FROM rounds`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[uint64]data.Round{}
	for rows.Next() {
		var r data.Round
		if err := scanRound(rows, &r); err != nil {
			return nil, err
		}
		out[r.ID] = r
	}
	return out, rows.Err()
}

// editableIn is editable with the current round and the rounds read
// before: it refuses a change to a problem carried into a later round or
// of a round that is not the current one, with the same errors.
func editableIn(p *data.Problem, current uint64, rounds map[uint64]data.Round) error {
	if p.CarriedTo != 0 {
		return data.Errorf(data.ECONFLICT, "ปัญหาเลขที่ %d ยกไปติดตามต่อในรอบใหม่แล้ว (ปัญหาเลขที่ %d): กรุณาบันทึกที่ปัญหาในรอบใหม่", "problem %d was carried over to problem %d", p.ID, p.CarriedTo)
	}
	if p.RoundID != current {
		name := rounds[p.RoundID].Name
		return data.Errorf(data.ECONFLICT, "ปัญหาเลขที่ %d อยู่ในรอบ %s ซึ่งไม่ใช่รอบปัจจุบัน: รอบเก่าเก็บไว้ตามเดิม ถ้าปัญหากลับมาอีก ให้บันทึกเป็นปัญหาในรอบปัจจุบัน (หรือตั้งรอบนั้นเป็นรอบปัจจุบันก่อน: qmdesk round use)",
			"problem %d is in round %s, not the current one", p.ID, name)
	}
	return nil
}

func (c *importCommit) writeProblems() error {
	b := c.b
	n := b.NumProblems()
	c.pIDs, c.pNew = make([]uint64, n), make([]bool, n)
	var known []int64
	created := 0
	for i := range n {
		if pc := b.Problem(i); pc.Op == data.OpNew {
			created++
		} else {
			known = append(known, int64(pc.Problem.ID))
		}
	}
	cur, err := problemsByID(c.ctx, c.tx, known)
	if err != nil {
		return err
	}
	m, err := getMeta(c.ctx, c.tx, false)
	if err != nil {
		return err
	}
	rounds, err := allRounds(c.ctx, c.tx)
	if err != nil {
		return err
	}
	ids, err := c.ids.take(c.ctx, c.tx, "problems", created)
	if err != nil {
		return err
	}
	next := 0
	updates := rowUpdates{}
	err = c.copyEach("problems", problemColumnNames, n, func(i int) ([]any, error) {
		pc := b.Problem(i)
		p := pc.Problem
		ref := pc.HouseholdRef
		if ref < 0 || ref >= len(c.hhIDs) {
			return nil, data.Messages(data.EINTERNAL, "ข้อมูลนำเข้าไม่สมบูรณ์", nil, "problem %d refers to household ref %d", i, ref)
		}
		p.HouseholdID = c.hhIDs[ref]
		c.pNew[i] = pc.Op == data.OpNew
		if pc.Op == data.OpNew {
			if p.Status == 0 {
				p.Status = data.NotStarted
			}
			if p.RoundID == 0 {
				p.RoundID = m.DefaultRound
			}
			r, ok := rounds[p.RoundID] // a problem of an unknown round is refused
			if !ok {
				return nil, data.Errorf(data.ENOTFOUND, "ไม่พบรอบที่ %d", "round %d not found", p.RoundID)
			}
			if err := p.PrepareNew(r, c.today); err != nil {
				return nil, err
			}
			p.ID = uint64(ids[next])
			next++
			p.CreatedAt, p.UpdatedAt = c.rec.At, c.rec.At
			p.ChangedOn, p.ChangedBy = importDay(pc.AsOf, c.today, data.Date{}), c.who
			span(&c.problems, p.ID)
			c.pIDs[i] = p.ID
			return append([]any{int64(p.ID)}, problemArgs(&p)...), nil
		}
		old, ok := cur[p.ID]
		if !ok {
			return nil, data.Errorf(data.ENOTFOUND, "ไม่พบปัญหาเลขที่ %d", "problem %d not found", p.ID)
		}
		if !old.UpdatedAt.Equal(pc.Seen) {
			return nil, changed("ปัญหา", p.ID)
		}
		if pc.Op == data.OpUpdate {
			if err := editableIn(&old, m.DefaultRound, rounds); err != nil {
				return nil, err
			}
			if err := p.PrepareUpdate(&old, c.today); err != nil {
				return nil, err
			}
			p.CreatedAt, p.UpdatedAt = old.CreatedAt, c.rec.At
			p.ChangedOn, p.ChangedBy = importDay(pc.AsOf, c.today, old.ChangedOn), c.who
			if err := c.log.add("update", "problem", p.ID, old, p, ""); err != nil {
				return nil, err
			}
			if err := c.addUndo("problem", p.ID, 0, old, p.UpdatedAt); err != nil {
				return nil, err
			}
			updates.set(p.ID, append([]any{int64(p.ID)}, problemArgs(&p)...))
			cur[p.ID] = p
		}
		c.pIDs[i] = p.ID
		return nil, nil
	})
	if err != nil {
		return err
	}
	return c.updateFrom("problems", problemColumns, updates.rows)
}

func (c *importCommit) writeActions() error {
	b := c.b
	n := b.NumActions()
	ids, err := c.ids.take(c.ctx, c.tx, "actions", n)
	if err != nil {
		return err
	}
	return c.copyEach("actions", actionColumnNames, n, func(i int) ([]any, error) {
		ac := b.Action(i)
		a := ac.Action
		ref := ac.ProblemRef
		if ref < 0 || ref >= len(c.pIDs) {
			return nil, data.Messages(data.EINTERNAL, "ข้อมูลนำเข้าไม่สมบูรณ์", nil, "action %d refers to problem ref %d", i, ref)
		}
		a.ProblemID = c.pIDs[ref]
		a.Normalize()
		if err := a.Validate(c.today); err != nil {
			return nil, err
		}
		a.ID = uint64(ids[i])
		a.RecordedBy, a.RecordedAt = c.who, c.rec.At
		if c.pNew[ref] {
			span(&c.actions, a.ID) // goes with its problem on undo
		} else if err := c.addUndo("action", a.ID, a.ProblemID, nil, nil); err != nil {
			return nil, err
		}
		return []any{int64(a.ID), int64(a.ProblemID), dateArg(a.Date), a.Agency, a.What, a.Budget, int16(a.Result), a.Note,
			a.RecordedBy, a.RecordedAt, dateArg(a.ThaiQMOn)}, nil
	})
}

func (c *importCommit) writeReviews() error {
	b := c.b
	n := b.NumReviews()
	ids, err := c.ids.take(c.ctx, c.tx, "reviews", n)
	if err != nil {
		return err
	}
	return c.copyEach("reviews", reviewColumnNames, n, func(i int) ([]any, error) {
		r := b.Review(i)
		r.ID, r.ImportID = uint64(ids[i]), c.rec.ID
		return reviewArgs(&r)
	})
}

var importRowColumns = []string{"import_id", "ordinal", "sheet", "row", "fate", "column", "value", "reason", "reason_en", "problem"}

func (c *importCommit) writeRows() error {
	b := c.b
	return c.copyEach("import_rows", importRowColumns, b.NumRows(), func(i int) ([]any, error) {
		r := b.Row(i)
		return []any{int64(c.rec.ID), i, r.Sheet, r.Row, string(r.Fate), r.Column, r.Value, r.Reason, r.ReasonEnglish, idArg(r.Problem)}, nil
	})
}

var undoColumns = []string{"import_id", "seq", "kind", "record_id", "problem_id", "before", "after"}

// writeUndo writes what the undo needs: the records changed, as they
// were, and the ranges of those created.
func (c *importCommit) writeUndo() error {
	if len(c.undo) > 0 {
		if _, err := c.tx.CopyFrom(c.ctx, pgx.Identifier{"import_undo"}, undoColumns, pgx.CopyFromRows(c.undo)); err != nil {
			return err
		}
	}
	if c.households[0] == 0 && c.problems[0] == 0 && c.actions[0] == 0 {
		return nil
	}
	_, err := c.tx.Exec(c.ctx, `INSERT INTO import_created (import_id, households_first, households_last, problems_first, problems_last, actions_first, actions_last)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, int64(c.rec.ID), idArg(c.households[0]), idArg(c.households[1]),
		idArg(c.problems[0]), idArg(c.problems[1]), idArg(c.actions[0]), idArg(c.actions[1]))
	return err
}

// auditBatch gathers audit entries made in a transaction, to be written
// in order, in one COPY, by flushAudit.
type auditBatch struct {
	s       *Store
	entries []data.AuditEntry
}

// add makes an entry as audit would, stamped now.
func (a *auditBatch) add(op, entity string, id uint64, before, after any, note string) error {
	e, err := data.NewAuditEntry(a.s.now(), "", op, entity, id, before, after, note) // Who: the role, in flushAudit
	if err != nil {
		return err
	}
	a.entries = append(a.entries, e)
	return nil
}

// flushAudit appends the entries of a to the log in tx, numbered and
// sealed one after the other exactly as audit does each.
func (s *Store) flushAudit(ctx context.Context, tx pgx.Tx, a *auditBatch) error {
	n := len(a.entries)
	if n == 0 {
		return nil
	}
	var last int64
	var prev []byte
	var who string
	if err := tx.QueryRow(ctx, `UPDATE meta SET audit_seq = audit_seq + $1 RETURNING audit_seq, audit_seal, session_user`, n).Scan(&last, &prev, &who); err != nil {
		return err
	}
	rows := make([][]any, n)
	for i := range a.entries {
		e := &a.entries[i]
		e.Seq, e.Who = uint64(last-int64(n)+int64(i)+1), who
		entry, err := json.Marshal(e)
		if err != nil {
			return err
		}
		h := sha256.New()
		h.Write(prev)
		h.Write(entry)
		prev = h.Sum(nil)
		rows[i] = []any{int64(e.Seq), e.At, e.Who, e.Op, e.Entity, int64(e.ID), string(entry), prev}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"audit"}, []string{"seq", "at", "who", "op", "entity", "record_id", "entry", "seal"}, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	a.entries = nil
	_, err := tx.Exec(ctx, `UPDATE meta SET audit_seal = $1`, prev)
	return err
}

// Imports returns the ledger, oldest first.
func (s *Store) Imports(ctx context.Context) ([]data.ImportRecord, error) {
	return s.importsWhere(ctx, `true`)
}

// ImportsBySHA256 returns earlier imports of the same file, oldest first.
func (s *Store) ImportsBySHA256(ctx context.Context, sum string) ([]data.ImportRecord, error) {
	if sum == "" { // a decision's import has none, and is no file's
		return nil, nil
	}
	return s.importsWhere(ctx, `sha256 = $1`, sum)
}

const importColumns = `id, file, sha256, sheet, who, at, rows, new_households, new_problems, updated, unchanged, review, rejected, undone_at, undone_by, committing`

func scanImport(row pgx.Row, r *data.ImportRecord) error {
	var id int64
	var undone *time.Time
	if err := row.Scan(&id, &r.File, &r.SHA256, &r.Sheet, &r.Who, &r.At, &r.Counts.Rows, &r.Counts.NewHouseholds, &r.Counts.NewProblems,
		&r.Counts.Updated, &r.Counts.Unchanged, &r.Counts.Review, &r.Counts.Rejected, &undone, &r.UndoneBy, &r.Committing); err != nil {
		return err
	}
	r.ID, r.At = uint64(id), r.At.UTC()
	if undone != nil {
		r.UndoneAt = undone.UTC()
	}
	return nil
}

func (s *Store) importsWhere(ctx context.Context, where string, args ...any) (out []data.ImportRecord, err error) {
	return collect(ctx, s.pool, scanImport, `SELECT `+importColumns+` FROM imports WHERE `+where+` ORDER BY id`, args...)
}

// getImport reads one ledger entry, locked until tx ends when forUpdate.
func getImport(ctx context.Context, q querier, id uint64, forUpdate bool) (r data.ImportRecord, found bool, err error) {
	sql := `SELECT ` + importColumns + ` FROM imports WHERE id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	err = scanImport(q.QueryRow(ctx, sql, int64(id)), &r)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// ImportHouseholds lists, in ID order, the households an import created
// or changed, read from what it keeps for its undo: the households it
// changed, the households of the problems it changed or gave an action,
// every household of its created range and the household of every
// problem it created. An undone import keeps nothing: ENOTFOUND.
func (s *Store) ImportHouseholds(ctx context.Context, id uint64) (out []uint64, err error) {
	err = s.read(ctx, func(tx pgx.Tx) error {
		rec, found, err := getImport(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if !found || !rec.UndoneAt.IsZero() {
			return data.Errorf(data.ENOTFOUND, "ไม่พบรายการที่การนำเข้าครั้งที่ %d แก้ไข", "import %d keeps no undo entries", id)
		}
		out, err = householdsOf(ctx, tx, id)
		return err
	})
	return out, err
}

// householdsOf is ImportHouseholds's list of import id, in tx.
func householdsOf(ctx context.Context, tx pgx.Tx, id uint64) ([]uint64, error) {
	rows, err := tx.Query(ctx, `
		SELECT record_id FROM import_undo WHERE import_id = $1 AND kind = 'household'
		UNION SELECT p.household_id FROM import_undo u JOIN problems p ON p.id = u.record_id WHERE u.import_id = $1 AND u.kind = 'problem'
		UNION SELECT p.household_id FROM import_undo u JOIN problems p ON p.id = u.problem_id WHERE u.import_id = $1 AND u.kind = 'action'
		UNION SELECT generate_series(households_first, households_last) FROM import_created WHERE import_id = $1 AND households_first IS NOT NULL
		UNION SELECT p.household_id FROM import_created c JOIN problems p ON p.id BETWEEN c.problems_first AND c.problems_last WHERE c.import_id = $1
		ORDER BY 1`, int64(id))
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	out := make([]uint64, 0, len(ids))
	for _, v := range ids {
		out = append(out, uint64(v))
	}
	if len(out) == 0 {
		return nil, nil
	}
	return slices.Compact(out), nil
}

// ProblemsOf returns a household's problems, every round, in ID order.
func (s *Store) ProblemsOf(ctx context.Context, householdID uint64) (out []data.Problem, err error) {
	return collect(ctx, s.pool, scanProblem, `SELECT `+problemColumns+` FROM problems WHERE household_id = $1 ORDER BY id`, int64(householdID))
}
