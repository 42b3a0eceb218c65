package bolt

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A restore killed before its renames leaves its new file and the copy of
// the old one under temporary names beside the database; the next writer's
// open removes them, and nothing else.
func TestOpenRemovesWhatAKilledRestoreLeft(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "q.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	left := []string{".q.db-123456.tmp", ".q.db.before-restore-20261130-170000-98765.tmp"}
	kept := []string{"q.db.tmp", ".other.db-1.tmp", ".q.db-1.txt", "q.db.before-restore-20261130-170000"}
	for _, n := range append(append([]string{}, left...), kept...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ro.Close()
	if _, err := os.Stat(filepath.Join(dir, left[0])); err != nil {
		t.Fatal("a reader removed files; only a writer, alone with the file, may")
	}
	if s, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, n := range left {
		if _, err := os.Stat(filepath.Join(dir, n)); !os.IsNotExist(err) {
			t.Errorf("%s is still there", n)
		}
	}
	for _, n := range kept {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s was removed: %v", n, err)
		}
	}
}

// A backup killed half way leaves its temporary file; the next backup to
// the same name removes it once it is old, and leaves a fresh one (a
// backup another program is writing right now) alone.
func TestBackupRemovesWhatAKilledBackupLeft(t *testing.T) {
	s, ctx := openTest(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "b.db")
	stale, fresh := filepath.Join(dir, ".b.db-111.tmp"), filepath.Join(dir, ".b.db-222.tmp")
	for _, f := range []string{stale, fresh} {
		if err := os.WriteFile(f, []byte("half a copy"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(stale, old, old)
	if err := s.Backup(ctx, target, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the killed backup's old temporary file is still there")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a temporary file being written right now was removed")
	}
}
