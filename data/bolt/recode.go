package bolt

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// The upgrade to schema 9 rewrites every household, problem and action
// from JSON into the compact encoding (records.go), recodeChunk records a
// transaction, so that a province of a million problems upgrades without
// one transaction holding them all.
//
// Its first transaction sets the version to 9 and puts the mark
// keyRecoding in the meta bucket: from then on a program of schema 8,
// which could not read the records already rewritten, refuses the file as
// a newer one's, and this one knows from the mark that the upgrade is not
// finished. Each chunk moves the mark on in its own transaction, so a
// kill at any moment leaves a file whose next writer's open goes on from
// the last chunk committed; a read-only open says the file needs
// upgrading, as for an older version. The last transaction removes the
// mark.
//
// A record is rewritten only if it is JSON, reads whole and its checksum
// matches: one changed outside the program, or damaged, stays as it was
// found, for Check to name and Repair to mend or set aside (rewritten, it
// would have got a new checksum and passed for sound).

// keyRecoding marks, in the meta bucket, an upgrade to 9 under way: the
// index of the bucket it is at in recodeBuckets, then the last key done
// there (none: from the start).
var keyRecoding = []byte("recoding")

var recodeBuckets = [][]byte{bucketHouseholds, bucketProblems, bucketActions}

// recodeChunk is how many records one upgrade transaction reads (a
// variable so that tests cross its boundary).
var recodeChunk = 50_000

// migrateRecords is the upgrade from version 8: it marks the file and
// rewrites the records (recode).
func (s *Store) migrateRecords() error {
	if err := s.update(startRecode); err != nil {
		return fmt.Errorf("migrating schema 8 → 9: %w", err)
	}
	return s.recode()
}

// startRecode makes the file version 9 and puts the mark.
func startRecode(tx *bbolt.Tx) error {
	empty := true
	for _, b := range recodeBuckets {
		if k, _ := tx.Bucket(b).Cursor().First(); k != nil {
			empty = false
		}
	}
	if !empty { // a new file has nothing to rewrite
		if err := tx.Bucket(bucketMeta).Put(keyRecoding, []byte{0}); err != nil {
			return err
		}
	}
	return put(tx, bucketMeta, keySchemaVersion, itob(9))
}

// recoding tells whether the upgrade to 9 is under way.
func recoding(tx *bbolt.Tx) bool { return tx.Bucket(bucketMeta).Get(keyRecoding) != nil }

// recode rewrites the records from the mark on, a chunk a transaction,
// and removes the mark at the end.
func (s *Store) recode() error {
	for {
		var done bool
		err := s.update(func(tx *bbolt.Tx) (err error) {
			done, err = recodeStep(tx)
			return err
		})
		if err != nil {
			return fmt.Errorf("migrating schema 8 → 9: %w", err)
		}
		if done {
			return nil
		}
	}
}

// recodeStep rewrites the next chunk of records after the mark and moves
// the mark past them; done is true once the mark is gone.
func recodeStep(tx *bbolt.Tx) (done bool, err error) {
	meta := tx.Bucket(bucketMeta)
	mark := meta.Get(keyRecoding)
	if mark == nil {
		return true, nil
	}
	at, after := int(mark[0]), bytes.Clone(mark[1:])
	if at >= len(recodeBuckets) {
		return true, meta.Delete(keyRecoding)
	}
	bucket := recodeBuckets[at]
	c := tx.Bucket(bucket).Cursor()
	k, v := c.First()
	if len(after) > 0 {
		if k, v = c.Seek(after); bytes.Equal(k, after) {
			k, v = c.Next()
		}
	}
	type record struct{ k, v, out []byte }
	recs := make([]record, 0, recodeChunk)
	var last []byte
	// The sums, walked beside the records (both in key order).
	var sc *bbolt.Cursor
	var sk, sv, want []byte
	tag := sumTag(bucket, k)
	if sums := tx.Bucket(bucketSums); sums != nil && k != nil {
		sc = sums.Cursor()
		sk, sv = sc.Seek(key(tag, k))
	}
	for ; k != nil && len(recs) < recodeChunk; k, v = c.Next() {
		last = k
		if !isJSON(v) {
			continue
		}
		if sc != nil {
			want = append(append(want[:0], tag), k...)
			for sk != nil && bytes.Compare(sk, want) < 0 {
				sk, sv = sc.Next()
			}
			if !bytes.Equal(sk, want) || !bytes.Equal(sv, sumOf(v)) {
				continue // changed, damaged or unsummed: kept as found
			}
		}
		recs = append(recs, record{k: bytes.Clone(k), v: v})
	}
	// Decoding JSON is most of the work: on every core. The values are
	// the file's mapped pages, valid until the commit and read before
	// anything is written.
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer guardGoroutine(&errs[w])()
			// The new values, one after another in one buffer (bbolt
			// keeps what Put is given until the commit).
			var buf []byte
			for i := w; i < len(recs); i += workers {
				if cap(buf)-len(buf) < 4*len(recs[i].v) {
					buf = make([]byte, 0, 1<<20)
				}
				start := len(buf)
				if out := recodeValue(buf, bucket, recs[i].v); out != nil {
					buf = out
					recs[i].out = buf[start:len(buf):len(buf)]
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return false, err
		}
	}
	for _, r := range recs {
		if r.out == nil {
			continue
		}
		if err := put(tx, bucket, r.k, r.out); err != nil {
			return false, err
		}
	}
	if k == nil { // the bucket is done: the next one
		return false, meta.Put(keyRecoding, []byte{byte(at + 1)})
	}
	return false, meta.Put(keyRecoding, append([]byte{byte(at)}, last...))
}

// recodeValue appends a JSON record of bucket, in the compact encoding,
// to buf; nil if it cannot be read or would not read back (kept as
// found).
func recodeValue(buf, bucket, v []byte) []byte {
	var out []byte
	var err error
	switch {
	case bytes.Equal(bucket, bucketHouseholds):
		var h data.Household
		if err = decodeHousehold(v, &h); err == nil {
			out, err = data.AppendHousehold(buf, &h)
		}
	case bytes.Equal(bucket, bucketProblems):
		var p data.Problem
		if err = decodeProblem(v, &p); err == nil {
			out, err = data.AppendProblem(buf, &p)
		}
	default:
		var a data.Action
		if err = decodeAction(v, &a); err == nil {
			out, err = data.AppendAction(buf, &a)
		}
	}
	if err != nil {
		return nil
	}
	return out
}
