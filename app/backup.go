package app

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"qmdesk/data"
)

// BackupPolicy bounds the automatic backups kept in a folder.
type BackupPolicy struct {
	Keep     int   // at most this many backups
	MaxBytes int64 // taking at most this many bytes together
}

// AutoBackupPolicy keeps the last five automatic backups, as long as they
// take no more than 2 GiB together: five copies of a 1 GB database would
// fill 5 GB of an office computer's disk. The newest is always kept, however
// large, so a database over 2 GiB keeps one.
var AutoBackupPolicy = BackupPolicy{Keep: 5, MaxBytes: 2 << 30}

// autoBackupPrefix starts the names of automatic backups; PruneBackups
// touches no other file.
const autoBackupPrefix = "before-import-"

// BackupDir is the folder of the automatic backups of the database at
// dbPath: backups beside it.
func BackupDir(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "backups")
}

// BackupStore is a store that copies itself to a file (data.Store.Backup).
type BackupStore interface {
	Backup(ctx context.Context, path string, progress func(done, total int64)) error
}

// AutoBackup copies the database into dir before an import, under a name
// that tells when (before-import-YYYYMMDD-HHMMSS.db, the computer's time),
// then removes the oldest automatic backups beyond AutoBackupPolicy. It
// returns the new backup's path. progress is the store's (nil: none).
func AutoBackup(ctx context.Context, store BackupStore, dir string, clock data.Clock, progress func(done, total int64)) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", data.FileError(data.CreatingFolder, dir, err)
	}
	stamp := autoBackupPrefix + clock.Now().In(data.ThaiTime).Format("20060102-150405")
	path := filepath.Join(dir, stamp+".db")
	for n := 2; exists(path); n++ { // two imports within a second
		path = filepath.Join(dir, stamp+"_"+strconv.Itoa(n)+".db") // sorts after stamp.db
	}
	if err := store.Backup(ctx, path, progress); err != nil {
		return "", err
	}
	// Old backups go only once the new one is there; a failure to remove
	// one costs disk space, not the import.
	PruneBackups(dir, AutoBackupPolicy)
	return path, nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// PruneBackups removes the oldest automatic backups in dir until at most
// p.Keep remain and they take at most p.MaxBytes together; the newest
// always stays. It also removes the temporary files of automatic backups
// that were cut short (a crash, a power cut). Age is the file's time, then
// its name. It returns the files it removed.
func PruneBackups(dir string, p BackupPolicy) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type backup struct {
		path string
		info os.FileInfo
	}
	var backups []backup
	var removed []string
	var firstErr error
	remove := func(path string) {
		if err := os.Remove(path); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		removed = append(removed, path)
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() {
			continue
		}
		// A cut-short copy: ".before-import-….db-<random>.tmp"
		// (data.CreateBeside), or "before-import-….db.tmp" of versions
		// before it.
		if strings.HasPrefix(name, "."+autoBackupPrefix) && strings.HasSuffix(name, ".tmp") ||
			strings.HasPrefix(name, autoBackupPrefix) && strings.HasSuffix(name, ".db.tmp") {
			remove(filepath.Join(dir, name))
			continue
		}
		if !strings.HasPrefix(name, autoBackupPrefix) {
			continue
		}
		if !strings.HasSuffix(name, ".db") {
			continue
		}
		if info, err := e.Info(); err == nil {
			backups = append(backups, backup{filepath.Join(dir, name), info})
		}
	}
	// Newest first.
	sort.Slice(backups, func(i, j int) bool {
		a, b := backups[i].info, backups[j].info
		if !a.ModTime().Equal(b.ModTime()) {
			return a.ModTime().After(b.ModTime())
		}
		return backups[i].path > backups[j].path
	})
	var total int64
	for i, b := range backups {
		total += b.info.Size()
		if i > 0 && (i >= p.Keep || total > p.MaxBytes) {
			remove(b.path)
			// The anchor of its audit log (see bolt.Store.Backup) goes
			// with it; it is not listed among the backups removed.
			os.Remove(b.path + ".audit")
		}
	}
	return removed, firstErr
}
