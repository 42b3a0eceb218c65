package app

import (
	"math/bits"
	"strings"
)

// The planner's indexes of a file of up to a million rows. Go's maps take
// 26 to 40 bytes an entry at that size; these take 8 to 16, in slices
// that hold no pointers.

// refTable finds a household's batch ref by a number (a store ID, a house
// code or national ID as digitKey makes them): open addressing over the
// refs, the key of each ref kept beside, by ref.
type refTable struct {
	slots []int32  // ref + 1 of the household whose key hashes here or after; 0 for free
	tags  []uint8  // beside each slot, 8 bits of its key (keyTag): most keys that are not it are told without reading keys
	keys  []uint64 // ref → its key in this table; 0 for none
	n     int
}

// keyTag is 8 bits of another hash of key than the one slot uses.
func keyTag(key uint64) uint8 { return uint8((key * 0xC2B2AE3D27D4EB4F) >> 56) }

// slot is where key's search starts in a table of size slots.
func slot(key uint64, size int) int {
	hi, _ := bits.Mul64(key*0x9E3779B97F4A7C15, uint64(size))
	return int(hi)
}

func (t *refTable) get(key uint64) (int, bool) {
	if t.n == 0 {
		return 0, false
	}
	tag := keyTag(key)
	for i := slot(key, len(t.slots)); ; i++ {
		if i == len(t.slots) {
			i = 0
		}
		r := t.slots[i]
		if r == 0 {
			return 0, false
		}
		if t.tags[i] == tag && t.keys[r-1] == key {
			return int(r - 1), true
		}
	}
}

// set makes key (not 0) find ref, instead of any ref it found before. A
// ref has one key in a table.
func (t *refTable) set(key uint64, ref int) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.grow()
	}
	for len(t.keys) <= ref {
		t.keys = append(t.keys, 0)
	}
	t.keys[ref] = key
	tag := keyTag(key)
	for i := slot(key, len(t.slots)); ; i++ {
		if i == len(t.slots) {
			i = 0
		}
		if r := t.slots[i]; r == 0 {
			t.n++
		} else if t.tags[i] != tag || t.keys[r-1] != key {
			continue
		}
		t.slots[i], t.tags[i] = int32(ref+1), tag
		return
	}
}

func (t *refTable) grow() {
	old := t.slots
	t.slots = make([]int32, max(1024, 2*len(old)))
	t.tags = make([]uint8, len(t.slots))
	for _, r := range old {
		if r == 0 {
			continue
		}
		key := t.keys[r-1]
		for i := slot(key, len(t.slots)); ; i++ {
			if i == len(t.slots) {
				i = 0
			}
			if t.slots[i] == 0 {
				t.slots[i], t.tags[i] = r, keyTag(key)
				break
			}
		}
	}
}

// digitKeys finds a batch ref by a house code or a national ID. Both are
// digits of a fixed length once normalised, kept as a number with their
// length (a string key would keep an allocation of its own per household);
// any other text goes in a map of its own.
type digitKeys struct {
	nums  refTable
	texts map[string]int32
}

func digitKey(s string) (uint64, bool) {
	if s == "" || len(s) > 17 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + uint64(s[i]-'0')
	}
	return n<<5 | uint64(len(s)), true
}

func (m *digitKeys) get(s string) (int, bool) {
	if n, ok := digitKey(s); ok {
		return m.nums.get(n)
	}
	ref, found := m.texts[s]
	return int(ref), found
}

func (m *digitKeys) set(s string, ref int) {
	if n, ok := digitKey(s); ok {
		m.nums.set(n, ref)
		return
	}
	if m.texts == nil {
		m.texts = map[string]int32{}
	}
	m.texts[strings.Clone(s)] = int32(ref)
}

// problemChains lists each household's problems as chains through flat
// slices: a household has a few, found by their key (refKey.key).
type problemChains[T any] struct {
	first []int32 // household ref → its first entry + 1; 0 for none
	next  []int32 // entry → the household's next entry + 1
	key   []int32 // entry → problem key; -1 once removed
	val   []T
}

func (c *problemChains[T]) find(k refKey) (int, bool) {
	if int(k.ref) >= len(c.first) {
		return 0, false
	}
	for e := c.first[k.ref] - 1; e >= 0; e = c.next[e] - 1 {
		if c.key[e] == k.key {
			return int(e), true
		}
	}
	return 0, false
}

func (c *problemChains[T]) get(k refKey) (T, bool) {
	e, ok := c.find(k)
	if !ok {
		var zero T
		return zero, false
	}
	return c.val[e], true
}

// add puts v under k, before the household's other entries.
func (c *problemChains[T]) add(k refKey, v T) {
	for len(c.first) <= int(k.ref) {
		c.first = append(c.first, 0)
	}
	c.next = append(c.next, c.first[k.ref])
	c.key = append(c.key, k.key)
	c.val = append(c.val, v)
	c.first[k.ref] = int32(len(c.key))
}

// remove takes k's entries out of the searches (their room stays).
func (c *problemChains[T]) remove(k refKey) {
	for e, ok := c.find(k); ok; e, ok = c.find(k) {
		c.key[e] = -1
	}
}

// storedActions keeps, for each problem ref whose stored actions were
// read, where they are in side: each problem's together in pos.
type storedActions struct {
	from []int32 // problem ref → 1 + where its actions start in pos; 0 before they are read
	n    []int32 // problem ref → how many
	pos  []uint64
}

func (s *storedActions) of(pref int) ([]uint64, bool) {
	if pref >= len(s.from) || s.from[pref] == 0 {
		return nil, false
	}
	f := int(s.from[pref] - 1)
	return s.pos[f : f+int(s.n[pref])], true
}

// read records that problem pref's n stored actions are the last n of
// pos, and returns them.
func (s *storedActions) read(pref, n int) []uint64 {
	for len(s.from) <= pref {
		s.from, s.n = append(s.from, 0), append(s.n, 0)
	}
	f := len(s.pos) - n
	s.from[pref], s.n[pref] = int32(f+1), int32(n)
	return s.pos[f:]
}
