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
	var lines []areaCategoryLine
	for _, a := range s.ReXRay.Parts {
		lines = appendArea(lines, a.Name, a.Totals, a.Categories)
	}
	lines = appendArea(lines, "รวมทั้งจังหวัด", s.ReXRay.Totals, s.ReXRay.Categories)
	return e.areaCategorySheet(SummarySheetReXRay, data.ReXRayHeads(), 16, lines,
		fmt.Sprintf("%s ของปัญหาจากการสำรวจปี 2565 จังหวัด%s รอบ %s", data.HeaderReXRay.Thai, s.ProvinceName, s.Round.Name),
		fmt.Sprintf("ข้อมูล ณ %s · นับเป็น%s", data.FormatBELong(s.AsOf), data.UnitProblems.Thai))
}

// areaCategoryLine is a row of a sheet by area and category: the area's
// name, the category (0: all of them) and its figures.
type areaCategoryLine struct {
	area    string
	cat     data.Category
	figures []int64
}

// appendArea adds an area's rows: all categories, then each.
func appendArea[T interface{ Figures() []int64 }](lines []areaCategoryLine, name string, all T, cats map[data.Category]T) []areaCategoryLine {
	lines = append(lines, areaCategoryLine{name, 0, all.Figures()})
	for _, c := range data.Categories {
		lines = append(lines, areaCategoryLine{name, c, cats[c].Figures()})
	}
	return lines
}

// areaCategorySheet is a summary workbook sheet of a row per area and
// category (ทุกด้าน first, in bold), its figures under heads, numbers in
// #,##0: the Re-X-Ray, new cases and ThaiQM sheets.
func (e *Exporter) areaCategorySheet(sheet string, heads []data.Term, width float64, lines []areaCategoryLine, titles ...string) xlsx.Table {
	header := []string{"อำเภอ", data.WordCategory.Thai}
	formats := []string{"", ""}
	widths := []float64{20, 34}
	for _, h := range heads {
		header = append(header, h.Thai)
		formats = append(formats, e.numberFormat("#,##0"))
		widths = append(widths, width)
	}
	return xlsx.Table{
		Sheet: sheet, Header: header, Formats: formats, Widths: widths, RowCount: len(lines),
		Titles: e.titles(titles...),
		Bold:   func(i int) bool { return lines[i].cat == 0 },
		Row: func(i int) ([]any, []bool) {
			l := lines[i]
			cat := WordAllCategories
			if l.cat != 0 {
				cat = l.cat.Label()
			}
			row := []any{l.area, cat}
			for _, n := range l.figures {
				row = append(row, n)
			}
			return row, nil
		},
	}
}
