//go:build !windows && !((linux || freebsd || netbsd || openbsd) && !wayland)

package main

import "qmdesk/ui"

// nativeWindow: on macOS and Wayland the system places the window.
var nativeWindow ui.NativeWindow
