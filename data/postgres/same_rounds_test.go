package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"qmdesk/data"
)

// rounds is the part of data.Store that starts rounds and carries
// problems over.
type rounds interface {
	CarryOver(ctx context.Context, from, to uint64) (int, error)
	StartRound(ctx context.Context, r *data.Round, carryFrom uint64) (int, error)
}

// sameRoundCounters is sameCounters with round 3's counters too.
func sameRoundCounters(w *twin, step string) {
	w.t.Helper()
	ctx := w.ctx
	sameCounters(w, step)
	for _, due := range []data.Date{{}, data.NewDate(2024, 6, 1), data.NewDate(2026, 1, 1)} {
		same(w, fmt.Sprintf("%s: Counts of round 3 due before %s", step, due), func(s implemented) (data.RoundCounts, error) { return s.Counts(ctx, 3, due) })
		same(w, fmt.Sprintf("%s: UnitCounts of round 3 due before %s", step, due), func(s implemented) (data.RoundCounts, error) { return s.UnitCounts(ctx, 3, due) })
	}
	same(w, step+": History of round 3", func(s implemented) (data.RoundHistory, error) { return s.History(ctx, 3) })
	same(w, step+": UnitHistory of round 3", func(s implemented) (data.RoundHistory, error) { return s.UnitHistory(ctx, 3) })
	checkRecount(w.t, w.dsn)
}

// sameRounds is TestSameAsBolt's part for the rounds interface, on the
// twin as sameRecords leaves it: round 1 current with its problems, round
// 2 with a few.
func sameRounds(t *testing.T, w *twin) {
	ctx := w.ctx
	carry := func(what string, from, to uint64) {
		same(w, "CarryOver "+what, func(s implemented) (int, error) { return s.CarryOver(ctx, from, to) })
	}
	carry("into the same round", 1, 1)
	carry("from no round", 9, 1)
	carry("into no round", 1, 9)
	start := func(what string, r data.Round, from uint64) {
		type started struct {
			R       data.Round
			Carried int
		}
		same(w, "StartRound "+what, func(s implemented) (started, error) {
			r := r
			n, err := s.StartRound(ctx, &r, from)
			if err != nil {
				// A refused start's round is not compared: the bbolt
				// store leaves the ID its rolled-back transaction gave
				// in r. Rounds, compared after, shows that none stayed.
				return started{Carried: n}, err
			}
			return started{r, n}, err
		})
	}
	next := data.Round{Name: " รอบ  2569 ", SurveyYear: 2565, Start: data.NewDate(2025, time.October, 1), Deadline: data.NewDate(2026, time.September, 30)}
	start("without a name", data.Round{Name: " ", Start: next.Start, Deadline: next.Deadline}, 1)
	start("a name taken", data.Round{Name: "Re-X-Ray 2567", Start: next.Start, Deadline: next.Deadline}, 1)
	start("carrying from no round", next, 9) // nothing stays: not the round, not the current round
	same(w, "Rounds after a start refused", func(s implemented) ([]data.Round, error) { return s.Rounds(ctx) })
	same(w, "Meta after a start refused", func(s implemented) (data.Meta, error) { return noVersion(s.Meta(ctx)) })
	open := same(w, "Problems of round 1 open", func(s implemented) ([]data.Problem, error) {
		return s.Problems(ctx, data.ProblemFilter{RoundID: 1, Status: data.NotStarted})
	})
	if len(open) == 0 {
		t.Fatal("round 1 has no problem to carry")
	}
	start("carrying round 1", next, 1)
	same(w, "Rounds", func(s implemented) ([]data.Round, error) { return s.Rounds(ctx) })
	same(w, "Meta, round 3 current", func(s implemented) (data.Meta, error) { return noVersion(s.Meta(ctx)) })
	for _, f := range []data.ProblemFilter{{RoundID: 1}, {RoundID: 2}, {RoundID: 3}} {
		same(w, fmt.Sprintf("Problems %+v after the start", f), func(s implemented) ([]data.Problem, error) { return s.Problems(ctx, f) })
	}
	sameRoundCounters(w, "round 3 started")
	carry("from round 1 again: all carried", 1, 3)
	carry("from round 2", 2, 3)
	for _, f := range []data.ProblemFilter{{RoundID: 2}, {RoundID: 3}} {
		same(w, fmt.Sprintf("Problems %+v after the carry", f), func(s implemented) ([]data.Problem, error) { return s.Problems(ctx, f) })
	}
	same(w, "UpdateProblem of a carried problem", func(s implemented) (data.Problem, error) {
		p, err := s.Problem(ctx, open[0].ID)
		if err != nil {
			return p, err
		}
		p.Detail = "x"
		err = s.UpdateProblem(ctx, &p)
		return p, err
	})
	sameRoundCounters(w, "round 2 carried")
	carry("back into round 1", 3, 1)
	start("carrying nothing", data.Round{Name: "รอบ 2570", Start: data.NewDate(2026, time.October, 1), Deadline: data.NewDate(2027, time.September, 30)}, 0)
	same(w, "Meta, round 4 current", func(s implemented) (data.Meta, error) { return noVersion(s.Meta(ctx)) })
	sameRoundCounters(w, "round 4 started")
}
