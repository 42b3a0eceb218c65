package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// sampleDB writes a small real database to path: two rounds, 60
// households with problems and actions loaded, an import with its ledger,
// rows and undo entries, edits and a new sub-problem. Its households
// and problems fill several pages each, so that their trees have branch
// pages.
func sampleDB(tb testing.TB, path string) {
	tb.Helper()
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	s.Clock = data.FixedClock(today)
	ctx := data.WithOperator(context.Background(), "ผู้ทดสอบ")
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		tb.Fatal(err)
	}
	var bundles []data.Bundle
	for i := 1; i <= 60; i++ {
		b := data.Bundle{Household: *newHousehold(i, []string{"410101", "410102", "410201"}[i%3])}
		b.Household.Head.Phone = "0812345678"
		for j := 0; j < 1+i%3; j++ {
			b.Problems = append(b.Problems, data.ProblemBundle{
				Problem: data.Problem{Category: data.Category((i+j)%7 + 1), SubProblem: "หนี้สิน", SurveyYear: 2565, Status: data.Statuses[(i+j)%4],
					CloseReason: "ย้ายออก", Urgent: i%5 == 0, TargetDate: data.NewDate(2024, time.Month(3+i%6), 1+j), LeadAgency: "อบต."},
				Actions: []data.Action{{Date: data.NewDate(2024, 4, 1+j), What: "เยี่ยมบ้าน", Agency: "พมจ.", Result: data.InProgress}},
			})
		}
		bundles = append(bundles, b)
	}
	if err := s.Load(ctx, bundles); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.CommitImport(ctx, batchOf(12, 500)); err != nil {
		tb.Fatal(err)
	}
	next := &data.Round{Name: "ติดตามต่อเนื่อง 2568", SurveyYear: 2565, Start: data.NewDate(2024, 10, 1), Deadline: data.NewDate(2025, 9, 30)}
	if err := s.CreateRound(ctx, next); err != nil {
		tb.Fatal(err)
	}
	l, _ := s.SubProblems(ctx)
	if err := s.SetSubProblems(ctx, append(l, data.SubProblem{Category: 2, Name: "น้ำท่วมขัง", Urgent: true})); err != nil {
		tb.Fatal(err)
	}
	h, _ := s.Household(ctx, 7)
	h.HouseNo = "12/3"
	if err := s.UpdateHousehold(ctx, &h); err != nil {
		tb.Fatal(err)
	}
	if err := s.AddAction(ctx, &data.Action{ProblemID: 3, Date: data.NewDate(2024, 5, 2), What: "ฝึกอาชีพ", Result: data.Solved}); err != nil {
		tb.Fatal(err)
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		tb.Fatalf("the sample database fails its check: %v %v", err, rep.Problems)
	}
}

// isThai tells whether a message is written for the clerk: Thai letters,
// no Go stack or panic.
func isThai(msg string) bool {
	for _, r := range msg {
		if unicode.Is(unicode.Thai, r) {
			return !strings.Contains(msg, "goroutine") && !strings.Contains(msg, "panic")
		}
	}
	return false
}

// refused checks that err refuses a file the way a clerk can act on: one
// of the expected codes, a Thai message that names what to do.
func refused(t *testing.T, what string, err error, codes ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: opened", what)
	}
	code := data.ErrorCode(err)
	ok := false
	for _, c := range codes {
		ok = ok || c == code
	}
	if !ok || !isThai(data.ErrorMessage(err)) {
		t.Fatalf("%s: %s %q (%v); want one of %v with a Thai message", what, code, data.ErrorMessage(err), err, codes)
	}
	if code == data.EDAMAGED && !strings.Contains(data.ErrorMessage(err), "qmdesk") {
		t.Fatalf("%s: %q does not say what to do", what, data.ErrorMessage(err))
	}
}

