package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// FuzzDecodeRefs: a packed household value either is refused or decodes
// to entries that encode back to the very same bytes; nothing panics.
// Entries made from the input encode, and decode back to themselves.
func FuzzDecodeRefs(f *testing.F) {
	f.Add([]byte{refsFormat, 1, 0, 3, 1, 4, 2})
	f.Add([]byte{refsFormat, 1, 0, 1, 2, 0, 'M', 1, 2, 4, 'f', 0x80, 0x01})
	f.Add([]byte{refsFormat})
	f.Add([]byte{2, 1, 0, 1})
	f.Add([]byte{refsFormat, 1, 0, 0x80, 0x00})
	f.Fuzz(func(t *testing.T, in []byte) {
		if e, err := decodeRefs(in); err == nil {
			out, err := encodeRefs(e)
			if err != nil || !bytes.Equal(out, in) {
				t.Fatalf("%x decodes to %v, which encodes to %x (%v)", in, e, out, err)
			}
		}
		// Entries from the input: a rest of 1 to 3 bytes, a count.
		var e []refEntry
		for i := 0; i+4 <= len(in); i += 4 {
			rest := string(in[i : i+1+int(in[i+1]%3)])
			if len(e) > 0 && e[len(e)-1].rest >= rest {
				continue
			}
			e = append(e, refEntry{rest, uint64(in[i+2])<<uint(in[i+3]%57) + 1})
		}
		if len(e) == 0 {
			return
		}
		v, err := encodeRefs(e)
		if err != nil {
			t.Fatalf("%v refused: %v", e, err)
		}
		back, err := decodeRefs(v)
		if err != nil || !reflect.DeepEqual(back, e) {
			t.Fatalf("%v → %x → %v (%v)", e, v, back, err)
		}
	})
}

// refsBucket is the hhrefs bucket's keys and values.
func refsBucket(t *testing.T, s *Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketHHRefs).ForEach(func(k, v []byte) error {
			out[string(k)] = string(v)
			return nil
		})
	})
	return out
}

// refsFile makes a register of households in and out of a municipality,
// with problems of 2565 and found in the round, moved about, some
// households losing every problem.
func refsFile(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Clock = data.FixedClock(today)
	ctx := data.WithOperator(context.Background(), "tester")
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUnits(ctx, data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}, {Code: "410102"}}}}); err != nil {
		t.Fatal(err)
	}
	units, _ := s.Units(ctx)
	r := rand.New(rand.NewPCG(5, 6))
	var hhs, pids []uint64
	for i := range 300 {
		switch op := r.IntN(10); {
		case op < 2 || len(hhs) == 0:
			h := newHousehold(i+1, []string{"410101", "410102", "410201"}[r.IntN(3)])
			if h.TambonCode != "410201" && r.IntN(2) == 0 {
				h.Unit = units[0].Code
			}
			h.Origin = []data.Origin{data.OriginSurvey2565, data.OriginMissed}[r.IntN(2)]
			if err := s.CreateHousehold(ctx, h); err != nil {
				t.Fatal(err)
			}
			hhs = append(hhs, h.ID)
		case op < 7:
			p := &data.Problem{HouseholdID: hhs[r.IntN(len(hhs))], Category: data.Category(r.IntN(7) + 1), SubProblem: "x", SurveyYear: []int{2565, 2567}[r.IntN(2)]}
			if err := s.CreateProblem(ctx, p); err != nil {
				t.Fatal(err)
			}
			pids = append(pids, p.ID)
		case len(pids) > 0:
			p, _ := s.Problem(ctx, pids[r.IntN(len(pids))])
			p.Category = data.Category(r.IntN(7) + 1)
			if err := s.UpdateProblem(ctx, &p); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

// The packed layout holds one key per round and household, and Check
// finds a count changed in it, by its logical key; Repair mends it.
func TestRefsPackedOneKeyPerHousehold(t *testing.T) {
	s := refsFile(t, filepath.Join(t.TempDir(), "qm.db"))
	defer s.Close()
	ctx := data.WithOperator(context.Background(), "tester")
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check: %v %v", err, rep.Problems)
	}
	b := refsBucket(t, s)
	if len(b) == 0 {
		t.Fatal("no references")
	}
	for k, v := range b {
		if len(k) != refHHLen {
			t.Fatalf("key %x", k)
		}
		if _, err := decodeRefs([]byte(v)); err != nil {
			t.Fatalf("%x: %v", k, err)
		}
	}
	var k0 []byte
	s.db.Update(func(tx *bbolt.Tx) error {
		k, v := tx.Bucket(bucketHHRefs).Cursor().First()
		k0 = bytes.Clone(k)
		e, _ := decodeRefs(v)
		e[0].n++
		v, _ = encodeRefs(e)
		return tx.Bucket(bucketHHRefs).Put(k0, v)
	})
	rep, err := s.Check(ctx)
	if err != nil || rep.OK() {
		t.Fatalf("a changed reference passes check: %v", err)
	}
	if want := fmt.Sprintf("household reference round %d household %d category ", btoi(k0[:8]), btoi(k0[8:])); !slices.ContainsFunc(rep.Problems, func(p string) bool { return strings.HasPrefix(p, want) }) {
		t.Fatalf("check says %v, not %q…", rep.Problems, want)
	}
	// A count lost: named with what the recount has.
	s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketHHRefs).Delete(k0) })
	rep, _ = s.Check(ctx)
	if !slices.ContainsFunc(rep.Problems, func(p string) bool { return strings.Contains(p, ": stored 0, recount ") }) {
		t.Fatalf("a lost household's references: check says %v", rep.Problems)
	}
	s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketHHRefs).Put(k0, []byte{refsFormat, 9}) })
	if rep, err := s.Check(ctx); err != nil || rep.OK() {
		t.Fatalf("a malformed value passes check: %v %v", err, rep.Problems)
	}
	if _, err := s.Repair(ctx, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check after repair: %v %v", err, rep.Problems)
	}
	if got := refsBucket(t, s); !reflect.DeepEqual(got, b) {
		t.Fatalf("repair wrote %d keys, the writes %d", len(got), len(b))
	}
}

