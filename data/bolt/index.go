package bolt

import (
	"context"
	"encoding/binary"
	"strconv"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// householdIndexKeys lists the hidx keys of a household: its logical
// keys, the 'A' one an entry of a posting block (postings.go). They are
// slices of one array (each capped at its end), as key would make them.
func householdIndexKeys(h *data.Household) [][]byte {
	buf := make([]byte, 0, 27+len(h.TambonCode)+len(h.HouseCode)+len(h.Head.NationalID))
	keys := make([][]byte, 0, 3)
	add := func(tag byte, v string) {
		start := len(buf)
		buf = binary.BigEndian.AppendUint64(append(append(buf, tag), v...), h.ID)
		keys = append(keys, buf[start:len(buf):len(buf)])
	}
	add('A', h.TambonCode)
	if h.HouseCode != "" {
		add('c', h.HouseCode)
	}
	if h.Head.NationalID != "" {
		add('n', h.Head.NationalID)
	}
	return keys
}

// dateKey is d.Key() (data.Date.Key: 8 sortable digits, "99999999" for
// no date) made without fmt: a problem's index keys and counters take up
// to five, and a 1,000,000-row import spent 1.2 s of CPU formatting them.
// A date whose fields do not fit the digits goes through d.Key().
func dateKey(d data.Date) string {
	if d.IsZero() || d.Year < 0 || d.Year > 9999 || d.Month < 0 || d.Month > 99 || d.Day < 0 || d.Day > 99 {
		return d.Key()
	}
	y, m := d.Year, int(d.Month)
	b := [8]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), byte('0' + m/10), byte('0' + m%10), byte('0' + d.Day/10), byte('0' + d.Day%10)}
	return string(b[:])
}

// problemIndexKeys lists the pidx keys of a problem of a household in
// tambon: its logical keys, the upper-case ones entries of posting
// blocks (postings.go). They are slices of one array (each capped at its
// end), as key would make them: tag, the value's parts, the problem's ID.
func problemIndexKeys(p *data.Problem, tambon string) [][]byte {
	tambon = tambonOf(tambon) // the index is by tambon only, never by unit
	be := binary.BigEndian
	buf := make([]byte, 0, 120+len(tambon))
	keys := make([][]byte, 0, 6)
	start := 0
	add := func() {
		buf = be.AppendUint64(buf, p.ID)
		keys = append(keys, buf[start:len(buf):len(buf)])
		start = len(buf)
	}
	buf = be.AppendUint64(append(buf, 'h'), p.HouseholdID)
	add()
	buf = append(be.AppendUint64(append(buf, 'C'), p.RoundID), byte(p.Category))
	add()
	buf = append(be.AppendUint64(append(buf, 'S'), p.RoundID), byte(p.Status))
	add()
	buf = append(be.AppendUint64(append(buf, 'A'), p.RoundID), tambon...)
	add()
	if p.Urgent {
		buf = be.AppendUint64(append(buf, 'U'), p.RoundID)
		add()
	}
	if p.Status.Open() {
		buf = append(be.AppendUint64(append(buf, 'D'), p.RoundID), dateKey(p.TargetDate)...)
		add()
	}
	return keys
}

// keyBuffer holds the index keys of a bulk load so they can be put in key
// order, a block's IDs in one write: bbolt keeps a transaction's inserts
// in unsplit in-memory nodes, and unsorted inserts into them cost a copy
// of the node each, which made a 100,000-problem load take minutes.
type keyBuffer struct {
	hidx, pidx [][]byte              // logical keys
	hw, pw     []indexWrite          // writes packed already (an import's chunk: packed on its prep goroutine)
	rounds     map[uint64]data.Round // rounds read so far, for problems' default target date
	units      data.UnitList         // the municipalities, once read
	unitsRead  bool
}

// round reads a round, once per bulk write (k may be nil: no caching).
func (k *keyBuffer) round(tx *bbolt.Tx, id uint64) (data.Round, error) {
	if r, ok := k.cached(id); ok {
		return r, nil
	}
	var r data.Round
	if err := getRound(tx, id, &r); err != nil {
		return r, err
	}
	if k != nil {
		if k.rounds == nil {
			k.rounds = map[uint64]data.Round{}
		}
		k.rounds[id] = r
	}
	return r, nil
}

