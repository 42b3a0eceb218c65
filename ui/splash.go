package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qmdesk/assets"
	"qmdesk/data"
)

// Splash is the small window cmd/qmdesk shows while the database opens,
// when the open takes more than a moment (an upgrade of an older layout,
// the rollback of an import cut short, a file held by another program),
// so that the clerk sees that the program has started and what it is
// doing. The main window replaces it once the database is open.
type Splash struct {
	Window fyne.Window
	t      texts
	label  *widget.Label
	doing  string    // what the open is doing, in the clerk's language
	start  time.Time // when the window was shown
	done   chan struct{}
}

// NewSplash makes the window (not shown) saying that the database at path
// is being opened, in the language the clerk chose for the window.
func NewSplash(a fyne.App, path string) *Splash {
	a.Settings().SetTheme(NewTheme())
	s := &Splash{done: make(chan struct{})}
	if a.Preferences().StringWithFallback(prefLanguage, "th") == "en" {
		s.t.lang = English
	}
	s.Window = a.NewWindow(s.t.tr("qmdesk — กำลังเปิดฐานข้อมูล", "qmdesk — opening the database"))
	s.Window.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	s.doing = s.t.tr("กำลังเปิดฐานข้อมูล "+path+" …", "Opening the database "+path+" …")
	s.label = widget.NewLabel(s.doing)
	s.label.Wrapping = fyne.TextWrapWord
	// A label that wraps asks for the height of its words one under the
	// other until it has a width: the box gives it one, and room for the
	// upgrade's sentence.
	s.Window.SetContent(container.NewPadded(container.NewGridWrap(fyne.NewSize(600, 200), s.label)))
	s.Window.CenterOnScreen()
	return s
}

// Show shows the window; each second it says how long the open has
// taken, so that the clerk sees that the program is working.
func (s *Splash) Show() {
	s.start = time.Now()
	s.Window.Show()
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-tick.C:
				fyne.Do(s.redraw)
			}
		}
	}()
}

// Upgrading says what the wait is: the upgrade of an older layout, and
// where the copy of the file as it was is kept.
func (s *Splash) Upgrading(u data.Sentence) {
	s.doing = s.t.tr(u.Thai, u.English)
	s.redraw()
}

// Close closes the window, once the main window is shown.
func (s *Splash) Close() {
	close(s.done)
	s.Window.Close()
}

func (s *Splash) redraw() {
	text := s.doing
	if secs := int(time.Since(s.start) / time.Second); !s.start.IsZero() && secs > 0 {
		text += s.t.tr(fmt.Sprintf(" (ผ่านไป %d วินาที)", secs), fmt.Sprintf(" (%d s so far)", secs))
	}
	s.label.SetText(text)
}
