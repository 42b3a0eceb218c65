package app

import "sync/atomic"

// planFeed plans the rows Plan parses on a goroutine of its own, in the
// order they were parsed: parsing a row (reading its cells) and planning
// it (matching it to the register, adding it to the batch) each take
// about half of a row's time, and the planner's state is only touched
// there. What is handed on and not yet planned is bounded (feedBatches
// batches of feedBatch rows, and a chunk of lookupChunk rows being read
// for when the store is an ImportBatchReader).
type planFeed struct {
	pl     *planner
	batch  []rowInput
	work   chan []rowInput
	done   chan struct{}
	handed int         // rows handed on
	failed atomic.Bool // the planner has failed: err is set
	err    error
}

const (
	feedBatch   = 64
	feedBatches = 4
)

// newPlanFeed starts planning with pl, handed rows handed on before (by
// an earlier feed). progress, when not nil, is told on the planner's
// goroutine every 1,000 rows how many have been read, just before the
// planner takes that row (Importer.Progress).
func newPlanFeed(pl *planner, handed int, progress func(rows int)) *planFeed {
	work := make(chan []rowInput, feedBatches) // wait sets f.work to nil
	f := &planFeed{pl: pl, work: work, done: make(chan struct{}), handed: handed}
	fail := func(err error) {
		f.err = err
		f.failed.Store(true)
	}
	plan := func(rows []rowInput) {
		if err := pl.prefetch(rows); err != nil {
			fail(err)
			return
		}
		for _, in := range rows {
			if progress != nil && (pl.b.Counts.Rows+1)%1000 == 0 {
				progress(pl.b.Counts.Rows + 1)
			}
			if err := pl.add(in); err != nil {
				fail(err)
				return
			}
		}
	}
	go func() {
		defer close(f.done)
		// With a store that reads many rows' households at once, rows
		// are planned lookupChunk at a time, each chunk's reads made
		// first (planner.prefetch); else, or when the register has no
		// household to look up, as they come.
		chunked := pl.cache != nil && !pl.noHouseholds
		var chunk []rowInput
		for rows := range work {
			if f.failed.Load() {
				continue // the rest is not planned: Plan ends with err
			}
			if !chunked {
				plan(rows)
				continue
			}
			chunk = append(chunk, rows...)
			for len(chunk) >= lookupChunk && !f.failed.Load() {
				plan(chunk[:lookupChunk])
				chunk = chunk[:copy(chunk, chunk[lookupChunk:])]
			}
		}
		if len(chunk) > 0 && !f.failed.Load() {
			plan(chunk)
		}
	}()
	return f
}

// add hands a parsed row on to be planned. It returns the planner's
// error once the planner has failed (at a row handed on before).
func (f *planFeed) add(in rowInput) error {
	if f.failed.Load() {
		return f.err
	}
	f.handed++
	f.batch = append(f.batch, in)
	if len(f.batch) == feedBatch {
		f.work <- f.batch
		f.batch = make([]rowInput, 0, feedBatch)
	}
	return nil
}

// wait plans the rows handed on and not planned yet, ends the goroutine
// and returns the planner's error, if any. The planner is then the
// caller's again.
func (f *planFeed) wait() error {
	if f.work != nil {
		if len(f.batch) > 0 {
			f.work <- f.batch
		}
		f.batch = nil
		close(f.work)
		f.work = nil
		<-f.done
	}
	return f.err
}
