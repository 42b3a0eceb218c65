package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"qmdesk/data"
	"qmdesk/data/postgres/pgtest"
)

// Two or more clerks at once (issue 16, point 4): each clerk's program has
// a Store of its own (a pool of its own connections) on one database.

// clerkStores opens n Stores on one new database, set up for province 41
// with one household, whose clocks move on a millisecond at every
// reading (one clock for all: the clerks' PCs agree on the time).
func clerkStores(t *testing.T, n int) ([]*Store, string, data.Household) {
	t.Helper()
	dsn := pgtest.DB(t)
	var ticks atomic.Int64
	clock := data.ClockFunc(func() time.Time { return now.Add(time.Duration(ticks.Add(1)) * time.Millisecond) })
	var stores []*Store
	for range n {
		s, err := Open(context.Background(), dsn, clock)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	ctx := context.Background()
	if _, err := stores[0].Init(ctx, "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	h := data.Household{HouseCode: "41010012345", TambonCode: "410101", Origin: data.OriginSurvey2565}
	if err := stores[0].CreateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	return stores, dsn, h
}

// atOnce runs each f on its own goroutine, all released together, and
// returns their errors.
func atOnce(fs ...func() error) []error {
	errs := make([]error, len(fs))
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i, f := range fs {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			errs[i] = f()
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}

// oneWins checks that exactly one of errs is nil and the others are
// refusals as stale (ECONFLICT), and returns the winner.
func oneWins(t *testing.T, what string, errs []error) int {
	t.Helper()
	won := -1
	for i, err := range errs {
		_, stale := data.StaleOf(err)
		switch {
		case err == nil && won < 0:
			won = i
		case err == nil:
			t.Fatalf("%s: clerks %d and %d both written from one read", what, won, i)
		case !stale || data.ErrorCode(err) != data.ECONFLICT:
			t.Fatalf("%s: clerk %d: %v", what, i, err)
		}
	}
	if won < 0 {
		t.Fatalf("%s: nothing written: %v", what, errs)
	}
	return won
}

// Two clerks, each in her own program, record an action that moves the
// same problem's status, each from the problem as her page read it
// (Action.Seen): exactly one is stored, with its status; the other is
// refused as stale and leaves nothing (no action, no audit entry). Notes
// added at once from one read (no status) are both kept: an action
// alone changes nothing another clerk wrote.
func TestTwoClerksActOnOneProblem(t *testing.T) {
	stores, dsn, h := clerkStores(t, 2)
	ctx := data.WithOperator(context.Background(), "หัวหน้า")
	for try := range 8 {
		p := data.Problem{HouseholdID: h.ID, Category: data.Category(1 + try%7), SubProblem: "อื่น ๆ", SurveyYear: 2567}
		if err := stores[0].CreateProblem(ctx, &p); err != nil {
			t.Fatal(err)
		}
		entries := checkAuditChain(t, dsn)
		results := []data.Status{data.InProgress, data.Closed}
		// Each page reads the problem, then both clerks save at once.
		var acts [2]data.Action
		for i, s := range stores {
			read, err := s.Problem(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			acts[i] = data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 5, 1), What: "ติดตาม", Result: results[i], Note: "ย้ายออก", Seen: read.UpdatedAt}
		}
		errs := atOnce(func() error { return stores[0].AddAction(data.WithOperator(ctx, "clerk0"), &acts[0]) },
			func() error { return stores[1].AddAction(data.WithOperator(ctx, "clerk1"), &acts[1]) })
		won := oneWins(t, fmt.Sprintf("try %d", try), errs)
		got, err := stores[1-won].Problem(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := stores[1-won].Actions(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != results[won] || got.ChangedBy != fmt.Sprintf("clerk%d", won) || len(stored) != 1 || stored[0].ID != acts[won].ID || stored[0].RecordedBy != fmt.Sprintf("clerk%d", won) {
			t.Fatalf("try %d: clerk%d's action should be the one stored: %+v, actions %+v", try, won, got, stored)
		}
		// The action and the problem's change: two entries.
		if n := checkAuditChain(t, dsn); n != entries+2 {
			t.Fatalf("try %d: %d audit entries, want %d", try, n, entries+2)
		}
		// Notes, no status, from one read: both kept.
		read := got
		errs = atOnce(func() error {
			return stores[0].AddAction(data.WithOperator(ctx, "clerk0"), &data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 5, 2), What: "โทรถาม 0", Seen: read.UpdatedAt})
		}, func() error {
			return stores[1].AddAction(data.WithOperator(ctx, "clerk1"), &data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 5, 2), What: "โทรถาม 1", Seen: read.UpdatedAt})
		})
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("try %d: notes: %v", try, errs)
		}
		if stored, _ := stores[0].Actions(ctx, p.ID); len(stored) != 3 {
			t.Fatalf("try %d: %d actions, want 3", try, len(stored))
		}
	}
	checkRecount(t, dsn)
}

