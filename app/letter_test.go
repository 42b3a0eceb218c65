package app_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"qmdesk/app"
	"qmdesk/data"
)

func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// The cover names the programme, the province's ศจพ.จ. and the letter the
// pack reports on (the default, or the clerk's); a database made by the
// demo says "ข้อมูลตัวอย่าง" on every page, one made by hand on none.
func TestPackCoverProgrammeLetterAndDemoMark(t *testing.T) {
	needPoppler(t)
	fx, e := demoFixture(t, 60)
	ctx := context.Background()
	if m, _ := fx.store.Meta(ctx); !m.Demo {
		t.Fatal("the demo's load did not mark the database as demo data")
	}
	pack, err := e.Progress.Pack(ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(fx.dir, "pack.pdf")
	if err := pack.WritePDF(path); err != nil {
		t.Fatal(err)
	}
	cover := squash(pdfText(t, path, 1))
	for _, want := range []string{data.WordProgramme.Thai, data.WordProvinceCentre.Thai + "อุดรธานี", "(ศจพ.จ.อุดรธานี)", app.DefaultLetter} {
		if !strings.Contains(cover, squash(want)) {
			t.Errorf("the cover lacks %q", want)
		}
	}
	for p := 1; p <= pdfPages(t, path); p++ {
		if !strings.Contains(pdfText(t, path, p), data.WordDemoData.Thai) {
			t.Errorf("page %d lacks the demo mark", p)
		}
	}

	// A database made by hand, and a letter of the clerk's.
	s, prog := openStore(t, data.NewDate(2024, 8, 1))
	h := data.Household{TambonCode: "410101", Head: data.Person{NationalID: id(1)}, Origin: 1}
	if err := s.Load(ctx, []data.Bundle{{Household: h, Problems: []data.ProblemBundle{{Problem: data.Problem{Category: 4, SubProblem: "ก", SurveyYear: 2565, Status: data.InProgress}}}}}); err != nil {
		t.Fatal(err)
	}
	pack, err = prog.Pack(ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	pack.Letter = "หนังสือจังหวัดอุดรธานี ที่ อด 0018.1/ว 21"
	if err := pack.WritePDF(path); err != nil {
		t.Fatal(err)
	}
	if all := pdfText(t, path, 0); strings.Contains(all, data.WordDemoData.Thai) || !strings.Contains(squash(all), squash(pack.Letter)) || strings.Contains(squash(all), squash(app.DefaultLetter)) {
		t.Errorf("a hand-made database's pack: demo mark or wrong letter:\n%s", all[:min(len(all), 2000)])
	}
}

// The pack's first table follows the letter: its national households per
// category, the province's, and the share.
func TestLetterTable(t *testing.T) {
	if app.LetterHouseholds(1) != 133325 || app.LetterHouseholds(4) != 2441098 || app.LetterHouseholds(7) != 756613 {
		t.Error("the letter's national figures")
	}
	if got := app.ShareOfLetter(1333, 1); got != 1.0 {
		t.Errorf("share %v, want 1.00", got)
	}
	if got := app.FormatShare(app.ShareOfLetter(170, 1)); got != "0.13%" {
		t.Errorf("share %q, want 0.13%%", got)
	}
}

// Recording goes on after the deadline "until the help is complete": on
// 30 พ.ย. 2569 an action that solves a problem of the 2567 round and a
// status change are accepted and counted as solved after the deadline;
// the problem still open stays overdue; the pack says how many.
func TestRecordingAfterTheDeadline(t *testing.T) {
	needPoppler(t)
	today := data.NewDate(2026, 11, 30)
	s, prog := openStore(t, today)
	ctx := data.WithOperator(context.Background(), "clerk")
	h := data.Household{TambonCode: "410101", Head: data.Person{NationalID: id(1)}, Origin: 1}
	var pbs []data.ProblemBundle
	for _, sub := range []string{"ก", "ข", "ค", "ง"} {
		pbs = append(pbs, data.ProblemBundle{Problem: data.Problem{Category: 4, SubProblem: sub, SurveyYear: 2565, Status: data.InProgress}})
	}
	if err := s.Load(ctx, []data.Bundle{{Household: h, Problems: pbs}}); err != nil {
		t.Fatal(err)
	}
	ps, err := s.Problems(ctx, data.ProblemFilter{RoundID: 1})
	if err != nil || len(ps) != 4 {
		t.Fatalf("%d problems, %v", len(ps), err)
	}
	if err := s.AddAction(ctx, &data.Action{ProblemID: ps[0].ID, Date: data.NewDate(2026, 11, 20), What: "ช่วยเหลือ", Result: data.Solved}); err != nil {
		t.Fatalf("an action after the deadline: %v", err)
	}
	p := ps[1]
	p.Status = data.Solved
	if err := s.UpdateProblem(ctx, &p); err != nil {
		t.Fatalf("a status change after the deadline: %v", err)
	}
	// Closed after the deadline: it left the open ones, but was not solved.
	if err := s.AddAction(ctx, &data.Action{ProblemID: ps[3].ID, Date: data.NewDate(2026, 11, 25), What: "ย้ายออก", Result: data.Closed, Note: "ย้ายออกนอกพื้นที่"}); err != nil {
		t.Fatalf("closing after the deadline: %v", err)
	}
	sum, err := prog.Summarize(ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	c := sum.Countdown
	if sum.Area.Totals.Solved != 2 || !c.Ended || c.OpenAtDeadline != 4 || c.ResolvedSince != 3 || c.SolvedSince != 2 || c.Open != 1 || sum.Area.Totals.Overdue != 1 {
		t.Fatalf("after the deadline: solved %d overdue %d, countdown %+v", sum.Area.Totals.Solved, sum.Area.Totals.Overdue, c)
	}
	pack, err := prog.Pack(ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pack.pdf")
	if err := pack.WritePDF(path); err != nil {
		t.Fatal(err)
	}
	if cover := squash(pdfText(t, path, 1)); !strings.Contains(cover, squash("หลังครบกำหนด"+data.WordSolvedTotal.Thai+"เพิ่มอีก 2 ปัญหา และ"+data.Closed.Thai()+" 1 ปัญหา")) {
		t.Errorf("the cover does not say how many were solved after the deadline:\n%s", cover)
	}
}
