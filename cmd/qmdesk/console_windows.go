package main

import (
	"os"
	"syscall"
)

// attachConsole lets the command line print when qmdesk.exe, built as a
// GUI program so the window opens without a black console, is run from
// cmd.exe or PowerShell: it borrows the parent's console if there is one.
func attachConsole() {
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	const attachParentProcess = ^uintptr(0) // (DWORD)-1
	if r, _, _ := attach.Call(attachParentProcess); r == 0 {
		return
	}
	if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		os.Stdout, os.Stderr = f, f
	}
}
