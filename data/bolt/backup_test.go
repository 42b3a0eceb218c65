package bolt

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// sourceState reads the size, transaction and page size of a closed or
// quiet database file, and its bytes.
func sourceState(t *testing.T, s *Store) (size int64, txid, pageSize int, raw []byte) {
	t.Helper()
	s.db.View(func(tx *bbolt.Tx) error {
		size, txid = tx.Size(), tx.ID()
		return nil
	})
	raw, err := os.ReadFile(s.path)
	if err != nil {
		t.Fatal(err)
	}
	return size, txid, s.db.Info().PageSize, raw
}

// The backup of a quiet database holds exactly its pages below the
// high-water mark, opens at the same transaction, and progress is
// reported step by step up to the total.
func TestBackupIsTheSourceByteForByte(t *testing.T) {
	dir := tempDir(t) // also under Wine
	s := fillProblems(t, filepath.Join(dir, "qm.db"), 20000)
	defer s.Close()
	ctx := context.Background()
	size, txid, pageSize, raw := sourceState(t, s)

	var calls, last, total int64
	backup := filepath.Join(dir, "backup.db")
	err := s.Backup(ctx, backup, func(done, all int64) {
		if done < last || (total != 0 && all != total) {
			t.Errorf("progress went from %d to %d of %d (total was %d)", last, done, all, total)
		}
		calls++
		last, total = done, all
	})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2*size || last != total {
		t.Errorf("progress ended at %d of %d; the copy is %d bytes (written and read back: %d)", last, total, size, 2*size)
	}
	if calls < size/sumBlock || calls > 400 { // at least once a MiB of the copy
		t.Errorf("progress was reported %d times for %d bytes", calls, size)
	}
	got, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(got)) != size {
		t.Fatalf("backup is %d bytes, the data %d", len(got), size)
	}
	if !bytes.Equal(got[2*pageSize:], raw[2*pageSize:size]) {
		t.Fatal("the backup's pages differ from the database's")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(backup), ".*.tmp")); len(left) > 0 {
		t.Errorf("the temporary file is left: %v", left)
	}
	b, err := Open(backup, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.db.View(func(tx *bbolt.Tx) error {
		if tx.ID() != txid {
			t.Errorf("backup opens at transaction %d, source %d", tx.ID(), txid)
		}
		return nil
	})
	if sz, _ := b.Sizes(ctx); sz.Problems != 20000 {
		t.Errorf("backup holds %d problems", sz.Problems)
	}
	if rep, err := b.Check(ctx); err != nil || !rep.OK() {
		t.Errorf("backup check: %v %v", err, rep.Problems)
	}
}

// A backup cancelled half way leaves no file, neither the backup nor its
// temporary copy; one cancelled before it starts writes nothing.
func TestBackupCancelledLeavesNoFile(t *testing.T) {
	dir := tempDir(t) // also under Wine
	s := fillProblems(t, filepath.Join(dir, "qm.db"), 20000)
	defer s.Close()
	backup := filepath.Join(dir, "backup.db")
	for _, at := range []float64{0.2, 0.7} { // writing; reading back
		ctx, cancel := context.WithCancel(context.Background())
		var stopped int64
		err := s.Backup(ctx, backup, func(done, total int64) {
			if stopped == 0 && float64(done) >= at*float64(total) {
				stopped = done
				cancel()
			}
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled at %.0f%%: %v", at*100, err)
		}
		if stopped == 0 {
			t.Fatal("never cancelled")
		}
		if left := besides(t, dir); len(left) != 0 {
			t.Errorf("cancelled at %.0f%%: files left beside the database: %v", at*100, left)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Backup(ctx, backup, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before: %v", err)
	}
	if left := besides(t, dir); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}
}

// A record that no longer reads does not stop a backup (the repair needs
// it), but a restore from that backup is refused, since Restore checks
// every record.
func TestBackupOfADamagedDatabase(t *testing.T) {
	s, ctx := openTest(t)
	for i := range 20 {
		if err := s.CreateHousehold(ctx, newHousehold(i+1, "410101")); err != nil {
			t.Fatal(err)
		}
	}
	var saved []byte
	s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketHouseholds)
		saved = append([]byte(nil), b.Get(itob(7))...)
		return b.Put(itob(7), []byte("{not json"))
	})
	if rep, err := s.Check(ctx); err == nil && rep.OK() {
		t.Fatal("the damage is not seen by Check")
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, backup, nil); err != nil {
		t.Fatalf("backup of a damaged database: %v", err)
	}
	target := filepath.Join(t.TempDir(), "live.db")
	if _, err := Restore(ctx, backup, target, func() string { return "x" }); err == nil {
		t.Fatal("restored from a backup that fails its check")
	}
	// Put the record back so that openTest's final check passes.
	s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketHouseholds).Put(itob(7), saved) })
}

