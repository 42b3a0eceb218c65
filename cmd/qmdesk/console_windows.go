package main

import (
	"os"
	"syscall"
)

// attachConsole lets the command line print when qmdesk.exe, built as a
// GUI program so the window opens without a black console, is run from
// cmd.exe or PowerShell: it borrows the parent's console if there is one,
// for the standard streams that are not already set. A stream redirected
// to a file or a pipe (`qmdesk summary --json > out.json`) keeps its
// redirection: attaching used to replace it, and the file stayed empty.
// (A GUI program still returns the prompt before it prints and loses its
// exit code: qmdesk-cli.exe, the console build, is for the prompt.)
func attachConsole() {
	outSet, errSet := handleSet(syscall.STD_OUTPUT_HANDLE), handleSet(syscall.STD_ERROR_HANDLE)
	if outSet && errSet {
		return
	}
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	const attachParentProcess = ^uintptr(0) // (DWORD)-1
	if r, _, _ := attach.Call(attachParentProcess); r == 0 {
		return
	}
	f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	if !outSet {
		os.Stdout = f
	}
	if !errSet {
		os.Stderr = f
	}
}

// handleSet tells whether the process was given a usable standard handle
// (a file, a pipe or a console), as a redirection gives a GUI program.
func handleSet(which int) bool {
	h, err := syscall.GetStdHandle(which)
	if err != nil || h == 0 || h == syscall.InvalidHandle {
		return false
	}
	t, err := syscall.GetFileType(h)
	return err == nil && t != syscall.FILE_TYPE_UNKNOWN
}
