package app_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
)

// openProblems returns open problems of an amphoe, in ID order.
func openProblems(t *testing.T, fx *fixture, amphoe string, n int) []data.Problem {
	t.Helper()
	ps, err := fx.store.Problems(fx.ctx, data.ProblemFilter{RoundID: 1, AreaCode: amphoe})
	if err != nil {
		t.Fatal(err)
	}
	var out []data.Problem
	for _, p := range ps {
		if p.Status.Open() && len(out) < n {
			out = append(out, p)
		}
	}
	if len(out) < n {
		t.Fatalf("%d open problems in %s, want %d", len(out), amphoe, n)
	}
	return out
}

// districtEdits copies a follow-up workbook with the district's changes:
// for each problem given, its row's status and an action of that day.
func districtEdits(t *testing.T, fx *fixture, path, out string, status string, day string, problems ...data.Problem) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("ข้อมูล")
	for _, p := range problems {
		h, _ := fx.store.Household(fx.ctx, p.HouseholdID)
		found := false
		for i, r := range rows {
			if len(r) > 16 && r[1] == h.HouseCode && r[16] == p.SubProblem {
				for col, v := range map[int]string{20: status, 21: day, 23: "ติดตามเยี่ยมบ้าน"} {
					cell, _ := excelize.CoordinatesToCellName(col, i+1)
					f.SetCellValue("ข้อมูล", cell, v)
				}
				found = true
			}
		}
		if !found {
			t.Fatalf("problem %d is not in the workbook", p.ID)
		}
	}
	if err := f.SaveAs(out); err != nil {
		t.Fatal(err)
	}
}

// Issue 9: a follow-up workbook exported on Monday, imported on Wednesday
// after the clerk closed two of its problems on Tuesday, does not reopen
// them. Rows the district left as they were change nothing; rows where the
// district wrote another status wait for review with both values, and the
// clerk keeps one and takes the workbook's other.
func TestFollowUpDoesNotUndoANewerChange(t *testing.T) {
	fx, e := demoFixture(t, 300)
	monday, tuesday, wednesday := data.NewDate(2024, 8, 5), data.NewDate(2024, 8, 6), data.NewDate(2024, 8, 7)
	fx.store.Clock, e.Progress.Clock = fixedClock(monday), fixedClock(monday)
	path := filepath.Join(fx.dir, "ติดตาม.xlsx")
	n, err := e.FollowUp(fx.ctx, "4101", path, false)
	if err != nil {
		t.Fatal(err)
	}
	fx.store.Clock = fixedClock(tuesday)
	closed := openProblems(t, fx, "4101", 2)
	for _, p := range closed {
		if err := fx.store.AddAction(fx.ctx, &data.Action{ProblemID: p.ID, Date: tuesday, What: "ยุติการช่วยเหลือ", Result: data.Closed, Note: "ย้ายออกนอกพื้นที่"}); err != nil {
			t.Fatal(err)
		}
	}
	fx.store.Clock, fx.imp.Clock = fixedClock(wednesday), fixedClock(wednesday)
	// Sent back as it was: nothing changes, the closed problems stay closed.
	if c := fx.commit(t, path).Counts(); c.Unchanged != n || c.Review != 0 {
		t.Fatalf("Monday's workbook sent back untouched: %+v; want every row unchanged", c)
	}
	for _, p := range closed {
		if got, _ := fx.store.Problem(fx.ctx, p.ID); got.Status != data.Closed {
			t.Fatalf("problem %d reopened by the import: %s", p.ID, got.Status.Thai())
		}
	}
	// The district says both were solved, on Monday.
	edited := filepath.Join(fx.dir, "ติดตาม-อำเภอ.xlsx")
	districtEdits(t, fx, path, edited, "แก้ไขแล้ว", "5 ส.ค. 2567", closed...)
	dry := fx.plan(t, edited, "")
	if c := dry.Counts(); c.Review != 2 || c.Updated != 0 || c.Unchanged != n-2 {
		t.Fatalf("dry run of the district's workbook: %+v; want the two closed problems in review, nothing updated", c)
	}
	for r := range dry.Batch.RowResults() {
		if r.Fate == data.FateReview && (!strings.Contains(r.Reason, "หลังส่งออกไฟล์นี้") || !strings.Contains(r.Reason, "สถานะ ในไฟล์ 'แก้ไขแล้ว' ในโปรแกรม 'ยุติ'") || !strings.Contains(r.Reason, "clerk")) {
			t.Errorf("review reason %q does not show both values and who changed it", r.Reason)
		}
	}
	if out, err := app.WriteErrorWorkbook(dry, t.TempDir()); out != "" || err != nil {
		t.Errorf("rows for the province's decision sent back to the district: %q %v", out, err)
	}
	rep := fx.commit(t, edited)
	for _, p := range closed {
		if got, _ := fx.store.Problem(fx.ctx, p.ID); got.Status != data.Closed {
			t.Fatalf("problem %d changed by the import before the clerk decided: %s", p.ID, got.Status.Thai())
		}
	}
	reviews, _ := fx.store.Reviews(fx.ctx, true)
	if len(reviews) != 2 || reviews[0].Kind != data.ReviewConflict || reviews[0].ImportID != rep.ImportID ||
		len(reviews[0].Conflicts) != 1 || reviews[0].Conflicts[0].Field != "status" || reviews[0].Conflicts[0].ChangedBy != "clerk" {
		t.Fatalf("reviews %+v", reviews)
	}
	for _, wrong := range []struct {
		decision string
		into     uint64
	}{{"new", 0}, {"keep", reviews[0].Candidates[0] + 1}, {"merge", 1_000_000}, {"accept", 0}} {
		if err := fx.imp.Decide(fx.ctx, reviews[0].ID, wrong.decision, wrong.into); data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "--keep") ||
			!strings.Contains(err.Error(), "(qmdesk's)") || strings.ContainsAny(err.Error(), "กคง") {
			t.Errorf("%s into %d on a conflict: %v", wrong.decision, wrong.into, err)
		}
	}
	if err := fx.imp.Decide(fx.ctx, reviews[0].ID, "keep", reviews[0].Candidates[0]); err != nil {
		t.Fatal(err)
	}
	if err := fx.imp.Decide(fx.ctx, reviews[1].ID, "merge", reviews[1].Candidates[0]); err != nil {
		t.Fatal(err)
	}
	kept, _ := fx.store.Problem(fx.ctx, closed[0].ID)
	taken, _ := fx.store.Problem(fx.ctx, closed[1].ID)
	if kept.Status != data.Closed || taken.Status != data.Solved {
		t.Errorf("after the decisions: kept %s, taken %s", kept.Status.Thai(), taken.Status.Thai())
	}
	if acts, _ := fx.store.Actions(fx.ctx, kept.ID); acts[len(acts)-1].What != "ติดตามเยี่ยมบ้าน" || acts[len(acts)-1].Result != 0 {
		t.Errorf("keep takes the row's action without its status: %+v", acts[len(acts)-1])
	}
}

