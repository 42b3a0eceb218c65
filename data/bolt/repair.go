package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// bucketQuarantine keeps the records Repair could not mend: out of the
// register, but in the file, with why, so nothing is thrown away.
//
//	quarantine  seq → quarantined JSON
var bucketQuarantine = []byte("quarantine")

type quarantined struct {
	Bucket string `json:"bucket"`
	Key    []byte `json:"key"`
	Value  []byte `json:"value"`
	Reason string `json:"reason"`
}

// Repair mends what Check finds in the records: first a copy of the file
// goes to backupDir (taken whatever state its records are in: it is the
// way back; a file whose pages are damaged is refused before), then, in one transaction, every record that cannot be read is
// mended where the record's own stamps tell the right value (a day that
// is not a date: an action's date becomes the day it was recorded, a
// problem's found and resolved days the days it was created and last
// changed, its target date its round's deadline), or else set aside in
// the quarantine bucket with the reason; a problem whose household is
// gone and an action whose problem is gone are set aside too; and every
// index and counter is rebuilt from the records, every sequence below an
// ID in use raised to it, and every record whose checksum does not match
// given one of what it holds (and named in the report, for the clerk to
// check). Faults it cannot mend (a broken audit chain) are left in
// Remaining; a damaged page it refuses to touch (only a backup mends
// that): for those, a backup must be restored.
func (s *Store) Repair(ctx context.Context, backupDir string) (data.RepairReport, error) {
	var rep data.RepairReport
	// The pages first, as Check does: bbolt's check and the cursors below
	// trust them, and a damaged page is no record to mend.
	var metaFinding, pageFinding string
	if err := s.view(func(tx *bbolt.Tx) (err error) {
		metaFinding, pageFinding, err = s.checkFile(uint64(tx.ID()))
		return err
	}); err != nil {
		return rep, err
	}
	if pageFinding != "" {
		return rep, &data.Error{Code: data.EDAMAGED, Message: "หน้าข้อมูลในไฟล์เสียหาย ซึ่งการซ่อมแก้ไม่ได้ (ซ่อมได้เฉพาะรายการข้อมูล) " + restoreAdvice, English: "damaged page: " + pageFinding}
	}
	if err := os.MkdirAll(backupDir, 0o700); err != nil {
		return rep, data.FileError(data.CreatingFolder, backupDir, err)
	}
	rep.Backup = filepath.Join(backupDir, "before-repair-"+s.Clock.Now().In(data.ThaiTime).Format("20060102-150405")+".db")
	// Written whole under a new name of its own, then renamed: never
	// through a file or link already lying under the backup's name.
	v := s.verifier()
	var seal *anchor
	if err := s.view(func(tx *bbolt.Tx) error {
		seal = s.copyAnchor(tx, v)
		return data.WriteFileAtomic(rep.Backup, 0o600, func(w io.Writer) error { _, err := tx.WriteTo(w); return err })
	}); err != nil {
		return rep, &data.Error{Code: data.EINVALID, Message: "สำรองไฟล์ก่อนซ่อมไม่ได้ จึงยังไม่ซ่อม", English: "backup before repair failed", Err: err}
	}
	s.writeCopyAnchor(rep.Backup, seal)
	err := s.update(func(tx *bbolt.Tx) error {
		for _, b := range allBuckets {
			if tx.Bucket(b) == nil && !bytes.Equal(b, bucketSums) {
				return data.Errorf(data.EINVALID, "ไฟล์ขาดส่วน %s ซ่อมไม่ได้: กรุณาเรียกคืนจากไฟล์สำรอง", "bucket %s is missing", b)
			}
		}
		var errs []error
		for err := range bboltChecks(tx, metaFinding == "") {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return &data.Error{Code: data.EDAMAGED, Message: fmt.Sprintf("หน้าข้อมูลในไฟล์เสียหาย (%d จุด) ซึ่งการซ่อมแก้ไม่ได้ %s", len(errs), restoreAdvice), English: fmt.Sprintf("%d damaged pages: %v", len(errs), errs[0])}
		}
		if tx.Bucket(bucketSums) == nil {
			// Lost whole: every record gets a sum of what it holds now.
			if _, err := tx.CreateBucket(bucketSums); err != nil {
				return err
			}
			rep.Mended = append(rep.Mended, "ค่าตรวจสอบของข้อมูลทุกรายการหายไป: สร้างใหม่จากข้อมูลที่มีอยู่ (ตรวจไม่ได้ว่ามีรายการใดถูกแก้นอกโปรแกรม)")
			if err := sumAll(tx); err != nil {
				return err
			}
		}
		m := &mender{s: s, tx: tx, today: data.DateOf(s.Clock.Now()), rep: &rep}
		if err := m.records(); err != nil {
			return err
		}
		if err := rebuildIndexes(tx); err != nil {
			return err
		}
		rep.Rebuilt = true
		for _, f := range sequenceFaults(tx) {
			if err := tx.Bucket(f.bucket).SetSequence(f.max); err != nil {
				return err
			}
			rep.Mended = append(rep.Mended, fmt.Sprintf("เลขที่ถัดไปของ%s (%d) ต่ำกว่าเลขที่ใช้ไปแล้ว: ตั้งใหม่เป็น %d เพื่อไม่ให้รายการใหม่ทับรายการเดิม", bucketThai[string(f.bucket)], f.seq, f.max))
		}
		if err := resum(tx, &rep); err != nil {
			return err
		}
		if metaFinding != "" {
			// This commit writes the damaged copy anew.
			rep.Mended = append(rep.Mended, "ส่วนหัวของไฟล์ชุดหนึ่งเสียหาย: เขียนใหม่แล้ว (ถ้าเป็นชุดที่ใหม่กว่า การบันทึกครั้งสุดท้ายก่อนไฟล์เสียหายอาจหายไป กรุณาตรวจงานล่าสุด)")
		}
		return s.audit(ctx, tx, "repair", "database", 0, nil, rep, fmt.Sprintf("mended %d, quarantined %d, backup %s", len(rep.Mended), len(rep.Quarantined), filepath.Base(rep.Backup)))
	})
	if err != nil {
		return rep, err
	}
	after, err := s.Check(ctx)
	if err != nil {
		return rep, err
	}
	rep.Remaining = after.Problems
	return rep, nil
}

