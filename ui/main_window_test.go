package ui_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/ui"
)

var today = data.NewDate(2024, 8, 1)

// clock stands at 10:00 UTC (17:00 in Thailand) on today, for the window
// and its store alike.
var clock = data.FixedClock(today.Time().Add(10 * time.Hour))

// harness is a window on a real bbolt file in a temporary folder, with a
// fixed clock, checked for integrity when the test ends.
type harness struct {
	w     *ui.MainWindow
	store *bolt.Store
	dir   string
	shown []string // files the window asked the system to open
}

func newHarness(t *testing.T, demoHouseholds int) *harness {
	t.Helper()
	return newHarnessAt(t, demoHouseholds, clock)
}

// newHarnessAt is newHarness on the day of another clock; the demo's
// actions still end on today (1 Aug 2567).
func newHarnessAt(t *testing.T, demoHouseholds int, clock data.Clock) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	a.Preferences().SetString("operator", "สมใจ ทดสอบ")
	dir := t.TempDir()
	s, err := bolt.Open(filepath.Join(dir, "qm.db"), bolt.Options{NoSync: true, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{store: s, dir: dir}
	t.Cleanup(func() {
		h.w.WaitIdle()
		if rep, err := h.store.Check(context.Background()); err != nil || !rep.OK() {
			t.Errorf("check: %v %v", err, rep.Problems)
		}
		h.store.Close()
	})
	geo, _ := assets.Geography()
	if demoHouseholds > 0 {
		ctx := context.Background()
		s.Init(ctx, "41", data.DefaultRound())
		round, _ := s.Round(ctx, 1)
		if err := (app.Demo{Geo: geo, Province: "41", Round: round, Seed: 3, AsOf: today}).Fill(ctx, s, demoHouseholds, 500, nil); err != nil {
			t.Fatal(err)
		}
	}
	env := ui.Env{Store: s, Geo: geo, Clock: clock, DataDir: dir, Operator: "os-user",
		ShowFile: func(p string) error { h.shown = append(h.shown, p); return nil }}
	h.w = ui.NewMainWindow(a, env)
	h.w.WaitIdle()
	return h
}

func TestFirstStartAsksProvinceAndLoadsDemo(t *testing.T) {
	h := newHarness(t, 0)
	w := h.w
	if w.Setup == nil || w.Tabs != nil {
		t.Fatal("an empty database should open on the first-start screen")
	}
	test.Tap(w.Setup.StartBtn)
	if !strings.Contains(w.Setup.Error.Text, "เลือกจังหวัด") {
		t.Errorf("starting without a province: %q", w.Setup.Error.Text)
	}
	w.Setup.Province.SetSelected("อุดรธานี")
	w.Setup.Deadline.SetText("31 ก.พ. 2567")
	test.Tap(w.Setup.StartBtn)
	if !strings.Contains(w.Setup.Error.Text, "วันครบกำหนด") {
		t.Errorf("an impossible date: %q", w.Setup.Error.Text)
	}
	w.Setup.Deadline.SetText("30/09/2567")
	if w.Setup.Error.Text != "" {
		t.Errorf("the date was fixed, the error stays: %q", w.Setup.Error.Text)
	}
	w.Setup.Demo.SetChecked(true)
	w.Setup.DemoSize.SetText("๓๐๐")
	test.Tap(w.Setup.StartBtn)
	w.WaitIdle()
	if w.Tabs == nil || w.Dashboard == nil {
		t.Fatal("after setting up, the window should show the dashboard")
	}
	meta, _ := h.store.Meta(context.Background())
	if meta.Province != "41" {
		t.Errorf("province %q", meta.Province)
	}
	if got := w.Dashboard.Households.Value.Text; got != "300" {
		t.Errorf("dashboard households %q", got)
	}
	if !strings.Contains(w.Dashboard.Title.Text, "อุดรธานี") || !strings.Contains(w.Dashboard.Countdown.Text, "เหลืออีก 61 วัน (นับวันนี้และวันครบกำหนด)") {
		t.Errorf("title %q, countdown %q", w.Dashboard.Title.Text, w.Dashboard.Countdown.Text)
	}
	if len(w.Households.IDs) != 300 {
		t.Errorf("register lists %d households", len(w.Households.IDs))
	}
}

func TestDashboardCountsAndClicksFilterTheRegister(t *testing.T) {
	h := newHarness(t, 400)
	w := h.w
	prog := &app.Progress{Store: h.store, Geo: mustGeo(), Clock: clock}
	sum, _ := prog.Summarize(context.Background(), 0, "")
	tot := sum.Area.Totals
	d := w.Dashboard
	for _, c := range []struct {
		got  string
		want int64
	}{{d.Target.Value.Text, tot.Target}, {d.Solved.Value.Text, tot.Solved}, {d.SelfSolved.Value.Text, tot.SelfSolved},
		{d.InProgress.Value.Text, tot.InProgress}, {d.NotStarted.Value.Text, tot.NotStarted}} {
		if c.got != data.FormatNumber(c.want) {
			t.Errorf("counter %q, summary says %d", c.got, c.want)
		}
	}
	if d.Percent.Value.Text != data.FormatPercent(tot.PercentSolved) {
		t.Errorf("percent %q", d.Percent.Value.Text)
	}
	if len(d.Categories.Rows) != 7 || len(d.Amphoes.Rows) != 20 {
		t.Fatalf("%d category rows, %d amphoe rows", len(d.Categories.Rows), len(d.Amphoes.Rows))
	}
	// Sorted by % solved, lowest first (the default).
	if d.Overdue.Rows == nil && tot.Overdue > 0 {
		t.Error("overdue problems exist but the list is empty")
	}
	// The charts tab draws the meeting pack's charts.
	if d.CategoryChart.Resource != nil {
		t.Error("charts drawn before their tab was opened")
	}
	d.SelectChartsTab()
	w.WaitIdle()
	if d.CategoryChart.Resource == nil || d.TimeChart.Resource == nil || len(d.CategoryChart.Resource.Content()) < 1000 {
		t.Error("charts tab is empty")
	}
	// A category row opens the register on that category.
	d.Categories.Table.Select(widget.TableCellID{Row: 3, Col: 0})
	w.WaitIdle()
	if w.Tabs.SelectedIndex() != 1 || w.Households.Query.Category != 4 || w.Households.Category.SelectedIndex() != 4 {
		t.Fatalf("category click: tab %d, query %+v", w.Tabs.SelectedIndex(), w.Households.Query)
	}
	want := 0
	reg, _ := app.BuildRegister(context.Background(), h.store, nil)
	want = len(reg.Search(app.RegisterQuery{Category: 4, RoundID: 1}))
	if len(w.Households.IDs) != want || want == 0 {
		t.Errorf("category 4 lists %d households, want %d", len(w.Households.IDs), want)
	}
	// An urgent button is red while its kind has open problems, and
	// lists them.
	sum, _ = (&app.Progress{Store: h.store, Geo: mustGeo(), Clock: clock}).Summarize(context.Background(), 0, "")
	for i, k := range d.UrgentKinds() {
		if red := d.Urgent[i].Importance == widget.DangerImportance; red != (sum.Area.Categories[k.Category].UrgentOpen > 0) {
			t.Errorf("%s: red %v with %d open", d.Urgent[i].Text, red, sum.Area.Categories[k.Category].UrgentOpen)
		}
	}
	test.Tap(d.Urgent[0])
	w.WaitIdle()
	if q := w.Households.Query; q.Category != 1 || !q.UrgentOnly || !q.OpenOnly {
		t.Errorf("urgent click: %+v", q)
	}
}

func mustGeo() *data.Geography { g, _ := assets.Geography(); return g }

func TestSearchAsYouTypeAndFilters(t *testing.T) {
	h := newHarness(t, 300)
	w := h.w
	r := w.Households
	if len(r.IDs) != 300 {
		t.Fatalf("unfiltered list: %d", len(r.IDs))
	}
	hh, _ := h.store.Household(context.Background(), 7)
	// By national ID, typed with Thai digits.
	w.MenuSearch.Action()
	if w.Tabs.SelectedIndex() != 1 || w.Window.Canvas().Focused() != r.Search {
		t.Error("Ctrl+F should open the register with the search box focused")
	}
	test.Type(r.Search, data.ASCIIToThaiDigits(hh.Head.NationalID))
	w.WaitIdle()
	if len(r.IDs) != 1 || r.IDs[0] != 7 {
		t.Errorf("search by ID: %v", r.IDs)
	}
	// By surname.
	r.Search.SetText(hh.Head.LastName)
	w.WaitIdle()
	found := false
	for _, id := range r.IDs {
		found = found || id == 7
	}
	if !found || len(r.IDs) == 300 {
		t.Errorf("search by surname %q: %d households", hh.Head.LastName, len(r.IDs))
	}
	// An amphoe, then one of its tambon, narrow the list.
	r.Search.SetText("")
	r.Amphoe.SetSelected("เมืองอุดรธานี")
	w.WaitIdle()
	inAmphoe := len(r.IDs)
	r.Tambon.SetSelectedIndex(1)
	w.WaitIdle()
	if inAmphoe == 0 || inAmphoe == 300 || len(r.IDs) > inAmphoe || !strings.HasPrefix(r.Query.Area, "4101") || len(r.Query.Area) != 6 {
		t.Errorf("amphoe %d, tambon %d (%q)", inAmphoe, len(r.IDs), r.Query.Area)
	}
	test.Tap(r.Clear)
	w.WaitIdle()
	r.Overdue.SetChecked(true)
	w.WaitIdle()
	for _, id := range r.IDs {
		e, _ := w.Households.Entry(id)
		if e.Overdue == 0 {
			t.Fatalf("household %d listed as overdue without an overdue problem", id)
		}
	}
	r.Overdue.SetChecked(false)
	r.Status.SetSelectedIndex(6) // ยุติ
	w.WaitIdle()
	if r.Query.Status != data.Closed {
		t.Errorf("status filter: %+v", r.Query)
	}
	// The list line masks the national ID.
	r.Status.SetSelectedIndex(0)
	w.WaitIdle()
	r.List.Select(0)
	w.WaitIdle()
	if p := r.Page; p.Household.ID != r.IDs[0] || strings.Contains(p.Head.Text, p.Household.Head.NationalID) {
		t.Errorf("household page shows %q", p.Head.Text)
	}
}

func TestAddActionChangeAndCloseProblem(t *testing.T) {
	h := newHarness(t, 50)
	w := h.w
	ctx := context.Background()
	// A household with an open problem.
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
	before, _ := h.store.Actions(ctx, pr.ID)

	// Record an action that starts work, with a budget, dated in BE.
	test.Tap(card.AddBtn)
	f := p.ActionForm
	if f == nil || w.OpenDialogs() != 1 {
		t.Fatal("the action dialog did not open")
	}
	f.Date.SetText("25 ก.ค. 2567")
	test.Type(f.Agency, "อบต.หมากแข้ง")
	test.Type(f.What, "มอบถังเก็บน้ำ")
	f.Budget.SetText("๑,๕๐๐")
	f.Result.SetSelected("อยู่ระหว่างดำเนินการ")
	test.Tap(f.Save)
	w.WaitIdle()
	if w.OpenDialogs() != 0 {
		t.Fatalf("dialog still open: %q", f.Error.Text)
	}
	acts, _ := h.store.Actions(ctx, pr.ID)
	if len(acts) != len(before)+1 {
		t.Fatalf("%d actions, had %d", len(acts), len(before))
	}
	a := acts[len(acts)-1]
	if a.Date != data.NewDate(2024, 7, 25) || a.Budget != 150000 || a.Agency != "อบต.หมากแข้ง" || a.RecordedBy != "สมใจ ทดสอบ" || a.Result != data.InProgress {
		t.Errorf("stored action %+v", a)
	}
	if got, _ := h.store.Problem(ctx, pr.ID); got.Status != data.InProgress {
		t.Errorf("status after the action: %v", got.Status)
	}
	// The page shows the new step in the timeline.
	for _, c := range p.Cards {
		if c.Problem.ID == pr.ID && !strings.Contains(c.Timeline.Text, "มอบถังเก็บน้ำ") {
			t.Errorf("timeline: %q", c.Timeline.Text)
		}
	}

	// A date in the future (a CE year typed as BE) is refused in the dialog.
	card = p.Cards[0]
	test.Tap(card.AddBtn)
	p.ActionForm.Date.SetText("1/1/2600")
	test.Type(p.ActionForm.What, "x")
	test.Tap(p.ActionForm.Save)
	w.WaitIdle()
	if w.OpenDialogs() != 1 || p.ActionForm.Error.Text == "" {
		t.Error("a future date should keep the dialog open with a reason")
	}
	p.ActionForm.Date.SetText("1/7/2567")
	if p.ActionForm.Error.Text != "" {
		t.Errorf("the date was fixed, the error stays: %q", p.ActionForm.Error.Text)
	}
	// Escape closes it.
	p.ActionForm.What.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.OpenDialogs() != 0 {
		t.Error("Escape should close the dialog")
	}

	// Closing needs a reason.
	for _, c := range p.Cards {
		if c.Problem.ID == pr.ID {
			card = c
		}
	}
	test.Tap(card.StateBtn)
	sf := p.StatusForm
	sf.Status.SetSelected("ยุติ")
	test.Tap(sf.Save)
	w.WaitIdle()
	if !strings.Contains(sf.Error.Text, "เหตุผล") {
		t.Errorf("closing without a reason: %q", sf.Error.Text)
	}
	test.Type(sf.Reason, "ย้ายออกนอกพื้นที่")
	test.Tap(sf.Save)
	w.WaitIdle()
	got, _ := h.store.Problem(ctx, pr.ID)
	if got.Status != data.Closed || got.CloseReason == "" {
		t.Errorf("closed problem: %+v", got)
	}
	// Every change is in the audit log with the operator's name.
	entries, _ := h.store.Audit(ctx, 0, 0)
	ops := 0
	for _, e := range entries {
		if e.Who == "สมใจ ทดสอบ" && (e.Op == "create" && e.Entity == "action" || e.Op == "status" || e.Op == "update") {
			ops++
		}
	}
	if ops < 3 {
		t.Errorf("audit entries by the operator: %d", ops)
	}
	// The dashboard followed.
	if w.Dashboard.Closed.Value.Text == "0" {
		t.Error("dashboard did not count the closed problem")
	}
}

func TestUnmaskIsLogged(t *testing.T) {
	h := newHarness(t, 20)
	w := h.w
	w.Households.Open(3)
	w.WaitIdle()
	p := w.Households.Page
	id := p.Household.Head.NationalID
	if strings.Contains(data.ThaiToASCIIDigits(strings.ReplaceAll(p.Head.Text, "-", "")), id) {
		t.Fatal("the ID is shown before unmasking")
	}
	test.Tap(p.Unmask)
	w.WaitIdle()
	if !strings.Contains(strings.ReplaceAll(p.Head.Text, "-", ""), id) {
		t.Errorf("after unmask: %q", p.Head.Text)
	}
	entries, _ := h.store.Audit(context.Background(), 0, 0)
	last := entries[len(entries)-1]
	if last.Op != "unmask" || last.ID != 3 || last.Who != "สมใจ ทดสอบ" {
		t.Errorf("last audit entry %+v", last)
	}
}

// districtBook writes a template workbook: a good new household, a row in
// a tambon that does not exist (rejected) and a row whose national ID fails
// the check digit (review).
func districtBook(t *testing.T, dir string) string {
	f := excelize.NewFile()
	defer f.Close()
	for c, col := range app.TemplateHeaders {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		f.SetCellValue("Sheet1", cell, col.Header)
	}
	bad := validID(991)
	bad = bad[:12] + string(rune('0'+(bad[12]-'0'+1)%10))
	rows := [][]any{
		{1, "41010000991", "12/3", "ม.5", "บ้านโนนสว่าง", "หมากแข้ง", "เมืองอุดรธานี", "อุดรธานี", validID(990), "นาย", "ทดสอบ", "นำเข้า", "0812345678", 4, "ตกหล่น", 4, "หนี้สิน", "", "", "ยังไม่ได้ดำเนินการ", "", "", "", "", ""},
		{2, "41010000992", "1", "ม.1", "", "ไม่มีตำบลนี้", "เมืองอุดรธานี", "อุดรธานี", validID(992), "นาง", "ผิด", "ตำบล", "", 2, "ตกหล่น", 4, "หนี้สิน", "", "", "", "", "", "", "", ""},
		{3, "41010000993", "2", "ม.2", "", "หมากแข้ง", "เมืองอุดรธานี", "อุดรธานี", bad, "นาย", "เลขผิด", "หลักตรวจ", "", 3, "ตกหล่น", 4, "หนี้สิน", "", "", "", "", "", "", "", ""},
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			f.SetCellValue("Sheet1", cell, v)
		}
	}
	path := filepath.Join(dir, "อำเภอเมือง.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func validID(n int) string {
	return data.WithCheckDigit(fmt.Sprintf("1410100%05d", n))
}

func TestImportDryRunCommitReviewAndUndo(t *testing.T) {
	h := newHarness(t, 30)
	w := h.w
	ctx := context.Background()
	path := districtBook(t, t.TempDir())
	w.Import.AddFiles([]string{path})
	w.WaitIdle()
	rep := w.Import.Reports[0]
	if rep == nil || rep.Refused != "" {
		t.Fatalf("dry run: %+v", rep)
	}
	if c := rep.Counts(); c.Rows != 3 || c.NewHouseholds != 1 || c.Rejected != 1 || c.Review != 1 {
		t.Fatalf("dry run counts %+v", c)
	}
	if len(w.Import.Rows.Rows) != 2 || !strings.Contains(w.Import.Detail.Text, "ไม่รับ 1") {
		t.Errorf("detail %q, rows %v", w.Import.Detail.Text, w.Import.Rows.Rows)
	}
	// Nothing was written by the dry run.
	if hs, _ := h.store.HouseholdsByHouseCode(ctx, "41010000991"); len(hs) != 0 {
		t.Fatal("the dry run wrote a household")
	}
	// The error workbook for the district.
	errDir := t.TempDir()
	w.Import.SaveErrorWorkbook(rep, errDir)
	w.WaitIdle()
	if files, _ := filepath.Glob(filepath.Join(errDir, "*.xlsx")); len(files) != 1 {
		t.Errorf("error workbook: %v", files)
	}
	// Commit: backup first, then the file.
	if !w.Import.Commit.Disabled() {
		test.Tap(w.Import.Commit)
	} else {
		t.Fatal("commit button disabled")
	}
	w.WaitIdle()
	if backups, _ := filepath.Glob(filepath.Join(h.dir, "backups", "before-import-*.db")); len(backups) != 1 {
		t.Errorf("automatic backups: %v", backups)
	}
	if hs, _ := h.store.HouseholdsByHouseCode(ctx, "41010000991"); len(hs) != 1 {
		t.Fatal("commit did not create the household")
	}
	if len(w.Import.Ledger) != 1 || len(w.Import.PendingReviews) != 1 {
		t.Fatalf("ledger %d, reviews %d", len(w.Import.Ledger), len(w.Import.PendingReviews))
	}
	// The register caught up with the import (it did not read the whole
	// database again) and finds the new household.
	if src := w.RegisterSource(); src != "caught up" {
		t.Errorf("after an import the search index was %s", src)
	}
	w.Households.Search.SetText("ทดสอบ นำเข้า")
	w.WaitIdle()
	if len(w.Households.IDs) != 1 {
		t.Errorf("new household in the list: %v", w.Households.IDs)
	}
	// The review row: the clerk checks the odd ID against the card (the
	// look is logged), then accepts it as a new household.
	w.Import.Reviews.OnRow(0)
	if strings.Contains(w.Import.ReviewNote.Text, "เลขประจำตัวในไฟล์") || w.Import.Unmask.Disabled() {
		t.Fatalf("before unmasking: note %q, unmask disabled %v", w.Import.ReviewNote.Text, w.Import.Unmask.Disabled())
	}
	test.Tap(w.Import.Unmask)
	w.WaitIdle()
	id := w.Import.PendingReviews[0].Household.Head.NationalID
	if !strings.Contains(w.Import.ReviewNote.Text, "เลขประจำตัวในไฟล์: "+data.FormatNationalID(id)) {
		t.Errorf("unmasked note %q (ID %s)", w.Import.ReviewNote.Text, id)
	}
	if log, _ := h.store.Audit(ctx, 0, 0); log[len(log)-1].Op != "unmask" || log[len(log)-1].Entity != "review" {
		t.Errorf("the look at the ID is not logged: %+v", log[len(log)-1])
	}
	if w.Import.DecideNew.Disabled() {
		t.Fatal("decide buttons disabled")
	}
	test.Tap(w.Import.DecideNew)
	w.WaitIdle()
	if hs, _ := h.store.HouseholdsByHouseCode(ctx, "41010000993"); len(hs) != 1 || !hs[0].IDCheckOverride {
		t.Errorf("review accepted: %+v", hs)
	}
	if len(w.Import.PendingReviews) != 0 {
		t.Error("review still pending")
	}
	// Undo the import: its household goes. The history lists the decision
	// too, newest first.
	if len(w.Import.Ledger) != 2 {
		t.Fatalf("history: %+v", w.Import.Ledger)
	}
	w.Import.History.OnRow(1)
	if w.Import.Undo.Disabled() {
		t.Fatal("undo button disabled with a row selected")
	}
	w.Import.UndoImport(w.Import.Ledger[1].ID)
	w.WaitIdle()
	if hs, _ := h.store.HouseholdsByHouseCode(ctx, "41010000991"); len(hs) != 0 {
		t.Errorf("undo left the household: %s", w.LastError())
	}
	// An undo removes records the log does not name: the index is built
	// anew, and the household is gone from the list.
	if src := w.RegisterSource(); src != "built" {
		t.Errorf("after an undo the search index was %s", src)
	}
	w.Households.Search.SetText("ทดสอบ นำเข้า")
	w.Households.Search.SetText("ทดสอบ นำเข้า ")
	w.WaitIdle()
	if len(w.Households.IDs) != 0 {
		t.Errorf("the undone household is still listed: %v", w.Households.IDs)
	}
	if w.Import.Ledger[1].UndoneAt.IsZero() {
		t.Error("ledger does not show the undo")
	}
	// The file's line no longer says it is imported: it was checked again
	// and may be imported again.
	if r := w.Import.Reports[0]; r == nil || r.ImportID != 0 {
		t.Errorf("after the undo the file still reads as imported: %+v", r)
	}
	if w.Import.Commit.Disabled() {
		t.Error("the undone file cannot be imported again")
	}
}

func TestImportRefusedFileSaysWhy(t *testing.T) {
	h := newHarness(t, 10)
	w := h.w
	path := filepath.Join(t.TempDir(), "not-a-workbook.xlsx")
	os.WriteFile(path, []byte("hello"), 0o600)
	w.Import.AddFiles([]string{path, path})
	w.WaitIdle()
	if len(w.Import.Paths) != 1 {
		t.Errorf("the same file added twice: %v", w.Import.Paths)
	}
	if r := w.Import.Reports[0]; r == nil || r.Refused == "" || !strings.Contains(w.Import.Detail.Text, "ไม่รับทั้งไฟล์") {
		t.Errorf("refused file: %+v / %q", r, w.Import.Detail.Text)
	}
	if !w.Import.Commit.Disabled() {
		t.Error("nothing to commit, yet the button is enabled")
	}
}

func TestExports(t *testing.T) {
	h := newHarness(t, 200)
	w := h.w
	dir := t.TempDir()
	e := w.Export
	e.ExportTemplate(filepath.Join(dir, "template.xlsx"))
	w.WaitIdle()
	e.ExportFollowUp("4101", filepath.Join(dir, "followup.xlsx"))
	w.WaitIdle()
	e.ExportSummary(filepath.Join(dir, "summary.xlsx"))
	w.WaitIdle()
	e.Password.SetText("ลับ1234")
	e.ExportFull(filepath.Join(dir, "full.xlsx"))
	w.WaitIdle()
	e.ExportFollowUpAll(filepath.Join(dir, "all"))
	w.WaitIdle()
	for _, name := range []string{"template.xlsx", "followup.xlsx", "summary.xlsx", "full.xlsx"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(e.LastSavedFiles()) == 0 {
		t.Error("follow-up for every amphoe wrote nothing")
	}
	// The full export is password protected: excelize cannot open it without.
	if f, err := excelize.OpenFile(filepath.Join(dir, "full.xlsx")); err == nil {
		f.Close()
		t.Error("the full export opened without its password")
	}
	// The saved-file dialog offers to open the file.
	if w.OpenDialogs() == 0 {
		t.Fatal("no saved-file dialog")
	}
	entries, _ := h.store.Audit(context.Background(), 0, 0)
	exports := 0
	for _, en := range entries {
		if en.Op == "export" {
			exports++
		}
	}
	if exports < 4 {
		t.Errorf("%d export entries in the audit log", exports)
	}
	if w.LastError() != "" {
		t.Errorf("an export failed: %s", w.LastError())
	}
}

func TestOpenErrorShownInThai(t *testing.T) {
	a := test.NewTempApp(t)
	err := &data.Error{Code: data.ELOCKED, Message: "ฐานข้อมูลนี้เปิดอยู่ในโปรแกรม qmdesk อีกหน้าต่างหนึ่ง", English: "database locked", Err: errors.New("timeout")}
	w := ui.NewMainWindow(a, ui.Env{OpenErr: err, Geo: mustGeo()})
	if !strings.Contains(w.Message.Text, "เปิดอยู่") {
		t.Errorf("message = %q", w.Message.Text)
	}
}

func TestUnexpectedErrorsAreLogged(t *testing.T) {
	h := newHarness(t, 5)
	h.store.Close() // every read now fails in a way the clerk did not cause
	h.w.Dashboard.Refresh()
	h.w.WaitIdle()
	b, err := os.ReadFile(filepath.Join(h.dir, "qmdesk-errors.log"))
	if err != nil || len(b) == 0 {
		t.Fatalf("error log: %v", err)
	}
	if !strings.Contains(h.w.LastError(), "qmdesk-errors.log") {
		t.Errorf("message does not say where the log is: %q", h.w.LastError())
	}
	s, _ := bolt.Open(filepath.Join(h.dir, "qm.db"), bolt.Options{})
	h.store = s
}

func TestSettingsEnglishAndThaiDigits(t *testing.T) {
	h := newHarness(t, 10)
	w := h.w
	if lang.L("Cancel") != "ยกเลิก" {
		t.Errorf("Fyne's own strings are not Thai: %q", lang.L("Cancel"))
	}
	w.MenuSettings.Action()
	f := w.Settings
	f.ThaiDigits.SetChecked(true)
	w.ApplySettings()
	w.WaitIdle()
	if got := w.Dashboard.Households.Value.Text; got != "๑๐" {
		t.Errorf("Thai digits: %q", got)
	}
	w.MenuSettings.Action()
	w.Settings.Language.SetSelected("English")
	w.Settings.ThaiDigits.SetChecked(false)
	w.ApplySettings()
	w.WaitIdle()
	if !strings.Contains(w.Dashboard.Title.Text, "Udon Thani") || w.Tabs.Items[1].Text != "Households" {
		t.Errorf("English: %q / %q", w.Dashboard.Title.Text, w.Tabs.Items[1].Text)
	}
}

func TestShortcutsAndEscape(t *testing.T) {
	h := newHarness(t, 5)
	w := h.w
	w.MenuPrint.Action()
	if w.OpenDialogs() != 1 {
		t.Fatal("Ctrl+P should ask where to save the meeting pack")
	}
	w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.OpenDialogs() != 0 {
		t.Error("Escape should close the dialog")
	}
	w.MenuImport.Action()
	if w.Tabs.SelectedIndex() != 2 || w.OpenDialogs() != 1 {
		t.Errorf("Ctrl+I: tab %d, %d dialogs (want the file chooser)", w.Tabs.SelectedIndex(), w.OpenDialogs())
	}
	w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.OpenDialogs() != 0 {
		t.Error("Escape should close the file chooser")
	}
}

// The meeting pack is written, opened in the system's viewer and logged;
// the charts are saved as PNG.
func TestMeetingPackFromTheWindow(t *testing.T) {
	h := newHarness(t, 200)
	w := h.w
	path := filepath.Join(t.TempDir(), "ประชุม.pdf")
	w.MeetingPack(path)
	// The dialog says how far the pack is from its first moment, page by
	// page, not "starting…" throughout.
	var said []string
	w.WaitIdleWatching(func() {
		if w.Running != nil && (len(said) == 0 || said[len(said)-1] != w.Running.Text.Text) {
			said = append(said, w.Running.Text.Text)
		}
	})
	if len(said) < 8 || !slices.ContainsFunc(said, func(s string) bool { return strings.Contains(s, "หน้าปก") }) ||
		!slices.ContainsFunc(said, func(s string) bool { return strings.Contains(s, "กุดจับ") }) {
		t.Errorf("the pack's dialog said only %q", said)
	}
	w.WaitIdle()
	if b, err := os.ReadFile(path); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("pack: %v (%s)", err, w.LastError())
	}
	if len(h.shown) == 0 || h.shown[0] != path {
		t.Errorf("the pack was not opened: %v", h.shown)
	}
	// An amphoe's pack, chosen on the dashboard.
	before := w.OpenDialogs() // the "saved" dialog of the province's pack
	test.Tap(w.Dashboard.AmphoePrint)
	if w.OpenDialogs() != before+1 || w.LastPack() != path {
		t.Errorf("without an amphoe chosen the clerk should be told to choose one (%d dialogs)", w.OpenDialogs())
	}
	w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	w.Dashboard.PackAmphoe.SetSelected("กุดจับ")
	one := filepath.Join(t.TempDir(), "กุดจับ.pdf")
	w.AmphoePack("4102", one)
	w.WaitIdle()
	if w.LastPack() != one {
		t.Errorf("amphoe pack: %q (%s)", w.LastPack(), w.LastError())
	}
	dir := t.TempDir()
	w.SaveCharts(dir)
	w.WaitIdle()
	if pngs, _ := filepath.Glob(filepath.Join(dir, "*.png")); len(pngs) != 4 || len(w.LastCharts()) != 4 {
		t.Errorf("charts: %v", pngs)
	}
	entries, _ := h.store.Audit(context.Background(), 0, 0)
	n := 0
	for _, e := range entries {
		if e.Op == "export" && strings.Contains(e.Note, "meeting pack") {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d meeting-pack exports in the audit log", n)
	}
}

// Workbooks opened with the program land on the import screen, checked.
func TestOpenWorkbooksFromTheCommandLine(t *testing.T) {
	h := newHarness(t, 5)
	path := districtBook(t, t.TempDir())
	h.w.OpenWorkbooks([]string{path})
	h.w.WaitIdle()
	if h.w.Tabs.SelectedIndex() != 2 || len(h.w.Import.Reports) != 1 || h.w.Import.Reports[0] == nil {
		t.Errorf("tab %d, reports %v", h.w.Tabs.SelectedIndex(), h.w.Import.Reports)
	}
}

// Workbooks named when the program starts wait for the screens, which are
// made once the database is read: none is lost.
func TestOpenWorkbooksBeforeTheScreensExist(t *testing.T) {
	h := newHarness(t, 5)
	path := districtBook(t, t.TempDir())
	w := ui.NewMainWindow(test.NewTempApp(t), ui.Env{Store: h.store, Geo: mustGeo(), Clock: clock, DataDir: h.dir})
	w.OpenWorkbooks([]string{path}) // as cmd does, before the window runs
	w.WaitIdle()
	if w.Tabs == nil || w.Tabs.SelectedIndex() != 2 || len(w.Import.Reports) != 1 || w.Import.Reports[0] == nil {
		t.Errorf("the workbook named at start is not on the import screen")
	}
}

// Cancel stops a long task without an error message, and the window goes
// on; a cancelled demo leaves no household (it is all or nothing).
func TestCancelLongTask(t *testing.T) {
	h := newHarness(t, 0)
	w := h.w
	w.Setup.Province.SetSelected("อุดรธานี")
	w.Setup.Demo.SetChecked(true)
	w.Setup.DemoSize.SetText("200000")
	test.Tap(w.Setup.StartBtn)
	w.WaitFor(func() bool { return w.Running != nil }) // the database is made first, then the demo starts
	if w.Running == nil {
		t.Fatal("the demo should run as a task")
	}
	running := w.Running
	test.Tap(running.Cancel)
	if !strings.Contains(running.Text.Text, "ที่ใส่ไปแล้วจะถูกนำออกทั้งหมด") {
		t.Errorf("cancelling the demo says %q: it must say the households loaded so far are taken out", running.Text.Text)
	}
	w.WaitIdle()
	if w.LastError() != "" {
		t.Errorf("cancel showed an error: %s", w.LastError())
	}
	if w.Dashboard == nil {
		t.Fatal("after cancelling, the window should go on to the dashboard")
	}
	if n := w.Dashboard.Households.Value.Text; n != "0" { // the demo is all or nothing
		t.Errorf("after cancelling the demo: %s households", n)
	}
}

// Dialogs behave as in the clerk's other programs: Return presses the main
// button (closes a message, confirms, saves a form), a shortcut does
// nothing behind an open dialog, and Quit asks when a form holds typing.
func TestReturnQuitAndModalDialogs(t *testing.T) {
	h := newHarness(t, 5)
	w := h.w
	key := func(name fyne.KeyName) { w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: name}) }

	// A message closes on Return.
	test.Tap(w.Dashboard.AmphoePrint) // "choose the amphoe first"
	if w.OpenDialogs() != 1 {
		t.Fatalf("%d dialogs, want the message", w.OpenDialogs())
	}
	key(fyne.KeyReturn)
	if w.OpenDialogs() != 0 {
		t.Error("Return should close the message")
	}

	// Behind an open dialog, Ctrl+F does not switch the tab.
	w.Tabs.SelectIndex(0)
	w.MenuSettings.Action()
	w.MenuSearch.Action()
	if w.Tabs.SelectedIndex() != 0 || w.OpenDialogs() != 1 {
		t.Errorf("Ctrl+F behind the settings dialog: tab %d, %d dialogs", w.Tabs.SelectedIndex(), w.OpenDialogs())
	}

	// Quit with a form open asks, and "stay" keeps the window and the form.
	closed := false
	w.Window.SetOnClosed(func() { closed = true })
	w.MenuQuit.Action()
	if closed || w.OpenDialogs() != 2 {
		t.Fatalf("Quit with the settings open: closed %v, %d dialogs (want a question)", closed, w.OpenDialogs())
	}
	key(fyne.KeyReturn) // Return is "stay", never quit
	if closed || w.OpenDialogs() != 1 {
		t.Fatalf("Return on the quit question: closed %v, %d dialogs", closed, w.OpenDialogs())
	}
	// Return in the settings form saves it and closes it.
	key(fyne.KeyReturn)
	if w.OpenDialogs() != 0 {
		t.Errorf("Return should save and close the settings (%d dialogs)", w.OpenDialogs())
	}
	if w.MenuQuit.Label != "ออกจากโปรแกรม" {
		t.Errorf("Quit reads %q in Thai", w.MenuQuit.Label)
	}
	// With nothing open, Quit closes at once.
	w.MenuQuit.Action()
	if !closed {
		t.Error("Quit with nothing open should close the window")
	}
}