func TestOpenRefusesEmptyForeignAndCutFiles(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	for _, ro := range []bool{true, false} {
		_, err := Open(empty, Options{ReadOnly: ro})
		refused(t, "an empty file", err, data.EDAMAGED)
		if !strings.Contains(data.ErrorMessage(err), "ว่างเปล่า") {
			t.Errorf("empty file: %q", data.ErrorMessage(err))
		}
	}
	if fi, _ := os.Stat(empty); fi.Size() != 0 {
		t.Fatalf("the empty file was turned into a database (%d bytes)", fi.Size())
	}

	for name, content := range map[string][]byte{
		"workbook.db": []byte("PK\x03\x04\x14\x00\x06\x00 this is a spreadsheet"),
		"text.db":     bytes.Repeat([]byte("ครัวเรือน,ปัญหา\n"), 2000),
		"short.db":    []byte("x"),
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, content, 0o600)
		_, err := Open(path, Options{})
		refused(t, name, err, data.EINVALID)
		if name == "workbook.db" && !strings.Contains(data.ErrorMessage(err), "Excel") {
			t.Errorf("a workbook: %q", data.ErrorMessage(err))
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
			t.Fatalf("%s was changed by the refused open", name)
		}
	}

	// A bbolt file of another program.
	other := filepath.Join(dir, "other.db")
	raw, err := bbolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw.Update(func(tx *bbolt.Tx) error {
		b, _ := tx.CreateBucket([]byte("settings"))
		return b.Put([]byte("theme"), []byte("dark"))
	})
	raw.Close()
	for _, ro := range []bool{true, false} {
		_, err := Open(other, Options{ReadOnly: ro})
		refused(t, "another program's bbolt file", err, data.EINVALID)
	}

	// Our database, cut at every page boundary and in between.
	path := filepath.Join(dir, "qm.db")
	sampleDB(t, path)
	whole, _ := os.ReadFile(path)
	used, _ := usedAndFileSize(t, path)
	cut := filepath.Join(dir, "cut.db")
	n := 0
	for at := int64(0); at < used; at += 4096 {
		for _, size := range []int64{at, at + 100, at + 4095} {
			if size >= used {
				continue
			}
			os.WriteFile(cut, whole[:size], 0o600)
			for _, ro := range []bool{true, false} {
				_, err := Open(cut, Options{ReadOnly: ro})
				refused(t, "a file cut at "+data.FormatNumber(size), err, data.EDAMAGED, data.EINVALID)
				n++
			}
		}
	}
	t.Logf("%d opens of files cut short, all refused", n)
}

