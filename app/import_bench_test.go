package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/data/xlsx"
)

var (
	bookOnce  sync.Map // rows → path
	bookDirMu sync.Mutex
	bookDir   string
)

// benchBook is a generated n-row workbook of the template's 25 columns,
// one household per row with an action, made once per run.
func benchBook(b *testing.B, n int) string {
	if p, ok := bookOnce.Load(n); ok {
		return p.(string)
	}
	bookDirMu.Lock()
	if bookDir == "" {
		bookDir, _ = os.MkdirTemp("", "qmdesk-bench-books-")
	}
	bookDirMu.Unlock()
	path := filepath.Join(bookDir, fmt.Sprintf("province-%d.xlsx", n))
	bigBook(b, path, n)
	bookOnce.Store(n, path)
	b.ResetTimer()
	return path
}

// bareRead is excelize's streaming read of every cell, the floor any
// import stands on.
func bareRead(b *testing.B, path string) int {
	f, err := excelize.OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	cells := 0
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			b.Fatal(err)
		}
		cells += len(cols)
	}
	rows.Close()
	return cells
}

// peakHeap samples the heap while f runs and returns the largest value.
func peakHeap(f func()) uint64 {
	var peak uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse+m.StackInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	return peak
}

// newProvince opens a new database of Udon Thani (41) under b's
// temporary folder; the caller closes it.
func newProvince(b *testing.B, opts bolt.Options) *bolt.Store {
	s, err := bolt.Open(filepath.Join(b.TempDir(), "qm.db"), opts)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Init(context.Background(), "41", data.DefaultRound()); err != nil {
		s.Close()
		b.Fatal(err)
	}
	return s
}

// importOnce imports the workbook at path into a new database as the
// command line does, with its memory settings.
func importOnce(b *testing.B, path string) {
	s := newProvince(b, bolt.Options{NoSync: true})
	defer s.Close()
	ctx := context.Background()
	geo, _ := assets.Geography()
	imp := &app.Importer{Store: s, Geo: geo}
	defer app.HoldImportMemory(s, os.Getenv("GOMEMLIMIT") == "")()
	b.StartTimer()
	rep, err := imp.Plan(ctx, path, "")
	if err != nil || rep.Refused != "" {
		b.Fatal(err, rep.Refused)
	}
	if _, err := imp.Commit(ctx, rep); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if c := rep.Counts(); c.NewHouseholds != c.Rows {
		b.Fatalf("counts %+v", c)
	}
}

func BenchmarkBareRead100k(b *testing.B) {
	path := benchBook(b, 100_000)
	for b.Loop() {
		bareRead(b, path)
	}
}

// BenchmarkImport100k is read, normalise, validate, match and commit of the
// same workbook into a fresh database (with fsync, as a clerk's would be
// without NoSync; here NoSync keeps the figure about our code).
func BenchmarkImport100k(b *testing.B) {
	path := benchBook(b, 100_000)
	b.StopTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		peak = max(peak, peakHeap(func() { importOnce(b, path) }))
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}

func BenchmarkImport200k(b *testing.B) {
	path := benchBook(b, 200_000)
	b.StopTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		peak = max(peak, peakHeap(func() { importOnce(b, path) }))
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}