// solvedByTheClerk imports household n with a problem in progress (its
// action dated date, if any), then has the clerk solve it on 6 Aug 2567,
// the day the fixture's clocks then stand at.
func solvedByTheClerk(t *testing.T, n int, date string) *fixture {
	t.Helper()
	fx := newFixture(t)
	base := writeBook(t, fx.dir, "base.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, fmt.Sprintf("410100000%02d", n), id(n), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", date, ""),
	}})
	fx.commit(t, base)
	p := openProblems(t, fx, "4101", 1)[0]
	clerkDay := data.NewDate(2024, 8, 6)
	fx.store.Clock, fx.imp.Clock = fixedClock(clerkDay), fixedClock(clerkDay)
	if err := fx.store.AddAction(fx.ctx, &data.Action{ProblemID: p.ID, Date: clerkDay, What: "ชำระหนี้ครบ", Result: data.Solved}); err != nil {
		t.Fatal(err)
	}
	return fx
}

// A row without a stamp (the template, a district's own file) is dated by
// its action date: older than the record's last change, it waits for
// review; newer, it is taken.
func TestUnstampedRowsOlderThanTheRecordWaitForReview(t *testing.T) {
	fx := solvedByTheClerk(t, 41, "15/07/2567")
	old := writeBook(t, fx.dir, "old.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000041", id(41), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "20/07/2567", ""),
	}})
	if c := fx.plan(t, old, "").Counts(); c.Review != 1 || c.Updated != 0 {
		t.Errorf("a row of 20 Jul against a change of 6 Aug: %+v, want review", c)
	}
	newer := writeBook(t, fx.dir, "newer.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000041", id(41), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "06/08/2567", ""),
	}})
	if c := fx.plan(t, newer, "").Counts(); c.Updated != 1 || c.Review != 0 {
		t.Errorf("a row of the same day as the change: %+v, want it taken", c)
	}
}

