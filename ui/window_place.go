package ui

import (
	"maps"

	"fyne.io/fyne/v2"
)

// ScreenArea is the part of one screen a window may take (its work area:
// the screen less the taskbar), in pixels of the desktop.
type ScreenArea struct{ X, Y, Width, Height int }

// WindowPlace is where the window is on the desktop and the size of its
// content, in pixels. Positioned is false when the position is not known
// (the first start, or a system that does not tell it).
type WindowPlace struct {
	X, Y, Width, Height int
	Positioned          bool
}

// NativeWindow moves the program's window and tells where it is: what
// Fyne does not offer. cmd/qmdesk gives one for the system's windows; nil
// leaves the position to the system.
type NativeWindow interface {
	Position(fyne.Window) (x, y int, ok bool)
	Move(win fyne.Window, x, y int)
}

// The window's designed size and the least it is made, in Fyne's units;
// titleBar is what a window manager adds above the content.
const (
	designWidth, designHeight = 1280, 800
	leastWidth, leastHeight   = 800, 560
	titleBar                  = 32
)

// FitWindow places the window on one of the screens: the screen holding
// the middle of the place saved at the last close (the first screen, the
// primary one, when none does or nothing was saved), at the saved size or
// the designed size, made no larger than the screen (less a title bar) and
// moved wholly onto it; centred when no position was saved. scale is the
// pixels per Fyne unit. With no screen known, the saved or designed size
// comes back unplaced.
func FitWindow(saved WindowPlace, screens []ScreenArea, scale float32) WindowPlace {
	if scale <= 0 {
		scale = 1
	}
	px := func(units int) int { return int(float32(units)*scale + 0.5) }
	p := saved
	if p.Width <= 0 || p.Height <= 0 {
		p = WindowPlace{Width: px(designWidth), Height: px(designHeight)}
	}
	if len(screens) == 0 {
		p.Positioned = false
		return p
	}
	s := screens[0]
	if saved.Positioned {
		cx, cy := saved.X+saved.Width/2, saved.Y+saved.Height/2
		for _, sc := range screens {
			if cx >= sc.X && cx < sc.X+sc.Width && cy >= sc.Y && cy < sc.Y+sc.Height {
				s = sc
				break
			}
		}
	}
	room := s.Height - px(titleBar)
	p.Width = clamp(p.Width, min(px(leastWidth), s.Width), s.Width)
	p.Height = clamp(p.Height, min(px(leastHeight), room), room)
	if !p.Positioned {
		p.X, p.Y = s.X+(s.Width-p.Width)/2, s.Y+(room-p.Height)/2
	}
	p.X = clamp(p.X, s.X, s.X+s.Width-p.Width)
	p.Y = clamp(p.Y, s.Y, s.Y+room-p.Height)
	p.Positioned = true
	return p
}

func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}

// Preferences keys of the window's place at the last close.
const (
	prefWindowX, prefWindowY, prefWindowWidth, prefWindowHeight = "window.x", "window.y", "window.width", "window.height"
	prefWindowPositioned                                        = "window.positioned"
)

func (w *MainWindow) savedPlace() WindowPlace {
	p := w.app.Preferences()
	return WindowPlace{X: p.Int(prefWindowX), Y: p.Int(prefWindowY), Width: p.Int(prefWindowWidth), Height: p.Int(prefWindowHeight),
		Positioned: p.Bool(prefWindowPositioned)}
}

// FitScreen sizes and places the shown window on the screen it opens on
// (see FitWindow), from the place saved at the last close. cmd/qmdesk
// calls it once the window is on the screen, when its scale is known.
func (w *MainWindow) FitScreen() {
	if w.env.Screens == nil || w.env.StartErr != nil || w.env.OpenErr != nil || w.store == nil {
		return // the small message window keeps its size
	}
	scale := w.Window.Canvas().Scale()
	p := FitWindow(w.savedPlace(), w.env.Screens(), scale)
	w.Window.Resize(fyne.NewSize(float32(p.Width)/scale, float32(p.Height)/scale))
	if w.env.Native != nil && p.Positioned {
		w.env.Native.Move(w.Window, p.X, p.Y)
	}
}

// SavePlace keeps the window's size and position for the next start.
// cmd/qmdesk calls it when the window closes (Close) and when it leaves the
// foreground, which Quit does while the window is still on the screen.
func (w *MainWindow) SavePlace() {
	if w.env.Screens == nil || w.env.StartErr != nil || w.env.OpenErr != nil || w.store == nil {
		return
	}
	scale := w.Window.Canvas().Scale()
	size := w.Window.Canvas().Size()
	if size.Width <= 0 || size.Height <= 0 {
		return
	}
	values := map[string]any{prefWindowWidth: int(size.Width*scale + 0.5), prefWindowHeight: int(size.Height*scale + 0.5)}
	// Once the window is gone (a second call as the program ends) its
	// position is not known: the one kept before stays.
	if w.env.Native != nil {
		if x, y, ok := w.env.Native.Position(w.Window); ok {
			values[prefWindowX], values[prefWindowY], values[prefWindowPositioned] = x, y, true
		}
	}
	setPreferences(w.app.Preferences(), values)
}

// setPreferences sets several values as one change. Fyne writes the
// preferences file at each change, in place, and writes it again 100 ms
// after a burst of changes; a program that ends within those 100 ms (a
// quit right after the window's place was kept) can leave the file
// empty, and with it the clerk's name, letter and language. One change is
// one write, done before the program goes on, and values already kept
// (the second call as the program ends) write nothing.
func setPreferences(p fyne.Preferences, values map[string]any) {
	same := true
	for k, v := range values {
		switch v := v.(type) {
		case int:
			same = same && p.Int(k) == v
		case bool:
			same = same && p.Bool(k) == v
		case string:
			same = same && p.String(k) == v
		}
	}
	if same {
		return
	}
	if batch, ok := p.(interface{ WriteValues(func(map[string]any)) }); ok {
		batch.WriteValues(func(m map[string]any) { maps.Copy(m, values) })
		return
	}
	for k, v := range values {
		switch v := v.(type) {
		case int:
			p.SetInt(k, v)
		case bool:
			p.SetBool(k, v)
		case string:
			p.SetString(k, v)
		}
	}
}
