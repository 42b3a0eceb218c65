package bolt

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
)

// The kill matrix: every write path run in a child process that is killed
// at random moments; after every kill a reader's and a writer's open must
// each show the file exactly as it was before the write or exactly as the
// write leaves it, and Check must pass.

const killMatrixEnv = "QMDESK_KILL_MATRIX" // JSON killJob: this binary is a child

// killsEnv sets how many random kills each path gets (default
// defaultKills); `make kills` sets it high.
const killsEnv = "QMDESK_KILLS"

const defaultKills = 3

type killJob struct {
	Path, DB, Aux string
}

// Sizes of the writes: small enough for a child to run in a fraction of a
// second, cut into many transactions by small chunks (set in the child)
// so that a kill lands between them.
const (
	killImportRows = 400
	killDemoRows   = 400
)

var killCtx = data.WithOperator(context.Background(), "kill-matrix")

func killOpen(path string) (*Store, error) {
	return Open(path, Options{Clock: data.FixedClock(today)})
}

// killOps are the write paths, as the child runs them and as the parent
// runs them to completion to know the state they leave.
var killOps = map[string]func(db, aux string) error{
	"import": func(db, _ string) error {
		return withStore(db, func(s *Store) error { _, err := s.CommitImport(killCtx, batchOf(killImportRows, 20000)); return err })
	},
	"undo": func(db, _ string) error {
		return withStore(db, func(s *Store) error { return s.UndoImport(killCtx, 1) })
	},
	"review": func(db, _ string) error {
		return withStore(db, func(s *Store) error { return s.DecideReview(killCtx, 1, "new", batchOf(1, 30000)) })
	},
	"demo": func(db, _ string) error { return withStore(db, killDemo) },
	// A demo into a new file, as the command line makes it.
	"demo-new": func(db, _ string) error {
		return Create(db, Options{Clock: data.FixedClock(today)}, func(s *Store) error {
			if _, err := s.Init(killCtx, "41", data.DefaultRound()); err != nil {
				return err
			}
			return killDemo(s)
		})
	},
	// Opening a file of the older layout upgrades it, in chunks.
	"upgrade": func(db, _ string) error { return withStore(db, func(*Store) error { return nil }) },
	// Opening a file with an import and a load cut short rolls them back,
	// the load in chunks.
	"rollback": func(db, _ string) error { return withStore(db, func(*Store) error { return nil }) },
	"backup": func(db, aux string) error {
		return withStore(db, func(s *Store) error { return s.Backup(killCtx, aux, nil) })
	},
	"restore": func(db, aux string) error {
		_, err := Restore(killCtx, aux, db, func() string { return "kill" })
		return err
	},
	"repair": func(db, aux string) error {
		return withStore(db, func(s *Store) error { _, err := s.Repair(killCtx, aux); return err })
	},
}

func killDemo(s *Store) error {
	geo, err := assets.Geography()
	if err != nil {
		return err
	}
	m, _ := s.Meta(killCtx)
	r, err := s.Round(killCtx, m.DefaultRound)
	if err != nil {
		return err
	}
	return app.Demo{Geo: geo, Province: "41", Round: r, Seed: 1, AsOf: data.DateOf(today)}.Fill(killCtx, s, killDemoRows, 20, nil)
}

func withStore(path string, f func(*Store) error) error {
	s, err := killOpen(path)
	if err != nil {
		return err
	}
	if err := f(s); err != nil {
		s.Close()
		return err
	}
	return s.Close()
}

// killMatrixChild runs one write path, saying "ready" just before it
// starts and "done" once it returned.
func killMatrixChild(spec string) int {
	var job killJob
	if err := json.Unmarshal([]byte(spec), &job); err != nil {
		fmt.Println("job:", err)
		return 1
	}
	smallChunks()
	fmt.Println("ready")
	if err := killOps[job.Path](job.DB, job.Aux); err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("done")
	return 0
}

// smallChunks cuts the chunked writes into many transactions. The parent
// uses them too: what an import keeps for undo follows its chunks.
func smallChunks() {
	importChunk, historyChunkSize, loadUndoChunk, recodeChunk = 20, 10, 20, 10
}