func TestWorkbookDatesOutsideTheRoundAreRejected(t *testing.T) {
	fx := newFixture(t) // today 1 Aug 2567; the round starts 1 Mar 2567
	path := writeBook(t, fx.dir, "dates.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000051", id(51), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "02/08/2567", ""),
		templateRow(2, "41010000052", id(52), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "15/02/2567", ""),
		templateRow(3, "41010000053", id(53), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "01/08/2567", ""),
	}})
	rep := fx.plan(t, path, "")
	rows := slices.Collect(rep.Batch.RowResults())
	if rows[0].Fate != data.FateRejected || !strings.Contains(rows[0].Reason, "อยู่ในอนาคต") || rows[0].Column != "วันที่ดำเนินการ" {
		t.Errorf("tomorrow: %+v", rows[0])
	}
	if rows[1].Fate != data.FateRejected || !strings.Contains(rows[1].Reason, "ก่อนวันเริ่มบันทึกผล") || rows[1].Value != "15/02/2567" {
		t.Errorf("before the round: %+v", rows[1])
	}
	if rows[2].Fate != data.FateNewHousehold {
		t.Errorf("today: %+v", rows[2])
	}
	if c := rep.Counts(); c.NewHouseholds != 1 || c.Rejected != 2 {
		t.Errorf("counts %+v", c)
	}
}

func TestUnknownSubProblemsAreSuggestedOrRejected(t *testing.T) {
	fx := newFixture(t)
	path := writeBook(t, fx.dir, "subs.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000061", id(61), "หมากแข้ง", "เมือง", 1, "บ้านทรุดโทรม", "", "", ""),
		templateRow(2, "41010000062", id(62), "หมากแข้ง", "เมือง", 4, "ปัญหาแปลกประหลาด", "", "", ""),
		templateRow(3, "41010000063", id(63), "หมากแข้ง", "เมือง", 7, "ถูกน้ำท่วมบ้าน", "", "", ""),
		templateRow(4, "41010000064", id(64), "หมากแข้ง", "เมือง", 7, "อื่นๆ", "", "", ""),
		// A second, different "other" trouble of household 63 waits for
		// the clerk; accepting it adds its words to the first one's.
		templateRow(5, "41010000063", id(63), "หมากแข้ง", "เมือง", 7, "ไฟไหม้ยุ้งฉาง", "", "", ""),
	}})
	rep := fx.commit(t, path)
	rows := slices.Collect(rep.Batch.RowResults())
	if rows[0].Fate != data.FateReview || !strings.Contains(rows[0].Reason, "'บ้านทรุดโทรม/ไม่มั่นคงถาวร'") {
		t.Errorf("a shortened name: %+v", rows[0])
	}
	if rows[1].Fate != data.FateRejected || rows[1].Column != "ปัญหา" || !strings.Contains(rows[1].Reason, "หนี้สิน") {
		t.Errorf("a name nothing is close to: %+v", rows[1])
	}
	if rows[2].Fate != data.FateNewHousehold {
		t.Errorf("free text in category 7 is what 'อื่น ๆ (ระบุ)' is for: %+v", rows[2])
	}
	if rows[3].Fate != data.FateNewHousehold {
		t.Errorf("อื่นๆ is อื่น ๆ (ระบุ): %+v", rows[3])
	}
	if rows[4].Fate != data.FateReview || !strings.Contains(rows[4].Reason, "อยู่แล้ว ว่า 'ถูกน้ำท่วมบ้าน'") ||
		!strings.Contains(rows[4].Reason, "'ถูกน้ำท่วมบ้าน · ไฟไหม้ยุ้งฉาง' (ข้อความเดิมยังอยู่)") {
		t.Errorf("a second 'other' trouble of the same household: %+v", rows[4])
	}
	hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41010000063")
	flood, _ := fx.store.ProblemsOf(fx.ctx, hs[0].ID)
	if len(flood) != 1 || flood[0].SubProblem != "อื่น ๆ (ระบุ)" || flood[0].Detail != "ถูกน้ำท่วมบ้าน" {
		t.Errorf("category 7's words: %+v", flood)
	}
	reviews, _ := fx.store.Reviews(fx.ctx, true)
	if len(reviews) != 2 || reviews[0].Kind != data.ReviewSubProblem || reviews[0].Written != "บ้านทรุดโทรม" {
		t.Fatalf("reviews %+v", reviews)
	}
	if err := fx.imp.Decide(fx.ctx, reviews[0].ID, "accept", 0); err != nil {
		t.Fatal(err)
	}
	subs, _ := fx.store.SubProblems(fx.ctx)
	ps, _ := fx.store.Problems(fx.ctx, data.ProblemFilter{RoundID: 1})
	if len(ps) != 3 {
		t.Fatalf("%d problems, want 3", len(ps))
	}
	for _, p := range ps {
		if _, ok := subs.Find(p.Category, p.SubProblem); !ok {
			t.Errorf("stored as free text: %q", p.SubProblem)
		}
		if p.Category == 1 && p.Detail != "บ้านทรุดโทรม" {
			t.Errorf("the accepted row's words are lost: %+v", p)
		}
	}
	if err := fx.imp.Decide(fx.ctx, reviews[1].ID, "accept", 0); err != nil {
		t.Fatal(err)
	}
	if flood, _ = fx.store.ProblemsOf(fx.ctx, hs[0].ID); len(flood) != 1 || flood[0].Detail != "ถูกน้ำท่วมบ้าน · ไฟไหม้ยุ้งฉาง" {
		t.Errorf("after accepting the second trouble: %+v", flood)
	}
	// The same workbook again: both troubles are recorded, nothing to ask.
	again := slices.Collect(fx.commit(t, path).Batch.RowResults())
	if again[2].Fate != data.FateUnchanged || again[4].Fate != data.FateUnchanged {
		t.Errorf("re-import: %+v / %+v", again[2], again[4])
	}
}

