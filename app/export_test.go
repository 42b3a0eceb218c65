package app_test

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
)

// demoFixture is a fixture holding a small demo province.
func demoFixture(t testing.TB, households int) (*fixture, *app.Exporter) {
	t.Helper()
	fx := newFixture(t)
	geo, _ := assets.Geography()
	round, _ := fx.store.Round(fx.ctx, 1)
	if err := (app.Demo{Geo: geo, Province: "41", Round: round, Seed: 5, AsOf: data.NewDate(2024, 8, 1)}).Fill(fx.ctx, fx.store, households, 500, nil); err != nil {
		t.Fatal(err)
	}
	prog := &app.Progress{Store: fx.store, Geo: geo, Clock: fixedClock(data.NewDate(2024, 8, 1))}
	return fx, &app.Exporter{Store: fx.store, Geo: geo, Progress: prog}
}

func TestFollowUpRoundTrip(t *testing.T) {
	fx, e := demoFixture(t, 400)
	path := filepath.Join(fx.dir, "followup.xlsx")
	n, err := e.FollowUp(fx.ctx, "4101", path, false)
	if err != nil || n == 0 {
		t.Fatalf("follow-up: %d rows, %v", n, err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Declared dimension covers every row (read-only readers trust it).
	if dim, _ := f.GetSheetDimension("ข้อมูล"); dim != "A1:AB"+itoa(n+3) {
		t.Errorf("dimension %q for %d rows", dim, n)
	}
	if dvs, _ := f.GetDataValidations("ข้อมูล"); len(dvs) < 4 {
		t.Errorf("%d drop-down lists", len(dvs))
	}
	rows, _ := f.GetRows("ข้อมูล")
	if !strings.Contains(squeeze(rows[0][0]), squeeze("รอบ Re-X-Ray 2567 ครบกำหนด 30 ก.ย. 2567 · เหลืออีก 61 วัน (นับวันนี้และวันครบกำหนด)")) || !strings.Contains(squeeze(rows[1][0]), squeeze("ส่งออกเมื่อ 1 ส.ค. 2567 17:00 น.")) {
		t.Errorf("titles %q / %q", rows[0][0], rows[1][0])
	}
	if len(rows) != n+3 || strings.Contains(strings.Join(rows[3], ","), "xxxxx") == false {
		t.Errorf("rows %d; national IDs must be masked: %v", len(rows), rows[3])
	}
	// Unchanged, it changes nothing.
	rep := fx.commit(t, path)
	if c := rep.Counts(); c.Rows != n || c.Unchanged != n {
		t.Fatalf("unchanged follow-up: %+v (%v)", c, firstNotUnchanged(rep))
	}
	// The district solves two problems and records one action.
	statusCol, dateCol, agencyCol := 20, 21, 22
	cell := func(col, row int) string { s, _ := excelize.CoordinatesToCellName(col, row); return s }
	// The household solved a problem itself: not one of category 7, which
	// by the letter it cannot solve itself (that waits for review).
	self := 5
	for cat, _ := f.GetCellValue("ข้อมูล", cell(16, self)); strings.HasPrefix(cat, "ด้านที่ 7"); cat, _ = f.GetCellValue("ข้อมูล", cell(16, self)) {
		self++
	}
	f.SetCellValue("ข้อมูล", cell(statusCol, 4), "แก้ไขแล้ว")
	f.SetCellValue("ข้อมูล", cell(statusCol, self), "แก้ไขได้ด้วยตนเอง")
	f.SetCellValue("ข้อมูล", cell(dateCol, 6), "1 ส.ค. 2567")
	f.SetCellValue("ข้อมูล", cell(agencyCol, 6), "อบต.")
	edited := filepath.Join(fx.dir, "followup-back.xlsx")
	if err := f.SaveAs(edited); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rep = fx.commit(t, edited)
	if c := rep.Counts(); c.Updated != 3 || c.Unchanged != n-3 {
		t.Fatalf("edited follow-up: %+v", c)
	}
}

func firstNotUnchanged(rep *app.FileReport) data.RowResult {
	for r := range rep.Batch.RowResults() {
		if r.Fate != data.FateUnchanged {
			return r
		}
	}
	return data.RowResult{}
}

func itoa(n int) string { return strconv.Itoa(n) }

// The summary workbook: a sheet for all categories and one for each, the
// figures of Summarize under the columns of every table, as numbers with
// number formats.
func TestSummaryWorkbookEqualsProgress(t *testing.T) {
	fx, e := demoFixture(t, 300)
	path := filepath.Join(fx.dir, "summary.xlsx")
	if err := e.Summary(fx.ctx, path); err != nil {
		t.Fatal(err)
	}
	s, _ := e.Progress.Summarize(fx.ctx, 0, "")
	f, _ := excelize.OpenFile(path)
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) < 8 || sheets[0] != app.SummarySheetAll || sheets[4] != data.Category(4).ShortLabel() {
		t.Fatalf("sheets %v", sheets)
	}
	rows, _ := f.GetRows(app.SummarySheetAll, excelize.Options{RawCellValue: true})
	if len(rows) != 4+len(s.Parts)+1 {
		t.Fatalf("%d rows for %d amphoe", len(rows), len(s.Parts))
	}
	if !strings.Contains(rows[1][0], "2567") || !strings.Contains(rows[2][0], data.WordSolvedTotalMeans.Thai) {
		t.Errorf("title lines %q / %q", rows[1][0], rows[2][0])
	}
	// The header names the columns in the glossary's words, wrapped.
	for i, c := range app.Columns {
		if squeeze(rows[3][i+1]) != squeeze(c.Head.Thai) || !strings.Contains(rows[3][i+1], "\n") && len(c.Head.Thai) > 40 {
			t.Errorf("header %d %q, want %q", i+1, rows[3][i+1], c.Head.Thai)
		}
	}
	check := func(sheet string, row []string, x app.Tally) {
		t.Helper()
		for i, c := range app.Columns {
			got := row[i+1]
			if c.Percent {
				if v, err := strconv.ParseFloat(got, 64); err != nil || math.Abs(v-c.Share(x)/100) > 1e-9 {
					t.Errorf("%s %s %s: %q, want %v", sheet, row[0], c.Head.Thai, got, c.Share(x)/100)
				}
			} else if got != itoa64(c.Count(x)) {
				t.Errorf("%s %s %s: %q, want %d", sheet, row[0], c.Head.Thai, got, c.Count(x))
			}
		}
	}
	total := rows[len(rows)-1]
	if total[0] != "รวมทั้งจังหวัด" {
		t.Errorf("totals row %v", total)
	}
	check(app.SummarySheetAll, total, s.Area.Totals)
	check(app.SummarySheetAll, rows[4], s.Parts[0].Totals)
	c4, _ := f.GetRows(data.Category(4).ShortLabel(), excelize.Options{RawCellValue: true})
	check("category 4", c4[4], s.Parts[0].Categories[4])
	check("category 4", c4[len(c4)-1], s.Area.Categories[4])
	// Numbers, not text, shown with separators and as percentages.
	for cell, format := range map[string]string{"C5": "#,##0", "J5": "0.0%"} {
		typ, _ := f.GetCellType(app.SummarySheetAll, cell)
		id, _ := f.GetCellStyle(app.SummarySheetAll, cell)
		st, _ := f.GetStyle(id)
		if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString || st.CustomNumFmt == nil || *st.CustomNumFmt != format {
			t.Errorf("%s: type %v, format %v, want a number shown as %s", cell, typ, st.CustomNumFmt, format)
		}
	}
}

// squeeze drops blanks and line breaks: a header wrapped over lines.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func TestFullExportMasksAndEncrypts(t *testing.T) {
	fx, e := demoFixture(t, 50)
	hs, _ := fx.store.Households(fx.ctx, data.HouseholdFilter{Limit: 1})
	path := filepath.Join(fx.dir, "full.xlsx")
	if err := e.Full(fx.ctx, path, false, ""); err != nil {
		t.Fatal(err)
	}
	f, _ := excelize.OpenFile(path)
	rows, _ := f.GetRows("ครัวเรือน")
	// Every problem and action, each once, read as the sheet was written.
	var problems, actions []string
	fx.store.Walk(fx.ctx, func(_ data.Household, ps []data.Problem) error {
		for _, p := range ps {
			problems = append(problems, itoa64(int64(p.ID)))
			as, _ := fx.store.Actions(fx.ctx, p.ID)
			for range as {
				actions = append(actions, itoa64(int64(p.ID)))
			}
		}
		return nil
	})
	prows, _ := f.GetRows("ปัญหา")
	arows, _ := f.GetRows("การช่วยเหลือ")
	if len(prows) != len(problems)+1 || len(arows) != len(actions)+1 || len(actions) == 0 {
		t.Fatalf("%d problem rows for %d problems, %d action rows for %d actions", len(prows)-1, len(problems), len(arows)-1, len(actions))
	}
	for i, id := range problems {
		if prows[i+1][0] != id {
			t.Fatalf("problem row %d is %s, want %s", i+1, prows[i+1][0], id)
		}
	}
	for i, id := range actions {
		if arows[i+1][0] != id {
			t.Fatalf("action row %d belongs to problem %s, want %s", i+1, arows[i+1][0], id)
		}
	}
	f.Close()
	if len(rows) != 51 || strings.Contains(strings.Join(rows[1], ","), hs[0].Head.NationalID) || strings.Contains(strings.Join(rows[1], ","), hs[0].Head.FirstName) {
		t.Fatalf("masked export shows personal data: %v", rows[1])
	}
	// A table longer than a sheet goes on to the next sheet.
	restore := app.SetSheetRowsForTest(7)
	split := filepath.Join(fx.dir, "full-split.xlsx")
	err := e.Full(fx.ctx, split, false, "")
	restore()
	if err != nil {
		t.Fatal(err)
	}
	f, _ = excelize.OpenFile(split)
	var got []string
	for i := 1; ; i++ {
		rows, err := f.GetRows(fmt.Sprintf("การช่วยเหลือ (%d)", i))
		if err != nil || len(rows) == 0 {
			break
		}
		if len(rows) > 8 {
			t.Fatalf("sheet %d has %d rows", i, len(rows))
		}
		for _, r := range rows[1:] {
			got = append(got, r[0])
		}
	}
	f.Close()
	if strings.Join(got, ",") != strings.Join(actions, ",") {
		t.Errorf("split sheets hold %d actions, want %d in order", len(got), len(actions))
	}
	locked := filepath.Join(fx.dir, "full-locked.xlsx")
	if err := e.Full(fx.ctx, locked, true, "secret1"); err != nil {
		t.Fatal(err)
	}
	if _, err := excelize.OpenFile(locked); err == nil {
		t.Fatal("encrypted export opened without a password")
	}
	f, err = excelize.OpenFile(locked, excelize.Options{Password: "secret1"})
	if err != nil {
		t.Fatal(err)
	}
	rows, _ = f.GetRows("ครัวเรือน")
	f.Close()
	if !strings.Contains(strings.Join(rows[1], ","), hs[0].Head.NationalID) {
		t.Errorf("unmasked export lacks the ID: %v", rows[1])
	}
	entries, _ := fx.store.Audit(fx.ctx, 0, 0)
	ops := map[string]int{}
	for _, en := range entries {
		ops[en.Op]++
	}
	if ops["export"] != 3 || ops["unmask"] != 1 {
		t.Errorf("audit ops %v", ops)
	}
}

