package app

import (
	"fmt"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// SummarySheetNewCases is the summary workbook's sheet of the new cases
// (data.WordNewCasesSheet): a row per amphoe and category (ทุกด้าน
// first), then the province's rows, in households.
var SummarySheetNewCases = data.WordNewCasesSheet.Thai

// newCasesSheet is the summary workbook's new-cases sheet, from the same
// summary as its other sheets.
func (e *Exporter) newCasesSheet(s Summary) xlsx.Table {
	type line struct {
		area NewCaseArea
		name string
		cat  data.Category
	}
	var lines []line
	add := func(name string, a NewCaseArea) {
		lines = append(lines, line{a, name, 0})
		for _, c := range data.Categories {
			lines = append(lines, line{a, name, c})
		}
	}
	for _, a := range s.NewCases.Parts {
		add(a.Name, a)
	}
	add("รวมทั้งจังหวัด", s.NewCases.NewCaseArea)
	header := []string{"อำเภอ", data.WordCategory.Thai}
	formats := []string{"", ""}
	widths := []float64{20, 34}
	for _, h := range data.NewCaseHeads() {
		header = append(header, h.Thai)
		formats = append(formats, e.numberFormat("#,##0"))
		widths = append(widths, 22)
	}
	return xlsx.Table{
		Sheet: SummarySheetNewCases, Header: header, Formats: formats, Widths: widths, RowCount: len(lines),
		Titles: e.titles(
			fmt.Sprintf("%s จังหวัด%s รอบ %s", data.WordNewCases.Thai, s.ProvinceName, s.Round.Name),
			fmt.Sprintf("ข้อมูล ณ %s · %s", data.FormatBELong(s.AsOf), data.WordNewCasesCountedOnce.Thai),
		),
		Bold: func(i int) bool { return lines[i].cat == 0 },
		Row: func(i int) ([]any, []bool) {
			l := lines[i]
			cat := WordAllCategories
			if l.cat != 0 {
				cat = l.cat.Label()
			}
			row := []any{l.name, cat}
			for _, n := range l.area.Figures(l.cat) {
				row = append(row, n)
			}
			return row, nil
		},
	}
}
