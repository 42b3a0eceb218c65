package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"qmdesk/app/cli"
	"qmdesk/data"
	"qmdesk/ui"
)

// On the real date, long after Re-X-Ray 2567: the dashboard says the
// round ended and when, with its figures at the deadline; nothing says it
// has not started.
func TestDashboardAfterTheRoundEnded(t *testing.T) {
	h := newHarnessAt(t, 300, data.FixedClock(time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)))
	d := h.w.Dashboard
	c := d.Countdown.Text
	for _, want := range []string{"สิ้นสุดแล้วเมื่อ 30 ก.ย. 2567", "(791 วันที่แล้ว)", "ณ วันครบกำหนดยังค้าง", "เลยกำหนดทั้งหมด"} {
		if !strings.Contains(c, want) {
			t.Errorf("countdown %q does not say %q", c, want)
		}
	}
	if strings.Contains(c, "ยังไม่เริ่ม") || strings.Contains(d.Title.Text, " 542") || !strings.Contains(d.Title.Text, "30 พ.ย. 2569") {
		t.Errorf("dashboard on 30 Nov 2569: %q / %q", d.Title.Text, c)
	}
	if len(d.Overdue.Rows) == 0 {
		t.Error("no overdue problems listed after the deadline")
	}
	test.Tap(d.NewRound)
	h.w.WaitIdle() // the dialog shows once its records are read
	if f := d.RoundForm; f.Start.Text != "1 ต.ค. 2569" || f.Deadline.Text != "30 ก.ย. 2570" {
		t.Errorf("a new round on 30 Nov 2569 is proposed for %s – %s, want this fiscal year", f.Start.Text, f.Deadline.Text)
	}
}

func TestNewRoundFromTheDashboard(t *testing.T) {
	h := newHarness(t, 300)
	w, d := h.w, h.w.Dashboard
	open := d.InProgress.Value.Text
	test.Tap(d.NewRound)
	w.WaitIdle() // the dialog shows once its records are read
	f := d.RoundForm
	if f == nil || !f.Carry.Checked || f.Start.Text != "1 ต.ค. 2567" || f.Deadline.Text != "30 ก.ย. 2568" {
		t.Fatalf("new round form: %+v", f)
	}
	test.Type(f.Name, "ติดตามต่อเนื่อง 2568")
	test.Tap(f.Save)
	w.WaitIdle()
	if w.LastError() != "" {
		t.Fatalf("error: %s", w.LastError())
	}
	d = w.Dashboard
	if !strings.Contains(d.Round.Selected, "ติดตามต่อเนื่อง 2568") || !strings.Contains(d.Round.Selected, "รอบปัจจุบัน") {
		t.Errorf("round shown: %q", d.Round.Selected)
	}
	if d.InProgress.Value.Text != open {
		t.Errorf("in progress in the new round %s, want the %s carried over", d.InProgress.Value.Text, open)
	}
	// A carried problem's page: its earlier history, and the old one read-only.
	ps, _ := h.store.Problems(context.Background(), data.ProblemFilter{RoundID: 2, Status: data.InProgress, Limit: 1})
	if len(ps) == 0 {
		t.Fatal("no carried problem")
	}
	w.Households.Open(ps[0].HouseholdID)
	w.WaitIdle()
	var carried, old bool
	for _, c := range w.Households.Page.Cards {
		if c.Problem.ID == ps[0].ID {
			carried = strings.Contains(c.Timeline.Text, "ยกมาจากรอบ Re-X-Ray 2567") && !c.AddBtn.Disabled()
		}
		if c.Problem.ID == ps[0].CarriedFrom {
			// Its work goes on in the new round: it does not read as overdue.
			old = c.AddBtn.Disabled() && c.StateBtn.Disabled() && strings.Contains(c.Status.Text, "ยกไปติดตามต่อ") &&
				!strings.Contains(c.Status.Text, "เลยกำหนด") && c.Status.Importance != widget.DangerImportance
		}
	}
	if !carried || !old {
		t.Errorf("household page: carried card with history %v, old card read-only %v", carried, old)
	}
	if first := w.Households.Page.Cards[0].Problem; first.RoundID != 2 {
		t.Errorf("the page starts with a problem of round %d, want the current round's", first.RoundID)
	}
	// The new round's own history stands apart from the earlier round's.
	if err := h.store.AddAction(context.Background(), &data.Action{ProblemID: ps[0].ID, Date: today, What: "ติดตามต่อ"}); err != nil {
		t.Fatal(err)
	}
	w.Households.Open(ps[0].HouseholdID)
	w.WaitIdle()
	for _, c := range w.Households.Page.Cards {
		if c.Problem.ID == ps[0].ID {
			tl := c.Timeline.Text
			earlier, own, act := strings.Index(tl, "— ยกมาจากรอบ Re-X-Ray 2567"), strings.Index(tl, "— รอบ ติดตามต่อเนื่อง 2568 —"), strings.Index(tl, "ติดตามต่อ —")
			if earlier < 0 || own < earlier || act < own {
				t.Errorf("timeline of a carried problem:\n%s", tl)
			}
		}
	}
}

