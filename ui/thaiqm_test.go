package ui_test

import (
	"context"
	"fyne.io/fyne/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"qmdesk/app"
	"qmdesk/data"
)

// TestThaiQMMarksFromTheWindow: on the household page the clerk marks one
// action, then a problem's result (with its actions) keyed into ThaiQM; a
// day in the future stays in the dialog; the household's button marks the
// rest; the dashboard's ThaiQM tab marks an amphoe in bulk and shows its
// figures moving; each mark is audited.
func TestThaiQMMarksFromTheWindow(t *testing.T) {
	h := newHarness(t, 80)
	w := h.w
	ctx := context.Background()
	ps, _ := h.store.Problems(ctx, data.ProblemFilter{Status: data.InProgress})
	var pr data.Problem
	for _, p := range ps {
		if acts, _ := h.store.Actions(ctx, p.ID); p.ThaiQMOn.IsZero() && len(acts) > 0 && acts[0].ThaiQMOn.IsZero() {
			pr = p
			break
		}
	}
	if pr.ID == 0 {
		t.Fatal("the demo has no problem in progress not keyed")
	}
	w.Households.Open(pr.HouseholdID)
	w.WaitIdle()
	p := w.Households.Page
	if !strings.Contains(must(t, p.Card(pr.ID)).Status.Text, data.WordThaiQMNotKeyed.Thai) {
		t.Errorf("card says %q", must(t, p.Card(pr.ID)).Status.Text)
	}
	// One action.
	test.Tap(must(t, p.Card(pr.ID)).ThaiQM)
	f := p.ThaiQMForm
	if f == nil || w.OpenDialogs() != 1 || len(f.What.Options) < 2 {
		t.Fatal("the ThaiQM dialog did not open with the problem's actions")
	}
	f.Date.SetText("20 ก.ค. 2567")
	f.What.SetSelectedIndex(1)
	test.Tap(f.Save)
	w.WaitIdle()
	if w.OpenDialogs() != 0 {
		t.Fatalf("dialog still open: %q", f.Error.Text)
	}
	acts, _ := h.store.Actions(ctx, pr.ID)
	if acts[0].ThaiQMOn != data.NewDate(2024, 7, 20) {
		t.Fatalf("action mark %v", acts[0].ThaiQMOn)
	}
	if got, _ := h.store.Problem(ctx, pr.ID); !got.ThaiQMOn.IsZero() {
		t.Fatal("marking one action marked the problem")
	}
	// A future day stays in the dialog; then the problem's result.
	test.Tap(must(t, p.Card(pr.ID)).ThaiQM)
	f = p.ThaiQMForm
	f.Date.SetText("1 ธ.ค. 2567")
	test.Tap(f.Save)
	w.WaitIdle()
	if w.OpenDialogs() != 1 || f.Error.Text == "" {
		t.Fatal("a future day was taken")
	}
	f.Date.SetText("๒๒/๐๗/๒๕๖๗")
	test.Tap(f.Save)
	w.WaitIdle()
	if w.OpenDialogs() != 0 {
		t.Fatalf("dialog still open: %q", f.Error.Text)
	}
	if got, _ := h.store.Problem(ctx, pr.ID); got.ThaiQMOn != data.NewDate(2024, 7, 22) {
		t.Fatalf("problem mark %v", got.ThaiQMOn)
	}
	if !strings.Contains(must(t, p.Card(pr.ID)).Status.Text, data.HeaderThaiQM.Thai) || !strings.Contains(must(t, p.Card(pr.ID)).Timeline.Text, data.HeaderThaiQM.Thai) {
		t.Errorf("card %q / %q", must(t, p.Card(pr.ID)).Status.Text, must(t, p.Card(pr.ID)).Timeline.Text)
	}
	// The whole household.
	test.Tap(p.MarkAll)
	p.ThaiQMForm.Date.SetText("25 ก.ค. 2567")
	test.Tap(p.ThaiQMForm.Save)
	w.WaitIdle()
	all, _ := h.store.Problems(ctx, data.ProblemFilter{HouseholdID: pr.HouseholdID})
	for _, q := range all {
		if q.ThaiQMOn.IsZero() {
			t.Errorf("problem %d of the household not marked", q.ID)
		}
	}
	// The dashboard's bulk mark of an amphoe.
	d := w.Dashboard
	x := d.ThaiQM
	last := 0 // the province's total row, above the municipalities'
	for i, r := range x.Table.Rows {
		if r[0] == app.ReXRayAll {
			last = i
		}
	}
	before := x.Table.Rows[last][2]
	x.Amphoe.SetSelectedIndex(0)
	x.On.SetText("31 ก.ค. 2567")
	test.Tap(x.Mark)
	w.WaitIdle()
	if x.Marked.Text == "" || x.Table.Rows[0][2] != "0" || x.Table.Rows[last][2] == before {
		t.Fatalf("after the bulk mark: %q, row %v, province not keyed %s → %s", x.Marked.Text, x.Table.Rows[0], before, x.Table.Rows[last][2])
	}
	entries, _ := h.store.Audit(ctx, 0, 0)
	marks := 0
	for _, e := range entries {
		if e.Op == "thaiqm" || (e.Entity == "problem" && strings.Contains(string(e.After), "thaiqm_on")) {
			marks++
		}
	}
	if marks < 3 {
		t.Errorf("%d audit entries of marks", marks)
	}
	if rep, err := h.store.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check: %v %v", err, rep.Problems)
	}
	// The export of what is not yet keyed, from the export screen.
	path := filepath.Join(t.TempDir(), "thaiqm.xlsx")
	w.Export.ExportThaiQM("", path)
	w.WaitIdle()
	if w.Export.LastSaved() != path {
		t.Fatalf("the ThaiQM workbook was not saved: %s", w.LastError())
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	// A municipality chosen on the export screen gets its own workbook.
	w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) // the "saved" message
	opts := w.Export.FollowAmphoe.Options
	w.Export.FollowAmphoe.SetSelectedIndex(len(opts) - 1)
	test.Tap(w.Export.ThaiQM)
	if w.Chooser == nil || !strings.Contains(w.Chooser.Name.Text, opts[len(opts)-1]) {
		t.Fatalf("the ThaiQM workbook of %s: chooser %v", opts[len(opts)-1], w.Chooser)
	}
}
