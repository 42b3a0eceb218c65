package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
)

// MarkThaiQM marks problems' results, and their actions not yet marked,
// as keyed into ThaiQM on a day; a zero day takes the problems' marks off
// (the actions keep theirs). As in the bbolt store: each problem changed
// and each action marked has its audit entry; a problem carried into a
// later round or of a round that is not the current one is skipped, as
// are those already marked that day; it returns how many problems
// changed; one transaction, all or nothing. The problems' rows are locked
// first, in ID order, so that two clerks marking overlapping lists wait
// for each other instead of deadlocking.
func (s *Store) MarkThaiQM(ctx context.Context, ids []uint64, on data.Date) (n int, err error) {
	err = s.write(ctx, func(tx pgx.Tx) error {
		n = 0
		m, err := getMeta(ctx, tx, false)
		if err != nil {
			return err
		}
		r, err := getRound(ctx, tx, m.DefaultRound)
		if err != nil {
			return err
		}
		if err := data.CheckThaiQMDate(on, r, s.today()); err != nil {
			return err
		}
		all := make([]int64, len(ids))
		for i, id := range ids {
			all[i] = int64(id)
		}
		if _, err := tx.Exec(ctx, `SELECT id FROM problems WHERE id = ANY($1) ORDER BY id FOR UPDATE`, all); err != nil {
			return err
		}
		for _, id := range ids {
			old, err := getProblem(ctx, tx, id, false) // locked above
			if err != nil {
				return err
			}
			if editable(ctx, tx, &old) != nil {
				continue
			}
			if !on.IsZero() {
				if err := s.markActions(ctx, tx, id, on); err != nil {
					return err
				}
			}
			if old.ThaiQMOn == on {
				continue
			}
			p := old
			p.ThaiQMOn = on
			if err := s.updateProblem(ctx, tx, &old, &p); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// markActions marks a problem's actions not yet marked as keyed on a day,
// each with its audit entry, in the order they were recorded.
func (s *Store) markActions(ctx context.Context, tx pgx.Tx, problemID uint64, on data.Date) error {
	rows, err := tx.Query(ctx, `SELECT `+actionColumns+` FROM actions WHERE problem_id = $1 AND thaiqm_on IS NULL ORDER BY id FOR UPDATE`, int64(problemID))
	if err != nil {
		return err
	}
	var todo []data.Action
	for rows.Next() {
		var a data.Action
		if err := scanAction(rows, &a); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range todo {
		before := a
		a.ThaiQMOn = on
		if _, err := tx.Exec(ctx, `UPDATE actions SET thaiqm_on = $2 WHERE id = $1`, int64(a.ID), dateArg(on)); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, "thaiqm", "action", a.ID, before, a, ""); err != nil {
			return err
		}
	}
	return nil
}

// MarkActionThaiQM marks one action of a problem as keyed into ThaiQM on
// a day (a zero day takes the mark off), with its audit entry; refused as
// AddAction is for a problem of an earlier round.
func (s *Store) MarkActionThaiQM(ctx context.Context, problemID, actionID uint64, on data.Date) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		p, err := getProblem(ctx, tx, problemID, true)
		if err != nil {
			return err
		}
		if err := editable(ctx, tx, &p); err != nil {
			return err
		}
		r, err := getRound(ctx, tx, p.RoundID)
		if err != nil {
			return err
		}
		if err := data.CheckThaiQMDate(on, r, s.today()); err != nil {
			return err
		}
		var a data.Action
		err = scanAction(tx.QueryRow(ctx, `SELECT `+actionColumns+` FROM actions WHERE problem_id = $1 AND id = $2 FOR UPDATE`, int64(problemID), int64(actionID)), &a)
		if errors.Is(err, pgx.ErrNoRows) {
			return data.Errorf(data.ENOTFOUND, "ไม่พบการช่วยเหลือเลขที่ %d", "action %d not found", actionID)
		} else if err != nil {
			return err
		}
		if a.ThaiQMOn == on {
			return nil
		}
		before := a
		a.ThaiQMOn = on
		if _, err := tx.Exec(ctx, `UPDATE actions SET thaiqm_on = $2 WHERE id = $1`, int64(a.ID), dateArg(on)); err != nil {
			return err
		}
		return s.audit(ctx, tx, "thaiqm", "action", actionID, before, a, "")
	})
}