// unitsIn reads the municipalities, once per bulk write (k may be nil).
func unitsIn(tx *bbolt.Tx, k *keyBuffer) (data.UnitList, error) {
	if k != nil && k.unitsRead {
		return k.units, nil
	}
	var l data.UnitList
	if _, err := getJSON(tx, bucketSubProblems, keyUnits, &l); err != nil {
		return nil, err
	}
	if k != nil {
		k.units, k.unitsRead = l, true
	}
	return l, nil
}

func (k *keyBuffer) cached(id uint64) (data.Round, bool) {
	if k == nil {
		return data.Round{}, false
	}
	r, ok := k.rounds[id]
	return r, ok
}

func (k *keyBuffer) flush(tx *bbolt.Tx) error {
	for _, x := range []struct {
		bucket []byte
		keys   [][]byte
		packed []indexWrite
	}{{bucketHIdx, k.hidx, k.hw}, {bucketPIdx, k.pidx, k.pw}} {
		b := tx.Bucket(x.bucket)
		if err := writeIndex(b, packIndex(x.keys)); err != nil {
			return err
		}
		if err := writeIndex(b, x.packed); err != nil {
			return err
		}
	}
	return nil
}

// counterDelta gathers the changes of one write to the counters, so that a
// problem moved from one status to another touches each key once.
type counterDelta map[string]int64

// addProblemOf counts p (sign +1) or uncounts it (sign −1) for a household
// in tambon, of origin. tambon may be areaOf a household in a
// municipality (its tambon then its unit's code): the problem is then
// counted under both, each with household references of its own
// (refKey). The household counters move through hhrefs; the new cases
// count households by origin (newcases.go). An origin of 0 is read from
// the store when a new-case counter moves: correct, but a lookup a bulk
// write cannot afford, so every caller passes it.
func (d counterDelta) addProblemOf(tx *bbolt.Tx, p *data.Problem, origin data.Origin, tambon string, sign int64) error {
	refs := editRefs(tx)
	if err := d.addProblemIn(tx, refs, p, origin, tambon, sign); err != nil {
		return err
	}
	return refs.flush()
}

// addProblemIn is addProblemOf with the household references read and
// written through refs (which the caller flushes).
func (d counterDelta) addProblemIn(tx *bbolt.Tx, refs *refCounts, p *data.Problem, origin data.Origin, tambon string, sign int64) error {
	d.addProblemKeys(p, tambon, sign)
	return d.addProblemRefs(tx, refs, p, origin, tambon, sign)
}

// addProblemKeys moves the counters of p that do not depend on what the
// store holds: an import's goroutine that makes problems ready counts
// its new ones there (the rest, addProblemRefs, in the transaction).
func (d counterDelta) addProblemKeys(p *data.Problem, tambon string, sign int64) {
	if len(tambon) == 12 { // areaOf a household in a municipality: its tambon, then its unit
		d.addProblemKeys(p, tambon[6:], sign)
		tambon = tambon[:6]
	}
	d[string(key(byte('S'), p.RoundID, tambon, byte(p.Category), byte(p.Status), p.Urgent))] += sign
	if p.Status.Open() {
		d[string(key(byte('D'), p.RoundID, dateKey(p.TargetDate), tambon, byte(p.Category), p.Urgent))] += sign
	}
	for _, k := range historyKeys(p, tambon) {
		d[string(k)] += sign
	}
	if p.CarriedTo != 0 {
		d[string(carriedKey(p, tambon))] += sign
	}
	if k := reXRayKey(p, tambon); k != nil {
		d[string(k)] += sign
	}
	if k := thaiQMKey(p, tambon); k != nil {
		d[string(k)] += sign
	}
}

