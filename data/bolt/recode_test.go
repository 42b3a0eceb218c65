package bolt

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// schema8File makes a database of 40 households with problems and actions
// in the layout of schema 8 (every record JSON) and returns what it holds,
// read through the store before it was made old.
func schema8File(t *testing.T, path string) (want registerState) {
	t.Helper()
	s, err := Open(path, Options{NoSync: true, Clock: data.FixedClock(today)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := data.WithOperator(context.Background(), "นางสาวสมศรี ใจดี")
	s.Init(ctx, "41", data.DefaultRound())
	var bundles []data.Bundle
	for i := 1; i <= 40; i++ {
		h := newHousehold(i, []string{"410101", "410102", "410201"}[i%3])
		h.HouseNo, h.VillageNo, h.VillageName, h.Members = fmt.Sprintf("%d/%d", i, i%7), i%12+1, "บ้านหนองบัว \"ใต้\"", i%6
		b := data.Bundle{Household: *h}
		for j := 0; j < 1+i%3; j++ {
			pb := data.ProblemBundle{Problem: data.Problem{Category: data.Category(j%7 + 1), SubProblem: "หนี้สิน", Detail: "ค้างชำระ ธ.ก.ส. <50,000> บาท",
				SurveyYear: []int{2565, 2567}[i%2], Status: data.Statuses[(i+j)%5], CloseReason: "ย้ายออก", Urgent: i%5 == 0, LeadAgency: "อบต."}}
			for k := 0; k < i%4; k++ {
				pb.Actions = append(pb.Actions, data.Action{Date: data.NewDate(2024, 5, 1+k), Agency: "พัฒนาชุมชน", What: "เยี่ยมบ้าน", Budget: int64(k * 150000)})
			}
			b.Problems = append(b.Problems, pb)
		}
		bundles = append(bundles, b)
	}
	if err := s.Load(ctx, bundles); err != nil {
		t.Fatal(err)
	}
	want = stateOf(t, s)
	if err := s.db.Update(func(tx *bbolt.Tx) error {
		legacyJSON(t, tx)
		perKeySums(t, tx)
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(8))
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return want
}

// registerState is every household, problem and action, as the store
// reads them.
type registerState struct {
	households []data.Household
	problems   [][]data.Problem
	actions    []data.Action
}

func stateOf(t *testing.T, s *Store) (st registerState) {
	t.Helper()
	ctx := context.Background()
	if err := s.Walk(ctx, func(h data.Household, ps []data.Problem) error {
		st.households, st.problems = append(st.households, h), append(st.problems, ps)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.WalkActions(ctx, func(a data.Action) error { st.actions = append(st.actions, a); return nil }); err != nil {
		t.Fatal(err)
	}
	return st
}

// encodingsOf counts the records of each layout in the three buckets of
// the file at path.
func encodingsOf(t *testing.T, path string) (compact, json int) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return encodingsIn(db)
}

func encodingsIn(db *bbolt.DB) (compact, json int) {
	db.View(func(tx *bbolt.Tx) error {
		for _, b := range recodeBuckets {
			tx.Bucket(b).ForEach(func(k, v []byte) error {
				if isJSON(v) {
					json++
				} else {
					compact++
				}
				return nil
			})
		}
		return nil
	})
	return compact, json
}

// A file of schema 8 opened by this version: its records are rewritten
// in the compact encoding, a few at a time; cut short (as a kill between
// two of its transactions leaves it), the file is refused by a program of
// schema 8, a reader says it needs upgrading while it cannot be written,
// and the next open finishes the upgrade. Nothing is lost or changed.
func TestUpgradeFromSchema8(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qm.db")
	want := schema8File(t, path)
	if c, j := encodingsOf(t, path); c != 0 || j < 150 {
		t.Fatalf("the schema-8 file holds %d compact records and %d JSON", c, j)
	}
	defer func(n int) { recodeChunk = n }(recodeChunk)
	recodeChunk = 7

	// A reader, while another program holds the file.
	holder, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{ReadOnly: true})
	holder.Close()
	if data.ErrorCode(err) != data.ELOCKED || !strings.Contains(data.ErrorMessage(err), "รูปแบบของ qmdesk รุ่นก่อน") || !strings.Contains(err.Error(), "schema 8 needs upgrading") {
		t.Fatalf("read-only open of a held schema-8 file: %v / %s", err, data.ErrorMessage(err))
	}

	// The upgrade cut short: its start and five chunks committed.
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	cut := &Store{db: db, path: path}
	if err := cut.update(startRecode); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if err := cut.update(func(tx *bbolt.Tx) error { _, err := recodeStep(tx); return err }); err != nil {
			t.Fatal(err)
		}
	}
	var version int
	db.View(func(tx *bbolt.Tx) error { version, _ = schemaVersion(tx); return nil })
	db.Close()
	if c, j := encodingsOf(t, path); c != 5*recodeChunk || j == 0 || version != 9 {
		t.Fatalf("cut short: version %d, %d compact records, %d JSON; want version 9 (refused by schema 8) and %d compact", version, c, j, 5*recodeChunk)
	}
	holder, _ = bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	_, err = Open(path, Options{ReadOnly: true})
	holder.Close()
	if data.ErrorCode(err) != data.ELOCKED || !strings.Contains(data.ErrorMessage(err), "รูปแบบของ qmdesk รุ่นก่อน") {
		t.Fatalf("read-only open of a held file cut short in its upgrade: %v / %s", err, data.ErrorMessage(err))
	}

	// A reader's open, once the file is free, finishes the upgrade.
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if c, j := encodingsOf(t, path); j != 0 || c != 40+len(want.actions)+count(want.problems) {
		t.Errorf("after the upgrade: %d compact records, %d JSON", c, j)
	}
	if rep, err := s.Check(context.Background()); err != nil || !rep.OK() {
		t.Fatalf("check after the upgrade: %v %v", err, rep.Problems)
	}
	if m, _ := s.Meta(context.Background()); m.SchemaVersion != SchemaVersion {
		t.Errorf("schema %d after the upgrade", m.SchemaVersion)
	}
	s.db.View(func(tx *bbolt.Tx) error {
		if recoding(tx) {
			t.Error("the upgrade's mark is still there")
		}
		return nil
	})
	if got := stateOf(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("after the upgrade the register reads\n%+v\nwant\n%+v", got, want)
	}
}

func count(pss [][]data.Problem) (n int) {
	for _, ps := range pss {
		n += len(ps)
	}
	return n
}

// The upgrade rewrites no record that is damaged or was changed behind
// the program's back: they stay as found, and Check names them after it
// as it would have before.
func TestUpgradeTo9LeavesDamagedRecordsAsFound(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qm.db")
	schema8File(t, path)
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	var changed, unreadable []byte
	db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketHouseholds)
		changed = bytes.Replace(b.Get(itob(3)), []byte(`"origin":1`), []byte(`"origin":2`), 1)
		b.Put(itob(3), changed) // its checksum is the old value's
		p := tx.Bucket(bucketProblems)
		unreadable = regexp.MustCompile(`"target_date":"[^"]*"`).ReplaceAll(p.Get(itob(5)), []byte(`"target_date":"2024-02-31"`))
		return put(tx, bucketProblems, itob(5), unreadable)
	})
	db.Close()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if c, j := encodingsIn(s.db); j != 2 || c == 0 {
		t.Fatalf("after the upgrade: %d compact records, %d JSON; want the 2 damaged ones JSON", c, j)
	}
	s.db.View(func(tx *bbolt.Tx) error {
		if !bytes.Equal(tx.Bucket(bucketHouseholds).Get(itob(3)), changed) || !bytes.Equal(tx.Bucket(bucketProblems).Get(itob(5)), unreadable) {
			t.Error("a damaged record was rewritten")
		}
		return nil
	})
	rep, err := s.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(rep.Problems, "\n")
	for _, want := range []string{"household 3: its content differs from its checksum", "problem 5 unreadable"} {
		if !strings.Contains(all, want) {
			t.Errorf("check after the upgrade does not say %q:\n%s", want, all)
		}
	}
}