// mender works through the records of one repair.
type mender struct {
	s     *Store
	tx    *bbolt.Tx
	today data.Date // the real day: a training day must not make real dates look wrong
	rep   *data.RepairReport
}

func (m *mender) records() error {
	households := map[uint64]bool{}
	if err := m.each(bucketHouseholds, func(k, v []byte) ([]byte, string, error) {
		var h data.Household
		if err := decodeHousehold(v, &h); err != nil {
			return nil, "", err
		}
		households[h.ID] = true
		return nil, "", nil
	}); err != nil {
		return err
	}
	rounds := map[uint64]data.Round{}
	m.tx.Bucket(bucketRounds).ForEach(func(k, v []byte) error {
		var r data.Round
		if json.Unmarshal(v, &r) == nil {
			rounds[r.ID] = r
		}
		return nil
	})
	problems := map[uint64]bool{}
	if err := m.each(bucketProblems, func(k, v []byte) ([]byte, string, error) {
		var p data.Problem
		var how string
		var err error
		if isJSON(v) {
			p, how, err = m.jsonProblem(k, v, rounds)
		} else {
			p, how, err = m.problem(k, v, rounds)
		}
		if err != nil {
			return nil, "", err
		}
		if !households[p.HouseholdID] {
			return nil, "", fmt.Errorf("its household %d is missing", p.HouseholdID)
		}
		problems[p.ID] = true
		if how == "" {
			return nil, "", nil
		}
		// A record mended is written in the compact encoding, whichever
		// it was read from.
		out, err := data.AppendProblem(nil, &p)
		return out, how, err
	}); err != nil {
		return err
	}
	return m.each(bucketActions, func(k, v []byte) ([]byte, string, error) {
		var a data.Action
		var how string
		var err error
		if isJSON(v) {
			a, how, err = m.jsonAction(v)
		} else {
			a, how, err = m.action(v)
		}
		if err != nil {
			return nil, "", err
		}
		if !problems[btoi(k)] {
			return nil, "", fmt.Errorf("its problem %d is missing", btoi(k))
		}
		if how == "" {
			return nil, "", nil
		}
		out, err := data.AppendAction(nil, &a)
		return out, how, err
	})
}

