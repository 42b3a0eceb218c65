package bolt

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/bits"
	"slices"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// Block sums (from schema blockSumsVersion). The checksums of the three
// buckets of a province's million records are kept 256 to a sums key
// instead of one key each: an import wrote as many sums keys as records,
// a sixth of its bbolt writes, and now writes one per 256.
//
//	sums  13 + block → households hh = block<<8 + slot
//	      14 + block → problems   pid = block<<8 + slot
//	      15 + block → actions of action ID aid = block<<8 + slot
//
// A block (8-byte big-endian number) is a 32-byte presence bitmap (bit
// slot%8 of byte slot/8 set: the slot holds a sum; a zero CRC is a sum
// like any other) followed by 256 slots: for households and problems the
// record's CRC-32C (4 bytes), for actions its problem's ID (8 bytes) and
// then the CRC, since an action's key is pid + aid and its block is
// chosen by aid alone (ascending as an import creates them; the problem
// ID in the slot gives the key back, and tells an action moved to
// another problem). Absent slots are zero, and a block with no slot set
// is deleted, never stored: anything else is a damaged block. The tags
// 4, 5 and 6, which kept a sum per record before, are not reused.

// blockSumBuckets are the buckets whose sums are in blocks, with their
// tags.
var blockSumBuckets = []struct {
	tag    byte
	bucket []byte
}{{13, bucketHouseholds}, {14, bucketProblems}, {15, bucketActions}}

const (
	blockSlots  = 256
	presenceLen = blockSlots / 8
)

// blockTagOf is the tag of bucket's blocks, 0 for a bucket of per-key
// sums.
func blockTagOf(bucket []byte) byte {
	for _, b := range blockSumBuckets {
		if bytes.Equal(b.bucket, bucket) {
			return b.tag
		}
	}
	return 0
}

// blockBucketOf is the bucket of a block tag, nil for another tag.
func blockBucketOf(tag byte) []byte {
	for _, b := range blockSumBuckets {
		if b.tag == tag {
			return b.bucket
		}
	}
	return nil
}

// slotLen is the size of one slot of bucket's blocks.
func slotLen(bucket []byte) int {
	if bytes.Equal(bucket, bucketActions) {
		return 12
	}
	return 4
}

func blockLen(bucket []byte) int { return presenceLen + blockSlots*slotLen(bucket) }

// slotOf is where the sum of the record under k is: its block and slot,
// and for an action its problem's ID. ok is false for a key no record of
// the program has (of another length): such a record has no sum.
func slotOf(bucket, k []byte) (block uint64, slot int, pid uint64, ok bool) {
	id := btoi(k)
	if bytes.Equal(bucket, bucketActions) {
		if len(k) != 16 {
			return 0, 0, 0, false
		}
		pid, id = id, idAtEnd(k)
	} else if len(k) != 8 {
		return 0, 0, 0, false
	}
	return id >> 8, int(id & 0xff), pid, true
}

// slotKey is the key of the record whose sum is in slot of block, pid
// the problem ID the slot holds (actions).
func slotKey(bucket []byte, block uint64, slot int, pid uint64) []byte {
	id := block<<8 | uint64(slot)
	if bytes.Equal(bucket, bucketActions) {
		return key(pid, id)
	}
	return itob(id)
}

var errBlock = errors.New("a block of checksums is damaged")

// checkBlock tells whether v is a block of bucket as the store writes
// them: its length, at least one slot set, every slot not set zero.
func checkBlock(bucket, v []byte) error {
	if len(v) != blockLen(bucket) {
		return errBlock
	}
	n := slotLen(bucket)
	any := false
	for slot := range blockSlots {
		if hasSlot(v, slot) {
			any = true
			continue
		}
		for _, b := range v[presenceLen+slot*n : presenceLen+(slot+1)*n] {
			if b != 0 {
				return errBlock
			}
		}
	}
	if !any {
		return errBlock
	}
	return nil
}

func hasSlot(v []byte, slot int) bool { return v[slot/8]&(1<<(slot%8)) != 0 }

