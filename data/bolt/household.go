package bolt

import (
	"bytes"
	"context"
	"runtime"
	"slices"
	"sync"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// CreateHousehold stores a new household and sets its ID.
func (s *Store) CreateHousehold(ctx context.Context, h *data.Household) error {
	return s.update(func(tx *bbolt.Tx) error {
		if err := s.createHousehold(ctx, tx, h, nil); err != nil {
			return err
		}
		return s.audit(ctx, tx, "create", "household", h.ID, nil, h, "")
	})
}

func (s *Store) createHousehold(ctx context.Context, tx *bbolt.Tx, h *data.Household, buf *keyBuffer) error {
	h.Normalize()
	if err := h.Validate(); err != nil {
		return err
	}
	units, err := unitsIn(tx, buf)
	if err != nil {
		return err
	}
	units.SettleUnit(h)
	b := tx.Bucket(bucketHouseholds)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	h.ID = id
	now := s.Clock.Now().UTC()
	h.CreatedAt, h.UpdatedAt = now, now
	h.ChangedOn, h.ChangedBy = s.today(), data.OperatorFrom(ctx)
	if err := writeHousehold(tx, h); err != nil {
		return err
	}
	if buf != nil {
		buf.hidx = append(buf.hidx, householdIndexKeys(h)...)
		return nil
	}
	return replaceKeys(tx.Bucket(bucketHIdx), nil, householdIndexKeys(h))
}

// Household returns one household.
func (s *Store) Household(ctx context.Context, id uint64) (h data.Household, err error) {
	err = s.view(func(tx *bbolt.Tx) error { return getHousehold(tx, id, &h) })
	return h, err
}

func getHousehold(tx *bbolt.Tx, id uint64, h *data.Household) error {
	v := tx.Bucket(bucketHouseholds).Get(itob(id))
	if v == nil {
		return data.Errorf(data.ENOTFOUND, "ไม่พบครัวเรือนเลขที่ %d", "household %d not found", id)
	}
	if err := decodeHousehold(v, h); err != nil {
		return corrupt(bucketHouseholds, itob(id), err)
	}
	return nil
}

// UpdateHousehold stores a changed household. A move to another tambon
// moves its problems' counters and area index with it. h.UpdatedAt is the
// stamp of the household as the caller read it: when the stored one is
// another, the household changed meanwhile and the change is refused
// (checkStale). On success h is the household as stored, with its new
// UpdatedAt: saving it again is based on this change.
func (s *Store) UpdateHousehold(ctx context.Context, h *data.Household) error {
	h.Normalize()
	if err := h.Validate(); err != nil {
		return err
	}
	return s.update(func(tx *bbolt.Tx) error {
		var old data.Household
		if err := getHousehold(tx, h.ID, &old); err != nil {
			return err
		}
		if err := checkStale(tx, "household", h.ID, h.UpdatedAt, old.UpdatedAt, old.ChangedBy); err != nil {
			return err
		}
		if err := s.updateHousehold(ctx, tx, &old, h, nil); err != nil {
			return err
		}
		return s.audit(ctx, tx, "update", "household", h.ID, old, h, "")
	})
}

// updateHousehold writes h over old, changed now (stampAfter) and today
// by the operator, or, for an import (by), at the import's time and on the
// day of the row's information.
func (s *Store) updateHousehold(ctx context.Context, tx *bbolt.Tx, old, h *data.Household, by *importStamp) error {
	units, err := unitsIn(tx, nil)
	if err != nil {
		return err
	}
	units.SettleUnit(h)
	h.CreatedAt, h.UpdatedAt = old.CreatedAt, data.StampAfter(s.Clock.Now().UTC(), old.UpdatedAt)
	h.ChangedOn, h.ChangedBy = s.today(), data.OperatorFrom(ctx)
	if by != nil {
		h.UpdatedAt, h.ChangedOn = by.at, importDay(by.asOf, h.ChangedOn, old.ChangedOn)
	}
	if err := writeHousehold(tx, h); err != nil {
		return err
	}
	if err := replaceKeys(tx.Bucket(bucketHIdx), householdIndexKeys(old), householdIndexKeys(h)); err != nil {
		return err
	}
	if areaOf(old) != areaOf(h) || old.Origin != h.Origin { // another tambon, municipality or origin
		return moveProblems(tx, h.ID, areaOf(old), areaOf(h), old.Origin, h.Origin)
	}
	return nil
}

// moveProblems moves a household's problems' counters from tambon from
// and origin fromOrigin to tambon to and origin toOrigin (the new cases
// count households by origin).
func moveProblems(tx *bbolt.Tx, hh uint64, from, to string, fromOrigin, toOrigin data.Origin) error {
	var problems []data.Problem
	for _, pid := range problemIDsOf(tx, hh) {
		var p data.Problem
		if err := getProblem(tx, pid, &p); err != nil {
			return err
		}
		problems = append(problems, p)
	}
	// All out, then all in: the household counters follow the reference
	// counts to zero in the old tambon and up from zero in the new one.
	d := counterDelta{}
	for i := range problems {
		if err := d.addProblemOf(tx, &problems[i], fromOrigin, from, -1); err != nil {
			return err
		}
	}
	pidx := tx.Bucket(bucketPIdx)
	for i := range problems {
		if err := d.addProblemOf(tx, &problems[i], toOrigin, to, +1); err != nil {
			return err
		}
		if err := replaceKeys(pidx, problemIndexKeys(&problems[i], from), problemIndexKeys(&problems[i], to)); err != nil {
			return err
		}
	}
	return d.flush(tx)
}

// problemIDsOf returns the IDs of a household's problems.
func problemIDsOf(tx *bbolt.Tx, hh uint64) []uint64 {
	return slices.Collect(indexIDs(tx.Bucket(bucketPIdx).Cursor(), key(byte('h'), hh), nil))
}

// Households lists households in ID order, or by area when AreaCode is set.
func (s *Store) Households(ctx context.Context, f data.HouseholdFilter) (out []data.Household, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		emit := func(id uint64) (bool, error) {
			var h data.Household
			if err := getHousehold(tx, id, &h); err != nil {
				return false, err
			}
			out = append(out, h)
			return f.Limit > 0 && len(out) >= f.Limit, nil
		}
		if f.AreaCode == "" {
			c := tx.Bucket(bucketHouseholds).Cursor()
			for k, _ := c.Seek(itob(f.After + 1)); k != nil; k, _ = c.Next() {
				if done, err := emit(btoi(k)); err != nil || done {
					return err
				}
			}
			return nil
		}
		for id := range indexIDs(tx.Bucket(bucketHIdx).Cursor(), key(byte('A'), f.AreaCode), nil) {
			if id > f.After {
				if done, err := emit(id); err != nil || done {
					return err
				}
			}
		}
		return nil
	})
	return out, err
}

