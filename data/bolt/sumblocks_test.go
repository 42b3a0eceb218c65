package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// perKeySums puts the sums of households, problems and actions back as
// the layout before blockSumsVersion kept them, one key each under the
// tags 4, 5 and 6: a test that makes a file of an older version calls it.
func perKeySums(t testing.TB, tx *bbolt.Tx) {
	t.Helper()
	sums := tx.Bucket(bucketSums)
	type kv struct{ k, v []byte }
	var add []kv
	var drop [][]byte
	for _, pk := range perKeyTags {
		tag := blockTagOf(pk.bucket)
		c := sums.Cursor()
		for k, v := c.Seek([]byte{tag}); k != nil && k[0] == tag; k, v = c.Next() {
			if err := checkBlock(pk.bucket, v); err != nil {
				t.Fatalf("block %x: %v", k, err)
			}
			for slot := range blockSlots {
				if hasSlot(v, slot) {
					pid, crc := slotAt(pk.bucket, v, slot)
					add = append(add, kv{key(pk.tag, slotKey(pk.bucket, btoi(k[1:]), slot, pid)), binary.BigEndian.AppendUint32(nil, crc)})
				}
			}
			drop = append(drop, bytes.Clone(k))
		}
	}
	for _, k := range drop {
		if err := sums.Delete(k); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range add {
		if err := sums.Put(e.k, e.v); err != nil {
			t.Fatal(err)
		}
	}
}

// sumKeys counts the keys of sums by tag.
func sumKeys(t testing.TB, s *Store) map[byte]int {
	t.Helper()
	n := map[byte]int{}
	s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketSums).ForEach(func(k, _ []byte) error { n[k[0]]++; return nil })
	})
	return n
}

