package ui_test

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"qmdesk/data"
)

// A status change on a problem another clerk changed after the page read
// it is not stored over her change: the clerk is told who changed it and
// when, with the status she chose and the one stored now, and the page
// shows the problem as it is now; her change made again is taken.
func TestStatusChangeOnAChangedProblemIsRefused(t *testing.T) {
	h := newHarness(t, 50)
	w := h.w
	ctx := context.Background()
	open, _ := h.store.Problems(ctx, data.ProblemFilter{Status: data.NotStarted, Limit: 1})
	if len(open) == 0 {
		t.Fatal("demo has no open problem")
	}
	pr := open[0]
	w.Households.Open(pr.HouseholdID)
	w.WaitIdle()
	p := w.Households.Page
	card := p.Card(pr.ID)
	if card == nil {
		t.Fatal("problem card missing")
	}
	// Behind the page's back, another clerk closes the problem.
	other := data.WithOperator(ctx, "สมหญิง อีกคน")
	if err := h.store.AddAction(other, &data.Action{ProblemID: pr.ID, Date: today, What: "ย้ายออก", Result: data.Closed, Note: "ย้ายออกนอกพื้นที่"}); err != nil {
		t.Fatal(err)
	}
	stored, _ := h.store.Problem(ctx, pr.ID)
	actions, _ := h.store.Actions(ctx, pr.ID)
	entries, _ := h.store.Audit(ctx, 0, 0)

	// The clerk, on the page as it was read, marks it solved.
	test.Tap(card.StateBtn)
	sf := p.StatusForm
	sf.Status.SetSelected(data.Solved.Thai())
	test.Tap(sf.Save)
	w.WaitIdle()
	n := p.Stale
	if n == nil {
		t.Fatalf("no notice of the change; the form says %q, the window %q", sf.Error.Text, w.LastError())
	}
	if w.OpenDialogs() != 1 {
		t.Errorf("%d dialogs open: the status form should have closed behind the notice", w.OpenDialogs())
	}
	for _, want := range []string{"ยังไม่ได้บันทึก", "ถูกแก้ไข", "สมหญิง อีกคน", data.FormatStamp(stored.UpdatedAt)} {
		if !strings.Contains(n.Message.Text, want) {
			t.Errorf("the notice says %q, without %q", n.Message.Text, want)
		}
	}
	if !strings.Contains(n.Yours.Text, "สถานะที่คุณเลือก") || !strings.Contains(n.Yours.Text, data.Solved.Thai()) {
		t.Errorf("her change: %q", n.Yours.Text)
	}
	if n.Now.Hidden || !strings.Contains(n.Now.Text, "ในโปรแกรมตอนนี้") || !strings.Contains(n.Now.Text, data.Closed.Thai()) ||
		!strings.Contains(n.Now.Text, "ย้ายออกนอกพื้นที่") || !strings.Contains(n.Now.Text, "สมหญิง อีกคน") {
		t.Errorf("what is stored now: %q", n.Now.Text)
	}
	// The store holds the other clerk's change, not hers: nothing written,
	// not even an audit entry.
	if got, _ := h.store.Problem(ctx, pr.ID); got != stored {
		t.Errorf("the problem changed:\n%+v\nwas\n%+v", got, stored)
	}
	if got, _ := h.store.Actions(ctx, pr.ID); len(got) != len(actions) {
		t.Errorf("%d actions, were %d", len(got), len(actions))
	}
	if got, _ := h.store.Audit(ctx, 0, 0); len(got) != len(entries) {
		t.Errorf("%d audit entries, were %d", len(got), len(entries))
	}
	// The page shows the problem as it is now.
	card = p.Card(pr.ID)
	if card == nil || card.Problem.Status != data.Closed || !card.Problem.UpdatedAt.Equal(stored.UpdatedAt) || !strings.Contains(card.Status.Text, data.Closed.Thai()) {
		t.Fatalf("the page after the notice: %+v", card)
	}
	w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.OpenDialogs() != 0 {
		t.Fatalf("%d dialogs open after Escape", w.OpenDialogs())
	}

	// She makes her change again, on the current values: it is taken.
	test.Tap(card.StateBtn)
	sf = p.StatusForm
	sf.Status.SetSelected(data.Solved.Thai())
	test.Tap(sf.Save)
	w.WaitIdle()
	if w.OpenDialogs() != 0 || p.Stale != n {
		t.Fatalf("the change made again: %d dialogs, %q", w.OpenDialogs(), w.LastError())
	}
	if got, _ := h.store.Problem(ctx, pr.ID); got.Status != data.Solved || got.ChangedBy != "สมใจ ทดสอบ" {
		t.Errorf("after her change made again: %+v", got)
	}
}

