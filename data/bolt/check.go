package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// Check verifies the database: the file's pages (checkFile, then bbolt's
// own page check), every record against its checksum, every counter and
// index against a recount from the records, the buckets' sequences, and
// the audit chain with its anchors and the import ledger it vouches for.
//
// bbolt's check runs in a goroutine of its own, where a panic or a fault
// on a damaged page would end the program (no recover reaches it), and
// the recount reads through cursors, which trust the pages too. So the
// pages are first walked by checkFile, which reads the file itself and
// cannot fault, panic or loop; only a file it finds sound is read through
// bbolt. Walk and check both read the state of one read transaction.
func (s *Store) Check(ctx context.Context) (data.CheckReport, error) {
	var r data.CheckReport
	v := s.verifier()
	err := s.view(func(tx *bbolt.Tx) error {
		metaFinding, pageFinding, err := s.checkFile(uint64(tx.ID()))
		if err != nil {
			return &data.Error{Code: data.EINVALID, Message: "อ่านไฟล์ฐานข้อมูลเพื่อตรวจสอบไม่ได้ กรุณาลองใหม่", English: "cannot read the file to check it", Err: err}
		}
		if metaFinding != "" {
			r.Problems = append(r.Problems, metaFinding)
		}
		if pageFinding != "" {
			r.Problems, r.DamagedPages = append(r.Problems, pageFinding), true
			return nil
		}
		r = checkTx(tx, r, metaFinding == "", v)
		return nil
	})
	return r, err
}

// checkTx is Check on pages found sound; bbolt's own check runs only if
// the meta pages are sound too (it asserts their headers).
func checkTx(tx *bbolt.Tx, r data.CheckReport, bboltCheck bool, v *auditVerifier) data.CheckReport {
	for err := range bboltChecks(tx, bboltCheck) {
		r.Problems = append(r.Problems, "bbolt: "+err.Error())
	}
	for _, b := range allBuckets {
		if tx.Bucket(b) == nil {
			r.Problems = append(r.Problems, "missing bucket "+string(b))
		}
	}
	if !r.OK() {
		return r
	}
	rc := recountTx(tx, true)
	r.Households, r.ProblemCount, r.Actions = rc.households, rc.problems, rc.actions
	r.Unreadable = rc.unreadable
	r.Problems = append(r.Problems, limit(rc.faults)...)
	r.Problems = append(r.Problems, compareKeySet("household index", tx.Bucket(bucketHIdx), rc.idH)...)
	r.Problems = append(r.Problems, compareKeySet("problem index", tx.Bucket(bucketPIdx), rc.idP)...)
	r.Problems = append(r.Problems, compareCounts("counter", tx.Bucket(bucketCounters), rc.counts)...)
	r.Problems = append(r.Problems, compareRefs(tx.Bucket(bucketHHRefs), rc.crefs)...)
	var sums []string
	checkSums(tx, func(f sumFinding) bool {
		sums = append(sums, f.english())
		return len(sums) <= maxFindings
	})
	r.Problems = append(r.Problems, limit(sums)...)
	for _, f := range sequenceFaults(tx) {
		r.Problems = append(r.Problems, f.english())
	}
	tx.Bucket(bucketImports).ForEach(func(k, v []byte) error {
		var rec data.ImportRecord
		if json.Unmarshal(v, &rec) == nil && rec.Committing {
			r.Problems = append(r.Problems, fmt.Sprintf("import %d (%s) was interrupted: open the database normally (not read-only) to roll it back", rec.ID, rec.File))
		}
		return nil
	})
	r.StrandedReviews = strandedReviews(tx)
	audit := verifyAudit(tx, v)
	r.AuditEntries = audit.n
	r.Problems = append(r.Problems, audit.findings...)
	r.Audit = audit.check
	return r
}

// bboltChecks runs bbolt's page check when run is true; its goroutine is
// beyond recover, so only on pages checkFile found sound.
func bboltChecks(tx *bbolt.Tx, run bool) <-chan error {
	if !run {
		ch := make(chan error)
		close(ch)
		return ch
	}
	return tx.Check()
}

// recount is what the records say the indexes and counters must hold.
type recount struct {
	households, problems, actions int64
	wantH, wantP                  map[string]bool  // Repair's index keys
	idH, idP                      *idKeys          // Check's (recountTx's compact)
	counts, refs                  map[string]int64 // refs: Repair's
	crefs                         *refRecount      // Check's household references
	faults                        []string         // records that cannot be read, or point at none
	unreadable                    []string         // the unreadable ones, named in Thai
}