// A row without an action date is as old as the workbook says it was
// saved, when it says a day of the round (excelize-made files say 2006).
func TestRowsWithoutADateAreAsOldAsTheWorkbook(t *testing.T) {
	fx := solvedByTheClerk(t, 71, "")
	for _, tc := range []struct {
		saved  string
		review bool
	}{{"2024-07-20T03:00:00Z", true}, {"2024-08-06T09:00:00Z", false}, {"", false}} {
		path := writeBook(t, fx.dir, "district.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
			templateRow(1, "41010000071", id(71), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "", ""),
		}})
		if tc.saved != "" {
			f, _ := excelize.OpenFile(path)
			f.SetDocProps(&excelize.DocProperties{Created: tc.saved, Modified: tc.saved})
			f.Save()
			f.Close()
		}
		c := fx.plan(t, path, "").Counts()
		if (c.Review == 1) != tc.review || c.Review+c.Updated != 1 {
			t.Errorf("workbook saved %q: %+v, review %v", tc.saved, c, tc.review)
		}
	}
}

// What the programme does not allow together waits for the clerk with the
// reason: category 7 solved by the household itself, a Re-X-Ray result on
// a problem found in the round. Accepted, the row is taken as written.
func TestForbiddenCombinationsWaitForReview(t *testing.T) {
	fx := newFixture(t)
	fresh := templateRow(2, "41010000062", id(62), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", "")
	fresh[14] = "ปัญหาใหม่" // ที่มา; the row still carries a Re-X-Ray result
	path := writeBook(t, fx.dir, "combos.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000061", id(61), "หมากแข้ง", "เมือง", 7, "อื่น ๆ (ระบุ)", "แก้ไขได้ด้วยตนเอง", "", ""),
		fresh,
		templateRow(3, "41010000063", id(63), "หมากแข้ง", "เมือง", 7, "อื่น ๆ (ระบุ)", "แก้ไขแล้ว", "", ""),
	}})
	rows := slices.Collect(fx.commit(t, path).Batch.RowResults())
	if rows[0].Fate != data.FateReview || !strings.Contains(rows[0].Reason, data.Category(7).Label()) || !strings.Contains(rows[0].Reason, "'"+data.SelfSolved.Thai()+"' ไม่ได้") {
		t.Errorf("category 7 solved by the household: %+v", rows[0])
	}
	if rows[1].Fate != data.FateReview || !strings.Contains(rows[1].Reason, data.HeaderReXRay.Thai) {
		t.Errorf("a Re-X-Ray result on a new problem: %+v", rows[1])
	}
	if rows[2].Fate != data.FateNewHousehold {
		t.Errorf("category 7 solved with help is allowed: %+v", rows[2])
	}
	reviews, _ := fx.store.Reviews(fx.ctx, true)
	if len(reviews) != 2 || reviews[0].Kind != data.ReviewCombination {
		t.Fatalf("reviews %+v", reviews)
	}
	if err := fx.imp.Decide(fx.ctx, reviews[0].ID, "new", 0); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("a combination is settled by accept or reject, not new: %v", err)
	}
	if err := fx.imp.Decide(fx.ctx, reviews[0].ID, "accept", 0); err != nil {
		t.Fatal(err)
	}
	hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41010000061")
	if ps, _ := fx.store.ProblemsOf(fx.ctx, hs[0].ID); len(ps) != 1 || ps[0].Status != data.SelfSolved {
		t.Errorf("accepted as written: %+v", ps)
	}
}