// addProblemRefs moves the counters of p that go by its household's
// references (hhrefs, through refs) and origin.
func (d counterDelta) addProblemRefs(tx *bbolt.Tx, refs *refCounts, p *data.Problem, origin data.Origin, tambon string, sign int64) error {
	if len(tambon) == 12 {
		if err := d.addProblemRefs(tx, refs, p, origin, tambon[6:], sign); err != nil {
			return err
		}
		tambon = tambon[:6]
	}
	o := &lazyOrigin{tx: tx, hh: p.HouseholdID, origin: origin}
	for _, cat := range []byte{byte(p.Category), 0} {
		flipped, err := bumpRef(refs, refKey(p, cat, tambon), sign)
		if err != nil {
			return err
		}
		if flipped {
			d[string(key(byte('H'), p.RoundID, tambon, cat))] += sign
			if err := d.missedFlip(o, p, tambon, cat, sign); err != nil {
				return err
			}
		}
	}
	return d.addFresh(refs, o, p, tambon, sign)
}

// refKey is the hhrefs key of a problem's household and category: a
// unit's counters keep references of their own ('M' at the end), so the
// household counters of the tambon and of the unit each move from zero.
func refKey(p *data.Problem, cat byte, area string) []byte {
	k := append(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(make([]byte, 0, 18), p.RoundID), p.HouseholdID), cat)
	if data.IsUnitCode(area) {
		k = append(k, 'M')
	}
	return k
}

// areaOf is what the counters of a household's problems are kept under:
// its tambon, followed by its unit's code when it lies in a municipality
// (addProblem then counts the problem under both).
func areaOf(h *data.Household) string {
	if h.Unit != "" {
		return h.TambonCode + h.Unit
	}
	return h.TambonCode
}

// areasOf lists the areas an areaOf counts in: the tambon, and the unit
// when there is one. A counter written outside addProblem is written for
// each.
func areasOf(area string) []string {
	if len(area) > 6 {
		return []string{area[:6], area[6:]}
	}
	return []string{area}
}

// tambonOf is the tambon of an areaOf.
func tambonOf(area string) string {
	if len(area) > 6 {
		return area[:6]
	}
	return area
}

// flush applies the delta to the counters bucket, deleting counters that
// reach zero.
func (d counterDelta) flush(tx *bbolt.Tx) error {
	b := tx.Bucket(bucketCounters)
	for k, n := range d {
		if n == 0 {
			continue
		}
		v := int64(btoi(b.Get([]byte(k)))) + n
		var err error
		switch {
		case v < 0:
			return data.Messages(data.EINTERNAL, "ตัวนับของฐานข้อมูลผิดพลาด กรุณาใช้คำสั่งตรวจสอบ (qmdesk check)", nil, "counter %x below zero", k)
		case v == 0:
			err = b.Delete([]byte(k))
		default:
			err = b.Put([]byte(k), itob(uint64(v)))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Counts returns the counters of a round, by tambon. Due counts stop at
// dueBefore, so the overdue ones cost a scan of the dates before today,
// not of problems.
func (s *Store) Counts(ctx context.Context, roundID uint64, dueBefore data.Date) (rc data.RoundCounts, err error) {
	rc, err = s.counts(roundID, dueBefore)
	data.KeepAreas(&rc, false)
	return rc, err
}

// UnitCounts returns the counters of a round by municipality: the same
// as Counts, with a unit's code where Counts has a tambon.
func (s *Store) UnitCounts(ctx context.Context, roundID uint64, dueBefore data.Date) (rc data.RoundCounts, err error) {
	rc, err = s.counts(roundID, dueBefore)
	data.KeepAreas(&rc, true)
	return rc, err
}

func (s *Store) counts(roundID uint64, dueBefore data.Date) (rc data.RoundCounts, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketCounters).Cursor()
		pre := key(byte('S'), roundID)
		for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre); k, v = c.Next() {
			r := k[len(pre):] // tambon(6) cat status urgent
			if len(r) != 9 {
				continue // a damaged key: Check names it, repair rebuilds the counters
			}
			rc.Status = append(rc.Status, data.StatusCount{Tambon: string(r[:6]), Category: data.Category(r[6]), Status: data.Status(r[7]), Urgent: r[8] == 1, N: int64(btoi(v))})
		}
		pre = key(byte('H'), roundID)
		for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre); k, v = c.Next() {
			r := k[len(pre):]
			if len(r) != 7 {
				continue
			}
			rc.Households = append(rc.Households, data.HouseholdCount{Tambon: string(r[:6]), Category: data.Category(r[6]), N: int64(btoi(v))})
		}
		pre = key(byte('C'), roundID)
		for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre); k, v = c.Next() {
			r := k[len(pre):] // tambon(6) cat
			if len(r) != 7 {
				continue
			}
			rc.Carried = append(rc.Carried, data.CarriedCount{Tambon: string(r[:6]), Category: data.Category(r[6]), N: int64(btoi(v))})
		}
		rc.ReXRay = reXRayCounts(c, roundID)
		rc.NewCases = newCaseCounts(c, roundID)
		rc.ThaiQM = thaiQMCounts(c, roundID)
		pre = key(byte('D'), roundID)
		stop := key(byte('D'), roundID, dueBefore.Key())
		for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre) && string(k) < string(stop); k, v = c.Next() {
			r := k[len(pre):] // date(8) tambon(6) cat urgent
			if len(r) != 16 {
				continue
			}
			d, _ := parseDateKey(string(r[:8]))
			rc.Due = append(rc.Due, data.DueCount{Target: d, Tambon: string(r[8:14]), Category: data.Category(r[14]), Urgent: r[15] == 1, N: int64(btoi(v))})
		}
		return nil
	})
	return rc, err
}