// A household without a house code is "no home" only when its problem is
// the no-home one.
func TestAddressSaysNoHomeOnlyForTheNoHomeProblem(t *testing.T) {
	h := newHarness(t, 20)
	ctx := data.WithOperator(context.Background(), "clerk")
	for _, tc := range []struct {
		sub, want, not string
		cat            data.Category
		urgent         bool
	}{
		{"ไม่มีที่อยู่อาศัย", "รหัสบ้าน ไม่มี (ไม่มีที่อยู่อาศัย)", "", 1, true},
		{"หนี้สิน", "รหัสบ้าน ไม่มี ·", "ไม่มีที่อยู่อาศัย", 4, false},
	} {
		hh := &data.Household{TambonCode: "410101", Origin: data.OriginMissed, Head: data.Person{NationalID: data.WithCheckDigit("310000000" + string(rune('0'+tc.cat)) + "99"), FirstName: "ทดสอบ"}}
		if err := h.store.CreateHousehold(ctx, hh); err != nil {
			t.Fatal(err)
		}
		if err := h.store.CreateProblem(ctx, &data.Problem{HouseholdID: hh.ID, Category: tc.cat, SubProblem: tc.sub, Urgent: tc.urgent, SurveyYear: 2567}); err != nil {
			t.Fatal(err)
		}
		h.w.Households.Open(hh.ID)
		h.w.WaitIdle()
		got := h.w.Households.Page.Address.Text
		if !strings.Contains(got, tc.want) || (tc.not != "" && strings.Contains(got, tc.not)) {
			t.Errorf("%s: address %q", tc.sub, got)
		}
	}
}

// The window's side of issue 9's Monday–Wednesday workbook: the closed
// problem's row waits in review with both values, and "keep" keeps the
// clerk's change.
func TestConflictReviewInTheWindow(t *testing.T) {
	h := newHarness(t, 200)
	w := h.w
	ctx := data.WithOperator(context.Background(), "สมใจ")
	path := filepath.Join(t.TempDir(), "ติดตาม.xlsx")
	w.Export.ExportFollowUp("4101", path)
	w.WaitIdle()
	ps, _ := h.store.Problems(ctx, data.ProblemFilter{RoundID: 1, AreaCode: "4101", Status: data.InProgress, Limit: 1})
	if len(ps) == 0 {
		t.Fatal("no problem in progress")
	}
	h.store.Clock = data.FixedClock(today.Time().Add(30 * time.Hour))
	if err := h.store.AddAction(ctx, &data.Action{ProblemID: ps[0].ID, Date: today, What: "ยุติ", Result: data.Closed, Note: "ย้ายออก"}); err != nil {
		t.Fatal(err)
	}
	// The district writes that the problem was solved.
	hh, _ := h.store.Household(ctx, ps[0].HouseholdID)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("ข้อมูล")
	for i, row := range rows {
		if len(row) > 16 && row[1] == hh.HouseCode && row[16] == ps[0].SubProblem {
			f.SetCellValue("ข้อมูล", fmt.Sprintf("T%d", i+1), "แก้ไขแล้ว")
		}
	}
	f.Save()
	f.Close()
	w.Import.AddFiles([]string{path})
	w.WaitIdle()
	if c := w.Import.Reports[0].Counts(); c.Review != 1 || c.Updated != 0 {
		t.Fatalf("dry run: %+v", c)
	}
	if !w.Import.SaveErrors.Disabled() || w.Import.Rows.Rows[0][2] != "สถานะ" || w.Import.Rows.Rows[0][3] != "แก้ไขแล้ว" {
		t.Errorf("a conflict is the province's: rows %v, send-back enabled %v", w.Import.Rows.Rows, !w.Import.SaveErrors.Disabled())
	}
	test.Tap(w.Import.Commit)
	w.WaitIdle()
	if row := w.Import.Reviews.Rows[0]; row[2] != hh.Head.FullName() || !strings.Contains(row[3], "xxxxx") {
		t.Errorf("review list names %q %q, want the household's", row[2], row[3])
	}
	w.Import.Reviews.OnRow(0)
	if w.Import.DecideNew.Text != "ใช้ค่าจากไฟล์" || !strings.HasPrefix(w.Import.DecideMerge.Text, "คงค่าในโปรแกรม") ||
		!strings.Contains(w.Import.ReviewNote.Text, "สถานะ: ในไฟล์ 'แก้ไขแล้ว' · ในโปรแกรม 'ยุติ'") {
		t.Fatalf("review of a conflict: [%s] [%s] %q", w.Import.DecideNew.Text, w.Import.DecideMerge.Text, w.Import.ReviewNote.Text)
	}
	test.Tap(w.Import.DecideMerge)
	w.WaitIdle()
	if p, _ := h.store.Problem(ctx, ps[0].ID); p.Status != data.Closed || len(w.Import.PendingReviews) != 0 {
		t.Errorf("after keep: %s, %d pending (%s)", p.Status.Thai(), len(w.Import.PendingReviews), w.LastError())
	}
}

