package app

import (
	"context"
	"fmt"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// SummarySheetAgencies is the summary workbook's sheet of the partner
// agencies' work.
var SummarySheetAgencies = data.WordAgencyReport.Thai

// AgencyColumns are the figures of an agency, in the order every output
// prints them: problems helped, solved of those, budget.
var AgencyColumns = []data.Term{data.WordProblemsHelped, data.WordSolvedTotal.Counting(data.UnitProblems), data.HeaderBudget}

// AgencyFigures are t's figures in AgencyColumns' order.
func AgencyFigures(t AgencyTally) []int64 { return []int64{t.Problems, t.Solved, t.Budget} }

// agencySheet is the summary workbook's sheet of the partner agencies: a
// row per agency, its figures in all, then per category.
func (e *Exporter) agencySheet(ctx context.Context, s Summary) (xlsx.Table, error) {
	lines, err := Agencies(ctx, e.Store, s.Round.ID, "")
	if err != nil {
		return xlsx.Table{}, err
	}
	header := []string{data.HeaderAgency.Thai}
	formats := []string{""}
	widths := []float64{36}
	add := func(scope string) {
		for _, c := range AgencyColumns {
			header = append(header, scope+"\n"+c.Thai)
			formats = append(formats, e.numberFormat("#,##0"))
			widths = append(widths, 13)
		}
	}
	add("รวมทุกด้าน")
	for _, c := range data.Categories {
		add(c.ShortLabel())
	}
	return xlsx.Table{
		Sheet: SummarySheetAgencies, Header: header, Formats: formats, Widths: widths, RowCount: len(lines),
		Titles: e.titles(
			fmt.Sprintf("%s จังหวัด%s รอบ %s", data.WordAgencyReport.Thai, s.ProvinceName, s.Round.Name),
			fmt.Sprintf("ข้อมูล ณ %s · %s", data.FormatBELong(s.AsOf), AgencyReportMeans),
			data.WordSolvedTotalMeans.Thai,
		),
		Row: func(i int) ([]any, []bool) {
			l := lines[i]
			row := []any{l.Name}
			for _, n := range AgencyFigures(l.Totals) {
				row = append(row, n)
			}
			for _, c := range data.Categories {
				for _, n := range AgencyFigures(l.Categories[c]) {
					row = append(row, n)
				}
			}
			return row, nil
		},
	}, nil
}

// AgencyReportMeans says what the agencies' figures count, under every
// table of them.
const AgencyReportMeans = "ปัญหาที่ช่วยเหลือ = ปัญหาที่มีการช่วยเหลือของหน่วยงานอย่างน้อยหนึ่งครั้ง (นับปัญหาละครั้ง) · ชื่อหน่วยงานที่เขียนต่างกันนับเป็นหน่วยงานเดียว"
