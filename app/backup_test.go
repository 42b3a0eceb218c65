package app_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"qmdesk/app"
	"qmdesk/data"
)

// writeBackup makes a file of size bytes in dir, dated age ago.
func writeBackup(t *testing.T, dir, name string, size int, age time.Duration) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-age)
	os.Chtimes(path, at, at)
	return path
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestPruneBackupsByCountAndSize(t *testing.T) {
	dir := t.TempDir()
	// Eight automatic backups of 100 bytes, the oldest first by their time
	// (names in another order, to show the time decides), and files that
	// are not automatic backups.
	for i, name := range []string{"h", "g", "f", "e", "d", "c", "b", "a"} {
		writeBackup(t, dir, "before-import-"+name+".db", 100, time.Duration(8-i)*time.Hour)
	}
	writeBackup(t, dir, "qmdesk-backup-mine.db", 100, 100*time.Hour)
	writeBackup(t, dir, "before-import-notes.txt", 100, 100*time.Hour)
	writeBackup(t, dir, "before-import-cut.db.tmp", 100, 100*time.Hour)
	writeBackup(t, dir, ".before-import-cut2.db-123456.tmp", 100, 100*time.Hour)
	writeBackup(t, dir, ".hidden-of-someone-else.tmp", 100, 100*time.Hour)
	writeBackup(t, dir, "before-import-h.db.audit", 10, 100*time.Hour) // the oldest's anchor

	// By count: the five newest stay; the cut-short temporary files go.
	if _, err := app.PruneBackups(dir, app.BackupPolicy{Keep: 5, MaxBytes: 1 << 30}); err != nil {
		t.Fatal(err)
	}
	want := []string{".hidden-of-someone-else.tmp", "before-import-a.db", "before-import-b.db", "before-import-c.db", "before-import-d.db", "before-import-e.db", "before-import-notes.txt", "qmdesk-backup-mine.db"}
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Fatalf("by count: %v, want %v", got, want)
	}
	// By size: 250 bytes hold the two newest.
	if _, err := app.PruneBackups(dir, app.BackupPolicy{Keep: 5, MaxBytes: 250}); err != nil {
		t.Fatal(err)
	}
	want = []string{".hidden-of-someone-else.tmp", "before-import-a.db", "before-import-b.db", "before-import-notes.txt", "qmdesk-backup-mine.db"}
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Fatalf("by size: %v, want %v", got, want)
	}
	// The newest stays even when it alone is over the budget.
	writeBackup(t, dir, "before-import-z.db", 1000, 0)
	removed, err := app.PruneBackups(dir, app.BackupPolicy{Keep: 5, MaxBytes: 250})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{".hidden-of-someone-else.tmp", "before-import-notes.txt", "before-import-z.db", "qmdesk-backup-mine.db"}
	if got := names(t, dir); !slices.Equal(got, want) || len(removed) != 2 {
		t.Fatalf("over budget: %v (removed %v), want %v", got, removed, want)
	}
}

// AutoBackup copies the real database into the folder, names it by the
// clock, reports progress and keeps no more than the policy says.
func TestAutoBackupKeepsTheLastFive(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qm.db")
	s, _ := openStoreAt(t, db, data.NewDate(2024, 6, 1))
	ctx := data.WithOperator(context.Background(), "tester")
	dir := filepath.Join(t.TempDir(), "backups")
	at := time.Date(2024, 6, 1, 9, 30, 0, 0, data.ThaiTime) // names are in Thai time, whatever the computer's zone
	var paths []string
	for i := range 7 {
		clock := data.FixedClock(at.Add(time.Duration(i/2) * time.Minute)) // two within the same second
		var last, total int64
		path, err := app.AutoBackup(ctx, s, dir, clock, func(done, all int64) { last, total = done, all })
		if err != nil {
			t.Fatal(err)
		}
		if total == 0 || last != total {
			t.Errorf("backup %d: progress ended at %d of %d", i+1, last, total)
		}
		paths = append(paths, path)
	}
	if filepath.Base(paths[0]) != "before-import-20240601-093000.db" || filepath.Base(paths[1]) != "before-import-20240601-093000_2.db" {
		t.Errorf("names %s, %s", filepath.Base(paths[0]), filepath.Base(paths[1]))
	}
	got := names(t, dir)
	if len(got) != 5 {
		t.Fatalf("kept %v", got)
	}
	for _, p := range paths[2:] {
		if !slices.Contains(got, filepath.Base(p)) {
			t.Errorf("the newer backup %s was removed (kept %v)", filepath.Base(p), got)
		}
	}
	src, _ := os.Stat(db)
	if fi, err := os.Stat(paths[6]); err != nil || fi.Size() == 0 || fi.Size() > src.Size() {
		t.Errorf("backup %v, database %d bytes", fi, src.Size())
	}
}
