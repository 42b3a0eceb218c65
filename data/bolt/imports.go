package bolt

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// undoEntry records one record an import touched, so that UndoImport can
// put it back. Before is nil for a record the import created.
type undoEntry struct {
	Kind    string          `json:"kind"` // household, problem (changed), action (on a problem that existed), created
	ID      uint64          `json:"id,omitempty"`
	Problem uint64          `json:"problem,omitempty"` // an action's problem
	Before  json.RawMessage `json:"before,omitempty"`
	After   time.Time       `json:"after,omitempty"` // UpdatedAt the import left
	// Created records, as ID ranges: one transaction takes consecutive IDs.
	Households [2]uint64 `json:"households,omitempty"`
	Problems   [2]uint64 `json:"problems,omitempty"`
	Actions    [2]uint64 `json:"actions,omitempty"`
}

// span grows an ID range to hold id.
func span(r *[2]uint64, id uint64) {
	if r[0] == 0 || id < r[0] {
		r[0] = id
	}
	r[1] = max(r[1], id)
}

func inSpan(r [2]uint64, id uint64) bool { return r[0] != 0 && id >= r[0] && id <= r[1] }

// importChunk is how many records one transaction of a large import
// writes. One transaction for a province file held every new record and
// index key in bbolt's dirty pages at once: 660 MB for 100,000 rows.
var importChunk = 5000

// importState carries what later parts of an import need from earlier ones.
type importState struct {
	rec   data.ImportRecord
	hhIDs []uint64
	// The households' areas (areaOf) and origins, which their problems'
	// counters need: each household's is one of a few thousand kinds, so a
	// million households take 4 bytes each.
	hhKind   []int32
	kinds    []householdKind
	kindOf   map[householdKind]int32
	pIDs     []uint64
	pNew     []bool // problems the import creates
	undoSeq  uint64
	rowParts int // parts of the row fates written (see rowsKey)
	// The part being written: where its chunks start and end, the feed
	// that makes their entries ready across its transactions, the ID its
	// next chunk's first new record takes and what the feed read of the
	// store (prepSeal).
	from int
	ends []int
	feed interface{ stop() error }
	next uint64
	seal [sha256.Size]byte
}

// stopFeed stops the part's feed, if one runs (see feed.stop).
func (st *importState) stopFeed() error {
	if st.feed == nil {
		return nil
	}
	err := st.feed.stop()
	st.feed = nil
	return err
}

type householdKind struct {
	area   string
	origin data.Origin
}

// setKind records household i's area and origin.
func (st *importState) setKind(i int, h *data.Household) {
	k := householdKind{areaOf(h), h.Origin}
	n, ok := st.kindOf[k]
	if !ok {
		n = int32(len(st.kinds))
		st.kinds = append(st.kinds, k)
		st.kindOf[k] = n
	}
	st.hhKind[i] = n
}

