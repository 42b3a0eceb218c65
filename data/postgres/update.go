package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"qmdesk/data"
)

// getProblem reads one problem, locked against other writers until the
// transaction ends when forUpdate.
func getProblem(ctx context.Context, q querier, id uint64, forUpdate bool) (p data.Problem, err error) {
	sql := `SELECT ` + problemColumns + ` FROM problems WHERE id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	err = scanProblem(q.QueryRow(ctx, sql, int64(id)), &p)
	if errors.Is(err, pgx.ErrNoRows) {
		err = data.Errorf(data.ENOTFOUND, "ไม่พบปัญหาเลขที่ %d", "problem %d not found", id)
	}
	return p, err
}

// checkStale refuses a change based on a read of the record (seen, its
// UpdatedAt then) older than what is stored now, as the bbolt store does:
// data.StaleError names who changed it, when, and the workbook when an
// import did (the ledger's entry made at that moment, not undone).
func checkStale(ctx context.Context, tx pgx.Tx, entity string, id uint64, seen, stored time.Time, by string) error {
	if seen.Equal(stored) {
		return nil
	}
	st := data.Stale{Entity: entity, ID: id, ChangedBy: by, ChangedAt: stored}
	if err := tx.QueryRow(ctx, `SELECT file FROM imports WHERE at = $1 AND undone_at IS NULL ORDER BY id DESC LIMIT 1`, stored).Scan(&st.Workbook); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	return data.StaleError(st)
}

// UpdateProblem stores a changed problem, as the bbolt store does: a
// change of status appends an action recording it, dated today; closing
// needs p.CloseReason. p must carry the UpdatedAt it was read with: when
// the stored problem has another (a clerk changed it since), nothing is
// written and the error is ECONFLICT. The problem's row is locked from
// the read to the commit, so two clerks' updates go one after the other
// and the second is refused as stale.
func (s *Store) UpdateProblem(ctx context.Context, p *data.Problem) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		old, err := getProblem(ctx, tx, p.ID, true)
		if err != nil {
			return err
		}
		if err := checkStale(ctx, tx, "problem", p.ID, p.UpdatedAt, old.UpdatedAt, old.ChangedBy); err != nil {
			return err
		}
		data.SettleThaiQM(&old, p)
		if err := s.updateProblem(ctx, tx, &old, p); err != nil {
			return err
		}
		if p.Status != old.Status {
			a := &data.Action{ProblemID: p.ID, Date: s.today(), Result: p.Status, What: "เปลี่ยนสถานะเป็น " + p.Status.Thai(), Note: p.CloseReason}
			if p.Status != data.Closed {
				a.Note = ""
			}
			return s.appendAction(ctx, tx, a)
		}
		return nil
	})
}

// editable refuses a change to a problem carried into a later round or
// of a round that is not the current one, with the bbolt store's errors.
func editable(ctx context.Context, q querier, p *data.Problem) error {
	if p.CarriedTo != 0 {
		return data.Errorf(data.ECONFLICT, "ปัญหาเลขที่ %d ยกไปติดตามต่อในรอบใหม่แล้ว (ปัญหาเลขที่ %d): กรุณาบันทึกที่ปัญหาในรอบใหม่", "problem %d was carried over to problem %d", p.ID, p.CarriedTo)
	}
	var cur pgtype.Int8
	if err := q.QueryRow(ctx, `SELECT default_round FROM meta`).Scan(&cur); err != nil {
		return err
	}
	if p.RoundID != uint64(cur.Int64) {
		var name string
		if err := q.QueryRow(ctx, `SELECT name FROM rounds WHERE id = $1`, int64(p.RoundID)).Scan(&name); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		return data.Errorf(data.ECONFLICT, "ปัญหาเลขที่ %d อยู่ในรอบ %s ซึ่งไม่ใช่รอบปัจจุบัน: รอบเก่าเก็บไว้ตามเดิม ถ้าปัญหากลับมาอีก ให้บันทึกเป็นปัญหาในรอบปัจจุบัน (หรือตั้งรอบนั้นเป็นรอบปัจจุบันก่อน: qmdesk round use)",
			"problem %d is in round %s, not the current one", p.ID, name)
	}
	return nil
}

// updateProblem writes p over old (read locked in tx), changed now and
// today by the operator, with its audit entry.
func (s *Store) updateProblem(ctx context.Context, tx pgx.Tx, old, p *data.Problem) error {
	if err := editable(ctx, tx, old); err != nil {
		return err
	}
	if err := p.PrepareUpdate(old, s.today()); err != nil {
		return err
	}
	if _, err := getHousehold(ctx, tx, p.HouseholdID, false); err != nil {
		return err
	}
	p.CreatedAt, p.UpdatedAt = old.CreatedAt, data.StampAfter(s.now(), old.UpdatedAt)
	p.ChangedOn, p.ChangedBy = s.today(), data.OperatorFrom(ctx)
	if _, err := tx.Exec(ctx, `UPDATE problems SET (household_id, round_id, category, sub_problem, detail, urgent, sensitive, survey_year, rexray,
		status, close_reason, target_date, lead_agency, found_on, resolved_on, created_at, updated_at, changed_on, changed_by,
		carried_from, carried_to, thaiqm_on)
		= ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) WHERE id = $1`,
		append([]any{int64(p.ID)}, problemArgs(p)...)...); err != nil {
		return err
	}
	return s.audit(ctx, tx, "update", "problem", p.ID, old, p, "")
}

// Problems lists problems as the bbolt store's Problems does: of the
// current round when the filter names neither a round nor a household;
// in the order of the index bbolt would choose (by household: ID; overdue:
// target date, ID; urgent, status or category: ID; area: tambon code,
// ID; none of those: category, ID); at most f.Limit (0: all).
func (s *Store) Problems(ctx context.Context, f data.ProblemFilter) (out []data.Problem, err error) {
	err = s.read(ctx, func(tx pgx.Tx) error {
		if f.RoundID == 0 && f.HouseholdID == 0 {
			m, err := getMeta(ctx, tx, false)
			if err != nil {
				return err
			}
			f.RoundID = m.DefaultRound
		}
		var where []string
		var args []any
		arg := func(v any) string {
			args = append(args, v)
			return fmt.Sprintf("$%d", len(args))
		}
		if f.RoundID != 0 {
			where = append(where, `round_id = `+arg(int64(f.RoundID)))
		}
		if f.HouseholdID != 0 {
			where = append(where, `household_id = `+arg(int64(f.HouseholdID)))
		}
		if f.Category != 0 {
			where = append(where, `category = `+arg(int16(f.Category)))
		}
		if f.Status != 0 {
			where = append(where, `status = `+arg(int16(f.Status)))
		}
		if f.UrgentOnly {
			where = append(where, `urgent`)
		}
		if !f.OverdueOn.IsZero() {
			where = append(where, `status IN (1, 2) AND target_date < `+arg(f.OverdueOn.Time()))
		}
		if f.AreaCode != "" {
			where = append(where, `household_id IN (SELECT id FROM households WHERE tambon_code LIKE `+arg(likePrefix(f.AreaCode))+`)`)
		}
		order := `category, id`
		switch {
		case f.HouseholdID != 0:
			order = `id`
		case !f.OverdueOn.IsZero():
			order = `target_date, id`
		case f.UrgentOnly:
			order = `id`
		case f.AreaCode != "":
			order = `(SELECT tambon_code FROM households h WHERE h.id = problems.household_id), id`
		case f.Status != 0, f.Category != 0:
			order = `id`
		}
		sql := `SELECT ` + problemColumns + ` FROM problems`
		for i, w := range where {
			if i == 0 {
				sql += ` WHERE ` + w
			} else {
				sql += ` AND ` + w
			}
		}
		sql += ` ORDER BY ` + order
		if f.Limit > 0 {
			sql += fmt.Sprintf(` LIMIT %d`, f.Limit)
		}
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p data.Problem
			if err := scanProblem(rows, &p); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// AddAction appends an action to a problem's history, as the bbolt store
// does: an action with a Result moves the problem to that status (closing
// takes its reason from the action's Note, or its What); the ThaiQM mark
// follows the action's. The problem's row is locked until the commit.
func (s *Store) AddAction(ctx context.Context, a *data.Action) error {
	return s.write(ctx, func(tx pgx.Tx) error { return s.addAction(ctx, tx, a) })
}

func (s *Store) addAction(ctx context.Context, tx pgx.Tx, a *data.Action) error {
	p, err := getProblem(ctx, tx, a.ProblemID, true)
	if err != nil {
		return err
	}
	a.Normalize()
	if err := a.Validate(s.today()); err != nil {
		return err
	}
	if err := editable(ctx, tx, &p); err != nil {
		return err
	}
	if !a.Seen.IsZero() {
		if err := checkStale(ctx, tx, "problem", p.ID, a.Seen, p.UpdatedAt, p.ChangedBy); err != nil {
			return err
		}
	}
	old := p
	if p.ApplyAction(a) {
		if err := s.updateProblem(ctx, tx, &old, &p); err != nil {
			return err
		}
	}
	return s.appendAction(ctx, tx, a)
}

// appendAction stores a new action, recorded now by the operator, with
// its audit entry.
func (s *Store) appendAction(ctx context.Context, tx pgx.Tx, a *data.Action) error {
	a.RecordedBy = data.OperatorFrom(ctx)
	a.RecordedAt = s.now()
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO actions (problem_id, date, agency, what, budget_satang, result, note, recorded_by, recorded_at, thaiqm_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		int64(a.ProblemID), dateArg(a.Date), a.Agency, a.What, a.Budget, int16(a.Result), a.Note, a.RecordedBy, a.RecordedAt, dateArg(a.ThaiQMOn)).Scan(&id); err != nil {
		return err
	}
	a.ID = uint64(id)
	return s.audit(ctx, tx, "create", "action", a.ID, nil, a, "")
}

const actionColumns = `id, problem_id, date, agency, what, budget_satang, result, note, recorded_by, recorded_at, thaiqm_on`

func scanAction(row pgx.Row, a *data.Action) error {
	var id, problem int64
	var date, thaiqm pgtype.Date
	if err := row.Scan(&id, &problem, &date, &a.Agency, &a.What, &a.Budget, &a.Result, &a.Note, &a.RecordedBy, &a.RecordedAt, &thaiqm); err != nil {
		return err
	}
	a.ID, a.ProblemID, a.Date, a.ThaiQMOn = uint64(id), uint64(problem), dateOf(date), dateOf(thaiqm)
	a.RecordedAt = a.RecordedAt.UTC()
	return nil
}

// Actions returns a problem's history, oldest first (nil: none).
func (s *Store) Actions(ctx context.Context, problemID uint64) (out []data.Action, err error) {
	return collect(ctx, s.pool, scanAction, `SELECT `+actionColumns+` FROM actions WHERE problem_id = $1 ORDER BY id`, int64(problemID))
}
