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

// readCounts adds to rc the counters rows read: (kind, area, category,
// code, urgent, day, n), in order.
func readCounts(rows pgx.Rows, rc *data.RoundCounts) error {
	defer rows.Close()
	for rows.Next() {
		var kind byte
		var area string
		var category data.Category
		var code int16
		var urgent bool
		var day pgtype.Date
		var n int64
		if err := rows.Scan(&kind, &area, &category, &code, &urgent, &day, &n); err != nil {
			return err
		}
		switch kind {
		case 'S':
			rc.Status = append(rc.Status, data.StatusCount{Tambon: area, Category: category, Status: data.Status(code), Urgent: urgent, N: n})
		case 'H':
			rc.Households = append(rc.Households, data.HouseholdCount{Tambon: area, Category: category, N: n})
		case 'D':
			rc.Due = append(rc.Due, data.DueCount{Target: dateOf(day), Tambon: area, Category: category, Urgent: urgent, N: n})
		case 'C':
			rc.Carried = append(rc.Carried, data.CarriedCount{Tambon: area, Category: category, N: n})
		case 'X':
			rc.ReXRay = append(rc.ReXRay, data.ReXRayCount{Tambon: area, Category: category, Result: data.ReXRay(code), N: n})
		case 'N':
			rc.NewCases = append(rc.NewCases, data.NewCaseCount{Tambon: area, Category: category, Group: data.NewCase(code), N: n})
		case 'Q':
			rc.ThaiQM = append(rc.ThaiQM, data.ThaiQMCount{Tambon: area, Category: category, N: n})
		}
	}
	return rows.Err()
}

func (s *Store) counts(ctx context.Context, roundID uint64, dueBefore data.Date, units bool) (rc data.RoundCounts, err error) {
	err = s.read(ctx, func(tx pgx.Tx) error {
		// One kind a query, each a range of an index in the order wanted
		// (no sort): the primary key's, and counters_by_day's for the due
		// ones before dueBefore. One round trip for them all.
		b := &pgx.Batch{}
		for _, kind := range []string{"S", "H", "C", "X", "N", "Q"} {
			b.Queue(`SELECT kind, area, category, code, urgent, day, n FROM counters
				WHERE round_id = $1 AND kind = '`+kind+`' AND n <> 0 ORDER BY area, category, code, urgent, day`, int64(roundID))
		}
		if dueBefore.IsZero() { // every due count
			b.Queue(`SELECT kind, area, category, code, urgent, day, n FROM counters
				WHERE round_id = $1 AND kind = 'D' AND n <> 0 ORDER BY day, area, category, urgent`, int64(roundID))
		} else {
			b.Queue(`SELECT kind, area, category, code, urgent, day, n FROM counters
				WHERE round_id = $1 AND kind = 'D' AND day < $2 AND n <> 0 ORDER BY day, area, category, urgent`, int64(roundID), dueBefore.Time())
		}
		results := tx.SendBatch(ctx, b)
		defer results.Close()
		for range b.Len() {
			rows, err := results.Query()
			if err != nil {
				return err
			}
			if err := readCounts(rows, &rc); err != nil {
				return err
			}
		}
		return results.Close()
	})
	data.KeepAreas(&rc, units)
	return rc, err
}

// SummaryCounts returns the counters of a round as fold adds them up
// (app.SummaryCounter), added up by the server, in one statement (one
// snapshot, without a transaction's round trips). The province's summary
// by amphoe and the municipalities' read summary_counters
// (migrations/00060_summary_counters.sql), the counters already added up
// so: a province of a million problems reads a few thousand rows there
// instead of some 40,000 by tambon. Any other fold reads counters, over
// the range of the primary key its area code begins with (foldSource).
func (s *Store) SummaryCounts(ctx context.Context, roundID uint64, dueBefore data.Date, fold data.CountsFold) (data.RoundCounts, error) {
	due := pgtype.Date{} // none due before no day (NULL compares as not before)
	if !dueBefore.IsZero() {
		due = pgtype.Date{Time: dueBefore.Time(), Valid: true}
	}
	table, cut, area := foldSource(fold)
	rows, err := s.pool.Query(ctx, `SELECT kind, CASE WHEN $3 > 0 THEN left(area, $3) ELSE area END AS a, category, code, urgent, max(day), sum(n)::bigint
		FROM `+table+`
		WHERE round_id = $1 AND kind IN ('S', 'H', 'C', 'X', 'N', 'Q', 'D') AND `+area+`
			AND n <> 0 AND (kind <> 'D' OR day < $2)
		GROUP BY kind, a, category, code, urgent
		ORDER BY kind, a, category, code, urgent`,
		int64(roundID), due, cut, fold.Area, fold.Units)
	if err != nil {
		return data.RoundCounts{}, err
	}
	var rc data.RoundCounts
	err = readCounts(rows, &rc)
	return rc, err
}

