package bolt

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"slices"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// Record checksums. bbolt keeps no checksum of its pages: a byte of a
// record that a disk changes, or that someone edits outside the program,
// reads back as valid JSON with another name, date or origin, and nothing
// else notices. So every record is written with a CRC-32C of its value in
// the sums bucket, under its bucket's tag and its key, in the same
// transaction, and Check reads every record against its sum: a changed
// value, a record with no sum (added outside the program, or moved to
// another key) and a sum with no record (a record lost) are all reported.
// The indexes and counters need no sums (Check recounts them from the
// records), nor does the audit log (its entries are chained by hash).
//
//	sums  tag(1) + the record's key → CRC-32C of its value (4 bytes)
//
// except for households, problems and actions, whose sums are kept 256
// to a key (sumblocks.go) from schema blockSumsVersion; before it, they
// were per key too, under the tags 4, 5 and 6, and the upgrades up to it
// still write them so (blockSums). Every write of a summed bucket goes
// through put, putJSON or del (an import's new records: mergeSums).

// summedBuckets are the buckets whose records carry sums, each with the
// tag that starts its keys in sums when they are per key (for
// households, problems and actions: before blockSumsVersion). Tags are
// never reused.
var summedBuckets = []struct {
	tag    byte
	bucket []byte
}{
	{1, bucketMeta}, {2, bucketRounds}, {3, bucketSubProblems}, {4, bucketHouseholds}, {5, bucketProblems},
	{6, bucketActions}, {7, bucketImports}, {8, bucketImportSHA}, {9, bucketImportRows}, {10, bucketImportUndo},
	{11, bucketReviews}, {12, bucketQuarantine},
}

// sumTag is the tag of a record's sum, 0 for a record without one. Of
// the meta bucket only the layout version, the description and the
// agency merges are summed: the audit head is the audit chain's.
func sumTag(bucket, k []byte) byte {
	if bytes.Equal(bucket, bucketMeta) && !bytes.Equal(k, keyMeta) && !bytes.Equal(k, keySchemaVersion) && !bytes.Equal(k, keyAgencyAliases) {
		return 0
	}
	for _, b := range summedBuckets {
		if bytes.Equal(b.bucket, bucket) {
			return b.tag
		}
	}
	return 0
}

func sumOf(v []byte) []byte {
	return binary.BigEndian.AppendUint32(nil, crc32.Checksum(v, castagnoli))
}

// put writes a record and its sum. A file not yet upgraded to sums
// (during the upgrades before version 4) has no sums bucket: the upgrade
// to 4 sums every record.
func put(tx *bbolt.Tx, bucket, k, v []byte) error {
	if err := tx.Bucket(bucket).Put(k, v); err != nil {
		return err
	}
	if tag, sums := sumTag(bucket, k), tx.Bucket(bucketSums); tag != 0 && sums != nil {
		if blockTagOf(bucket) != 0 && blockSums(tx) {
			return putBlockSum(sums, bucket, k, v)
		}
		return sums.Put(key(tag, k), sumOf(v))
	}
	return nil
}

// del deletes a record and its sum.
func del(tx *bbolt.Tx, bucket, k []byte) error {
	if err := tx.Bucket(bucket).Delete(k); err != nil {
		return err
	}
	if tag, sums := sumTag(bucket, k), tx.Bucket(bucketSums); tag != 0 && sums != nil {
		if blockTagOf(bucket) != 0 && blockSums(tx) {
			return delBlockSum(sums, bucket, k)
		}
		return sums.Delete(key(tag, k))
	}
	return nil
}

// putJSON writes a record as JSON: not a household, problem or action
// (records.go).
func putJSON(tx *bbolt.Tx, bucket, k []byte, v any) error {
	if recordBucket(bucket) {
		return fmt.Errorf("bolt: a record of %s written as JSON", bucket)
	}
	buf, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return put(tx, bucket, k, buf)
}

// sumFinding is one record whose sum does not match, or a block of
// sums that cannot be read ("damaged": key is the block's number).
type sumFinding struct {
	bucket, key []byte
	sumKey      []byte // its key in sums (of a block sum: its block's)
	why         string // "changed", "unsummed", "lost" or "damaged"
}

