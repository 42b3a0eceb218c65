package app_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
)

// keyedOn counts the problems of amphoe 4101 keyed into ThaiQM on each day.
func keyedOn(t *testing.T, fx *fixture) map[data.Date]int {
	t.Helper()
	ps, err := fx.store.Problems(fx.ctx, data.ProblemFilter{RoundID: 1, AreaCode: "4101"})
	if err != nil {
		t.Fatal(err)
	}
	out := map[data.Date]int{}
	for _, p := range ps {
		if !p.ThaiQMOn.IsZero() {
			out[p.ThaiQMOn]++
		}
	}
	return out
}

// The follow-up workbook's บันทึกใน ThaiQM แล้ว column, round trip: the
// district writes the day it keyed a row in the forms the other date
// columns take (Thai text, dd/mm/yyyy BE in Thai digits, a date cell with
// the BE year typed in); those problems are marked, a status changed in
// the same row too, a future day is refused with the column named; a
// later row adding an action without a date takes the mark off. The
// counters agree with check's recount and with the problems' marks.
func TestThaiQMColumnRoundTrip(t *testing.T) {
	fx, e := demoFixture(t, 400)
	prog := e.Progress
	path := filepath.Join(fx.dir, "followup.xlsx")
	n, err := e.FollowUp(fx.ctx, "4101", path, false)
	if err != nil || n < 10 {
		t.Fatalf("follow-up: %d rows, %v", n, err)
	}
	before := keyedOn(t, fx)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("ข้อมูล")
	col := 0
	for i, h := range rows[2] {
		if strings.ReplaceAll(h, "\n", " ") == data.HeaderThaiQM.Thai {
			col = i + 1
		}
	}
	if col == 0 {
		t.Fatalf("no %s column in %q", data.HeaderThaiQM.Thai, rows[2])
	}
	cell := func(c, row int) string { s, _ := excelize.CoordinatesToCellName(c, row); return s }
	f.SetCellValue("ข้อมูล", cell(col, 4), "20 ก.ค. 2567")
	f.SetCellValue("ข้อมูล", cell(col, 5), "๒๑/๐๗/๒๕๖๗")
	f.SetCellValue("ข้อมูล", cell(col, 6), time.Date(2567, 7, 22, 0, 0, 0, 0, time.UTC))
	f.SetCellValue("ข้อมูล", cell(col, 7), "1 ธ.ค. 2567")
	f.SetCellValue("ข้อมูล", cell(20, 8), data.InProgress.Thai())
	f.SetCellValue("ข้อมูล", cell(col, 8), "23 ก.ค. 2567")
	edited := filepath.Join(fx.dir, "back.xlsx")
	if err := f.SaveAs(edited); err != nil {
		t.Fatal(err)
	}
	rep := fx.commit(t, edited)
	c := rep.Counts()
	if c.Rejected != 1 {
		t.Fatalf("rejected %d, want the future day's row: %+v", c.Rejected, c)
	}
	for r := range rep.Batch.RowResults() {
		if r.Fate == data.FateRejected && (r.Row != 7 || r.Column != data.HeaderThaiQM.Thai) {
			t.Errorf("rejected row %d column %q: %s", r.Row, r.Column, r.Reason)
		}
	}
	after := keyedOn(t, fx)
	for _, d := range []data.Date{data.NewDate(2024, 7, 20), data.NewDate(2024, 7, 21), data.NewDate(2024, 7, 22), data.NewDate(2024, 7, 23)} {
		if after[d]-before[d] != 1 {
			t.Errorf("keyed on %v: %d more, want 1", d, after[d]-before[d])
		}
	}
	sum, err := prog.Summarize(fx.ctx, 0, "4101")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range after {
		total += n
	}
	if sum.ThaiQM.Totals.Keyed != int64(total) || sum.ThaiQM.Totals.NotKeyed != sum.Area.Totals.Target-int64(total) {
		t.Fatalf("summary %+v, problems keyed %d of %d", sum.ThaiQM.Totals, total, sum.Area.Totals.Target)
	}
	if rep, err := fx.store.Check(fx.ctx); err != nil || !rep.OK() {
		t.Fatalf("check: %v %v", err, rep.Problems)
	}
	// The same workbook again, row 4 now with an action and no day: new
	// history, so that problem is not keyed any more.
	f.SetCellValue("ข้อมูล", cell(col, 4), "")
	f.SetCellValue("ข้อมูล", cell(col, 7), "")
	f.SetCellValue("ข้อมูล", cell(21, 4), "1 ส.ค. 2567")
	f.SetCellValue("ข้อมูล", cell(22, 4), "อบต.")
	if err := f.SaveAs(edited); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fx.commit(t, edited)
	if again := keyedOn(t, fx); again[data.NewDate(2024, 7, 20)] != before[data.NewDate(2024, 7, 20)] {
		t.Errorf("a new action without a day left the mark: %d on 20 ก.ค. 2567", again[data.NewDate(2024, 7, 20)])
	}
	if rep, err := fx.store.Check(fx.ctx); err != nil || !rep.OK() {
		t.Fatalf("check: %v %v", err, rep.Problems)
	}
}

