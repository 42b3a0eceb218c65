package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
)

// AgencyAliases returns the merges of agency names (empty: none yet).
func (s *Store) AgencyAliases(ctx context.Context) (a data.AgencyAliases, err error) {
	err = s.read(ctx, func(tx pgx.Tx) error {
		a, err = getAliases(ctx, tx)
		return err
	})
	return a, err
}

func getAliases(ctx context.Context, q querier) (data.AgencyAliases, error) {
	rows, err := q.Query(ctx, `SELECT from_key, into_name FROM agency_aliases`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	a := data.AgencyAliases{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		a[k] = v
	}
	return a, rows.Err()
}

// MergeAgency makes from count as into in the agencies' report, with an
// audit entry in the same transaction; no action is rewritten.
func (s *Store) MergeAgency(ctx context.Context, from, into string) error {
	return s.changeAliases(ctx, "merge agency "+data.CleanText(from)+" -> "+data.CleanText(into), func(a data.AgencyAliases) error { return a.Merge(from, into) })
}

// UnmergeAgency takes back the merge of from, with an audit entry.
func (s *Store) UnmergeAgency(ctx context.Context, from string) error {
	return s.changeAliases(ctx, "unmerge agency "+data.CleanText(from), func(a data.AgencyAliases) error { return a.Unmerge(from) })
}

// changeAliases applies change to the merges and stores them with an
// audit entry, in one transaction. The meta row is locked first, so two
// clerks' merges go one after the other and each checks its merge for a
// circle against the other's.
func (s *Store) changeAliases(ctx context.Context, note string, change func(data.AgencyAliases) error) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if _, err := getMeta(ctx, tx, true); err != nil {
			return err
		}
		before, err := getAliases(ctx, tx)
		if err != nil {
			return err
		}
		after := data.AgencyAliases{}
		for k, v := range before {
			after[k] = v
		}
		if err := change(after); err != nil {
			return err
		}
		for k := range before {
			if _, ok := after[k]; !ok {
				if _, err := tx.Exec(ctx, `DELETE FROM agency_aliases WHERE from_key = $1`, k); err != nil {
					return err
				}
			}
		}
		for k, v := range after {
			if old, ok := before[k]; !ok || old != v {
				if _, err := tx.Exec(ctx, `INSERT INTO agency_aliases (from_key, into_name) VALUES ($1, $2)
					ON CONFLICT (from_key) DO UPDATE SET into_name = excluded.into_name`, k, v); err != nil {
					return err
				}
			}
		}
		return s.audit(ctx, tx, "update", "agency_aliases", 0, before, after, note)
	})
}