// The sums of households, problems and actions are in blocks: a few
// keys for many records. Check names a record changed, one without a
// sum and a sum without its record, in each of the three buckets, and a
// block that cannot be read; Repair gives each what it gave them when
// the sums were per key, and afterwards Check is clean.
func TestBlockSumsFindAndMend(t *testing.T) {
	ctx := context.Background()
	s := sampleStore(t)
	if s.db.View(func(tx *bbolt.Tx) error {
		if !blockSums(tx) {
			t.Error("a new file is not of block sums")
		}
		return nil
	}); t.Failed() {
		return
	}
	n := sumKeys(t, s)
	if n[4]+n[5]+n[6] != 0 || n[13] == 0 || n[14] == 0 || n[15] == 0 {
		t.Fatalf("sums by tag: %v", n)
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check of the sample: %v %v", err, rep.Problems)
	}
	var actionKey []byte
	raw := func(fn func(tx *bbolt.Tx) error) {
		t.Helper()
		if err := s.db.Update(fn); err != nil {
			t.Fatal(err)
		}
	}
	raw(func(tx *bbolt.Tx) error {
		hb, pb, ab := tx.Bucket(bucketHouseholds), tx.Bucket(bucketProblems), tx.Bucket(bucketActions)
		// Changed: a household's origin, a record that still reads.
		var h data.Household
		if err := decodeHousehold(hb.Get(itob(2)), &h); err != nil {
			return err
		}
		h.Origin = 3 - h.Origin
		v, _ := data.AppendHousehold(nil, &h)
		hb.Put(itob(2), v)
		// Lost: a problem gone without its sum.
		pb.Delete(itob(3))
		// Unsummed: an action moved to another problem (its key's pid).
		k, av := ab.Cursor().First()
		actionKey = bytes.Clone(k)
		av = bytes.Clone(av)
		ab.Delete(actionKey)
		moved := key(btoi(actionKey)+1000, idAtEnd(actionKey))
		return ab.Put(moved, av)
	})
	rep, err := s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(rep.Problems, "\n")
	for _, want := range []string{
		"household 2: its content differs from its checksum",
		"problem 3: missing, though its checksum remains",
		"action " + itoa(idAtEnd(actionKey)) + " of problem " + itoa(btoi(actionKey)+1000) + ": no checksum",
		"action " + itoa(idAtEnd(actionKey)) + " of problem " + itoa(btoi(actionKey)) + ": missing, though its checksum remains",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("check does not say %q:\n%s", want, all)
		}
	}
	fixed, err := s.Repair(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mended := strings.Join(fixed.Mended, "\n")
	if !strings.Contains(mended, "ครัวเรือนเลขที่ 2: เนื้อหาไม่ตรงกับที่โปรแกรมบันทึกไว้") || !strings.Contains(mended, "ปัญหาเลขที่ 3: หายไปจากไฟล์") {
		t.Errorf("repair report:\n%s", mended)
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check after repair: %v %v", err, rep.Problems)
	}
	// A block that cannot be read: one finding, the records it covers
	// not named one by one; Repair makes it anew.
	raw(func(tx *bbolt.Tx) error {
		sums := tx.Bucket(bucketSums)
		bk := key(blockTagOf(bucketProblems), uint64(0))
		v := bytes.Clone(sums.Get(bk))
		v[len(v)-1] ^= 0x40 // an absent slot, not zero: or a present one changed
		return sums.Put(bk, v)
	})
	rep, _ = s.Check(ctx)
	all = strings.Join(rep.Problems, "\n")
	if !strings.Contains(all, "checksums of problems 0–255: the block of checksums cannot be read") && !strings.Contains(all, "its content differs") {
		t.Errorf("check of a damaged block:\n%s", all)
	}
	raw(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketSums).Put(key(blockTagOf(bucketProblems), uint64(0)), []byte("not a block"))
	})
	rep, _ = s.Check(ctx)
	all = strings.Join(rep.Problems, "\n")
	if !strings.Contains(all, "checksums of problems 0–255: the block of checksums cannot be read") || strings.Contains(all, "problem 1:") {
		t.Errorf("check of a damaged block:\n%s", all)
	}
	// A write that would set a slot of it is refused, as damaged.
	err = s.db.Update(func(tx *bbolt.Tx) error {
		return put(tx, bucketProblems, itob(1), tx.Bucket(bucketProblems).Get(itob(1)))
	})
	if data.ErrorCode(err) != data.EDAMAGED || !isThai(data.ErrorMessage(err)) {
		t.Errorf("a write over a damaged block: %v", err)
	}
	fixed, err = s.Repair(ctx, t.TempDir())
	if err != nil || len(fixed.Remaining) != 0 {
		t.Fatalf("repair: %v %+v", err, fixed)
	}
	if mended := strings.Join(fixed.Mended, "\n"); !strings.Contains(mended, "ค่าตรวจสอบของปัญหาเลขที่ 0–255 เสียหาย") || strings.Contains(mended, "ปัญหาเลขที่ 1:") {
		t.Errorf("repair report:\n%s", mended)
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check after repair: %v %v", err, rep.Problems)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// sampleStore is the sample database, open for writing.
func sampleStore(t *testing.T) *Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "qm.db")
	sampleDB(t, path)
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The upgrade to block sums moves every per-key sum of households,
// problems and actions into its block as it is, in one transaction:
// a record changed before the upgrade, a sum whose record was lost and a
// sum that fits no slot are still reported after it, Repair mends them,
// and the other tags' sums are kept.
func TestUpgradeToBlockSums(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qm.db")
	sampleDB(t, path)
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	var before map[string]string
	var damagedSum, actionKey []byte
	raw.Update(func(tx *bbolt.Tx) error {
		perKeySums(t, tx)
		// A problem changed behind the program's back, before the upgrade.
		pb := tx.Bucket(bucketProblems)
		var p data.Problem
		if err := decodeProblem(pb.Get(itob(2)), &p); err != nil {
			return err
		}
		p.Detail += " (แก้นอกโปรแกรม)"
		v, _ := data.AppendProblem(nil, &p)
		pb.Put(itob(2), v)
		// A sum left by a lost problem, and a damaged sum of an action
		// (3 bytes: no slot takes it).
		sums := tx.Bucket(bucketSums)
		sums.Put(key(byte(5), uint64(999_999)), []byte{1, 2, 3, 4})
		k, _ := tx.Bucket(bucketActions).Cursor().First()
		damagedSum = key(byte(6), k)
		sums.Put(damagedSum, []byte{1, 2, 3})
		actionKey = bytes.Clone(k)
		before = map[string]string{}
		tx.Bucket(bucketSums).ForEach(func(k, v []byte) error {
			if k[0] != 4 && k[0] != 5 && (k[0] != 6 || bytes.Equal(k, damagedSum)) {
				before[string(k)] = string(v)
			}
			return nil
		})
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(blockSumsVersion-1))
	})
	raw.Close()
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if m, _ := s.Meta(context.Background()); m.SchemaVersion != SchemaVersion {
		t.Fatalf("schema %d after the upgrade", m.SchemaVersion)
	}
	n := sumKeys(t, s)
	if n[4]+n[5] != 0 || n[6] != 1 || n[13] == 0 || n[14] == 0 || n[15] == 0 {
		t.Fatalf("sums by tag after the upgrade: %v", n)
	}
	s.db.View(func(tx *bbolt.Tx) error {
		for k, v := range before {
			if k[0] == 1 && k[1:] == string(keySchemaVersion) {
				continue // the version moved
			}
			if got := tx.Bucket(bucketSums).Get([]byte(k)); string(got) != v {
				t.Errorf("sum %x: %x, was %x", k, got, v)
			}
		}
		return nil
	})
	rep, err := s.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(rep.Problems, "\n")
	for _, want := range []string{
		"problem 2: its content differs from its checksum",
		"problem 999999: missing, though its checksum remains",
		"sums tag 6 ",
		"action " + itoa(idAtEnd(actionKey)) + " of problem " + itoa(btoi(actionKey)) + ": no checksum",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("check after the upgrade does not say %q:\n%s", want, all)
		}
	}
	if len(rep.Problems) != 4 {
		t.Errorf("check after the upgrade: %d findings:\n%s", len(rep.Problems), all)
	}
	// Repair mends them all.
	if fixed, err := s.Repair(context.Background(), t.TempDir()); err != nil || len(fixed.Remaining) != 0 {
		t.Fatalf("repair after the upgrade: %v %+v", err, fixed)
	}
}