// The bulk mark: an amphoe's results not yet keyed, last changed up to a
// day, are marked on a day; the amphoe then has nothing left to key and
// the others are untouched.
func TestThaiQMBulkMark(t *testing.T) {
	fx, e := demoFixture(t, 300)
	sum, _ := e.Progress.Summarize(fx.ctx, 0, "")
	part := func(s app.Summary, code string) app.ThaiQMTally {
		for _, p := range s.ThaiQM.Parts {
			if p.Code == code {
				return p.Totals
			}
		}
		t.Fatalf("no part %s", code)
		return app.ThaiQMTally{}
	}
	was, other := part(sum, "4101"), part(sum, "4102")
	if was.NotKeyed == 0 {
		t.Fatal("the demo left nothing to key in 4101")
	}
	if _, err := app.MarkThaiQMArea(fx.ctx, fx.store, "4101", data.Date{}, data.NewDate(2024, 9, 1)); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("a day after today: %v", err)
	}
	n, err := app.MarkThaiQMArea(fx.ctx, fx.store, "4101", data.Date{}, data.NewDate(2024, 7, 31))
	if err != nil {
		t.Fatal(err)
	}
	sum, _ = e.Progress.Summarize(fx.ctx, 0, "")
	now := part(sum, "4101")
	if int64(n) != was.NotKeyed || now.NotKeyed != 0 || now.Keyed != was.Problems {
		t.Fatalf("marked %d of %+v: now %+v", n, was, now)
	}
	if part(sum, "4102") != other {
		t.Errorf("4102 changed: %+v → %+v", other, part(sum, "4102"))
	}
	if rep, err := fx.store.Check(fx.ctx); err != nil || !rep.OK() {
		t.Fatalf("check: %v %v", err, rep.Problems)
	}
}

