package app

import (
	"qmdesk/data"
)

// unitsTable is the pack's page of the municipalities (the province's
// pack, when the province keeps a list of them): each one's progress
// under the columns of the amphoe's table, with no total row, since a
// household in a municipality counts in its amphoe too.
func (p *pdfWriter) unitsTable() {
	m, pdf := p.m, p.pdf
	if len(m.Summary.Units) == 0 {
		return
	}
	pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	p.heading("ความก้าวหน้าราย"+data.WordMunicipality.Thai, 14)
	p.para(data.WordUnitsBesideAmphoe.Thai+" · "+m.Summary.Round.Name+" · ข้อมูล ณ วันที่ "+data.FormatBELong(m.Summary.AsOf), 11)
	heads := []string{data.WordMunicipality.Thai}
	widths := []float64{30}
	for _, c := range Columns {
		heads = append(heads, c.Head.Thai)
		widths = append(widths, 19)
	}
	for _, k := range m.UrgentKinds {
		heads = append(heads, UrgentColumn(k).Thai)
		widths = append(widths, 57/float64(max(len(m.UrgentKinds), 1)))
	}
	p.tableRow(heads, widths, true, true)
	for _, a := range m.Summary.Units {
		r := []string{a.Name}
		for _, c := range Columns {
			r = append(r, c.Text(a.Totals))
		}
		p.tableRow(append(r, m.urgentCounts(a)...), widths, false, false)
	}
}
