package ui

import "time"

// What the tests of package ui_test reach inside the window: compiled
// only into the tests, never into the program.

// WaitIdle waits until all background work has ended and what it shows
// is on screen. Tests call it (with serialUI, it also runs that UI
// work); the program never needs to.
func (w *MainWindow) WaitIdle() {
	for {
		if w.runQueued() {
			continue
		}
		if w.bg.pending.Load() == 0 {
			if !w.runQueued() {
				return
			}
			continue
		}
		select {
		case f := <-w.bg.queue: // nil channel in the program: only ended
			f()
		case <-w.bg.ended:
		}
	}
}

// WaitIdleWatching is WaitIdle calling seen after each piece of UI work
// it runs: what a job's progress dialog said on the way.
func (w *MainWindow) WaitIdleWatching(seen func()) {
	for w.bg.pending.Load() > 0 || len(w.bg.queue) > 0 {
		select {
		case f := <-w.bg.queue:
			f()
			seen()
		case <-w.bg.ended:
		}
	}
}

// runQueued runs one queued UI function, if there is one.
func (w *MainWindow) runQueued() bool {
	select {
	case f := <-w.bg.queue:
		f()
		return true
	default:
		return false
	}
}

// WaitFor runs the background jobs' UI work until done says so (or 30 s
// pass): a test that must act while a long job still runs.
func (w *MainWindow) WaitFor(done func() bool) {
	deadline := time.After(30 * time.Second)
	for !done() {
		select {
		case f := <-w.bg.queue:
			f()
		case <-deadline:
			return
		}
	}
}

// OpenDialogs returns how many dialogs are open.
func (w *MainWindow) OpenDialogs() int { return len(w.dialogs) }

// StoreChanged tells the window that a test wrote to its store directly.
func (w *MainWindow) StoreChanged() { w.registerChanged(registerChange{}) }

// Every window of the tests runs its background jobs' UI work when the
// test calls WaitIdle, one piece at a time, as the UI thread would.
func init() { serialUI = true }

// What the window last showed or wrote, for the tests' messages and checks.
func (w *MainWindow) LastError() string          { return w.lastError }
func (w *MainWindow) LastNotice() string         { return w.lastNotice }
func (w *MainWindow) RegisterSource() string     { return w.registerSource }
func (w *MainWindow) LastPack() string           { return w.lastPack }
func (w *MainWindow) LastCharts() []string       { return w.lastCharts }
func (s *exportScreen) LastSaved() string        { return s.lastSaved }
func (s *exportScreen) LastSavedFiles() []string { return s.lastSavedFiles }

// Card is the card of a problem on the page, nil when it has none.
func (p *householdPage) Card(problemID uint64) *problemCard {
	for _, c := range p.Cards {
		if c.Problem.ID == problemID {
			return c
		}
	}
	return nil
}

// WaitForPassword runs the window's UI work until the password dialog of
// the shared database is open, and tells whether it is (false: the
// background work ended without asking).
func (w *MainWindow) WaitForPassword() bool {
	for w.Password == nil {
		if w.runQueued() {
			continue
		}
		if w.bg.pending.Load() == 0 {
			return w.runQueued() && w.Password != nil
		}
		select {
		case f := <-w.bg.queue:
			f()
		case <-w.bg.ended:
		case <-time.After(20 * time.Millisecond):
		}
	}
	return true
}
