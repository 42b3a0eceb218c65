package bolt

import (
	"bytes"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"
)

// The upgrade to posting blocks (postings.go): the index keys of the
// range scans, one per record before (pidx 'c', 's', 'a', 'u', 'd'; hidx
// 'a'), become blocks of 256 IDs under the upper-case tags.

// oldPostingTags are, by index, the tags whose keys become blocks: each
// becomes its upper-case letter.
var oldPostingTags = []struct {
	bucket []byte
	tags   string
}{{bucketHIdx, "a"}, {bucketPIdx, "csaud"}}

// migratePostings moves the file one schema version up (the version it
// finds + 1, written at the end of the same transaction), turning the
// old keys into blocks. It is one transaction, so a crash leaves the file
// as it was or upgraded.
func (s *Store) migratePostings() error {
	err := s.update(func(tx *bbolt.Tx) error {
		v, err := schemaVersion(tx)
		if err != nil {
			return err
		}
		for _, x := range oldPostingTags {
			if err := toPostings(tx, x.bucket, x.tags); err != nil {
				return err
			}
		}
		return put(tx, bucketMeta, keySchemaVersion, itob(uint64(v+1)))
	})
	if err != nil {
		return fmt.Errorf("upgrading the indexes to posting blocks: %w", err)
	}
	return nil
}

// toPostings turns one index's keys of the old tags into blocks (merged
// with a block already there, which a file of the old layout has not)
// and deletes them. The other keys are not touched.
//
// Each tag's keys are one range of the bucket. They are read in order
// into blocks, then deleted from the last to the first: a cursor.Delete
// leaves the cursor on the deleted key's place, from which Prev is the
// key before it, and the keys before a range (a lower tag, done later)
// are still there, so the walk back never crosses an emptied page; the
// tags go from the highest down for that. Deleting from the first key
// on instead, each Seek would walk the pages emptied before (bbolt drops
// them only at commit): quadratic. A check after each range makes sure
// none of its keys is left.
func toPostings(tx *bbolt.Tx, name []byte, tags string) error {
	b := tx.Bucket(name)
	if b == nil {
		return nil // missing: Check names it, Repair makes it
	}
	var blocks []indexWrite
	last := map[byte][]byte{} // each tag's last key
	var lk []byte
	c := b.Cursor()
	for i := range len(tags) {
		tag := tags[i]
		for k, _ := c.Seek([]byte{tag}); k != nil && k[0] == tag; k, _ = c.Next() {
			last[tag] = k
			if len(k) <= 8 {
				continue // a damaged key: deleted with the others
			}
			lk = append(append(lk[:0], tag-'a'+'A'), k[1:]...)
			blocks = addPosting(blocks, lk)
		}
		if k := last[tag]; k != nil {
			last[tag] = bytes.Clone(k)
		}
	}
	order := []byte(tags)
	slices.Sort(order)
	for _, tag := range slices.Backward(order) {
		end := last[tag]
		if end == nil {
			continue
		}
		k, _ := c.Seek(end)
		for ; k != nil && k[0] == tag; k, _ = c.Prev() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		if k, _ := c.Seek([]byte{tag}); k != nil && k[0] == tag {
			return fmt.Errorf("bucket %s: key %x of the old layout left after the upgrade", name, k)
		}
	}
	cmp := func(a, b indexWrite) int { return bytes.Compare(a.key, b.key) }
	if !slices.IsSortedFunc(blocks, cmp) {
		slices.SortStableFunc(blocks, cmp)
	}
	b.FillPercent = 1 // written in key order
	return writeIndex(b, blocks)
}