// CommitImport applies a batch: the records with their indexes and
// counters, the ledger entry, the fate of every row, what undo needs, the
// rows left for review and an audit entry. A large batch is written in
// chunks (importChunk records or row fates, a fifth as many reviews), each
// its own transaction, under a ledger entry marked as committing; the
// last transaction clears the mark. So the workbook lands whole or not at
// all: a cancel (ctx, checked before each
// chunk), a record changed since the dry run (ECONFLICT) or a write of
// something else between two chunks that the part's feed would not see
// (ECONFLICT, feedOf) stops the import and rolls back the chunks already
// written, and if the program
// dies in between, Open rolls the import back before anyone reads.
func (s *Store) CommitImport(ctx context.Context, b *data.ImportBatch) (data.ImportRecord, error) {
	st := &importState{}
	defer st.stopFeed()
	fail := func(err error) (data.ImportRecord, error) {
		st.stopFeed() // before the rollback, and before the caller closes the batch
		return st.rec, s.abortImport(ctx, st.rec.ID, err)
	}
	if err := s.update(func(tx *bbolt.Tx) error { return s.beginImport(ctx, tx, b, st) }); err != nil {
		return st.rec, err
	}
	for _, part := range data.Parts {
		st.from, st.ends = 0, chunkEnds(b, part)
		for k := range st.ends {
			if err := ctx.Err(); err != nil {
				return fail(err)
			}
			err := s.update(func(tx *bbolt.Tx) error {
				fillPages(tx)
				return s.writeChunk(ctx, tx, b, st, part, k)
			})
			if err != nil {
				return fail(err)
			}
		}
		if err := st.stopFeed(); err != nil {
			return fail(s.judge(err))
		}
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	err := s.update(func(tx *bbolt.Tx) error { return s.finishImport(ctx, tx, b, st, 0) })
	if err != nil {
		return fail(err)
	}
	return st.rec, nil
}

// chunkEnds is where the chunks of a part end, one transaction each.
func chunkEnds(b *data.ImportBatch, part data.BatchPart) (ends []int) {
	for from, n := 0, b.Len(part); from < n; {
		from = b.ChunkEnd(part, from, chunkOf(part), importChunkBytes)
		ends = append(ends, from)
	}
	return ends
}

// commitBatch applies a small batch (a decided review row) in the
// caller's transaction.
func (s *Store) commitBatch(ctx context.Context, tx *bbolt.Tx, b *data.ImportBatch, reviewOf uint64) (data.ImportRecord, error) {
	st := &importState{}
	if err := s.beginImport(ctx, tx, b, st); err != nil {
		return st.rec, err
	}
	for _, part := range data.Parts {
		if err := s.applyPart(ctx, tx, b, st, part, 0, b.Len(part)); err != nil {
			return st.rec, err
		}
	}
	return st.rec, s.finishImport(ctx, tx, b, st, reviewOf)
}

// chunkOf is how many entries of a part one transaction writes at most:
// importChunk records or row fates, a fifth as many reviews (a few
// kilobytes of JSON each: the row's household, problem, action and every
// conflicting value). A chunk also ends before its entries take more than
// importChunkBytes as the batch holds them (data.ImportBatch.ChunkEnd):
// bbolt keeps a transaction's new pages in memory until it commits, and a
// file of long texts, of rows mostly sent to review or refused with long
// reasons, must not put them all in one.
func chunkOf(part data.BatchPart) int {
	if part == data.PartReviews {
		return max(importChunk/5, 1)
	}
	return importChunk
}

var importChunkBytes int64 = 4 << 20

// fillPages makes the pages that tx splits in the buckets an import
// writes full ones (bbolt's FillPercent, which holds for the buckets as
// this transaction opened them). An import's new records, their sums and
// most of their index keys come after every key of their kind, so bbolt's
// default of half-full pages, room for inserts that never come, wrote
// twice the pages and made a file twice the size. A page that is later
// written in the middle splits then, as any full page does.
func fillPages(tx *bbolt.Tx) {
	for _, name := range [][]byte{bucketHouseholds, bucketProblems, bucketActions, bucketSums, bucketHIdx, bucketPIdx, bucketHHRefs, bucketImportRows, bucketImportUndo, bucketReviews} {
		if b := tx.Bucket(name); b != nil {
			b.FillPercent = 1
		}
	}
}

// abortImport rolls back the parts of an import already written and
// returns the error that stopped it.
func (s *Store) abortImport(ctx context.Context, id uint64, cause error) error {
	err := s.update(func(tx *bbolt.Tx) error { return s.undoTx(ctx, tx, id, true) })
	if err != nil {
		return &data.Error{Code: data.EINTERNAL, Message: "การนำเข้าล้มเหลว และยกเลิกส่วนที่บันทึกไปแล้วไม่สำเร็จ: เปิดโปรแกรมใหม่เพื่อให้ยกเลิกอัตโนมัติ", English: fmt.Sprintf("import %d failed (%v) and its rollback failed", id, cause), Err: err}
	}
	return cause
}

func (s *Store) beginImport(ctx context.Context, tx *bbolt.Tx, b *data.ImportBatch, st *importState) error {
	id, err := tx.Bucket(bucketImports).NextSequence()
	if err != nil {
		return err
	}
	st.rec = data.ImportRecord{ID: id, File: b.File, SHA256: b.SHA256, Sheet: b.Sheet, Who: data.OperatorFrom(ctx), At: s.Clock.Now().UTC(), Counts: b.Counts, Committing: true}
	st.hhIDs, st.hhKind, st.kindOf = make([]uint64, b.NumHouseholds()), make([]int32, b.NumHouseholds()), map[householdKind]int32{}
	st.pIDs, st.pNew = make([]uint64, b.NumProblems()), make([]bool, b.NumProblems())
	return putJSON(tx, bucketImports, itob(id), st.rec)
}

// householdReady is a household of the batch as its feed made it ready.
type householdReady struct {
	i     int
	hc    data.HouseholdChange
	value []byte // a new household, encoded
	sum   uint32 // its CRC-32C
	err   error
	// On a chunk's last entry: the chunk's new households' index writes,
	// packed, and the ID the next chunk's first new household takes.
	packed []indexWrite
	next   uint64
}

// problemReady is a problem of the batch as its feed made it ready.
type problemReady struct {
	i     int
	pc    data.ProblemChange
	value []byte // a new problem, encoded
	sum   uint32 // its CRC-32C
	err   error
	// On a chunk's last entry, as householdReady's, and the counters the
	// chunk's new problems move whatever the store holds (addProblemKeys).
	packed []indexWrite
	counts counterDelta
	next   uint64
}

// actionReady is an action of the batch as its feed made it ready.
type actionReady struct {
	ac    data.ActionChange
	value []byte // encoded
	sum   uint32 // its CRC-32C
	err   error
	next  uint64 // on a chunk's last entry: the ID the next chunk's first action takes
}

// feedOf is the part's feed. At the part's first chunk (k = 0), start
// starts it in tx, and the bucket's next ID and what the feed read of the
// store (prepSeal) are kept. At a later chunk it is the same feed, once
// tx shows the store as the feed assumed: the bucket's sequence where the
// chunk before left it (the feed gave the chunk's new records the IDs
// after it) and the municipalities, rounds and default round unchanged.
// Were they not (something else wrote between two chunks), the chunk
// fails and the import is rolled back rather than give IDs or values
// that are not the store's.
func feedOf[T any](tx *bbolt.Tx, st *importState, part data.BatchPart, bucket []byte, k int, start func() (*feed[T], error)) (*feed[T], error) {
	if k == 0 {
		st.next, st.seal = tx.Bucket(bucket).Sequence()+1, prepSeal(tx, part)
		f, err := start()
		if err != nil {
			return nil, err
		}
		st.feed = f
		return f, nil
	}
	f, ok := st.feed.(*feed[T])
	if !ok || tx.Bucket(bucket).Sequence() != st.next-1 || prepSeal(tx, part) != st.seal {
		return nil, data.Messages(data.ECONFLICT, "ฐานข้อมูลถูกแก้ไขระหว่างการนำเข้า จึงยกเลิกการนำเข้าทั้งไฟล์ กรุณานำเข้าไฟล์อีกครั้ง", nil, "the database changed while the import was being written (%s): the whole file is rolled back; import it again", string(bucket))
	}
	return f, nil
}

// applyPart writes entries from..to of one part of a batch in tx, as
// one chunk, with a feed of its own (stopped before it returns).
func (s *Store) applyPart(ctx context.Context, tx *bbolt.Tx, b *data.ImportBatch, st *importState, part data.BatchPart, from, to int) error {
	st.from, st.ends = from, []int{to}
	err := s.writeChunk(ctx, tx, b, st, part, 0)
	if perr := st.stopFeed(); err == nil {
		err = perr
	}
	return err
}

// writeChunk writes chunk k of the part (st.from, st.ends) and what undo
// needs to take it back. The rows of review and the rows'
// fates need nothing for undo of their own: undo and rollback remove them
// by the import's ID. A batch that could not read an entry back from its
// temporary file (data.ImportBatch.Err) fails the transaction.
func (s *Store) writeChunk(ctx context.Context, tx *bbolt.Tx, b *data.ImportBatch, st *importState, part data.BatchPart, k int) (err error) {
	defer func() {
		if err == nil {
			err = b.Err()
		}
	}()
	from, to := st.from, st.ends[k]
	if k > 0 {
		from = st.ends[k-1]
	}
	var undo []undoEntry
	created := undoEntry{Kind: "created"}
	buf := &keyBuffer{}
	d := counterDelta{}
	changed := func(what string, id uint64) error {
		return data.Errorf(data.ECONFLICT, "%s เลขที่ %d ถูกแก้ไขหลังจากตรวจสอบไฟล์ (dry run) กรุณาตรวจสอบไฟล์อีกครั้งก่อนนำเข้า", "%s %d changed since the dry run", what, id)
	}
	switch part {
	case data.PartHouseholds:
		f, err := feedOf(tx, st, part, bucketHouseholds, k, func() (*feed[householdReady], error) {
			c, err := s.newChunkPrep(ctx, tx, part, bucketHouseholds, st.rec.At)
			if err != nil {
				return nil, err
			}
			var keys [][]byte // the chunk's new households' index keys
			return startFeed(st.from, st.ends, func(int) { c.restamp(s) }, func(i int) (householdReady, bool) {
				r := householdReady{i: i, hc: b.Household(i)}
				if r.hc.Op == data.OpNew {
					if r.value, r.err = c.newHousehold(&r.hc.Household, r.hc.AsOf); r.err == nil {
						keys = append(keys, householdIndexKeys(&r.hc.Household)...)
						r.sum = crc32.Checksum(r.value, castagnoli)
					}
				}
				return r, r.err == nil
			}, func(_ int, last *householdReady) {
				last.packed, last.next, keys = packIndex(keys), c.next, nil
			}), nil
		})
		if err != nil {
			return err
		}
		hb := tx.Bucket(bucketHouseholds)
		var packed []indexWrite
		var sums []newSum
		next := st.next
		err = f.chunk(func(r *householdReady) error {
			if r.err != nil {
				return r.err
			}
			if r.next != 0 {
				packed, next = r.packed, r.next
			}
			h := r.hc.Household
			if r.hc.Op == data.OpNew {
				if err := hb.Put(itob(h.ID), r.value); err != nil {
					return err
				}
				sums = append(sums, newSum{id: h.ID, crc: r.sum})
				span(&created.Households, h.ID)
			} else {
				var cur data.Household
				if err := getHousehold(tx, h.ID, &cur); err != nil {
					return err
				}
				if !cur.UpdatedAt.Equal(r.hc.Seen) {
					return changed("ครัวเรือน", h.ID)
				}
				if r.hc.Op == data.OpUpdate {
					h.Normalize()
					if err := h.Validate(); err != nil {
						return err
					}
					before, _ := json.Marshal(cur)
					if err := s.updateHousehold(ctx, tx, &cur, &h, &importStamp{at: st.rec.At, asOf: r.hc.AsOf}); err != nil {
						return err
					}
					undo = append(undo, undoEntry{Kind: "household", ID: h.ID, Before: before, After: h.UpdatedAt})
				} else {
					h = cur
				}
			}
			st.hhIDs[r.i] = h.ID
			st.setKind(r.i, &h)
			return nil
		})
		if err != nil {
			return err
		}
		buf.hw = append(buf.hw, packed...)
		if err := mergeSums(tx, bucketHouseholds, sums); err != nil {
			return err
		}
		if err := takeIDs(tx, bucketHouseholds, next); err != nil {
			return err
		}
		st.next = next
	case data.PartProblems:
		f, err := feedOf(tx, st, part, bucketProblems, k, func() (*feed[problemReady], error) {
			c, err := s.newChunkPrep(ctx, tx, part, bucketProblems, st.rec.At)
			if err != nil {
				return nil, err
			}
			var keys [][]byte        // the chunk's new problems' index keys
			counts := counterDelta{} // and the counters they move whatever the store holds
			return startFeed(st.from, st.ends, func(int) { c.restamp(s) }, func(i int) (problemReady, bool) {
				r := problemReady{i: i, pc: b.Problem(i)}
				p := &r.pc.Problem
				if ref := r.pc.HouseholdRef; ref < 0 || ref >= len(st.hhIDs) {
					r.err = data.Messages(data.EINTERNAL, "ข้อมูลนำเข้าไม่สมบูรณ์", nil, "problem %d refers to household ref %d", i, ref)
				} else if p.HouseholdID = st.hhIDs[ref]; r.pc.Op == data.OpNew {
					if r.value, r.err = c.newProblem(p, r.pc.AsOf); r.err == nil {
						area := st.kinds[st.hhKind[ref]].area
						keys = append(keys, problemIndexKeys(p, area)...)
						counts.addProblemKeys(p, area, +1)
						r.sum = crc32.Checksum(r.value, castagnoli)
					}
				}
				return r, r.err == nil
			}, func(_ int, last *problemReady) {
				last.packed, last.counts, last.next = packIndex(keys), counts, c.next
				keys, counts = nil, counterDelta{}
			}), nil
		})
		if err != nil {
			return err
		}
		var packed []indexWrite
		var sums []newSum
		next := st.next
		pb := tx.Bucket(bucketProblems)
		refs := newRefCounts(tx)
		err = f.chunk(func(r *problemReady) error {
			if r.err != nil {
				return r.err
			}
			if r.next != 0 {
				packed, next = r.packed, r.next
				for k, n := range r.counts {
					d[k] += n
				}
			}
			p := r.pc.Problem
			if r.pc.Op == data.OpNew {
				if err := pb.Put(itob(p.ID), r.value); err != nil {
					return err
				}
				sums = append(sums, newSum{id: p.ID, crc: r.sum})
				k := st.kinds[st.hhKind[r.pc.HouseholdRef]]
				if err := d.addProblemRefs(tx, refs, &p, k.origin, k.area, +1); err != nil { // its other counters came with the chunk's last entry (addProblemKeys)
					return err
				}
				span(&created.Problems, p.ID)
			} else {
				if err := refs.forget(); err != nil { // updateProblem writes hhrefs without refs
					return err
				}
				var cur data.Problem
				if err := getProblem(tx, p.ID, &cur); err != nil {
					return err
				}
				if !cur.UpdatedAt.Equal(r.pc.Seen) {
					return changed("ปัญหา", p.ID)
				}
				if r.pc.Op == data.OpUpdate {
					before, _ := json.Marshal(cur)
					if err := s.updateProblem(ctx, tx, &cur, &p, &importStamp{at: st.rec.At, asOf: r.pc.AsOf}); err != nil {
						return err
					}
					undo = append(undo, undoEntry{Kind: "problem", ID: p.ID, Before: before, After: p.UpdatedAt})
				}
			}
			st.pIDs[r.i], st.pNew[r.i] = p.ID, r.pc.Op == data.OpNew
			return nil
		})
		if err != nil {
			return err
		}
		if err := refs.flush(); err != nil { // each household's references once
			return err
		}
		buf.pw = append(buf.pw, packed...)
		if err := mergeSums(tx, bucketProblems, sums); err != nil {
			return err
		}
		if err := takeIDs(tx, bucketProblems, next); err != nil {
			return err
		}
		st.next = next
	case data.PartActions:
		f, err := feedOf(tx, st, part, bucketActions, k, func() (*feed[actionReady], error) {
			c, err := s.newChunkPrep(ctx, tx, part, bucketActions, st.rec.At)
			if err != nil {
				return nil, err
			}
			return startFeed(st.from, st.ends, func(int) { c.restamp(s) }, func(i int) (actionReady, bool) {
				r := actionReady{ac: b.Action(i)}
				a := &r.ac.Action
				if ref := r.ac.ProblemRef; ref < 0 || ref >= len(st.pIDs) {
					r.err = data.Messages(data.EINTERNAL, "ข้อมูลนำเข้าไม่สมบูรณ์", nil, "action %d refers to problem ref %d", i, ref)
				} else {
					a.ProblemID = st.pIDs[ref]
					if r.value, r.err = c.newAction(a); r.err == nil {
						r.sum = crc32.Checksum(r.value, castagnoli)
					}
				}
				return r, r.err == nil
			}, func(_ int, last *actionReady) {
				last.next = c.next
			}), nil
		})
		if err != nil {
			return err
		}
		var sums []newSum
		next := st.next
		ab := tx.Bucket(bucketActions)
		err = f.chunk(func(r *actionReady) error {
			if r.err != nil {
				return r.err
			}
			if r.next != 0 {
				next = r.next
			}
			a := &r.ac.Action
			if err := ab.Put(key(a.ProblemID, a.ID), r.value); err != nil {
				return err
			}
			sums = append(sums, newSum{id: a.ID, pid: a.ProblemID, crc: r.sum})
			if st.pNew[r.ac.ProblemRef] {
				span(&created.Actions, a.ID) // goes with its problem on undo
			} else {
				undo = append(undo, undoEntry{Kind: "action", ID: a.ID, Problem: a.ProblemID})
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := mergeSums(tx, bucketActions, sums); err != nil {
			return err
		}
		if err := takeIDs(tx, bucketActions, next); err != nil {
			return err
		}
		st.next = next
	case data.PartReviews:
		rb := tx.Bucket(bucketReviews)
		for i := from; i < to; i++ {
			r := b.Review(i)
			var err error
			if r.ID, err = rb.NextSequence(); err != nil {
				return err
			}
			r.ImportID = st.rec.ID
			if err := putJSON(tx, bucketReviews, itob(r.ID), r); err != nil {
				return err
			}
		}
		return nil
	case data.PartRows:
		st.rowParts++
		return put(tx, bucketImportRows, rowsKey(st.rec.ID, st.rowParts-1), packRows(b, from, to))
	}
	if err := buf.flush(tx); err != nil {
		return err
	}
	if err := d.flush(tx); err != nil {
		return err
	}
	undo = append(undo, created)
	for _, u := range undo {
		st.undoSeq++
		if err := putJSON(tx, bucketImportUndo, key(st.rec.ID, st.undoSeq), u); err != nil {
			return err
		}
	}
	return nil
}

// finishImport writes the file's fingerprint, clears the ledger entry's
// committing mark and logs the import.
func (s *Store) finishImport(ctx context.Context, tx *bbolt.Tx, b *data.ImportBatch, st *importState, reviewOf uint64) error {
	id := st.rec.ID
	if b.SHA256 != "" {
		if err := put(tx, bucketImportSHA, key(b.SHA256, id), nil); err != nil {
			return err
		}
	}
	st.rec.Committing = false
	if err := putJSON(tx, bucketImports, itob(id), st.rec); err != nil {
		return err
	}
	note := fmt.Sprintf("import %d: %s", id, b.File)
	if reviewOf != 0 {
		note = fmt.Sprintf("review %d decided: import %d", reviewOf, id)
	}
	return s.audit(ctx, tx, "import", "import", id, nil, st.rec, note)
}

// recoverImports rolls back imports that an earlier run left half
// written: the program died between their chunks.
func (s *Store) recoverImports(tx *bbolt.Tx) error {
	var open []uint64
	err := tx.Bucket(bucketImports).ForEach(func(k, v []byte) error {
		var r data.ImportRecord
		if json.Unmarshal(v, &r) == nil && r.Committing {
			open = append(open, btoi(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	ctx := data.WithOperator(context.Background(), "qmdesk (กู้คืนการนำเข้าที่ค้าง)")
	for _, id := range open {
		if err := s.undoTx(ctx, tx, id, true); err != nil {
			return err
		}
	}
	return nil
}

// Imports returns the ledger, oldest first.
func (s *Store) Imports(ctx context.Context) (out []data.ImportRecord, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketImports).ForEach(func(k, v []byte) error {
			var r data.ImportRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return corrupt(bucketImports, k, err)
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// ImportsBySHA256 returns earlier imports of the same file.
func (s *Store) ImportsBySHA256(ctx context.Context, sum string) (out []data.ImportRecord, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		pre := []byte(sum)
		c := tx.Bucket(bucketImportSHA).Cursor()
		for k, _ := c.Seek(pre); k != nil && hasPrefix(k, pre) && len(k) == len(pre)+8; k, _ = c.Next() {
			var r data.ImportRecord
			if _, err := getJSON(tx, bucketImports, k[len(pre):], &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// ImportHouseholds reads the import's undo entries: the households it
// changed, the households of the problems it changed or gave an action,
// and what it created (every household of the created span, and the
// household of every created problem).
func (s *Store) ImportHouseholds(ctx context.Context, id uint64) (out []uint64, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		var rec data.ImportRecord
		if found, err := getJSON(tx, bucketImports, itob(id), &rec); err != nil {
			return err
		} else if !found || !rec.UndoneAt.IsZero() {
			return data.Errorf(data.ENOTFOUND, "ไม่พบรายการที่การนำเข้าครั้งที่ %d แก้ไข", "import %d keeps no undo entries", id)
		}
		entries, _, err := undoEntries(tx, id)
		if err != nil {
			return err
		}
		out, err = householdsOf(tx, entries)
		return err
	})
	return out, err
}

// householdsOf lists, in ID order, the households undo entries name (see
// ImportHouseholds).
func householdsOf(tx *bbolt.Tx, entries []undoEntry) (out []uint64, err error) {
	householdOf := func(pid uint64) error {
		var p data.Problem
		if err := getProblem(tx, pid, &p); err != nil {
			return err
		}
		out = append(out, p.HouseholdID)
		return nil
	}
	for _, u := range entries {
		var err error
		switch u.Kind {
		case "household":
			out = append(out, u.ID)
		case "problem":
			err = householdOf(u.ID)
		case "action":
			err = householdOf(u.Problem)
		case "created":
			for h := u.Households[0]; h != 0 && h <= u.Households[1]; h++ {
				out = append(out, h)
			}
			for p := u.Problems[0]; p != 0 && p <= u.Problems[1]; p++ {
				if err = householdOf(p); data.ErrorCode(err) == data.ENOTFOUND {
					err = nil // the span's gaps: IDs another writer took
				}
				if err != nil {
					break
				}
			}
		}
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// packRows stores the fates of rows from..to of a batch in one value: a
// row number and a fate byte per row, and for rows not taken the column,
// value and reason (in Thai, and in English: a row packed before the
// English was kept reads back with the Thai only). A province file has 200,000 rows; a key each would
// cost more than the records themselves. The rows of a large file take
// several values, one per chunk, at rowsKey.
func packRows(batch *data.ImportBatch, from, to int) []byte {
	b := make([]byte, 0, (to-from)*4)
	for i := from; i < to; i++ {
		r := batch.Row(i)
		b = binary.AppendUvarint(b, uint64(r.Row))
		b = append(b, byte(slices.Index(data.Fates, r.Fate)+1))
		if r.Fate == data.FateRejected || r.Fate == data.FateReview {
			detail, _ := json.Marshal(rowDetail{r.Sheet, r.Column, r.Value, r.Reason, r.ReasonEnglish})
			b = binary.AppendUvarint(b, uint64(len(detail)))
			b = append(b, detail...)
		}
	}
	return b
}

// rowsKey is where part n of an import's row fates is: the import's ID
// for the first (the only one of a file of up to importChunk rows, as
// before there were parts), the ID and the part's number after it for the
// others. Every key of an import's rows starts with its ID, and no other
// import's key does; in key order, the parts follow the first.
func rowsKey(id uint64, n int) []byte {
	if n == 0 {
		return itob(id)
	}
	return binary.BigEndian.AppendUint32(itob(id), uint32(n))
}

// rowDetail is what packRows keeps of a row not taken, as JSON. Reason
// is Thai; ReasonEnglish, left out when empty, is missing from the rows
// packed before it was kept.
type rowDetail struct {
	Sheet, Column, Value, Reason string
	ReasonEnglish                string `json:",omitempty"`
}

// ProblemsOf returns a household's problems, every round.
func (s *Store) ProblemsOf(ctx context.Context, hh uint64) (out []data.Problem, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		for _, id := range problemIDsOf(tx, hh) {
			var p data.Problem
			if err := getProblem(tx, id, &p); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// undoEntries reads what import id keeps for its undo, in the order it
// was written, with the entries' keys.
func undoEntries(tx *bbolt.Tx, id uint64) (entries []undoEntry, keys [][]byte, err error) {
	pre := itob(id)
	c := tx.Bucket(bucketImportUndo).Cursor()
	for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre); k, v = c.Next() {
		var u undoEntry
		if err := json.Unmarshal(v, &u); err != nil {
			return nil, nil, corrupt(bucketImportUndo, k, err)
		}
		entries = append(entries, u)
		keys = append(keys, append([]byte(nil), k...))
	}
	return entries, keys, nil
}

// UndoImport puts back every record an import touched: what it created is
// removed, what it changed gets its earlier content; its rows still
// waiting for review go with it. It refuses, changing nothing, when a
// later change touched one of those records, or when a row of a later
// import waits for review about one of its households (laterReviews).
func (s *Store) UndoImport(ctx context.Context, id uint64) error {
	return s.update(func(tx *bbolt.Tx) error { return s.undoTx(ctx, tx, id, false) })
}

// undoTx undoes import id in tx. An unfinished import (rollback after a
// failure or a crash) loses its ledger entry altogether: it never happened.
func (s *Store) undoTx(ctx context.Context, tx *bbolt.Tx, id uint64, unfinished bool) error {
	var rec data.ImportRecord
	if found, err := getJSON(tx, bucketImports, itob(id), &rec); err != nil {
		return err
	} else if !found {
		return data.Errorf(data.ENOTFOUND, "ไม่พบการนำเข้าครั้งที่ %d", "import %d not found", id)
	}
	if !rec.UndoneAt.IsZero() {
		return data.Errorf(data.ECONFLICT, "การนำเข้าครั้งที่ %d ถูกยกเลิกไปแล้วเมื่อ %s", "import %d already undone on %s", id, data.FormatBE(data.DateOf(rec.UndoneAt)))
	}
	if rec.Committing && !unfinished {
		return data.Errorf(data.ECONFLICT, "การนำเข้าครั้งที่ %d ยังบันทึกไม่เสร็จ", "import %d is still being committed", id)
	}
	entries, keys, err := undoEntries(tx, id)
	if err != nil {
		return err
	}
	if !unfinished {
		if err := laterReviews(tx, &rec, entries); err != nil {
			return err
		}
	}
	later := func(what string, id uint64) error {
		english := map[string]string{"ปัญหา": "problem", "ครัวเรือน": "household"}[what]
		return data.Messages(data.ECONFLICT, "ยกเลิกการนำเข้าครั้งที่ %d ไม่ได้: %s เลขที่ %d ถูกแก้ไขภายหลังแล้ว (ยกเลิกการนำเข้าที่ใหม่กว่าก่อน หรือแก้ไขด้วยมือ)", []any{rec.ID, what, id},
			"import %d: %s %d changed later", rec.ID, english, id)
	}
	var made []undoEntry
	createdAction := func(id uint64) bool {
		for _, m := range made {
			if inSpan(m.Actions, id) {
				return true
			}
		}
		return false
	}
	d := counterDelta{}
	clears := sumClears{}
	// Changes first, newest first; then what the import created.
	for i := len(entries) - 1; i >= 0; i-- {
		u := entries[i]
		switch u.Kind {
		case "created":
			made = append(made, u)
		case "action":
			if err := clears.del(tx, bucketActions, key(u.Problem, u.ID)); err != nil {
				return err
			}
		case "problem":
			var cur, before data.Problem
			if err := getProblem(tx, u.ID, &cur); err != nil {
				return err
			}
			if !cur.UpdatedAt.Equal(u.After) {
				return later("ปัญหา", u.ID)
			}
			if err := json.Unmarshal(u.Before, &before); err != nil {
				return corrupt(bucketImportUndo, keys[i], err)
			}
			at, on, by := before.UpdatedAt, before.ChangedOn, before.ChangedBy
			if err := s.updateProblem(ctx, tx, &cur, &before, nil); err != nil {
				return err
			}
			if restamp(&before.UpdatedAt, &before.ChangedOn, &before.ChangedBy, before.CreatedAt, at, on, by) {
				if err := writeProblem(tx, &before); err != nil {
					return err
				}
			}
		case "household":
			var cur, before data.Household
			if err := getHousehold(tx, u.ID, &cur); err != nil {
				return err
			}
			if !cur.UpdatedAt.Equal(u.After) {
				return later("ครัวเรือน", u.ID)
			}
			if err := json.Unmarshal(u.Before, &before); err != nil {
				return corrupt(bucketImportUndo, keys[i], err)
			}
			at, on, by := before.UpdatedAt, before.ChangedOn, before.ChangedBy
			if err := s.updateHousehold(ctx, tx, &cur, &before, nil); err != nil {
				return err
			}
			if restamp(&before.UpdatedAt, &before.ChangedOn, &before.ChangedBy, before.CreatedAt, at, on, by) {
				if err := writeHousehold(tx, &before); err != nil {
					return err
				}
			}
		}
	}
	for _, m := range made {
		for pid := m.Problems[0]; m.Problems[0] != 0 && pid <= m.Problems[1]; pid++ {
			var p data.Problem
			if err := getProblem(tx, pid, &p); err != nil {
				return err
			}
			if !p.UpdatedAt.Equal(p.CreatedAt) || p.CarriedTo != 0 { // changed, or carried into a later round
				return later("ปัญหา", pid)
			}
			for _, a := range actionIDsOf(tx, pid) {
				if !createdAction(a) {
					return later("ปัญหา", pid)
				}
				if err := clears.del(tx, bucketActions, key(pid, a)); err != nil {
					return err
				}
			}
			if err := deleteProblem(tx, d, clears, &p); err != nil {
				return err
			}
		}
	}
	if err := d.flush(tx); err != nil {
		return err
	}
	for _, m := range made {
		for hid := m.Households[0]; m.Households[0] != 0 && hid <= m.Households[1]; hid++ {
			var h data.Household
			if err := getHousehold(tx, hid, &h); err != nil {
				return err
			}
			if !h.UpdatedAt.Equal(h.CreatedAt) || len(problemIDsOf(tx, hid)) > 0 {
				return later("ครัวเรือน", hid)
			}
			if err := clears.del(tx, bucketHouseholds, itob(hid)); err != nil {
				return err
			}
			if err := replaceKeys(tx.Bucket(bucketHIdx), householdIndexKeys(&h), nil); err != nil {
				return err
			}
		}
	}
	if err := clears.flush(tx); err != nil {
		return err
	}
	// Rows of this import still waiting for review go with it: the clerk
	// took the file back, rows and all (its row fates, kept in the
	// ledger, still name them); the audit entry of the undo says how many.
	drop, err := pendingReviewsOf(tx, id)
	if err != nil {
		return err
	}
	for _, k := range drop {
		if err := del(tx, bucketReviews, k); err != nil {
			return err
		}
	}
	if unfinished {
		for _, k := range keys {
			if err := del(tx, bucketImportUndo, k); err != nil {
				return err
			}
		}
		// The parts of its row fates written so far (see rowsKey).
		var parts [][]byte
		pre := itob(id)
		c := tx.Bucket(bucketImportRows).Cursor()
		for k, _ := c.Seek(pre); k != nil && hasPrefix(k, pre); k, _ = c.Next() {
			parts = append(parts, append([]byte(nil), k...))
		}
		for _, k := range parts {
			if err := del(tx, bucketImportRows, k); err != nil {
				return err
			}
		}
		if err := del(tx, bucketImports, itob(id)); err != nil {
			return err
		}
		return s.audit(ctx, tx, "rollback", "import", id, nil, rec, "unfinished import rolled back: "+rec.File)
	}
	rec.UndoneAt, rec.UndoneBy = s.Clock.Now().UTC(), data.OperatorFrom(ctx)
	if err := putJSON(tx, bucketImports, itob(id), rec); err != nil {
		return err
	}
	note := rec.File
	if len(drop) > 0 {
		note += fmt.Sprintf("; %d rows still waiting for review went with it", len(drop))
	}
	return s.audit(ctx, tx, "undo", "import", id, nil, rec, note)
}

// restamp gives a record the undo put back the time stamps it had before
// the import (updateHousehold and updateProblem stamp it now), so that it
// is what it was, to the stamp: the undo of an earlier import that left
// it so finds it unchanged since, as it is, and a plan or a follow-up
// workbook made against that state still matches it. Only the stamps
// change, which no index or counter holds. A stamp the record cannot have
// had (none, or before it was created) is left as now; restamp tells
// whether it changed them (the record is to be written again).
func restamp(updated *time.Time, changedOn *data.Date, changedBy *string, created, at time.Time, on data.Date, by string) bool {
	if at.IsZero() || at.Before(created) {
		return false
	}
	*updated, *changedOn, *changedBy = at, on, by
	return true
}

// pendingReviewsOf returns the keys of import id's reviews not yet
// decided. A review that cannot be read is left where it is, so that
// rolling back an interrupted import never fails on one.
func pendingReviewsOf(tx *bbolt.Tx, id uint64) (keys [][]byte, err error) {
	err = tx.Bucket(bucketReviews).ForEach(func(k, v []byte) error {
		var r data.Review
		if json.Unmarshal(v, &r) == nil && r.ImportID == id && r.Decision == "" {
			keys = append(keys, append([]byte(nil), k...))
		}
		return nil
	})
	return keys, err
}

// reviewHouseholds returns the register's households a review names: the
// households it could be (its candidates, which a decision adds the row
// to), and the household of the row's household or problem where these
// carry an ID of the register.
func reviewHouseholds(tx *bbolt.Tx, r *data.Review) []uint64 {
	out := slices.Clone(r.Candidates)
	if r.Household.ID != 0 {
		out = append(out, r.Household.ID)
	}
	if r.Problem.HouseholdID != 0 {
		out = append(out, r.Problem.HouseholdID)
	}
	if r.Problem.ID != 0 {
		var p data.Problem
		if getProblem(tx, r.Problem.ID, &p) == nil {
			out = append(out, p.HouseholdID)
		}
	}
	return out
}

// laterReviews refuses the undo of import rec when a row of a later import
// waits for review about a household rec created or changed (a problem or
// an action of it counts): the review was made against what rec left, and
// once rec is undone the household is gone or no longer what the review
// shows, so deciding the row would fail or apply to something the clerk
// did not see. Reviews of earlier imports were made against the household
// as it was before rec, which the undo puts back: they do not stop it.
func laterReviews(tx *bbolt.Tx, rec *data.ImportRecord, entries []undoEntry) error {
	type pending struct {
		importID   uint64
		households []uint64
	}
	var waiting []pending
	tx.Bucket(bucketReviews).ForEach(func(k, v []byte) error {
		var r data.Review
		if json.Unmarshal(v, &r) == nil && r.Decision == "" && r.ImportID > rec.ID { // one that cannot be read cannot be decided either
			waiting = append(waiting, pending{r.ImportID, reviewHouseholds(tx, &r)})
		}
		return nil
	})
	if len(waiting) == 0 { // most undos: the households need not be listed
		return nil
	}
	touched, err := householdsOf(tx, entries)
	if err != nil {
		return err
	}
	byImport := map[uint64]int{}
	var imports []uint64
	for _, w := range waiting {
		for _, hh := range w.households {
			if _, found := slices.BinarySearch(touched, hh); found {
				if byImport[w.importID] == 0 {
					imports = append(imports, w.importID)
				}
				byImport[w.importID]++
				break
			}
		}
	}
	if len(imports) == 0 {
		return nil
	}
	slices.Sort(imports)
	n := 0
	var later []data.ImportRecord
	for _, id := range imports {
		n += byImport[id]
		r := data.ImportRecord{ID: id}
		var got data.ImportRecord
		if found, err := getJSON(tx, bucketImports, itob(id), &got); err == nil && found {
			r.File = got.File
		}
		later = append(later, r)
	}
	return data.UndoBlockedByReviews(rec.ID, n, later)
}

func actionIDsOf(tx *bbolt.Tx, pid uint64) (ids []uint64) {
	pre := itob(pid)
	c := tx.Bucket(bucketActions).Cursor()
	for k, _ := c.Seek(pre); k != nil && hasPrefix(k, pre); k, _ = c.Next() {
		ids = append(ids, idAtEnd(k))
	}
	return ids
}

// deleteProblem removes a problem with its index keys and counts; its
// sum is cleared when clears is flushed.
func deleteProblem(tx *bbolt.Tx, d counterDelta, clears sumClears, p *data.Problem) error {
	var h data.Household
	if err := getHousehold(tx, p.HouseholdID, &h); err != nil {
		return err
	}
	if err := clears.del(tx, bucketProblems, itob(p.ID)); err != nil {
		return err
	}
	if err := replaceKeys(tx.Bucket(bucketPIdx), problemIndexKeys(p, areaOf(&h)), nil); err != nil {
		return err
	}
	return d.addProblemOf(tx, p, h.Origin, areaOf(&h), -1)
}

// Reviews lists the rows sent to review, the undecided ones only if asked.
func (s *Store) Reviews(ctx context.Context, pendingOnly bool) (out []data.Review, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketReviews).ForEach(func(k, v []byte) error {
			var r data.Review
			if err := json.Unmarshal(v, &r); err != nil {
				return corrupt(bucketReviews, k, err)
			}
			if !pendingOnly || r.Decision == "" {
				out = append(out, r)
			}
			return nil
		})
	})
	return out, err
}

// Review returns one review item.
func (s *Store) Review(ctx context.Context, id uint64) (r data.Review, err error) {
	err = s.view(func(tx *bbolt.Tx) error { return getReview(tx, id, &r) })
	return r, err
}

func getReview(tx *bbolt.Tx, id uint64, r *data.Review) error {
	if found, err := getJSON(tx, bucketReviews, itob(id), r); err != nil {
		return err
	} else if !found {
		return data.Errorf(data.ENOTFOUND, "ไม่พบรายการรอตรวจสอบเลขที่ %d", "review %d not found", id)
	}
	return nil
}

// RenewReview replaces the conflicts and the reason of a row still
// waiting for review, in one transaction, with an audit entry.
func (s *Store) RenewReview(ctx context.Context, id uint64, conflicts []data.FieldConflict, reason data.Sentence) error {
	return s.update(func(tx *bbolt.Tx) error {
		var r data.Review
		if err := getReview(tx, id, &r); err != nil {
			return err
		}
		if r.Decision != "" {
			return &data.Error{Code: data.ECONFLICT, Message: fmt.Sprintf("รายการที่ %d ตัดสินไปแล้ว (%s)", id, data.DecisionThai(r.Decision)), English: fmt.Sprintf("review %d already decided (%s)", id, r.Decision)}
		}
		before := r
		r.Conflicts, r.Reason, r.ReasonEnglish = conflicts, reason.Thai, reason.English
		if err := putJSON(tx, bucketReviews, itob(id), r); err != nil {
			return err
		}
		return s.audit(ctx, tx, "review", "review", id, before, r, "renew")
	})
}

// DecideReview records the clerk's decision on a review row and, for every
// decision but "reject", commits the batch made from it, in one
// transaction.
func (s *Store) DecideReview(ctx context.Context, id uint64, decision string, b *data.ImportBatch) error {
	return s.update(func(tx *bbolt.Tx) error {
		var r data.Review
		if err := getReview(tx, id, &r); err != nil {
			return err
		}
		if r.Decision != "" {
			return &data.Error{Code: data.ECONFLICT, Message: fmt.Sprintf("รายการที่ %d ตัดสินไปแล้ว (%s)", id, data.DecisionThai(r.Decision)), English: fmt.Sprintf("review %d already decided (%s)", id, r.Decision)}
		}
		switch decision {
		case "reject":
		case "new", "merge", "keep", "accept":
			if _, err := s.commitBatch(ctx, tx, b, id); err != nil {
				return err
			}
			if b.NumRows() == 1 {
				res := b.Row(0)
				r.Result = &res
			}
		default:
			return data.Errorf(data.EINVALID, "ไม่รู้จักการตัดสิน '%s': ต้องเป็น new, merge, keep, accept หรือ reject", "unknown decision %q", decision)
		}
		r.Decision, r.DecidedBy, r.DecidedAt = decision, data.OperatorFrom(ctx), s.Clock.Now().UTC()
		if err := putJSON(tx, bucketReviews, itob(id), r); err != nil {
			return err
		}
		return s.audit(ctx, tx, "review", "review", id, nil, r, decision)
	})
}