// In English the Quit item is English.
func TestQuitSpeaksTheWindowsLanguage(t *testing.T) {
	h := newHarness(t, 5)
	w := h.w
	w.MenuSettings.Action()
	w.Settings.Language.SetSelected("English")
	w.ApplySettings()
	if w.MenuQuit.Label != "Quit" {
		t.Errorf("Quit reads %q in English", w.MenuQuit.Label)
	}
}

// A click on the dashboard shows its effect at once and opens what it
// names: the overdue problem's household, with the register's filters and
// list set to show it and that problem first; an urgent button's list,
// whose households open with their urgent problem first; an amphoe's list.
func TestDashboardClicksOpenWhatTheyName(t *testing.T) {
	h := newHarness(t, 300)
	w := h.w
	d, r := w.Dashboard, w.Households
	p := r.Page
	over := d.OverdueProblems()
	if len(over) < 2 {
		t.Fatalf("the demo has %d overdue problems", len(over))
	}
	want := over[1]
	d.Overdue.OnRow(1)
	// Before anything is read: the register's tab, and the page says it is opening.
	if w.Tabs.SelectedIndex() != 1 || !p.Loading || !strings.Contains(p.Title.Text, "กำลังเปิด") {
		t.Errorf("at once: tab %d, loading %v, title %q", w.Tabs.SelectedIndex(), p.Loading, p.Title.Text)
	}
	// A second click, landing on the list while the page opens, is not taken.
	r.List.Select(0)
	w.WaitIdle()
	if p.Household.ID != want.HouseholdID || r.Shown != want.HouseholdID {
		t.Fatalf("page shows household %d (list %d), want %d", p.Household.ID, r.Shown, want.HouseholdID)
	}
	if len(p.Cards) == 0 || p.Cards[0].Problem.ID != want.ID || !p.Cards[0].Led || !strings.HasPrefix(p.Cards[0].Title.Text, "►") {
		t.Errorf("the overdue problem is not first and marked: %+v", p.Cards[0].Problem)
	}
	if !r.Overdue.Checked || !r.Query.Overdue || r.Query.RoundID != want.RoundID || !slices.Contains(r.IDs, want.HouseholdID) {
		t.Errorf("register filters %+v; household listed %v", r.Query, slices.Contains(r.IDs, want.HouseholdID))
	}
	if e, _ := r.Entry(want.HouseholdID); e.Problems != p.Led || e.All != len(p.Cards) || p.LeadNote.Hidden {
		t.Errorf("the list counts %d of %d problems, the page leads with %d of %d (note %q)", e.Problems, e.All, p.Led, len(p.Cards), p.LeadNote.Text)
	}

	// An urgent button: the list of its households, the old page gone.
	k := d.UrgentKinds()[0]
	test.Tap(d.Urgent[0])
	w.WaitIdle()
	if p.Household.ID != 0 || r.Shown != 0 || !r.Query.UrgentOnly || r.Query.Category != k.Category || len(r.IDs) == 0 {
		t.Fatalf("urgent: page %d, query %+v, %d listed", p.Household.ID, r.Query, len(r.IDs))
	}
	last := len(r.IDs) - 1
	r.List.Select(last)
	w.WaitIdle()
	if p.Household.ID != r.IDs[last] || !p.Cards[0].Led || !p.Cards[0].Problem.Urgent || p.Cards[0].Problem.Category != k.Category {
		t.Errorf("urgent household %d: first card %+v", p.Household.ID, p.Cards[0].Problem)
	}
	if e, _ := r.Entry(p.Household.ID); e.Problems != p.Led {
		t.Errorf("the list counts %d problems, the page leads with %d", e.Problems, p.Led)
	}

	// An amphoe's row: its households, no page left over.
	w.Tabs.SelectIndex(0)
	d.Amphoes.OnRow(0)
	w.WaitIdle()
	if w.Tabs.SelectedIndex() != 1 || len(r.Query.Area) != 4 || p.Household.ID != 0 || r.Urgent.Checked {
		t.Errorf("amphoe: tab %d, query %+v, page %d", w.Tabs.SelectedIndex(), r.Query, p.Household.ID)
	}
}