func TestTemplateAndErrorWorkbook(t *testing.T) {
	fx := newFixture(t)
	tpl := filepath.Join(fx.dir, "template.xlsx")
	e := &app.Exporter{Store: fx.store, Geo: fx.imp.Geo}
	if err := e.Template(fx.ctx, tpl); err != nil {
		t.Fatal(err)
	}
	f, _ := excelize.OpenFile(tpl)
	rows, _ := f.GetRows("ข้อมูล")
	dvs, _ := f.GetDataValidations("ข้อมูล")
	panes, _ := f.GetPanes("ข้อมูล")
	f.Close()
	if len(rows) != 3 || rows[2][1] != "รหัสบ้าน" || len(dvs) != 5 || !panes.Freeze {
		t.Fatalf("template: %d rows %v, %d lists, panes %+v", len(rows), rows, len(dvs), panes)
	}
	if rep := fx.plan(t, tpl, ""); !strings.Contains(rep.Refused, "ไม่พบข้อมูล") {
		t.Errorf("blank template import: %q", rep.Refused)
	}
	bad := writeBook(t, fx.dir, "อำเภอเมือง.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000061", id(61), "หมากแข้ง", "เมืองอุดร", 4, "หนี้สิน", "", "", ""),
		templateRow(2, "41010000062", id(62), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
	}})
	rep := fx.plan(t, bad, "")
	out, err := app.WriteErrorWorkbook(rep, filepath.Join(fx.dir, "back"))
	if err != nil || out == "" {
		t.Fatalf("error workbook: %q %v", out, err)
	}
	f, _ = excelize.OpenFile(out)
	defer f.Close()
	rows, _ = f.GetRows("แถวที่ต้องแก้ไข")
	if len(rows) != 3 || rows[2][6] != "เมืองอุดร" || !strings.Contains(rows[2][28], "ไม่พบอำเภอ") || rows[2][26] != "2" {
		t.Fatalf("error rows: %v", rows)
	}
	amphoeCell, _ := f.GetCellStyle("แถวที่ต้องแก้ไข", "G3")
	otherCell, _ := f.GetCellStyle("แถวที่ต้องแก้ไข", "F3")
	if amphoeCell == otherCell {
		t.Error("the bad cell is not highlighted")
	}
}