// A backup made by the version before (schema 8) restores: the restored
// database is upgraded and holds what the backup held.
func TestRestoreFromASchema8Backup(t *testing.T) {
	dir := t.TempDir()
	backup := filepath.Join(dir, "backup-8.db")
	want := schema8File(t, backup)
	live := newFile(t)
	if _, err := Restore(context.Background(), backup, live, func() string { return "t" }); err != nil {
		t.Fatal(err)
	}
	s, err := Open(live, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rep, err := s.Check(context.Background()); err != nil || !rep.OK() {
		t.Fatalf("check of the restored file: %v %v", err, rep.Problems)
	}
	if m, _ := s.Meta(context.Background()); m.SchemaVersion != SchemaVersion {
		t.Errorf("restored file of schema %d", m.SchemaVersion)
	}
	if got := stateOf(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("the restored register differs from the backup's")
	}
	if c, j := encodingsIn(s.db); j != 0 || c == 0 {
		t.Errorf("restored: %d compact records, %d JSON", c, j)
	}
}

// damagedSchema8File is schema8File with what the upgrade must keep as
// found or carry over: a household changed behind the program's back (its
// sum is the old value's), a problem that cannot be read, a problem
// without a sum, and an action stored a second time under another problem
// (its sum a key of its own, as the upgrade to block sums leaves a second
// action of an ID).
func damagedSchema8File(t *testing.T, path string) {
	t.Helper()
	schema8File(t, path)
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bbolt.Tx) error {
		h := tx.Bucket(bucketHouseholds)
		if err := h.Put(itob(3), bytes.Replace(h.Get(itob(3)), []byte(`"origin":1`), []byte(`"origin":2`), 1)); err != nil {
			return err
		}
		p := tx.Bucket(bucketProblems)
		if err := put(tx, bucketProblems, itob(5), regexp.MustCompile(`"target_date":"[^"]*"`).ReplaceAll(p.Get(itob(5)), []byte(`"target_date":"2024-02-31"`))); err != nil {
			return err
		}
		if err := tx.Bucket(bucketSums).Delete(key(sumTag(bucketProblems, itob(7)), itob(7))); err != nil {
			return err
		}
		ak, av := tx.Bucket(bucketActions).Cursor().First()
		twin := key(btoi(ak)+1000, idAtEnd(ak))
		return put(tx, bucketActions, twin, bytes.Clone(av))
	}); err != nil {
		t.Fatal(err)
	}
}

