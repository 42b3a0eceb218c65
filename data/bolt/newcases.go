package bolt

import (
	"encoding/binary"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// The new cases (ครัวเรือนตกหล่น, ครัวเรือนเดิมที่มีปัญหาใหม่) are counted in
// households, each once per category and once in category 0, by two
// reference counts in hhrefs (logical keys; the bucket holds them packed,
// one key per round and household, hhrefs.go):
//
//   - round + hh + cat (every problem, the 'H' counters' own): while it is
//     above zero a household of origin ตกหล่น is counted in
//     'N' round + tambon + cat + NewCaseMissed;
//   - round + hh + cat + 'f' (the problems found in the round): while it is
//     above zero a household of origin เดิม is counted in
//     'N' round + tambon + cat + NewCaseKnown.
//
// So the household's origin is needed only when a count goes from 0 to 1
// or back; a change of origin moves every problem of the household out
// under the old origin and in under the new one (moveProblems).

// newCaseKey is a new-case counter.
func newCaseKey(round uint64, tambon string, cat byte, g data.NewCase) []byte {
	return key(byte('N'), round, tambon, cat, byte(g))
}

// freshRefKey is the hhrefs key of a household's problems found in the
// round, in a category (0: all).
// A household in a municipality has a second set, for its unit's code
// (as refKey).
func freshRefKey(round, hh uint64, cat byte, area string) []byte {
	k := append(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(make([]byte, 0, 19), round), hh), cat, 'f')
	if data.IsUnitCode(area) {
		k = append(k, 'M')
	}
	return k
}

// originOf reads a household's origin.
func originOf(tx *bbolt.Tx, hh uint64) (data.Origin, error) {
	var h data.Household
	if err := getHousehold(tx, hh, &h); err != nil {
		return 0, err
	}
	return h.Origin, nil
}

// lazyOrigin is a household's origin, read from the store the first time
// it is needed when the caller did not know it (0).
type lazyOrigin struct {
	tx     *bbolt.Tx
	hh     uint64
	origin data.Origin
}

func (l *lazyOrigin) get() (data.Origin, error) {
	if l.origin == 0 {
		o, err := originOf(l.tx, l.hh)
		if err != nil {
			return 0, err
		}
		l.origin = o
	}
	return l.origin, nil
}

// missedFlip moves the missed-household counter of a category when the
// household's count of problems there went from 0 to 1 or back.
func (d counterDelta) missedFlip(o *lazyOrigin, p *data.Problem, tambon string, cat byte, sign int64) error {
	origin, err := o.get()
	if err != nil {
		return err
	}
	if origin == data.OriginMissed {
		d[string(newCaseKey(p.RoundID, tambon, cat, data.NewCaseMissed))] += sign
	}
	return nil
}

// addFresh counts (sign +1) or uncounts a problem found in the round in
// its household's fresh references, and moves the known-household counter
// when one goes from 0 to 1 or back.
func (d counterDelta) addFresh(refs *refCounts, o *lazyOrigin, p *data.Problem, tambon string, sign int64) error {
	if !p.FoundInRound() {
		return nil
	}
	for _, cat := range []byte{byte(p.Category), 0} {
		flipped, err := bumpRef(refs, freshRefKey(p.RoundID, p.HouseholdID, cat, tambon), sign)
		if err != nil {
			return err
		}
		if flipped {
			origin, err := o.get()
			if err != nil {
				return err
			}
			if origin == data.OriginSurvey2565 {
				d[string(newCaseKey(p.RoundID, tambon, cat, data.NewCaseKnown))] += sign
			}
		}
	}
	return nil
}

// newCaseCounts reads a round's new-case counters.
func newCaseCounts(c *bbolt.Cursor, roundID uint64) (out []data.NewCaseCount) {
	pre := key(byte('N'), roundID)
	for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre); k, v = c.Next() {
		r := k[len(pre):] // tambon(6) cat group
		if len(r) != 8 {
			continue
		}
		out = append(out, data.NewCaseCount{Tambon: string(r[:6]), Category: data.Category(r[6]), Group: data.NewCase(r[7]), N: int64(btoi(v))})
	}
	return out
}

// recountNewCases is recountTx's part for the new cases of one problem,
// after its every-problem references were counted (rc.refInc).
func (rc *recount) recountNewCases(p *data.Problem, origin data.Origin, tambon string) {
	for _, cat := range []byte{byte(p.Category), 0} {
		if origin == data.OriginMissed && rc.refGet(refKey(p, cat, tambon)) == 1 {
			rc.counts[string(newCaseKey(p.RoundID, tambon, cat, data.NewCaseMissed))]++
		}
		if !p.FoundInRound() {
			continue
		}
		if rc.refInc(freshRefKey(p.RoundID, p.HouseholdID, cat, tambon)) == 1 && origin == data.OriginSurvey2565 {
			rc.counts[string(newCaseKey(p.RoundID, tambon, cat, data.NewCaseKnown))]++
		}
	}
}

// countNewCases (schema 5 → 6) counts the new cases of every household
// and its fresh references, household by household (through the problems'
// household index), so a large province needs no map of all of them.
func countNewCases(tx *bbolt.Tx) error {
	d := counterDelta{}
	refs := tx.Bucket(bucketHHRefs)
	// Counted afresh: a file downgraded and upgraded again may hold some.
	var stale [][]byte
	cs := tx.Bucket(bucketCounters)
	cs.ForEach(func(k, _ []byte) error {
		if len(k) > 0 && k[0] == 'N' {
			stale = append(stale, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range stale {
		if err := cs.Delete(k); err != nil {
			return err
		}
	}
	stale = stale[:0]
	refs.ForEach(func(k, _ []byte) error {
		if len(k) == 18 && k[17] == 'f' || len(k) == 19 && k[17] == 'f' && k[18] == 'M' {
			stale = append(stale, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range stale {
		if err := refs.Delete(k); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketHouseholds).ForEach(func(k, v []byte) error {
		var h data.Household
		if err := decodeHousehold(v, &h); err != nil {
			return corrupt(bucketHouseholds, k, err)
		}
		all, fresh := map[string]bool{}, map[string]uint64{}
		for _, pid := range problemIDsOf(tx, h.ID) {
			var p data.Problem
			if err := getProblem(tx, pid, &p); err != nil {
				return err
			}
			for _, area := range areasOf(areaOf(&h)) { // its tambon, and its unit's code when it has one
				for _, cat := range []byte{byte(p.Category), 0} {
					if h.Origin == data.OriginMissed {
						if k := string(newCaseKey(p.RoundID, area, cat, data.NewCaseMissed)); !all[k] {
							all[k] = true
							d[k]++
						}
					}
					if p.FoundInRound() {
						fk := string(freshRefKey(p.RoundID, h.ID, cat, area))
						if fresh[fk]++; fresh[fk] == 1 && h.Origin == data.OriginSurvey2565 {
							d[string(newCaseKey(p.RoundID, area, cat, data.NewCaseKnown))]++
						}
					}
				}
			}
		}
		for fk, n := range fresh {
			if err := refs.Put([]byte(fk), itob(n)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return d.flush(tx)
}
