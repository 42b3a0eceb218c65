package bolt

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"runtime"
	"slices"
	"sync"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// The upgrade from schema 8 rewrites every household, problem and action
// from JSON into the compact encoding (records.go), recodeChunk records a
// transaction, so that a province of a million problems upgrades without
// one transaction holding them all.
//
// Its first transaction sets the version to 9 and puts the mark
// keyRecoding in the meta bucket: from then on a program of schema 8,
// which could not read the records already rewritten, refuses the file as
// a newer one's, and this one knows from the mark that the upgrade is not
// finished. The records are rewritten last, once the file is at
// SchemaVersion: the upgrades after 9 (schema10_refs.go, schema11_sums.go,
// schema12_pidx.go) touch neither the records nor the mark, so they run
// first, each in its transaction with its version, while the records are
// still JSON, and the rewrite sets the records' sums in the blocks of
// schema 11 (a Get and a Put a block of 256) instead of a per-key sum a
// record that the upgrade to 11 would read and move into blocks again.
// Each chunk moves the mark on in its own transaction, so a kill at any
// moment leaves a file whose next writer's open goes on from the last
// step or chunk committed; a read-only open says the file needs
// upgrading, as for an older version. The last transaction removes the
// mark. A file of schema 9 with the mark (the upgrade cut short by the
// program of schema 9, or by this one before the step to 10) takes the
// steps to SchemaVersion, the sums of the records rewritten so far moved
// into blocks with the others, and the rewrite goes on from its mark.
//
// A record is rewritten only if it is JSON, reads whole and its checksum
// matches: one changed outside the program, or damaged, stays as it was
// found, for Check to name and Repair to mend or set aside (rewritten, it
// would have got a new checksum and passed for sound).

// keyRecoding marks, in the meta bucket, the upgrade from 8 under way (at
// version 9 and after): the index of the bucket it is at in
// recodeBuckets, then the last key done there (none: from the start).
var keyRecoding = []byte("recoding")

var recodeBuckets = [][]byte{bucketHouseholds, bucketProblems, bucketActions}

// recodeChunk is how many records one upgrade transaction reads, of any
// encoding (a variable so that tests cross its boundary).
var recodeChunk = 50_000

