package bolt

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"qmdesk/data"
)

// A sound database the clerk may read but not write (a read-only file, a
// read-only share) is refused for writing as read-only, with what to do,
// never as "not a qmdesk database or damaged", which would send the clerk
// to restore a backup over good data; it still opens for reading. A file
// bbolt cannot read is still called damaged.
func TestOpenReadOnlyDatabaseIsNotDamaged(t *testing.T) {
	if runtime.GOOS != "windows" && os.Geteuid() == 0 {
		t.Skip("root writes read-only files: run as another user")
	}
	dir := tempDir(t)
	path := filepath.Join(dir, "qm.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Init(context.Background(), "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(path, 0o644)

	_, err = Open(path, Options{})
	msg := data.ErrorMessage(err)
	if data.ErrorCode(err) != data.EFILE || !strings.Contains(msg, "อ่านอย่างเดียว") || !strings.Contains(msg, "ไม่ได้เสียหาย") ||
		strings.Contains(msg, "ไม่ใช่ฐานข้อมูล qmdesk") {
		t.Errorf("read-only file: %s %q", data.ErrorCode(err), msg)
	}
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open of a read-only file: %v", err)
	}
	if m, err := r.Meta(context.Background()); err != nil || m.Province != "41" {
		t.Errorf("read: %+v %v", m, err)
	}
	r.Close()

	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 2000)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open(junk, Options{})
	if data.ErrorCode(err) == data.EFILE || strings.Contains(data.ErrorMessage(err), "อ่านอย่างเดียว") {
		t.Errorf("a foreign file: %s %q", data.ErrorCode(err), data.ErrorMessage(err))
	}
}
