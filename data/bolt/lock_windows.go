package bolt

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockRange is the byte bbolt locks on Windows: -1, past any end of file.
func lockRange() *windows.Overlapped {
	return &windows.Overlapped{Offset: ^uint32(0), OffsetHigh: ^uint32(0)}
}

// lockFile takes, without waiting, the lock bbolt takes on a database file
// it opens for writing, so that no other qmdesk opens the file meanwhile.
func lockFile(f *os.File) error { return tryLock(f, true) }

func unlockFile(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, lockRange())
}

// tryLock takes, without waiting, a shared or an exclusive lock on f
// (on the byte bbolt locks).
func tryLock(f *os.File, exclusive bool) error {
	flags := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY)
	if exclusive {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, lockRange())
}

// lockBusy tells whether tryLock failed because another holds the lock.
func lockBusy(err error) bool { return errors.Is(err, windows.ERROR_LOCK_VIOLATION) }