// reXRayKey is the counter of a problem's Re-X-Ray result: 'X' round +
// tambon + category + result; nil for a problem not re-checked.
func reXRayKey(p *data.Problem, tambon string) []byte {
	if p.ReXRay == data.ReXRayNone {
		return nil
	}
	return key(byte('X'), p.RoundID, tambon, byte(p.Category), byte(p.ReXRay))
}

// reXRayCounts reads a round's Re-X-Ray counters.
func reXRayCounts(c *bbolt.Cursor, roundID uint64) (out []data.ReXRayCount) {
	pre := key(byte('X'), roundID)
	for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre); k, v = c.Next() {
		r := k[len(pre):] // tambon(6) cat result
		if len(r) != 8 {
			continue
		}
		out = append(out, data.ReXRayCount{Tambon: string(r[:6]), Category: data.Category(r[6]), Result: data.ReXRay(r[7]), N: int64(btoi(v))})
	}
	return out
}

// carriedKey is the counter of a problem carried into a later round: 'C'
// round + tambon + category.
func carriedKey(p *data.Problem, tambon string) []byte {
	return key(byte('C'), p.RoundID, tambon, byte(p.Category))
}

// historyKeys are the counters of a problem's history: 'A' round + the day
// it was found ("00000000" when carried over from the survey) + tambon;
// once it is no longer open, 'R' round + the day it left + tambon; and
// when it left solved (by the agencies or the household itself), 'V' the
// same, so that what was solved is told from what was closed.
func historyKeys(p *data.Problem, tambon string) [][]byte {
	found := "00000000"
	if !p.FoundOn.IsZero() {
		found = dateKey(p.FoundOn)
	}
	keys := [][]byte{key(byte('A'), p.RoundID, found, tambon)}
	if !p.Status.Open() {
		keys = append(keys, key(byte('R'), p.RoundID, dateKey(p.ResolvedOn), tambon))
	}
	if p.Status == data.Solved || p.Status == data.SelfSolved {
		keys = append(keys, key(byte('V'), p.RoundID, dateKey(p.ResolvedOn), tambon))
	}
	return keys
}

