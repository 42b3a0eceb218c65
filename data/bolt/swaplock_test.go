package bolt

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qmdesk/data"
)

// TestRestoreLosesNoImport restores a backup again and again while
// importers and readers open the database all the time, each open its own
// bbolt handle (flock locks of separate opens exclude each other, in one
// process as between two). Every import that reported success must be in
// exactly one file: the database kept aside by the restore that followed
// it, or the final database. Before the swap lock, an import that opened
// the file in the moment between Restore letting go of it and renaming the
// backup into place wrote into a file on its way out, and was in neither.
func TestRestoreLosesNoImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	s, err := Open(db, Options{Clock: data.FixedClock(today)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := data.WithOperator(context.Background(), "tester")
	s.Init(ctx, "41", data.DefaultRound())
	backup := filepath.Join(dir, "backup.db")
	if err := s.Backup(ctx, backup, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()

	const restores = 8
	stop := make(chan struct{})
	var mu sync.Mutex
	var imported []string // national IDs of the imports that succeeded
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				first := 1_000_000*(g+1) + n
				s, err := Open(db, Options{Clock: data.FixedClock(today)})
				if data.ErrorCode(err) == data.ELOCKED {
					continue
				} else if err != nil {
					t.Errorf("importer open: %v", err)
					return
				}
				_, err = s.CommitImport(ctx, batchOf(1, first))
				if cerr := s.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					t.Errorf("import: %v", err)
					return
				}
				mu.Lock()
				imported = append(imported, validID(first))
				mu.Unlock()
			}
		}()
	}
	wg.Add(1)
	go func() { // a reader, as summary or check would
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			r, err := Open(db, Options{ReadOnly: true})
			if data.ErrorCode(err) == data.ELOCKED {
				continue
			} else if err != nil {
				t.Errorf("reader open: %v", err)
				return
			}
			if rep, err := r.Check(ctx); err != nil || !rep.OK() {
				t.Errorf("reader check: %v %v", err, rep.Problems)
			}
			r.Close()
		}
	}()
	var kept []string
	for len(kept) < restores && !t.Failed() {
		time.Sleep(20 * time.Millisecond)
		// Every restore in the same second, as a clerk's clicks can be:
		// their kept copies must still be distinct.
		k, err := Restore(ctx, backup, db, func() string { return "20261201-010915" })
		if data.ErrorCode(err) == data.ELOCKED {
			continue
		} else if err != nil {
			t.Errorf("restore: %v", err)
			break
		}
		kept = append(kept, k)
	}
	close(stop)
	wg.Wait()
	if t.Failed() {
		return
	}

	found := map[string]int{}
	for _, f := range append(kept, db) {
		r, err := Open(f, Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		hs, err := r.Households(ctx, data.HouseholdFilter{})
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hs {
			found[h.Head.NationalID]++
		}
	}
	lost := 0
	for _, id := range imported {
		if found[id] != 1 {
			lost++
			if lost <= 5 {
				t.Errorf("import of %s reported success; it is in %d files", id, found[id])
			}
		}
	}
	t.Logf("%d restores, %d imports, %d lost", len(kept), len(imported), lost)
	if len(imported) < restores {
		t.Errorf("only %d imports went through between %d restores: the test proved little", len(imported), restores)
	}
}

// An open that meets a swap under way waits for it LockTimeout at most,
// then says the database is in use, in the clerk's words; once the swap
// is over, the database opens.
func TestOpenDuringASwapFailsWithinLockTimeout(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qm.db")
	s, err := Open(db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	swap, err := lockSwap(db, true, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []Options{{}, {ReadOnly: true}} {
		start := time.Now()
		_, err := Open(db, opt)
		took := time.Since(start)
		if data.ErrorCode(err) != data.ELOCKED || data.ErrorMessage(err) == "" {
			t.Fatalf("read-only %v: open during a swap: %v", opt.ReadOnly, err)
		}
		if took > LockTimeout+time.Second {
			t.Errorf("read-only %v: refused after %v; it waits %v at most", opt.ReadOnly, took, LockTimeout)
		}
	}
	swap.release()
	if s, err := Open(db, Options{ReadOnly: true}); err != nil {
		t.Fatalf("after the swap: %v", err)
	} else {
		s.Close()
	}
}

// A reader does not make the lock file (a backup on a read-only disk, a
// folder the clerk may only read): without one, it opens all the same.
func TestReaderNeedsNoLockFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qm.db")
	s, err := Open(db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Init(context.Background(), "41", data.DefaultRound())
	s.Close()
	if err := os.Remove(swapLockPath(db)); err != nil {
		t.Fatalf("a writer's open made no lock file: %v", err)
	}
	r, err := Open(db, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if _, err := os.Stat(swapLockPath(db)); !os.IsNotExist(err) {
		t.Errorf("a reader made the lock file (%v)", err)
	}
}

// A restore of the database onto itself is refused at once for what it
// is, not after waiting as "open in another window".
func TestRestoreOntoItselfIsRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qm.db")
	s, err := Open(db, Options{Clock: data.FixedClock(today)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Restore(context.Background(), db, filepath.Join(filepath.Dir(db), ".", "qm.db"), func() string { return "x" })
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "ทับตัวเอง") {
		t.Fatalf("restore onto itself: %v", err)
	}
}
