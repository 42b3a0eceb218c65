package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"go.etcd.io/bbolt"

	"qmdesk/data"
)

// keyAgencyAliases holds, in the meta bucket, the clerk's merges of
// partner agencies' names (data.AgencyAliases).
var keyAgencyAliases = []byte("agency_aliases")

// AgencyAliases returns the merges of agency names (empty: none yet).
func (s *Store) AgencyAliases(ctx context.Context) (a data.AgencyAliases, err error) {
	a = data.AgencyAliases{}
	err = s.view(func(tx *bbolt.Tx) error {
		_, err := getJSON(tx, bucketMeta, keyAgencyAliases, &a)
		return err
	})
	return a, err
}

// UnmergeAgency takes back the merge of from, with an audit entry.
func (s *Store) UnmergeAgency(ctx context.Context, from string) error {
	return s.changeAliases(ctx, "unmerge agency "+data.CleanText(from), func(a data.AgencyAliases) error { return a.Unmerge(from) })
}

// MergeAgency makes from count as into in the agencies' report, with an
// audit entry in the same transaction; no action is rewritten.
func (s *Store) MergeAgency(ctx context.Context, from, into string) error {
	return s.changeAliases(ctx, "merge agency "+data.CleanText(from)+" -> "+data.CleanText(into), func(a data.AgencyAliases) error { return a.Merge(from, into) })
}

// changeAliases applies change to the merges and stores them with an
// audit entry, in one transaction.
func (s *Store) changeAliases(ctx context.Context, note string, change func(data.AgencyAliases) error) error {
	return s.update(func(tx *bbolt.Tx) error {
		before := data.AgencyAliases{}
		if _, err := getJSON(tx, bucketMeta, keyAgencyAliases, &before); err != nil {
			return err
		}
		after := data.AgencyAliases{}
		for k, v := range before {
			after[k] = v
		}
		if err := change(after); err != nil {
			return err
		}
		if err := putJSON(tx, bucketMeta, keyAgencyAliases, after); err != nil {
			return err
		}
		return s.audit(ctx, tx, "update", "agency_aliases", 0, before, after, note)
	})
}

