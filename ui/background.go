package ui

import (
	"sync/atomic"

	"fyne.io/fyne/v2"
)

// background runs work off the UI thread. What the work then shows goes
// through w.do or w.doAndWait, which in the program are fyne.Do and
// fyne.DoAndWait: the UI thread runs them one at a time. Fyne's test
// driver runs fyne.Do at once on the calling goroutine instead, so two
// background jobs could draw at the same moment; with serialUI (tests)
// their UI work waits in a queue that WaitIdle runs on the test's own
// goroutine, one at a time, as the UI thread would.
// serialUI queues the UI work of background jobs for the tests' WaitIdle
// to run (export_test.go sets it: Fyne's test driver would run that work
// at once, concurrently). The program leaves it false.
var serialUI bool

type background struct {
	queue   chan func() // nil in the program
	pending atomic.Int64
	ended   chan struct{}
}

func newBackground(serial bool) *background {
	b := &background{ended: make(chan struct{}, 1)}
	if serial {
		b.queue = make(chan func(), 4096)
	}
	return b
}

// goBackground runs f on its own goroutine.
func (w *MainWindow) goBackground(f func()) {
	w.bg.pending.Add(1)
	go func() {
		defer func() {
			w.bg.pending.Add(-1)
			select {
			case w.bg.ended <- struct{}{}:
			default:
			}
		}()
		f()
	}()
}

// do runs f on the UI thread, without waiting.
func (w *MainWindow) do(f func()) {
	if w.bg.queue == nil {
		fyne.Do(f)
		return
	}
	w.bg.queue <- f
}

// doAndWait runs f on the UI thread and waits for it.
func (w *MainWindow) doAndWait(f func()) {
	if w.bg.queue == nil {
		fyne.DoAndWait(f)
		return
	}
	done := make(chan struct{})
	w.bg.queue <- func() {
		defer close(done)
		f()
	}
	<-done
}
