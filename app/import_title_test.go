package app_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
)

// titledBook writes the blank template as qmdesk hands it out (exported
// on day made), fills its title's date as a district would (fill edits
// the sheet: nil leaves the template's dots), adds rows under the header
// and saves it on day saved.
func titledBook(t *testing.T, fx *fixture, name string, made, saved data.Date, fill func(f *excelize.File, sheet string), rows ...[]any) string {
	t.Helper()
	fx.onDay(made)
	path := filepath.Join(fx.dir, name)
	e := &app.Exporter{Store: fx.store, Geo: fx.imp.Geo, Progress: &app.Progress{Store: fx.store, Geo: fx.imp.Geo, Clock: fixedClock(made)}}
	if err := e.Template(fx.ctx, path); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	if v, _ := f.GetCellValue(sheet, "A2"); !strings.HasPrefix(v, "ข้อมูล ณ วันที่ ....") {
		t.Fatalf("the template's second title: %q", v)
	}
	if fill != nil {
		fill(f, sheet)
	}
	for i, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, 4+i)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
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

// title writes text as the template's second title line, keeping what
// follows the dots (the hint in brackets), as a district typing over the
// dots does.
func title(text string) func(f *excelize.File, sheet string) {
	return func(f *excelize.File, sheet string) {
		v, _ := f.GetCellValue(sheet, "A2")
		_, hint, _ := strings.Cut(v, "....................")
		f.SetCellValue(sheet, "A2", text+hint)
	}
}

// A district fills the template's "ข้อมูล ณ วันที่ ...." with the date of
// its information (20 Aug) and saves the workbook days later (25 Aug):
// its rows without an action date are as of 20 Aug, however the date is
// written (the template's line, the label's drift, a date cell beside
// the label, Thai digits), and the dry run says so. An action date still
// dates its own row.
func TestTheTitlesDateDatesTheRows(t *testing.T) {
	made, info, saved, today := data.NewDate(2024, 8, 5), data.NewDate(2024, 8, 20), data.NewDate(2024, 8, 25), data.NewDate(2024, 8, 26)
	for i, c := range []struct {
		name string
		fill func(f *excelize.File, sheet string)
	}{
		{"template", title("ข้อมูล ณ วันที่ 20 ส.ค. 2567")},
		{"slash", title("ณ วันที่ 20/08/2567")},
		{"full month", title("ข้อมูล ณ 20 สิงหาคม 2567")},
		{"Thai digits", title("ข้อมูล ณ วันที่ ๒๐ ส.ค. ๒๕๖๗")},
		{"colon, no blank", title("ข้อมูลณวันที่: 20 ส.ค. 67")},
		{"date cell beside the label", func(f *excelize.File, sheet string) {
			f.UnmergeCell(sheet, "A2", "AA2")
			f.SetCellValue(sheet, "A2", "ข้อมูล ณ วันที่")
			f.SetCellValue(sheet, "B2", time.Date(2024, 8, 20, 0, 0, 0, 0, time.UTC))
		}},
		{"text beside the merged label", func(f *excelize.File, sheet string) {
			f.UnmergeCell(sheet, "A2", "AA2")
			f.SetCellValue(sheet, "A2", "ข้อมูล ณ วันที่")
			f.MergeCell(sheet, "A2", "C2")
			f.SetCellValue(sheet, "D2", "20 ส.ค. 2567")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t)
			plain := templateRow(1, "41010000091", id(91+i), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "", "")
			acted := templateRow(2, "41010000092", id(92+i), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "", "")
			acted[20], acted[21] = "22 ส.ค. 2567", "อบต."
			path := titledBook(t, fx, "อำเภอเมือง.xlsx", made, saved, c.fill, plain, acted)
			fx.onDay(today)
			rep := fx.commit(t, path)
			if c := rep.Counts(); c.NewHouseholds != 2 || c.Rejected+c.Review != 0 {
				t.Fatalf("counts %+v", c)
			}
			if h, p := householdOf(t, fx, id(91+i)); h.ChangedOn != info || p.ChangedOn != info {
				t.Errorf("a row without an action date: household as of %s, problem as of %s; want the title's %s", h.ChangedOn, p.ChangedOn, info)
			}
			if _, p := householdOf(t, fx, id(92+i)); p.ChangedOn != data.NewDate(2024, 8, 22) {
				t.Errorf("a row with an action date of 22 Aug: problem as of %s", p.ChangedOn)
			}
			lines := rep.DateLines()
			if len(lines) != 1 || !strings.Contains(lines[0], "แถวที่ไม่มีวันที่ดำเนินการถือเป็นข้อมูล ณ 20 ส.ค. 2567 ตามวันที่ที่หัวตาราง") ||
				!strings.Contains(lines[0], "ไม่ใช่วันที่บันทึกไฟล์ 25 ส.ค. 2567") {
				t.Errorf("the dry run's lines about the date: %q", lines)
			}
			if en := rep.DateLinesIn(true); len(en) != 1 || !strings.Contains(en[0], "as of 2024-08-20, the date in the title") {
				t.Errorf("in English: %q", en)
			}
		})
	}
}

