package bolt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// Household references (hhrefs), packed [v10]: one key per round and
// household, round(8) + hh(8), whose value lists the household's
// reference counts (refKey, freshRefKey) by the rest of their logical key
// after round + hh (cat, cat 'M', cat 'f', cat 'f' 'M'):
//
//	value   refsFormat(1) entry...        at least one entry
//	entry   len(1) rest(len) count(uvarint)
//
// The entries are in ascending order of rest (bytes.Compare), each rest
// 1 to maxRefRest bytes and once only, each count above zero and its
// uvarint as short as it can be; a household with no count left has no
// key. decodeRefs refuses any value that is not so, so a value decodes to
// one list only and encodes back to the same bytes.

// refsFormat is the first byte of a packed value: its encoding's version.
const refsFormat = 1

// maxRefRest is the longest rest of a logical key an entry holds.
const maxRefRest = 8

// refHHLen is the length of a packed key (round + hh) and of the prefix of
// a logical key that names the packed key holding it.
const refHHLen = 16

// refEntry is one count of a packed value.
type refEntry struct {
	rest string // the logical key after round + hh
	n    uint64
}

var errRefsMalformed = errors.New("malformed household references")

// decodeRefs reads a packed value into entries, refusing anything that
// encodeRefs would not have written.
func decodeRefs(v []byte) ([]refEntry, error) {
	if len(v) < 1 || v[0] != refsFormat {
		return nil, fmt.Errorf("%w: unknown format", errRefsMalformed)
	}
	v = v[1:]
	if len(v) == 0 {
		return nil, fmt.Errorf("%w: no entry", errRefsMalformed)
	}
	var out []refEntry
	for len(v) > 0 {
		l := int(v[0])
		if l < 1 || l > maxRefRest || len(v) < 1+l {
			return nil, fmt.Errorf("%w: entry %d cut short or of length %d", errRefsMalformed, len(out), l)
		}
		rest := string(v[1 : 1+l])
		v = v[1+l:]
		n, w := binary.Uvarint(v)
		if w <= 0 || n == 0 || w != uvarintLen(n) {
			return nil, fmt.Errorf("%w: count of entry %d", errRefsMalformed, len(out))
		}
		v = v[w:]
		if len(out) > 0 && out[len(out)-1].rest >= rest {
			return nil, fmt.Errorf("%w: entry %d out of order", errRefsMalformed, len(out))
		}
		out = append(out, refEntry{rest, n})
	}
	return out, nil
}

func uvarintLen(n uint64) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], n)
}

// encodeRefs packs entries (ascending, counts above zero, as refCounts
// keeps them). It refuses what decodeRefs would refuse, so the store never
// writes a value it cannot read back.
func encodeRefs(e []refEntry) ([]byte, error) {
	if len(e) == 0 {
		return nil, fmt.Errorf("%w: no entry", errRefsMalformed)
	}
	b := make([]byte, 1, 1+len(e)*5)
	b[0] = refsFormat
	for i, x := range e {
		if len(x.rest) < 1 || len(x.rest) > maxRefRest || x.n == 0 || i > 0 && e[i-1].rest >= x.rest {
			return nil, fmt.Errorf("%w: entry %x → %d", errRefsMalformed, x.rest, x.n)
		}
		b = append(b, byte(len(x.rest)))
		b = append(b, x.rest...)
		b = binary.AppendUvarint(b, x.n)
	}
	return b, nil
}

// refsCorrupt is the error of a packed value that does not decode.
func refsCorrupt(k []byte, err error) error {
	return data.Messages(data.EDAMAGED, "ตัวนับของฐานข้อมูลเสียหาย กรุณาใช้คำสั่งตรวจสอบและซ่อม (qmdesk check, qmdesk repair)", nil, "household references %x: %v", k, err)
}