func (f sumFinding) english() string {
	if f.why == "damaged" {
		_, name := blockRange(f.bucket, btoi(f.key))
		return name + ": the block of checksums cannot be read (damaged); the records it covers cannot be checked"
	}
	_, name := recordName(f.bucket, f.key)
	switch f.why {
	case "changed":
		return name + ": its content differs from its checksum (changed outside qmdesk, or damaged)"
	case "unsummed":
		return name + ": no checksum (added outside qmdesk, or its key was damaged)"
	}
	return name + ": missing, though its checksum remains (lost from the file)"
}

func (f sumFinding) thai() string {
	if f.why == "damaged" {
		name, _ := blockRange(f.bucket, btoi(f.key))
		return name + " เสียหาย อ่านไม่ได้: สร้างใหม่จากข้อมูลที่มีอยู่ (ตรวจไม่ได้ว่ามีรายการใดในช่วงนี้ถูกแก้นอกโปรแกรม กรุณาตรวจกับเอกสารหรือไฟล์สำรอง)"
	}
	name, _ := recordName(f.bucket, f.key)
	switch f.why {
	case "changed":
		return name + ": เนื้อหาไม่ตรงกับที่โปรแกรมบันทึกไว้ (ถูกแก้นอกโปรแกรมหรือไฟล์เสียหาย) เก็บไว้ตามที่พบ กรุณาตรวจกับเอกสารหรือไฟล์สำรอง"
	case "unsummed":
		return name + ": ไม่ได้บันทึกผ่านโปรแกรม (ถูกเพิ่มนอกโปรแกรมหรือไฟล์เสียหาย) เก็บไว้ตามที่พบ กรุณาตรวจกับเอกสารหรือไฟล์สำรอง"
	}
	return name + ": หายไปจากไฟล์ กรุณาตรวจกับไฟล์สำรอง"
}

// checkSums reads every summed record against its sum, bucket by bucket,
// the records and their sums in one pass each (both in key order), and
// calls found for each mismatch; it stops early when found returns
// false. The sums in blocks come last (checkBlockSums). It reads the
// layout of this version: per-key sums of households, problems and
// actions (tags 4, 5, 6) are strays.
func checkSums(tx *bbolt.Tx, found func(sumFinding) bool) {
	sums := tx.Bucket(bucketSums)
	if sums == nil {
		return
	}
	sc := sums.Cursor()
	sk, sv := sc.First()
	stray := func() bool {
		if blockBucketOf(sk[0]) != nil {
			return true // checkBlockSums reads them
		}
		return found(strayFinding(sk))
	}
	for _, sb := range summedBuckets {
		if blockTagOf(sb.bucket) != 0 {
			continue
		}
		// Sums of unknown tags or of buckets before this one: none.
		for ; sk != nil && sk[0] < sb.tag; sk, sv = sc.Next() {
			if !stray() {
				return
			}
		}
		b := tx.Bucket(sb.bucket)
		var c *bbolt.Cursor
		var k, v []byte
		if b != nil {
			c = b.Cursor()
			k, v = c.First()
		}
		next := func() {
			for k, v = c.Next(); k != nil && sumTag(sb.bucket, k) == 0; k, v = c.Next() {
			}
		}
		if k != nil && sumTag(sb.bucket, k) == 0 {
			next()
		}
		for k != nil || (sk != nil && sk[0] == sb.tag) {
			var cmp int
			switch {
			case k == nil:
				cmp = 1
			case sk == nil || sk[0] != sb.tag:
				cmp = -1
			default:
				cmp = bytes.Compare(k, sk[1:])
			}
			var f *sumFinding
			switch {
			case cmp < 0:
				f = &sumFinding{sb.bucket, bytes.Clone(k), key(sb.tag, k), "unsummed"}
				next()
			case cmp > 0:
				f = &sumFinding{sb.bucket, bytes.Clone(sk[1:]), bytes.Clone(sk), "lost"}
				sk, sv = sc.Next()
			default:
				if !bytes.Equal(sumOf(v), sv) {
					f = &sumFinding{sb.bucket, bytes.Clone(k), key(sb.tag, k), "changed"}
				}
				next()
				sk, sv = sc.Next()
			}
			if f != nil && !found(*f) {
				return
			}
		}
	}
	for ; sk != nil; sk, _ = sc.Next() {
		if !stray() {
			return
		}
	}
	for _, bb := range blockSumBuckets {
		if !checkBlockSums(tx, sums, bb.tag, bb.bucket, found) {
			return
		}
	}
}

