package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"iter"
	"math/bits"

	bbolt "go.etcd.io/bbolt"
)

// Posting blocks (schema 12). The index keys that only serve range scans
// (pidx 'C', 'S', 'A', 'U', 'D'; hidx 'A': the upper-case tags) are not
// stored one key per record: a block key is the tag, the value the scan
// is by (round + category, …) and the 8-byte block number ID/256, and
// its value a 32-byte bitmap of which of the block's 256 IDs are in the
// index (bit i of byte j: ID block×256 + 8j + i). A block that becomes
// all zero is deleted. The lower-case tags (pidx 'h', hidx 'c', 'n') are
// value lookups and stay one key per record, with an empty value.
//
// The code above this file speaks of an index's LOGICAL keys, as the
// layout before 10 stored them: tag + value + ID (problemIndexKeys,
// householdIndexKeys, replaceKeys, keyBuffer, Check's recount). An
// upper-case tag makes the logical key an entry of a block: splitPosting
// turns it into its block key and bit, and every write and read goes
// through this file.

// postingBytes is the size of a block's bitmap: 256 IDs.
const postingBytes = 32

// postingBlock is a block's bitmap.
type postingBlock [postingBytes]byte

func (b *postingBlock) set(bit uint8)      { b[bit>>3] |= 1 << (bit & 7) }
func (b *postingBlock) clear(bit uint8)    { b[bit>>3] &^= 1 << (bit & 7) }
func (b *postingBlock) has(bit uint8) bool { return b[bit>>3]&(1<<(bit&7)) != 0 }
func (b *postingBlock) empty() bool        { return *b == postingBlock{} }
func (b *postingBlock) or(o *postingBlock) {
	for i := range b {
		b[i] |= o[i]
	}
}

// isPosting tells whether an index key (logical or a block's) is of a
// posting tag: an upper-case one.
func isPosting(k []byte) bool { return len(k) > 8 && postingTag(k[0]) }

// postingTag tells whether a tag is a posting block's.
func postingTag(tag byte) bool { return tag >= 'A' && tag <= 'Z' }

// splitPosting turns a logical posting key (tag + value + ID) into its
// block's key (tag + value + ID/256, a new slice) and the ID's bit.
func splitPosting(k []byte) (block []byte, bit uint8) {
	n := len(k) - 8
	id := binary.BigEndian.Uint64(k[n:])
	block = make([]byte, 0, len(k))
	block = binary.BigEndian.AppendUint64(append(block, k[:n]...), id>>8)
	return block, uint8(id)
}

// sameBlock tells whether the logical posting key k falls in the block
// whose key is block.
func sameBlock(block, k []byte) bool {
	n := len(k) - 8
	return len(block) == len(k) && bytes.Equal(block[:n], k[:n]) && binary.BigEndian.Uint64(block[n:]) == binary.BigEndian.Uint64(k[n:])>>8
}

// readBlock reads a stored block into a bitmap; a value of another size
// (a damaged one: Check names it) gives what fits of it.
func readBlock(v []byte) (b postingBlock) {
	copy(b[:], v)
	return b
}

// putBlock stores a block, or deletes it when it is all zero.
func putBlock(b *bbolt.Bucket, k []byte, blk *postingBlock) error {
	if blk.empty() {
		return b.Delete(k)
	}
	return b.Put(k, bytes.Clone(blk[:]))
}

// setPosting adds (on) or removes the ID of a logical posting key to or
// from its block: a Get, then a Put or a Delete when it changes.
func setPosting(b *bbolt.Bucket, k []byte, on bool) error {
	bk, bit := splitPosting(k)
	v := b.Get(bk)
	blk := readBlock(v)
	if blk.has(bit) == on && (v == nil || len(v) == postingBytes) {
		return nil
	}
	if on {
		blk.set(bit)
	} else {
		blk.clear(bit)
	}
	return putBlock(b, bk, &blk)
}

