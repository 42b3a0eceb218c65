package app

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	"qmdesk/data"
)

// SetSheetRowsForTest makes sheets hold n data rows until the returned
// function is called.
func SetSheetRowsForTest(n int) func() {
	old := sheetRows
	sheetRows = n
	return func() { sheetRows = old }
}

// A stream is made on a goroutine locked to its thread (the command
// line's main goroutine is, for the window), read on another, and
// stopped from the first: iter.Pull's coroutines crashed the full export
// there ("coro: OS thread locking must match locking at coroutine
// creation").
func TestStreamAcrossLockedThreads(t *testing.T) {
	errs := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		count := func(n int) *stream[int] {
			return newStream(func(yield func(int) bool) error {
				for i := range n {
					if err := yielded(yield(i)); err != nil {
						return err
					}
				}
				return nil
			})
		}
		read := func(st *stream[int], n int) int {
			got := make(chan int)
			go func() {
				i := 0
				for ; i < n; i++ {
					if v, ok := st.next(); !ok || v != i {
						break
					}
				}
				got <- i
			}()
			return <-got
		}
		st := count(1000)
		if n := read(st, 600); n != 600 {
			errs <- fmt.Errorf("read %d of 600", n)
			return
		}
		if err := st.err(); err != nil { // stopped, not failed
			errs <- err
			return
		}
		st = count(1000)
		if n := read(st, 1001); n != 1000 {
			errs <- fmt.Errorf("read %d of 1000", n)
			return
		}
		st.close()
		failed := newStream(func(yield func(int) bool) error { yield(1); return errors.New("damaged") })
		if v, ok := failed.next(); !ok || v != 1 {
			errs <- fmt.Errorf("%v %v", v, ok)
			return
		}
		if _, ok := failed.next(); ok {
			errs <- errors.New("a value after the walk failed")
			return
		}
		errs <- failed.err()
	}()
	if err := <-errs; err == nil || err.Error() != "damaged" {
		t.Fatal(err)
	}
}

// One walk feeds both lists: the problems list gets every problem in
// order when the households list stops early, and the reverse; both see a
// walk's failure.
func TestWalkBothFeedsEachList(t *testing.T) {
	const n = 2000
	walk := func(fail error) func(fn func(data.Household, []data.Problem) error) error {
		return func(fn func(data.Household, []data.Problem) error) error {
			for i := range n {
				if err := fn(data.Household{ID: uint64(i)}, []data.Problem{{ID: uint64(2 * i)}, {ID: uint64(2*i + 1)}}); err != nil {
					return err
				}
			}
			return fail
		}
	}
	hs, ps := walkBoth(walk(nil))
	for i := range 10 {
		if h, ok := hs.next(); !ok || h.ID != uint64(i) {
			t.Fatal(h.ID, ok)
		}
	}
	hs.stop()
	for i := range 2 * n {
		if p, ok := ps.next(); !ok || p.ID != uint64(i) {
			t.Fatal(p.ID, ok)
		}
	}
	if _, ok := ps.next(); ok {
		t.Fatal("a problem past the walk")
	}
	if err := hs.err(); err != nil {
		t.Fatal(err)
	}
	if err := ps.err(); err != nil {
		t.Fatal(err)
	}

	hs, ps = walkBoth(walk(errors.New("damaged")))
	ps.stop()
	for i := range n {
		if h, ok := hs.next(); !ok || h.ID != uint64(i) {
			t.Fatal(h.ID, ok)
		}
	}
	if _, ok := hs.next(); ok {
		t.Fatal("a household past the walk")
	}
	if err := hs.err(); err == nil || err.Error() != "damaged" {
		t.Fatal(err)
	}
	if err := ps.err(); err == nil || err.Error() != "damaged" {
		t.Fatal(err) // a stopped list still learns the walk failed
	}

	// Both stopped: the walk ends.
	hs, ps = walkBoth(walk(nil))
	hs.stop()
	ps.stop()
	hs.close()
	ps.close()
}