// The title's date is what a conflict compares: a row of a workbook as
// of 20 Aug (saved on 25 Aug) is older than the clerk's change of 22 Aug,
// and goes to review saying "as of 20 Aug"; by its saved date alone it
// was taken over the clerk's newer value.
func TestTheTitlesDateDecidesConflicts(t *testing.T) {
	fx := newFixture(t)
	row := templateRow(1, "41010000095", id(95), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "", "")
	fx.onDay(data.NewDate(2024, 8, 18))
	fx.commit(t, districtBook(t, fx, "15ส.ค..xlsx", data.NewDate(2024, 8, 15), row))
	fx.onDay(data.NewDate(2024, 8, 22))
	h, _ := householdOf(t, fx, id(95))
	h.Head.Phone = "0811111111"
	if err := fx.store.UpdateHousehold(fx.ctx, &h); err != nil {
		t.Fatal(err)
	}
	path := titledBook(t, fx, "20ส.ค..xlsx", data.NewDate(2024, 8, 5), data.NewDate(2024, 8, 25), title("ข้อมูล ณ วันที่ 20 ส.ค. 2567"),
		withRow(row, map[int]any{12: "0822222222"}))
	fx.onDay(data.NewDate(2024, 8, 26))
	rep := fx.plan(t, path, "")
	var got data.RowResult
	for r := range rep.Batch.RowResults() {
		got = r
	}
	if got.Fate != data.FateReview || !strings.Contains(got.Reason, "ข้อมูลในแถวนี้ (ณ 20 ส.ค. 2567) เก่ากว่าที่บันทึกไว้ในโปรแกรม (แก้ไขโดย clerk เมื่อ 22 ส.ค. 2567") {
		t.Errorf("the row as of the title's 20 Aug over the clerk's change of 22 Aug: %s %s", got.Fate, got.Reason)
	}
}

// A title the district left as the template's dots, or a date qmdesk's
// own workbook wrote inside a longer title (a follow-up's "· ข้อมูล ณ
// <the export's day> ·"), leaves the rows as of the day the file was
// saved, and the dry run says nothing of it; the template's hint (its
// example dates, the day it was exported) is no date of the information.
// A title that writes something that is not a usable date (not a date;
// in the future, as an action date in the future is refused; before the
// round's recording started) is not used either: the rows are as of the
// saved date, no row is refused, and the dry run says why and which date
// the rows were given.
func TestATitleWithoutAUsableDate(t *testing.T) {
	made, saved, today := data.NewDate(2024, 8, 5), data.NewDate(2024, 8, 25), data.NewDate(2024, 8, 26)
	for i, c := range []struct {
		name string
		fill func(f *excelize.File, sheet string)
		note string // "": the dry run says nothing about the date
	}{
		{"dots", nil, ""},
		{"a follow-up's title", func(f *excelize.File, sheet string) {
			f.SetCellValue(sheet, "A2", "ปัญหาที่ยังไม่แล้วเสร็จ 1 รายการ · ข้อมูล ณ 1 ส.ค. 2567 · ส่งออกเมื่อ 1 ส.ค. 2567 10:00 น.")
		}, ""},
		{"not a date", title("ข้อมูล ณ วันที่ สิ้นเดือนสิงหาคม"),
			"วันที่ของข้อมูลที่หัวตาราง 'สิ้นเดือนสิงหาคม' อ่านเป็นวันที่ไม่ได้ จึงไม่ได้ใช้"},
		{"no such day", title("ข้อมูล ณ วันที่ 31/09/2567"),
			"วันที่ของข้อมูลที่หัวตาราง '31/09/2567' อ่านเป็นวันที่ไม่ได้ จึงไม่ได้ใช้"},
		{"in the future", title("ข้อมูล ณ วันที่ 20 ส.ค. 2568"),
			"วันที่ของข้อมูลที่หัวตาราง 20 ส.ค. 2568 อยู่ในอนาคต (วันนี้ 26 ส.ค. 2567) จึงไม่ได้ใช้: กรุณาตรวจสอบวันที่และปี พ.ศ."},
		{"before the round", title("ข้อมูล ณ วันที่ 30 ก.ย. 2566"),
			"วันที่ของข้อมูลที่หัวตาราง 30 ก.ย. 2566 อยู่ก่อนวันเริ่มบันทึกผลของรอบ"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t)
			row := templateRow(1, "41010000096", id(96+i), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "", "")
			path := titledBook(t, fx, "อำเภอเมือง.xlsx", made, saved, c.fill, row)
			fx.onDay(today)
			rep := fx.commit(t, path)
			if c := rep.Counts(); c.NewHouseholds != 1 || c.Rejected+c.Review != 0 {
				t.Fatalf("counts %+v", c)
			}
			if h, p := householdOf(t, fx, id(96+i)); h.ChangedOn != saved || p.ChangedOn != saved {
				t.Errorf("household as of %s, problem as of %s; want the saved date %s", h.ChangedOn, p.ChangedOn, saved)
			}
			lines := rep.DateLines()
			switch {
			case c.note == "" && len(lines) != 0:
				t.Errorf("the dry run says of the date: %q", lines)
			case c.note != "" && (len(lines) != 1 || !strings.Contains(lines[0], c.note) ||
				!strings.HasSuffix(lines[0], "แถวที่ไม่มีวันที่ดำเนินการจึงถือเป็นข้อมูล ณ วันที่บันทึกไฟล์ 25 ส.ค. 2567")):
				t.Errorf("the dry run's lines about the date: %q\nwant %s", lines, c.note)
			}
			if c.note != "" {
				if en := rep.DateLinesIn(true); len(en) != 1 || !strings.Contains(en[0], "so it was not used") {
					t.Errorf("in English: %q", en)
				}
			}
		})
	}
}

