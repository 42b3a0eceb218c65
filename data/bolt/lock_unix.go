//go:build !windows

package bolt

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes, without waiting, the lock bbolt takes on a database file
// it opens for writing, so that no other qmdesk opens the file meanwhile.
func lockFile(f *os.File) error { return tryLock(f, true) }

func unlockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// tryLock takes, without waiting, a shared or an exclusive lock on f.
// Locks of separate opens of one file exclude each other, even in one
// process.
func tryLock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	return syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
}

// lockBusy tells whether tryLock failed because another holds the lock.
func lockBusy(err error) bool { return errors.Is(err, syscall.EWOULDBLOCK) }
