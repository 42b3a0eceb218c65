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
	var lines []areaCategoryLine
	add := func(name string, a NewCaseArea) {
		lines = append(lines, areaCategoryLine{name, 0, a.Figures(0)})
		for _, c := range data.Categories {
			lines = append(lines, areaCategoryLine{name, c, a.Figures(c)})
		}
	}
	for _, a := range s.NewCases.Parts {
		add(a.Name, a)
	}
	add("รวมทั้งจังหวัด", s.NewCases.NewCaseArea)
	return e.areaCategorySheet(SummarySheetNewCases, data.NewCaseHeads(), 22, lines,
		fmt.Sprintf("%s จังหวัด%s รอบ %s", data.WordNewCases.Thai, s.ProvinceName, s.Round.Name),
		fmt.Sprintf("ข้อมูล ณ %s · %s", data.FormatBELong(s.AsOf), data.WordNewCasesCountedOnce.Thai))
}
