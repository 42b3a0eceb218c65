package bolt

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"
)

// The compact sets Check recounts into answer as the maps Repair's
// recount fills: same members, same count, also when records' IDs come
// out of order or twice (a record whose key and ID differ).
func TestCompactSetsMatchMaps(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	key := func(tag byte, v string, id uint64) []byte {
		return binary.BigEndian.AppendUint64(append([]byte{tag}, v...), id)
	}
	for round := range 20 {
		ks, km := &idKeys{}, keyMap{}
		var probes [][]byte
		for i := range 300 {
			id := uint64(i)
			if round%2 == 1 && r.IntN(4) == 0 {
				id = uint64(r.IntN(300)) // out of order, or an ID twice
			}
			vals := []string{"", "x", "yy", string(rune('a' + r.IntN(3)))}
			var keys [][]byte
			for j, tag := range []byte("hCSA") {
				if r.IntN(3) > 0 {
					keys = append(keys, key(tag, vals[(j+r.IntN(2))%len(vals)], id))
				}
			}
			ks.add(id, keys)
			for _, k := range keys {
				km[string(k)] = true
				probes = append(probes, k, key(k[0], "z", id), key(k[0], string(k[1:len(k)-8]), id+1))
			}
		}
		ks.done()
		if ks.len() != km.len() {
			t.Fatalf("round %d: %d keys, the map %d", round, ks.len(), km.len())
		}
		for _, k := range append(probes, []byte("short"), nil) {
			if ks.has(k) != km.has(k) {
				t.Fatalf("round %d: has(%x) = %v, the map %v", round, k, ks.has(k), km.has(k))
			}
		}
	}

	rr, rm := &refRecount{}, refMap{}
	for range 2000 {
		lk := binary.BigEndian.AppendUint64(itob(uint64(r.IntN(3))), uint64(r.IntN(50)))
		lk = append(lk, []byte{byte(r.IntN(3)), 'f', 'M', 'x'}[:1+r.IntN(4)]...) // 4 bytes of rest: kept as a string
		rm[string(lk)]++
		if n := rr.inc(lk); n != rm[string(lk)] {
			t.Fatalf("inc %x = %d, the map %d", lk, n, rm[string(lk)])
		}
	}
	if rr.len() != rm.len() {
		t.Fatalf("%d references, the map %d", rr.len(), rm.len())
	}
	var got []string
	rr.each(func(lk string, n int64) {
		if w, ok := rm.get(lk); !ok || w != n {
			t.Fatalf("each: %x %d, the map %d", lk, n, w)
		}
		got = append(got, lk)
	})
	if slices.Sort(got); len(slices.Compact(got)) != len(rm) {
		t.Fatalf("each gave %d keys, the map has %d", len(got), len(rm))
	}
	if _, ok := rr.get("x"); ok {
		t.Fatal("a key of no reference found")
	}
}
