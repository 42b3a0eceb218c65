package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// The flip test: a small real database (sampleDB) damaged at random,
// as a failing disk, a copy cut short or a lost cluster would damage it,
// then opened read-only and for writing, read whole, and checked. No run
// may crash the program (panic, fault, hang), every refusal must be an
// error a clerk can act on (Thai, EDAMAGED or EINVALID, never EINTERNAL),
// and when neither the open, nor a read, nor Check noticed anything, the
// records must be exactly those of the undamaged file: a change that
// slips past them all is the failure this test looks for.
//
// The one change allowed through: when a meta page is damaged, bbolt
// opens the file at the other meta page, one transaction older (its crash
// recovery), and a read-write open then makes that state the file's (its
// first commit rewrites the damaged page). Check reports the damaged page
// on a read-only open; the read-write open writes an audit entry saying
// so; the test accepts that older state, and only then.
//
// TestFlippedDatabases runs flipRuns damaged files (QMDESK_FLIP_RUNS
// sets another number; -short a fifth) in a child process, so that a
// crash ends the child and names the run. The damage is drawn from a new
// seed each time, which a failure prints (QMDESK_FLIP_SEED replays it).
// FuzzFlipDatabase lets the fuzzer choose the damage (make fuzz).

const flipChildEnv = "QMDESK_FLIP_CHILD" // base path; the child runs QMDESK_FLIP_RUNS runs from QMDESK_FLIP_SEED

// flipRuns is the default number of damaged files: a few seconds.
const flipRuns = 250

// flipBase is the undamaged sample and what it holds.
type flipBase struct {
	raw      []byte
	pageSize int
	used     int               // bytes up to the high-water mark: the pages damage is aimed at
	records  map[string]string // bucket + "\x00" + key → value
	fallback map[string]string // the records at the transaction before the last
}

var sharedBase struct {
	once sync.Once
	dir  string
	base *flipBase
	err  error
}

// loadFlipBase builds the sample once per process (the fuzzer calls the
// target many times in each worker).
func loadFlipBase(tb testing.TB) *flipBase {
	tb.Helper()
	sharedBase.once.Do(func() {
		sharedBase.dir, sharedBase.err = os.MkdirTemp("", "qmdesk-flip-")
		if sharedBase.err != nil {
			return
		}
		path := filepath.Join(sharedBase.dir, "base.db")
		sampleDB(tb, path)
		sharedBase.base, sharedBase.err = readFlipBase(path)
	})
	if sharedBase.err != nil {
		tb.Fatal(sharedBase.err)
	}
	return sharedBase.base
}

func readFlipBase(path string) (*flipBase, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b := &flipBase{raw: raw}
	m, _, err := parseMeta(raw)
	if err != nil {
		return nil, err
	}
	b.pageSize, b.used = int(m.pageSize), int(m.highWater*m.pageSize)
	if b.records, err = dumpFile(path); err != nil {
		return nil, err
	}
	// The state bbolt falls back on: the newest meta page spoiled.
	metas, errs, _ := fileMetas(bytes.NewReader(raw), int64(len(raw)))
	newer := 0
	if errs[1] == nil && metas[1].txid > metas[0].txid {
		newer = 1
	}
	older := bytes.Clone(raw)
	older[newer*b.pageSize+pageHeaderSize+metaSize] ^= 1
	fb := path + ".fallback"
	if err := os.WriteFile(fb, older, 0o600); err != nil {
		return nil, err
	}
	b.fallback, err = dumpFile(fb)
	return b, err
}

// dumpFile reads every record of a sound file with bbolt.
func dumpFile(path string) (map[string]string, error) {
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var out map[string]string
	err = db.View(func(tx *bbolt.Tx) error { out = dumpTx(tx); return nil })
	return out, err
}

// dumpTx is every record of every bucket (a nested bucket shows as a
// record of its own, so that one is noticed).
func dumpTx(tx *bbolt.Tx) map[string]string {
	out := map[string]string{}
	tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
		out[string(name)+"\x00"] = "bucket"
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				v = []byte("<bucket>")
			}
			out[string(name)+"\x00"+string(k)] = string(v)
			return nil
		})
	})
	return out
}