// HouseholdsByHouseCode finds households by house code (normally one).
func (s *Store) HouseholdsByHouseCode(ctx context.Context, code string) ([]data.Household, error) {
	return s.householdsBy(byte('c'), code)
}

// HouseholdsByNationalID finds households whose head has this ID.
func (s *Store) HouseholdsByNationalID(ctx context.Context, id string) ([]data.Household, error) {
	return s.householdsBy(byte('n'), id)
}

func (s *Store) householdsBy(kind byte, value string) (out []data.Household, err error) {
	if value == "" {
		return nil, nil
	}
	err = s.view(func(tx *bbolt.Tx) error {
		pre := key(kind, value)
		c := tx.Bucket(bucketHIdx).Cursor()
		for k, _ := c.Seek(pre); k != nil && hasPrefix(k, pre); k, _ = c.Next() {
			if len(k) != len(pre)+8 { // a longer value that shares the prefix
				continue
			}
			var h data.Household
			if err := getHousehold(tx, idAtEnd(k), &h); err != nil {
				return err
			}
			out = append(out, h)
		}
		return nil
	})
	return out, err
}

// Walk reads every household with its problems in one read transaction.
// Decoding the records is
// most of the work, so it runs on every core: the cursor collects the raw
// records of a batch of households (valid while the transaction is open),
// workers decode batches, and fn sees them in ID order on this goroutine.
// A record that cannot be read is skipped (a household with all its
// problems, or one problem) and the walk goes on; it then ends with an
// EDAMAGED error naming them, after fn has seen every readable household.
func (s *Store) Walk(ctx context.Context, fn func(h data.Household, problems []data.Problem) error) error {
	var bad damage
	err := s.view(func(tx *bbolt.Tx) error {
		type rawHousehold struct {
			key, value []byte
			problems   [][2][]byte // key, value
		}
		type batch struct {
			raw        []rawHousehold
			households []data.Household
			problems   [][]data.Problem
			skip       []bool
			bad        damage
			err        error // a fault or panic while decoding (guardGoroutine)
			done       chan struct{}
		}
		const batchSize = 512
		workers := runtime.GOMAXPROCS(0)
		todo := make(chan *batch, workers)
		inOrder := make(chan *batch, workers*2)
		stop := make(chan struct{})
		var once sync.Once
		halt := func() { once.Do(func() { close(stop) }) }
		defer halt()
		var wg sync.WaitGroup
		decode := func(b *batch) (err error) {
			// The values are the file's mapped pages: a damaged one may
			// fault here, on this goroutine.
			defer guardGoroutine(&err)()
			b.households = make([]data.Household, len(b.raw))
			b.problems = make([][]data.Problem, len(b.raw))
			b.skip = make([]bool, len(b.raw))
			for i, r := range b.raw {
				if err := decodeHousehold(r.value, &b.households[i]); err != nil {
					b.bad.add(bucketHouseholds, r.key, err)
					b.skip[i] = true
					continue
				}
				ps := make([]data.Problem, 0, len(r.problems))
				for _, kv := range r.problems {
					var p data.Problem
					if err := decodeProblem(kv[1], &p); err != nil {
						b.bad.add(bucketProblems, kv[0], err)
						continue
					}
					ps = append(ps, p)
				}
				b.problems[i] = ps
			}
			return nil
		}
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := range todo {
					b.err = decode(b)
					close(b.done)
				}
			}()
		}
		// The cursor: it must stay inside the transaction, and it hands
		// batches both to the workers and, in order, to the consumer.
		var cursorErr error
		go func() {
			defer close(inOrder)
			defer close(todo)
			defer guardGoroutine(&cursorErr)()
			// The problems of each household from the index ('h' + hh +
			// pid, in the households' order) and the problems bucket,
			// each walked by a cursor that mostly steps to its next key:
			// problems are mostly stored in their households' order.
			ix := tx.Bucket(bucketPIdx).Cursor()
			ik, _ := ix.Seek([]byte{'h'})
			pc := tx.Bucket(bucketProblems).Cursor()
			var pk, pv []byte
			pre := make([]byte, 9)
			c := tx.Bucket(bucketHouseholds).Cursor()
			b := &batch{done: make(chan struct{})}
			send := func() bool {
				select {
				case todo <- b:
				case <-stop:
					return false
				}
				select {
				case inOrder <- b:
				case <-stop:
					return false
				}
				b = &batch{done: make(chan struct{})}
				return true
			}
			for k, v := c.First(); k != nil; k, v = c.Next() {
				r := rawHousehold{key: k, value: v}
				pre = append(append(pre[:0], 'h'), k...)
				for ik != nil && bytes.Compare(ik, pre) < 0 {
					ik, _ = ix.Next()
				}
				for ; ik != nil && hasPrefix(ik, pre); ik, _ = ix.Next() {
					want := ik[len(ik)-8:]
					if pk != nil && bytes.Compare(pk, want) < 0 {
						pk, pv = pc.Next()
					}
					if pk == nil || !bytes.Equal(pk, want) {
						pk, pv = pc.Seek(want)
					}
					if bytes.Equal(pk, want) {
						r.problems = append(r.problems, [2][]byte{pk, pv})
					}
				}
				if b.raw = append(b.raw, r); len(b.raw) == batchSize && !send() {
					return
				}
			}
			if len(b.raw) > 0 {
				send()
			}
		}()
		var err error
		for b := range inOrder {
			<-b.done
			if err == nil {
				err = b.err
			}
			if err != nil {
				halt()
				continue
			}
			bad.thai, bad.english = append(bad.thai, b.bad.thai...), append(bad.english, b.bad.english...)
			err = ctx.Err()
			for i := 0; err == nil && i < len(b.households); i++ {
				if !b.skip[i] {
					err = fn(b.households[i], b.problems[i])
				}
			}
			if err != nil {
				halt()
				for range inOrder { // let the cursor finish before the transaction closes
				}
				break
			}
		}
		wg.Wait() // no worker may read the records after the transaction closes
		if err == nil {
			err = cursorErr
		}
		return err
	})
	if err != nil {
		return err
	}
	return bad.err()
}
