package app

import "qmdesk/data"

// AgencyPackCells are an agency's cells on the pack's page: problems
// helped, solved and budget in all, then problems helped per category. A
// small count (1–4) of a category with a sensitive sub-problem prints as
// "<5", and then the row's problems in all and solved print as "–" (they
// would give the hidden count away by subtraction).
func (m *MeetingPack) AgencyPackCells(l AgencyLine) []string {
	hidden := false
	var cats []string
	for _, c := range data.Categories {
		n := l.Categories[c].Problems
		if m.Sensitive[c] && n > 0 && n < 5 {
			cats = append(cats, data.WordSmallCount.Thai)
			hidden = true
			continue
		}
		cats = append(cats, data.FormatNumber(n))
	}
	cells := []string{data.FormatNumber(l.Totals.Problems), data.FormatNumber(l.Totals.Solved), data.FormatNumber(l.Totals.Budget)}
	if hidden {
		cells[0], cells[1] = "–", "–"
	}
	return append(cells, cats...)
}

// agencyTable is the partner agencies' page: a row per agency, on a
// landscape page.
func (p *pdfWriter) agencyTable() {
	m, pdf := p.m, p.pdf
	pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	p.heading(data.WordAgencyReport.Thai+" "+m.scopeName(), 14)
	p.para(AgencyReportMeans+" · "+data.WordSolvedTotalMeans.Thai+" · "+data.WordCategory.Thai+" 1–7: "+data.WordProblemsHelped.Thai, 9)
	heads := []string{data.HeaderAgency.Thai}
	widths := []float64{56}
	for _, c := range AgencyColumns {
		heads = append(heads, c.Thai)
		widths = append(widths, 22)
	}
	for _, c := range data.Categories {
		heads = append(heads, c.ShortLabel())
		widths = append(widths, 20.7)
	}
	p.tableRow(heads, widths, true, true)
	if len(m.Agencies) == 0 {
		p.para("ยังไม่มีการช่วยเหลือที่ระบุ"+data.HeaderAgency.Thai, 10)
		return
	}
	for _, l := range m.Agencies {
		p.tableRow(append([]string{l.Name}, m.AgencyPackCells(l)...), widths, false, false)
	}
}
