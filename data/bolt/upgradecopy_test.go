package bolt

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// A file of an older layout is copied whole into backups beside it before
// its upgrade starts, and the clerk is told where; the copy is complete
// (it reads as the file did) by the time the upgrade begins. Without room
// for the copy the file is not upgraded and stays as it was. A file of
// the current layout, or a new one, gets no copy.
func TestUpgradeKeepsTheFileAsItWas(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "qm.db")
	schema8File(t, path)
	before := fileContent(t, path)
	backups := filepath.Join(dir, "backups")

	// No room for the copy: refused, nothing written.
	real := freeSpace
	freeSpace = func(string) (int64, bool) { return 10 << 20, true }
	var told []Upgrade
	opt := Options{Clock: data.FixedClock(today), Upgrading: func(u Upgrade) { told = append(told, u) }}
	_, err := Open(path, opt)
	freeSpace = real
	msg := data.ErrorMessage(err)
	if err == nil || !strings.Contains(msg, "ยังไม่ได้ปรับ") || !strings.Contains(msg, "พื้นที่ว่างในดิสก์ไม่พอ") || !strings.Contains(msg, "ข้อมูลในไฟล์ยังอยู่ครบ") {
		t.Fatalf("open without room for the copy: %v / %s", err, msg)
	}
	if !reflect.DeepEqual(fileContent(t, path), before) || len(told) != 0 {
		t.Fatalf("the file was changed (or the upgrade told: %v) though its copy could not be kept", told)
	}
	if left, _ := os.ReadDir(backups); len(left) != 0 {
		t.Fatalf("left in backups: %v", left)
	}

	// With room, a reader's open (the command line's summary) upgrades,
	// and is told once the copy is whole.
	opt.ReadOnly = true
	opt.Upgrading = func(u Upgrade) {
		told = append(told, u)
		if got := fileContent(t, u.Copy); !reflect.DeepEqual(got, before) {
			t.Errorf("the copy does not read as the file did before the upgrade (%d keys, want %d)", len(got), len(before))
		}
	}
	s, err := Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Meta(t.Context()); m.SchemaVersion != SchemaVersion {
		t.Errorf("schema %d after the upgrade", m.SchemaVersion)
	}
	s.Close()
	if len(told) != 1 || told[0].From != 8 || told[0].To != SchemaVersion || filepath.Dir(told[0].Copy) != backups ||
		!strings.HasPrefix(filepath.Base(told[0].Copy), "before-upgrade-8-20240601-") || !strings.HasSuffix(told[0].Copy, ".db") {
		t.Fatalf("told %+v", told)
	}
	if got := fileContent(t, told[0].Copy); !reflect.DeepEqual(got, before) {
		t.Error("the copy changed with the upgrade")
	}
	if th := told[0].Sentence().Thai; !strings.Contains(th, told[0].Copy) || !strings.Contains(th, "รุ่นก่อน") {
		t.Errorf("the clerk's line: %s", th)
	}
	entries, _ := os.ReadDir(backups)
	if len(entries) != 1 {
		t.Errorf("backups holds %v, want the copy alone", entries)
	}

	// Upgraded, the file opens without a copy; so does a new one.
	s, err = Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	opt.ReadOnly = false
	s, err = Open(filepath.Join(dir, "new.db"), opt)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if entries, _ := os.ReadDir(backups); len(told) != 1 || len(entries) != 1 {
		t.Errorf("a current file was copied: told %v, backups %v", told, entries)
	}

	// The upgrade from 8 cut short (a kill): the open that began it kept
	// the copy of the file of layout 8; the next one finishes without a
	// copy of the half-upgraded file.
	cutDir := t.TempDir()
	cutPath := filepath.Join(cutDir, "qm.db")
	schema8File(t, cutPath)
	db, err := bbolt.Open(cutPath, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	cut := &Store{db: db, path: cutPath}
	if err := cut.update(startRecode); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if s, err = Open(cutPath, opt); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if entries, _ := os.ReadDir(filepath.Join(cutDir, "backups")); len(told) != 1 || len(entries) != 0 {
		t.Errorf("an upgrade cut short was copied half-way: told %v, backups %v", told, entries)
	}
}

// A copy cut short by a kill (its temporary file) is removed by the next
// copy once old, never while it may still be written.
func TestStaleUpgradeCopiesGo(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, ".before-upgrade-8-20240601-160000.db-123.tmp")
	fresh := filepath.Join(dir, ".before-upgrade-8-20240601-160001.db-456.tmp")
	other := filepath.Join(dir, ".before-import-20240601-160000.db-789.tmp")
	for _, p := range []string{stale, fresh, other} {
		os.WriteFile(p, []byte("x"), 0o600)
	}
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(stale, old, old)
	os.Chtimes(other, old, old)
	removeStaleUpgradeCopies(dir, time.Hour)
	for p, want := range map[string]bool{stale: false, fresh: true, other: true} {
		if exists(p) != want {
			t.Errorf("%s there: %v, want %v", filepath.Base(p), !want, want)
		}
	}
}
