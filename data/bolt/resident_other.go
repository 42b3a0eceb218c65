//go:build !linux

package bolt

// ReleaseMappedPages does nothing here: only Linux is told to unmap the
// database file's pages (see resident_linux.go); Windows trims a
// program's working set itself when memory is short.
func (s *Store) ReleaseMappedPages() {}
