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
	return s.update(func(tx *bbolt.Tx) error { return s.putUnits(ctx, tx, l) })
}

// putUnits replaces the list of municipalities in tx, moves the
// households whose unit the change moves, and audits both.
func (s *Store) putUnits(ctx context.Context, tx *bbolt.Tx, l data.UnitList) error {
	if l == nil {
		l = data.UnitList{}
	}
	var before data.UnitList
	if _, err := getJSON(tx, bucketSubProblems, keyUnits, &before); err != nil {
		return err
	}
	l.AssignCodes()
	if err := putJSON(tx, bucketSubProblems, keyUnits, l); err != nil {
		return err
	}
	// A changed coverage moves households: those of a tambon now
	// wholly covered join the unit, those whose unit no longer covers
	// their tambon (or covers it only partly now, without their
	// choice) leave it; each move is audited.
	var moved []data.Household
	if err := resettleUnits(tx, l, &moved); err != nil {
		return err
	}
	for _, h := range moved {
		if err := s.audit(ctx, tx, "update", "household", h.ID, nil, map[string]string{"unit": h.Unit}, "unit list changed"); err != nil {
			return err
		}
	}
	return s.audit(ctx, tx, "update", "units", 0, before, l, fmt.Sprintf("%d municipalities, %d households moved", len(l), len(moved)))
}

// countUnits is the schema 5 → 6 upgrade: the municipalities get their
// codes, every household of a wholly covered tambon its unit, and the
// problems of households in a unit their counters under the unit's code.
// One transaction: an upgrade cut short leaves the file at 5, to start
// again.
func countUnits(tx *bbolt.Tx) error {
	var l data.UnitList
	if _, err := getJSON(tx, bucketSubProblems, keyUnits, &l); err != nil {
		return err
	}
	if len(l) == 0 {
		return nil
	}
	l.AssignCodes()
	if err := putJSON(tx, bucketSubProblems, keyUnits, l); err != nil {
		return err
	}
	return resettleUnits(tx, l, nil)
}

// resettleUnits gives every household the unit the list l says (SettleUnit)
// and moves its problems' counters with it; with before nil, the
// counters of the old units are taken as absent (the upgrade). It
// returns through changed the households whose unit changed.
func resettleUnits(tx *bbolt.Tx, l data.UnitList, changed *[]data.Household) error {
	type move struct {
		id       uint64
		from, to string
		origin   data.Origin
	}
	var moves []move
	var rewrite []data.Household
	if err := tx.Bucket(bucketHouseholds).ForEach(func(k, v []byte) error {
		var h data.Household
		if err := decodeHousehold(v, &h); err != nil {
			return corrupt(bucketHouseholds, k, err)
		}
		from := h.Unit
		if !l.SettleUnit(&h) {
			return nil
		}
		moves = append(moves, move{h.ID, from, h.Unit, h.Origin})
		rewrite = append(rewrite, h)
		return nil
	}); err != nil {
		return err
	}
	for i := range rewrite {
		if err := writeHousehold(tx, &rewrite[i]); err != nil {
			return err
		}
	}
	if changed != nil {
		*changed = rewrite
	}
	// A household's problems all out of the old unit, then all into the
	// new one: its household counters follow the references to zero and
	// up from zero (the references are the household's, whichever unit).
	d := counterDelta{}
	for _, m := range moves {
		var problems []data.Problem
		for _, pid := range problemIDsOf(tx, m.id) {
			var p data.Problem
			if err := getProblem(tx, pid, &p); err != nil {
				return err
			}
			problems = append(problems, p)
		}
		for _, x := range []struct {
			area string
			sign int64
		}{{m.from, -1}, {m.to, +1}} {
			if x.area == "" {
				continue
			}
			for i := range problems {
				if err := d.addProblemOf(tx, &problems[i], m.origin, x.area, x.sign); err != nil {
					return err
				}
			}
		}
	}
	return d.flush(tx)
}
