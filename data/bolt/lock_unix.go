//go:build !windows

package bolt

import (
	"os"
	"syscall"
)

// lockFile takes, without waiting, the lock bbolt takes on a database file
// it opens for writing, so that no other qmdesk opens the file meanwhile.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

func unlockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