// The demo makes only what the programme allows.
func TestDemoHasNoForbiddenCombinations(t *testing.T) {
	fx, _ := demoFixture(t, 3000)
	hs, _ := fx.store.Households(fx.ctx, data.HouseholdFilter{})
	origin := map[uint64]data.Origin{}
	for _, h := range hs {
		origin[h.ID] = h.Origin
	}
	ps, _ := fx.store.Problems(fx.ctx, data.ProblemFilter{RoundID: 1})
	cat7 := 0
	for _, p := range ps {
		if why := p.Contradiction(origin[p.HouseholdID]); why.Thai != "" {
			t.Fatalf("demo problem %d: %s", p.ID, why.Thai)
		}
		if p.Category == 7 {
			cat7++
		}
	}
	if cat7 == 0 {
		t.Fatal("the demo has no category 7 problem to check")
	}
}

// "Keep qmdesk's values" on a conflict row that brought only a status and
// its date leaves nothing to take: the row is settled, the clerk's status
// stays, and no empty action is refused (a new user's trial: --keep
// failed with "กรุณาระบุวิธีการแก้ไขหรือหน่วยงาน").
func TestKeepOnAStatusOnlyConflict(t *testing.T) {
	fx, e := demoFixture(t, 300)
	monday, tuesday, wednesday := data.NewDate(2024, 8, 5), data.NewDate(2024, 8, 6), data.NewDate(2024, 8, 7)
	fx.store.Clock, e.Progress.Clock = fixedClock(monday), fixedClock(monday)
	path := filepath.Join(fx.dir, "ติดตาม.xlsx")
	if _, err := e.FollowUp(fx.ctx, "4101", path, false); err != nil {
		t.Fatal(err)
	}
	fx.store.Clock = fixedClock(tuesday)
	p := openProblems(t, fx, "4101", 1)[0]
	if err := fx.store.AddAction(fx.ctx, &data.Action{ProblemID: p.ID, Date: tuesday, What: "ยุติการช่วยเหลือ", Result: data.Closed, Note: "ย้ายออกนอกพื้นที่"}); err != nil {
		t.Fatal(err)
	}
	fx.store.Clock, fx.imp.Clock = fixedClock(wednesday), fixedClock(wednesday)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := fx.store.Household(fx.ctx, p.HouseholdID)
	rows, _ := f.GetRows("ข้อมูล")
	for i, r := range rows {
		if len(r) > 16 && r[1] == h.HouseCode && r[16] == p.SubProblem {
			for col, v := range map[int]string{20: "แก้ไขแล้ว", 21: "5 ส.ค. 2567"} {
				cell, _ := excelize.CoordinatesToCellName(col, i+1)
				f.SetCellValue("ข้อมูล", cell, v)
			}
		}
	}
	edited := filepath.Join(fx.dir, "ติดตาม-อำเภอ.xlsx")
	if err := f.SaveAs(edited); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fx.commit(t, edited)
	reviews, _ := fx.store.Reviews(fx.ctx, true)
	if len(reviews) != 1 || reviews[0].Action == nil || reviews[0].Action.What != "" {
		t.Fatalf("reviews %+v; want one, with a status-only action", reviews)
	}
	before, _ := fx.store.Actions(fx.ctx, p.ID)
	if err := fx.imp.Decide(fx.ctx, reviews[0].ID, "keep", reviews[0].Candidates[0]); err != nil {
		t.Fatalf("keep on a status-only conflict: %v", err)
	}
	if got, _ := fx.store.Problem(fx.ctx, p.ID); got.Status != data.Closed {
		t.Errorf("status after keep: %s", got.Status.Thai())
	}
	if after, _ := fx.store.Actions(fx.ctx, p.ID); len(after) != len(before) {
		t.Errorf("keep added %d actions: %+v", len(after)-len(before), after[len(before):])
	}
	if left, _ := fx.store.Reviews(fx.ctx, true); len(left) != 0 {
		t.Errorf("still pending: %+v", left)
	}
}