// A file cut short while the program has it open (another program, a
// disk that went away): reads through the map fault, and each one is an
// error, not the end of the program. Writes are refused from then on.
func TestAFileCutWhileOpenFailsCleanly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows cannot shorten a mapped file")
	}
	path := filepath.Join(t.TempDir(), "qm.db")
	sampleDB(t, path)
	for _, ro := range []bool{true, false} {
		p := filepath.Join(t.TempDir(), "qm.db")
		whole, _ := os.ReadFile(path)
		os.WriteFile(p, whole, 0o600)
		s, err := Open(p, Options{ReadOnly: ro})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := os.Truncate(p, 3*4096); err != nil {
			t.Fatal(err)
		}
		_, err = s.Households(ctx, data.HouseholdFilter{})
		refused(t, "households of a file cut while open", err, data.EDAMAGED)
		if err := s.Walk(ctx, func(data.Household, []data.Problem) error { return nil }); data.ErrorCode(err) != data.EDAMAGED {
			t.Fatalf("walk of a file cut while open: %v", err)
		}
		if rep, err := s.Check(ctx); err == nil && rep.OK() {
			t.Fatal("check passes a file cut while open")
		}
		if !ro {
			err := s.CreateHousehold(ctx, newHousehold(900, "410101"))
			refused(t, "a write after the damage", err, data.EDAMAGED)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// A panic inside a write transaction: bbolt rolls it back before guard
// sees the panic, nothing of it is stored, the database takes the next
// write, and the panic is a program fault (the file is sound), not a
// damaged file.
func TestPanicInAWriteRollsBack(t *testing.T) {
	s, ctx := openTest(t)
	err := s.update(func(tx *bbolt.Tx) error {
		h := newHousehold(99, "410101")
		h.ID = 99
		if err := writeHousehold(tx, h); err != nil {
			return err
		}
		var m map[string]int
		//lint:ignore SA5000 the runtime panic this test is about
		m["boom"]++
		return nil
	})
	if data.ErrorCode(err) != data.EINTERNAL || !isThai(data.ErrorMessage(err)) || !strings.Contains(err.Error(), "nil map") {
		t.Fatalf("panic in a write: %v", err)
	}
	if _, err := s.Household(ctx, 99); data.ErrorCode(err) != data.ENOTFOUND {
		t.Fatalf("the record of the write that panicked: %v", err)
	}
	if err := s.CreateHousehold(ctx, newHousehold(1, "410101")); err != nil {
		t.Fatalf("the next write: %v", err)
	}
	if err := s.view(func(tx *bbolt.Tx) error { panic("read") }); data.ErrorCode(err) != data.EINTERNAL {
		t.Fatalf("panic in a read: %v", err)
	}
}

// pagesOf lists the branch and leaf pages of a database file by bbolt's
// own account.
func pagesOf(t *testing.T, path string) (branches, leaves []int) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, nil) // for writing: bbolt loads the free list, and tells free pages apart
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bbolt.Tx) error {
		for id := 2; ; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return nil
			}
			switch p.Type {
			case "branch":
				branches = append(branches, id)
			case "leaf":
				leaves = append(leaves, id)
			}
		}
	})
	return branches, leaves
}

// Damage of every kind the page walk looks for, each made on purpose in
// a real file: Check reports it (it reads the file before bbolt does),
// and Restore refuses the file as a backup. None of these is read through
// a cursor: a page that points back up its own tree would loop one (see
// checkPages).
func TestCheckFindsDamagedPages(t *testing.T) {
	base := filepath.Join(t.TempDir(), "qm.db")
	sampleDB(t, base)
	whole, _ := os.ReadFile(base)
	branches, leaves := pagesOf(t, base)
	if len(branches) == 0 || len(leaves) < 4 {
		t.Fatalf("the sample has %d branch and %d leaf pages: too small to damage", len(branches), len(leaves))
	}
	const ps = 4096
	u16 := func(b []byte, at int, v uint16) { native.PutUint16(b[at:], v) }
	br, lf := branches[0]*ps, leaves[len(leaves)/2]*ps
	for name, damage := range map[string]func(b []byte){
		"a leaf zeroed":                   func(b []byte) { clear(b[lf : lf+ps]) },
		"a branch zeroed":                 func(b []byte) { clear(b[br : br+ps]) },
		"a branch that points at itself":  func(b []byte) { native.PutUint64(b[br+pageHeaderSize+8:], uint64(branches[0])) },
		"a leaf with one element less":    func(b []byte) { u16(b, lf+10, native.Uint16(b[lf+10:])-1) },
		"a leaf with one element more":    func(b []byte) { u16(b, lf+10, native.Uint16(b[lf+10:])+1) },
		"a leaf that claims an overflow":  func(b []byte) { native.PutUint32(b[lf+12:], native.Uint32(b[lf+12:])+1) }, // one more than it has: a leaf of sum blocks already spans two
		"a leaf calling itself another":   func(b []byte) { native.PutUint64(b[lf:], uint64(leaves[0])) },
		"a value's length off by one":     func(b []byte) { native.PutUint32(b[lf+pageHeaderSize+12:], native.Uint32(b[lf+pageHeaderSize+12:])+1) },
		"a branch pointing past the file": func(b []byte) { native.PutUint64(b[br+pageHeaderSize+8:], 1<<40) },
	} {
		b := bytes.Clone(whole)
		damage(b)
		path := filepath.Join(t.TempDir(), "qm.db")
		os.WriteFile(path, b, 0o600)
		rep, err := checkFile(path)
		if err == nil && rep.OK() {
			t.Errorf("%s: check passes", name)
			continue
		}
		t.Logf("%s: %v %v", name, err, rep.Problems)
		target := filepath.Join(t.TempDir(), "live.db")
		if _, err := Restore(context.Background(), path, target, func() string { return "x" }); err == nil {
			t.Errorf("%s: restored from it", name)
		} else if !isThai(data.ErrorMessage(err)) {
			t.Errorf("%s: restore refused with %v", name, err)
		}
	}
}

