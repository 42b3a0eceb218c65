package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
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

func importOnce(b *testing.B, path string) {
	db := filepath.Join(b.TempDir(), "qm.db")
	s, err := bolt.Open(db, bolt.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
	geo, _ := assets.Geography()
	imp := &app.Importer{Store: s, Geo: geo}
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
	s, err := bolt.Open(filepath.Join(b.TempDir(), "qm.db"), bolt.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
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

// BenchmarkImportVsBareRead100k alternates the bare read and the whole
// import of the same workbook and reports the ratio of each pair, so that
// a slower or faster moment of a shared machine weighs on both sides.
// Run it with -benchtime 3x or more; the target is a ratio ≤ 1.5.
func BenchmarkImportVsBareRead100k(b *testing.B) {
	path := benchBook(b, 100_000)
	b.StopTimer()
	var ratios, bares, imports []float64
	for i := 0; i < b.N; i++ {
		start := time.Now()
		bareRead(b, path)
		bare := time.Since(start)
		// As the command line imports: with its soft memory limit.
		old := debug.SetMemoryLimit(240 << 20)
		start = time.Now()
		importOnce(b, path)
		imp := time.Since(start)
		debug.SetMemoryLimit(old)
		bares, imports = append(bares, bare.Seconds()), append(imports, imp.Seconds())
		ratios = append(ratios, imp.Seconds()/bare.Seconds())
	}
	b.ReportMetric(median(bares), "bare-s")
	b.ReportMetric(median(imports), "import-s")
	b.ReportMetric(median(ratios), "import/bare")
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
