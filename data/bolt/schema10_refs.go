package bolt

import (
	"bytes"
	"fmt"

	bbolt "go.etcd.io/bbolt"
)

// The upgrade to packed household references (hhrefs.go): the keys of
// the old layout, round + hh + the rest (cat, cat 'M', cat 'f', cat 'f'
// 'M'; 17 to 19 bytes) → an 8-byte count, become one key per round and
// household (16 bytes) → the packed list. The upgrades before it that
// count references (countNewCases writes old keys; countUnits writes
// through refCounts, packed, beside the old keys) may leave a household
// with both: the packed entries and the old keys are merged, an old key's
// count taking the place of a packed entry of the same rest.
//
// It runs in one transaction (a province of a million problems: about
// 2 s, docs/perf-refs.md): an upgrade cut short leaves the file as it
// was, at its version number, to start again. The bucket is read once,
// in key order, where a household's packed key comes just before its old
// keys; the packed values are held in memory (some 30 bytes a household),
// then the bucket is written anew, in order, full pages.

// migrateRefs packs the household references and moves the file's
// version on by one.
func (s *Store) migrateRefs() error {
	err := s.update(func(tx *bbolt.Tx) error {
		if err := packAllRefs(tx); err != nil {
			return err
		}
		v, err := schemaVersion(tx)
		if err != nil {
			return err
		}
		return put(tx, bucketMeta, keySchemaVersion, itob(uint64(v+1)))
	})
	if err != nil {
		return fmt.Errorf("migrating the household references to one key per household: %w", err)
	}
	return nil
}

// packAllRefs rewrites the hhrefs bucket in the packed layout.
func packAllRefs(tx *bbolt.Tx) error {
	b := tx.Bucket(bucketHHRefs)
	var (
		keys, values []byte // the packed households' keys (refHHLen each) and values, end to end
		ends         []int  // where each value ends in values
		hk           []byte // the household being gathered
		packed, old  []refEntry
	)
	emit := func() error {
		if hk == nil {
			return nil
		}
		e := mergeRefs(packed, old)
		if len(e) == 0 {
			return nil
		}
		v, err := encodeRefs(e)
		if err != nil {
			return err
		}
		keys, values = append(keys, hk...), append(values, v...)
		ends = append(ends, len(values))
		return nil
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) < refHHLen || len(k) > refHHLen+maxRefRest {
			return corrupt(bucketHHRefs, k, fmt.Errorf("key of %d bytes", len(k)))
		}
		if !bytes.Equal(k[:refHHLen], hk) {
			if err := emit(); err != nil {
				return err
			}
			hk, packed, old = bytes.Clone(k[:refHHLen]), nil, old[:0]
		}
		if len(k) == refHHLen { // packed already (countUnits writes packed)
			e, err := decodeRefs(v)
			if err != nil {
				return refsCorrupt(k, err)
			}
			packed = e
		} else if n := btoi(v); n > 0 { // a zero count is left out, as the old layout did
			old = append(old, refEntry{string(k[refHHLen:]), n})
		}
	}
	if err := emit(); err != nil {
		return err
	}
	if err := tx.DeleteBucket(bucketHHRefs); err != nil {
		return err
	}
	nb, err := tx.CreateBucket(bucketHHRefs)
	if err != nil {
		return err
	}
	nb.FillPercent = 1 // written in key order
	start := 0
	for i, end := range ends {
		if err := nb.Put(keys[i*refHHLen:(i+1)*refHHLen], values[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// mergeRefs merges a household's packed entries with its old ones (both
// ascending), an old entry taking the place of a packed one of the same
// rest.
func mergeRefs(packed, old []refEntry) []refEntry {
	out := make([]refEntry, 0, len(packed)+len(old))
	i, j := 0, 0
	for i < len(packed) || j < len(old) {
		switch {
		case j == len(old) || i < len(packed) && packed[i].rest < old[j].rest:
			out = append(out, packed[i])
			i++
		case i == len(packed) || old[j].rest < packed[i].rest:
			out = append(out, old[j])
			j++
		default: // the same rest
			out = append(out, old[j])
			i++
			j++
		}
	}
	return out
}
