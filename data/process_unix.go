//go:build unix

package data

import (
	"errors"
	"syscall"
)

// ProcessRuns tells whether a process with this number exists (signal 0
// checks without sending anything; EPERM means it runs as someone else).
func ProcessRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