// countSolvedDays (schema 7 → 8) adds the 'V' counters (historyKeys) of
// every solved problem, under its tambon and its unit's code.
func countSolvedDays(tx *bbolt.Tx) error {
	areas := map[uint64]string{}
	if err := tx.Bucket(bucketHouseholds).ForEach(func(k, v []byte) error {
		var h data.Household
		if err := decodeHousehold(v, &h); err != nil {
			return corrupt(bucketHouseholds, k, err)
		}
		areas[h.ID] = areaOf(&h)
		return nil
	}); err != nil {
		return err
	}
	// Counted afresh: an earlier step (the history's, 2 → 3) or a file
	// taken back to an older schema may hold some already.
	cs := tx.Bucket(bucketCounters)
	var stale [][]byte
	cs.ForEach(func(k, _ []byte) error {
		if len(k) > 0 && k[0] == 'V' {
			stale = append(stale, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range stale {
		if err := cs.Delete(k); err != nil {
			return err
		}
	}
	d := counterDelta{}
	if err := tx.Bucket(bucketProblems).ForEach(func(k, v []byte) error {
		var p data.Problem
		if err := decodeProblem(v, &p); err != nil {
			return corrupt(bucketProblems, k, err)
		}
		area, ok := areas[p.HouseholdID]
		if !ok || p.Status != data.Solved && p.Status != data.SelfSolved {
			return nil
		}
		for _, a := range areasOf(area) {
			d[string(key(byte('V'), p.RoundID, p.ResolvedOn.Key(), a))]++
		}
		return nil
	}); err != nil {
		return err
	}
	return d.flush(tx)
}

// History returns the found and resolved counters of a round, by tambon.
func (s *Store) History(ctx context.Context, roundID uint64) (h data.RoundHistory, err error) {
	h, err = s.history(roundID)
	data.KeepAreas(&h, false)
	return h, err
}

// UnitHistory is History by municipality.
func (s *Store) UnitHistory(ctx context.Context, roundID uint64) (h data.RoundHistory, err error) {
	h, err = s.history(roundID)
	data.KeepAreas(&h, true)
	return h, err
}

func (s *Store) history(roundID uint64) (h data.RoundHistory, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketCounters).Cursor()
		for _, x := range []struct {
			kind byte
			out  *[]data.DateCount
		}{{'A', &h.Added}, {'R', &h.Resolved}, {'V', &h.Solved}} {
			pre := key(x.kind, roundID)
			for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre); k, v = c.Next() {
				r := k[len(pre):] // date(8) tambon(6)
				if len(r) != 14 {
					continue
				}
				var d data.Date
				if string(r[:8]) != "00000000" {
					d, _ = parseDateKey(string(r[:8]))
				}
				*x.out = append(*x.out, data.DateCount{Date: d, Tambon: string(r[8:14]), N: int64(btoi(v))})
			}
		}
		return nil
	})
	return h, err
}

func parseDateKey(s string) (data.Date, error) {
	if s == "99999999" {
		return data.Date{}, nil
	}
	// Eight digits of a real day, read by hand (a summary reads tens of
	// thousands of due counts); anything else, as ParseISODate reads it.
	if len(s) < 8 {
		return data.ParseISODate(s)
	}
	if n, err := strconv.Atoi(s); err == nil && len(s) == 8 && s[0] != '+' && s[0] != '-' {
		if d := (data.Date{Year: n / 10000, Month: time.Month(n / 100 % 100), Day: n % 100}); d.Valid() {
			return d, nil
		}
	}
	return data.ParseISODate(s[:4] + "-" + s[4:6] + "-" + s[6:8])
}

func hasPrefix(k, pre []byte) bool {
	return len(k) >= len(pre) && string(k[:len(pre)]) == string(pre)
}

// idAtEnd is the ID that ends an index key (0 for a key too short to hold
// one, which only a damaged file has: Check names it).
func idAtEnd(k []byte) uint64 {
	if len(k) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k[len(k)-8:])
}

// bumpRef moves a household reference count (hhrefs) by sign in refs,
// leaving it out at zero; flipped tells that it came up from zero or went down to it,
// when the household counters it stands for move.
func bumpRef(refs *refCounts, k []byte, sign int64) (flipped bool, err error) {
	n, err := refs.get(k)
	if err != nil {
		return false, err
	}
	before := int64(n)
	after := before + sign
	if after < 0 {
		return false, data.Messages(data.EINTERNAL, "ตัวนับของฐานข้อมูลผิดพลาด กรุณาใช้คำสั่งตรวจสอบ (qmdesk check)", nil, "household reference count below zero for %x", k)
	}
	return before == 0 || after == 0, refs.set(k, uint64(after))
}