// AgencyWork calls fn for each action of the round's problems in area
// ("": all), with its problem's category and whether it is solved, in one
// read transaction. It walks the problems and the actions (kept by
// problem) side by side and reads only the fields the report needs: the
// agencies' report of a million problems in a few seconds, without a
// counter to keep (docs/performance.md).
func (s *Store) AgencyWork(ctx context.Context, roundID uint64, area string, fn func(w data.AgencyWork) error) error {
	return s.view(func(tx *bbolt.Tx) error {
		intern := map[string]string{}
		var inArea map[uint64]bool
		if area != "" {
			inArea = map[uint64]bool{}
			err := tx.Bucket(bucketHouseholds).ForEach(func(k, v []byte) error {
				tambon, ok := "", false
				if isJSON(v) {
					tambon, ok = jsonString(v, []byte(`"tambon":`), intern)
				}
				if !ok {
					var h data.Household
					if err := decodeHousehold(v, &h); err != nil {
						return corrupt(bucketHouseholds, k, err)
					}
					tambon = h.TambonCode
				}
				if strings.HasPrefix(tambon, area) {
					inArea[btoi(k)] = true
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		// The actions' keys begin with their problem's: one pass over each
		// bucket, side by side, the actions cursor kept at the first action
		// of the problem read or after it.
		actions := tx.Bucket(bucketActions).Cursor()
		ak, av := actions.First()
		pc := tx.Bucket(bucketProblems).Cursor()
		n := 0
		for k, v := pc.First(); k != nil; k, v = pc.Next() {
			if n++; n%10_000 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			p, err := workProblem(k, v)
			if err != nil {
				return err
			}
			if p.Round != roundID || inArea != nil && !inArea[p.Household] {
				continue
			}
			w := data.AgencyWork{ProblemID: btoi(k), Category: p.Category, Solved: p.Status.IsSolved()}
			for ak != nil && bytes.Compare(ak[:min(len(ak), len(k))], k) < 0 {
				ak, av = actions.Next()
			}
			for ; ak != nil && hasPrefix(ak, k); ak, av = actions.Next() {
				a, err := workAction(ak, av, intern)
				if err != nil {
					return err
				}
				if a.Agency == "" {
					continue
				}
				w.Agency, w.Budget = a.Agency, a.Budget
				if err := fn(w); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// The report reads a million records: it takes the few fields it needs
// straight from each record (data.ProblemWork, data.ActionWork), or from
// a record of the older layout's JSON (a key written with its quotes
// cannot occur inside a string value, where quotes are escaped), decoding
// the whole JSON record only when a field is not there in the plain form.

type workProblemFields struct {
	Household uint64        `json:"household_id"`
	Round     uint64        `json:"round_id"`
	Category  data.Category `json:"category"`
	Status    data.Status   `json:"status"`
}

func workProblem(k, v []byte) (p workProblemFields, err error) {
	if !isJSON(v) {
		if p.Household, p.Round, p.Category, p.Status, err = data.ProblemWork(v); err != nil {
			return p, corrupt(bucketProblems, k, err)
		}
		return p, nil
	}
	var ok [4]bool
	var n [4]int64
	for i, key := range [][]byte{[]byte(`"household_id":`), []byte(`"round_id":`), []byte(`"category":`), []byte(`"status":`)} {
		n[i], ok[i] = jsonInt(v, key)
	}
	if ok[0] && ok[1] && ok[2] && ok[3] {
		return workProblemFields{uint64(n[0]), uint64(n[1]), data.Category(n[2]), data.Status(n[3])}, nil
	}
	if err := json.Unmarshal(v, &p); err != nil {
		return p, corrupt(bucketProblems, k, err)
	}
	return p, nil
}

type workActionFields struct {
	Agency string `json:"agency"`
	Budget int64  `json:"budget_satang"`
}

func workAction(k, v []byte, intern map[string]string) (a workActionFields, err error) {
	if !isJSON(v) {
		if a.Agency, a.Budget, err = data.ActionWork(v, intern); err != nil {
			return a, corrupt(bucketActions, k, err)
		}
		return a, nil
	}
	agency, okA := jsonString(v, []byte(`"agency":`), intern)
	budget, okB := jsonInt(v, []byte(`"budget_satang":`))
	if okA && okB {
		return workActionFields{agency, budget}, nil
	}
	if err := json.Unmarshal(v, &a); err != nil {
		return a, corrupt(bucketActions, k, err)
	}
	return a, nil
}

// jsonInt reads the non-negative integer after key; absent is 0, true (the
// fields are omitempty); anything else is false.
func jsonInt(v, key []byte) (int64, bool) {
	i := bytes.Index(v, key)
	if i < 0 {
		return 0, true
	}
	var n int64
	j := i + len(key)
	start := j
	for ; j < len(v) && v[j] >= '0' && v[j] <= '9'; j++ {
		if n > (1<<62)/10 {
			return 0, false
		}
		n = n*10 + int64(v[j]-'0')
	}
	if j == start || j == len(v) || v[j] != ',' && v[j] != '}' {
		return 0, false
	}
	return n, true
}

// jsonString reads the string after key when it holds no escape; absent
// is "", true.
func jsonString(v, key []byte, intern map[string]string) (string, bool) {
	i := bytes.Index(v, key)
	if i < 0 {
		return "", true
	}
	j := i + len(key)
	if j >= len(v) || v[j] != '"' {
		return "", false
	}
	end := bytes.IndexByte(v[j+1:], '"')
	if end < 0 {
		return "", false
	}
	str := v[j+1 : j+1+end]
	if bytes.IndexByte(str, '\\') >= 0 {
		return "", false
	}
	// A province types a few hundred names over a million actions: each
	// is made a string once.
	if s, ok := intern[string(str)]; ok {
		return s, true
	}
	out := string(str)
	intern[out] = out
	return out, true
}
