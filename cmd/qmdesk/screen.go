package main

import (
	"github.com/go-gl/glfw/v3.3/glfw"

	"qmdesk/ui"
)

// screens lists the work areas of the screens (less the taskbar), the
// primary first, through GLFW, which Fyne's desktop driver runs on; Fyne
// itself does not tell them. It runs on the main thread, where the window
// runs; GLFW is started if Fyne has not yet (a second start is nothing).
func screens() []ui.ScreenArea {
	if err := glfw.Init(); err != nil {
		return nil
	}
	var out []ui.ScreenArea
	primary := glfw.GetPrimaryMonitor()
	add := func(m *glfw.Monitor) {
		x, y, w, h := m.GetWorkarea()
		if w > 0 && h > 0 {
			out = append(out, ui.ScreenArea{X: x, Y: y, Width: w, Height: h})
		}
	}
	if primary != nil {
		add(primary)
	}
	for _, m := range glfw.GetMonitors() {
		if m != primary {
			add(m)
		}
	}
	return out
}
