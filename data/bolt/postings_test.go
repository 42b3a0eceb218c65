package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// FuzzPostings writes a set of logical index keys (a few prefixes of
// posting and plain tags, IDs drawn from the input) through the bulk
// path (packIndex, writeIndex) and the single-record one (replaceKeys,
// taking some back out), and reads every prefix back: indexIDs must
// yield exactly the IDs set, ascending within a value and values in key
// order, the stored blocks must be 32-byte bitmaps with no empty one,
// and compareKeys must find nothing.
func FuzzPostings(f *testing.F) {
	f.Add([]byte{0, 1, 0, 255, 1, 0, 2, 7, 3, 0})
	f.Add([]byte{1, 0, 0, 0, 1, 2, 2, 0, 1, 2, 9, 9, 9})
	f.Add(bytes.Repeat([]byte{2, 3}, 300))
	db, err := bbolt.Open(filepath.Join(f.TempDir(), "p.db"), 0o600, &bbolt.Options{NoSync: true})
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	prefixes := [][]byte{key(byte('C'), uint64(1), byte(3)), key(byte('C'), uint64(1), byte(4)), key(byte('A'), uint64(1), "410101"),
		key(byte('A'), uint64(1), "410102"), key(byte('U'), uint64(2)), key(byte('h'), uint64(5))}
	f.Fuzz(func(t *testing.T, in []byte) {
		// Three bytes an entry: prefix, ID (two bytes: up to four blocks),
		// and whether the single-record path writes it (odd) and then
		// takes it out again (a multiple of 3).
		want := map[string]map[uint64]bool{}
		var bulk, single, removed [][]byte
		for i := 0; i+3 <= len(in); i += 3 {
			pre := prefixes[int(in[i])%len(prefixes)]
			id := uint64(binary.BigEndian.Uint16(in[i+1:]) % 1024)
			k := binary.BigEndian.AppendUint64(bytes.Clone(pre), id)
			switch {
			case in[i]/8%3 == 0:
				removed = append(removed, k)
			case in[i]/8%2 == 1:
				single = append(single, k)
			default:
				bulk = append(bulk, k)
			}
		}
		for _, k := range append(slices.Clone(bulk), single...) {
			pre := string(k[:len(k)-8])
			if want[pre] == nil {
				want[pre] = map[uint64]bool{}
			}
			want[pre][idAtEnd(k)] = true
		}
		for _, k := range removed { // set, then cleared: gone unless also written another way
			pre := string(k[:len(k)-8])
			if want[pre] == nil {
				want[pre] = map[uint64]bool{}
			}
		}
		err := db.Update(func(tx *bbolt.Tx) error {
			tx.DeleteBucket([]byte("x"))
			b, err := tx.CreateBucket([]byte("x"))
			if err != nil {
				return err
			}
			if err := writeIndex(b, packIndex(slices.Clone(bulk))); err != nil {
				return err
			}
			for _, k := range single {
				if err := replaceKeys(b, nil, [][]byte{k}); err != nil {
					return err
				}
			}
			for _, k := range removed {
				if err := replaceKeys(b, nil, [][]byte{k}); err != nil {
					return err
				}
			}
			for _, k := range removed {
				if slices.ContainsFunc(append(slices.Clone(bulk), single...), func(o []byte) bool { return bytes.Equal(o, k) }) {
					continue
				}
				if err := replaceKeys(b, [][]byte{k}, nil); err != nil {
					return err
				}
			}
			// Read back.
			for pre, ids := range want {
				var exp []uint64
				for id := range ids {
					exp = append(exp, id)
				}
				slices.Sort(exp)
				got := slices.Collect(indexIDs(b.Cursor(), []byte(pre), nil))
				if !slices.Equal(got, exp) {
					t.Fatalf("prefix %x: read %v, set %v", pre, got, exp)
				}
			}
			// A prefix of prefixes (the round): values in key order.
			var all []uint64
			for _, pre := range prefixes[:2] {
				all = slices.AppendSeq(all, indexIDs(b.Cursor(), pre, nil))
			}
			if got := slices.Collect(indexIDs(b.Cursor(), key(byte('C'), uint64(1)), nil)); !slices.Equal(got, all) {
				t.Fatalf("round prefix: %v, by category %v", got, all)
			}
			// Stopping early yields a beginning.
			for n := range 3 {
				var got []uint64
				for id := range indexIDs(b.Cursor(), key(byte('C'), uint64(1)), nil) {
					if len(got) == n {
						break
					}
					got = append(got, id)
				}
				if !slices.Equal(got, all[:min(n, len(all))]) {
					t.Fatalf("stopped after %d: %v of %v", n, got, all)
				}
			}
			b.ForEach(func(k, v []byte) error {
				if blk := readBlock(v); isPosting(k) && (len(v) != postingBytes || blk.empty()) {
					t.Fatalf("block %x holds %x", k, v)
				}
				return nil
			})
			logical := map[string]bool{}
			for pre, ids := range want {
				for id := range ids {
					logical[string(binary.BigEndian.AppendUint64([]byte(pre), id))] = true
				}
			}
			if found := compareKeys("index", b, logical); len(found) != 0 {
				t.Fatalf("compareKeys: %v", found)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzPostingBlock: a bitmap's IDs come out ascending, exactly the bits
// set, and setting them afresh gives the same bitmap.
func FuzzPostingBlock(f *testing.F) {
	f.Add(uint64(0), make([]byte, 32))
	f.Add(uint64(7), bytes.Repeat([]byte{0xa5}, 32))
	f.Fuzz(func(t *testing.T, block uint64, v []byte) {
		block &= 1<<56 - 1
		blk := readBlock(v)
		var ids []uint64
		yieldBlock(block, blk[:], func(id uint64) bool { ids = append(ids, id); return true })
		var again postingBlock
		for i, id := range ids {
			if id>>8 != block || (i > 0 && id <= ids[i-1]) || !blk.has(uint8(id)) {
				t.Fatalf("id %d of block %d (%v)", id, block, ids)
			}
			again.set(uint8(id))
		}
		if again != blk {
			t.Fatalf("%x read back as %x", blk, again)
		}
		for bit := range 256 {
			k := key(byte('S'), uint64(1), byte(2), block<<8|uint64(bit))
			bk, b := splitPosting(k)
			if b != uint8(bit) || !bytes.Equal(bk, key(byte('S'), uint64(1), byte(2), block)) || !sameBlock(bk, k) {
				t.Fatalf("split %x: %x %d", k, bk, b)
			}
		}
	})
}

// toOldLayout writes a file's index blocks back as the keys of schema 9
// (one per record, lower-case tags) and sets the version to 9.
func toOldLayout(t *testing.T, path string) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, x := range oldPostingTags {
			b := tx.Bucket(x.bucket)
			var blocks, vals [][]byte
			b.ForEach(func(k, v []byte) error {
				if isPosting(k) {
					blocks, vals = append(blocks, bytes.Clone(k)), append(vals, bytes.Clone(v))
				}
				return nil
			})
			for i, k := range blocks {
				if !strings.ContainsRune(x.tags, rune(k[0]-'A'+'a')) {
					t.Fatalf("block of tag %c in %s", k[0], x.bucket)
				}
				if err := b.Delete(k); err != nil {
					return err
				}
				n := len(k) - 8
				yieldBlock(idAtEnd(k), vals[i], func(id uint64) bool {
					old := binary.BigEndian.AppendUint64(append([]byte{k[0] - 'A' + 'a'}, k[1:n]...), id)
					if err = b.Put(old, nil); err != nil {
						return false
					}
					return true
				})
				if err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(9))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// oldPostingKeys counts the keys of the old tags in a file.
func oldPostingKeys(tx *bbolt.Tx) (n int) {
	for _, x := range oldPostingTags {
		tx.Bucket(x.bucket).ForEach(func(k, _ []byte) error {
			if len(k) > 8 && strings.IndexByte(x.tags, k[0]) >= 0 {
				n++
			}
			return nil
		})
	}
	return n
}

// A file of schema 9 (one index key per record) opens upgraded: no key
// of the old tags left, every list read through the indexes the same as
// the file gave before, Check clean; the block count is far below the
// old keys'.
func TestUpgradeToPostingBlocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qm.db")
	sampleDB(t, path)
	ctx := context.Background()
	lists := func(s *Store) (out [][]uint64) {
		for _, f := range []data.ProblemFilter{{}, {Category: 3}, {Status: data.InProgress}, {UrgentOnly: true}, {AreaCode: "4101"}, {AreaCode: "410201"},
			{OverdueOn: data.NewDate(2024, 6, 2)}, {RoundID: 2}, {Limit: 7, Category: 2}} {
			ps, err := s.Problems(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []uint64
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			out = append(out, ids)
		}
		for _, a := range []string{"41", "410102"} {
			hs, err := s.Households(ctx, data.HouseholdFilter{AreaCode: a, After: 5})
			if err != nil {
				t.Fatal(err)
			}
			var ids []uint64
			for _, h := range hs {
				ids = append(ids, h.ID)
			}
			out = append(out, ids)
		}
		return out
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := lists(s)
	s.Close()
	toOldLayout(t, path)
	var oldKeys int
	func() {
		db, _ := bbolt.Open(path, 0o600, nil)
		defer db.Close()
		db.View(func(tx *bbolt.Tx) error { oldKeys = oldPostingKeys(tx); return nil })
	}()
	if oldKeys < 300 {
		t.Fatalf("the old layout has %d keys of the old tags", oldKeys)
	}
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if m, _ := s.Meta(ctx); m.SchemaVersion != SchemaVersion {
		t.Fatalf("schema %d after the upgrade", m.SchemaVersion)
	}
	if after := lists(s); !slices.EqualFunc(before, after, slices.Equal) {
		t.Fatalf("lists differ after the upgrade:\n%v\n%v", before, after)
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check after the upgrade: %v %v", err, rep.Problems)
	}
	s.db.View(func(tx *bbolt.Tx) error {
		if n := oldPostingKeys(tx); n != 0 {
			t.Errorf("%d keys of the old tags left", n)
		}
		blocks := 0
		for _, b := range [][]byte{bucketHIdx, bucketPIdx} {
			tx.Bucket(b).ForEach(func(k, _ []byte) error {
				if isPosting(k) {
					blocks++
				}
				return nil
			})
		}
		t.Logf("%d old keys → %d blocks", oldKeys, blocks)
		if blocks*5 > oldKeys {
			t.Errorf("%d old keys became %d blocks", oldKeys, blocks)
		}
		return nil
	})
}

// Check names an ID a block holds that no record puts there, and counts
// one that is missing from its block, as it named and counted keys; a
// block that is not one is named, and so is a lookup key that holds a
// value (a damaged page can give an empty value a length); Repair
// rebuilds them all.
func TestCheckFindsPostingDamage(t *testing.T) {
	s, ctx := openTestUnchecked(t)
	for i := 1; i <= 3; i++ {
		h := newHousehold(i, "410101")
		if err := s.CreateHousehold(ctx, h); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateProblem(ctx, &data.Problem{HouseholdID: h.ID, Category: 2, SubProblem: "หนี้สิน", SurveyYear: 2567}); err != nil {
			t.Fatal(err)
		}
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPIdx)
		if err := setPosting(b, key(byte('C'), uint64(1), byte(2), uint64(9)), true); err != nil { // stray
			return err
		}
		if err := setPosting(b, key(byte('S'), uint64(1), byte(data.NotStarted), uint64(2)), false); err != nil { // missing
			return err
		}
		if err := b.Put(key(byte('h'), uint64(2), uint64(2)), make([]byte, 40)); err != nil { // a value where none belongs
			return err
		}
		return tx.Bucket(bucketHIdx).Put(key(byte('A'), "410102", uint64(0)), []byte{1, 2}) // not a block
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(rep.Problems, "\n")
	for _, want := range []string{"problem index: stray ID 9 in block 43", "problem index: 1 keys missing", "household index: block 41", "is not a block",
		"problem index: key 6800000000000000020000000000000002 holds 40 bytes"} {
		if !strings.Contains(all, want) {
			t.Errorf("check does not say %q:\n%s", want, all)
		}
	}
	if _, err := s.Repair(ctx, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check after repair: %v %v", err, rep.Problems)
	}
	if ps, _ := s.Problems(ctx, data.ProblemFilter{Status: data.NotStarted}); len(ps) != 3 {
		t.Fatalf("after repair, %d problems not started", len(ps))
	}
}

// toPostings on a bucket of many pages (a few levels of branches): the
// old keys gone, every other key still there, the blocks holding exactly
// the old keys' IDs, whichever tags are present.
func TestToPostingsManyPages(t *testing.T) {
	db, err := bbolt.Open(filepath.Join(t.TempDir(), "p.db"), 0o600, &bbolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tags := range []string{"csaud", "ad", "u", "c"} {
		want := map[string]bool{} // logical keys
		kept := map[string]bool{}
		err := db.Update(func(tx *bbolt.Tx) error {
			tx.DeleteBucket(bucketPIdx)
			b, err := tx.CreateBucket(bucketPIdx)
			if err != nil {
				return err
			}
			var keys [][]byte // put in order: bbolt copies a node for each insert into its middle
			for id := uint64(1); id <= 30_000; id++ {
				for i := range len(tags) {
					if (id+uint64(i))%(uint64(i)+2) == 0 {
						continue
					}
					keys = append(keys, key(tags[i], uint64(1+id%2), byte(id%5), id*3))
					want[string(key(tags[i]-'a'+'A', uint64(1+id%2), byte(id%5), id*3))] = true
				}
				for _, k := range [][]byte{key(byte('h'), id%997, id), key(byte('b'), id), key(byte('t'), id)} {
					keys = append(keys, k)
					kept[string(k)] = true
				}
			}
			sortKeys(keys)
			for _, k := range keys {
				if err := b.Put(k, nil); err != nil {
					return err
				}
			}
			if tags == "ad" { // a block there already: merged
				lk := key(byte('A'), uint64(1), byte(0), uint64(5))
				want[string(lk)] = true
				return setPosting(b, lk, true)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(func(tx *bbolt.Tx) error { return toPostings(tx, bucketPIdx, tags) }); err != nil {
			t.Fatal(err)
		}
		db.View(func(tx *bbolt.Tx) error {
			b := tx.Bucket(bucketPIdx)
			for k := range kept {
				if b.Get([]byte(k)) == nil {
					t.Fatalf("%s: key %x lost", tags, k)
				}
			}
			all := map[string]bool{}
			for k := range want {
				all[k] = true
			}
			for k := range kept {
				all[k] = true
			}
			if found := compareKeys("index", b, all); len(found) != 0 {
				t.Fatalf("%s: %v", tags, found)
			}
			return nil
		})
	}
}

// packBySorting is how packIndex packed before it gathered blocks in a
// map: every logical key sorted, then a block's consecutive keys merged.
func packBySorting(keys [][]byte) []indexWrite {
	slices.SortFunc(keys, bytes.Compare)
	out := make([]indexWrite, 0, len(keys)/4+1)
	for _, k := range keys {
		if !isPosting(k) {
			out = append(out, indexWrite{key: k})
			continue
		}
		out = addPosting(out, k)
	}
	cmp := func(a, b indexWrite) int { return bytes.Compare(a.key, b.key) }
	if !slices.IsSortedFunc(out, cmp) {
		slices.SortStableFunc(out, cmp)
		merged := out[:0]
		for _, w := range out {
			if last := len(merged) - 1; last >= 0 && bytes.Equal(merged[last].key, w.key) {
				if w.bits != nil && merged[last].bits != nil {
					merged[last].bits.or(w.bits)
				}
				continue
			}
			merged = append(merged, w)
		}
		out = merged
	}
	return out
}

// packIndex gives the writes, in the same order, that sorting every
// logical key gave: for a chunk's keys as an import lists them (records
// in ID order, their keys in the order problemIndexKeys and
// householdIndexKeys give them), and for keys in random order with
// values of different lengths under one tag.
func TestPackIndexAsSorting(t *testing.T) {
	var chunk [][]byte
	for id := uint64(7000); id < 12000; id++ {
		p := &data.Problem{ID: id, HouseholdID: id / 3, RoundID: 1 + id%2, Category: data.Category(id % 7), Status: data.Status(1 + id%3), Urgent: id%5 == 0, TargetDate: data.NewDate(2026, time.Month(1+id%12), int(1+id%28))}
		chunk = append(chunk, problemIndexKeys(p, []string{"410101", "410102", "410203010203"}[id%3])...)
		h := &data.Household{ID: id, TambonCode: []string{"410101", "410102"}[id%2], HouseCode: fmt.Sprint((id * 7919) % 100000), Head: data.Person{NationalID: fmt.Sprint(1000000000000 + (id*104729)%1000000)}}
		chunk = append(chunk, householdIndexKeys(h)...)
	}
	var odd [][]byte
	for i := uint64(0); i < 3000; i++ {
		v := strings.Repeat("x", int(i%3))
		odd = append(odd, key(byte('A'), uint64(1), v, (i*7919)%3000), key(byte('c'), v, (i*104729)%3000))
	}
	for name, keys := range map[string][][]byte{"chunk": chunk, "odd lengths": odd} {
		got, want := packIndex(slices.Clone(keys)), packBySorting(slices.Clone(keys))
		if len(got) != len(want) {
			t.Fatalf("%s: %d writes, sorting gave %d", name, len(got), len(want))
		}
		for i := range got {
			if !bytes.Equal(got[i].key, want[i].key) || (got[i].bits == nil) != (want[i].bits == nil) || got[i].bits != nil && *got[i].bits != *want[i].bits {
				t.Fatalf("%s: write %d is %x %v, sorting gave %x %v", name, i, got[i].key, got[i].bits, want[i].key, want[i].bits)
			}
		}
	}
}

// dateKey is Date.Key, for the dates of a problem and for odd ones.
func TestDateKey(t *testing.T) {
	dates := []data.Date{{}, {Year: 10000, Month: 1, Day: 1}, {Year: -1, Month: 1, Day: 1}, {Year: 2024, Month: 13, Day: 40}, {Year: 2024, Month: 100, Day: 1}, {Year: 2024, Month: 1, Day: -3}, {Year: 7, Month: 2, Day: 3}}
	for d := data.NewDate(1990, 1, 1); d.Year < 2101; d = data.DateOf(d.Time().AddDate(0, 0, 1)) {
		dates = append(dates, d)
	}
	for _, d := range dates {
		if got := dateKey(d); got != d.Key() {
			t.Fatalf("%+v: %q, Key gives %q", d, got, d.Key())
		}
	}
}

// problemIndexKeys and householdIndexKeys give the keys key gives, as
// they were made before they shared one array.
func TestIndexKeysAsKey(t *testing.T) {
	for id := uint64(1); id < 3000; id += 7 {
		p := &data.Problem{ID: id * 40503, HouseholdID: id * 7, RoundID: 1 + id%3, Category: data.Category(id % 9), Status: data.Status(id % 5), Urgent: id%4 == 0, TargetDate: []data.Date{{}, data.NewDate(2026, 3, 9), {Year: 12345, Month: 1, Day: 2}}[id%3]}
		tambon := []string{"410101", "410203010203", ""}[id%3]
		want := [][]byte{key(byte('h'), p.HouseholdID, p.ID), key(byte('C'), p.RoundID, byte(p.Category), p.ID), key(byte('S'), p.RoundID, byte(p.Status), p.ID), key(byte('A'), p.RoundID, tambonOf(tambon), p.ID)}
		if p.Urgent {
			want = append(want, key(byte('U'), p.RoundID, p.ID))
		}
		if p.Status.Open() {
			want = append(want, key(byte('D'), p.RoundID, p.TargetDate.Key(), p.ID))
		}
		got := problemIndexKeys(p, tambon)
		if !slices.EqualFunc(got, want, bytes.Equal) {
			t.Fatalf("problem %+v: %x, key gives %x", p, got, want)
		}
		for _, k := range got {
			if cap(k) != len(k) {
				t.Fatalf("key %x has room after it", k)
			}
		}
		h := &data.Household{ID: id * 104729, TambonCode: tambon, HouseCode: []string{"", "12/3"}[id%2], Head: data.Person{NationalID: []string{"", "1234567890123"}[id%5/4]}}
		want = [][]byte{key(byte('A'), h.TambonCode, h.ID)}
		if h.HouseCode != "" {
			want = append(want, key(byte('c'), h.HouseCode, h.ID))
		}
		if h.Head.NationalID != "" {
			want = append(want, key(byte('n'), h.Head.NationalID, h.ID))
		}
		if got := householdIndexKeys(h); !slices.EqualFunc(got, want, bytes.Equal) {
			t.Fatalf("household %+v: %x, key gives %x", h, got, want)
		}
	}
}

// refKey and freshRefKey give the keys key gives.
func TestRefKeysAsKey(t *testing.T) {
	for _, area := range []string{"410101", "410203010203", "4101011234"} {
		p := &data.Problem{RoundID: 3, HouseholdID: 123456789}
		for _, cat := range []byte{0, 4} {
			want, fresh := key(p.RoundID, p.HouseholdID, cat), key(p.RoundID, p.HouseholdID, cat, byte('f'))
			if data.IsUnitCode(area) {
				want, fresh = key(p.RoundID, p.HouseholdID, cat, byte('M')), key(p.RoundID, p.HouseholdID, cat, byte('f'), byte('M'))
			}
			if got := refKey(p, cat, area); !bytes.Equal(got, want) {
				t.Fatalf("refKey %s %d: %x, key gives %x", area, cat, got, want)
			}
			if got := freshRefKey(p.RoundID, p.HouseholdID, cat, area); !bytes.Equal(got, fresh) {
				t.Fatalf("freshRefKey %s %d: %x, key gives %x", area, cat, got, fresh)
			}
		}
	}
}