// A workbook that does not say when it was saved: the title's date is
// said against the day of the import, which its rows would have had.
func TestATitlesDateWithoutASavedDate(t *testing.T) {
	fx := newFixture(t)
	row := templateRow(1, "41010000099", id(99), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "", "")
	// excelize's own date (16 Sep 2006) is no day of the round.
	path := titledBook(t, fx, "x.xlsx", data.NewDate(2024, 8, 5), data.NewDate(2006, 9, 16), title("ข้อมูล ณ วันที่ 20 ส.ค. 2567"), row)
	fx.onDay(data.NewDate(2024, 8, 26))
	rep := fx.plan(t, path, "")
	if lines := rep.DateLines(); len(lines) != 1 || !strings.Contains(lines[0], "ณ 20 ส.ค. 2567 ตามวันที่ที่หัวตาราง ไม่ใช่วันนำเข้า 26 ส.ค. 2567 (ไฟล์ไม่ได้บอกวันที่บันทึก หรือวันที่บันทึกไม่อยู่ในช่วงของรอบนี้)") {
		t.Errorf("the dry run's lines about the date: %q", lines)
	}
}

// Each sheet is dated by its own title: a workbook of two tambon sheets,
// one with the date of its information in its title and one without,
// dates the first's rows by its title and the second's by the day the
// file was saved, and the dry run names the sheet.
func TestEachSheetIsDatedByItsOwnTitle(t *testing.T) {
	fx := newFixture(t)
	a := templateRow(1, "41010000097", id(97), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "", "")
	b := templateRow(1, "41010000098", id(98), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "อยู่ระหว่างดำเนินการ", "", "")
	path := writeBook(t, fx.dir, "สองตำบล.xlsx",
		sheet{Name: "ตำบลA", Titles: []string{"แบบรายงานผล ตำบล A", "ข้อมูล ณ วันที่ 20 ส.ค. 2567"}, Header: [][]string{templateHeader}, Rows: [][]any{a}},
		sheet{Name: "ตำบลB", Titles: []string{"แบบรายงานผล ตำบล B", "ข้อมูล ณ วันที่ ...................."}, Header: [][]string{templateHeader}, Rows: [][]any{b}})
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{Created: "2024-08-25T03:00:00Z", Modified: "2024-08-25T03:00:00Z"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fx.onDay(data.NewDate(2024, 8, 26))
	rep := fx.commit(t, path)
	if _, p := householdOf(t, fx, id(97)); p.ChangedOn != data.NewDate(2024, 8, 20) {
		t.Errorf("sheet A's row: as of %s, want its title's 20 Aug", p.ChangedOn)
	}
	if _, p := householdOf(t, fx, id(98)); p.ChangedOn != data.NewDate(2024, 8, 25) {
		t.Errorf("sheet B's row: as of %s, want the saved 25 Aug", p.ChangedOn)
	}
	if lines := rep.DateLines(); len(lines) != 1 || !strings.HasPrefix(lines[0], "แผ่นงาน 'ตำบลA': แถวที่ไม่มีวันที่ดำเนินการถือเป็นข้อมูล ณ 20 ส.ค. 2567") {
		t.Errorf("the dry run's lines about the date: %q", lines)
	}
}
