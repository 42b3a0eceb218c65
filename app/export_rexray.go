package app

import (
	"fmt"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// SummarySheetReXRay is the summary workbook's sheet of the Re-X-Ray
// result: a row per amphoe and category (ทุกด้าน first), then the
// province's rows.
const SummarySheetReXRay = "Re-X-Ray"

// WordAllCategories names the row of a table by category that adds them up.
const WordAllCategories = "ทุกด้าน"

// reXRaySheet is the summary workbook's Re-X-Ray sheet, from the same
// summary as its other sheets.
func (e *Exporter) reXRaySheet(s Summary) xlsx.Table {
	type line struct {
		area string
		cat  data.Category
		t    ReXRayTally
	}
	var lines []line
	add := func(name string, all ReXRayTally, cats map[data.Category]ReXRayTally) {
		lines = append(lines, line{name, 0, all})
		for _, c := range data.Categories {
			lines = append(lines, line{name, c, cats[c]})
		}
	}
	for _, a := range s.ReXRay.Parts {
		add(a.Name, a.Totals, a.Categories)
	}
	add("รวมทั้งจังหวัด", s.ReXRay.Totals, s.ReXRay.Categories)
	header := []string{"อำเภอ", data.WordCategory.Thai}
	formats := []string{"", ""}
	widths := []float64{20, 34}
	for _, h := range data.ReXRayHeads() {
		header = append(header, h.Thai)
		formats = append(formats, e.numberFormat("#,##0"))
		widths = append(widths, 16)
	}
	return xlsx.Table{
		Sheet: SummarySheetReXRay, Header: header, Formats: formats, Widths: widths, RowCount: len(lines),
		Titles: e.titles(
			fmt.Sprintf("%s ของปัญหาจากการสำรวจปี 2565 จังหวัด%s รอบ %s", data.HeaderReXRay.Thai, s.ProvinceName, s.Round.Name),
			fmt.Sprintf("ข้อมูล ณ %s · นับเป็น%s", data.FormatBELong(s.AsOf), data.UnitProblems.Thai),
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
