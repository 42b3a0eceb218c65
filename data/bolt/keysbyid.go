package bolt

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"

	"qmdesk/data"
)

// idKeys is Check's set of the logical index keys the records imply,
// kept by record: every such key ends with its record's 8-byte ID, so a
// record's keys are held once, without it, next to the ID. At 1,000,000
// problems a map of the keys as strings took most of Check's memory.
// Membership is exact: a key is in the set if a record of the ID at its
// end added it.
type idKeys struct {
	ids    []uint64 // a record's ID, one per add call
	ends   []int    // where each record's keys end in buf
	buf    []byte   // each key without its ID: uvarint length, then bytes
	order  []int32  // the records by ID (set by done if ids are out of order)
	sorted bool
	n      int // distinct keys, after done
}

// add adds the keys of the record id; each must end with id.
func (s *idKeys) add(id uint64, keys [][]byte) {
	for _, k := range keys {
		p := k[:len(k)-8]
		s.buf = append(binary.AppendUvarint(s.buf, uint64(len(p))), p...)
	}
	s.ids = append(s.ids, id)
	s.ends = append(s.ends, len(s.buf))
}

// each calls f with each key (without its ID) of record i.
func (s *idKeys) each(i int, f func(p []byte) bool) bool {
	start := 0
	if i > 0 {
		start = s.ends[i-1]
	}
	b := s.buf[start:s.ends[i]]
	for len(b) > 0 {
		n, w := binary.Uvarint(b)
		p := b[w : w+int(n)]
		b = b[w+int(n):]
		if !f(p) {
			return false
		}
	}
	return true
}

// done ends the adding: it orders the records by ID (the bucket's order
// already, unless a record's key and ID differ) and counts the distinct
// keys (records of one ID may share keys).
func (s *idKeys) done() {
	s.sorted = slices.IsSorted(s.ids)
	if !s.sorted {
		s.order = make([]int32, len(s.ids))
		for i := range s.order {
			s.order[i] = int32(i)
		}
		slices.SortStableFunc(s.order, func(a, b int32) int {
			x, y := s.ids[a], s.ids[b]
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		})
	}
	s.n = 0
	for lo := 0; lo < len(s.ids); {
		hi := lo + 1
		for hi < len(s.ids) && s.id(hi) == s.id(lo) {
			hi++
		}
		for j := lo; j < hi; j++ {
			s.each(s.rec(j), func(p []byte) bool {
				if !s.inRecords(lo, j, p) {
					s.n++
				}
				return true
			})
		}
		lo = hi
	}
}

// id is the ID of the j-th record in ID order; rec its index in add order.
func (s *idKeys) id(j int) uint64 { return s.ids[s.rec(j)] }

func (s *idKeys) rec(j int) int {
	if s.sorted {
		return j
	}
	return int(s.order[j])
}

// inRecords tells whether any of the records lo..hi-1 (in ID order)
// holds p. The keys of one record are distinct (their tags differ), so
// done counts a key at the first record that holds it.
func (s *idKeys) inRecords(lo, hi int, p []byte) bool {
	for j := lo; j < hi; j++ {
		if !s.each(s.rec(j), func(q []byte) bool { return !bytes.Equal(p, q) }) {
			return true
		}
	}
	return false
}

// has tells whether the set holds the logical key k.
func (s *idKeys) has(k []byte) bool {
	if len(k) < 8 {
		return false
	}
	id, p := binary.BigEndian.Uint64(k[len(k)-8:]), k[:len(k)-8]
	lo, hi := 0, len(s.ids)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.id(m) < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	for j := lo; j < len(s.ids) && s.id(j) == id; j++ {
		if !s.each(s.rec(j), func(q []byte) bool { return !bytes.Equal(p, q) }) {
			return true
		}
	}
	return false
}

// len is the number of distinct keys, after done.
func (s *idKeys) len() int { return s.n }

// hhAreas is what the recount keeps of each household, by ID: its area
// (areaOf, each distinct one held once) and origin. Households come in
// ID order (the bucket's), so they are looked up by binary search; a
// household whose key and ID differ puts them out of order, and then
// they are sorted (stably: of records of one ID the last read counts, as
// in a map).
type hhAreas struct {
	ids     []uint64
	area    []uint32 // index into areas
	origin  []data.Origin
	areas   []string
	areaIdx map[string]uint32
}

