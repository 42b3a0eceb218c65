//go:build !unix && !windows

package data

import "syscall"

// systemCause: other systems are told apart by io/fs's kinds alone.
func systemCause(syscall.Errno) FileCause { return CauseUnknown }
