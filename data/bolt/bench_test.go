package bolt

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"qmdesk/data"
)

// fillProblems loads about n problems (2.5 per household, as in the demo)
// into a fresh database in batches of 10,000 households.
func fillProblems(tb testing.TB, path string, n int) *Store {
	tb.Helper()
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	s.Now = func() time.Time { return today }
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