// A municipality chosen on a household another clerk changed after the
// page read it is refused the same way, and the page reads the household
// again.
func TestUnitChoiceOnAChangedHouseholdIsRefused(t *testing.T) {
	h := newHarness(t, 400)
	w, ctx := h.w, context.Background()
	units, _ := h.store.Units(ctx)
	var city data.Unit
	var partly string
	for _, u := range units {
		for _, tb := range u.Tambons {
			if !tb.Full {
				city, partly = u, tb.Code
			}
		}
	}
	hs, _ := h.store.Households(ctx, data.HouseholdFilter{AreaCode: partly})
	if len(hs) == 0 {
		t.Fatal("no household in a partly covered tambon")
	}
	hh := hs[0]
	name := data.WordNoUnit.Thai
	if hh.Unit == "" {
		name = city.Name
	}
	w.Households.Open(hh.ID)
	w.WaitIdle()
	p := w.Households.Page
	// Behind the page's back, another clerk changes the household.
	changed := hh
	changed.Members = hh.Members + 1
	if err := h.store.UpdateHousehold(data.WithOperator(ctx, "สมหญิง อีกคน"), &changed); err != nil {
		t.Fatal(err)
	}
	p.Unit.Choice.SetSelected(name)
	w.WaitIdle()
	if p.Stale == nil || !strings.Contains(p.Stale.Message.Text, "สมหญิง อีกคน") || !strings.Contains(p.Stale.Yours.Text, name) {
		t.Fatalf("notice: %+v (window: %q)", p.Stale, w.LastError())
	}
	if got, _ := h.store.Household(ctx, hh.ID); got.Unit != hh.Unit || got.Members != changed.Members || !got.UpdatedAt.Equal(changed.UpdatedAt) {
		t.Errorf("the household changed:\n%+v\nwas\n%+v", got, changed)
	}
	storedName := units.Name(hh.Unit)
	if storedName == "" {
		storedName = data.WordNoUnit.Thai
	}
	if !p.Household.UpdatedAt.Equal(changed.UpdatedAt) || p.Household.Members != changed.Members ||
		p.Unit.Label.Text != data.WordMunicipality.Thai+": "+storedName || p.Unit.Choice.Selected != storedName {
		t.Errorf("the page after the notice: %+v, %q, choice %q", p.Household, p.Unit.Label.Text, p.Unit.Choice.Selected)
	}
	// Made again on the household as read now, the choice is taken.
	w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	p.Unit.Choice.SetSelected(name)
	w.WaitIdle()
	got, _ := h.store.Household(ctx, hh.ID)
	if got.Members != changed.Members || (got.Unit == "") != (hh.Unit != "") {
		t.Errorf("the choice made again: %+v", got)
	}
}