// Three clerks, each in her own program, change one problem (and one
// household) from the same read: one change is written whole, the others
// are refused as stale; each then reads again and makes her change on
// what is stored, so that in the end every clerk's change is there (the
// refusal lost nothing: it asked her to look again).
func TestClerksUpdateOneRecord(t *testing.T) {
	stores, dsn, h := clerkStores(t, 3)
	ctx := context.Background()
	p := data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567}
	if err := stores[0].CreateProblem(ctx, &p); err != nil {
		t.Fatal(err)
	}
	var fs []func() error
	for i, s := range stores {
		fs = append(fs, func() error {
			ctx := data.WithOperator(ctx, fmt.Sprintf("clerk%d", i))
			c := p
			c.Detail = fmt.Sprintf("[%d]", i)
			c.Status = []data.Status{data.InProgress, data.SelfSolved, data.NotStarted}[i]
			return s.UpdateProblem(ctx, &c)
		})
	}
	won := oneWins(t, "UpdateProblem", atOnce(fs...))
	got, _ := stores[0].Problem(ctx, p.ID)
	if got.Detail != fmt.Sprintf("[%d]", won) || got.ChangedBy != fmt.Sprintf("clerk%d", won) {
		t.Fatalf("the problem is not clerk%d's change whole: %+v", won, got)
	}
	fs = nil
	for i, s := range stores {
		fs = append(fs, func() error {
			ctx := data.WithOperator(ctx, fmt.Sprintf("clerk%d", i))
			c := h
			c.VillageName, c.Members = fmt.Sprintf("บ้าน %d", i), i+1
			return s.UpdateHousehold(ctx, &c)
		})
	}
	hwon := oneWins(t, "UpdateHousehold", atOnce(fs...))
	if got, _ := stores[2].Household(ctx, h.ID); got.Members != hwon+1 || got.VillageName != fmt.Sprintf("บ้าน %d", hwon) {
		t.Fatalf("the household is not clerk%d's change whole: %+v", hwon, got)
	}
	// Each refused clerk reads again and adds her mark to what is stored,
	// all at once, again after a refusal.
	fs = nil
	for i, s := range stores {
		if i == won {
			continue
		}
		fs = append(fs, func() error {
			ctx := data.WithOperator(ctx, fmt.Sprintf("clerk%d", i))
			for {
				c, err := s.Problem(ctx, p.ID)
				if err != nil {
					return err
				}
				c.Detail += fmt.Sprintf("[%d]", i)
				err = s.UpdateProblem(ctx, &c)
				if _, stale := data.StaleOf(err); !stale {
					return err
				}
			}
		})
	}
	for i, err := range atOnce(fs...) {
		if err != nil {
			t.Fatalf("again %d: %v", i, err)
		}
	}
	got, _ = stores[1].Problem(ctx, p.ID)
	for i := range stores {
		if n := countOf(got.Detail, fmt.Sprintf("[%d]", i)); n != 1 {
			t.Errorf("clerk%d's mark is there %d times: %q", i, n, got.Detail)
		}
	}
	checkAuditChain(t, dsn)
	checkRecount(t, dsn)
}

func countOf(s, sub string) (n int) {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			n++
		}
	}
	return n
}