// jsonProblem reads a problem of the older layout, its dates mended where
// they do not read as sane ones (mendDates): the target date from its
// round's deadline, the day it was found from the day it was recorded,
// the day it was resolved from its actions or the day it last changed.
func (m *mender) jsonProblem(k, v []byte, rounds map[uint64]data.Round) (p data.Problem, how string, err error) {
	mended, how, err := mendDates(v, func(field string, rec map[string]json.RawMessage) (data.Date, bool) {
		switch field {
		case "target_date":
			var round uint64
			json.Unmarshal(rec["round_id"], &round)
			r, ok := rounds[round]
			return r.Deadline, ok
		case "found_on":
			var year int
			json.Unmarshal(rec["survey_year"], &year)
			if year == 2565 {
				return data.Date{}, true // carried over from the survey: no day of its own
			}
			return stampDay(rec["created_at"])
		case "resolved_on":
			var st data.Status
			json.Unmarshal(rec["status"], &st)
			if st.Open() {
				return data.Date{}, true
			}
			if d, ok := m.resolvedByActions(k); ok {
				return d, true
			}
			return stampDay(rec["updated_at"])
		}
		return data.Date{}, false
	}, m.today, "target_date", "found_on", "resolved_on")
	if err != nil {
		return p, "", err
	}
	return p, how, json.Unmarshal(mended, &p)
}

// problem reads a problem in the compact encoding, its dates mended as
// jsonProblem mends them. A record that cannot be read whole, or whose
// day that is not a calendar day is not one of those, is an error.
func (m *mender) problem(k, v []byte, rounds map[uint64]data.Round) (p data.Problem, how string, err error) {
	readErr := data.DecodeProblem(v, &p)
	if readErr != nil && !errors.Is(readErr, data.ErrRecordDay) {
		return p, "", readErr
	}
	how, err = mendDate(how, "target_date", &p.TargetDate, m.today, func() (data.Date, bool) {
		r, ok := rounds[p.RoundID]
		return r.Deadline, ok
	})
	if err == nil {
		how, err = mendDate(how, "found_on", &p.FoundOn, m.today, func() (data.Date, bool) {
			if p.SurveyYear == 2565 {
				return data.Date{}, true
			}
			return dayOf(p.CreatedAt)
		})
	}
	if err == nil {
		how, err = mendDate(how, "resolved_on", &p.ResolvedOn, m.today, func() (data.Date, bool) {
			if p.Status.Open() {
				return data.Date{}, true
			}
			if d, ok := m.resolvedByActions(k); ok {
				return d, true
			}
			return dayOf(p.UpdatedAt)
		})
	}
	if err == nil && how == "" {
		err = readErr // a bad day elsewhere: nothing tells its value
	}
	return p, how, err
}

// jsonAction reads an action of the older layout, its date mended from
// the day it was recorded when it does not read as a sane one.
func (m *mender) jsonAction(v []byte) (a data.Action, how string, err error) {
	mended, how, err := mendDates(v, func(field string, rec map[string]json.RawMessage) (data.Date, bool) {
		return stampDay(rec["recorded_at"])
	}, m.today, "date")
	if err != nil {
		return a, "", err
	}
	return a, how, json.Unmarshal(mended, &a)
}

// action reads an action in the compact encoding, mended as jsonAction
// mends.
func (m *mender) action(v []byte) (a data.Action, how string, err error) {
	readErr := data.DecodeAction(v, &a)
	if readErr != nil && !errors.Is(readErr, data.ErrRecordDay) {
		return a, "", readErr
	}
	how, err = mendDate("", "date", &a.Date, m.today, func() (data.Date, bool) { return dayOf(a.RecordedAt) })
	if err == nil && how == "" {
		err = readErr
	}
	return a, how, err
}