// replaceKeys deletes the old logical keys that are not among the new
// ones and puts the new ones: a plain key is deleted or put, a posting
// key's ID cleared from or set in its block.
func replaceKeys(b *bbolt.Bucket, old, new [][]byte) error {
	keep := make(map[string]bool, len(new))
	for _, k := range new {
		keep[string(k)] = true
	}
	for _, k := range old {
		if keep[string(k)] {
			continue
		}
		var err error
		if isPosting(k) {
			err = setPosting(b, k, false)
		} else {
			err = b.Delete(k)
		}
		if err != nil {
			return err
		}
	}
	for _, k := range new {
		var err error
		if isPosting(k) {
			err = setPosting(b, k, true)
		} else {
			err = b.Put(k, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// indexWrite is one stored key of a bulk write to an index: a plain key
// (bits nil), or a block and the IDs to set in it.
type indexWrite struct {
	key  []byte
	bits *postingBlock
}

// addPosting adds the posting key k to writes: to the last block when k
// falls in it, else as a new block.
func addPosting(writes []indexWrite, k []byte) []indexWrite {
	if last := len(writes) - 1; last >= 0 && writes[last].bits != nil && sameBlock(writes[last].key, k) {
		writes[last].bits.set(uint8(idAtEnd(k)))
		return writes
	}
	bk, bit := splitPosting(k)
	blk := new(postingBlock)
	blk.set(bit)
	return append(writes, indexWrite{bk, blk})
}

// packIndex turns logical keys into the writes that store them, in the
// stored keys' order, one per block: the IDs of a block are gathered in
// one bitmap. A posting key goes to its block through a map, so only the
// blocks are sorted (a few for a chunk's thousands of posting keys), and
// the plain keys (sorted unless they already are: a chunk's problems'
// 'h' keys come in order); the two are merged. keys may be reordered.
func packIndex(keys [][]byte) []indexWrite {
	var plain, blockKeys [][]byte
	blocks := map[string]*postingBlock{}
	var bk []byte
	for _, k := range keys {
		if !isPosting(k) {
			plain = append(plain, k)
			continue
		}
		n := len(k) - 8
		id := binary.BigEndian.Uint64(k[n:])
		bk = binary.BigEndian.AppendUint64(append(bk[:0], k[:n]...), id>>8)
		blk := blocks[string(bk)]
		if blk == nil {
			blk = new(postingBlock)
			blocks[string(bk)] = blk
			blockKeys = append(blockKeys, bytes.Clone(bk))
		}
		blk.set(uint8(id))
	}
	sortKeys(plain)
	sortKeys(blockKeys)
	out := make([]indexWrite, 0, len(plain)+len(blockKeys))
	for len(plain) > 0 || len(blockKeys) > 0 {
		if len(blockKeys) == 0 || len(plain) > 0 && bytes.Compare(plain[0], blockKeys[0]) < 0 {
			out = append(out, indexWrite{key: plain[0]})
			plain = plain[1:]
			continue
		}
		out = append(out, indexWrite{blockKeys[0], blocks[string(blockKeys[0])]})
		blockKeys = blockKeys[1:]
	}
	return out
}

// writeIndex stores packed writes: a plain key is put; a block is merged
// with what the bucket holds of it (a Get, the bits or'd, one Put when
// they add an ID).
func writeIndex(b *bbolt.Bucket, writes []indexWrite) error {
	for _, w := range writes {
		if w.bits == nil {
			if err := b.Put(w.key, nil); err != nil {
				return err
			}
			continue
		}
		v := b.Get(w.key)
		if v == nil {
			if err := putBlock(b, w.key, w.bits); err != nil {
				return err
			}
			continue
		}
		blk := readBlock(v)
		before := blk
		blk.or(w.bits)
		if blk == before && len(v) == postingBytes {
			continue
		}
		if err := putBlock(b, w.key, &blk); err != nil {
			return err
		}
	}
	return nil
}

// indexIDs yields the IDs an index holds under pre (a tag and the start
// of a value), in the order of the logical keys: by value, then by ID.
// The walk ends at the first key not below stop (nil: none). pre's tag
// tells whether the keys are plain (the ID is the key's end) or blocks.
// A key too short to hold an ID or a block of the wrong size is skipped:
// only a damaged file has one, and Check names it. The cursor must not
// be moved, nor the bucket written, while the IDs are read.
func indexIDs(c *bbolt.Cursor, pre, stop []byte) iter.Seq[uint64] {
	return func(yield func(uint64) bool) {
		posting := len(pre) > 0 && postingTag(pre[0])
		for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre) && (stop == nil || bytes.Compare(k, stop) < 0); k, v = c.Next() {
			if len(k) < len(pre)+8 || len(k) < 9 {
				continue
			}
			if !posting {
				if !yield(idAtEnd(k)) {
					return
				}
				continue
			}
			if len(v) != postingBytes {
				continue
			}
			if !yieldBlock(idAtEnd(k), v, yield) {
				return
			}
		}
	}
}

// yieldBlock yields the IDs of block number block whose bits v holds, in
// ascending order; false when yield asked to stop.
func yieldBlock(block uint64, v []byte, yield func(uint64) bool) bool {
	base := block << 8
	for j, x := range v {
		for x != 0 {
			i := bits.TrailingZeros8(x)
			if !yield(base + uint64(j*8+i)) {
				return false
			}
			x &= x - 1
		}
	}
	return true
}

// compareKeys compares an index with the logical keys the records imply
// (Check): a stored key or an ID of a block that no record implies is
// named, as is a block that cannot be one (a value of another size, or
// all zero), and the logical keys no stored key holds are counted.
func compareKeys(what string, b *bbolt.Bucket, want map[string]bool) []string {
	return compareKeySet(what, b, keyMap(want))
}

// keySet is a set of logical index keys: a map (keyMap) or, in Check,
// the compact idKeys.
type keySet interface {
	has(k []byte) bool
	len() int
}

// keyMap is a map of keys as a keySet.
type keyMap map[string]bool

func (m keyMap) has(k []byte) bool { return m[string(k)] }
func (m keyMap) len() int          { return len(m) }

// compareKeySet is compareKeys with the keys in any keySet.
func compareKeySet(what string, b *bbolt.Bucket, want keySet) (out []string) {
	seen := 0
	var lk []byte
	b.ForEach(func(k, v []byte) error {
		if !isPosting(k) {
			switch {
			case !want.has(k):
				out = append(out, fmt.Sprintf("%s: stray key %x", what, k))
			case len(v) != 0 || v == nil && b.Bucket(k) != nil:
				// A lookup key's value is empty: one that is not (or a
				// bucket in its place) is a damaged page read as a record.
				out = append(out, fmt.Sprintf("%s: key %x holds %d bytes, not nothing", what, k, len(v)))
				seen++
			default:
				seen++
			}
			return nil
		}
		if blk := readBlock(v); len(v) != postingBytes || blk.empty() {
			out = append(out, fmt.Sprintf("%s: block %x is not a block (%d bytes, or no ID)", what, k, len(v)))
			return nil
		}
		n := len(k) - 8
		yieldBlock(idAtEnd(k), v, func(id uint64) bool {
			lk = binary.BigEndian.AppendUint64(append(lk[:0], k[:n]...), id)
			if !want.has(lk) {
				out = append(out, fmt.Sprintf("%s: stray ID %d in block %x", what, id, k))
			} else {
				seen++
			}
			return true
		})
		return nil
	})
	if seen != want.len() {
		out = append(out, fmt.Sprintf("%s: %d keys missing", what, want.len()-seen))
	}
	return limit(out)
}