// The checksums: a record changed, added or removed behind the program's
// back (the value still a record that reads, the indexes untouched where they do not
// tell) is found by Check and named; Repair gives it a checksum of what
// it holds and says so; a bucket sequence lowered below an ID in use is
// found and raised.
func TestCheckFindsRecordsChangedBehindItsBack(t *testing.T) {
	s, ctx := openTestUnchecked(t)
	for i := 1; i <= 3; i++ {
		s.CreateHousehold(ctx, newHousehold(i, "410101"))
	}
	raw := func(fn func(tx *bbolt.Tx) error) {
		t.Helper()
		if err := s.db.Update(fn); err != nil {
			t.Fatal(err)
		}
	}
	raw(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketHouseholds)
		var h data.Household
		if err := decodeHousehold(b.Get(itob(2)), &h); err != nil || h.Origin != 1 {
			t.Fatalf("household 2: %+v %v", h, err)
		}
		h.Origin = 2
		v, _ := data.AppendHousehold(nil, &h)
		if err := b.Put(itob(2), v); err != nil {
			return err
		}
		var m data.Meta
		getJSON(tx, bucketMeta, keyMeta, &m)
		m.Province = "40"
		buf, _ := json.Marshal(m)
		if err := tx.Bucket(bucketMeta).Put(keyMeta, buf); err != nil {
			return err
		}
		return tx.Bucket(bucketRounds).SetSequence(0)
	})
	rep, err := s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(rep.Problems, "\n")
	for _, want := range []string{"household 2: its content differs", `meta "meta": its content differs`, "bucket rounds: sequence 0 is below its highest ID 1"} {
		if !strings.Contains(all, want) {
			t.Errorf("check does not say %q:\n%s", want, all)
		}
	}
	fixed, err := s.Repair(ctx, t.TempDir())
	if err != nil || len(fixed.Remaining) != 0 {
		t.Fatalf("repair: %v %+v", err, fixed)
	}
	mended := strings.Join(fixed.Mended, "\n")
	if !strings.Contains(mended, "ครัวเรือนเลขที่ 2: เนื้อหาไม่ตรงกับที่โปรแกรมบันทึกไว้") || !strings.Contains(mended, "เลขที่ถัดไปของรอบ (0)") {
		t.Errorf("repair report:\n%s", mended)
	}
	if h, _ := s.Household(ctx, 2); h.Origin != 2 {
		t.Errorf("repair changed the record it cannot know the right value of: %+v", h)
	}
	// A record that vanished, and one that appeared.
	raw(func(tx *bbolt.Tx) error {
		if err := tx.Bucket(bucketHouseholds).Delete(itob(3)); err != nil {
			return err
		}
		h := newHousehold(3, "410101")
		h.ID = 3
		replaceKeys(tx.Bucket(bucketHIdx), householdIndexKeys(h), nil)
		return tx.Bucket(bucketReviews).Put(itob(9), []byte(`{"id":9}`))
	})
	rep, _ = s.Check(ctx)
	all = strings.Join(rep.Problems, "\n")
	for _, want := range []string{"household 3: missing, though its checksum remains", "review 9: no checksum"} {
		if !strings.Contains(all, want) {
			t.Errorf("check does not say %q:\n%s", want, all)
		}
	}
	if fixed, err := s.Repair(ctx, t.TempDir()); err != nil || len(fixed.Remaining) != 0 {
		t.Fatalf("repair: %v %+v", err, fixed)
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check after repair: %v %v", err, rep.Problems)
	}
}