// checkBlockSums reads the records of bucket against their sums in
// blocks of tag: first every block (a damaged one is one finding, and
// its records are not named one by one), then the records in key order
// (a record with no slot set, or whose slot holds another problem's
// action, is unsummed; one whose CRC differs changed), then the slots set
// that no record took (lost). It returns false when found did.
func checkBlockSums(tx *bbolt.Tx, sums *bbolt.Bucket, tag byte, bucket []byte, found func(sumFinding) bool) bool {
	type block struct {
		v    []byte
		seen [blockSlots / 64]uint64
		bad  bool
	}
	blocks := map[uint64]*block{}
	var order []uint64
	c := sums.Cursor()
	for k, v := c.Seek([]byte{tag}); k != nil && k[0] == tag; k, v = c.Next() {
		if len(k) != 9 {
			if !found(strayFinding(k)) {
				return false
			}
			continue
		}
		n := btoi(k[1:])
		b := &block{v: v, bad: checkBlock(bucket, v) != nil}
		if b.bad && !found(sumFinding{bucket: bucket, key: bytes.Clone(k[1:]), sumKey: bytes.Clone(k), why: "damaged"}) {
			return false
		}
		blocks[n] = b
		order = append(order, n)
	}
	if rb := tx.Bucket(bucket); rb != nil {
		rc := rb.Cursor()
		for k, v := rc.First(); k != nil; k, v = rc.Next() {
			n, slot, pid, ok := slotOf(bucket, k)
			b := blocks[n]
			var why string
			switch {
			case ok && b != nil && b.bad: // named with its block
			case !ok || b == nil || !hasSlot(b.v, slot):
				why = "unsummed"
			default:
				held, crc := slotAt(bucket, b.v, slot)
				if held != pid {
					why = "unsummed"
					break
				}
				b.seen[slot/64] |= 1 << (slot % 64)
				if crc != crc32.Checksum(v, castagnoli) {
					why = "changed"
				}
			}
			if why != "" && !found(sumFinding{bucket, bytes.Clone(k), key(tag, n), why}) {
				return false
			}
		}
	}
	for _, n := range order {
		b := blocks[n]
		if b.bad {
			continue
		}
		for slot := range blockSlots {
			if hasSlot(b.v, slot) && b.seen[slot/64]&(1<<(slot%64)) == 0 {
				pid, _ := slotAt(bucket, b.v, slot)
				if !found(sumFinding{bucket, slotKey(bucket, n, slot, pid), key(tag, n), "lost"}) {
					return false
				}
			}
		}
	}
	return true
}

// strayFinding is a sum whose tag names no bucket.
func strayFinding(sk []byte) sumFinding {
	return sumFinding{bucket: []byte(fmt.Sprintf("sums tag %d", sk[0])), key: bytes.Clone(sk[1:]), sumKey: bytes.Clone(sk), why: "lost"}
}

// sumChunkSize is how many sums one upgrade transaction writes (a
// variable so that tests cross its boundary).
var sumChunkSize = 50_000

// migrateSums is the upgrade to version 4: a sum for every record, written
// in transactions of sumChunkSize, so that a province of a million
// problems upgrades without one transaction holding them all. It starts
// with a new sums bucket, and the file stays at version 3 until the last
// chunk: an upgrade cut short starts again from the beginning. Nothing but
// the sums is written, so an upgrade can lose nothing.
func (s *Store) migrateSums() error {
	err := s.update(func(tx *bbolt.Tx) error {
		if tx.Bucket(bucketSums) != nil {
			if err := tx.DeleteBucket(bucketSums); err != nil {
				return err
			}
		}
		_, err := tx.CreateBucket(bucketSums)
		return err
	})
	for _, sb := range summedBuckets {
		for after := []byte(nil); err == nil; {
			var done bool
			err = s.update(func(tx *bbolt.Tx) error {
				b := tx.Bucket(sb.bucket)
				if b == nil {
					done = true
					return nil
				}
				sums := tx.Bucket(bucketSums)
				c := b.Cursor()
				k, v := c.First()
				if after != nil {
					if k, v = c.Seek(after); bytes.Equal(k, after) {
						k, v = c.Next()
					}
				}
				for n := 0; n < sumChunkSize; k, v = c.Next() {
					if k == nil {
						done = true
						return nil
					}
					if tag := sumTag(sb.bucket, k); tag != 0 {
						if err := sums.Put(key(tag, k), sumOf(v)); err != nil {
							return err
						}
						n++
					}
					after = bytes.Clone(k)
				}
				return nil
			})
			if done {
				break
			}
		}
	}
	if err != nil {
		return fmt.Errorf("migrating schema 3 → 4: %w", err)
	}
	return s.update(func(tx *bbolt.Tx) error { return put(tx, bucketMeta, keySchemaVersion, itob(4)) })
}

