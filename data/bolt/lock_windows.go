package bolt

import (
	"os"

	"golang.org/x/sys/windows"
)

// lockRange is the byte bbolt locks on Windows: -1, past any end of file.
func lockRange() *windows.Overlapped {
	return &windows.Overlapped{Offset: ^uint32(0), OffsetHigh: ^uint32(0)}
}

// lockFile takes, without waiting, the lock bbolt takes on a database file
// it opens for writing, so that no other qmdesk opens the file meanwhile.
func lockFile(f *os.File) error {
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, lockRange())
}

func unlockFile(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, lockRange())
}