// slotAt reads slot of a sound block: the problem ID (actions; 0
// otherwise) and the CRC.
func slotAt(bucket, v []byte, slot int) (pid uint64, crc uint32) {
	at := presenceLen + slot*slotLen(bucket)
	if slotLen(bucket) == 12 {
		pid, at = binary.BigEndian.Uint64(v[at:]), at+8
	}
	return pid, binary.BigEndian.Uint32(v[at:])
}

// withSlot sets slot of block v (nil: a new block) in a copy of it:
// bbolt keeps what Put is given until the commit, and v may be its
// mapped page.
func withSlot(bucket, v []byte, slot int, pid uint64, crc uint32) []byte {
	out := make([]byte, blockLen(bucket))
	copy(out, v)
	setSlot(bucket, out, slot, pid, crc)
	return out
}

// setSlot sets slot of a block the caller owns.
func setSlot(bucket, v []byte, slot int, pid uint64, crc uint32) {
	v[slot/8] |= 1 << (slot % 8)
	at := presenceLen + slot*slotLen(bucket)
	if slotLen(bucket) == 12 {
		binary.BigEndian.PutUint64(v[at:], pid)
		at += 8
	}
	binary.BigEndian.PutUint32(v[at:], crc)
}

// withoutSlot clears slot in a copy of block v; nil when no slot is left
// (the block is deleted).
func withoutSlot(bucket, v []byte, slot int) []byte {
	out := bytes.Clone(v)
	clearSlot(bucket, out, slot)
	if slotsSet(out) == 0 {
		return nil
	}
	return out
}

// clearSlot clears slot of a block the caller owns.
func clearSlot(bucket, v []byte, slot int) {
	v[slot/8] &^= 1 << (slot % 8)
	n := slotLen(bucket)
	clear(v[presenceLen+slot*n : presenceLen+(slot+1)*n])
}

// slotsSet counts the slots set in a block.
func slotsSet(v []byte) (n int) {
	for _, b := range v[:presenceLen] {
		n += bits.OnesCount8(b)
	}
	return n
}

// blockRange names, in Thai and English, the records a block holds the
// sums of.
func blockRange(bucket []byte, block uint64) (thai, english string) {
	from, to := block<<8, block<<8|0xff
	what, thaiWhat := string(bucket), bucketThai[string(bucket)]
	switch {
	case bytes.Equal(bucket, bucketHouseholds):
		what = "households"
	case bytes.Equal(bucket, bucketProblems):
		what = "problems"
	case bytes.Equal(bucket, bucketActions):
		what = "actions"
	}
	return fmt.Sprintf("ค่าตรวจสอบของ%sเลขที่ %d–%d", thaiWhat, from, to), fmt.Sprintf("checksums of %s %d–%d", what, from, to)
}

// damagedBlock is the error of a write that would set a slot of a
// damaged block: Repair mends it first.
func damagedBlock(bucket []byte, block uint64) error {
	thai, english := blockRange(bucket, block)
	return &data.Error{Code: data.EDAMAGED, Message: thai + " ในฐานข้อมูลเสียหาย: " + repairAdvice, English: english + ": damaged", Err: errBlock}
}

// putBlockSum sets the sum of the record under k of bucket to that of v:
// one Get and one Put of its block. A key that no record of the program
// has, or a damaged block, is refused (nothing is written).
func putBlockSum(sums *bbolt.Bucket, bucket, k, v []byte) error {
	block, slot, pid, ok := slotOf(bucket, k)
	if !ok {
		return fmt.Errorf("bolt: a record of %s under a key of %d bytes", bucket, len(k))
	}
	bk := key(blockTagOf(bucket), block)
	old := sums.Get(bk)
	if old != nil && checkBlock(bucket, old) != nil {
		return damagedBlock(bucket, block)
	}
	return sums.Put(bk, withSlot(bucket, old, slot, pid, crc32.Checksum(v, castagnoli)))
}

