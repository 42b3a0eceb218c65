package ui_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/ui"
)

// watchedStore is a store that tells the window of other programs'
// changes, as the PostgreSQL store does (postgres.Store.Watch): here the
// test writes to the store itself, as another clerk would, and then
// tells the window with tell.
type watchedStore struct {
	*bolt.Store
	watching chan func()   // Watch's changed, once the window watches
	ended    chan struct{} // closed when Watch returns
}

func (s *watchedStore) Watch(ctx context.Context, changed func()) error {
	defer close(s.ended)
	s.watching <- changed
	<-ctx.Done()
	return ctx.Err()
}

// watchedWindow is a window on a demo of 50 households in a watched
// store, and the function that tells it of a change.
func watchedWindow(t *testing.T) (*ui.MainWindow, *bolt.Store, func()) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Preferences().SetString("operator", "สมใจ ทดสอบ")
	dir := t.TempDir()
	s, err := bolt.Open(filepath.Join(dir, "qm.db"), bolt.Options{NoSync: true, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	geo, _ := assets.Geography()
	s.Init(ctx, "41", data.DefaultRound())
	round, _ := s.Round(ctx, 1)
	if err := (app.Demo{Geo: geo, Province: "41", Round: round, Seed: 3, AsOf: today}).Fill(ctx, s, 50, 500, nil); err != nil {
		t.Fatal(err)
	}
	ws := &watchedStore{Store: s, watching: make(chan func(), 1), ended: make(chan struct{})}
	w := ui.NewMainWindow(a, ui.Env{Store: ws, Geo: geo, Clock: clock, DataDir: dir, Operator: "os-user"})
	t.Cleanup(func() {
		w.Close()
		select {
		case <-ws.ended:
		case <-time.After(10 * time.Second):
			t.Error("the watch goes on after the window closed")
		}
		w.WaitIdle()
		s.Close()
	})
	w.WaitIdle()
	var changed func()
	select {
	case changed = <-ws.watching:
	case <-time.After(10 * time.Second):
		t.Fatal("the window does not watch a store that can be watched")
	}
	return w, s, func() {
		changed() // on the store's goroutine, as Watch calls it
		w.WaitIdle()
	}
}

// Another clerk's changes, told by the store, are shown without the
// clerk asking: the dashboard's figures, the register's list, the open
// household; the note at the bottom says when (Thai time). While the
// clerk fills in a form the household page stays as she read it (her
// save would meet the stale rule) and is read again once the form
// closes; the figures are shown at once all the same.
func TestOthersChangesAreShown(t *testing.T) {
	w, s, tell := watchedWindow(t)
	ctx := data.WithOperator(context.Background(), "สมหญิง อีกคน")
	if w.OthersNote == nil || w.OthersNote.Visible() {
		t.Fatalf("the note before any change: %+v", w.OthersNote)
	}
	if got := w.Dashboard.Households.Value.Text; got != "50" {
		t.Fatalf("dashboard households %q", got)
	}
	if len(w.Households.IDs) != 50 {
		t.Fatalf("the register lists %d", len(w.Households.IDs))
	}
	open, _ := s.Problems(ctx, data.ProblemFilter{Status: data.NotStarted, Limit: 1})
	pr := open[0]
	w.Households.Open(pr.HouseholdID)
	w.WaitIdle()
	p := w.Households.Page
	solvedBefore := w.Dashboard.Solved.Value.Text

	// Another clerk adds a household with a problem, and solves the
	// problem shown on this clerk's page.
	hh := data.Household{HouseCode: "41010099999", TambonCode: "410101", VillageName: "บ้านใหม่ของอีกคน", Origin: data.OriginSurvey2565,
		Head: data.Person{FirstName: "มานี", LastName: "มีนา"}}
	if err := s.CreateHousehold(ctx, &hh); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateProblem(ctx, &data.Problem{HouseholdID: hh.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAction(ctx, &data.Action{ProblemID: pr.ID, Date: today, What: "มอบทุน", Result: data.Solved}); err != nil {
		t.Fatal(err)
	}
	stored, _ := s.Problem(ctx, pr.ID)
	if got := w.Dashboard.Households.Value.Text; got != "50" {
		t.Fatalf("the dashboard changed before the store told: %q", got)
	}
	tell()
	if got := w.Dashboard.Households.Value.Text; got != "51" {
		t.Errorf("dashboard households after another clerk's change: %q", got)
	}
	if got := w.Dashboard.Solved.Value.Text; got == solvedBefore {
		t.Errorf("dashboard solved still %q", got)
	}
	if len(w.Households.IDs) != 51 || !slices.Contains(w.Households.IDs, hh.ID) {
		t.Errorf("the register lists %d households, the new one %v", len(w.Households.IDs), slices.Contains(w.Households.IDs, hh.ID))
	}
	if card := p.Card(pr.ID); card == nil || card.Problem.Status != data.Solved || !card.Problem.UpdatedAt.Equal(stored.UpdatedAt) {
		t.Errorf("the open household after another clerk's change: %+v", card)
	}
	// 10:00 UTC is 17:00 in Thailand.
	if !w.OthersNote.Visible() || w.OthersNote.Text != "ข้อมูลเปลี่ยนโดยผู้ใช้อื่น เวลา 17:00 น. — แสดงข้อมูลล่าสุดแล้ว" {
		t.Errorf("the note: %v %q", w.OthersNote.Visible(), w.OthersNote.Text)
	}

	// The clerk opens the action form; meanwhile another clerk reopens
	// the problem.
	card := p.Card(pr.ID)
	test.Tap(card.AddBtn)
	if p.ActionForm == nil {
		t.Fatal("no action form")
	}
	if err := s.AddAction(ctx, &data.Action{ProblemID: pr.ID, Date: today, What: "ยังไม่เสร็จ", Result: data.InProgress}); err != nil {
		t.Fatal(err)
	}
	reopened, _ := s.Problem(ctx, pr.ID)
	before := w.Dashboard.InProgress.Value.Text
	tell()
	if w.OpenDialogs() != 1 || p.ActionForm == nil {
		t.Fatalf("the form was closed under the clerk: %d dialogs", w.OpenDialogs())
	}
	if c := p.Card(pr.ID); c == nil || c.Problem.Status != data.Solved {
		t.Errorf("the page was read again under the clerk's form: %+v", c)
	}
	if got := w.Dashboard.InProgress.Value.Text; got == before {
		t.Errorf("the dashboard waited for the form: in progress still %q", got)
	}
	test.Tap(p.ActionForm.Cancel)
	w.WaitIdle()
	if c := p.Card(pr.ID); c == nil || c.Problem.Status != data.InProgress || !c.Problem.UpdatedAt.Equal(reopened.UpdatedAt) {
		t.Errorf("the page once the form closed: %+v", c)
	}
}

// A new round made by another clerk is in the lists of rounds once told:
// the screens are made again, on the tab the clerk was on.
func TestOthersNewRoundIsShown(t *testing.T) {
	w, s, tell := watchedWindow(t)
	ctx := context.Background()
	// The clerk has a household open, the list filtered to one category,
	// and is on the dashboard.
	ps, _ := s.Problems(ctx, data.ProblemFilter{Limit: 1})
	w.Households.Category.SetSelectedIndex(int(ps[0].Category))
	w.Households.Open(ps[0].HouseholdID)
	w.WaitIdle()
	w.Households.Category.SetSelectedIndex(int(ps[0].Category))
	w.WaitIdle()
	listed := slices.Clone(w.Households.IDs)
	w.Tabs.SelectIndex(0)
	r := data.Round{Name: "รอบทดลองของอีกคน", Start: data.NewDate(2024, time.October, 1), Deadline: data.NewDate(2025, time.September, 30)}
	if err := s.CreateRound(ctx, &r); err != nil {
		t.Fatal(err)
	}
	// The dashboard reads the rounds at each refresh; the register's
	// filter lists those the screens were made with.
	has := func() bool {
		named := func(o string) bool { return strings.Contains(o, r.Name) }
		return slices.ContainsFunc(w.Dashboard.Round.Options, named) && slices.ContainsFunc(w.Households.Round.Options, named)
	}
	if has() {
		t.Fatal("the round is listed before the store told")
	}
	tell()
	if !has() {
		t.Errorf("the rounds listed: %v, %v", w.Dashboard.Round.Options, w.Households.Round.Options)
	}
	if w.Tabs.SelectedIndex() != 0 {
		t.Errorf("tab %d after the screens were made again", w.Tabs.SelectedIndex())
	}
	if hr := w.Households; hr.Category.SelectedIndex() != int(ps[0].Category) || hr.Shown != ps[0].HouseholdID || hr.Page.Household.ID != ps[0].HouseholdID || !slices.Equal(hr.IDs, listed) {
		t.Errorf("the register after the screens were made again: category %d, household %d shown, page %d, %d listed (were %d)",
			hr.Category.SelectedIndex(), hr.Shown, hr.Page.Household.ID, len(hr.IDs), len(listed))
	}
	if !strings.Contains(w.OthersNote.Text, "ผู้ใช้อื่น") {
		t.Errorf("the note: %q", w.OthersNote.Text)
	}
}