// An action that moves the status is refused the same way when the
// problem changed after the page read it; an action that only records
// what was done overwrites nothing and is taken.
func TestActionOnAChangedProblem(t *testing.T) {
	h := newHarness(t, 50)
	w := h.w
	ctx := context.Background()
	open, _ := h.store.Problems(ctx, data.ProblemFilter{Status: data.NotStarted, Limit: 1})
	if len(open) == 0 {
		t.Fatal("demo has no open problem")
	}
	pr := open[0]
	w.Households.Open(pr.HouseholdID)
	w.WaitIdle()
	p := w.Households.Page
	card := p.Card(pr.ID)
	// Behind the page's back, another clerk starts the work.
	if err := h.store.AddAction(data.WithOperator(ctx, "สมหญิง อีกคน"), &data.Action{ProblemID: pr.ID, Date: today, What: "เยี่ยมบ้าน", Result: data.InProgress}); err != nil {
		t.Fatal(err)
	}
	stored, _ := h.store.Problem(ctx, pr.ID)
	actions, _ := h.store.Actions(ctx, pr.ID)
	record := func(what string, result data.Status) {
		t.Helper()
		test.Tap(card.AddBtn)
		f := p.ActionForm
		test.Type(f.What, what)
		if result != 0 {
			f.Result.SetSelected(result.Thai())
		}
		test.Tap(f.Save)
		w.WaitIdle()
	}
	record("มอบทุนประกอบอาชีพ", data.Solved)
	if p.Stale == nil || !strings.Contains(p.Stale.Yours.Text, "มอบทุนประกอบอาชีพ") || !strings.Contains(p.Stale.Now.Text, data.InProgress.Thai()) {
		t.Fatalf("notice: %+v (window %q)", p.Stale, w.LastError())
	}
	if got, _ := h.store.Problem(ctx, pr.ID); got != stored {
		t.Errorf("the problem changed:\n%+v\nwas\n%+v", got, stored)
	}
	if got, _ := h.store.Actions(ctx, pr.ID); len(got) != len(actions) {
		t.Errorf("%d actions, were %d", len(got), len(actions))
	}
	w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	// On the card as read again, the problem changed once more behind
	// the page's back: an action without a status change is taken.
	notice := p.Stale
	card = p.Card(pr.ID)
	other, _ := h.store.Problem(ctx, pr.ID)
	other.LeadAgency = "พมจ."
	if err := h.store.UpdateProblem(data.WithOperator(ctx, "สมหญิง อีกคน"), &other); err != nil {
		t.Fatal(err)
	}
	record("ประสานอบต.", 0)
	if w.OpenDialogs() != 0 || p.Stale != notice {
		t.Fatalf("an action without a status change: %d dialogs, %q", w.OpenDialogs(), w.LastError())
	}
	if got, _ := h.store.Actions(ctx, pr.ID); len(got) != len(actions)+1 || got[len(got)-1].What != "ประสานอบต." {
		t.Errorf("actions: %+v", got)
	}
}

// A change of the register made elsewhere in the window (an import, an
// undo, ThaiQM marks of an area) reads the household page again: the
// clerk's next status change is based on the values stored, and taken.
func TestHouseholdPageFollowsAWholeRegisterChange(t *testing.T) {
	h := newHarness(t, 50)
	w := h.w
	ctx := context.Background()
	open, _ := h.store.Problems(ctx, data.ProblemFilter{Status: data.NotStarted, Limit: 1})
	pr := open[0]
	w.Households.Open(pr.HouseholdID)
	w.WaitIdle()
	p := w.Households.Page
	if err := h.store.AddAction(ctx, &data.Action{ProblemID: pr.ID, Date: today, What: "เยี่ยมบ้าน", Result: data.InProgress}); err != nil {
		t.Fatal(err)
	}
	stored, _ := h.store.Problem(ctx, pr.ID)
	w.StoreChanged() // as an import's commit tells the screens
	w.WaitIdle()
	card := p.Card(pr.ID)
	if card == nil || !card.Problem.UpdatedAt.Equal(stored.UpdatedAt) || card.Problem.Status != data.InProgress {
		t.Fatalf("the page after the change: %+v", card)
	}
	test.Tap(card.StateBtn)
	p.StatusForm.Status.SetSelected(data.Solved.Thai())
	test.Tap(p.StatusForm.Save)
	w.WaitIdle()
	if p.Stale != nil || w.OpenDialogs() != 0 {
		t.Fatalf("refused: %q", w.LastError())
	}
	if got, _ := h.store.Problem(ctx, pr.ID); got.Status != data.Solved {
		t.Errorf("status %v", got.Status)
	}
}
