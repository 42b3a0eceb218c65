package app

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The planner's indexes find what a map would, through growth, keys that
// share their start, keys set again for a newer ref and keys never set.
func TestRefTableFindsWhatAMapWould(t *testing.T) {
	var tab refTable
	want := map[uint64]int{}
	rng := rand.New(rand.NewPCG(1, 2))
	for ref := range 200_000 {
		key := uint64(rng.IntN(150_000)+1) << 5 // some keys twice: the newer ref wins
		tab.set(key, ref)
		want[key] = ref
	}
	for key, ref := range want {
		if got, ok := tab.get(key); !ok || got != ref {
			t.Fatalf("key %d: %d %v, want %d", key, got, ok, ref)
		}
	}
	for key := uint64(150_001) << 5; key < 160_000<<5; key += 1 << 5 {
		if got, ok := tab.get(key); ok {
			t.Fatalf("key %d never set found %d", key, got)
		}
	}
	if tab.n != len(want) || len(tab.slots) > 4*len(want) {
		t.Errorf("%d keys in %d slots, want %d", tab.n, len(tab.slots), len(want))
	}
	var empty refTable
	if _, ok := empty.get(32); ok {
		t.Error("an empty table found a key")
	}
}

func TestProblemChains(t *testing.T) {
	var c problemChains[uint64]
	want := map[refKey]uint64{}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 50_000 {
		k := refKey{int32(rng.IntN(10_000)), int32(rng.IntN(30))}
		c.add(k, uint64(i)) // a key added again: the newer wins, as in a map
		want[k] = uint64(i)
		if i%7 == 0 {
			c.remove(k)
			delete(want, k)
		}
	}
	for ref := range int32(10_001) {
		for key := range int32(31) {
			k := refKey{ref, key}
			got, ok := c.get(k)
			if w, found := want[k]; ok != found || got != w {
				t.Fatalf("%v: %d %v, want %d %v", k, got, ok, w, found)
			}
		}
	}
}

func TestStoredActions(t *testing.T) {
	var s storedActions
	want := map[int][]uint64{}
	for _, pref := range []int{5, 0, 9, 3} {
		var acts []uint64
		for i := range pref % 4 { // problem 0 has none: read, and empty
			acts = append(acts, uint64(pref*100+i))
		}
		s.pos = append(s.pos, acts...)
		if got := s.read(pref, len(acts)); !slices.Equal(got, acts) {
			t.Fatalf("read %d: %v, want %v", pref, got, acts)
		}
		want[pref] = acts
	}
	for pref := range 12 {
		got, ok := s.of(pref)
		acts, read := want[pref]
		if ok != read || !slices.Equal(got, acts) {
			t.Errorf("problem %d: %v %v, want %v %v", pref, got, ok, acts, read)
		}
	}
}
