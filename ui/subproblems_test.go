package ui_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"qmdesk/data"
)

// A sub-problem the clerk marks urgent in the sub-problem list gets its own
// button on the dashboard's urgent panel, counting the open problems of it,
// and its own line in the meeting pack; the change is in the audit log.
func TestMarkingUrgentReachesDashboardAndPack(t *testing.T) {
	h := newHarness(t, 200)
	w := h.w
	ctx := context.Background()
	open := 0
	ps, _ := h.store.Problems(ctx, data.ProblemFilter{RoundID: 1})
	for _, p := range ps {
		if p.SubProblem == "หนี้สิน" && p.Status.Open() {
			open++
		}
	}
	if open == 0 {
		t.Fatal("the demo has no open debt problems to count")
	}
	if len(w.Dashboard.Urgent) != 3 {
		t.Fatalf("%d urgent buttons before", len(w.Dashboard.Urgent))
	}
	if w.MenuSubProblems.Disabled || w.MenuImport.Disabled {
		t.Fatal("the menu is greyed out on the main screens")
	}
	w.MenuSubProblems.Action()
	w.WaitIdle() // the dialog shows once its records are read
	f := w.SubProblems
	marked := false
	for _, r := range f.Rows {
		if r.Entry.Name == "หนี้สิน" {
			r.Urgent.SetChecked(true)
			marked = true
		}
	}
	if !marked {
		t.Fatal("หนี้สิน is not in the list")
	}
	test.Tap(f.Save)
	w.WaitIdle()
	if w.SubProblems != nil {
		t.Fatalf("the dialog stayed open: %q", f.Error.Text)
	}
	var debt string
	for _, b := range w.Dashboard.Urgent {
		if strings.HasPrefix(b.Text, "หนี้สิน") {
			debt = b.Text
		}
	}
	if want := "หนี้สิน " + data.FormatNumber(int64(open)); len(w.Dashboard.Urgent) != 4 || debt != want {
		t.Errorf("urgent panel: %d buttons, %q, want %q", len(w.Dashboard.Urgent), debt, want)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	path := filepath.Join(t.TempDir(), "pack.pdf")
	w.MeetingPack(path)
	w.WaitIdle()
	out, err := exec.Command("pdftotext", "-f", "1", "-l", "1", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v (%s)", err, w.LastError())
	}
	if want := "• หนี้สิน " + data.FormatNumber(int64(open)) + " ปัญหา"; !strings.Contains(string(out), want) {
		t.Errorf("pack cover lacks %q:\n%s", want, out)
	}
	entries, _ := h.store.Audit(ctx, 0, 0)
	if e := entries[len(entries)-2]; e.Entity != "subproblems" || !strings.Contains(e.Note, "flags changed on") {
		t.Errorf("change not audited: %+v", entries[len(entries)-2:])
	}
}

// Sensitive problems are read from across a meeting room on the dashboard
// and over a shoulder on the household page: the overdue list names them
// "ปัญหาอ่อนไหว" with the tambon and no one's name, and the household page
// masks them until the clerk unmasks, which the audit log records.
func TestSensitiveProblemsAreMasked(t *testing.T) {
	h := newHarnessAt(t, 300, data.FixedClock(time.Date(2024, 11, 1, 3, 0, 0, 0, time.UTC)))
	w := h.w
	ctx := context.Background()
	var shown int
	for i, p := range w.Dashboard.OverdueProblems() {
		row := w.Dashboard.Overdue.Rows[i]
		hh, _ := h.store.Household(ctx, p.HouseholdID)
		if p.Sensitive {
			shown++
			if !strings.Contains(row[3], data.WordSensitive.Thai) || strings.Contains(row[3], p.SubProblem) || strings.Contains(strings.Join(row, " "), hh.Head.FirstName) {
				t.Errorf("overdue row of a sensitive problem: %v", row)
			}
		} else if !strings.Contains(row[3], p.SubProblem) {
			t.Errorf("overdue row %v does not name %q", row, p.SubProblem)
		}
	}
	if shown == 0 {
		t.Fatal("no sensitive problem is overdue in the demo")
	}
	var target data.Problem
	for _, p := range w.Dashboard.OverdueProblems() {
		if p.Sensitive {
			target = p
			break
		}
	}
	w.Households.Open(target.HouseholdID)
	w.WaitIdle()
	page := w.Households.Page
	if c := must(t, page.Card(target.ID)); strings.Contains(c.Title.Text, target.SubProblem) || !strings.Contains(c.Title.Text, data.WordSensitive.Thai) || c.Timeline.Text != "" {
		t.Errorf("masked card: %q / %q", c.Title.Text, c.Timeline.Text)
	}
	if page.Unmask.Hidden {
		t.Fatal("no way to unmask")
	}
	test.Tap(page.Unmask)
	w.WaitIdle()
	if c := must(t, page.Card(target.ID)); !strings.Contains(c.Title.Text, target.SubProblem) {
		t.Errorf("after unmasking: %q", c.Title.Text)
	}
	entries, _ := h.store.Audit(ctx, 0, 0)
	if last := entries[len(entries)-1]; last.Op != "unmask" || last.ID != target.HouseholdID || !strings.Contains(last.Note, "sensitive") {
		t.Errorf("unmask not logged: %+v", last)
	}
}
