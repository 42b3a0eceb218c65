package bolt

import (
	"bytes"
	"encoding/json"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// Households, problems and actions, the three buckets of a province's
// million records, are stored in data's compact encoding (data.AppendHousehold
// and its kin: about a third of their JSON, and decoded several times
// faster). Since schema 9 every record written is in it; a record that
// is JSON (it starts with '{') is one the upgrade from 8 left as it found
// it, because its checksum no longer matched or it could not be read, for
// Check and Repair to name. Every reader takes both.
//
// The other records stay JSON: the meta record, rounds, the sub-problem
// and unit lists, the audit log (whose entries hold records as JSON too,
// Before and After), the import ledger, the rows of review, what undo
// keeps and the quarantine. They are few, or read one at a time.

// isJSON tells a record of the older layout from one in the compact
// encoding, whose first byte is never '{'.
func isJSON(v []byte) bool { return len(v) > 0 && v[0] == '{' }

func decodeHousehold(v []byte, h *data.Household) error {
	if isJSON(v) {
		if plainHousehold(v, h) {
			return nil
		}
		*h = data.Household{}
		return json.Unmarshal(v, h)
	}
	return data.DecodeHousehold(v, h)
}

func decodeProblem(v []byte, p *data.Problem) error {
	if isJSON(v) {
		if plainProblem(v, p) {
			return nil
		}
		*p = data.Problem{}
		return json.Unmarshal(v, p)
	}
	return data.DecodeProblem(v, p)
}

func decodeAction(v []byte, a *data.Action) error {
	if isJSON(v) {
		if plainAction(v, a) {
			return nil
		}
		*a = data.Action{}
		return json.Unmarshal(v, a)
	}
	return data.DecodeAction(v, a)
}

// writeHousehold stores h under its ID. The encoding refuses what it
// could not read back (a day that is not a calendar day), and nothing is
// written.
func writeHousehold(tx *bbolt.Tx, h *data.Household) error {
	v, err := data.AppendHousehold(nil, h)
	if err != nil {
		return err
	}
	return put(tx, bucketHouseholds, itob(h.ID), v)
}

// writeProblem stores p under its ID (see writeHousehold).
func writeProblem(tx *bbolt.Tx, p *data.Problem) error {
	v, err := data.AppendProblem(nil, p)
	if err != nil {
		return err
	}
	return put(tx, bucketProblems, itob(p.ID), v)
}

// writeAction stores a under k, its problem's ID and its own (see
// writeHousehold).
func writeAction(tx *bbolt.Tx, k []byte, a *data.Action) error {
	v, err := data.AppendAction(nil, a)
	if err != nil {
		return err
	}
	return put(tx, bucketActions, k, v)
}

// recordBucket tells the buckets whose records are in the compact
// encoding: putJSON refuses them.
func recordBucket(bucket []byte) bool {
	return bytes.Equal(bucket, bucketHouseholds) || bytes.Equal(bucket, bucketProblems) || bytes.Equal(bucket, bucketActions)
}

// readAction reads the action under k; found is false when there is none.
func readAction(tx *bbolt.Tx, k []byte, a *data.Action) (found bool, err error) {
	v := tx.Bucket(bucketActions).Get(k)
	if v == nil {
		return false, nil
	}
	if err := decodeAction(v, a); err != nil {
		return true, corrupt(bucketActions, k, err)
	}
	return true, nil
}
