package bolt

import (
	"os"
	"path/filepath"
	"testing"

	bbolt "go.etcd.io/bbolt"
)

// tempDir is t.TempDir for the tests that also run under Wine, whose
// unlinkat fails ("Invalid function") for RemoveAll in t.TempDir's
// cleanup: the files and the folder are removed one by one.
func tempDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "qmdesk-bolt-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if os.RemoveAll(dir) == nil {
			return
		}
		names, _ := os.ReadDir(dir)
		for _, n := range names {
			os.Remove(filepath.Join(dir, n.Name()))
		}
		os.Remove(dir)
	})
	return dir
}

// usedAndFileSize returns the bytes bbolt uses (high-water mark × page
// size) and the size of the file, with the store closed.
func usedAndFileSize(t *testing.T, path string) (used, file int64) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: LockTimeout})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bbolt.Tx) error { used = tx.Size(); return nil })
	db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return used, fi.Size()
}

// TestReopenKeepsFileSize opens a database with some data twenty times,
// read-write, as twenty starts of the program do, and checks that the file
// stays within a small factor of the data in it. On Windows bbolt extends
// the file to the size it maps, so a reservation that follows the file
// size doubled the file at every start (run it there: GOOS=windows go test
// -c, then the .exe under Wine or Windows).
func TestReopenKeepsFileSize(t *testing.T) {
	path := filepath.Join(tempDir(t), "qm.db")
	fillProblems(t, path, 20000).Close()
	for i := range 20 {
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("open %d: %v", i+1, err)
		}
		s.Close()
		used, file := usedAndFileSize(t, path)
		t.Logf("open %2d: file %d bytes (%.1f MiB), data in use %d bytes (%.1f MiB)", i+1, file, float64(file)/(1<<20), used, float64(used)/(1<<20))
		if file > 2*used+64<<20 {
			t.Errorf("open %d: the file grew to %d bytes for %d bytes of data", i+1, file, used)
		}
	}
}

// bboltMapSize is bbolt's DB.mmapSize: powers of two up to 1 GiB, then
// whole GiB.
func bboltMapSize(size int64) int64 {
	for i := uint(15); i <= 30; i++ {
		if size <= 1<<i {
			return 1 << i
		}
	}
	if r := size % (1 << 30); r > 0 {
		size += 1<<30 - r
	}
	return size
}

// openOnWindows is what a read-write open does to the file's size on
// Windows: bbolt maps max(file, reservation), rounded by mmapSize, and
// truncates the file to that (bolt_windows.go mmap).
func openOnWindows(file int64, reserve func(goos string, file int64) int) int64 {
	return bboltMapSize(max(file, int64(reserve("windows", file))))
}

// The reservation rule as Windows sees it, twenty starts in a row: the
// file must not run away from its data. The rule before the fix (twice
// the file) fails the same check, which shows the check can fail.
func TestWindowsReservationStaysBounded(t *testing.T) {
	old := func(goos string, file int64) int { return int(max(2*file, 64<<20)) }
	for _, used := range []int64{32 << 10, 29347840, 700 << 20, 1500 << 20, 5 << 30} {
		for name, rule := range map[string]func(string, int64) int{"fixed": initialMmapSize, "old": old} {
			file, worst := used, used
			for range 20 {
				file = openOnWindows(file, rule)
				worst = max(worst, file)
			}
			bounded := !oversized(worst, used)
			if name == "fixed" && !bounded {
				t.Errorf("data %d: the file grew to %d in twenty starts", used, worst)
			}
			if name == "old" && bounded {
				t.Errorf("data %d: the old rule stayed bounded (%d): the check cannot fail", used, worst)
			}
		}
	}
	// A file an older version grew is cut back to its data at the next
	// read-write open and then stays at bbolt's own size.
	used := int64(29347840)
	file := int64(8 << 40)
	if !oversized(file, used) {
		t.Fatal("an 8 TiB file for 28 MiB of data is not seen as oversized")
	}
	file = openOnWindows(used, initialMmapSize)
	if oversized(file, used) || file < used {
		t.Fatalf("after the cut: %d for %d", file, used)
	}
	if initialMmapSize("linux", 100<<20) < 1<<30 {
		t.Error("Linux lost its address-space reservation")
	}
}

// A file that grew on Windows before the fix is given back its unused
// tail at the next read-write open, and holds the same data.
func TestOpenTrimsOversizedFile(t *testing.T) {
	path := filepath.Join(tempDir(t), "qm.db")
	fillProblems(t, path, 3000).Close()
	used, _ := usedAndFileSize(t, path)
	if err := os.Truncate(path, 4<<30); err != nil { // sparse where the file system allows
		t.Skip("cannot make a 4 GiB file here:", err)
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ro.Close()
	if _, file := usedAndFileSize(t, path); file != 4<<30 {
		t.Fatalf("a read-only open changed the file: %d", file)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sizes, _ := s.Sizes(t.Context())
	rep, err := s.Check(t.Context())
	s.Close()
	if err != nil || !rep.OK() {
		t.Fatalf("check after the cut: %v %v", err, rep.Problems)
	}
	if sizes.Problems != 3000 {
		t.Fatalf("%d problems after the cut, want 3000", sizes.Problems)
	}
	after, file := usedAndFileSize(t, path)
	t.Logf("data %d bytes; file 4 GiB → %d bytes", used, file)
	if oversized(file, after) || file < after {
		t.Fatalf("file %d for %d bytes of data after a read-write open", file, after)
	}
}

// The cut is not made while another program holds the file, nor when a
// commit changed the meta pages since they were read.
func TestCutFileRefusesHeldOrChangedFile(t *testing.T) {
	path := filepath.Join(tempDir(t), "qm.db")
	fillProblems(t, path, 1000).Close()
	used, _ := usedAndFileSize(t, path)
	os.Truncate(path, used+256<<20)
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: LockTimeout})
	if err != nil {
		t.Fatal(err)
	}
	meta, err := readHead(path, 2*db.Info().PageSize)
	if err != nil {
		t.Fatal(err)
	}
	if cutFile(path, used, meta) {
		t.Error("cut a file another program holds")
	}
	db.Close()
	// (On Windows bbolt itself extended the file to its map.)
	_, before := usedAndFileSize(t, path)
	changed := append([]byte(nil), meta...)
	changed[len(changed)-1] ^= 1
	if cutFile(path, used, changed) {
		t.Error("cut a file whose meta pages changed")
	}
	if _, file := usedAndFileSize(t, path); file != before || before < used+256<<20 {
		t.Fatalf("the file was cut to %d", file)
	}
	if !cutFile(path, used, meta) {
		t.Fatal("did not cut a free, unchanged file")
	}
	if _, file := usedAndFileSize(t, path); file != used {
		t.Fatalf("cut to %d, want %d", file, used)
	}
}