// killSeeds makes the files the paths start from, in dir.
type killSeeds struct {
	base, empty, older, damaged, halfDone, restoreSource string
	damagedFindings                                      []string
}

func makeKillSeeds(t *testing.T, dir string) killSeeds {
	t.Helper()
	ks := killSeeds{base: filepath.Join(dir, "base.db")}
	s, err := killOpen(ks.base)
	if err != nil {
		t.Fatal(err)
	}
	s.Init(killCtx, "41", data.DefaultRound())
	var bundles []data.Bundle
	for i := range 150 {
		bundles = append(bundles, data.Bundle{Household: *newHousehold(i+1, []string{"410101", "410102"}[i%2]), Problems: []data.ProblemBundle{
			{Problem: data.Problem{Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567, Status: data.Solved},
				Actions: []data.Action{{Date: data.NewDate(2024, 4, 2), What: "เริ่ม", Result: data.InProgress}, {Date: data.NewDate(2024, 5, 20), What: "เสร็จ", Result: data.Solved}}},
			{Problem: data.Problem{Category: 2, SubProblem: "ขาดแคลนน้ำดื่ม", Urgent: true, SurveyYear: 2565}},
		}})
	}
	if err := s.Load(killCtx, bundles); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CommitImport(killCtx, batchOf(40, 5000)); err != nil { // import 1, for undo
		t.Fatal(err)
	}
	withReview := &data.ImportBatch{File: "review.xlsx", SHA256: "def"}
	withReview.AddReview(data.Review{Sheet: "S", Row: 2, Reason: "two households match",
		Household: *newHousehold(30000, "410101"), Problem: data.Problem{Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}})
	if _, err := s.CommitImport(killCtx, withReview); err != nil { // review 1
		t.Fatal(err)
	}
	s.Close()

	ks.empty = filepath.Join(dir, "empty.db")
	s, _ = killOpen(ks.empty)
	s.Init(killCtx, "41", data.DefaultRound())
	s.Close()

	// The older layout: no found and resolved days, no history counters.
	ks.older = copyTo(t, ks.base, filepath.Join(dir, "older.db"))
	s, _ = killOpen(ks.older)
	err = s.db.Update(func(tx *bbolt.Tx) error {
		legacyJSON(t, tx)
		b := tx.Bucket(bucketProblems)
		var ps []data.Problem
		b.ForEach(func(k, v []byte) error {
			var p data.Problem
			json.Unmarshal(v, &p)
			ps = append(ps, p)
			return nil
		})
		for _, p := range ps {
			p.FoundOn, p.ResolvedOn = data.Date{}, data.Date{}
			putLegacy(t, tx, bucketProblems, itob(p.ID), &p)
		}
		var stale [][]byte
		tx.Bucket(bucketCounters).ForEach(func(k, _ []byte) error {
			if k[0] == 'A' || k[0] == 'R' {
				stale = append(stale, slices.Clone(k))
			}
			return nil
		})
		for _, k := range stale {
			tx.Bucket(bucketCounters).Delete(k)
		}
		if err := tx.DeleteBucket(bucketSums); err != nil { // version 4's
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(2))
	})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}

	// A record that repair mends (a target date that is not a date) and
	// one it sets aside (an action of no problem).
	ks.damaged = copyTo(t, ks.base, filepath.Join(dir, "damaged.db"))
	s, _ = killOpen(ks.damaged)
	s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketProblems)
		var p data.Problem
		decodeProblem(b.Get(itob(3)), &p)
		b.Put(itob(3), patchDay(t, b.Get(itob(3)), p.TargetDate, data.Date{Year: 2024, Month: 2, Day: 31}))
		v, _ := data.AppendAction(nil, &data.Action{ID: 1, ProblemID: 999999, Date: data.NewDate(2024, 5, 1), What: "x"})
		return tx.Bucket(bucketActions).Put(key(uint64(999999), uint64(1)), v)
	})
	rep, _ := s.Check(killCtx)
	s.Close()
	if rep.OK() {
		t.Fatal("the damaged seed passes the check")
	}
	ks.damagedFindings = rep.Problems

	// An import and a load cut short.
	ks.halfDone = copyTo(t, ks.base, filepath.Join(dir, "half.db"))
	halfImport(t, ks.halfDone)
	s, _ = killOpen(ks.halfDone)
	func() {
		defer func() { recover() }()
		s.LoadAll(killCtx, func(load func([]data.Bundle) error) error {
			for b := range 10 {
				var bs []data.Bundle
				for i := range 30 {
					bs = append(bs, data.Bundle{Household: *newHousehold(40000+30*b+i, "410103"), Problems: []data.ProblemBundle{{Problem: data.Problem{Category: 3, SubProblem: "ขาดทุนการศึกษา", SurveyYear: 2567}}}})
				}
				if err := load(bs); err != nil {
					return err
				}
			}
			panic("the program dies here")
		})
	}()
	s.Close()

	ks.restoreSource = copyTo(t, ks.base, filepath.Join(dir, "source.db"))
	s, _ = killOpen(ks.restoreSource)
	s.Load(killCtx, []data.Bundle{{Household: *newHousehold(50000, "410101")}, {Household: *newHousehold(50001, "410101")}})
	s.Close()
	return ks
}

