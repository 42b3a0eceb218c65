package bolt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// An import's households, problems and actions are made ready on a
// goroutine of their own (a feed, one per part, running across the
// part's chunks) while the transaction's goroutine writes the ones made
// before: reading them from the batch, cleaning and checking them, giving
// the new ones their IDs and times, encoding them, listing their index
// keys (then packing those: a posting block's IDs in one write, in key
// order, postings.go) and counting the counters they move whatever the
// store holds is about half the commit's work, and bbolt's writes, which
// only the transaction's goroutine may do, the rest. The goroutine reads
// nothing of the store: what the records need of it (the municipalities,
// the rounds, the default round, the next free IDs) is read in the
// transaction of the part's first chunk, before it starts, and each
// later chunk's transaction checks that it still holds (feedOf). The
// transaction's goroutine alone writes.

// chunkPrep is what the goroutine that makes a part's entries ready
// knows of the store and of the transaction.
type chunkPrep struct {
	now          time.Time // the records' CreatedAt and UpdatedAt, the actions' RecordedAt: the import's time (its ledger entry's At)
	today        data.Date
	who          string
	units        data.UnitList
	rounds       map[uint64]roundRead
	defaultRound uint64
	next         uint64 // the ID the part's next new record takes (the goroutine's own once it runs)
}

// roundRead is a round as getRound read it, or why it could not.
type roundRead struct {
	round data.Round
	err   error
}

// round is what getRound gives for id.
func (c *chunkPrep) round(id uint64) (data.Round, error) {
	if r, ok := c.rounds[id]; ok {
		return r.round, r.err
	}
	return data.Round{}, data.Errorf(data.ENOTFOUND, "ไม่พบรอบที่ %d", "round %d not found", id)
}

