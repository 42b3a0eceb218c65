package bolt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// digest sums what a database holds: every key and value of every bucket
// (nested ones too), but not the audit log, its head, nor the ID
// sequences. A rollback writes an audit entry of its own and leaves a
// sequence where it got to, so those differ between "never happened" and
// "rolled back"; every record, index, counter and ledger entry must not.
func digest(t testing.TB, s *Store) string {
	t.Helper()
	h := sha256.New()
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
			if bytes.Equal(name, bucketAudit) {
				return nil
			}
			return digestBucket(h.Write, name, b)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func digestBucket(write func([]byte) (int, error), name []byte, b *bbolt.Bucket) error {
	write([]byte{'['})
	write(name)
	defer write([]byte{']'})
	return b.ForEach(func(k, v []byte) error {
		if bytes.Equal(name, bucketMeta) && bytes.Equal(k, keyAuditHead) {
			return nil
		}
		if v == nil && b.Bucket(k) != nil {
			return digestBucket(write, k, b.Bucket(k))
		}
		write([]byte{byte(len(k)), byte(len(k) >> 8)})
		write(k)
		write([]byte{byte(len(v)), byte(len(v) >> 8), byte(len(v) >> 16), byte(len(v) >> 24)})
		write(v)
		return nil
	})
}

// halfImport writes the first parts of a 10-household import into the
// database at path and stops, as a crash between two chunks would.
func halfImport(t *testing.T, path string) {
	t.Helper()
	s, err := Open(path, Options{Clock: data.FixedClock(today)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	b := batchOf(10, 1)
	st := &importState{}
	s.db.Update(func(tx *bbolt.Tx) error { return s.beginImport(ctx, tx, b, st) })
	s.db.Update(func(tx *bbolt.Tx) error { return s.applyPart(ctx, tx, b, st, 0, 0, 10) })
	s.db.Update(func(tx *bbolt.Tx) error { return s.applyPart(ctx, tx, b, st, 1, 0, 3) })
}

// newFile makes a database of province 41 with one household.
func newFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "qm.db")
	s, err := Open(path, Options{Clock: data.FixedClock(today)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
	if err := s.CreateHousehold(ctx, newHousehold(100, "410101")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path
}

func digestOf(t *testing.T, path string, opt Options) string {
	t.Helper()
	s, err := Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rep, err := s.Check(context.Background()); err != nil || !rep.OK() {
		t.Fatalf("check: %v %v", err, rep.Problems)
	}
	return digest(t, s)
}

// A reader (summary, check) of a file with an import cut short sees the
// file as it was before the import, never the part written.
func TestReadOnlyOpenRollsBackAnUnfinishedImport(t *testing.T) {
	path := newFile(t)
	before := digestOf(t, path, Options{ReadOnly: true})
	halfImport(t, path)
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := digest(t, r); got != before {
		t.Fatalf("a reader sees %s, before the import %s", got, before)
	}
	if rep, _ := r.Check(context.Background()); !rep.OK() || rep.Households != 1 {
		t.Fatalf("check: %+v", rep)
	}
}

// When the file cannot be mended now (another program holds it), the
// reader refuses and says why and what to do, rather than read it.
func TestReadOnlyOpenRefusesWhatItCannotRollBack(t *testing.T) {
	path := newFile(t)
	halfImport(t, path)
	holder, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{ReadOnly: true})
	holder.Close()
	if data.ErrorCode(err) != data.ELOCKED || !strings.Contains(data.ErrorMessage(err), "test.xlsx ค้างไม่เสร็จ") || !strings.Contains(data.ErrorMessage(err), "ปิดหน้าต่างนั้น") {
		t.Fatalf("read-only open of a held file with an unfinished import: %v / %s", err, data.ErrorMessage(err))
	}
	// Once it is free, the reader mends it and reads.
	if r, err := Open(path, Options{ReadOnly: true}); err != nil {
		t.Fatal(err)
	} else {
		r.Close()
	}
}

// A file the program may not write: refused with the way out.
func TestReadOnlyOpenRefusesAFileItCannotWrite(t *testing.T) {
	nw := &needsWriter{"การนำเข้าไฟล์ x.xlsx ค้างไม่เสร็จ", "import 1 was interrupted"}
	cause := &data.Error{Code: data.EINVALID, Err: &fs.PathError{Op: "open", Path: "qm.db", Err: fs.ErrPermission}}
	err := nw.refusal("/x/qm.db", cause)
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "คัดลอกไฟล์ไปไว้ในโฟลเดอร์ที่เขียนได้") {
		t.Fatalf("refusal: %v / %s", err, data.ErrorMessage(err))
	}
	if os.Geteuid() == 0 {
		t.Skip("root writes read-only files: the rest needs an ordinary user")
	}
	path := newFile(t)
	halfImport(t, path)
	os.Chmod(path, 0o400)
	defer os.Chmod(path, 0o600)
	_, err = Open(path, Options{ReadOnly: true})
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "เขียนไฟล์นี้ไม่ได้") {
		t.Fatalf("read-only file with an unfinished import: %v / %s", err, data.ErrorMessage(err))
	}
}

// LoadAll lands whole or not at all: a failure in a later batch, a cancel
// and a crash (here a panic that leaves the mark, then a reader's open)
// all leave the database exactly as before, and IDs start again where
// they were.
func TestLoadAllIsAllOrNothing(t *testing.T) {
	defer func(n int) { loadUndoChunk = n }(loadUndoChunk)
	loadUndoChunk = 3
	path := newFile(t)
	before := digestOf(t, path, Options{})
	bundles := func(first, n int) []data.Bundle {
		var out []data.Bundle
		for i := range n {
			out = append(out, data.Bundle{Household: *newHousehold(first+i, "410102"), Problems: []data.ProblemBundle{
				{Problem: data.Problem{Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567, Status: data.InProgress},
					Actions: []data.Action{{Date: data.NewDate(2024, 5, 2), What: "เยี่ยมบ้าน", Result: data.InProgress}}},
				{Problem: data.Problem{Category: 2, SubProblem: "ขาดแคลนน้ำดื่ม", Urgent: true, SurveyYear: 2565}},
			}})
		}
		return out
	}
	threeBatches := func(fail error) func(load func([]data.Bundle) error) error {
		return func(load func([]data.Bundle) error) error {
			for b := range 3 {
				if err := load(bundles(1+5*b, 5)); err != nil {
					return err
				}
			}
			return fail
		}
	}
	ctx := data.WithOperator(context.Background(), "tester")
	open := func() *Store {
		s, err := Open(path, Options{Clock: data.FixedClock(today)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	stop := errors.New("the generator failed")
	s := open()
	if err := s.LoadAll(ctx, threeBatches(stop)); err != stop {
		t.Fatalf("failing load: %v", err)
	}
	if got := digest(t, s); got != before {
		t.Fatalf("after a failed load: %s, before %s", got, before)
	}
	cancelled, cancel := context.WithCancel(ctx)
	err := s.LoadAll(cancelled, func(load func([]data.Bundle) error) error {
		load(bundles(1, 5))
		cancel()
		return load(bundles(6, 5))
	})
	if !errors.Is(err, context.Canceled) || digest(t, s) != before {
		t.Fatalf("cancelled load: %v, digest %s, before %s", err, digest(t, s), before)
	}
	func() {
		defer func() { recover() }()
		s.LoadAll(ctx, func(load func([]data.Bundle) error) error {
			load(bundles(1, 5))
			load(bundles(6, 5))
			panic("the program dies here")
		})
	}()
	s.Close()
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := digest(t, r); got != before {
		t.Fatalf("a reader after a crash: %s, before %s", got, before)
	}
	if rep, _ := r.Check(ctx); !rep.OK() || rep.Households != 1 {
		t.Fatalf("check after the rollback: %+v", rep)
	}
	r.Close()
	// A whole load is in, with its IDs following the household that was
	// there, and one audit entry.
	s = open()
	defer s.Close()
	n, _ := s.Audit(ctx, 0, 0)
	if err := s.LoadAll(ctx, threeBatches(nil)); err != nil {
		t.Fatal(err)
	}
	if rep, _ := s.Check(ctx); !rep.OK() || rep.Households != 16 || rep.ProblemCount != 30 || rep.Actions != 15 {
		t.Fatalf("after a whole load: %+v", rep)
	}
	if h, err := s.Household(ctx, 2); err != nil || h.Head.NationalID != validID(1) {
		t.Fatalf("first loaded household: %+v %v (IDs did not start again where they were)", h, err)
	}
	if m, _ := s.Audit(ctx, 0, 0); len(m) != len(n)+1 || m[len(m)-1].Op != "load" {
		t.Fatalf("audit: %d entries before, %d after", len(n), len(m))
	}
}

// Create puts a database at its name only once it is whole: a build that
// fails or dies leaves nothing there, and the next Create starts afresh.
func TestCreateIsWholeOrNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	ctx := context.Background()
	fill := func(s *Store) error {
		if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
			return err
		}
		return s.Load(ctx, []data.Bundle{{Household: *newHousehold(1, "410101")}})
	}
	stop := errors.New("the generator failed")
	if err := Create(path, Options{}, func(s *Store) error { fill(s); return stop }); err != stop {
		t.Fatalf("failing build: %v", err)
	}
	func() {
		defer func() { recover() }()
		Create(path, Options{}, func(s *Store) error { fill(s); panic("the program dies here") })
	}()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a build cut short left %s (%v)", path, err)
	}
	// A second Create of the same file while the first builds it waits for
	// it, then is refused as in use, leaving the first one's work alone.
	err := Create(path, Options{Clock: data.FixedClock(today)}, func(s *Store) error {
		if err := Create(path, Options{}, fill); data.ErrorCode(err) != data.ELOCKED {
			return fmt.Errorf("a second Create meanwhile: %v", err)
		}
		return fill(s)
	})
	if err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*"))
	if len(names) != 2 || names[0] != path || names[1] != swapLockPath(path) {
		t.Errorf("files beside the new database: %v (want it and its swap lock)", names)
	}
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := r.Check(ctx)
	r.Close()
	if !rep.OK() || rep.Households != 1 {
		t.Fatalf("the new database: %+v", rep)
	}
	if err := Create(path, Options{}, fill); data.ErrorCode(err) != data.ECONFLICT {
		t.Fatalf("create over an existing file: %v", err)
	}
}

// A database Create builds under a temporary name is anchored under its
// own once it has it: its check confirms the log to the end, and no
// anchor of the temporary name is left.
func TestCreateAnchorsTheFileItNames(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.db")
	opt := Options{Clock: data.FixedClock(today), AuditKeyDir: filepath.Join(dir, "config")}
	ctx := context.Background()
	err := Create(path, opt, func(s *Store) error {
		if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
			return err
		}
		return s.Load(ctx, []data.Bundle{{Household: *newHousehold(1, "410101")}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".audit"); err != nil {
		t.Errorf("no anchor beside the new file: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.tmp*")); len(left) != 0 {
		t.Errorf("left beside it: %v", left)
	}
	s, err := Open(path, Options{ReadOnly: true, AuditKeyDir: opt.AuditKeyDir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := s.Check(ctx)
	if err != nil || !rep.OK() || len(rep.Audit.Unverified) != 0 || rep.Audit.Head.Seq == 0 {
		t.Fatalf("check: %v %+v", err, rep)
	}
}
