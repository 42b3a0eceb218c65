package bolt

import (
	"reflect"
	"syscall"

	bbolt "go.etcd.io/bbolt"
)

// ReleaseMappedPages takes the database file's pages out of this
// process's resident set. bbolt reads the file through a shared,
// read-only mapping, so every page an import looks at (a province's
// records, a gigabyte or more) stays counted in the program's memory
// until the file is closed, although the system holds them as file cache
// and drops them when memory is short. MADV_DONTNEED only unmaps them
// here: they stay in the file cache, and a later read maps them back from
// there, the same bytes. It runs inside a read transaction, so that bbolt
// cannot move the mapping meanwhile, and never past the mapping's end: a
// range past it could be other memory of the program, which this would
// clear.
func (s *Store) ReleaseMappedPages() {
	s.db.View(func(tx *bbolt.Tx) error {
		if n := min(tx.Size(), mappedSize(s.db)); n > 0 {
			syscall.Syscall(syscall.SYS_MADVISE, s.db.Info().Data, uintptr(n), syscall.MADV_DONTNEED)
		}
		return nil
	})
}

// mappedSize is how many bytes of the file bbolt has mapped (its field
// datasz, which it sets when it maps the file), or 0 when this version of
// bbolt has no such field: then nothing is released.
func mappedSize(db *bbolt.DB) int64 {
	f := reflect.ValueOf(db).Elem().FieldByName("datasz")
	if !f.IsValid() || !f.CanInt() {
		return 0
	}
	return f.Int()
}
