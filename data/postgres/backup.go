package postgres

import (
	"context"

	"qmdesk/data"
)

// BackupFunc writes a consistent copy of the province s holds as a new
// qmdesk file at path (the file store's, which this package does not
// import): cmd's wiring gives app.BackupToFile with the file store.
type BackupFunc func(ctx context.Context, s *Store, path string, progress func(done, total int64)) error

// SetBackup gives the store the way Backup writes its copy. It is set
// once, right after the open, before the store is used.
func (s *Store) SetBackup(f BackupFunc) { s.backup = f }

// Backup writes a copy of the database as a new qmdesk file at path with
// the BackupFunc SetBackup gave; without one it refuses and writes
// nothing.
func (s *Store) Backup(ctx context.Context, path string, progress func(done, total int64)) error {
	if s.backup == nil {
		return data.Errorf(data.EINVALID, "โปรแกรมรุ่นนี้สำรองฐานข้อมูลกลาง (PostgreSQL) เป็นไฟล์ไม่ได้ ให้ผู้ดูแลระบบสำรองด้วย pg_dump",
			"this build cannot back the shared PostgreSQL database up as a file")
	}
	return s.backup(ctx, s, path, progress)
}
