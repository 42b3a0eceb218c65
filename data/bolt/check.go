package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// Check verifies the database: bbolt's own page check, every counter and
// index against a recount from the records, and the audit chain.
func (s *Store) Check(ctx context.Context) (data.CheckReport, error) {
	var r data.CheckReport
	err := s.db.View(func(tx *bbolt.Tx) error {
		r = checkTx(tx)
		return nil
	})
	return r, err
}

func checkTx(tx *bbolt.Tx) (r data.CheckReport) {
	for err := range tx.Check() {
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
	tambons := map[uint64]string{}
	wantH := map[string]bool{}
	err := tx.Bucket(bucketHouseholds).ForEach(func(k, v []byte) error {
		var h data.Household
		if err := json.Unmarshal(v, &h); err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("household %d unreadable", btoi(k)))
			return nil
		}
		r.Households++
		tambons[h.ID] = h.TambonCode
		for _, k := range householdIndexKeys(&h) {
			wantH[string(k)] = true
		}
		return nil
	})
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	wantP := map[string]bool{}
	counts := map[string]int64{}
	refs := map[string]int64{}
	err = tx.Bucket(bucketProblems).ForEach(func(k, v []byte) error {
		var p data.Problem
		if err := json.Unmarshal(v, &p); err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("problem %d unreadable", btoi(k)))
			return nil
		}
		r.ProblemCount++
		tambon, ok := tambons[p.HouseholdID]
		if !ok {
			r.Problems = append(r.Problems, fmt.Sprintf("problem %d belongs to missing household %d", p.ID, p.HouseholdID))
			return nil
		}
		for _, k := range problemIndexKeys(&p, tambon) {
			wantP[string(k)] = true
		}
		counts[string(key(byte('S'), p.RoundID, tambon, byte(p.Category), byte(p.Status), p.Urgent))]++
		if p.Status.Open() {
			counts[string(key(byte('D'), p.RoundID, p.TargetDate.Key(), tambon, byte(p.Category), p.Urgent))]++
		}
		for _, k := range historyKeys(&p, tambon) {
			counts[string(k)]++
		}
		for _, cat := range []byte{byte(p.Category), 0} {
			rk := string(key(p.RoundID, p.HouseholdID, cat))
			if refs[rk]++; refs[rk] == 1 {
				counts[string(key(byte('H'), p.RoundID, tambon, cat))]++
			}
		}
		return nil
	})
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	tx.Bucket(bucketActions).ForEach(func(k, v []byte) error {
		r.Actions++
		return nil
	})
	r.Problems = append(r.Problems, compareKeys("household index", tx.Bucket(bucketHIdx), wantH)...)
	r.Problems = append(r.Problems, compareKeys("problem index", tx.Bucket(bucketPIdx), wantP)...)
	r.Problems = append(r.Problems, compareCounts("counter", tx.Bucket(bucketCounters), counts)...)
	r.Problems = append(r.Problems, compareCounts("household reference", tx.Bucket(bucketHHRefs), refs)...)
	tx.Bucket(bucketImports).ForEach(func(k, v []byte) error {
		var rec data.ImportRecord
		if json.Unmarshal(v, &rec) == nil && rec.Committing {
			r.Problems = append(r.Problems, fmt.Sprintf("import %d (%s) was interrupted: open the database normally (not read-only) to roll it back", rec.ID, rec.File))
		}
		return nil
	})
	n, findings := verifyAudit(tx)
	r.AuditEntries = n
	r.Problems = append(r.Problems, findings...)
	return r
}

const maxFindings = 20

func compareKeys(what string, b *bbolt.Bucket, want map[string]bool) (out []string) {
	seen := 0
	b.ForEach(func(k, _ []byte) error {
		if !want[string(k)] {
			out = append(out, fmt.Sprintf("%s: stray key %x", what, k))
		} else {
			seen++
		}
		return nil
	})
	if seen != len(want) {
		out = append(out, fmt.Sprintf("%s: %d keys missing", what, len(want)-seen))
	}
	return limit(out)
}

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
