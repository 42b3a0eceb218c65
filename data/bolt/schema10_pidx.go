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
// as it was or upgraded. Each index is rebuilt rather than its old keys
// deleted one by one: its keys are read in order, the old ones gathered
// into blocks and the others copied out, the bucket deleted (bbolt frees
// its pages without visiting its keys) and made anew with the kept keys
// and the blocks, written in key order into full pages.
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

// toPostings rebuilds one index with the keys of the old tags turned into
// blocks. A block already there (none is, in a file of the old layout)
// is merged with the old keys of its IDs.
func toPostings(tx *bbolt.Tx, name []byte, tags string) error {
	b := tx.Bucket(name)
	if b == nil {
		return nil // missing: Check names it, Repair makes it
	}
	seq := b.Sequence()
	type kept struct{ k, v [2]int } // offsets into slab
	var slab []byte
	var keep []kept
	var blocks []indexWrite
	var lk []byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) > 8 && bytes.IndexByte([]byte(tags), k[0]) >= 0 {
			lk = append(append(lk[:0], k[0]-'a'+'A'), k[1:]...)
			if last := len(blocks) - 1; last >= 0 && sameBlock(blocks[last].key, lk) {
				blocks[last].bits.set(uint8(idAtEnd(lk)))
				continue
			}
			bk, bit := splitPosting(lk)
			blk := new(postingBlock)
			blk.set(bit)
			blocks = append(blocks, indexWrite{bk, blk})
			continue
		}
		if isPosting(k) && len(v) == postingBytes {
			blk := readBlock(v)
			blocks = append(blocks, indexWrite{bytes.Clone(k), &blk})
			continue
		}
		var e kept
		e.k[0], slab = len(slab), append(slab, k...)
		e.k[1], e.v[0] = len(slab), len(slab)
		slab = append(slab, v...)
		e.v[1] = len(slab)
		keep = append(keep, e)
	}
	cmp := func(a, b indexWrite) int { return bytes.Compare(a.key, b.key) }
	if !slices.IsSortedFunc(blocks, cmp) {
		slices.SortStableFunc(blocks, cmp)
	}
	if err := tx.DeleteBucket(name); err != nil {
		return err
	}
	nb, err := tx.CreateBucket(name)
	if err != nil {
		return err
	}
	nb.FillPercent = 1
	if err := nb.SetSequence(seq); err != nil {
		return err
	}
	// The blocks (upper-case tags) come before the kept keys (lower-case
	// tags) but for a block that was there already: merged into writes
	// in key order, equal blocks or'd.
	i := 0
	putKept := func(e kept) error {
		var v []byte
		if e.v[1] > e.v[0] {
			v = slab[e.v[0]:e.v[1]]
		}
		return nb.Put(slab[e.k[0]:e.k[1]], v)
	}
	for bi := 0; bi < len(blocks); bi++ {
		w := blocks[bi]
		for bi+1 < len(blocks) && bytes.Equal(blocks[bi+1].key, w.key) {
			bi++
			w.bits.or(blocks[bi].bits)
		}
		for ; i < len(keep) && bytes.Compare(slab[keep[i].k[0]:keep[i].k[1]], w.key) < 0; i++ {
			if err := putKept(keep[i]); err != nil {
				return err
			}
		}
		if err := putBlock(nb, w.key, w.bits); err != nil {
			return err
		}
	}
	for ; i < len(keep); i++ {
		if err := putKept(keep[i]); err != nil {
			return err
		}
	}
	return nil
}