// A disk without room for the copy: refused at once, in Thai, with
// nothing written.
func TestBackupRefusedWhenTheDiskIsFull(t *testing.T) {
	s, ctx := openTest(t)
	real := freeSpace
	t.Cleanup(func() { freeSpace = real })
	freeSpace = func(string) (int64, bool) { return 10 << 20, true }
	dir := t.TempDir()
	err := s.Backup(ctx, filepath.Join(dir, "backup.db"), nil)
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "พื้นที่ว่างในดิสก์ไม่พอ") {
		t.Fatalf("full disk: %v / %s", err, data.ErrorMessage(err))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
	// Where the system cannot tell, the backup goes ahead.
	freeSpace = func(string) (int64, bool) { return 0, false }
	if err := s.Backup(ctx, filepath.Join(dir, "backup.db"), nil); err != nil {
		t.Fatal(err)
	}
	if free, ok := real(dir); !ok || free <= 0 {
		t.Errorf("this system's free space: %d, %v", free, ok)
	}
}

// The check of the copy catches bytes that differ from those written.
func TestVerifyCopyCatchesADifferentByte(t *testing.T) {
	dir := tempDir(t) // also under Wine
	s := fillProblems(t, filepath.Join(dir, "qm.db"), 2000)
	defer s.Close()
	path := filepath.Join(dir, "copy.db")
	var src copyFacts
	var sums []uint32
	err := s.db.View(func(tx *bbolt.Tx) error {
		src = copyFacts{size: tx.Size(), txid: tx.ID()}
		src.version, _ = schemaVersion(tx)
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		sums, err = writeCopy(context.Background(), f, tx, newReporter(2*src.size, nil))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyCopy(context.Background(), path, src, sums, newReporter(2*src.size, nil)); err != nil {
		t.Fatalf("a good copy: %v", err)
	}
	f, _ := os.OpenFile(path, os.O_RDWR, 0)
	f.WriteAt([]byte{0xff}, src.size-100)
	f.Close()
	if err := verifyCopy(context.Background(), path, src, sums, newReporter(2*src.size, nil)); data.ErrorCode(err) != data.EINVALID {
		t.Fatalf("a changed byte: %v", err)
	}
	other := src
	other.txid++
	os.Remove(path)
	s.db.View(func(tx *bbolt.Tx) error {
		f, _ := os.Create(path)
		sums, _ = writeCopy(context.Background(), f, tx, newReporter(2*src.size, nil))
		return nil
	})
	if err := verifyCopy(context.Background(), path, other, sums, newReporter(2*src.size, nil)); data.ErrorCode(err) != data.EINVALID {
		t.Fatalf("another transaction: %v", err)
	}
}

// besides lists the files in dir other than the database qm.db and its
// swap lock.
func besides(t *testing.T, dir string) (names []string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); n != "qm.db" && n != "qm.db.lock" {
			names = append(names, n)
		}
	}
	return names
}