// The workbook of what is not yet keyed: a sheet per amphoe with
// something to key, as many rows as the summary's not-keyed figure, IDs
// masked; a district writes the day in its บันทึกใน ThaiQM แล้ว column and
// the import marks those rows and changes nothing else.
func TestThaiQMWorkbookRoundTrip(t *testing.T) {
	fx, e := demoFixture(t, 300)
	sum, _ := e.Progress.Summarize(fx.ctx, 0, "")
	all := filepath.Join(fx.dir, "thaiqm-all.xlsx")
	n, err := e.ThaiQMWorkbook(fx.ctx, all, "", false)
	if err != nil || int64(n) != sum.ThaiQM.Totals.NotKeyed {
		t.Fatalf("every amphoe: %d rows, %v; not keyed %d", n, err, sum.ThaiQM.Totals.NotKeyed)
	}
	f, err := excelize.OpenFile(all)
	if err != nil {
		t.Fatal(err)
	}
	behind := 0
	for _, a := range sum.ThaiQM.Parts {
		if a.Totals.NotKeyed > 0 {
			behind++
			rows, _ := f.GetRows(a.Name)
			if int64(len(rows)-3) != a.Totals.NotKeyed {
				t.Errorf("sheet %s: %d rows, not keyed %d", a.Name, len(rows)-3, a.Totals.NotKeyed)
			}
		}
	}
	// A sheet per municipality too, its households' results (they are on
	// their amphoe's sheet as well).
	if len(sum.ThaiQM.Units) == 0 {
		t.Fatal("the demo keeps municipalities")
	}
	for _, u := range sum.ThaiQM.Units {
		if u.Totals.NotKeyed > 0 {
			behind++
			rows, _ := f.GetRows(u.Name)
			if int64(len(rows)-3) != u.Totals.NotKeyed {
				t.Errorf("sheet %s: %d rows, not keyed %d", u.Name, len(rows)-3, u.Totals.NotKeyed)
			}
		}
	}
	if len(f.GetSheetList()) != behind {
		t.Errorf("%d sheets for %d amphoe and municipalities with something to key", len(f.GetSheetList()), behind)
	}
	f.Close()
	// One municipality's alone.
	u := sum.ThaiQM.Units[0]
	one := filepath.Join(fx.dir, "thaiqm-unit.xlsx")
	if n, err := e.ThaiQMWorkbook(fx.ctx, one, u.Code, false); err != nil || int64(n) != u.Totals.NotKeyed {
		t.Errorf("%s: %d rows, %v; not keyed %d", u.Name, n, err, u.Totals.NotKeyed)
	}
	if f, err := excelize.OpenFile(one); err != nil || !slices.Equal(f.GetSheetList(), []string{u.Name}) {
		t.Errorf("%s's workbook: %v %v", u.Name, err, f.GetSheetList())
	}

	path := filepath.Join(fx.dir, "thaiqm-4101.xlsx")
	n, err = e.ThaiQMWorkbook(fx.ctx, path, "4101", false)
	if err != nil || n < 5 {
		t.Fatalf("4101: %d rows, %v", n, err)
	}
	f, _ = excelize.OpenFile(path)
	sheet := f.GetSheetList()[0]
	rows, _ := f.GetRows(sheet)
	col := len(rows[2])
	if strings.ReplaceAll(rows[2][col-1], "\n", " ") != data.HeaderThaiQM.Thai {
		t.Fatalf("last column %q", rows[2][col-1])
	}
	for _, r := range rows[3:] {
		if len(r[7]) == 13 && !strings.Contains(r[7], "x") {
			t.Fatalf("a national ID unmasked: %q", r[7])
		}
	}
	cell := func(c, row int) string { s, _ := excelize.CoordinatesToCellName(c, row); return s }
	for row := 4; row <= 6; row++ {
		f.SetCellValue(sheet, cell(col, row), "30 ก.ค. 2567")
	}
	back := filepath.Join(fx.dir, "back.xlsx")
	if err := f.SaveAs(back); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rep := fx.commit(t, back)
	if c := rep.Counts(); c.Updated != 3 || c.Unchanged != n-3 {
		t.Fatalf("import of the marked sheet: %+v (%+v)", c, firstRejected(rep))
	}
	after, _ := e.Progress.Summarize(fx.ctx, 0, "4101")
	var was app.ThaiQMTally
	for _, a := range sum.ThaiQM.Parts {
		if a.Code == "4101" {
			was = a.Totals
		}
	}
	if after.ThaiQM.Totals.NotKeyed != was.NotKeyed-3 {
		t.Fatalf("not keyed %d, was %d", after.ThaiQM.Totals.NotKeyed, was.NotKeyed)
	}
}

func firstRejected(rep *app.FileReport) data.RowResult {
	for r := range rep.Batch.RowResults() {
		if r.Fate == data.FateRejected {
			return r
		}
	}
	return data.RowResult{}
}
