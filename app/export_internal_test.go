package app

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
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