// mendDate replaces *d by what fallback says when it is not a sane date,
// and adds how to how.
func mendDate(how, field string, d *data.Date, today data.Date, fallback func() (data.Date, bool)) (string, error) {
	if d.CheckPlanned(field, today) == nil {
		return how, nil
	}
	was := fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	fix, ok := fallback()
	if !ok {
		return how, fmt.Errorf("%s %s cannot be read and nothing tells its value", field, was)
	}
	*d = fix
	return mendedHow(how, field, was, fix), nil
}

// mendedHow adds to how, in Thai, that field was mended from was to fix.
func mendedHow(how, field, was string, fix data.Date) string {
	if how != "" {
		how += ", "
	}
	how += fmt.Sprintf("%s %s → %s", dateFieldThai[field], was, data.FormatBE(fix))
	if fix.IsZero() {
		how += "(ไม่มี)"
	}
	return how
}

// resolvedByActions is the day a problem's history says it left the open
// statuses: the date of its last action with such a result (an action
// whose date cannot be read counts on the day it was recorded).
func (m *mender) resolvedByActions(problemKey []byte) (data.Date, bool) {
	var day data.Date
	c := m.tx.Bucket(bucketActions).Cursor()
	for k, v := c.Seek(problemKey); k != nil && hasPrefix(k, problemKey); k, v = c.Next() {
		var result data.Status
		var d data.Date
		var at time.Time
		if isJSON(v) {
			var rec map[string]json.RawMessage
			if json.Unmarshal(v, &rec) != nil || json.Unmarshal(rec["result"], &result) != nil {
				continue
			}
			if json.Unmarshal(rec["date"], &d) != nil {
				d = data.Date{Year: -1}
			}
			json.Unmarshal(rec["recorded_at"], &at)
		} else {
			var a data.Action
			if err := data.DecodeAction(v, &a); err != nil && !errors.Is(err, data.ErrRecordDay) {
				continue
			}
			result, d, at = a.Result, a.Date, a.RecordedAt
		}
		if result == 0 || result.Open() {
			continue
		}
		if d.CheckSane("date", m.today) != nil {
			if d, _ = dayOf(at); d.IsZero() {
				continue
			}
		}
		day = d
	}
	return day, !day.IsZero()
}

// each runs fix over a bucket's records. fix returns the mended value and
// how it was mended, nothing for a sound record, or an error for one to
// set aside.
func (m *mender) each(bucket []byte, fix func(k, v []byte) ([]byte, string, error)) error {
	type change struct {
		k, v   []byte
		how    string
		reason error
	}
	var changes []change
	ids := map[uint64]bool{} // the actions' IDs met so far
	err := m.tx.Bucket(bucket).ForEach(func(k, v []byte) error {
		if err := keyFault(bucket, k, ids); err != nil {
			changes = append(changes, change{bytes.Clone(k), nil, "", err})
			return nil
		}
		mended, how, err := fix(k, v)
		if err != nil || mended != nil {
			changes = append(changes, change{bytes.Clone(k), mended, how, err})
		}
		return nil
	})
	if err != nil {
		return err
	}
	b := m.tx.Bucket(bucket)
	for _, c := range changes {
		thai, english := recordName(bucket, c.k)
		if c.reason == nil {
			if err := put(m.tx, bucket, c.k, c.v); err != nil {
				return err
			}
			m.rep.Mended = append(m.rep.Mended, thai+": "+c.how)
			continue
		}
		q, err := m.tx.CreateBucketIfNotExists(bucketQuarantine)
		if err != nil {
			return err
		}
		seq, err := q.NextSequence()
		if err != nil {
			return err
		}
		if err := putJSON(m.tx, bucketQuarantine, itob(seq), quarantined{Bucket: string(bucket), Key: c.k, Value: bytes.Clone(b.Get(c.k)), Reason: english + ": " + c.reason.Error()}); err != nil {
			return err
		}
		if err := del(m.tx, bucket, c.k); err != nil {
			return err
		}
		m.rep.Quarantined = append(m.rep.Quarantined, fmt.Sprintf("%s: แยกเก็บไว้ (%s)", thai, c.reason))
	}
	return nil
}

