package bolt

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// An import chunk's households, problems and actions are made ready on
// a goroutine of their own while the transaction's goroutine writes the
// ones made before: reading them from the batch, cleaning and checking
// them, giving the new ones their IDs and times, encoding them and
// listing their index keys (then packing those: sorted, a posting
// block's IDs in one write, postings.go) is about a third of the
// commit's work, and bbolt's writes, which only the transaction's
// goroutine may do, the rest. The goroutine reads nothing of the store:
// what the records need of it (the municipalities, the rounds, the
// default round, the next free IDs) is read before it starts, and the
// transaction's goroutine alone writes.

// chunkPrep is what the goroutine that makes a chunk's entries ready
// knows of the store and of the transaction.
type chunkPrep struct {
	now          time.Time // the records' CreatedAt and UpdatedAt, the actions' RecordedAt
	today        data.Date
	who          string
	units        data.UnitList
	rounds       map[uint64]roundRead
	defaultRound uint64
	next         uint64 // the ID the part's next new record takes
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
// as NextSequence would give.
func (s *Store) newChunkPrep(ctx context.Context, tx *bbolt.Tx, part data.BatchPart, bucket []byte) (*chunkPrep, error) {
	c := &chunkPrep{now: s.Clock.Now().UTC(), today: s.today(), who: data.OperatorFrom(ctx), next: tx.Bucket(bucket).Sequence() + 1}
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

// takeIDs sets the bucket's sequence to the last ID the part's new
// records took, as their NextSequence calls would have left it.
func (c *chunkPrep) takeIDs(tx *bbolt.Tx, bucket []byte) error {
	b := tx.Bucket(bucket)
	if last := c.next - 1; last > b.Sequence() {
		return b.SetSequence(last)
	}
	return nil
}

// newHousehold makes a new household ready as createHousehold would
// (cleaned, checked, placed in its municipality, with its ID and times)
// and encodes it.
func (c *chunkPrep) newHousehold(h *data.Household) ([]byte, error) {
	h.Normalize()
	if err := h.Validate(); err != nil {
		return nil, err
	}
	c.units.SettleUnit(h)
	h.ID, c.next = c.next, c.next+1
	h.CreatedAt, h.UpdatedAt = c.now, c.now
	h.ChangedOn, h.ChangedBy = c.today, c.who
	return data.AppendHousehold(nil, h)
}

// newProblem makes a new problem ready as createProblem would (its
// status, round and target date when the row leaves them out, cleaned,
// dated, checked, with its ID and times) and encodes it.
func (c *chunkPrep) newProblem(p *data.Problem) ([]byte, error) {
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
	if p.TargetDate.IsZero() {
		p.TargetDate = r.Deadline
	}
	p.Normalize()
	settleDates(nil, p, c.today)
	if err := p.Validate(c.today); err != nil {
		return nil, err
	}
	p.ID, c.next = c.next, c.next+1
	p.CreatedAt, p.UpdatedAt = c.now, c.now
	p.ChangedOn, p.ChangedBy = c.today, c.who
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

// ahead makes entries from..to ready with ready on a goroutine of its
// own and hands them, in order, to each, on the caller's goroutine. ready
// returns false with an entry that should be the last (one that failed).
// When each returns an error, the goroutine is stopped and the error
// returned; ahead returns once the goroutine has ended, so that nothing
// reads the batch after it. A panic of the goroutine (a fault reading
// the batch) comes back as the error guard turns into the store's.
func ahead[T any](from, to int, ready func(i int) (T, bool), each func(t *T) error) error {
	groups := make(chan []T, 4)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	var panicked error
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(groups)
		defer guardGoroutine(&panicked)()
		group := make([]T, 0, readyGroup)
		for i := from; i < to; i++ {
			t, goOn := ready(i)
			group = append(group, t)
			if len(group) == readyGroup || !goOn || i == to-1 {
				select {
				case groups <- group:
				case <-quit:
					return
				}
				group = make([]T, 0, readyGroup)
			}
			if !goOn {
				return
			}
		}
	}()
	var err error
	for group := range groups {
		for i := range group {
			if err = each(&group[i]); err != nil {
				break
			}
		}
		if err != nil {
			close(quit)
			break
		}
	}
	wg.Wait()
	if panicked != nil {
		return panicked
	}
	return err
}

// sortKeys sorts index keys, unless they already are (a chunk's new
// records' keys, which the goroutine that made them ready sorted).
func sortKeys(keys [][]byte) {
	if !slices.IsSortedFunc(keys, bytes.Compare) {
		slices.SortFunc(keys, bytes.Compare)
	}
}
