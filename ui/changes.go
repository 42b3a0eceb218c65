package ui

// Screens learn that the register changed through one notification,
// instead of calling each other: whoever changes the register says what
// changed, and each screen that shows it listens and redraws its part.

// registerChange says what changed.
type registerChange struct {
	// Household is the one household changed (an action, a status);
	// 0 when many may have (an import, an undo, a review decision, a
	// repair).
	Household uint64
	// Undone is the import just undone, if that is the change: the files
	// it brought in are checked again.
	Undone uint64
	// Others is true when another program (another clerk's window, a
	// command-line import) changed the database: any household may have
	// changed.
	Others bool
}

// whole tells whether the change may touch any household.
func (c registerChange) whole() bool { return c.Household == 0 }

// listen adds a screen's handler. build() clears the listeners before it
// makes the screens again (a new language, a new round).
func (w *MainWindow) listen(f func(registerChange)) { w.listeners = append(w.listeners, f) }

// registerChanged tells every screen, in the order they listened.
func (w *MainWindow) registerChanged(c registerChange) {
	for _, f := range w.listeners {
		f(c)
	}
}
