package bolt

import (
	"os"
	"time"

	bberrors "go.etcd.io/bbolt/errors"
)

// The swap lock covers the moments when no program holds the database
// file itself: while Open has not yet got bbolt's lock on it, and while
// Restore (or Open's trim of an oversized file) has let go of the file to
// put another in its place. It is a lock on a file of its own beside the
// database (its name plus ".lock"), which is never renamed or removed, so
// it stays the same file across a swap. Open holds it, shared to read and
// exclusive to write, until bbolt holds the database; a swap holds it
// exclusively from before it lets go of the current file until the new
// one is in place. So no program opens the file that is being replaced.
type swapLock struct{ f *os.File }

func swapLockPath(dbPath string) string { return dbPath + ".lock" }

// lockSwap takes the swap lock of the database at dbPath, waiting until
// deadline at most: past it, it fails with bbolt's ErrTimeout, which Open
// reports as ELOCKED. A reader does not create the lock file: where there
// is none, no writer of this version has opened the database since it was
// put there. Where the lock file can be neither created nor opened (a
// read-only folder), nobody can rename a file into that folder either, and
// the database is opened without it.
func lockSwap(dbPath string, exclusive bool, deadline time.Time) (*swapLock, error) {
	name := swapLockPath(dbPath)
	var f *os.File
	err := os.ErrNotExist
	if exclusive {
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	}
	if err != nil {
		f, err = os.Open(name)
	}
	if err != nil {
		return &swapLock{}, nil
	}
	for {
		err := tryLock(f, exclusive)
		if err == nil {
			return &swapLock{f: f}, nil
		}
		if !lockBusy(err) { // a file system without locks: bbolt will say so
			f.Close()
			return &swapLock{}, nil
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, bberrors.ErrTimeout
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (l *swapLock) release() {
	if l.f != nil {
		unlockFile(l.f)
		l.f.Close()
		l.f = nil
	}
}