// fileContent is every key and value of every bucket of the file at path.
func fileContent(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	all := map[string]string{}
	var walk func(prefix string, b *bbolt.Bucket)
	walk = func(prefix string, b *bbolt.Bucket) {
		b.ForEach(func(k, v []byte) error {
			if v == nil {
				walk(prefix+string(k)+"/", b.Bucket(k))
			} else {
				all[prefix+string(k)] = string(v)
			}
			return nil
		})
	}
	db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
			walk(string(name)+"/", b)
			return nil
		})
	})
	return all
}

// The records of a schema-8 file are rewritten after the steps to
// SchemaVersion, with their sums in blocks: the file comes out as the
// order before left it (the records rewritten at 9 with a sum a key, the
// steps after), damage and all, and an upgrade cut short after any of
// its transactions (as a kill leaves it) is finished by the next open to
// the same file.
func TestUpgradeFromSchema8InAnyCut(t *testing.T) {
	defer func(n int) { recodeChunk = n }(recodeChunk)
	recodeChunk = 20
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.db")
	damagedSchema8File(t, seed)
	copyOf := func(name string) string {
		path := filepath.Join(dir, name)
		if err := streamCopy(seed, path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	open := func(path string) *Store {
		t.Helper()
		s, err := Open(path, Options{Clock: data.FixedClock(today)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	problemsOf := func(path string) []string {
		t.Helper()
		s := open(path)
		defer s.Close()
		rep, err := s.Check(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return rep.Problems
	}

	// The order before: every record rewritten at 9, then the steps.
	before := copyOf("before.db")
	db, err := bbolt.Open(before, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	old := &Store{db: db, path: before}
	if err := old.update(startRecode); err != nil {
		t.Fatal(err)
	}
	for done := false; !done; {
		if err := old.update(func(tx *bbolt.Tx) (err error) { done, err = recodeStep(tx); return err }); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	open(before).Close()
	want, wantProblems := fileContent(t, before), problemsOf(before)
	if c, j := encodingsOf(t, before); j != 3 || c == 0 {
		t.Fatalf("the order before: %d compact records, %d JSON; want the 3 damaged or unsummed ones JSON", c, j)
	}
	if len(wantProblems) == 0 {
		t.Fatal("check finds nothing in the damaged file upgraded")
	}

	// This order, cut short after n of its transactions: the mark, the
	// steps to 10, 11 and 12, the chunks of records.
	for n := 0; ; n++ {
		path := copyOf(fmt.Sprintf("cut%d.db", n))
		db, err := bbolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		cut := &Store{db: db, path: path}
		txs := []func() error{
			func() error { return cut.update(startRecode) },
			cut.migrateRefs, cut.migrateBlockSums, cut.migratePostings,
		}
		ran, finished := 0, false
		for ; ran < n && ran < len(txs); ran++ {
			if err := txs[ran](); err != nil {
				t.Fatal(err)
			}
		}
		for ; ran < n; ran++ {
			if err := cut.update(func(tx *bbolt.Tx) (err error) { finished, err = recodeStep(tx); return err }); err != nil {
				t.Fatal(err)
			}
			if finished {
				break
			}
		}
		var version int
		var marked bool
		db.View(func(tx *bbolt.Tx) error { version, _ = schemaVersion(tx); marked = recoding(tx); return nil })
		db.Close()
		if n > 0 && !finished {
			if !marked || version < 9 {
				t.Fatalf("cut after %d transactions: version %d, marked %v", n, version, marked)
			}
			if s, err := Open(path, Options{ReadOnly: true}); err == nil {
				// Free, a read-only open finishes the upgrade; held, it
				// says the file needs upgrading.
				s.Close()
			}
		}
		open(path).Close()
		if got := fileContent(t, path); !reflect.DeepEqual(got, want) {
			for k, v := range want {
				if got[k] != v {
					t.Errorf("cut after %d transactions: %q is %x, want %x", n, k, got[k], v)
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("cut after %d transactions: %q should not be there", n, k)
				}
			}
			t.FailNow()
		}
		if got := problemsOf(path); !reflect.DeepEqual(got, wantProblems) {
			t.Fatalf("cut after %d transactions, check says\n%s\nwant\n%s", n, strings.Join(got, "\n"), strings.Join(wantProblems, "\n"))
		}
		if finished {
			if n < 10 {
				t.Fatalf("only %d transactions: the chunks were not small", n)
			}
			return
		}
	}
}

// The chunks read ahead are the chunks the write transactions take, mark
// for mark; a record whose value read ahead is not the one its
// transaction finds is decoded anew, and a chunk read from another mark
// is not used.
func TestRecodeReadAhead(t *testing.T) {
	defer func(n int) { recodeChunk = n }(recodeChunk)
	recodeChunk = 20
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.db")
	damagedSchema8File(t, seed)
	want := filepath.Join(dir, "want.db")
	if err := streamCopy(seed, want); err != nil {
		t.Fatal(err)
	}
	s, err := Open(want, Options{Clock: data.FixedClock(today)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	path := filepath.Join(dir, "qm.db")
	if err := streamCopy(seed, path); err != nil {
		t.Fatal(err)
	}
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	s = &Store{db: db, path: path}
	for _, step := range []func() error{func() error { return s.update(startRecode) }, s.migrateRefs, s.migrateBlockSums, s.migratePostings} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	var mark []byte
	s.view(func(tx *bbolt.Tx) error { mark = bytes.Clone(tx.Bucket(bucketMeta).Get(keyRecoding)); return nil })
	ahead, stop := make(chan *decodedChunk, 1), make(chan struct{})
	go s.readAhead(mark, ahead, stop)
	defer close(stop)
	chunks := 0
	for done := false; !done; chunks++ {
		dc := <-ahead
		if dc == nil {
			t.Fatalf("read ahead stopped after %d chunks", chunks)
		}
		var at []byte
		s.view(func(tx *bbolt.Tx) error { at = bytes.Clone(tx.Bucket(bucketMeta).Get(keyRecoding)); return nil })
		if !bytes.Equal(dc.mark, at) {
			t.Fatalf("chunk %d read ahead from mark %x; the transaction is at %x", chunks, dc.mark, at)
		}
		switch chunks {
		case 1: // a value read ahead that is no longer the file's
			dc.vals[0] = []byte(`{"id":1}`)
			dc.outs[0] = []byte("not a record")
		case 2: // a chunk from another mark
			dc.mark = []byte{0}
			for i := range dc.outs {
				dc.outs[i] = []byte("not a record")
			}
		}
		if err := s.update(func(tx *bbolt.Tx) (err error) { done, err = recodeChunkStep(tx, dc); return err }); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if chunks < 5 {
		t.Fatalf("%d chunks", chunks)
	}
	if !reflect.DeepEqual(fileContent(t, path), fileContent(t, want)) {
		t.Error("the records rewritten with chunks read ahead differ from the upgrade's")
	}
}