// flipDamage is one way of damaging the sample, read from the fuzzer's bytes.
type flipDamage struct {
	kind  string // "flip", "cut", "zero"
	at    []int  // flipped offsets, the cut, or the zeroed page's offset
	masks []byte // flips: what each byte is XORed with
	n     int    // zero: how many bytes
}

func (d flipDamage) String() string {
	return fmt.Sprintf("%s %v %x", d.kind, d.at, d.masks)
}

// newDamage reads a damage from in. Flips go to the sample's pages in
// use, half of them into the first 256 bytes of a page (headers, element
// arrays, short records), where a byte matters most.
func newDamage(in []byte, used, pageSize int) flipDamage {
	r := &fuzzBytes{b: in}
	u24 := func() int { return int(r.byte())<<16 | int(r.byte())<<8 | int(r.byte()) }
	pages := used / pageSize
	switch r.byte() % 5 {
	case 0:
		return flipDamage{kind: "cut", at: []int{u24() % used}}
	case 1:
		return flipDamage{kind: "zero", at: []int{u24() % pages * pageSize}, n: pageSize}
	}
	d := flipDamage{kind: "flip"}
	for n := 1 + int(r.byte()%4); n > 0; n-- {
		page := u24() % pages
		off := u24() % pageSize
		if r.byte()%2 == 0 {
			off %= 256
		}
		mask := r.byte()
		if mask == 0 {
			mask = 1 << (off % 8)
		}
		d.at, d.masks = append(d.at, page*pageSize+off), append(d.masks, mask)
	}
	return d
}

func (d flipDamage) apply(raw []byte) []byte {
	out := bytes.Clone(raw)
	switch d.kind {
	case "cut":
		return out[:d.at[0]]
	case "zero":
		clear(out[d.at[0]:min(d.at[0]+d.n, len(out))])
	default:
		for i, at := range d.at {
			out[at] ^= d.masks[i]
		}
	}
	return out
}

// flipOutcome counts what became of damaged files, each open apart:
// refused by Open, a read said EDAMAGED, only Check found it, the records
// unchanged (the damage hit unused bytes), or the older state.
type flipOutcome struct {
	refused, damagedRead, checkFound, unchanged, olderState int
}

// flipOnce opens the damaged file read-only, then a fresh copy for
// writing, and returns an error for any crash-free failure of the
// promise (a crash ends the process: the caller runs it where that is
// seen).
func flipOnce(base *flipBase, d flipDamage, dir string, out *flipOutcome) error {
	damaged := d.apply(base.raw)
	for _, ro := range []bool{true, false} {
		path := filepath.Join(dir, fmt.Sprintf("qm-%v.db", ro))
		if err := os.WriteFile(path, damaged, 0o600); err != nil {
			return err
		}
		what := "read-only"
		if !ro {
			what = "read-write"
		}
		if err := flipOpen(base, d, path, ro, out); err != nil {
			return fmt.Errorf("%s, %s: %w", d, what, err)
		}
	}
	return nil
}

// clerkError tells whether err is one a clerk can act on.
func clerkError(err error) error {
	code := data.ErrorCode(err)
	if (code != data.EDAMAGED && code != data.EINVALID && code != data.ENOTFOUND) || !isThai(data.ErrorMessage(err)) {
		return fmt.Errorf("%s error %q: %v", code, data.ErrorMessage(err), err)
	}
	return nil
}