// A file of layout 3 gets a checksum for every record, in chunks; an
// upgrade cut short (some sums written, the file still at 3) starts over.
func TestUpgradeGivesEveryRecordItsChecksum(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qm.db")
	sampleDB(t, path)
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw.Update(func(tx *bbolt.Tx) error {
		sums := tx.Bucket(bucketSums)
		// Cut short: half the sums, one of them wrong.
		n := 0
		var drop [][]byte
		sums.ForEach(func(k, _ []byte) error {
			if n++; n%2 == 0 {
				drop = append(drop, bytes.Clone(k))
			}
			return nil
		})
		for _, k := range drop {
			sums.Delete(k)
		}
		k, _ := sums.Cursor().First()
		sums.Put(bytes.Clone(k), []byte{1, 2, 3, 4})
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(3))
	})
	raw.Close()
	defer func(n int) { sumChunkSize = n }(sumChunkSize)
	sumChunkSize = 7
	s, err := Open(path, Options{ReadOnly: true}) // a reader upgrades first, too
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if m, _ := s.Meta(context.Background()); m.SchemaVersion != SchemaVersion {
		t.Fatalf("schema %d after the upgrade", m.SchemaVersion)
	}
	if rep, err := s.Check(context.Background()); err != nil || !rep.OK() {
		t.Fatalf("check after the upgrade: %v %v", err, rep.Problems)
	}
}

// A backup that is damaged, cut short, empty or not a database is
// refused by Restore before anything is replaced, in Thai.
func TestRestoreRefusesDamagedBackups(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	sampleDB(t, good)
	whole, _ := os.ReadFile(good)
	used, _ := usedAndFileSize(t, good)
	target := filepath.Join(dir, "live.db")
	os.WriteFile(target, whole, 0o600)
	// A household's origin: still a record that reads, only the checksum
	// tells.
	raw, err := bbolt.Open(good, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var value []byte
	raw.View(func(tx *bbolt.Tx) error { value = bytes.Clone(tx.Bucket(bucketHouseholds).Get(itob(5))); return nil })
	raw.Close()
	var h data.Household
	if err := decodeHousehold(value, &h); err != nil || h.Origin != 1 {
		t.Fatalf("household 5: %+v %v", h, err)
	}
	h.Origin = 2
	other, _ := data.AppendHousehold(nil, &h)
	at := bytes.Index(whole, value)
	if at < 0 || len(other) != len(value) {
		t.Fatalf("household 5 at %d, %d bytes, %d with another origin", at, len(value), len(other))
	}
	changed := bytes.Clone(whole)
	copy(changed[at:], other)
	for name, content := range map[string][]byte{
		"cut":     whole[:used/2],
		"empty":   nil,
		"foreign": []byte("PK\x03\x04 workbook"),
		"zeroed":  zeroPageAt(whole, at), // the page of household 5: always in use
		"changed": changed,
	} {
		src := filepath.Join(dir, name+".db")
		os.WriteFile(src, content, 0o600)
		_, err := Restore(context.Background(), src, target, func() string { return name })
		if msg := data.ErrorMessage(err); err == nil || !isThai(msg) || !strings.Contains(msg, "เรียกคืนไม่ได้") && !strings.Contains(msg, "ไม่นำมาใช้") {
			t.Errorf("restore from the %s backup: %v", name, err)
		}
		if got, _ := os.ReadFile(target); !bytes.Equal(got, whole) {
			t.Fatalf("restore from the %s backup changed the database", name)
		}
	}
}

// zeroPageAt is the file with the 4 KiB page holding offset at zeroed. A
// fixed offset could fall on a free page, which nothing reads.
func zeroPageAt(file []byte, at int) []byte {
	out := bytes.Clone(file)
	start := at / 4096 * 4096
	clear(out[start:min(start+4096, len(out))])
	return out
}