func copyTo(t *testing.T, from, to string) string {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return to
}

// fileDigest is the digest of a file as it lies, read by bbolt directly
// (no upgrade, no rollback).
func fileDigest(t *testing.T, path string) string {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: LockTimeout})
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	defer db.Close()
	return digest(t, &Store{db: db})
}

// noFile is the state "before" of a path that makes a new file.
const noFile = "no file"

// killCase is one write path of the matrix: the file it starts from and
// its second file (a backup target, a restore source, a backup folder).
type killCase struct {
	path, seed, aux string
	// onlyAfter: the write is an open's own work (an upgrade, a rollback),
	// which the next open completes: no open may show the file as it was.
	onlyAfter bool
}

// TestKillMatrix kills every write path at random moments. Each path gets
// a run to completion, killed once it said it is done (which also tells
// how long it takes), a kill as soon as it starts, and defaultKills random
// kills in between (QMDESK_KILLS=N: N of them; `make kills`).
func TestKillMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	kills := defaultKills
	if v := os.Getenv(killsEnv); v != "" {
		var err error
		if kills, err = strconv.Atoi(v); err != nil {
			t.Fatalf("%s=%q", killsEnv, v)
		}
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("QMDESK_KILL_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("%d random kills a path; QMDESK_KILL_SEED=%d repeats them", kills, seed)
	rnd := rand.New(rand.NewPCG(seed, 11))
	defer func(i, h, l, r int) { importChunk, historyChunkSize, loadUndoChunk, recodeChunk = i, h, l, r }(importChunk, historyChunkSize, loadUndoChunk, recodeChunk)
	smallChunks()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	seeds := makeKillSeeds(t, t.TempDir())
	cases := []killCase{
		{"import", seeds.base, "", false},
		{"undo", seeds.base, "", false},
		{"review", seeds.base, "", false},
		{"demo", seeds.empty, "", false},
		{"demo-new", "", "", false},
		{"upgrade", seeds.older, "", true},
		{"rollback", seeds.halfDone, "", true},
		{"backup", seeds.base, "backup.db", false},
		{"restore", seeds.base, seeds.restoreSource, false},
		{"repair", seeds.damaged, "backups", false},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			before := noFile
			if c.seed != "" {
				before = fileDigest(t, c.seed)
			}
			after := killAfter(t, c)
			if c.onlyAfter {
				before = "never as it was"
			}
			if c.path == "rollback" && after != fileDigest(t, seeds.base) {
				t.Fatal("rolling back left the file other than it was before the import and the load")
			}
			// Run to completion in a child: how long it takes, and that
			// the child leaves what the parent's run left.
			elapsed, outcome := killRun(t, exe, c, before, after, -1, seeds, 0)
			if outcome != "after" {
				t.Fatalf("a run to completion shows %s", outcome)
			}
			delays := []time.Duration{0}
			for range kills {
				delays = append(delays, time.Duration(rnd.Int64N(int64(elapsed)*11/10+1)))
			}
			seen := map[string]int{}
			for i, d := range delays {
				_, outcome := killRun(t, exe, c, before, after, d, seeds, i)
				seen[outcome]++
			}
			t.Logf("run %v; %d kills: %v", elapsed.Round(time.Millisecond), len(delays), seen)
		})
	}
}

