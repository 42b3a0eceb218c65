package app

import (
	"qmdesk/data"
)

// newCasesPage is the pack's two pages of the round's new cases, in
// households: missed households and known households with new problems
// per amphoe (tambon in an amphoe's pack), then per category, where a
// sensitive category's count of 1 to 4 prints as "<5" (the small-count
// rule; a household counts once per category, so no total gives it away).
func (p *pdfWriter) newCasesPage() {
	m, pdf := p.m, p.pdf
	n := m.Summary.NewCases
	pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	p.heading(data.WordNewCases.Thai, 14)
	p.para(data.WordNewCasesCountedOnce.Thai+" · "+m.scopeName()+" · "+m.Summary.Round.Name, 11)
	heads := []string{m.partWord()}
	widths := []float64{97}
	for _, h := range data.NewCaseHeads() {
		heads = append(heads, h.Thai)
		widths = append(widths, 80)
	}
	row := func(name string, a NewCaseArea, c data.Category) []string {
		out := []string{name}
		for _, x := range a.Figures(c) {
			out = append(out, m.Count(x, c))
		}
		return out
	}
	p.tableRow(heads, widths, true, true)
	for _, a := range n.Parts {
		p.tableRow(row(a.Name, a, 0), widths, false, false)
	}
	p.tableRow(row(ReXRayAll, n.NewCaseArea, 0), widths, true, true)
	pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	p.heading(data.WordNewCases.Thai+" รายด้าน", 14)
	heads[0] = data.WordCategory.Thai
	p.tableRow(heads, widths, true, true)
	for _, c := range data.Categories {
		p.tableRow(row(c.Label(), n.NewCaseArea, c), widths, false, false)
	}
	p.tableRow(row(WordAllCategories, n.NewCaseArea, 0), widths, true, true)
}