// Many clerks in three programs at once, each on problems of her own:
// new problems, actions closing and reopening them, changes of category,
// urgency and target date, households moved to another tambon. Every
// write goes in (no deadlock, no error), and afterwards the figures the
// dashboard reads (Counts, History) are those counted here from the
// records themselves (Walk).
func TestManyClerksFiguresEqualRecount(t *testing.T) {
	stores, dsn, h0 := clerkStores(t, 3)
	ctx := context.Background()
	const clerks = 9
	var households []data.Household
	for i := range clerks {
		h := data.Household{HouseCode: fmt.Sprintf("410100%05d", i), TambonCode: []string{"410101", "410102", "410103"}[i%3], Origin: data.Origin(1 + i%2)}
		if i == 0 {
			h = h0
		} else if err := stores[0].CreateHousehold(ctx, &h); err != nil {
			t.Fatal(err)
		}
		households = append(households, h)
	}
	var fs []func() error
	for i := range clerks {
		s := stores[i%len(stores)]
		fs = append(fs, func() error {
			ctx := data.WithOperator(ctx, fmt.Sprintf("clerk%d", i))
			hh := households[i].ID
			for j := range 5 {
				p := data.Problem{HouseholdID: hh, Category: data.Category(1 + (i+j)%7), SubProblem: "อื่น ๆ", SurveyYear: []int{2565, 2567}[j%2], Urgent: j%2 == 0,
					TargetDate: data.NewDate(2024, 7, 1+j)}
				if err := s.CreateProblem(ctx, &p); err != nil {
					return err
				}
				for k, st := range []data.Status{data.InProgress, data.Status(3 + (i+j)%3), data.InProgress} {
					if (j+k)%4 == 3 {
						continue
					}
					a := data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 5, 1+j+k), What: "ติดตาม", Result: st, Note: "ย้ายออก"}
					if err := s.AddAction(ctx, &a); err != nil {
						return err
					}
				}
				p, err := s.Problem(ctx, p.ID)
				if err != nil {
					return err
				}
				p.Category, p.Urgent, p.TargetDate = data.Category(1+(i+j+3)%7), !p.Urgent, data.NewDate(2024, 8, 1+j)
				if err := s.UpdateProblem(ctx, &p); err != nil {
					return err
				}
			}
			h, err := s.Household(ctx, hh)
			if err != nil {
				return err
			}
			h.TambonCode = []string{"410101", "410102", "410103"}[(i+1)%3]
			return s.UpdateHousehold(ctx, &h)
		})
	}
	for i, err := range atOnce(fs...) {
		if err != nil {
			t.Fatalf("clerk %d: %v", i, err)
		}
	}
	// The figures, read through each program, against a recount.
	hs := map[uint64]data.Household{}
	var ps []data.Problem
	if err := stores[0].Walk(ctx, func(h data.Household, l []data.Problem) error {
		hs[h.ID] = h
		ps = append(ps, l...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(ps) != clerks*5 {
		t.Fatalf("%d problems, want %d", len(ps), clerks*5)
	}
	due := data.NewDate(2024, 8, 4)
	want := map[string]int64{}
	once := map[string]bool{}
	for _, p := range ps {
		tb := hs[p.HouseholdID].TambonCode
		want[fmt.Sprintf("S %s c%d st%d u%v", tb, p.Category, p.Status, p.Urgent)]++
		for _, c := range []data.Category{p.Category, 0} {
			if k := fmt.Sprintf("H %s c%d", tb, c); !once[fmt.Sprintf("%s %d", k, p.HouseholdID)] {
				once[fmt.Sprintf("%s %d", k, p.HouseholdID)] = true
				want[k]++
			}
		}
		if p.Status.Open() && p.TargetDate.Before(due) {
			want[fmt.Sprintf("D %s %s c%d u%v", p.TargetDate, tb, p.Category, p.Urgent)]++
		}
		want[fmt.Sprintf("A %s %s", p.FoundOn, tb)]++
		if !p.Status.Open() {
			want[fmt.Sprintf("R %s %s", p.ResolvedOn, tb)]++
		}
		if p.Status.IsSolved() {
			want[fmt.Sprintf("V %s %s", p.ResolvedOn, tb)]++
		}
	}
	for i, s := range stores {
		rc, err := s.Counts(ctx, 1, due)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := s.History(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, x := range rc.Status {
			got[fmt.Sprintf("S %s c%d st%d u%v", x.Tambon, x.Category, x.Status, x.Urgent)] += x.N
		}
		for _, x := range rc.Households {
			got[fmt.Sprintf("H %s c%d", x.Tambon, x.Category)] += x.N
		}
		for _, x := range rc.Due {
			got[fmt.Sprintf("D %s %s c%d u%v", x.Target, x.Tambon, x.Category, x.Urgent)] += x.N
		}
		for tag, l := range map[string][]data.DateCount{"A": hist.Added, "R": hist.Resolved, "V": hist.Solved} {
			for _, x := range l {
				got[fmt.Sprintf("%s %s %s", tag, x.Date, x.Tambon)] += x.N
			}
		}
		maps.DeleteFunc(got, func(_ string, n int64) bool { return n == 0 })
		if !maps.Equal(got, want) {
			var diff []string
			for k := range maps.Keys(got) {
				if got[k] != want[k] {
					diff = append(diff, fmt.Sprintf("%s: store %d, recount %d", k, got[k], want[k]))
				}
			}
			for k := range maps.Keys(want) {
				if _, ok := got[k]; !ok {
					diff = append(diff, fmt.Sprintf("%s: store 0, recount %d", k, want[k]))
				}
			}
			slices.Sort(diff)
			t.Fatalf("program %d's figures are not a recount of the records:\n%v", i, diff)
		}
	}
	checkAuditChain(t, dsn)
	checkRecount(t, dsn)
}