// refCounts reads and writes household reference counts (hhrefs) by
// their logical keys (refKey, freshRefKey), holding the packed values of
// the households it touched until flush writes each once (put, or delete
// when no count is left). Every write to the bucket goes through one, and
// nothing else reads the bucket between its first read and its flush.
//
// One that newRefCounts made for a chunk of an import's new problems
// knows that a household key after every key the bucket held when the
// chunk began has nothing stored, and starts it empty instead of reading
// the bucket: the import's new households come after every household
// before them.
type refCounts struct {
	b     *bbolt.Bucket
	after bool   // households after end start empty, unread
	end   []byte // the bucket's last key when the chunk began (nil: it was empty)
	held  map[string]*heldRefs
	last  *heldRefs // the household of the last call (a problem moves 2 to 8 counts of one)
}

// heldRefs is a household's counts as refCounts holds them.
type heldRefs struct {
	hk    string // round + hh
	e     []refEntry
	dirty bool
}

// editRefs is a refCounts for one write: it reads every household.
func editRefs(tx *bbolt.Tx) *refCounts {
	return &refCounts{b: tx.Bucket(bucketHHRefs), held: map[string]*heldRefs{}}
}

// newRefCounts reads the hhrefs bucket's last key (see refCounts).
func newRefCounts(tx *bbolt.Tx) *refCounts {
	r := editRefs(tx)
	end, _ := r.b.Cursor().Last()
	r.after, r.end = true, bytes.Clone(end)
	return r
}

// forget writes what r holds and lets it read every household from the
// bucket: before a write that does not go through r.
func (r *refCounts) forget() error {
	r.after = false
	return r.flush()
}

// household is the held counts of the household of logical key k.
func (r *refCounts) household(k []byte) (*heldRefs, error) {
	if len(k) <= refHHLen || len(k) > refHHLen+maxRefRest {
		return nil, data.Messages(data.EINTERNAL, "ตัวนับของฐานข้อมูลผิดพลาด", nil, "household reference key %x of unexpected length", k)
	}
	hk := k[:refHHLen]
	if r.last != nil && r.last.hk == string(hk) {
		return r.last, nil
	}
	if h, ok := r.held[string(hk)]; ok {
		r.last = h
		return h, nil
	}
	h := &heldRefs{hk: string(hk)}
	if !r.after || bytes.Compare(hk, r.end) <= 0 {
		if v := r.b.Get(hk); v != nil {
			e, err := decodeRefs(v)
			if err != nil {
				return nil, refsCorrupt(hk, err)
			}
			h.e = e
		}
	}
	r.held[h.hk], r.last = h, h
	return h, nil
}

func (h *heldRefs) find(rest string) (int, bool) {
	return slices.BinarySearchFunc(h.e, rest, func(x refEntry, r string) int {
		switch {
		case x.rest < r:
			return -1
		case x.rest > r:
			return 1
		}
		return 0
	})
}

// get is the count of logical key k.
func (r *refCounts) get(k []byte) (uint64, error) {
	h, err := r.household(k)
	if err != nil {
		return 0, err
	}
	if i, ok := h.find(string(k[refHHLen:])); ok {
		return h.e[i].n, nil
	}
	return 0, nil
}

// set makes the count of logical key k n (0: none), to be written by
// flush.
func (r *refCounts) set(k []byte, n uint64) error {
	h, err := r.household(k)
	if err != nil {
		return err
	}
	rest := string(k[refHHLen:])
	i, ok := h.find(rest)
	switch {
	case ok && n == 0:
		h.e = slices.Delete(h.e, i, i+1)
	case ok:
		h.e[i].n = n
	case n == 0:
		return nil
	default:
		h.e = slices.Insert(h.e, i, refEntry{rest, n})
	}
	h.dirty = true
	return nil
}