// killAfter runs a path to completion in this process, on a copy of its
// seed, and returns the digest of what it leaves.
func killAfter(t *testing.T, c killCase) string {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if c.seed != "" {
		copyTo(t, c.seed, db)
	}
	if err := killOps[c.path](db, killAux(dir, c)); err != nil {
		t.Fatalf("%s run to completion: %v", c.path, err)
	}
	return fileDigest(t, db)
}

func killAux(dir string, c killCase) string {
	if c.path == "restore" {
		return c.aux
	}
	return filepath.Join(dir, c.aux)
}

// killRun runs path c in a child on a fresh copy of its seed and kills it
// delay after it said it started (delay < 0: once it said it is done; no
// the run to completion). It checks what a reader's and a writer's open
// then show (the reader first for even i, the writer first for odd), and
// returns how long the child took from start to done (if it got there)
// and "before" or "after".
func killRun(t *testing.T, exe string, c killCase, before, after string, delay time.Duration, seeds killSeeds, i int) (time.Duration, string) {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if c.seed != "" {
		copyTo(t, c.seed, db)
	}
	aux := killAux(dir, c)
	spec, _ := json.Marshal(killJob{Path: c.path, DB: db, Aux: aux})
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), killMatrixEnv+"="+string(spec))
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != "ready" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child did not start: %q", lines.Text())
	}
	start := time.Now()
	var elapsed time.Duration
	killed := "not killed"
	if delay < 0 {
		if lines.Scan() && lines.Text() == "done" {
			elapsed = time.Since(start)
		} else {
			t.Fatalf("child: %q", lines.Text())
		}
	} else {
		time.Sleep(delay)
		killed = "killed after " + delay.String()
	}
	cmd.Process.Kill()
	cmd.Wait()

	if _, err := os.Stat(db); os.IsNotExist(err) && before == noFile {
		return elapsed, "before"
	}
	// A reader first, then a writer; or the other way round.
	opts := []Options{{ReadOnly: true}, {}}
	if i%2 == 1 {
		opts[0], opts[1] = opts[1], opts[0]
	}
	var outcome string
	for _, opt := range opts {
		s, err := Open(db, opt)
		if err != nil {
			t.Fatalf("%s, read-only %v: open: %v", killed, opt.ReadOnly, err)
		}
		got := digest(t, s)
		rep, err := s.Check(context.Background())
		s.Close()
		switch { // after first: for a backup, they are the same
		case got == after && (outcome == "" || outcome == "after"):
			outcome = "after"
		case got == before && (outcome == "" || outcome == "before"):
			outcome = "before"
		default:
			t.Fatalf("%s, read-only %v: the file shows %s; before %s, after %s, first open %q", killed, opt.ReadOnly, got, before, after, outcome)
		}
		if c.path == "repair" && outcome == "before" {
			if !slices.Equal(rep.Problems, seeds.damagedFindings) {
				t.Fatalf("%s: check finds %v, before the repair %v", killed, rep.Problems, seeds.damagedFindings)
			}
		} else if err != nil || !rep.OK() {
			t.Fatalf("%s, read-only %v: check: %v %v", killed, opt.ReadOnly, err, rep.Problems)
		}
	}
	// A copy is either whole or not there under its name.
	var copies []string
	switch c.path {
	case "backup":
		copies = []string{aux}
	case "restore":
		copies = []string{db + ".before-restore-kill"}
	case "repair":
		copies, _ = filepath.Glob(filepath.Join(aux, "*.db"))
	}
	for _, p := range copies {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if got := fileDigest(t, p); got != before {
			t.Fatalf("%s: %s holds %s, the database before %s", killed, filepath.Base(p), got, before)
		}
	}
	return elapsed, outcome
}