// unpackRefs turns the packed references into the old layout (a key per
// count), keeping in packed form the entries keep says of some households
// (as countUnits leaves them beside the old keys of countNewCases), and
// makes the file version 9.
func unpackRefs(t *testing.T, s *Store, keep func(hh int, rest string) bool) {
	t.Helper()
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketHHRefs)
		var keys, values [][]byte
		b.ForEach(func(k, v []byte) error {
			keys, values = append(keys, bytes.Clone(k)), append(values, bytes.Clone(v))
			return nil
		})
		for i, k := range keys {
			e, err := decodeRefs(values[i])
			if err != nil {
				return err
			}
			var kept []refEntry
			for _, x := range e {
				switch {
				case keep(i, x.rest) && i%2 == 0: // only packed
					kept = append(kept, x)
					continue
				case keep(i, x.rest): // a stale packed count, which the old key's replaces
					kept = append(kept, refEntry{x.rest, x.n + 7})
				}
				if err := b.Put(append(bytes.Clone(k), x.rest...), itob(x.n)); err != nil {
					return err
				}
			}
			if err := putRefs(b, k, kept); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(9))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The upgrade packs the old layout's keys, merged with packed ones the
// upgrades before it wrote, to what the program writes itself; cut short,
// it leaves the file as it was, to start again.
func TestUpgradePacksRefs(t *testing.T) {
	for _, cut := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "qm.db")
		s := refsFile(t, path)
		want := refsBucket(t, s)
		unpackRefs(t, s, func(hh int, rest string) bool { return hh%5 < 2 && rest[len(rest)-1] == 'M' })
		if cut { // the program stopped before the upgrade's transaction committed
			old := refsBucket(t, s)
			s.db.Update(func(tx *bbolt.Tx) error {
				if err := packAllRefs(tx); err != nil {
					t.Fatal(err)
				}
				return errors.New("cut short")
			})
			if got := refsBucket(t, s); !reflect.DeepEqual(got, old) {
				t.Fatal("an upgrade cut short changed the file")
			}
		}
		s.Close()
		s, err := Open(path, Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		ctx := data.WithOperator(context.Background(), "tester")
		if m, _ := s.Meta(ctx); m.SchemaVersion != SchemaVersion {
			t.Errorf("schema %d after the upgrade", m.SchemaVersion)
		}
		if got := refsBucket(t, s); !reflect.DeepEqual(got, want) {
			t.Errorf("cut %v: %d keys after the upgrade, %d written by the program", cut, len(got), len(want))
		}
		if rep, err := s.Check(ctx); err != nil || !rep.OK() {
			t.Errorf("check after upgrade: %v %v", err, rep.Problems)
		}
		s.Close()
	}
}

// mergeRefs: an old entry takes the place of a packed one of its rest.
func TestMergeRefs(t *testing.T) {
	got := mergeRefs([]refEntry{{"\x00", 1}, {"\x01M", 9}, {"\x03", 2}}, []refEntry{{"\x00f", 4}, {"\x01M", 3}, {"\x04", 5}})
	want := []refEntry{{"\x00", 1}, {"\x00f", 4}, {"\x01M", 3}, {"\x03", 2}, {"\x04", 5}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%v", got)
	}
}