// The search index is kept beside the database: the next start reads it
// and catches up with what changed since, in the window or elsewhere,
// instead of reading the whole database again.
func TestSearchIndexKeptBetweenStarts(t *testing.T) {
	h := newHarness(t, 60)
	geo, _ := assets.Geography()
	index := filepath.Join(h.dir, "qm.db.search")
	open := func() *ui.MainWindow {
		w := ui.NewMainWindow(test.NewTempApp(t), ui.Env{Store: h.store, Geo: geo, Clock: clock, DataDir: h.dir, SearchIndex: index})
		w.WaitIdle()
		return w
	}
	w1 := open()
	fi, err := os.Stat(index)
	if err != nil || w1.RegisterSource() != "built" {
		t.Fatalf("no index saved after the first build (%s): %v", w1.RegisterSource(), err)
	}
	// A second start reads it, unchanged, and searches the same.
	w2 := open()
	if fi2, _ := os.Stat(index); !fi2.ModTime().Equal(fi.ModTime()) || w2.RegisterSource() != "caught up" {
		t.Errorf("the second start %s the index and saved it again", w2.RegisterSource())
	}
	if len(w2.Households.IDs) != 60 || !slices.Equal(w2.Households.IDs, w1.Households.IDs) {
		t.Fatalf("second start lists %d households", len(w2.Households.IDs))
	}
	// A change made in the window (a problem closed), and one made by
	// another program (a household renamed).
	ctx := context.Background()
	open2, _ := h.store.Problems(ctx, data.ProblemFilter{Status: data.NotStarted, Limit: 1})
	pr := open2[0]
	w2.Households.Open(pr.HouseholdID)
	w2.WaitIdle()
	p := w2.Households.Page
	for _, c := range p.Cards {
		if c.Problem.ID == pr.ID {
			test.Tap(c.StateBtn)
		}
	}
	p.StatusForm.Status.SetSelected("ยุติ")
	test.Type(p.StatusForm.Reason, "ย้ายออก")
	test.Tap(p.StatusForm.Save)
	w2.WaitIdle()
	w2.Close()
	renamed, _ := h.store.Household(ctx, 5)
	renamed.Head.FirstName = "ประดิษฐ์ชัย"
	if err := h.store.UpdateHousehold(ctx, &renamed); err != nil {
		t.Fatal(err)
	}
	// The next start catches up with both from the audit log, and keeps
	// the index it caught up for the start after.
	w3 := open()
	if w3.RegisterSource() != "caught up" {
		t.Errorf("the start after the changes %s the index", w3.RegisterSource())
	}
	if fi3, _ := os.Stat(index); fi3.ModTime().Equal(fi.ModTime()) {
		t.Error("the caught-up index was not saved")
	}
	w3.Households.Status.SetSelected("ยุติ")
	w3.WaitIdle()
	if !slices.Contains(w3.Households.IDs, pr.HouseholdID) {
		t.Errorf("after the change and a restart the closed problem's household is not found: %v", w3.Households.IDs)
	}
	w3.Households.Status.SetSelectedIndex(0)
	w3.Households.Search.SetText("ประดิษฐ์ชัย")
	w3.WaitIdle()
	if !slices.Equal(w3.Households.IDs, []uint64{5}) {
		t.Errorf("the household renamed by another program: found %v", w3.Households.IDs)
	}
}

