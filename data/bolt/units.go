package bolt

import (
	"context"
	"fmt"

	"go.etcd.io/bbolt"

	"qmdesk/data"
)

// Units returns the province's municipalities (none in a file made before
// there were any).
func (s *Store) Units(ctx context.Context) (l data.UnitList, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		_, err := getJSON(tx, bucketSubProblems, keyUnits, &l)
		return err
	})
	return l, err
}

// SetUnits replaces the list of municipalities, with its audit entry in
// the same transaction.
func (s *Store) SetUnits(ctx context.Context, l data.UnitList) error {
	if l == nil {
		l = data.UnitList{}
	}
	return s.update(func(tx *bbolt.Tx) error {
		var before data.UnitList
		if _, err := getJSON(tx, bucketSubProblems, keyUnits, &before); err != nil {
			return err
		}
		if err := putJSON(tx, bucketSubProblems, keyUnits, l); err != nil {
			return err
		}
		return s.audit(ctx, tx, "update", "units", 0, before, l, fmt.Sprintf("%d municipalities", len(l)))
	})
}
