package app_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

var (
	benchProg *app.Progress
	benchOnce sync.Once
)

// millionProvince is a demo Udon Thani with at least 1,000,000 problems,
// built once per run in a temporary folder that TestMain removes.
func millionProvince(b *testing.B) *app.Progress {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "qmdesk-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
		s, err := bolt.Open(filepath.Join(dir, "qm.db"), bolt.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		benchStore = s
		ctx := context.Background()
		s.Init(ctx, "41", data.DefaultRound())
		round, _ := s.Round(ctx, 1)
		geo, _ := assets.Geography()
		today := data.NewDate(2024, 8, 15)
		// The demo averages about 1.55 problems a household.
		if err := (app.Demo{Geo: geo, Province: "41", Round: round, Seed: 1, AsOf: today}).Fill(ctx, s, 660_000, 10_000, nil); err != nil {
			b.Fatal(err)
		}
		benchProg = &app.Progress{Store: s, Geo: geo, Clock: fixedClock(today)}
		sum, _ := benchProg.Summarize(ctx, 0, "")
		b.Logf("benchmark province: %d households, %d problems", sum.Area.Totals.Households, sum.Area.Totals.Target)
		if sum.Area.Totals.Target < 1_000_000 {
			b.Fatalf("only %d problems", sum.Area.Totals.Target)
		}
	})
	b.ResetTimer()
	return benchProg
}

var (
	benchDir   string
	benchStore *bolt.Store
)

func TestMain(m *testing.M) {
	if arg := os.Getenv(killImportEnv); arg != "" {
		os.Exit(killImportChild(arg))
	}
	code := m.Run()
	if benchStore != nil {
		benchStore.Close()
		os.RemoveAll(benchDir)
	}
	if bookDir != "" {
		os.RemoveAll(bookDir)
	}
	os.Exit(code)
}

// BenchmarkSummaryProvince1M is the target: the province summary on
// 1,000,000 problems in under 50 ms.
func BenchmarkSummaryProvince1M(b *testing.B) {
	p := millionProvince(b)
	for b.Loop() {
		if _, err := p.Summarize(context.Background(), 0, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSummaryAmphoe1M(b *testing.B) {
	p := millionProvince(b)
	for b.Loop() {
		if _, err := p.Summarize(context.Background(), 0, "4101"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAgencies1M reads the partner agencies' report of a 1,000,000-
// problem province (a scan of the round's problems and every action):
// docs/performance.md records its time.
func BenchmarkAgencies1M(b *testing.B) {
	millionProvince(b)
	for b.Loop() {
		if _, err := app.Agencies(context.Background(), benchStore, 0, ""); err != nil {
			b.Fatal(err)
		}
	}
}