func flipOpen(base *flipBase, d flipDamage, path string, ro bool, out *flipOutcome) error {
	s, err := Open(path, Options{ReadOnly: ro, NoSync: true})
	if err != nil {
		out.refused++
		if e := clerkError(err); e != nil {
			return fmt.Errorf("open: %w", e)
		}
		return nil
	}
	defer s.Close()
	ctx := context.Background()
	readNoticed := false
	for _, read := range []struct {
		name string
		fn   func() error
	}{
		{"meta", func() error { _, err := s.Meta(ctx); return err }},
		{"rounds", func() error { _, err := s.Rounds(ctx); return err }},
		{"sub-problems", func() error { _, err := s.SubProblems(ctx); return err }},
		{"households", func() error { _, err := s.Households(ctx, data.HouseholdFilter{}); return err }},
		{"households of an amphoe", func() error { _, err := s.Households(ctx, data.HouseholdFilter{AreaCode: "4101"}); return err }},
		{"by house code", func() error { _, err := s.HouseholdsByHouseCode(ctx, newHousehold(5, "").HouseCode); return err }},
		{"problems", func() error { _, err := s.Problems(ctx, data.ProblemFilter{RoundID: 1}); return err }},
		{"overdue", func() error {
			_, err := s.Problems(ctx, data.ProblemFilter{RoundID: 1, OverdueOn: data.NewDate(2024, 7, 1)})
			return err
		}},
		{"problems of a household", func() error { _, err := s.ProblemsOf(ctx, 9); return err }},
		{"actions", func() error { _, err := s.Actions(ctx, 3); return err }},
		{"walk", func() error { return s.Walk(ctx, func(data.Household, []data.Problem) error { return nil }) }},
		{"counts", func() error { _, err := s.Counts(ctx, 1, data.NewDate(2024, 7, 1)); return err }},
		{"history", func() error { _, err := s.History(ctx, 1); return err }},
		{"imports", func() error { _, err := s.Imports(ctx); return err }},
		{"import rows", func() error { _, err := importRows(s, 1); return err }},
		{"reviews", func() error { _, err := s.Reviews(ctx, false); return err }},
		{"audit", func() error { _, err := s.Audit(ctx, 0, 0); return err }},
	} {
		if err := read.fn(); err != nil {
			if e := clerkError(err); e != nil {
				return fmt.Errorf("%s: %w", read.name, e)
			}
			if data.ErrorCode(err) == data.EDAMAGED {
				readNoticed = true
			}
		}
	}
	rep, err := s.Check(ctx)
	if err != nil {
		if e := clerkError(err); e != nil {
			return fmt.Errorf("check: %w", e)
		}
	}
	switch {
	case readNoticed:
		out.damagedRead++
		return nil
	case err != nil || !rep.OK():
		out.checkFound++
		return nil
	}
	// Nothing noticed: the records must be the file's own. (Check passed:
	// the pages are sound, bbolt may read them.)
	var got map[string]string
	if err := s.view(func(tx *bbolt.Tx) error { got = dumpTx(tx); return nil }); err != nil {
		return fmt.Errorf("reading the records after a clean check: %v", err)
	}
	diff := recordDiff(base.records, got)
	if diff == "" {
		out.unchanged++
		return nil
	}
	if noted, ok := withoutRecoveryNote(got); ok && !ro {
		// The read-write open found a meta page damaged and said so in
		// the audit log: the file is as it was, or one transaction older.
		if recordDiff(base.records, noted) == "" {
			out.unchanged++
			return nil
		}
		if recordDiff(base.fallback, noted) == "" {
			out.olderState++
			return nil
		}
		diff += "; against the older state: " + recordDiff(base.fallback, noted)
	}
	return fmt.Errorf("a change nothing noticed: %s", diff)
}

// withoutRecoveryNote drops the audit entry a read-write open writes when
// it opens a file with a damaged meta page, and tells whether there was
// one (recordDiff passes over the audit head, which it moved too).
func withoutRecoveryNote(records map[string]string) (map[string]string, bool) {
	out := map[string]string{}
	found := false
	for k, v := range records {
		if strings.HasPrefix(k, "audit\x00") && strings.Contains(v, `"op":"recover"`) && strings.Contains(v, "meta page") {
			found = true
			continue
		}
		out[k] = v
	}
	return out, found
}

