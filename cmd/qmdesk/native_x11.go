//go:build (linux || freebsd || netbsd || openbsd) && !wayland

package main

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>

static void qmMove(void *d, unsigned long w, int x, int y) {
	XMoveWindow((Display*)d, (Window)w, x, y);
	XFlush((Display*)d);
}

// qmPosition is where the window's top left corner is on the root window:
// that of the window manager's frame around it when there is one (the
// child of the root holding the window), which is what a move places.
static int qmPosition(void *d, unsigned long w, int *x, int *y) {
	Display *dpy = (Display*)d;
	Window top = (Window)w, root, parent, *children;
	unsigned int n;
	for (;;) {
		if (!XQueryTree(dpy, top, &root, &parent, &children, &n)) return 0;
		if (children) XFree(children);
		if (parent == root || parent == 0) break;
		top = parent;
	}
	XWindowAttributes a;
	if (!XGetWindowAttributes(dpy, top, &a)) return 0;
	*x = a.x; *y = a.y;
	return 1;
}
*/
import "C"

import (
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"

	"qmdesk/ui"
)

// x11Window moves the window and reads its place through X11, on the
// display GLFW opened.
type x11Window struct{}

var nativeWindow ui.NativeWindow = x11Window{}

func handle(win fyne.Window) C.ulong {
	var h uintptr
	if nw, ok := win.(driver.NativeWindow); ok {
		nw.RunNative(func(ctx any) {
			if x, ok := ctx.(driver.X11WindowContext); ok {
				h = x.WindowHandle
			}
		})
	}
	return C.ulong(h)
}

func (x11Window) Move(win fyne.Window, x, y int) {
	if h := handle(win); h != 0 {
		C.qmMove(unsafe.Pointer(glfw.GetX11Display()), h, C.int(x), C.int(y))
	}
}

func (x11Window) Position(win fyne.Window) (int, int, bool) {
	h := handle(win)
	if h == 0 {
		return 0, 0, false
	}
	var x, y C.int
	if C.qmPosition(unsafe.Pointer(glfw.GetX11Display()), h, &x, &y) == 0 {
		return 0, 0, false
	}
	return int(x), int(y), true
}