// SummaryHistory returns the history of a round as fold and deadline
// split it (app.SummaryCounter): each area's found, resolved and solved
// problems up to the deadline and after it, added up by the server from
// the same rows as SummaryCounts. A day that is not one (-infinity: from
// the survey; infinity: no day) is up to the deadline and dates nothing,
// as History reads it.
func (s *Store) SummaryHistory(ctx context.Context, roundID uint64, deadline data.Date, fold data.CountsFold) (h data.RoundHistory, err error) {
	table, cut, area := foldSource(fold)
	rows, err := s.pool.Query(ctx, `SELECT kind, CASE WHEN $3 > 0 THEN left(area, $3) ELSE area END AS a,
			isfinite(day) AND day > $2 AS later, max(day) FILTER (WHERE isfinite(day)), sum(n)::bigint
		FROM `+table+`
		WHERE round_id = $1 AND kind IN ('A', 'R', 'V') AND `+area+` AND n <> 0
		GROUP BY kind, a, later
		ORDER BY kind, a, later`,
		int64(roundID), deadline.Time(), cut, fold.Area, fold.Units)
	if err != nil {
		return data.RoundHistory{}, err
	}
	into := map[byte]*[]data.DateCount{'A': &h.Added, 'R': &h.Resolved, 'V': &h.Solved}
	var kind byte
	var later bool // the side of the deadline, which day (the latest) tells again
	var day pgtype.Date
	var c data.DateCount
	_, err = pgx.ForEachRow(rows, []any{&kind, &c.Tambon, &later, &day, &c.N}, func() error {
		c.Date = dateOf(day)
		*into[kind] = append(*into[kind], c)
		return nil
	})
	return h, err
}

// foldSource is where the rows of fold are read, how much of an area
// code to keep (0: all), and the condition on the area, with the fold's
// area code as $4 and whether it is of the municipalities as $5. The
// province by amphoe and the municipalities are read from
// summary_counters, which keeps them so; an amphoe or a tambon by tambon
// from counters.
func foldSource(fold data.CountsFold) (table string, cut int, area string) {
	if !fold.Units && fold.Area == "" && fold.Cut == 4 {
		return "summary_counters", 0, "area < 'M' AND $4::text = '' AND NOT $5::boolean"
	}
	table = "counters"
	if fold.Units {
		table = "summary_counters"
	}
	from, to := "$4", prefixEnd(fold.Area)
	switch {
	case fold.Units && fold.Area == "": // the units' codes are M and five digits
		from, to = "'M'", "N"
	case !fold.Units && fold.Area == "": // the tambons' are six digits
		to = "M"
	}
	area = "area >= " + from
	if to != "" {
		area += " AND area < '" + to + "'" // a code's range: one of the primary key's
	}
	return table, fold.Cut, area + " AND starts_with(area, $4) AND (length(area) = 6 AND left(area, 1) = 'M') = $5"
}

// prefixEnd is the first text after every text that begins with prefix
// ("" for none): prefix with its last byte raised, when prefix is a code
// of digits and letters (anything else is read to the end, and left out
// by starts_with).
func prefixEnd(prefix string) string {
	for _, r := range prefix {
		if !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z') {
			return ""
		}
	}
	if prefix == "" {
		return ""
	}
	return prefix[:len(prefix)-1] + string(prefix[len(prefix)-1]+1)
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
		// One kind a query, each a range of counters_by_day in the order
		// wanted (day, area): no sort of the whole history, which at a
		// million problems spilled to disk. One round trip for the three.
		b := &pgx.Batch{}
		into := []*[]data.DateCount{&h.Added, &h.Resolved, &h.Solved}
		for _, kind := range []string{"A", "R", "V"} {
			b.Queue(`SELECT CASE WHEN isfinite(day) THEN day END, area, n FROM counters
				WHERE round_id = $1 AND kind = '`+kind+`' AND n <> 0 ORDER BY day, area`, int64(roundID))
		}
		res := tx.SendBatch(ctx, b)
		defer res.Close()
		for _, out := range into {
			rows, err := res.Query()
			if err != nil {
				return err
			}
			for rows.Next() {
				var day pgtype.Date
				var c data.DateCount
				if err := rows.Scan(&day, &c.Tambon, &c.N); err != nil {
					rows.Close()
					return err
				}
				c.Date = dateOf(day)
				*out = append(*out, c)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return res.Close()
	})
	data.KeepAreas(&h, units)
	return h, err
}
