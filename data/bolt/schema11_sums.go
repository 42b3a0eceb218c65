package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"
)

// blockSumsVersion is the schema version from which the sums of
// households, problems and actions are in blocks (sumblocks.go): the
// upgrade to it is migrateBlockSums. The upgrades before it (which
// rewrite records: the history, the municipalities, the compact
// encoding) still write and read per-key sums, as the file holds them.
const blockSumsVersion = 11

// blockSums tells whether the file's sums of households, problems and
// actions are in blocks: its version is blockSumsVersion or later.
func blockSums(tx *bbolt.Tx) bool {
	return btoi(tx.Bucket(bucketMeta).Get(keySchemaVersion)) >= blockSumsVersion
}

type perKeyTag struct {
	tag    byte
	bucket []byte
	keyLen int
}

// perKeyTags are the tags under which households, problems and actions
// had a sum per record, with the length of their records' keys.
var perKeyTags = []perKeyTag{{4, bucketHouseholds, 8}, {5, bucketProblems, 8}, {6, bucketActions, 16}}

// migrateBlockSums is the upgrade to blockSumsVersion, in one
// transaction with the version's change, so that a kill leaves the file
// before it or after it: it moves the per-key sums of households,
// problems and actions into blocks (moveSumsToBlocks).
func (s *Store) migrateBlockSums() error {
	from := blockSumsVersion - 1
	err := s.update(func(tx *bbolt.Tx) error {
		if err := moveSumsToBlocks(tx); err != nil {
			return err
		}
		return put(tx, bucketMeta, keySchemaVersion, itob(blockSumsVersion))
	})
	if err != nil {
		return fmt.Errorf("migrating schema %d → %d: %w", from, blockSumsVersion, err)
	}
	return nil
}

// moveSumsToBlocks rebuilds the sums bucket: every sum of tags 4, 5 and 6
// goes into its slot of a block, as it is (nothing is verified: a record
// whose sum did not match still does not, and is still reported), and
// every other key is kept as it is. Deleting a few million keys one by
// one costs seconds; the old bucket is dropped whole instead
// (bbolt frees its pages) and the new one written in key order, a few
// thousand keys.
//
// A per-key sum that has no slot to go to (a key of another length, a
// value that is not 4 bytes, a second action of the same ID) stays as it
// is: Check reports it as a stray, and its record as unsummed, as damage
// was reported before. A block already there (none, in a file a program
// wrote: the tags are new) keeps what it holds where no per-key sum
// takes the slot.
func moveSumsToBlocks(tx *bbolt.Tx) error {
	sums := tx.Bucket(bucketSums)
	if sums == nil {
		return nil // Check says they are gone, Repair writes them anew
	}
	type kv struct{ k, v []byte }
	var keep []kv
	blocks := map[string][]byte{} // block key → the block being built
	c := sums.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if moveSum(k, v, blocks) {
			continue
		}
		if bucket := blockBucketOf(k[0]); bucket != nil && len(k) == 9 {
			if built := blocks[string(k)]; built != nil && checkBlock(bucket, v) == nil {
				for slot := range blockSlots {
					if hasSlot(v, slot) && !hasSlot(built, slot) {
						pid, crc := slotAt(bucket, v, slot)
						setSlot(bucket, built, slot, pid, crc)
					}
				}
				continue
			}
		}
		keep = append(keep, kv{bytes.Clone(k), bytes.Clone(v)})
	}
	all := make([]kv, 0, len(blocks)+len(keep))
	for k, v := range blocks {
		all = append(all, kv{[]byte(k), v})
	}
	all = append(all, keep...)
	slices.SortStableFunc(all, func(a, b kv) int { return bytes.Compare(a.k, b.k) })
	// A damaged block already there, kept above, and a block built in its
	// place: the built one goes in (first of the two), it holds the
	// per-key sums.
	all = slices.CompactFunc(all, func(a, b kv) bool { return bytes.Equal(a.k, b.k) })
	if err := tx.DeleteBucket(bucketSums); err != nil {
		return err
	}
	nb, err := tx.CreateBucket(bucketSums)
	if err != nil {
		return err
	}
	nb.FillPercent = 1 // written in key order, once
	for _, e := range all {
		if err := nb.Put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// moveSum puts a per-key sum of tag 4, 5 or 6 into its block in blocks,
// and tells whether it did.
func moveSum(k, v []byte, blocks map[string][]byte) bool {
	i := slices.IndexFunc(perKeyTags, func(t perKeyTag) bool { return t.tag == k[0] })
	if i < 0 || len(k) != 1+perKeyTags[i].keyLen || len(v) != 4 {
		return false
	}
	bucket := perKeyTags[i].bucket
	block, slot, pid, _ := slotOf(bucket, k[1:])
	bk := string(key(blockTagOf(bucket), block))
	b := blocks[bk]
	if b == nil {
		b = make([]byte, blockLen(bucket))
		blocks[bk] = b
	} else if hasSlot(b, slot) {
		return false // a second action of that ID
	}
	setSlot(bucket, b, slot, pid, binary.BigEndian.Uint32(v))
	return true
}
