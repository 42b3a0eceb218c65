package app

import (
	"fmt"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// addThaiQMColumn adds the optional บันทึกใน ThaiQM แล้ว column after the
// template's columns: left blank for the district to write the day it
// keyed the row's result into ThaiQM (a date in any form the workbook's
// other date columns take). It is never pre-filled: a date the province
// exported would come back after a later change and mark it again.
func addThaiQMColumn(t *xlsx.Table) {
	n := len(t.Header)
	grow := func(b []bool, v bool) []bool {
		if len(b) == 0 {
			return b
		}
		return append(append(append([]bool{}, b...), make([]bool, max(0, n-len(b)))...), v)
	}
	t.Header = append(append([]string{}, t.Header...), data.HeaderThaiQM.Thai)
	if len(t.Widths) > 0 {
		t.Widths = append(append(append([]float64{}, t.Widths...), make([]float64, max(0, n-len(t.Widths)))...), 18)
	}
	t.Text = grow(t.Text, true)
	t.Locked = grow(t.Locked, false)
}

// SummarySheetThaiQM is the summary workbook's sheet of what is keyed into
// ThaiQM: a row per amphoe and category (ทุกด้าน first), then the
// province's rows.
const SummarySheetThaiQM = "ThaiQM"

// thaiQMSheet is the summary workbook's ThaiQM sheet, from the same
// summary as its other sheets.
func (e *Exporter) thaiQMSheet(s Summary) xlsx.Table {
	type line struct {
		area string
		cat  data.Category
		t    ThaiQMTally
	}
	var lines []line
	add := func(name string, all ThaiQMTally, cats map[data.Category]ThaiQMTally) {
		lines = append(lines, line{name, 0, all})
		for _, c := range data.Categories {
			lines = append(lines, line{name, c, cats[c]})
		}
	}
	for _, a := range s.ThaiQM.Parts {
		add(a.Name, a.Totals, a.Categories)
	}
	add("รวมทั้งจังหวัด", s.ThaiQM.Totals, s.ThaiQM.Categories)
	header := []string{"อำเภอ", data.WordCategory.Thai}
	formats := []string{"", ""}
	widths := []float64{20, 34}
	for _, h := range data.ThaiQMHeads() {
		header = append(header, h.Thai)
		formats = append(formats, e.numberFormat("#,##0"))
		widths = append(widths, 18)
	}
	return xlsx.Table{
		Sheet: SummarySheetThaiQM, Header: header, Formats: formats, Widths: widths, RowCount: len(lines),
		Titles: e.titles(
			fmt.Sprintf("การบันทึกผลในระบบ ThaiQM จังหวัด%s รอบ %s", s.ProvinceName, s.Round.Name),
			fmt.Sprintf("ข้อมูล ณ %s · นับเป็น%s · ผลที่แก้ไขหรือมีการช่วยเหลือเพิ่มหลังบันทึก นับเป็น%sอีกครั้ง", data.FormatBELong(s.AsOf), data.UnitProblems.Thai, data.WordThaiQMNotKeyed.Thai),
		),
		Bold: func(i int) bool { return lines[i].cat == 0 },
		Row: func(i int) ([]any, []bool) {
			l := lines[i]
			cat := WordAllCategories
			if l.cat != 0 {
				cat = l.cat.Label()
			}
			row := []any{l.area, cat}
			for _, n := range l.t.Figures() {
				row = append(row, n)
			}
			return row, nil
		},
	}
}
