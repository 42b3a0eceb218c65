package data

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// spillTo points SpillRoot at a folder of the test's and sets the memory
// a batch keeps, until the test ends.
func spillTo(t *testing.T, memory int64) string {
	t.Helper()
	oldRoot, oldMemory := SpillRoot, BatchMemory
	SpillRoot, BatchMemory = filepath.Join(t.TempDir(), "plan"), memory
	t.Cleanup(func() { SpillRoot, BatchMemory = oldRoot, oldMemory })
	return SpillRoot
}

func spillFiles(t *testing.T) []string {
	t.Helper()
	entries, _ := os.ReadDir(SpillRoot)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// spillRows fills a batch with n households, problems, actions, row
// fates and a review every 100 rows, every string different, and returns
// what it put in, to compare.
func spillRows(b *ImportBatch, n int) ([]HouseholdChange, []ProblemChange, []ActionChange, []RowResult, []Review) {
	var hs []HouseholdChange
	var ps []ProblemChange
	var as []ActionChange
	var rs []RowResult
	var vs []Review
	at := time.Date(2024, 8, 15, 10, 0, 0, 0, time.UTC)
	for i := range n {
		h := HouseholdChange{Op: OpNew, Household: Household{HouseCode: fmt.Sprintf("4101%07d", i), TambonCode: "410101",
			Head: Person{NationalID: fmt.Sprintf("3123400%06d", i), FirstName: fmt.Sprintf("สมชาย%d", i), LastName: "ใจดี"}, CreatedAt: at}}
		p := ProblemChange{Op: OpNew, HouseholdRef: i, Problem: Problem{Category: Category(i%7 + 1), SubProblem: "หนี้สิน", Detail: fmt.Sprintf("รายละเอียด %d", i)}}
		a := ActionChange{ProblemRef: i, Action: Action{Date: NewDate(2024, 7, 15), Agency: "อบต.", What: fmt.Sprintf("เยี่ยมบ้าน %d", i)}}
		r := RowResult{Sheet: "Sheet1", Row: i + 2, Fate: FateNewHousehold}
		if i%100 == 99 {
			v := Review{Sheet: "Sheet1", Row: i + 2, Reason: fmt.Sprintf("เหตุผล %d", i), ReasonEnglish: fmt.Sprint("reason ", i), Household: h.Household, Candidates: []uint64{uint64(i)}}
			b.AddReview(v)
			vs = append(vs, v)
			r.Fate, r.Reason, r.ReasonEnglish = FateReview, v.Reason, v.ReasonEnglish
		}
		b.AddHousehold(h)
		b.AddProblem(p)
		b.AddAction(a)
		b.AddRow(r)
		hs, ps, as, rs = append(hs, h), append(ps, p), append(as, a), append(rs, r)
	}
	return hs, ps, as, rs, vs
}

// TestBatchSpillsAndReadsBack: a batch larger than the memory it may keep
// writes its oldest chunks to a real file and reads every record back
// exactly, in order and at random, a record changed after its chunk went
// to the file included; closing it removes the file.
func TestBatchSpillsAndReadsBack(t *testing.T) {
	spillTo(t, 4*batchChunk)
	b := &ImportBatch{}
	const n = 30_000
	hs, ps, as, rs, vs := spillRows(b, n)
	files := spillFiles(t)
	if len(files) != 1 || !strings.HasPrefix(files[0], fmt.Sprint(os.Getpid(), "-")) {
		t.Fatalf("files %v", files)
	}
	fi, err := os.Stat(filepath.Join(SpillRoot, files[0]))
	if err != nil || fi.Size() < b.Bytes()/2 {
		t.Fatalf("file of %v bytes for a batch of %d: %v", fi.Size(), b.Bytes(), err)
	}
	if m := b.InMemory(); m > 5*batchChunk+int64(8*5*n)+64<<10 {
		t.Errorf("%d bytes in memory, %d in all", m, b.Bytes())
	}
	check := func(i int) {
		t.Helper()
		if got := b.Household(i); !reflect.DeepEqual(got, hs[i]) {
			t.Fatalf("household %d\nstored %+v\nread   %+v", i, hs[i], got)
		}
		if got := b.Problem(i); !reflect.DeepEqual(got, ps[i]) {
			t.Fatalf("problem %d\nstored %+v\nread   %+v", i, ps[i], got)
		}
		if got := b.Action(i); !reflect.DeepEqual(got, as[i]) {
			t.Fatalf("action %d\nstored %+v\nread   %+v", i, as[i], got)
		}
		if got := b.Row(i); !reflect.DeepEqual(got, rs[i]) {
			t.Fatalf("row %d\nstored %+v\nread   %+v", i, rs[i], got)
		}
	}
	for i := range n {
		check(i)
	}
	for range 20_000 {
		check(rand.IntN(n))
	}
	for i := range vs {
		if got := b.Review(i); !reflect.DeepEqual(got, vs[i]) {
			t.Fatalf("review %d\nstored %+v\nread   %+v", i, vs[i], got)
		}
	}
	// A record whose chunk is in the file, changed: stored again at the end.
	hs[3].Op, hs[3].Household.HouseNo = OpUpdate, "99/9"
	b.SetHousehold(3, hs[3])
	check(3)
	// The chunks of a commit: the same ends as in memory.
	whole := &ImportBatch{}
	BatchMemory = 1 << 40
	spillRows(whole, n)
	BatchMemory = 4 * batchChunk
	for _, part := range Parts {
		for from := 0; from < b.Len(part); {
			to, want := b.ChunkEnd(part, from, 5000, 64<<10), whole.ChunkEnd(part, from, 5000, 64<<10)
			if to != want {
				t.Fatalf("part %d from %d: chunk ends at %d, in memory at %d", part, from, to, want)
			}
			from = to
		}
	}
	if err := b.Err(); err != nil {
		t.Fatal(err)
	}
	b.Close()
	b.Close()
	if files := spillFiles(t); len(files) != 0 {
		t.Errorf("left after Close: %v", files)
	}
}

// A batch that fits in its memory makes no file.
func TestSmallBatchMakesNoFile(t *testing.T) {
	spillTo(t, 4*batchChunk)
	b := &ImportBatch{}
	spillRows(b, 1000)
	if files := spillFiles(t); len(files) != 0 {
		t.Errorf("files %v", files)
	}
	if b.InMemory() < b.Bytes() {
		t.Errorf("in memory %d of %d", b.InMemory(), b.Bytes())
	}
	b.Close()
}

// A batch dropped without Close loses its file to the collector.
func TestDroppedBatchLosesItsFile(t *testing.T) {
	spillTo(t, batchChunk)
	func() {
		b := &ImportBatch{}
		spillRows(b, 10_000)
	}()
	if len(spillFiles(t)) != 1 {
		t.Fatalf("files %v", spillFiles(t))
	}
	for range 100 {
		runtime.GC()
		if len(spillFiles(t)) == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("left after the batch was dropped: %v", spillFiles(t))
}

// Records read from the store spill the same way, past the memory they
// are given.
func TestRecordsSpill(t *testing.T) {
	spillTo(t, 1<<40)
	var r Records
	r.KeepInMemory(batchChunk)
	var at []uint64
	for i := range 20_000 {
		at = append(at, r.AddProblem(Problem{ID: uint64(i + 1), Detail: fmt.Sprint("ปัญหา ", i)}))
		at = append(at, r.AddAction(Action{ID: uint64(i + 1), What: fmt.Sprint("งาน ", i)}))
	}
	if len(spillFiles(t)) != 1 {
		t.Fatalf("files %v", spillFiles(t))
	}
	for i := range 20_000 {
		if p, a := r.Problem(at[2*i]), r.Action(at[2*i+1]); p.ID != uint64(i+1) || p.Detail != fmt.Sprint("ปัญหา ", i) || a.What != fmt.Sprint("งาน ", i) {
			t.Fatalf("%d: %+v %+v", i, p, a)
		}
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	r.Close()
	if len(spillFiles(t)) != 0 {
		t.Errorf("files %v", spillFiles(t))
	}
}

// When the file cannot be made, the batch keeps everything in memory and
// says so; when it cannot be read back, what is read is zero and the
// batch says so.
func TestBatchSpillFailures(t *testing.T) {
	spillTo(t, batchChunk)
	os.WriteFile(filepath.Dir(SpillRoot)+"/plan", []byte("a file, not a folder"), 0o600)
	b := &ImportBatch{}
	hs, _, _, _, _ := spillRows(b, 10_000)
	if code := ErrorCode(b.Err()); code != EFILE {
		t.Errorf("no error: %v", b.Err())
	}
	for i := range hs {
		if got := b.Household(i); !reflect.DeepEqual(got, hs[i]) {
			t.Fatalf("household %d read back as %+v", i, got)
		}
	}
	b.Close()

	spillTo(t, batchChunk)
	b = &ImportBatch{}
	spillRows(b, 10_000)
	files := spillFiles(t)
	if len(files) != 1 || b.Err() != nil {
		t.Fatalf("files %v, %v", files, b.Err())
	}
	os.Truncate(filepath.Join(SpillRoot, files[0]), 0)
	if got := b.Household(0); !reflect.DeepEqual(got, HouseholdChange{}) || b.Err() == nil {
		t.Errorf("read from a truncated file: %+v, %v", got, b.Err())
	}
	b.Close()
}

// The files of processes that no longer run are removed; those of a
// running process stay, unless they are a day old.
func TestRemoveStaleSpills(t *testing.T) {
	root := spillTo(t, batchChunk)
	os.MkdirAll(root, 0o700)
	dead := deadPID(t)
	for _, name := range []string{fmt.Sprint(dead, "-1.plan"), fmt.Sprint(os.Getpid(), "-2.plan"), fmt.Sprint(os.Getppid(), "-3.plan"), fmt.Sprint(os.Getppid(), "-4.plan"), "notes.txt", fmt.Sprint(dead, "-5.txt")} {
		os.WriteFile(filepath.Join(root, name), nil, 0o600)
	}
	old := time.Now().Add(-25 * time.Hour)
	os.Chtimes(filepath.Join(root, fmt.Sprint(os.Getppid(), "-4.plan")), old, old)
	RemoveStaleSpills()
	got := spillFiles(t)
	want := []string{fmt.Sprint(os.Getpid(), "-2.plan"), fmt.Sprint(os.Getppid(), "-3.plan"), fmt.Sprint(dead, "-5.txt"), "notes.txt"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("left %q, want %q", got, want)
	}
}

// deadPID is the number of a process that has exited.
func deadPID(t *testing.T) int {
	for pid := 4_000_000; pid > 3_000_000; pid -= 7919 {
		if !ProcessRuns(pid) {
			return pid
		}
	}
	t.Skip("no free process number found")
	return 0
}
