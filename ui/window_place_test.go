package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"qmdesk/assets"
	"qmdesk/ui"
)

// TestFitWindow: the window is made no larger than the screen it opens on
// (less a title bar) and lies wholly on it, at the place saved at the last
// close when it still fits, centred at first.
func TestFitWindow(t *testing.T) {
	small := ui.ScreenArea{Width: 1280, Height: 720}
	full := ui.ScreenArea{Width: 1920, Height: 1080}
	taskbar := ui.ScreenArea{Width: 1920, Height: 1040} // a Windows taskbar of 40 px below
	right := ui.ScreenArea{X: 1920, Width: 1280, Height: 720}
	saved := func(x, y, w, h int) ui.WindowPlace {
		return ui.WindowPlace{X: x, Y: y, Width: w, Height: h, Positioned: true}
	}
	for _, c := range []struct {
		name    string
		saved   ui.WindowPlace
		screens []ui.ScreenArea
		scale   float32
		want    ui.WindowPlace
	}{
		{"first start on 1280×720: the width of the screen, its height less a title bar", ui.WindowPlace{}, []ui.ScreenArea{small}, 1, saved(0, 0, 1280, 688)},
		{"first start on 1920×1080: the designed size, centred", ui.WindowPlace{}, []ui.ScreenArea{full}, 1, saved(320, 124, 1280, 800)},
		{"first start above a taskbar", ui.WindowPlace{}, []ui.ScreenArea{taskbar}, 1, saved(320, 104, 1280, 800)},
		{"first start at 150 %: the designed size in pixels, cut to the screen", ui.WindowPlace{}, []ui.ScreenArea{full}, 1.5, saved(0, 0, 1920, 1032)},
		{"the place kept", saved(100, 50, 1000, 700), []ui.ScreenArea{full}, 1, saved(100, 50, 1000, 700)},
		{"kept on a larger screen, opened on a smaller one: cut and moved onto it", saved(500, 300, 1600, 900), []ui.ScreenArea{small}, 1, saved(0, 0, 1280, 688)},
		{"kept partly off the screen: moved onto it", saved(900, 500, 1000, 600), []ui.ScreenArea{full}, 1, saved(900, 448, 1000, 600)},
		{"kept left of the screen", saved(-300, -40, 1000, 600), []ui.ScreenArea{full}, 1, saved(0, 0, 1000, 600)},
		{"kept too small: made the least usable size", saved(10, 10, 200, 100), []ui.ScreenArea{full}, 1, saved(10, 10, 800, 560)},
		{"kept on the second screen, still there", saved(2000, 20, 1000, 600), []ui.ScreenArea{full, right}, 1, saved(2000, 20, 1000, 600)},
		{"kept on a second screen since unplugged: onto the first", saved(2000, 20, 1000, 600), []ui.ScreenArea{full}, 1, saved(920, 20, 1000, 600)},
		{"size kept, position not known: centred", ui.WindowPlace{Width: 1000, Height: 600}, []ui.ScreenArea{full}, 1, saved(460, 224, 1000, 600)},
		{"no screen known: the kept size, not placed", saved(5, 5, 1000, 600), nil, 1, ui.WindowPlace{X: 5, Y: 5, Width: 1000, Height: 600}},
		{"a tiny screen: all of it", ui.WindowPlace{}, []ui.ScreenArea{{Width: 640, Height: 480}}, 1, saved(0, 0, 640, 448)},
	} {
		if got := ui.FitWindow(c.saved, c.screens, c.scale); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

// fakeNative is the system's window as the tests see it.
type fakeNative struct {
	x, y  int
	moved bool
}

func (f *fakeNative) Position(fyne.Window) (int, int, bool) { return f.x, f.y, true }
func (f *fakeNative) Move(_ fyne.Window, x, y int)          { f.x, f.y, f.moved = x, y, true }

// TestWindowPlaceKeptBetweenRuns: the window opens fitted to its screen,
// its place at close is kept in the preferences, and the next start on a
// smaller screen brings it back cut to that screen.
func TestWindowPlaceKeptBetweenRuns(t *testing.T) {
	h := newHarness(t, 0)
	s := h.store
	geo, _ := assets.Geography()
	a := test.NewTempApp(t)
	screen := []ui.ScreenArea{{Width: 1920, Height: 1080}}
	native := &fakeNative{}
	open := func() *ui.MainWindow {
		w := ui.NewMainWindow(a, ui.Env{Store: s, Geo: geo, Clock: clock, DataDir: h.dir,
			Screens: func() []ui.ScreenArea { return screen }, Native: native})
		w.FitScreen()
		return w
	}
	w := open()
	if size := w.Window.Canvas().Size(); size != fyne.NewSize(1280, 800) || native.x != 320 || native.y != 124 {
		t.Errorf("first start on 1920×1080: %v at %d,%d", size, native.x, native.y)
	}
	w.Window.Resize(fyne.NewSize(1100, 700))
	native.x, native.y = 700, 350 // the clerk moved it
	// Each change of the preferences is a write of their file: the place
	// is kept in one, and keeping it again as the program ends (Quit
	// leaves the foreground, then the window closes) writes none, lest
	// the program end in the middle of a write.
	writes := 0
	a.Preferences().AddChangeListener(func() { writes++ })
	w.Close()
	w.SavePlace()
	if writes != 1 {
		t.Errorf("keeping the window's place wrote the preferences %d times", writes)
	}

	screen = []ui.ScreenArea{{Width: 1280, Height: 720}}
	native.moved = false
	w = open()
	if size := w.Window.Canvas().Size(); size != fyne.NewSize(1100, 688) || !native.moved || native.x != 180 || native.y != 0 {
		t.Errorf("next start on 1280×720: %v at %d,%d (moved %v)", size, native.x, native.y, native.moved)
	}
}