// migrateRecords is the upgrade from version 8: it marks the file
// (startRecode). Store.upgrade then takes the steps to SchemaVersion and
// rewrites the records (recode).
func (s *Store) migrateRecords() error {
	if err := s.update(startRecode); err != nil {
		return fmt.Errorf("migrating schema 8 → 9: %w", err)
	}
	return nil
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
// and removes the mark at the end. A goroutine reads and decodes the
// chunks ahead (readAhead), each in a read transaction of its own while
// the chunk before it is written and committed: decoding JSON, most of
// the work, no longer waits for the writes, nor they for it.
func (s *Store) recode() error {
	var mark []byte
	if err := s.view(func(tx *bbolt.Tx) error {
		mark = bytes.Clone(tx.Bucket(bucketMeta).Get(keyRecoding))
		return nil
	}); err != nil {
		return fmt.Errorf("migrating schema 8 → 9: %w", err)
	}
	ahead, stop, ended := make(chan *decodedChunk, 1), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		s.readAhead(mark, ahead, stop)
	}()
	defer func() {
		close(stop)
		<-ended // no read transaction left open
	}()
	for {
		var done bool
		dc := <-ahead // nil once readAhead has stopped: each chunk decoded in its transaction
		err := s.update(func(tx *bbolt.Tx) (err error) {
			done, err = recodeChunkStep(tx, dc)
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

// decodedChunk is a chunk of records read and decoded ahead of its write
// transaction: the mark it starts from, and its JSON records' keys, values
// (copies) and new values (nil: cannot be recoded).
type decodedChunk struct {
	mark             []byte
	keys, vals, outs [][]byte
}

// readAhead reads the chunks from mark on, as recodeChunkStep will walk
// them, each in a read transaction of its own (closed before the chunk is
// decoded, so that it never holds up a commit for long), decodes their
// JSON records and sends them on out, until the last chunk, stop, or an
// error (which it leaves to the write transactions to meet). The records
// after the mark are not written before their chunk's own transaction, so
// what it reads is what that transaction finds; recodeChunkStep still
// takes a new value only for a key and value equal to the ones decoded.
func (s *Store) readAhead(mark []byte, out chan<- *decodedChunk, stop <-chan struct{}) {
	defer close(out)
	var err error
	defer guardGoroutine(&err)()
	for mark != nil {
		dc := &decodedChunk{mark: mark}
		var next, dcBucket []byte
		if s.db.View(func(tx *bbolt.Tx) error {
			var buf []byte
			bucket, nm := walkChunk(tx, mark, func(k, v []byte) {
				if !isJSON(v) {
					return
				}
				if cap(buf)-len(buf) < len(k)+len(v) {
					buf = make([]byte, 0, max(1<<20, len(k)+len(v)))
				}
				buf = append(buf, k...)
				dc.keys = append(dc.keys, buf[len(buf)-len(k):len(buf):len(buf)])
				buf = append(buf, v...)
				dc.vals = append(dc.vals, buf[len(buf)-len(v):len(buf):len(buf)])
			})
			next, dcBucket = nm, bucket
			return nil
		}) != nil {
			return
		}
		if dcBucket != nil && len(dc.keys) > 0 {
			if dc.outs, err = recodeAll(dcBucket, dc.vals); err != nil {
				return
			}
		}
		select {
		case out <- dc:
		case <-stop:
			return
		}
		mark = next
	}
}

// walkChunk calls fn with each record of the chunk after mark, in key
// order, and returns the chunk's bucket (nil: the records are all done)
// and the mark after it (nil: none). A chunk is recodeChunk records, of
// any encoding, or the rest of the bucket.
func walkChunk(tx *bbolt.Tx, mark []byte, fn func(k, v []byte)) (bucket, next []byte) {
	at, after := int(mark[0]), mark[1:]
	if at >= len(recodeBuckets) {
		return nil, nil
	}
	bucket = recodeBuckets[at]
	c := tx.Bucket(bucket).Cursor()
	k, v := c.First()
	if len(after) > 0 {
		if k, v = c.Seek(after); bytes.Equal(k, after) {
			k, v = c.Next()
		}
	}
	var last []byte
	for n := 0; k != nil && n < recodeChunk; k, v = c.Next() {
		fn(k, v)
		last, n = k, n+1
	}
	if k == nil { // the bucket is done: the next one
		return bucket, []byte{byte(at + 1)}
	}
	return bucket, append([]byte{byte(at)}, last...)
}

// recodeAll decodes the JSON values of bucket and encodes them compact:
// outs[i] is vals[i]'s new value, nil if it cannot be read or would not
// read back (kept as found). It runs on every core. The new values are
// in buffers of their own: bbolt keeps what Put is given until the
// commit.
func recodeAll(bucket []byte, vals [][]byte) (outs [][]byte, err error) {
	outs = make([][]byte, len(vals))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer guardGoroutine(&errs[w])()
			var buf []byte
			for i := w; i < len(vals); i += workers {
				if cap(buf)-len(buf) < 4*len(vals[i]) {
					buf = make([]byte, 0, max(1<<20, 4*len(vals[i])))
				}
				start := len(buf)
				if out := recodeValue(buf, bucket, vals[i]); out != nil {
					buf = out
					outs[i] = buf[start:len(buf):len(buf)]
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return outs, nil
}

// recodeStep rewrites the next chunk of records after the mark, decoding
// them itself (recodeChunkStep without a chunk read ahead).
func recodeStep(tx *bbolt.Tx) (done bool, err error) { return recodeChunkStep(tx, nil) }

// recodeChunkStep rewrites the next chunk of records after the mark and
// moves the mark past them; done is true once the mark is gone. A record
// that dc (read ahead; nil: none) holds under its key with the same value
// takes the new value decoded there; the others are decoded here. It
// reads and writes the sums as the file's version keeps them: a key a
// record (before blockSumsVersion), or in blocks.
func recodeChunkStep(tx *bbolt.Tx, dc *decodedChunk) (done bool, err error) {
	meta := tx.Bucket(bucketMeta)
	mark := bytes.Clone(meta.Get(keyRecoding))
	if mark == nil {
		return true, nil
	}
	if dc != nil && !bytes.Equal(dc.mark, mark) {
		dc = nil // read from elsewhere: not this chunk
	}
	var recs []recodeRecord
	var sums *recodeSums
	j := 0 // where the next record may be in dc
	bucket, next := walkChunk(tx, mark, func(k, v []byte) {
		if !isJSON(v) {
			return
		}
		if sums == nil {
			sums = newRecodeSums(tx, recodeBuckets[mark[0]], k)
		}
		r := recodeRecord{k: bytes.Clone(k), v: v}
		if !sums.matches(&r) {
			return // changed, damaged or unsummed: kept as found
		}
		if dc != nil {
			for j < len(dc.keys) && bytes.Compare(dc.keys[j], k) < 0 {
				j++
			}
			if j < len(dc.keys) && bytes.Equal(dc.keys[j], k) && bytes.Equal(dc.vals[j], v) {
				r.out, r.decoded = dc.outs[j], true
			}
		}
		recs = append(recs, r)
	})
	if bucket == nil {
		return true, meta.Delete(keyRecoding)
	}
	// What was not read ahead is decoded here. The values are the file's
	// mapped pages, valid until the commit and read before anything is
	// written.
	var todo []int
	var vals [][]byte
	for i := range recs {
		if !recs[i].decoded {
			todo, vals = append(todo, i), append(vals, recs[i].v)
		}
	}
	if len(vals) > 0 {
		outs, err := recodeAll(bucket, vals)
		if err != nil {
			return false, err
		}
		for n, i := range todo {
			recs[i].out = outs[n]
		}
	}
	b := tx.Bucket(bucket)
	for i := range recs {
		r := &recs[i]
		if r.out == nil {
			continue
		}
		if err := b.Put(r.k, r.out); err != nil {
			return false, err
		}
		if err := sums.set(r); err != nil {
			return false, err
		}
	}
	if sums != nil {
		if err := sums.flush(); err != nil {
			return false, err
		}
	}
	return false, meta.Put(keyRecoding, next)
}

// recodeRecord is a record a chunk rewrites: its key, its JSON value (the
// mapped page), its new value once encoded (nil: kept as found), whether
// that was decoded ahead, and whether its sum is a key of its own in a file of block sums (a sum the
// upgrade to blockSumsVersion found no slot for).
type recodeRecord struct {
	k, v, out []byte
	ownKey    bool
	decoded   bool // out is the value read ahead (recodeChunkStep)
}

// recodeSums reads and writes the sums of one chunk of recodeStep.
type recodeSums struct {
	sums   *bbolt.Bucket // nil: the file has none (every record is rewritten)
	bucket []byte
	tag    byte // the per-key tag of bucket
	blocks bool // the file's sums are in blocks (blockSums)
	// Per-key sums: a cursor walked beside the records (both in key
	// order).
	sc     *bbolt.Cursor
	sk, sv []byte
	want   []byte
	// Block sums: the blocks the chunk met, by number, copies the chunk
	// sets the new sums in and Puts once at the end.
	met map[uint64]*recodeBlock
}

type recodeBlock struct {
	v            []byte // nil: no sound block (its records have no sum in it)
	sound, dirty bool
}

// newRecodeSums starts the sums of a chunk whose first record is under
// first (nil: none).
func newRecodeSums(tx *bbolt.Tx, bucket, first []byte) *recodeSums {
	rs := &recodeSums{sums: tx.Bucket(bucketSums), bucket: bucket, tag: sumTag(bucket, first)}
	if rs.sums == nil || first == nil {
		return rs
	}
	if blockSums(tx) {
		rs.blocks, rs.met = true, map[uint64]*recodeBlock{}
		return rs
	}
	rs.sc = rs.sums.Cursor()
	rs.sk, rs.sv = rs.sc.Seek(key(rs.tag, first))
	return rs
}

// matches tells whether r's sum is there and matches its value: in a
// file of block sums its slot (the slot of an action holding its problem's
// ID), else its own key; in a file of per-key sums its key. Every record
// matches in a file without sums.
func (rs *recodeSums) matches(r *recodeRecord) bool {
	switch {
	case rs.sums == nil:
		return true
	case !rs.blocks:
		rs.want = append(append(rs.want[:0], rs.tag), r.k...)
		for rs.sk != nil && bytes.Compare(rs.sk, rs.want) < 0 {
			rs.sk, rs.sv = rs.sc.Next()
		}
		return bytes.Equal(rs.sk, rs.want) && bytes.Equal(rs.sv, sumOf(r.v))
	}
	if block, slot, pid, ok := slotOf(rs.bucket, r.k); ok {
		if b := rs.block(block); b.sound && hasSlot(b.v, slot) {
			if held, crc := slotAt(rs.bucket, b.v, slot); held == pid {
				return crc == crc32.Checksum(r.v, castagnoli)
			}
		}
	}
	r.ownKey = true
	return bytes.Equal(rs.sums.Get(key(rs.tag, r.k)), sumOf(r.v))
}

// block is block number n of the chunk's bucket, read once a chunk.
func (rs *recodeSums) block(n uint64) *recodeBlock {
	b := rs.met[n]
	if b == nil {
		b = &recodeBlock{}
		if v := rs.sums.Get(key(blockTagOf(rs.bucket), n)); v != nil && checkBlock(rs.bucket, v) == nil {
			b.v, b.sound = bytes.Clone(v), true
		}
		rs.met[n] = b
	}
	return b
}

// set writes the sum of r's new value where matches found its old one.
func (rs *recodeSums) set(r *recodeRecord) error {
	switch {
	case rs.sums == nil:
		return nil
	case !rs.blocks || r.ownKey:
		return rs.sums.Put(key(rs.tag, r.k), sumOf(r.out))
	}
	block, slot, pid, _ := slotOf(rs.bucket, r.k)
	b := rs.met[block]
	setSlot(rs.bucket, b.v, slot, pid, crc32.Checksum(r.out, castagnoli))
	b.dirty = true
	return nil
}

// flush Puts the blocks set has changed, in key order.
func (rs *recodeSums) flush() error {
	ns := make([]uint64, 0, len(rs.met))
	for n, b := range rs.met {
		if b.dirty {
			ns = append(ns, n)
		}
	}
	slices.Sort(ns)
	for _, n := range ns {
		if err := rs.sums.Put(key(blockTagOf(rs.bucket), n), rs.met[n].v); err != nil {
			return err
		}
	}
	return nil
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
