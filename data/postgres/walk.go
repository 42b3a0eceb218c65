package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
)

// walkPage is how many records a walk reads per query: the walks keep
// one page in memory, never a whole table.
const walkPage = 1000

// Walk calls fn for every household in ID order with its problems of
// every round (in ID order; an empty slice for none), inside one
// repeatable-read transaction: one snapshot, read in keyset pages of
// walkPage households and their problems. It stops with ctx's error once
// ctx is done (checked before each household).
func (s *Store) Walk(ctx context.Context, fn func(h data.Household, problems []data.Problem) error) error {
	return s.readStream(ctx, func(tx pgx.Tx) error {
		var after int64
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			households, err := collect(ctx, tx, scanHousehold, `SELECT `+householdColumns+` FROM households WHERE id > $1 ORDER BY id LIMIT $2`, after, walkPage)
			if err != nil {
				return err
			}
			if len(households) == 0 {
				return nil
			}
			first, last := int64(households[0].ID), int64(households[len(households)-1].ID)
			problems, err := collect(ctx, tx, scanProblem, `SELECT `+problemColumns+` FROM problems WHERE household_id BETWEEN $1 AND $2 ORDER BY household_id, id`, first, last)
			if err != nil {
				return err
			}
			for _, h := range households {
				n := 0
				for n < len(problems) && problems[n].HouseholdID == h.ID {
					n++
				}
				ps := make([]data.Problem, n)
				copy(ps, problems[:n])
				problems = problems[n:]
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := fn(h, ps); err != nil {
					return err
				}
			}
			after = last
		}
	})
}

// WalkActions calls fn for every action, by problem then in the order
// recorded, inside one repeatable-read transaction, read in keyset pages
// of walkPage actions. It stops with ctx's error once ctx is done.
func (s *Store) WalkActions(ctx context.Context, fn func(a data.Action) error) error {
	return s.readStream(ctx, func(tx pgx.Tx) error {
		var problem, id int64
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			actions, err := collect(ctx, tx, scanAction, `SELECT `+actionColumns+` FROM actions WHERE (problem_id, id) > ($1, $2) ORDER BY problem_id, id LIMIT $3`, problem, id, walkPage)
			if err != nil {
				return err
			}
			if len(actions) == 0 {
				return nil
			}
			for _, a := range actions {
				if err := fn(a); err != nil {
					return err
				}
			}
			last := actions[len(actions)-1]
			problem, id = int64(last.ProblemID), int64(last.ID)
		}
	})
}

// AgencyWork calls fn for each action naming an agency of the round's
// problems in area ("": the province; else a prefix of the household's
// tambon code), by problem then in the order recorded, inside one
// repeatable-read transaction, as the bbolt store gives them. It stops
// with ctx's error once ctx is done.
func (s *Store) AgencyWork(ctx context.Context, roundID uint64, area string, fn func(w data.AgencyWork) error) error {
	return s.readStream(ctx, func(tx pgx.Tx) error {
		// One query, its rows read as they come (pgx does not hold the
		// result): paging it by (problem, action) took a query per 1,000
		// actions, 16 ms each, 8 s for a province of 150,000 problems.
		sql := `SELECT a.problem_id, p.category, p.status, a.agency, a.budget_satang FROM actions a JOIN problems p ON p.id = a.problem_id
			WHERE p.round_id = $1 AND a.agency <> ''`
		args := []any{int64(roundID)}
		if area != "" {
			sql += ` AND p.household_id IN (SELECT id FROM households WHERE tambon_code LIKE $2)`
			args = append(args, likePrefix(area))
		}
		rows, err := tx.Query(ctx, sql+` ORDER BY a.problem_id, a.id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var w data.AgencyWork
			var problem int64
			var status data.Status
			if err := rows.Scan(&problem, &w.Category, &status, &w.Agency, &w.Budget); err != nil {
				return err
			}
			w.ProblemID, w.Solved = uint64(problem), status.IsSolved()
			if err := fn(w); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// readStream is read for the walks: a repeatable-read, read-only
// transaction whose error, once ctx is done, is ctx's own.
func (s *Store) readStream(ctx context.Context, fn func(tx pgx.Tx) error) error {
	err := s.read(ctx, fn)
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// collect reads a query's rows with scan.
func collect[T any](ctx context.Context, q querier, scan func(pgx.Row, *T) error, sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