func (h *hhAreas) add(id uint64, area string, origin data.Origin) {
	i, ok := h.areaIdx[area]
	if !ok {
		if h.areaIdx == nil {
			h.areaIdx = map[string]uint32{}
		}
		i = uint32(len(h.areas))
		h.areas = append(h.areas, area)
		h.areaIdx[area] = i
	}
	h.ids, h.area, h.origin = append(h.ids, id), append(h.area, i), append(h.origin, origin)
}

// done orders the households by ID, if they are not.
func (h *hhAreas) done() {
	if slices.IsSorted(h.ids) {
		return
	}
	order := make([]int, len(h.ids))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(h.ids[a], h.ids[b]) })
	ids, area, origin := make([]uint64, len(order)), make([]uint32, len(order)), make([]data.Origin, len(order))
	for j, i := range order {
		ids[j], area[j], origin[j] = h.ids[i], h.area[i], h.origin[i]
	}
	h.ids, h.area, h.origin = ids, area, origin
}

// get is the area and origin of household id (ok false: none), after done.
func (h *hhAreas) get(id uint64) (area string, origin data.Origin, ok bool) {
	j := len(h.ids) // past the last of id
	if id < ^uint64(0) {
		j, _ = slices.BinarySearch(h.ids, id+1)
	}
	if j == 0 || h.ids[j-1] != id {
		return "", 0, false
	}
	return h.areas[h.area[j-1]], h.origin[j-1], true
}

// idSet is a set of IDs: sorted, once done.
type idSet []uint64

func (s *idSet) done() {
	if !slices.IsSorted(*s) {
		slices.Sort(*s)
	}
}

func (s idSet) has(id uint64) bool {
	_, ok := slices.BinarySearch(s, id)
	return ok
}

// refTail is a logical household reference key without its round: the
// household and the rest (category, then 'f' and 'M' as they apply:
// refKey, freshRefKey), at most 3 bytes.
type refTail struct {
	hh   uint64
	rest [3]byte
	n    uint8
}

// refRecount is Check's count of household references by logical key,
// by round, held in arrays rather than strings: at 1,000,000 households
// the strings took several hundred MB.
// A key of another length (none the recount makes now) is kept as a
// string in long.
type refRecount struct {
	rounds map[uint64]map[refTail]int64
	long   map[string]int64
	total  int
}

// splitRef makes a logical key's round and tail (ok false: a key no recount
// makes, with a rest longer than 3 bytes or none).
func splitRef(lk []byte) (round uint64, t refTail, ok bool) {
	if len(lk) <= refHHLen || len(lk) > refHHLen+len(t.rest) {
		return 0, t, false
	}
	t.hh, t.n = btoi(lk[8:16]), uint8(copy(t.rest[:], lk[refHHLen:]))
	return btoi(lk[:8]), t, true
}

// inc adds one to the count of lk and returns it.
func (c *refRecount) inc(lk []byte) int64 {
	round, t, ok := splitRef(lk)
	if !ok {
		if c.long == nil {
			c.long = map[string]int64{}
		}
		if c.long[string(lk)]++; c.long[string(lk)] == 1 {
			c.total++
		}
		return c.long[string(lk)]
	}
	if c.rounds == nil {
		c.rounds = map[uint64]map[refTail]int64{}
	}
	m := c.rounds[round]
	if m == nil {
		m = map[refTail]int64{}
		c.rounds[round] = m
	}
	m[t]++
	if m[t] == 1 {
		c.total++
	}
	return m[t]
}

func (c *refRecount) get(lk string) (int64, bool) {
	round, t, ok := splitRef([]byte(lk))
	if !ok {
		n, ok := c.long[lk]
		return n, ok
	}
	n, ok := c.rounds[round][t]
	return n, ok
}

func (c *refRecount) len() int { return c.total }

func (c *refRecount) each(f func(lk string, n int64)) {
	for round, m := range c.rounds {
		for t, n := range m {
			f(string(append(binary.BigEndian.AppendUint64(itob(round), t.hh), t.rest[:t.n]...)), n)
		}
	}
	for lk, n := range c.long {
		f(lk, n)
	}
}

// refSet is the recount of household references that compareRefs reads:
// a map (refMap) or, in Check, a refRecount.
type refSet interface {
	get(lk string) (int64, bool)
	len() int
	each(func(lk string, n int64))
}

// refMap is a map of counts as a refSet.
type refMap map[string]int64

func (m refMap) get(lk string) (int64, bool) { n, ok := m[lk]; return n, ok }
func (m refMap) len() int                    { return len(m) }
func (m refMap) each(f func(lk string, n int64)) {
	for lk, n := range m {
		f(lk, n)
	}
}