// newChunkPrep reads what the part's entries need of the store, in tx.
// bucket is the part's record bucket: its next ID is its sequence + 1,
// as NextSequence would give. at is the import's time (its ledger
// entry's At), which stamps every record it writes.
func (s *Store) newChunkPrep(ctx context.Context, tx *bbolt.Tx, part data.BatchPart, bucket []byte, at time.Time) (*chunkPrep, error) {
	c := &chunkPrep{now: at, today: s.today(), who: data.OperatorFrom(ctx), next: tx.Bucket(bucket).Sequence() + 1}
	switch part {
	case data.PartHouseholds:
		var err error
		if c.units, err = unitsIn(tx, nil); err != nil {
			return nil, err
		}
	case data.PartProblems:
		c.defaultRound = defaultRound(tx)
		c.rounds = map[uint64]roundRead{}
		err := tx.Bucket(bucketRounds).ForEach(func(k, _ []byte) error {
			if len(k) == 8 {
				var r roundRead
				r.err = getRound(tx, btoi(k), &r.round)
				c.rounds[btoi(k)] = r
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

// restamp takes the day again for the records of a later chunk of the
// part, as a chunk's own chunkPrep did when each chunk read one. The
// time stays the import's.
func (c *chunkPrep) restamp(s *Store) {
	c.today = s.today()
}

// importStamp is how an import marks a record it changes: UpdatedAt is
// the import's time, its ledger entry's At (so that the record's last
// change can be traced to the import: app's conflict message), and
// ChangedOn the day of the information the rows carry (importDay).
type importStamp struct {
	at   time.Time
	asOf data.Date
}

// importDay is the ChangedOn of a record an import creates or changes:
// the date of the information its rows carry (asOf: a row's action date,
// else the workbook's own date), never after today, and today when they
// carry none. A record keeps a later ChangedOn it had before (a clerk's
// edit of a later day, or newer information an earlier workbook
// brought): it still holds what came then.
func importDay(asOf, today, before data.Date) data.Date {
	day := asOf
	if day.IsZero() || day.After(today) {
		day = today
	}
	if before.After(day) {
		return before
	}
	return day
}

// takeIDs sets the bucket's sequence to the last ID a chunk's new records
// took (next is the ID after it), as their NextSequence calls would have
// left it.
func takeIDs(tx *bbolt.Tx, bucket []byte, next uint64) error {
	b := tx.Bucket(bucket)
	if last := next - 1; last > b.Sequence() {
		return b.SetSequence(last)
	}
	return nil
}

// prepSeal sums what a part's chunkPrep read of the store besides the
// next ID (the municipalities; the rounds and the default round), so
// that a later chunk's transaction can tell that nothing changed them
// since the part's feed read them.
func prepSeal(tx *bbolt.Tx, part data.BatchPart) [sha256.Size]byte {
	h := sha256.New()
	put := func(v []byte) {
		h.Write(binary.AppendUvarint(nil, uint64(len(v))))
		h.Write(v)
	}
	switch part {
	case data.PartHouseholds:
		put(tx.Bucket(bucketSubProblems).Get(keyUnits))
	case data.PartProblems:
		put(itob(defaultRound(tx)))
		tx.Bucket(bucketRounds).ForEach(func(k, v []byte) error {
			put(k)
			put(v)
			return nil
		})
	}
	return [sha256.Size]byte(h.Sum(nil))
}

// newHousehold makes a new household ready as createHousehold would
// (cleaned, checked, placed in its municipality, with its ID and times),
// but changed on the day of its information (importDay of asOf), and
// encodes it.
func (c *chunkPrep) newHousehold(h *data.Household, asOf data.Date) ([]byte, error) {
	h.Normalize()
	if err := h.Validate(); err != nil {
		return nil, err
	}
	c.units.SettleUnit(h)
	h.ID, c.next = c.next, c.next+1
	h.CreatedAt, h.UpdatedAt = c.now, c.now
	h.ChangedOn, h.ChangedBy = importDay(asOf, c.today, data.Date{}), c.who
	return data.AppendHousehold(nil, h)
}

// newProblem makes a new problem ready as createProblem would (its
// status, round and target date when the row leaves them out, cleaned,
// dated, checked, with its ID and times), but changed on the day of its
// information (importDay of asOf), and encodes it.
func (c *chunkPrep) newProblem(p *data.Problem, asOf data.Date) ([]byte, error) {
	if p.Status == 0 {
		p.Status = data.NotStarted
	}
	if p.RoundID == 0 {
		p.RoundID = c.defaultRound
	}
	r, err := c.round(p.RoundID) // a problem of an unknown round is refused
	if err != nil {
		return nil, err
	}
	if err := p.PrepareNew(r, c.today); err != nil {
		return nil, err
	}
	p.ID, c.next = c.next, c.next+1
	p.CreatedAt, p.UpdatedAt = c.now, c.now
	p.ChangedOn, p.ChangedBy = importDay(asOf, c.today, data.Date{}), c.who
	return data.AppendProblem(nil, p)
}

// newAction makes an action ready as the actions an import appends were
// (cleaned, checked, with its ID and who recorded it when) and encodes
// it. Its key is its problem's ID and its own.
func (c *chunkPrep) newAction(a *data.Action) ([]byte, error) {
	a.Normalize()
	if err := a.Validate(c.today); err != nil {
		return nil, err
	}
	a.ID, c.next = c.next, c.next+1
	a.RecordedBy, a.RecordedAt = c.who, c.now
	return data.AppendAction(nil, a)
}

// readyGroup is how many entries the goroutine hands over at a time.
const readyGroup = 256

// feedDepth is how many groups the goroutine may have made ready and not
// yet handed over: more than a chunk's (importChunk/readyGroup), so that
// it makes the next chunk's entries while the transaction's goroutine
// writes and commits the one before.
const feedDepth = 32

// A feed makes the entries of one part of a batch ready on a goroutine of
// its own, chunk after chunk, and hands them over in order to the
// transactions that write them, one transaction per chunk. It is started
// in the transaction of the part's first chunk and runs across the
// part's transactions: they do not wait for each other, and a chunk's
// entries are made while the chunk before is written and committed.
// The goroutine alone reads the batch until the feed is stopped.
type feed[T any] struct {
	groups   chan feedGroup[T]
	quit     chan struct{}
	done     chan struct{} // closed when the goroutine has ended
	panicked error
	stopped  bool
}

// feedGroup is entries of one chunk, in order; last marks the chunk's
// last group (an empty one for an empty chunk).
type feedGroup[T any] struct {
	items []T
	last  bool
}

// startFeed makes the entries of the chunks from..ends[0], ends[0]..ends[1],
// … ready with ready, on a goroutine of its own. begin(k) is called
// before chunk k's first entry, for every chunk but the first; end(k,
// last) after its last entry, with that entry, to add what the chunk
// gives as a whole. ready returns false with an entry that should be the
// last (one that failed): the goroutine hands it over and ends. A panic
// of the goroutine (a fault reading the batch) ends it too, and comes
// back from chunk as the error guard turns into the store's.
func startFeed[T any](from int, ends []int, begin func(k int), ready func(i int) (T, bool), end func(k int, last *T)) *feed[T] {
	f := &feed[T]{groups: make(chan feedGroup[T], feedDepth), quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(f.done)
		defer close(f.groups)
		defer guardGoroutine(&f.panicked)()
		send := func(g feedGroup[T]) bool {
			select {
			case f.groups <- g:
				return true
			case <-f.quit:
				return false
			}
		}
		i := from
		for k, to := range ends {
			if k > 0 {
				begin(k)
			}
			if i >= to && !send(feedGroup[T]{last: true}) {
				return
			}
			group := make([]T, 0, min(readyGroup, max(to-i, 0)))
			for ; i < to; i++ {
				select {
				case <-f.quit:
					return
				default:
				}
				t, goOn := ready(i)
				if goOn && i == to-1 {
					end(k, &t)
				}
				group = append(group, t)
				if len(group) == readyGroup || !goOn || i == to-1 {
					if !send(feedGroup[T]{group, i == to-1}) || !goOn {
						return
					}
					group = make([]T, 0, min(readyGroup, to-i-1))
				}
			}
		}
	}()
	return f
}

// chunk hands the entries of the feed's next chunk to each, in order,
// and returns each's error; or the goroutine's panic, when it ended
// before the chunk's last entry. On an error the feed is spent: stop it.
func (f *feed[T]) chunk(each func(t *T) error) error {
	for g := range f.groups {
		for i := range g.items {
			if err := each(&g.items[i]); err != nil {
				return err
			}
		}
		if g.last {
			return nil
		}
	}
	<-f.done
	if f.panicked != nil {
		return f.panicked
	}
	// An entry that failed is handed over and each returns its error,
	// so the goroutine does not end early without a panic.
	return data.Messages(data.EINTERNAL, "ข้อมูลนำเข้าไม่สมบูรณ์", nil, "the entries of an import chunk ended early")
}

// stop ends the goroutine, making no more entries, and returns once it
// has ended, so that nothing reads the batch after it; with the
// goroutine's panic, if it had one. Stopping again does nothing more.
func (f *feed[T]) stop() error {
	if !f.stopped {
		f.stopped = true
		close(f.quit)
	}
	<-f.done
	return f.panicked
}

// sortKeys sorts keys, unless they already are (a chunk's new problems'
// 'h' keys, which come in their households' order).
func sortKeys(keys [][]byte) {
	if !slices.IsSortedFunc(keys, bytes.Compare) {
		slices.SortFunc(keys, bytes.Compare)
	}
}