// delBlockSum clears the sum of the record under k of bucket, and
// deletes its block when it was the last.
func delBlockSum(sums *bbolt.Bucket, bucket, k []byte) error {
	block, slot, pid, ok := slotOf(bucket, k)
	if !ok {
		return nil // such a record has no sum
	}
	bk := key(blockTagOf(bucket), block)
	old := sums.Get(bk)
	if old == nil {
		return nil
	}
	if checkBlock(bucket, old) != nil {
		return damagedBlock(bucket, block)
	}
	if !hasSlot(old, slot) {
		return nil
	}
	if held, _ := slotAt(bucket, old, slot); held != pid {
		return nil // the sum of another action of that ID (of another problem)
	}
	if out := withoutSlot(bucket, old, slot); out != nil {
		return sums.Put(bk, out)
	}
	return sums.Delete(bk)
}

// newSum is the sum of a record an import chunk created: its ID (an
// action's own), its problem's (actions) and the CRC-32C of its value,
// worked out on the goroutine that made the record ready.
type newSum struct {
	id, pid uint64
	crc     uint32
}

// mergeSums writes the sums of a chunk's new records into their blocks:
// one Get and one Put per block. New records take ascending IDs, so a
// chunk of 5,000 touches some twenty blocks; sums out of order still
// land right (a block met again is read again).
func mergeSums(tx *bbolt.Tx, bucket []byte, new []newSum) error {
	sums := tx.Bucket(bucketSums)
	if sums == nil || len(new) == 0 {
		return nil
	}
	tag := blockTagOf(bucket)
	for i := 0; i < len(new); {
		block := new[i].id >> 8
		bk := key(tag, block)
		old := sums.Get(bk)
		if old != nil && checkBlock(bucket, old) != nil {
			return damagedBlock(bucket, block)
		}
		out := withSlot(bucket, old, int(new[i].id&0xff), new[i].pid, new[i].crc)
		for i++; i < len(new) && new[i].id>>8 == block; i++ {
			setSlot(bucket, out, int(new[i].id&0xff), new[i].pid, new[i].crc)
		}
		if err := sums.Put(bk, out); err != nil {
			return err
		}
	}
	return nil
}

// sumClears gathers the sums of records deleted one after another (an
// undo, the rollback of an import or a load) and clears them a block at
// a time in flush: one Get and one Put or Delete per block instead of
// per record. Nothing reads the sums in between.
type sumClears map[string][][]byte // bucket → the deleted records' keys

// del deletes a record now and its sum at flush; a record of per-key
// sums (another bucket, or a file before blockSumsVersion), or with nil
// c, as del does.
func (c sumClears) del(tx *bbolt.Tx, bucket, k []byte) error {
	if c == nil || blockTagOf(bucket) == 0 || tx.Bucket(bucketSums) == nil || !blockSums(tx) {
		return del(tx, bucket, k)
	}
	if err := tx.Bucket(bucket).Delete(k); err != nil {
		return err
	}
	c[string(bucket)] = append(c[string(bucket)], bytes.Clone(k))
	return nil
}

// flush clears the sums of the records deleted since the last flush.
func (c sumClears) flush(tx *bbolt.Tx) error {
	defer clear(c)
	sums := tx.Bucket(bucketSums)
	if sums == nil {
		return nil
	}
	type at struct {
		block uint64
		slot  int
		pid   uint64
	}
	for _, bb := range blockSumBuckets {
		var list []at
		for _, k := range c[string(bb.bucket)] {
			if block, slot, pid, ok := slotOf(bb.bucket, k); ok {
				list = append(list, at{block, slot, pid})
			}
		}
		slices.SortFunc(list, func(a, b at) int { return cmp.Compare(a.block, b.block) })
		for i := 0; i < len(list); {
			block := list[i].block
			bk := key(bb.tag, block)
			old := sums.Get(bk)
			var out []byte
			if old != nil {
				if checkBlock(bb.bucket, old) != nil {
					return damagedBlock(bb.bucket, block)
				}
				out = bytes.Clone(old)
			}
			for ; i < len(list) && list[i].block == block; i++ {
				if out == nil || !hasSlot(out, list[i].slot) {
					continue
				}
				if held, _ := slotAt(bb.bucket, out, list[i].slot); held == list[i].pid {
					clearSlot(bb.bucket, out, list[i].slot)
				}
			}
			var err error
			switch {
			case out == nil:
			case slotsSet(out) == 0:
				err = sums.Delete(bk)
			default:
				err = sums.Put(bk, out)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}