// BenchmarkFollowUp100k writes the follow-up workbook of an amphoe with
// 100,000 open problems.
func BenchmarkFollowUp100k(b *testing.B) {
	s := newProvince(b, bolt.Options{NoSync: true})
	defer s.Close()
	ctx := context.Background()
	tambons := []string{"410101", "410102", "410103", "410104"}
	for start := 0; start < 50_000; start += 10_000 {
		var batch []data.Bundle
		for i := start; i < start+10_000; i++ {
			h := data.Household{HouseCode: fmt.Sprintf("4101%07d", i+1), TambonCode: tambons[i%4], Origin: 1,
				Head: data.Person{NationalID: id(i + 1), Title: "นาย", FirstName: "สมชาย", LastName: "ใจดี"}}
			batch = append(batch, data.Bundle{Household: h, Problems: []data.ProblemBundle{
				{Problem: data.Problem{Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}},
				{Problem: data.Problem{Category: 2, SubProblem: "ขาดแคลนน้ำดื่ม", Urgent: true, SurveyYear: 2567, Status: data.InProgress}},
			}})
		}
		if err := s.Load(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	geo, _ := assets.Geography()
	e := &app.Exporter{Store: s, Geo: geo, Progress: &app.Progress{Store: s, Geo: geo}}
	out := filepath.Join(b.TempDir(), "followup.xlsx")
	b.ResetTimer()
	for b.Loop() {
		n, err := e.FollowUp(ctx, "4101", out, false)
		if err != nil || n != 100_000 {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkImportVsPeers alternates, round after round on the same
// workbook, the whole import beside its peers: excelize's bare streaming
// read, LibreOffice's bare read (a headless conversion to CSV, where
// soffice is installed), the byte-scan floor (inflate the sheet and find
// every cell, nothing more) and our reader alone. It reports the medians
// and the ratios the issue sets targets for, so that a slower or faster
// moment of a shared machine weighs on every side. The workbook has
// QMDESK_BENCH_ROWS rows (100,000 unless set); make bench-import runs it.
func BenchmarkImportVsPeers(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("QMDESK_BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	path := benchBook(b, n)
	b.StopTimer()
	soffice := libreOffice(b)
	var imports, reads, bares, floors, los []float64
	timed := func(into *[]float64, f func()) {
		start := time.Now()
		f()
		*into = append(*into, time.Since(start).Seconds())
	}
	for i := 0; i < b.N; i++ {
		timed(&bares, func() { bareRead(b, path) })
		timed(&imports, func() { importOnce(b, path) })
		timed(&floors, func() { byteScan(b, path) })
		timed(&reads, func() { readOnly(b, path) })
		if soffice != nil {
			timed(&los, func() { soffice(path) })
		}
	}
	b.ReportMetric(median(imports), "import-s")
	b.ReportMetric(median(reads), "read-s")
	b.ReportMetric(median(bares), "excelize-s")
	b.ReportMetric(median(floors), "floor-s")
	b.ReportMetric(median(imports)/median(bares), "import/excelize")
	b.ReportMetric(median(reads)/median(floors), "read/floor")
	if soffice != nil {
		b.ReportMetric(median(los), "libreoffice-s")
		b.ReportMetric(median(imports)/median(los), "import/libreoffice")
	}
}

// readOnly reads every row of the workbook with our reader, as the
// importer does, and does nothing with them.
func readOnly(b *testing.B, path string) {
	wb, err := xlsx.Open(path, "")
	if err != nil {
		b.Fatal(err)
	}
	defer wb.Close()
	cells := 0
	if err := wb.Rows(wb.Sheets()[0], func(_ int, c []string) error { cells += len(c); return nil }); err != nil {
		b.Fatal(err)
	}
}

// byteScan is the floor of any reader: inflate the sheet and find where
// every cell starts.
func byteScan(b *testing.B, path string) int {
	z, err := zip.OpenReader(path)
	if err != nil {
		b.Fatal(err)
	}
	defer z.Close()
	cells := 0
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 1<<20)
		for {
			n, err := rc.Read(buf)
			cells += bytes.Count(buf[:n], []byte("<c "))
			if err != nil {
				break
			}
		}
		rc.Close()
	}
	return cells
}

// libreOffice returns LibreOffice's bare read of a workbook (a headless
// conversion to CSV, the least it does with one), or nil when soffice is
// not installed. Its profile is made once, before any timing.
func libreOffice(b *testing.B) func(path string) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		b.Log("soffice not installed: no LibreOffice figures")
		return nil
	}
	home, out := b.TempDir(), b.TempDir()
	run := func(path string) {
		cmd := exec.Command(soffice, "--headless", "--convert-to", "csv", "--outdir", out, path)
		cmd.Env = append(os.Environ(), "HOME="+home)
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("soffice: %v\n%s", err, msg)
		}
	}
	run(benchBook(b, 10)) // the profile
	return run
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkDryRun300k plans a workbook of 300,000 rows, the most one file
// may hold, as the command line does (with its memory settings), into a
// new database and into one that holds a province of 100,000 demo
// households (whose house codes 13,407 of the rows share: they go to
// review). It reports the peak heap and, on Linux, the peak resident set
// of the run (the test binary and what it keeps from making the workbook
// included; the command line's figures are in docs/performance.md).
func BenchmarkDryRun300k(b *testing.B) {
	path := benchBook(b, 300_000)
	for _, province := range []int{0, 100_000} {
		b.Run(fmt.Sprintf("province=%d", province), func(b *testing.B) {
			b.StopTimer()
			s := benchDatabase(b, province)
			geo, _ := assets.Geography()
			imp := &app.Importer{Store: s, Geo: geo, Clock: fixedClock(data.NewDate(2024, 8, 15))}
			ctx := context.Background()
			var heap, rss int64
			for i := 0; i < b.N; i++ {
				debug.FreeOSMemory() // the database's making is not the dry run's
				readRSS := peakRSS()
				stop := app.HoldImportMemory(s, os.Getenv("GOMEMLIMIT") == "")
				var rep *app.FileReport
				h := peakHeap(func() {
					b.StartTimer()
					var err error
					if rep, err = imp.Plan(ctx, path, ""); err != nil || rep.Refused != "" {
						b.Fatal(err, rep.Refused)
					}
					b.StopTimer()
				})
				stop()
				heap, rss = max(heap, int64(h)), max(rss, readRSS())
				if c := rep.Counts(); c.Rows != 300_000 || c.NewHouseholds+c.Review != c.Rows {
					b.Fatalf("counts %+v", c)
				}
			}
			b.ReportMetric(float64(heap)/1e6, "peak-heap-MB")
			if rss > 0 {
				b.ReportMetric(float64(rss)/1e6, "peak-rss-MB")
			}
		})
	}
}

// benchDatabase is a new database of Udon Thani holding n demo
// households, removed after the benchmark.
func benchDatabase(b *testing.B, n int) *bolt.Store {
	s := newProvince(b, bolt.Options{NoSync: true})
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	round, _ := s.Round(ctx, 1)
	geo, _ := assets.Geography()
	if err := (app.Demo{Geo: geo, Province: "41", Round: round, Seed: 1, AsOf: data.NewDate(2024, 8, 15)}).Fill(ctx, s, n, 10_000, nil); err != nil {
		b.Fatal(err)
	}
	return s
}

// peakRSS starts measuring the process's peak resident set (Linux: the
// high-water mark is reset through /proc/self/clear_refs) and returns the
// function that reads it, in bytes; that function returns 0 where the
// system cannot tell.
func peakRSS() func() int64 {
	if os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) != nil {
		return func() int64 { return 0 }
	}
	return func() int64 {
		b, err := os.ReadFile("/proc/self/status")
		if err != nil {
			return 0
		}
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
		return 0
	}
}

// BenchmarkCommit measures the commit alone: the workbook at
// $QMDESK_COMMIT_BOOK (a generated 100,000-row one unless set) is planned
// once, and each round commits that plan into a new database, with fsync
// unless $QMDESK_COMMIT_NOSYNC is set, under the command line's memory
// settings. With $QMDESK_COMMIT_PROF set, a CPU profile of the rounds
// (the new databases' making included, not the plan) is written there.
func BenchmarkCommit(b *testing.B) {
	path := os.Getenv("QMDESK_COMMIT_BOOK")
	if path == "" {
		path = benchBook(b, 100_000)
	}
	b.StopTimer()
	ctx := context.Background()
	geo, _ := assets.Geography()
	open := func() *bolt.Store {
		return newProvince(b, bolt.Options{NoSync: os.Getenv("QMDESK_COMMIT_NOSYNC") != ""})
	}
	planned := open()
	defer planned.Close()
	stop := app.HoldImportMemory(planned, os.Getenv("GOMEMLIMIT") == "")
	rep, err := (&app.Importer{Store: planned, Geo: geo}).Plan(ctx, path, "")
	stop()
	if err != nil || rep.Refused != "" {
		b.Fatal(err, rep.Refused)
	}
	defer rep.Close()
	if prof := os.Getenv("QMDESK_COMMIT_PROF"); prof != "" {
		f, err := os.Create(prof)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	var peak uint64
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		s := open()
		imp := &app.Importer{Store: s, Geo: geo}
		stop := app.HoldImportMemory(s, os.Getenv("GOMEMLIMIT") == "")
		was := cpuTime()
		b.StartTimer()
		peak = max(peak, peakHeap(func() {
			if _, err := imp.Commit(ctx, rep); err != nil {
				b.Fatal(err)
			}
		}))
		b.StopTimer()
		cpu += cpuTime() - was
		stop()
		s.Close()
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}
