package bolt

import (
	"testing"
	"time"

	"qmdesk/data"
)

// An import dates what it creates or changes by the information its rows
// carry (AsOf: never after today, today when there is none; a later
// ChangedOn the record had stays), and stamps it with its ledger entry's
// time; the clerk's change dates by today and now.
func TestImportDatesRecordsByTheirInformation(t *testing.T) {
	s, ctx := openTest(t) // today 1 Jun 2024
	// A clock that moves a second each time it is read, as the real one
	// moves during an import.
	ticking := func(t time.Time) data.Clock {
		return data.ClockFunc(func() time.Time { t = t.Add(time.Second); return t })
	}
	s.Clock = ticking(today)
	d := data.NewDate
	b := &data.ImportBatch{File: "อำเภอ.xlsx", SHA256: "abc"}
	for i, asOf := range []data.Date{d(2024, 5, 20), {}, d(2024, 6, 5)} {
		b.AddHousehold(data.HouseholdChange{Op: data.OpNew, Household: *newHousehold(i+1, "410101"), AsOf: asOf})
		b.AddProblem(data.ProblemChange{Op: data.OpNew, HouseholdRef: i, AsOf: asOf,
			Problem: data.Problem{RoundID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565, Status: data.NotStarted}})
	}
	rec, err := s.CommitImport(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	hs, _ := s.Households(ctx, data.HouseholdFilter{})
	if len(hs) != 3 {
		t.Fatalf("%d households", len(hs))
	}
	for i, want := range []data.Date{d(2024, 5, 20), d(2024, 6, 1), d(2024, 6, 1)} {
		h := hs[i]
		ps, _ := s.ProblemsOf(ctx, h.ID)
		if h.ChangedOn != want || ps[0].ChangedOn != want {
			t.Errorf("household %d: changed on %s, its problem on %s; want %s", h.ID, h.ChangedOn, ps[0].ChangedOn, want)
		}
		if !h.UpdatedAt.Equal(rec.At) || !h.CreatedAt.Equal(rec.At) || !ps[0].UpdatedAt.Equal(rec.At) {
			t.Errorf("household %d stamped %s/%s, its problem %s; the import's time is %s", h.ID, h.CreatedAt, h.UpdatedAt, ps[0].UpdatedAt, rec.At)
		}
	}
	// Two days later, a workbook as of 25 May changes all three.
	s.Clock = ticking(today.Add(48 * time.Hour))
	b = &data.ImportBatch{File: "อำเภอ-2.xlsx", SHA256: "def"}
	for i, h := range hs {
		seen := h.UpdatedAt
		h.Head.Phone = "0812345678"
		b.AddHousehold(data.HouseholdChange{Op: data.OpUpdate, Household: h, Seen: seen, AsOf: d(2024, 5, 25)})
		ps, _ := s.ProblemsOf(ctx, h.ID)
		p := ps[0]
		p.Detail = "ใหม่"
		b.AddProblem(data.ProblemChange{Op: data.OpUpdate, HouseholdRef: i, Problem: p, Seen: p.UpdatedAt, AsOf: d(2024, 5, 25)})
	}
	rec2, err := s.CommitImport(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	hs, _ = s.Households(ctx, data.HouseholdFilter{})
	for i, want := range []data.Date{d(2024, 5, 25), d(2024, 6, 1), d(2024, 6, 1)} { // the later information stays
		h := hs[i]
		ps, _ := s.ProblemsOf(ctx, h.ID)
		if h.ChangedOn != want || ps[0].ChangedOn != want || h.Head.Phone != "0812345678" || ps[0].Detail != "ใหม่" {
			t.Errorf("household %d after the second import: changed on %s, its problem on %s; want %s", h.ID, h.ChangedOn, ps[0].ChangedOn, want)
		}
		if !h.UpdatedAt.Equal(rec2.At) || !ps[0].UpdatedAt.Equal(rec2.At) || !h.CreatedAt.Equal(rec.At) {
			t.Errorf("household %d stamped %s, its problem %s; the import's time is %s", h.ID, h.UpdatedAt, ps[0].UpdatedAt, rec2.At)
		}
	}
	// The clerk's change: today, now.
	now := today.Add(72 * time.Hour)
	s.Clock = data.FixedClock(now)
	h := hs[0]
	h.Head.Phone = "0899999999"
	if err := s.UpdateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Household(ctx, h.ID); got.ChangedOn != d(2024, 6, 4) || !got.UpdatedAt.Equal(now) {
		t.Errorf("the clerk's change: changed on %s at %s", got.ChangedOn, got.UpdatedAt)
	}
	// Undo still tells the records the second import left from the one
	// the clerk changed since.
	if err := s.UndoImport(ctx, rec2.ID); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("undo of the second import after the clerk's change: %v", err)
	}
}