// must is v, which the test cannot go on without.
func must[T any](t *testing.T, v *T) *T {
	t.Helper()
	if v == nil {
		t.Fatalf("no %T", v)
	}
	return v
}

// Help › About names the version and where the data and the audit key
// live, also before a province is set up.
func TestAboutNamesVersionAndFolders(t *testing.T) {
	a := test.NewTempApp(t)
	dir := t.TempDir()
	s, err := bolt.Open(filepath.Join(dir, "qm.db"), bolt.Options{NoSync: true, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	geo, _ := assets.Geography()
	w := ui.NewMainWindow(a, ui.Env{Store: s, Geo: geo, Clock: clock, DataDir: dir, Version: "9.8.7", KeyDir: `C:\Users\k\AppData\Roaming\qmdesk`})
	w.WaitIdle()
	if w.MenuAbout.Disabled {
		t.Fatal("About is greyed out on the first-start screen")
	}
	w.MenuAbout.Action()
	for _, want := range []string{"qmdesk รุ่น 9.8.7\n", dir, filepath.Join(dir, "backups"), filepath.Join(`C:\Users\k\AppData\Roaming\qmdesk`, "audit.key"), "ที่ทำการปกครองจังหวัด"} {
		if !strings.Contains(w.About.Text, want) {
			t.Errorf("About does not say %q:\n%s", want, w.About.Text)
		}
	}
	if w.Window.Canvas().Overlays().Top() == nil {
		t.Error("About is not shown as a dialog")
	}
}

// The start's notice (the upgrade of a file of an older version, and
// where the copy of the file as it was went) is shown in a message once
// the database has been read.
func TestStartNoticeShown(t *testing.T) {
	a := test.NewTempApp(t)
	dir := t.TempDir()
	s, err := bolt.Open(filepath.Join(dir, "qm.db"), bolt.Options{NoSync: true, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Init(context.Background(), "41", data.DefaultRound())
	u := bolt.Upgrade{From: 8, To: bolt.SchemaVersion, Copy: filepath.Join(dir, "backups", "before-upgrade-8-20240801-170000.db")}
	w := ui.NewMainWindow(a, ui.Env{Store: s, Geo: mustGeo(), Clock: clock, DataDir: dir, Notice: u.Done()})
	w.WaitIdle()
	if n := w.LastNotice(); !strings.Contains(n, u.Copy) || !strings.Contains(n, "ปรับเป็นรูปแบบของรุ่นนี้") {
		t.Errorf("notice %q", n)
	}
	if w.Window.Canvas().Overlays().Top() == nil {
		t.Error("no message on the window")
	}
}
