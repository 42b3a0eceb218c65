//go:build windows

package data

import "syscall"

const (
	processQueryLimitedInformation = 0x1000
	stillActive                    = 259
)

// ProcessRuns tells whether a process with this number exists and has
// not exited.
func ProcessRuns(pid int) bool {
	h, err := syscall.OpenProcess(processQueryLimitedInformation, false, uint32(pid))
	if err != nil {
		return false
	}
	defer syscall.CloseHandle(h)
	var code uint32
	if err := syscall.GetExitCodeProcess(h, &code); err != nil {
		return true
	}
	return code == stillActive
}