// sumAll writes the sum of every record (into an empty sums bucket), in
// the layout of this version. A record under a key no record of the
// program has gets none (Repair sets it aside).
func sumAll(tx *bbolt.Tx) error {
	sums := tx.Bucket(bucketSums)
	for _, sb := range summedBuckets {
		b := tx.Bucket(sb.bucket)
		if b == nil {
			continue
		}
		if blockTagOf(sb.bucket) != 0 {
			var all []newSum
			b.ForEach(func(k, v []byte) error {
				if _, _, pid, ok := slotOf(sb.bucket, k); ok {
					all = append(all, newSum{id: idAtEnd(k), pid: pid, crc: crc32.Checksum(v, castagnoli)})
				}
				return nil
			})
			slices.SortStableFunc(all, func(a, b newSum) int { return cmp.Compare(a.id, b.id) })
			if err := mergeSums(tx, sb.bucket, all); err != nil {
				return err
			}
			continue
		}
		if err := b.ForEach(func(k, v []byte) error {
			if sumTag(sb.bucket, k) == 0 {
				return nil
			}
			return sums.Put(key(sb.tag, k), sumOf(v))
		}); err != nil {
			return err
		}
	}
	return nil
}

// resum gives every record whose sum does not match a sum of what it now
// holds, and drops the sums of lost records: Repair's last step, after it
// mended or set aside what it could. What it finds goes to the report,
// so that the clerk checks those records: nothing tells their right value.
//
// A damaged block of sums is dropped first, and the records it covered
// then have none: they are given sums like any unsummed record, but the
// report names the block, not each of them.
func resum(tx *bbolt.Tx, rep *data.RepairReport) error {
	var found []sumFinding
	collect := func(f sumFinding) bool { found = append(found, f); return true }
	checkSums(tx, collect)
	sums := tx.Bucket(bucketSums)
	var named []sumFinding
	dropped := map[string]bool{} // bucket + block key
	for _, f := range found {
		if f.why == "damaged" {
			if err := sums.Delete(f.sumKey); err != nil {
				return err
			}
			named = append(named, f)
			dropped[string(f.bucket)+string(f.sumKey)] = true
		}
	}
	if len(named) > 0 {
		found = nil
		checkSums(tx, collect)
	}
	for _, f := range found {
		if f.why != "unsummed" || !dropped[string(f.bucket)+string(f.sumKey)] {
			named = append(named, f)
		}
	}
	for _, f := range found {
		var err error
		switch {
		case blockTagOf(f.bucket) != 0 && f.why == "lost":
			err = delBlockSum(sums, f.bucket, f.key)
		case blockTagOf(f.bucket) != 0:
			err = putBlockSum(sums, f.bucket, f.key, tx.Bucket(f.bucket).Get(f.key))
		case f.why == "lost":
			err = sums.Delete(f.sumKey)
		default:
			err = sums.Put(f.sumKey, sumOf(tx.Bucket(f.bucket).Get(f.key)))
		}
		if err != nil {
			return err
		}
	}
	for i, f := range named {
		if i < maxFindings {
			rep.Mended = append(rep.Mended, f.thai())
		}
	}
	if found = named; len(found) > maxFindings {
		rep.Mended = append(rep.Mended, fmt.Sprintf("และอีก %d รายการที่เนื้อหาไม่ตรงกับที่โปรแกรมบันทึกไว้", len(found)-maxFindings))
	}
	return nil
}
