package bolt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"qmdesk/data"
)

// fillProblems loads n problems (1–4 per household) into a fresh database
// in batches of 10,000 households, one transaction each.
func fillProblems(tb testing.TB, path string, n int) *Store {
	tb.Helper()
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	s.Clock = data.FixedClock(today)
	ctx := context.Background()
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		tb.Fatal(err)
	}
	tambons := []string{"410101", "410102", "410201", "410301", "410401", "410501"}
	made, hh := 0, 0
	for made < n {
		var batch []data.Bundle
		for len(batch) < 10000 && made < n {
			hh++
			b := data.Bundle{Household: *newHousehold(hh, tambons[hh%len(tambons)])}
			for j := 0; j < 1+hh%4 && made < n; j++ {
				b.Problems = append(b.Problems, data.ProblemBundle{Problem: data.Problem{
					Category: data.Category((hh+j)%7 + 1), SubProblem: "หนี้สิน", SurveyYear: 2565,
					Status: data.Statuses[(hh*7+j)%5], CloseReason: "ย้ายออก", Urgent: hh%13 == 0,
					TargetDate: data.NewDate(2024, time.Month(3+hh%7), 1+j)}})
				made++
			}
			batch = append(batch, b)
		}
		if err := s.Load(ctx, batch); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

func BenchmarkLoad100kProblems(b *testing.B) {
	for b.Loop() {
		s := fillProblems(b, filepath.Join(b.TempDir(), "qm.db"), 100_000)
		s.Close()
	}
}

// BenchmarkLoad1MProblems is the "loading 1,000,000 problems".
func BenchmarkLoad1MProblems(b *testing.B) {
	for b.Loop() {
		s := fillProblems(b, filepath.Join(b.TempDir(), "qm.db"), 1_000_000)
		s.Close()
	}
}

var (
	million     *Store
	millionOnce sync.Once
	millionDir  string
)

// millionStore is one 1,000,000-problem database shared by the lookup
// benchmarks; TestMain removes it.
func millionStore(b *testing.B) *Store {
	millionOnce.Do(func() {
		var err error
		if millionDir, err = os.MkdirTemp("", "qmdesk-bench-"); err != nil {
			b.Fatal(err)
		}
		million = fillProblems(b, filepath.Join(millionDir, "qm.db"), 1_000_000)
	})
	b.ResetTimer()
	return million
}

func BenchmarkCounts1M(b *testing.B) {
	s := millionStore(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Counts(ctx, 1, data.DateOf(today)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFindByNationalID1M(b *testing.B) {
	s := millionStore(b)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i = i%400_000 + 1
		if hs, err := s.HouseholdsByNationalID(ctx, validID(i)); err != nil || len(hs) != 1 {
			b.Fatalf("household %d: %v %v", i, hs, err)
		}
	}
}

func BenchmarkFindByHouseCode1M(b *testing.B) {
	s := millionStore(b)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i = i%400_000 + 1
		if hs, err := s.HouseholdsByHouseCode(ctx, fmt.Sprintf("4101%07d", i)); err != nil || len(hs) != 1 {
			b.Fatalf("household %d: %v %v", i, hs, err)
		}
	}
}
