package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// legacyJSON rewrites every household, problem and action as JSON, with
// their checksums: the records of a file of schema 8 or before.
func legacyJSON(t testing.TB, tx *bbolt.Tx) {
	t.Helper()
	for _, bucket := range recodeBuckets {
		type kv struct{ k, v []byte }
		var all []kv
		err := tx.Bucket(bucket).ForEach(func(k, v []byte) error {
			var rec any
			switch {
			case bytes.Equal(bucket, bucketHouseholds):
				var h data.Household
				if err := decodeHousehold(v, &h); err != nil {
					return err
				}
				rec = h
			case bytes.Equal(bucket, bucketProblems):
				var p data.Problem
				if err := decodeProblem(v, &p); err != nil {
					return err
				}
				rec = p
			default:
				var a data.Action
				if err := decodeAction(v, &a); err != nil {
					return err
				}
				rec = a
			}
			js, err := json.Marshal(rec)
			all = append(all, kv{bytes.Clone(k), js})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range all {
			if err := put(tx, bucket, r.k, r.v); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// putLegacy writes a record as the JSON of schema 8 and before, with its
// checksum.
func putLegacy(t testing.TB, tx *bbolt.Tx, bucket, k []byte, rec any) {
	t.Helper()
	js, err := json.Marshal(rec)
	if err == nil {
		err = put(tx, bucket, k, js)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// dayBytes is a date as the compact encoding writes it: three varints.
func dayBytes(d data.Date) []byte {
	b := binary.AppendVarint(nil, int64(d.Year))
	b = binary.AppendVarint(b, int64(d.Month))
	return binary.AppendVarint(b, int64(d.Day))
}

// patchDay is a record in the compact encoding with its one date equal
// to from made to (a day the encoder refuses, as damage or a faulty
// version would leave it): from must occur once in it.
func patchDay(t testing.TB, v []byte, from, to data.Date) []byte {
	t.Helper()
	if n := bytes.Count(v, dayBytes(from)); n != 1 {
		t.Fatalf("%v occurs %d times in the record %x", from, n, v)
	}
	return bytes.Replace(v, dayBytes(from), dayBytes(to), 1)
}