// flush writes the households whose counts changed, in key order, and
// lets go of every held household.
func (r *refCounts) flush() error {
	keys := make([]string, 0, len(r.held))
	for k, h := range r.held {
		if h.dirty {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := putRefs(r.b, []byte(k), r.held[k].e); err != nil {
			return err
		}
	}
	clear(r.held)
	r.last = nil
	return nil
}

// putRefs writes a household's counts, or deletes its key when none is
// left.
func putRefs(b *bbolt.Bucket, hk []byte, e []refEntry) error {
	if len(e) == 0 {
		return b.Delete(hk)
	}
	v, err := encodeRefs(e)
	if err != nil {
		return data.Messages(data.EINTERNAL, "ตัวนับของฐานข้อมูลผิดพลาด", nil, "household references %x: %v", hk, err)
	}
	return b.Put(hk, v)
}

// packRefs groups logical counts (zeros left out) by household into
// packed values: the household keys in order, and their values.
func packRefs(counts map[string]int64) (keys []string, values [][]byte, err error) {
	byHH := map[string][]refEntry{}
	for k, n := range counts {
		if n == 0 {
			continue
		}
		if n < 0 || len(k) <= refHHLen || len(k) > refHHLen+maxRefRest {
			return nil, nil, fmt.Errorf("%w: count %x → %d", errRefsMalformed, k, n)
		}
		byHH[k[:refHHLen]] = append(byHH[k[:refHHLen]], refEntry{k[refHHLen:], uint64(n)})
	}
	for hk := range byHH {
		keys = append(keys, hk)
	}
	slices.Sort(keys)
	for _, hk := range keys {
		e := byHH[hk]
		slices.SortFunc(e, func(a, b refEntry) int { return strings.Compare(a.rest, b.rest) })
		v, err := encodeRefs(e)
		if err != nil {
			return nil, nil, err
		}
		values = append(values, v)
	}
	return keys, values, nil
}

// rebuildRefs writes the household references anew from a recount.
func rebuildRefs(tx *bbolt.Tx, counts map[string]int64) error {
	if err := tx.DeleteBucket(bucketHHRefs); err != nil {
		return err
	}
	b, err := tx.CreateBucket(bucketHHRefs)
	if err != nil {
		return err
	}
	keys, values, err := packRefs(counts)
	if err != nil {
		return err
	}
	for i, k := range keys {
		if err := b.Put([]byte(k), values[i]); err != nil {
			return err
		}
	}
	return nil
}

// compareRefs is Check's comparison of the household references with a
// recount, by logical key (refName); a key or value of another layout is
// named as such, and a count the recount has but the file has not is
// named too.
func compareRefs(b *bbolt.Bucket, want refSet) []string {
	var out []string
	seen := 0
	b.ForEach(func(k, v []byte) error {
		if len(k) != refHHLen {
			out = append(out, fmt.Sprintf("household reference key %x: not a round + household key", k))
			return nil
		}
		e, err := decodeRefs(v)
		if err != nil {
			out = append(out, fmt.Sprintf("household references %x: %v", k, err))
			return nil
		}
		for _, x := range e {
			lk := string(k) + x.rest
			if w, ok := want.get(lk); !ok || uint64(w) != x.n {
				out = append(out, fmt.Sprintf("household reference %s: stored %d, recount %d", refName(lk), x.n, w))
			} else {
				seen++
			}
		}
		return nil
	})
	if seen < want.len() { // some the file has not: name them
		var missing []string
		want.each(func(lk string, w int64) {
			if v := b.Get([]byte(lk[:refHHLen])); v != nil {
				if e, err := decodeRefs(v); err == nil && slices.ContainsFunc(e, func(x refEntry) bool { return x.rest == lk[refHHLen:] }) {
					return
				}
			}
			missing = append(missing, fmt.Sprintf("household reference %s: stored 0, recount %d", refName(lk), w))
		})
		slices.Sort(missing)
		out = append(out, missing...)
	}
	return limit(out)
}

// refName says a logical household reference key in words: "round 1
// household 42 category 3, found in the round, the unit's own".
func refName(lk string) string {
	if len(lk) <= refHHLen {
		return fmt.Sprintf("%x", lk)
	}
	rest := lk[refHHLen:]
	s := fmt.Sprintf("round %d household %d category %d", btoi([]byte(lk[:8])), btoi([]byte(lk[8:16])), rest[0])
	switch rest[1:] {
	case "":
	case "f":
		s += ", found in the round"
	case "M":
		s += ", the unit's own"
	case "fM":
		s += ", found in the round, the unit's own"
	default:
		s += fmt.Sprintf(", %x", rest[1:])
	}
	return s
}