// Issue 9: on the real date the action dialog takes yesterday, and
// refuses tomorrow and a day before the round began.
func TestActionDialogOnTheRealDate(t *testing.T) {
	h := newHarnessAt(t, 50, data.FixedClock(time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)))
	w := h.w
	ps, _ := h.store.Problems(context.Background(), data.ProblemFilter{RoundID: 1, Status: data.InProgress, Limit: 1})
	w.Households.Open(ps[0].HouseholdID)
	w.WaitIdle()
	card := w.Households.Page.Card(ps[0].ID)
	test.Tap(card.AddBtn)
	f := w.Households.Page.ActionForm
	if f.Date.Text != "30 พ.ย. 2569" {
		t.Errorf("the dialog proposes %q, want today 30 พ.ย. 2569", f.Date.Text)
	}
	test.Type(f.What, "เยี่ยมบ้าน")
	for date, want := range map[string]string{"1 ธ.ค. 2569": "อยู่หลังวันนี้", "15 ก.พ. 2567": "ก่อนวันเริ่มบันทึกผล"} {
		f.Date.SetText(date)
		test.Tap(f.Save)
		w.WaitIdle()
		if !strings.Contains(f.Error.Text, want) {
			t.Errorf("%s: %q, want %q", date, f.Error.Text, want)
		}
	}
	f.Date.SetText("29 พ.ย. 2569")
	test.Tap(f.Save)
	w.WaitIdle()
	acts, _ := h.store.Actions(context.Background(), ps[0].ID)
	if last := acts[len(acts)-1]; last.Date != data.NewDate(2026, 11, 29) || last.What != "เยี่ยมบ้าน" {
		t.Errorf("yesterday's action: %+v (%s)", last, f.Error.Text)
	}
}

func TestFirstStartOnTheRealDateSaysTheRoundEnded(t *testing.T) {
	h := newHarnessAt(t, 0, data.FixedClock(time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)))
	if n := h.w.Setup.RoundNote.Text; !strings.Contains(n, "ครบกำหนดไปแล้วเมื่อ 30 ก.ย. 2567 (791 วันที่แล้ว)") || !strings.Contains(n, "รอบใหม่") {
		t.Errorf("first start on 30 Nov 2569: %q", n)
	}
	if h := newHarness(t, 0); h.w.Setup.RoundNote.Text != "" {
		t.Errorf("first start inside the round: %q", h.w.Setup.RoundNote.Text)
	}
}

// A wrong QMDESK_TODAY is said in the window (a clerk who started the
// program from its icon sees no console); a training day says so.
func TestStartRefusalAndTrainingDayInTheWindow(t *testing.T) {
	a := test.NewTempApp(t)
	t.Setenv("QMDESK_TODAY", "yesterday")
	_, err := cli.ClockFromEnv(os.Getenv)
	w := ui.NewMainWindow(a, ui.Env{Geo: mustGeo(), StartErr: err, DataDir: t.TempDir()})
	if w.Message == nil || !strings.Contains(w.Message.Text, "เริ่มโปรแกรมไม่ได้") || !strings.Contains(w.Message.Text, "QMDESK_TODAY") {
		t.Errorf("start refusal: %+v", w.Message)
	}
	if !w.MenuImport.Disabled || !w.MenuPrint.Disabled || !w.MenuRepair.Disabled || w.MenuSettings.Disabled {
		t.Error("the refusal's menu offers what it cannot do")
	}
	h := newHarnessAt(t, 20, clock.OnDay(data.NewDate(2024, 8, 15)))
	if !strings.Contains(h.w.Window.Title(), "ฝึกอบรม 15 ส.ค. 2567") || !strings.Contains(h.w.Dashboard.Title.Text, "วันที่จำลองสำหรับฝึกอบรม") {
		t.Errorf("training day: %q / %q", h.w.Window.Title(), h.w.Dashboard.Title.Text)
	}
}
