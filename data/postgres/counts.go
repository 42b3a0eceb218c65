package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"qmdesk/data"
)

// The counters are kept by the database (migrations/00003_counters.sql):
// the readers here read a round's rows of the counters table, of every
// area, and keep the tambons' or the units' (data.KeepAreas) as the
// bbolt store does, in the
// order of the bbolt store's keys (a zero dueBefore: every due count,
// as a zero Date's key sorts after every day), so that both stores give the same
// slices.

// Counts returns the counters of a round by tambon; due counts stop
// before dueBefore.
func (s *Store) Counts(ctx context.Context, roundID uint64, dueBefore data.Date) (data.RoundCounts, error) {
	return s.counts(ctx, roundID, dueBefore, false)
}

// UnitCounts returns the counters of a round by municipality: the same
// as Counts, with a unit's code where Counts has a tambon.
func (s *Store) UnitCounts(ctx context.Context, roundID uint64, dueBefore data.Date) (data.RoundCounts, error) {
	return s.counts(ctx, roundID, dueBefore, true)
}

// readCounts adds to rc the counters sql reads: rows of (kind, area,
// category, code, urgent, day, n), in order. They come as one row of
// arrays, one per column (array_agg over the ordered rows): a round of
// 1,000,000 problems has tens of thousands of counters, and one row of
// seven arrays is read several times faster than as many rows.
func readCounts(ctx context.Context, tx pgx.Tx, rc *data.RoundCounts, sql string, args ...any) error {
	var kinds, areas []string
	var categories, codes []int16
	var urgents []bool
	var days []pgtype.Date
	var ns []int64
	if err := tx.QueryRow(ctx, `SELECT array_agg(kind::text), array_agg(area), array_agg(category), array_agg(code), array_agg(urgent),
		array_agg(CASE WHEN isfinite(day) THEN day END), array_agg(n) FROM (`+sql+`) c`, args...).
		Scan(&kinds, &areas, &categories, &codes, &urgents, &days, &ns); err != nil {
		return err
	}
	for i, kind := range kinds {
		area, category, n := areas[i], data.Category(categories[i]), ns[i]
		switch kind {
		case "S":
			rc.Status = append(rc.Status, data.StatusCount{Tambon: area, Category: category, Status: data.Status(codes[i]), Urgent: urgents[i], N: n})
		case "H":
			rc.Households = append(rc.Households, data.HouseholdCount{Tambon: area, Category: category, N: n})
		case "D":
			rc.Due = append(rc.Due, data.DueCount{Target: dateOf(days[i]), Tambon: area, Category: category, Urgent: urgents[i], N: n})
		case "C":
			rc.Carried = append(rc.Carried, data.CarriedCount{Tambon: area, Category: category, N: n})
		case "X":
			rc.ReXRay = append(rc.ReXRay, data.ReXRayCount{Tambon: area, Category: category, Result: data.ReXRay(codes[i]), N: n})
		case "N":
			rc.NewCases = append(rc.NewCases, data.NewCaseCount{Tambon: area, Category: category, Group: data.NewCase(codes[i]), N: n})
		case "Q":
			rc.ThaiQM = append(rc.ThaiQM, data.ThaiQMCount{Tambon: area, Category: category, N: n})
		}
	}
	return nil
}

func (s *Store) counts(ctx context.Context, roundID uint64, dueBefore data.Date, units bool) (rc data.RoundCounts, err error) {
	err = s.read(ctx, func(tx pgx.Tx) error {
		// The counters but the due ones in the primary key's order (no
		// sort); the due ones, before dueBefore, by day.
		if err := readCounts(ctx, tx, &rc, `SELECT kind, area, category, code, urgent, day, n FROM counters
			WHERE round_id = $1 AND kind IN ('C', 'H', 'N', 'Q', 'S', 'X') AND n <> 0 ORDER BY kind, area, category, code, urgent, day`,
			int64(roundID)); err != nil {
			return err
		}
		if err := readCounts(ctx, tx, &rc, `SELECT kind, area, category, code, urgent, day, n FROM counters
			WHERE round_id = $1 AND kind = 'D' AND ($2::date IS NULL OR day < $2) AND n <> 0 ORDER BY day, area, category, urgent`,
			int64(roundID), dateArg(dueBefore)); err != nil {
			return err
		}
		return nil
	})
	data.KeepAreas(&rc, units)
	return rc, err
}

// History returns the found and resolved counters of a round, by tambon.
func (s *Store) History(ctx context.Context, roundID uint64) (data.RoundHistory, error) {
	return s.history(ctx, roundID, false)
}

// UnitHistory is History by municipality.
func (s *Store) UnitHistory(ctx context.Context, roundID uint64) (data.RoundHistory, error) {
	return s.history(ctx, roundID, true)
}

func (s *Store) history(ctx context.Context, roundID uint64, units bool) (h data.RoundHistory, err error) {
	err = s.read(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT kind, CASE WHEN isfinite(day) THEN day END, area, n FROM counters
			WHERE round_id = $1 AND kind IN ('A', 'R', 'V') AND n <> 0
			ORDER BY kind, day, area`, int64(roundID))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kind byte
			var day pgtype.Date
			var c data.DateCount
			if err := rows.Scan(&kind, &day, &c.Tambon, &c.N); err != nil {
				return err
			}
			c.Date = dateOf(day)
			switch kind {
			case 'A':
				h.Added = append(h.Added, c)
			case 'R':
				h.Resolved = append(h.Resolved, c)
			case 'V':
				h.Solved = append(h.Solved, c)
			}
		}
		return rows.Err()
	})
	data.KeepAreas(&h, units)
	return h, err
}