// keyFault tells a record that cannot have a checksum, which Repair
// sets aside: one under a key no record of the program has (of another
// length), or an action whose ID an action met before in key order (of
// another problem) already has; the sums of a block hold one action per
// ID.
func keyFault(bucket, k []byte, ids map[uint64]bool) error {
	if blockTagOf(bucket) == 0 {
		return nil
	}
	if _, _, _, ok := slotOf(bucket, k); !ok {
		return fmt.Errorf("its key (%d bytes) is not a record's key", len(k))
	}
	if !bytes.Equal(bucket, bucketActions) {
		return nil
	}
	id := idAtEnd(k)
	if ids[id] {
		return fmt.Errorf("another action has its ID %d", id)
	}
	ids[id] = true
	return nil
}

// mendDates replaces, in a record's JSON, each named date field that does
// not read as a sane date by what fallback says from the record's other
// fields. It returns the record (unchanged if nothing needed mending) and
// how it was mended, in Thai.
func mendDates(v []byte, fallback func(field string, rec map[string]json.RawMessage) (data.Date, bool), today data.Date, fields ...string) ([]byte, string, error) {
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(v, &rec); err != nil {
		return nil, "", err
	}
	how := ""
	for _, f := range fields {
		raw, ok := rec[f]
		if !ok {
			continue
		}
		var d data.Date
		if json.Unmarshal(raw, &d) == nil && d.CheckPlanned(f, today) == nil {
			continue
		}
		fix, ok := fallback(f, rec)
		if !ok {
			return nil, "", fmt.Errorf("%s %s cannot be read and nothing tells its value", f, raw)
		}
		b, err := json.Marshal(fix)
		if err != nil {
			return nil, "", err
		}
		rec[f] = b
		how = mendedHow(how, f, string(raw), fix)
	}
	if how == "" {
		return v, "", nil
	}
	out, err := json.Marshal(rec)
	return out, how, err
}

var dateFieldThai = map[string]string{"target_date": data.WordTargetDate.Thai, "found_on": "วันที่พบปัญหา", "resolved_on": data.WordResolvedOn.Thai, "date": data.HeaderActionDate.Thai}

// stampDay is the Thai day of a record's time stamp (always the real
// time), in JSON.
func stampDay(raw json.RawMessage) (data.Date, bool) {
	var at time.Time
	if err := json.Unmarshal(raw, &at); err != nil {
		return data.Date{}, false
	}
	return dayOf(at)
}

// dayOf is the Thai day of a record's time stamp.
func dayOf(at time.Time) (data.Date, bool) {
	if at.IsZero() {
		return data.Date{}, false
	}
	return data.DateOf(at), true
}

// rebuildIndexes replaces every index and counter by what the records
// imply (recountTx), written in key order; the household references
// packed (rebuildRefs).
func rebuildIndexes(tx *bbolt.Tx) error {
	rc := recountTx(tx, false)
	for _, x := range []struct {
		bucket []byte
		keys   map[string]bool
		counts map[string]int64
	}{{bucketHIdx, rc.wantH, nil}, {bucketPIdx, rc.wantP, nil}, {bucketCounters, nil, rc.counts}} {
		if err := tx.DeleteBucket(x.bucket); err != nil {
			return err
		}
		b, err := tx.CreateBucket(x.bucket)
		if err != nil {
			return err
		}
		if x.keys != nil { // an index: its logical keys, blocks packed (postings.go)
			keys := make([][]byte, 0, len(x.keys))
			for k := range x.keys {
				keys = append(keys, []byte(k))
			}
			if err := writeIndex(b, packIndex(keys)); err != nil {
				return err
			}
			continue
		}
		var keys []string
		for k := range x.counts {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if err := b.Put([]byte(k), itob(uint64(x.counts[k]))); err != nil {
				return err
			}
		}
	}
	return rebuildRefs(tx, rc.refs) // packed, hhrefs.go
}
