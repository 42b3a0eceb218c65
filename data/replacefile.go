package data

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// CreateBeside creates the file that will replace path, in path's folder
// (a rename is atomic only within one disk) under a name no other program
// can guess or have prepared: ".NAME-<random>.tmp", made with O_EXCL, so
// a file or link already lying in wait under a predictable FILE.tmp is
// never written through. The file is readable by its owner only.
func CreateBeside(path string) (*os.File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return nil, FileError(SavingFile, path, err)
	}
	return f, nil
}

// WriteFileAtomic writes path whole or not at all: write fills a new file
// made by CreateBeside, which is synced, given perm and renamed over path,
// and the folder synced. A reader never sees half a file, a failure leaves
// path as it was and removes the new file, and the error names the cause
// (FileError: a full disk, a read-only folder, a file open in Excel). An
// Error that write returns itself is passed on as it is.
func WriteFileAtomic(path string, perm fs.FileMode, write func(w io.Writer) error) error {
	f, err := CreateBeside(path)
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err != nil {
		os.Remove(tmp)
		var e *Error
		if errors.As(err, &e) {
			return err
		}
		return FileError(SavingFile, path, err)
	}
	return RenameInto(tmp, path)
}

// RenameInto puts the finished file tmp (from CreateBeside) in place of
// path and syncs the folder; on failure it removes tmp and leaves path as
// it was.
func RenameInto(tmp, path string) error {
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		// The folder took the new file, so on Windows a refusal to replace
		// is the old file's: open in another program or marked read-only.
		if runtime.GOOS == "windows" && FileCauseOf(err) == CauseNoPermission {
			return FileInUseError(path, err)
		}
		return FileError(SavingFile, path, err)
	}
	SyncDir(filepath.Dir(path))
	return nil
}

// SyncDir makes a rename in dir durable where the system allows it
// (Windows does not open folders for that; NTFS logs the rename itself).
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