// FuzzSumBlock: any sequence of slots set and cleared reads back as a
// model of it says, and every block written is one checkBlock accepts;
// any value under a block's key is read by Check without a panic, a
// malformed one reported as damaged.
func FuzzSumBlock(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Add([]byte{0xff, 0, 0, 0, 0, 0, 0x80, 7, 0, 0, 0, 0, 0xff, 0x81})
	f.Add(bytes.Repeat([]byte{1}, 40))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, bucket := range [][]byte{bucketProblems, bucketActions} {
			type slotv struct {
				pid uint64
				crc uint32
			}
			model := map[int]slotv{}
			var v []byte
			for r := in; len(r) >= 6; r = r[6:] {
				slot := int(r[0])
				crc := binary.BigEndian.Uint32(r[1:5])
				var pid uint64
				if bytes.Equal(bucket, bucketActions) {
					pid = uint64(r[5] >> 1)
				}
				if r[5]&1 == 1 && v != nil {
					v = withoutSlot(bucket, v, slot)
					delete(model, slot)
				} else {
					v = withSlot(bucket, v, slot, pid, crc)
					model[slot] = slotv{pid, crc}
				}
				if len(model) == 0 {
					if v != nil {
						t.Fatalf("an empty block is kept: %x", v)
					}
					continue
				}
				if err := checkBlock(bucket, v); err != nil {
					t.Fatalf("a block written does not read: %x", v)
				}
				if slotsSet(v) != len(model) {
					t.Fatalf("%d slots set, model %d", slotsSet(v), len(model))
				}
				for slot := range blockSlots {
					m, ok := model[slot]
					if hasSlot(v, slot) != ok {
						t.Fatalf("slot %d: set %v, model %v", slot, !ok, ok)
					}
					if ok {
						if pid, crc := slotAt(bucket, v, slot); pid != m.pid || crc != m.crc {
							t.Fatalf("slot %d: %d %x, model %+v", slot, pid, crc, m)
						}
					}
				}
			}
		}
		// The raw value under a block's key, read by Check's walk.
		db, err := bbolt.Open(filepath.Join(t.TempDir(), "f.db"), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.Update(func(tx *bbolt.Tx) error {
			for _, b := range [][]byte{bucketMeta, bucketProblems, bucketActions, bucketSums} {
				tx.CreateBucket(b)
			}
			tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(SchemaVersion))
			tx.Bucket(bucketProblems).Put(itob(3), []byte("p"))
			tx.Bucket(bucketActions).Put(key(uint64(3), uint64(5)), []byte("a"))
			tx.Bucket(bucketSums).Put(key(blockTagOf(bucketProblems), uint64(0)), in)
			tx.Bucket(bucketSums).Put(key(blockTagOf(bucketActions), uint64(0)), in)
			var found []sumFinding
			checkSums(tx, func(f sumFinding) bool { found = append(found, f); return true })
			for _, bucket := range [][]byte{bucketProblems, bucketActions} {
				damaged := false
				for _, f := range found {
					if bytes.Equal(f.bucket, bucket) && f.why == "damaged" {
						damaged = true
					}
				}
				if malformed := checkBlock(bucket, in) != nil; malformed != damaged {
					t.Errorf("%s: block malformed %v, reported damaged %v: %v", bucket, malformed, damaged, found)
				}
			}
			return nil
		})
	})
}

// BenchmarkUpgradeToBlockSums times the open of a file of the version
// before block sums: the upgrade that moves the per-key sums of
// households, problems and actions into blocks. The file is
// $QMDESK_SCHEMA9_DB when set (a demo province of a million problems,
// written by the version before), else 100,000 problems made old here;
// each run opens a fresh copy. It reports the keys of sums before and
// after.
func BenchmarkUpgradeToBlockSums(b *testing.B) {
	benchUpgrade(b, "QMDESK_SCHEMA9_DB", func(tx *bbolt.Tx) error {
		perKeySums(b, tx)
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(blockSumsVersion-1))
	}, func(s *Store) {
		n := 0
		for _, c := range sumKeys(b, s) {
			n += c
		}
		b.ReportMetric(float64(n), "sumkeys")
	})
}