// recountTx reads every household, problem and action and works out the
// index keys and counters they imply; Check compares them with what is
// stored, Repair writes them. A record that cannot be read, a problem of
// a missing household and an action of a missing problem are faults,
// named in English for the log, and count for nothing.
//
// With compact set (Check), the index keys go to idH and idP and the
// household references to crefs, which take a fraction of the memory;
// otherwise (Repair, which writes them) to the maps wantH, wantP and
// refs.
func recountTx(tx *bbolt.Tx, compact bool) *recount {
	rc := &recount{counts: map[string]int64{}}
	if compact {
		rc.idH, rc.idP, rc.crefs = &idKeys{}, &idKeys{}, &refRecount{}
	} else {
		rc.wantH, rc.wantP, rc.refs = map[string]bool{}, map[string]bool{}, map[string]int64{}
	}
	fault := func(bucket, k []byte, err error) {
		thai, english := recordName(bucket, k)
		rc.faults = append(rc.faults, english+" unreadable: "+err.Error())
		rc.unreadable = append(rc.unreadable, thai)
	}
	var hh hhAreas // each household's area and origin
	tx.Bucket(bucketHouseholds).ForEach(func(k, v []byte) error {
		var h data.Household
		if err := decodeHousehold(v, &h); err != nil {
			fault(bucketHouseholds, k, err)
			return nil
		}
		rc.households++
		hh.add(h.ID, areaOf(&h), h.Origin)
		if rc.idH != nil {
			rc.idH.add(h.ID, householdIndexKeys(&h))
		} else {
			for _, k := range householdIndexKeys(&h) {
				rc.wantH[string(k)] = true
			}
		}
		return nil
	})
	hh.done()
	var problems idSet // those of a household
	tx.Bucket(bucketProblems).ForEach(func(k, v []byte) error {
		var p data.Problem
		if err := decodeProblem(v, &p); err != nil {
			fault(bucketProblems, k, err)
			return nil
		}
		rc.problems++
		tambon, origin, ok := hh.get(p.HouseholdID)
		if !ok {
			rc.faults = append(rc.faults, fmt.Sprintf("problem %d belongs to missing household %d", p.ID, p.HouseholdID))
			return nil
		}
		problems = append(problems, p.ID)
		if rc.idP != nil {
			rc.idP.add(p.ID, problemIndexKeys(&p, tambon))
		} else {
			for _, k := range problemIndexKeys(&p, tambon) {
				rc.wantP[string(k)] = true
			}
		}
		// A household in a municipality counts under its tambon and again
		// under its unit's code.
		for _, tambon := range areasOf(tambon) {
			rc.counts[string(key(byte('S'), p.RoundID, tambon, byte(p.Category), byte(p.Status), p.Urgent))]++
			if p.Status.Open() {
				rc.counts[string(key(byte('D'), p.RoundID, p.TargetDate.Key(), tambon, byte(p.Category), p.Urgent))]++
			}
			for _, k := range historyKeys(&p, tambon) {
				rc.counts[string(k)]++
			}
			if p.CarriedTo != 0 {
				rc.counts[string(carriedKey(&p, tambon))]++
			}
			if k := reXRayKey(&p, tambon); k != nil {
				rc.counts[string(k)]++
			}
			if k := thaiQMKey(&p, tambon); k != nil {
				rc.counts[string(k)]++
			}
			for _, cat := range []byte{byte(p.Category), 0} {
				if rc.refInc(refKey(&p, cat, tambon)) == 1 {
					rc.counts[string(key(byte('H'), p.RoundID, tambon, cat))]++
				}
			}
			rc.recountNewCases(&p, origin, tambon)
		}
		return nil
	})
	problems.done()
	if rc.idH != nil {
		rc.idH.done()
		rc.idP.done()
	}
	tx.Bucket(bucketActions).ForEach(func(k, v []byte) error {
		var a data.Action
		if err := decodeAction(v, &a); err != nil {
			fault(bucketActions, k, err)
			return nil
		}
		rc.actions++
		if !problems.has(btoi(k)) {
			rc.faults = append(rc.faults, fmt.Sprintf("action %d belongs to missing problem %d", idAtEnd(k), btoi(k)))
		}
		return nil
	})
	return rc
}

// refInc adds one to the recount of the household reference lk and
// returns the count.
func (rc *recount) refInc(lk []byte) int64 {
	if rc.crefs != nil {
		return rc.crefs.inc(lk)
	}
	rc.refs[string(lk)]++
	return rc.refs[string(lk)]
}

