package app

import (
	"fmt"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// SummarySheetUnits is the summary workbook's sheet of the municipalities
// (one row per unit of the list, under the progress columns).
var SummarySheetUnits = "ราย" + data.WordMunicipality.Thai

// unitsSheet is the municipalities' progress, beside the amphoe's sheets:
// a household in a municipality counts in its amphoe too, so the sheet
// has no total row to add to theirs.
func (e *Exporter) unitsSheet(s Summary) xlsx.Table {
	header := []string{data.WordMunicipality.Thai}
	formats := []string{""}
	widths := []float64{26}
	for _, c := range Columns {
		header = append(header, c.Head.Thai)
		if c.Percent {
			formats = append(formats, e.numberFormat("0.0%"))
		} else {
			formats = append(formats, e.numberFormat("#,##0"))
		}
		widths = append(widths, 12)
	}
	for _, k := range s.UrgentKinds {
		header = append(header, UrgentColumn(k).Thai)
		formats = append(formats, e.numberFormat("#,##0"))
		widths = append(widths, 14)
	}
	return xlsx.Table{
		Sheet: SummarySheetUnits, Header: header, Formats: formats, Widths: widths, RowCount: len(s.Units),
		Titles: e.titles(
			fmt.Sprintf("สรุปผลการแก้ไขปัญหาครัวเรือน (ThaiQM) ราย%s จังหวัด%s รอบ %s", data.WordMunicipality.Thai, s.ProvinceName, s.Round.Name),
			fmt.Sprintf("ข้อมูล ณ %s · %s", data.FormatBELong(s.AsOf), data.WordUnitsBesideAmphoe.Thai),
			data.WordSolvedTotalMeans.Thai+" · "+data.WordPercentMeans.Thai,
		),
		Row: func(i int) ([]any, []bool) {
			a := s.Units[i]
			row := []any{a.Name}
			for _, c := range Columns {
				if c.Percent && !a.Totals.HasPercent() {
					row = append(row, NoPercent)
				} else if c.Percent {
					row = append(row, c.Share(a.Totals)/100)
				} else {
					row = append(row, c.Count(a.Totals))
				}
			}
			for _, k := range s.UrgentKinds {
				row = append(row, a.Categories[k.Category].UrgentOpen)
			}
			return row, nil
		},
	}
}