// recordDiff names the first few records that differ, "" when none do.
func recordDiff(want, got map[string]string) string {
	var diffs []string
	for k, v := range want {
		if g, ok := got[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%q gone", k))
		} else if g != v && !strings.HasPrefix(k, "meta\x00"+string(keyAuditHead)) {
			diffs = append(diffs, fmt.Sprintf("%q changed: %q → %q", k, clip(v), clip(g)))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%q appeared", k))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 3 {
		diffs = append(diffs[:3], fmt.Sprintf("and %d more", len(diffs)-3))
	}
	return strings.Join(diffs, "; ")
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// flipChild runs damaged files for TestFlippedDatabases and says how each
// went, one line a run, so that a crash names its run.
func flipChild(basePath string) int {
	base, err := readFlipBase(basePath)
	if err != nil {
		fmt.Println("base:", err)
		return 1
	}
	runs, _ := strconv.Atoi(os.Getenv("QMDESK_FLIP_RUNS"))
	seed, _ := strconv.ParseUint(os.Getenv("QMDESK_FLIP_SEED"), 10, 64)
	rng := rand.New(rand.NewPCG(seed, 11))
	dir, err := os.MkdirTemp("", "qmdesk-flip-child-")
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer os.RemoveAll(dir)
	var out flipOutcome
	failed := 0
	for i := range runs {
		in := make([]byte, 32)
		for j := range in {
			in[j] = byte(rng.Uint32())
		}
		d := newDamage(in, base.used, base.pageSize)
		fmt.Printf("run %d: %s\n", i, d)
		if err := flipOnce(base, d, dir, &out); err != nil {
			fmt.Printf("FAIL run %d: %v\n", i, err)
			failed++
		}
	}
	fmt.Printf("outcome: %d opens refused, %d opened but a read said damaged, %d found only by check, %d unchanged, %d older state\n",
		out.refused, out.damagedRead, out.checkFound, out.unchanged, out.olderState)
	if failed > 0 {
		return 1
	}
	return 0
}

func TestFlippedDatabases(t *testing.T) {
	runs := flipRuns
	if n, err := strconv.Atoi(os.Getenv("QMDESK_FLIP_RUNS")); err == nil {
		runs = n
	}
	if testing.Short() {
		runs /= 5
	}
	loadFlipBase(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("QMDESK_FLIP_SEED"), 10, 64); err == nil {
		seed = s
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), flipChildEnv+"="+filepath.Join(sharedBase.dir, "base.db"),
		"QMDESK_FLIP_RUNS="+strconv.Itoa(runs), "QMDESK_FLIP_SEED="+strconv.FormatUint(seed, 10))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	last := lines[len(lines)-1]
	for _, l := range lines {
		if strings.HasPrefix(l, "FAIL") {
			t.Error(l)
		}
	}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("seed %d: a run did not end (a loop?): last %s", seed, last)
	case errors.As(err, &exit) && !strings.HasPrefix(last, "outcome"):
		t.Fatalf("seed %d: the process crashed at %s\n%s", seed, last, clip2k(stderr.String()))
	case err != nil && !strings.HasPrefix(last, "outcome"):
		t.Fatalf("seed %d: %v", seed, err)
	}
	t.Logf("seed %d, %d damaged files: %s", seed, runs, last)
	if !strings.HasPrefix(last, "outcome") {
		t.Fatalf("seed %d: no outcome: %s", seed, last)
	}
}

func clip2k(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// FuzzFlipDatabase is the flip test with the fuzzer choosing the damage;
// a crash is the fuzzer's to catch (its workers are processes).
func FuzzFlipDatabase(f *testing.F) {
	for _, seed := range [][]byte{
		{0, 0, 0x40, 0},     // cut inside the data
		{1, 0, 0, 20},       // a zeroed page
		{2, 0, 0, 0, 20, 0}, // a flip in a page header
		{3, 3, 0, 0, 30, 0, 0, 9, 0, 0x80, 0, 0, 31, 0, 1, 1, 2, 0, 0, 60, 0, 0, 200, 1, 4},
		{4, 0, 0, 0, 0, 0, 100, 0, 0}, // a meta page
		binary.BigEndian.AppendUint64([]byte{2, 1}, 0x0102030405060708),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		base := loadFlipBase(t)
		var out flipOutcome
		if err := flipOnce(base, newDamage(in, base.used, base.pageSize), t.TempDir(), &out); err != nil {
			t.Fatal(err)
		}
	})
}