// refGet is the recount of the household reference lk so far.
func (rc *recount) refGet(lk []byte) int64 {
	if rc.crefs != nil {
		n, _ := rc.crefs.get(string(lk))
		return n
	}
	return rc.refs[string(lk)]
}

// seqFault is a bucket whose sequence (the last ID it gave out) is below
// an ID it holds: the next record would take an ID in use.
type seqFault struct {
	bucket   []byte
	seq, max uint64
}

func (f seqFault) english() string {
	return fmt.Sprintf("bucket %s: sequence %d is below its highest ID %d (the next record would overwrite one)", f.bucket, f.seq, f.max)
}

// sequenceFaults compares the sequence of each bucket whose IDs come from
// it with the highest ID it holds.
func sequenceFaults(tx *bbolt.Tx) (out []seqFault) {
	for _, name := range [][]byte{bucketRounds, bucketHouseholds, bucketProblems, bucketActions, bucketAudit, bucketImports, bucketReviews, bucketQuarantine} {
		b := tx.Bucket(name)
		if b == nil {
			continue
		}
		var top uint64
		if bytes.Equal(name, bucketActions) { // problem + action: the action's ID is the key's end
			b.ForEach(func(k, _ []byte) error {
				top = max(top, idAtEnd(k))
				return nil
			})
		} else if k, _ := b.Cursor().Last(); k != nil {
			top = btoi(k)
		}
		if b.Sequence() < top {
			out = append(out, seqFault{name, b.Sequence(), top})
		}
	}
	return out
}

const maxFindings = 20

func compareCounts(what string, b *bbolt.Bucket, want map[string]int64) (out []string) {
	seen := 0
	b.ForEach(func(k, v []byte) error {
		if w, ok := want[string(k)]; !ok || int64(btoi(v)) != w {
			out = append(out, fmt.Sprintf("%s %x: stored %d, recount %d", what, k, btoi(v), w))
		} else {
			seen++
		}
		return nil
	})
	if seen != len(want) && len(out) == 0 {
		out = append(out, fmt.Sprintf("%s: %d missing", what, len(want)-seen))
	}
	return limit(out)
}

func limit(s []string) []string {
	if len(s) > maxFindings {
		return append(s[:maxFindings], fmt.Sprintf("… and %d more", len(s)-maxFindings))
	}
	return s
}

// strandedReviews names, in Thai with what to do, the rows waiting for
// review that name a household or a problem no longer in the register
// (an undone import took it, before undo refused that): a decision that
// adds the row to it fails. At most maxFindings, then how many more.
func strandedReviews(tx *bbolt.Tx) (out []string) {
	hb, pb := tx.Bucket(bucketHouseholds), tx.Bucket(bucketProblems)
	more := 0
	tx.Bucket(bucketReviews).ForEach(func(k, v []byte) error {
		var r data.Review
		if json.Unmarshal(v, &r) != nil || r.Decision != "" {
			return nil // one that cannot be read fails its checksum or cannot be decided
		}
		what := ""
		for _, hh := range append(slices.Clone(r.Candidates), r.Household.ID, r.Problem.HouseholdID) {
			if hh != 0 && hb.Get(itob(hh)) == nil {
				what = fmt.Sprintf("ครัวเรือนเลขที่ %d", hh)
				break
			}
		}
		if what == "" && r.Problem.ID != 0 && pb.Get(itob(r.Problem.ID)) == nil {
			what = fmt.Sprintf("ปัญหาเลขที่ %d", r.Problem.ID)
		}
		if what == "" {
			return nil
		}
		if len(out) == maxFindings {
			more++
			return nil
		}
		out = append(out, fmt.Sprintf("แถวรอตรวจสอบที่ %d (การนำเข้าครั้งที่ %d แผ่นงาน %s แถว %d) อ้างถึง%s ซึ่งไม่มีในทะเบียนแล้ว (การนำเข้าที่เพิ่มไว้อาจถูกยกเลิกไป) จึงรวมหรือคงค่ากับรายการนั้นไม่ได้: "+
			"ตัดสินเป็นไม่รับ (qmdesk review %d --reject หรือที่แถบ \"แถวที่รอตรวจสอบ\") แล้วนำเข้าแถวนั้นใหม่ถ้ายังต้องการ",
			r.ID, r.ImportID, r.Sheet, r.Row, what, r.ID))
		return nil
	})
	if more > 0 {
		out = append(out, fmt.Sprintf("… และแถวรอตรวจสอบแบบเดียวกันอีก %d แถว (ดูด้วย qmdesk review)", more))
	}
	return out
}
