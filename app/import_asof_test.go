package app_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
)

// districtBook writes a district's own workbook (the template, no stamp)
// of the given rows, saved on day saved: its rows without an action date
// are as of that day.
func districtBook(t *testing.T, fx *fixture, name string, saved data.Date, rows ...[]any) string {
	t.Helper()
	path := writeBook(t, fx.dir, name, sheet{Name: "S", Header: [][]string{templateHeader}, Rows: rows})
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	at := saved.String() + "T03:00:00Z" // 10:00 in Thailand
	if err := f.SetDocProps(&excelize.DocProperties{Created: at, Modified: at}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// onDay moves the fixture's clocks (the store's and the importer's) to d.
func (fx *fixture) onDay(d data.Date) {
	fx.store.Clock, fx.imp.Clock = fixedClock(d), fixedClock(d)
}

// withRow returns a template row with some of its cells changed (0-based
// column → value).
func withRow(row []any, cells map[int]any) []any {
	out := append([]any(nil), row...)
	for c, v := range cells {
		out[c] = v
	}
	return out
}

// householdOf returns the household whose head has national ID nid, and
// its one problem.
func householdOf(t *testing.T, fx *fixture, nid string) (data.Household, data.Problem) {
	t.Helper()
	hs, err := fx.store.HouseholdsByNationalID(fx.ctx, nid)
	if err != nil || len(hs) != 1 {
		t.Fatalf("household of %s: %v %v", nid, hs, err)
	}
	ps, err := fx.store.ProblemsOf(fx.ctx, hs[0].ID)
	if err != nil || len(ps) != 1 {
		t.Fatalf("problems of household %d: %v %v", hs[0].ID, ps, err)
	}
	return hs[0], ps[0]
}

// A new user's trial: a district's workbook as of 15 Aug, imported on 25
// Aug, then its next workbook as of 20 Aug (newer information), imported
// on 26 Aug. The register's information came from the 15 Aug file: the
// second file's changes are taken with no review (they went to review as
// "older than what qmdesk holds, changed by <who ran the import> on 25
// Aug"). A record an import changes is dated by the information its row
// carries, not by the day of the import.
func TestANewerWorkbookAfterAnOlderOneIsTaken(t *testing.T) {
	fx := newFixture(t)
	row := templateRow(1, "41010000081", id(81), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "", "")
	fx.onDay(data.NewDate(2024, 8, 25))
	first := districtBook(t, fx, "อำเภอ-15ส.ค..xlsx", data.NewDate(2024, 8, 15), row)
	if c := fx.commit(t, first).Counts(); c.NewHouseholds != 1 {
		t.Fatalf("first workbook: %+v", c)
	}
	h, p := householdOf(t, fx, id(81))
	if want := data.NewDate(2024, 8, 15); h.ChangedOn != want || p.ChangedOn != want {
		t.Errorf("imported on 25 Aug from a workbook as of 15 Aug: household changed on %s, problem on %s; want %s", h.ChangedOn, p.ChangedOn, want)
	}
	fx.onDay(data.NewDate(2024, 8, 26))
	second := districtBook(t, fx, "อำเภอ-20ส.ค..xlsx", data.NewDate(2024, 8, 20),
		withRow(row, map[int]any{12: "0899999999", 17: "ค้างชำระ ธ.ก.ส."}))
	rep := fx.commit(t, second)
	if c := rep.Counts(); c.Updated != 1 || c.Review != 0 {
		for r := range rep.Batch.RowResults() {
			t.Logf("row %d: %s %s", r.Row, r.Fate, r.Reason)
		}
		t.Fatalf("the newer workbook: %+v; want its row taken, nothing in review", c)
	}
	h, p = householdOf(t, fx, id(81))
	if h.Head.Phone != "0899999999" || p.Detail != "ค้างชำระ ธ.ก.ส." {
		t.Errorf("after the newer workbook: phone %s, detail %s", h.Head.Phone, p.Detail)
	}
	if want := data.NewDate(2024, 8, 20); h.ChangedOn != want || p.ChangedOn != want {
		t.Errorf("imported on 26 Aug from a workbook as of 20 Aug: household changed on %s, problem on %s; want %s", h.ChangedOn, p.ChangedOn, want)
	}
	// The first workbook again: older than what it brought, it changes
	// nothing (its values are the register's older ones: a conflict).
	if c := fx.plan(t, first, "").Counts(); c.Review != 1 || c.Updated != 0 {
		t.Errorf("the 15 Aug workbook after the 20 Aug one: %+v; want its row in review", c)
	}
	// A follow-up workbook (stamped) of what the imports left: sent back
	// as it was it changes nothing; with the district's new status it is
	// taken; exported before a later import changed the record, it waits
	// for review, as before.
	geo, _ := assets.Geography()
	e := &app.Exporter{Store: fx.store, Geo: geo, Progress: &app.Progress{Store: fx.store, Geo: geo, Clock: fixedClock(data.NewDate(2024, 8, 26))}}
	follow := filepath.Join(fx.dir, "ติดตาม.xlsx")
	if _, err := e.FollowUp(fx.ctx, "4101", follow, false); err != nil {
		t.Fatal(err)
	}
	if c := fx.plan(t, follow, "").Counts(); c.Unchanged != 1 || c.Review != 0 {
		t.Errorf("the follow-up sent back as it was: %+v", c)
	}
	fx.onDay(data.NewDate(2024, 8, 28))
	third := districtBook(t, fx, "อำเภอ-27ส.ค..xlsx", data.NewDate(2024, 8, 27), withRow(row, map[int]any{12: "0877777777", 17: "ชำระแล้วบางส่วน"}))
	fx.commit(t, third)
	edited := filepath.Join(fx.dir, "ติดตาม-อำเภอ.xlsx")
	districtEdits(t, fx, follow, edited, "แก้ไขแล้ว", "27 ส.ค. 2567", p)
	rep = fx.plan(t, edited, "")
	if c := rep.Counts(); c.Review != 1 {
		t.Errorf("the follow-up exported before the 27 Aug workbook was imported: %+v", c)
	}
	for r := range rep.Batch.RowResults() {
		if r.Fate != data.FateReview || !strings.Contains(r.Reason, "หลังส่งออกไฟล์นี้ (ข้อมูลในโปรแกรม ณ 27 ส.ค. 2567 นำเข้าจาก 'อำเภอ-27ส.ค..xlsx'") {
			t.Errorf("the follow-up exported before the 27 Aug workbook was imported: %+v", r)
		}
	}
}

// A real conflict still waits for review, and its reason says where the
// register's values came from: the clerk's change in qmdesk (who, when),
// or the workbook an import took them from (which, when imported, and the
// date of its information), never the name of who ran that import as if
// they had edited the record.
func TestConflictsSayWhereTheRegistersValuesCameFrom(t *testing.T) {
	fx := newFixture(t)
	edited := templateRow(1, "41010000082", id(82), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "", "")
	imported := templateRow(2, "41010000083", id(83), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "", "")
	fx.onDay(data.NewDate(2024, 8, 18))
	fx.commit(t, districtBook(t, fx, "15ส.ค..xlsx", data.NewDate(2024, 8, 15), edited, imported))
	// The clerk changes household 82's phone in the program on 22 Aug.
	fx.onDay(data.NewDate(2024, 8, 22))
	h, _ := householdOf(t, fx, id(82))
	h.Head.Phone = "0811111111"
	if err := fx.store.UpdateHousehold(fx.ctx, &h); err != nil {
		t.Fatal(err)
	}
	// A workbook as of 20 Aug, imported on 26 Aug, changes both.
	fx.onDay(data.NewDate(2024, 8, 26))
	second := "20ส.ค..xlsx"
	rep := fx.commit(t, districtBook(t, fx, second, data.NewDate(2024, 8, 20),
		withRow(edited, map[int]any{12: "0822222222"}), withRow(imported, map[int]any{12: "0833333333"})))
	rows := map[int]data.RowResult{}
	for r := range rep.Batch.RowResults() {
		rows[r.Row] = r
	}
	clerk := rows[2]
	if clerk.Fate != data.FateReview || !strings.Contains(clerk.Reason, "ข้อมูลในแถวนี้ (ณ 20 ส.ค. 2567) เก่ากว่าที่บันทึกไว้ในโปรแกรม (แก้ไขโดย clerk เมื่อ 22 ส.ค. 2567") ||
		!strings.Contains(clerk.Reason, "โทรศัพท์ ในไฟล์ '0822222222' ในโปรแกรม '0811111111'") || strings.Contains(clerk.Reason, "นำเข้า") {
		t.Errorf("the row older than the clerk's change: %+v", clerk)
	}
	if r := rows[3]; r.Fate != data.FateUpdated {
		t.Errorf("the row newer than the first workbook: %+v", r)
	}
	// A workbook as of 19 Aug, imported on 27 Aug, would undo what the 20
	// Aug one brought into household 83.
	fx.onDay(data.NewDate(2024, 8, 27))
	rep = fx.plan(t, districtBook(t, fx, "19ส.ค..xlsx", data.NewDate(2024, 8, 19), withRow(imported, map[int]any{12: "0844444444"})), "")
	var got data.RowResult
	for r := range rep.Batch.RowResults() {
		got = r
	}
	want := "ข้อมูลในแถวนี้ (ณ 19 ส.ค. 2567) เก่ากว่าที่บันทึกไว้ในโปรแกรม (ข้อมูลในโปรแกรม ณ 20 ส.ค. 2567 นำเข้าจาก '" + second + "' เมื่อ 26 ส.ค. 2567 17:00 น.)"
	if got.Fate != data.FateReview || !strings.Contains(got.Reason, want) || strings.Contains(got.Reason, "แก้ไขโดย") ||
		!strings.Contains(got.ReasonEnglish, "(qmdesk's information as of 2024-08-20, imported from '"+second+"' on 2024-08-26 17:00)") {
		t.Errorf("the row older than an import's values:\n%s\n%s\nwant %s", got.Reason, got.ReasonEnglish, want)
	}
}
