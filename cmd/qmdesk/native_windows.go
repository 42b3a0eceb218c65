//go:build windows

package main

import (
	"syscall"
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"

	"qmdesk/ui"
)

var (
	user32            = syscall.NewLazyDLL("user32.dll")
	procSetWindowPos  = user32.NewProc("SetWindowPos")
	procGetWindowRect = user32.NewProc("GetWindowRect")
)

// win32Window moves the window and reads its place through user32.
type win32Window struct{}

var nativeWindow ui.NativeWindow = win32Window{}

func handle(win fyne.Window) uintptr {
	var h uintptr
	if nw, ok := win.(driver.NativeWindow); ok {
		nw.RunNative(func(ctx any) {
			if c, ok := ctx.(driver.WindowsWindowContext); ok {
				h = c.HWND
			}
		})
	}
	return h
}

const swpNoSize, swpNoZOrder, swpNoActivate = 0x0001, 0x0004, 0x0010

func (win32Window) Move(win fyne.Window, x, y int) {
	if h := handle(win); h != 0 {
		procSetWindowPos.Call(h, 0, uintptr(x), uintptr(y), 0, 0, swpNoSize|swpNoZOrder|swpNoActivate)
	}
}

func (win32Window) Position(win fyne.Window) (int, int, bool) {
	h := handle(win)
	if h == 0 {
		return 0, 0, false
	}
	var r struct{ Left, Top, Right, Bottom int32 }
	if ok, _, _ := procGetWindowRect.Call(h, uintptr(unsafe.Pointer(&r))); ok == 0 {
		return 0, 0, false
	}
	return int(r.Left), int(r.Top), true
}