// The template's sub-problem drop-down is the stored list: an entry the
// clerk adds is offered, and one she marks urgent comes first and is named
// in the title.
func TestTemplateDropDownFollowsStoredList(t *testing.T) {
	fx := newFixture(t)
	l, _ := fx.store.SubProblems(fx.ctx)
	for i := range l {
		if l[i].Name == "หนี้สิน" {
			l[i].Urgent = true
		}
	}
	l = append(l, data.SubProblem{Category: 2, Name: "น้ำท่วมขังซ้ำซาก"})
	if err := fx.store.SetSubProblems(fx.ctx, l); err != nil {
		t.Fatal(err)
	}
	tpl := filepath.Join(fx.dir, "template.xlsx")
	e := &app.Exporter{Store: fx.store, Geo: fx.imp.Geo}
	if err := e.Template(fx.ctx, tpl); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("ข้อมูล")
	if !strings.Contains(rows[1][0], "ปัญหาเร่งด่วน ให้ดำเนินการก่อน (อยู่บนสุดของรายการให้เลือกในช่อง ปัญหา): ไม่มีที่อยู่อาศัย, ขาดแคลนน้ำดื่ม, หนี้สิน, ยาเสพติด") {
		t.Errorf("title does not name the urgent sub-problems: %q", rows[1][0])
	}
	var subs []string
	dvs, _ := f.GetDataValidations("ข้อมูล")
	for _, dv := range dvs {
		if strings.HasPrefix(dv.Sqref, "Q") { // the ปัญหา column
			ref := strings.Trim(strings.SplitN(dv.Formula1, "!", 2)[1], "$")
			col := ref[:strings.IndexAny(ref, "$0123456789")]
			cols, _ := f.GetCols("รายการ")
			n, _ := excelize.ColumnNameToNumber(col)
			subs = cols[n-1]
		}
	}
	if len(subs) != len(l) || strings.Join(subs[:4], ",") != "ไม่มีที่อยู่อาศัย,ขาดแคลนน้ำดื่ม,หนี้สิน,ยาเสพติด" || !slices.Contains(subs, "น้ำท่วมขังซ้ำซาก") {
		t.Errorf("sub-problem drop-down: %q", subs)
	}
}
