package ui

import (
	"context"
	"log"
	"reflect"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// Several clerks on one shared database (issue 16, point 4): the window
// shows what another clerk's window or a command-line import changed,
// within seconds, without the clerk asking. A change that meets the
// clerk's own edit is not merged here: her save is refused as stale
// (data.StaleError) and the household page's notice says so.

// watcher is a store that tells when another program has changed the
// database: the PostgreSQL store (postgres.Store.Watch). The bbolt file
// is open in one program at a time, so its store has nothing to tell and
// is not one.
type watcher interface {
	Watch(ctx context.Context, changed func()) error
}

// startWatch has the store, when it can, tell the window of other
// programs' changes until the window closes (stopWatch).
func (w *MainWindow) startWatch() {
	wa, ok := w.store.(watcher)
	if !ok {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.stopWatch = cancel
	go func() {
		// Not a background job (goBackground): it runs as long as the window.
		err := wa.Watch(ctx, func() { w.do(w.onOthersChanged) })
		if err != nil && ctx.Err() == nil {
			log.Printf("no longer told of other clerks' changes: %v", err)
		}
	}()
}

// onOthersChanged is told, on the UI thread, that another program has
// changed the database: the screens read it again as after an import
// (registerChange), the household page too unless the clerk is filling
// in a form (her save meets the stale rule; the page is read again once
// the form closes). When the rounds, lists or municipalities changed, the
// screens are made again (as after a new round here), on the clerk's tab,
// search and household, once no dialog or job holds the window. The note at the bottom says when it happened.
func (w *MainWindow) onOthersChanged() {
	if !w.ready() {
		return // the first start, or screens being made, which read the database anyway
	}
	w.othersPending = false
	w.goBackground(func() {
		f, err := readFacts(w.ctx, w.store)
		w.doAndWait(func() {
			if !w.ready() {
				return
			}
			w.othersAt = w.now()
			if err == nil && !reflect.DeepEqual(f, w.facts) {
				if !w.modal() {
					// The new screens keep the clerk's tab, the list's
					// search and filters, and the household open.
					r := w.Households
					tab, q, shown := w.Tabs.SelectedIndex(), r.query(), r.Shown
					w.rebuild(func() {
						r := w.Households
						if shown != 0 {
							r.navigate(q, shown, false)
						} else {
							r.setAll(q)
							r.onQueryChanged()
						}
						w.Tabs.SelectIndex(tab)
						w.registerChanged(registerChange{Others: true}) // the search index too
					})
					return
				}
				w.othersPending = true // made again once the window is free
			}
			w.showOthersNote()
			w.registerChanged(registerChange{Others: true})
		})
	})
}

// othersLater is called when a dialog closes: a change of others that
// waited for the window to be free is shown now.
func (w *MainWindow) othersLater() {
	if w.othersPending && !w.modal() {
		w.othersPending = false
		w.do(func() {
			if !w.modal() {
				w.onOthersChanged()
			} else {
				w.othersPending = true
			}
		})
	}
}

// newOthersNote is the line at the bottom of the window that says the
// screens show another clerk's change: hidden until there is one.
func (w *MainWindow) newOthersNote() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	w.OthersNote = l
	w.showOthersNote()
	return l
}

// showOthersNote says when the screens were last read again for another
// clerk's change (Thai time), if they were.
func (w *MainWindow) showOthersNote() {
	if w.OthersNote == nil || w.othersAt.IsZero() {
		return
	}
	at := w.othersAt.In(data.ThaiTime).Format("15:04")
	w.OthersNote.SetText(w.t.digitsOf(w.t.tr("ข้อมูลเปลี่ยนโดยผู้ใช้อื่น เวลา "+at+" น. — แสดงข้อมูลล่าสุดแล้ว",
		"Changed by another user at "+at+" — the latest is shown")))
	w.OthersNote.Show()
}
