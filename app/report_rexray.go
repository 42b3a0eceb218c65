package app

import (
	"qmdesk/data"
)

// reXRayPage is the pack's two pages of the Re-X-Ray result of the problems
// carried over from the 2565 survey, in the letter's words: per amphoe
// (tambon in an amphoe's pack) then per category. A sensitive category
// prints the problems re-checked by the small-count rule and no split by
// result ("–"), as the table by category does.
func (p *pdfWriter) reXRayPage() {
	m, pdf := p.m, p.pdf
	r := m.Summary.ReXRay
	pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	p.heading(data.HeaderReXRay.Thai+" ของปัญหาจากการสำรวจปี 2565", 14)
	p.para("นับเป็น"+data.UnitProblems.Thai+" · "+m.scopeName()+" · "+m.Summary.Round.Name, 11)
	heads := []string{m.partWord()}
	widths := []float64{83}
	for _, h := range data.ReXRayHeads() {
		heads = append(heads, h.Thai)
		widths = append(widths, 46)
	}
	row := func(name string, t ReXRayTally) []string {
		out := []string{name}
		for _, n := range t.Figures() {
			out = append(out, data.FormatNumber(n))
		}
		return out
	}
	p.tableRow(heads, widths, true, true)
	for _, a := range r.Parts {
		p.tableRow(row(a.Name, a.Totals), widths, false, false)
	}
	p.tableRow(row(ReXRayAll, r.Totals), widths, true, true)
	// The categories on a page of their own: the amphoe fill one.
	pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	p.heading(data.HeaderReXRay.Thai+" รายด้าน", 14)
	heads[0] = data.WordCategory.Thai
	p.tableRow(heads, widths, true, true)
	for _, c := range data.Categories {
		t := r.Categories[c]
		cells := row(c.Label(), t)
		if m.Sensitive[c] {
			cells = []string{c.Label(), hidden, hidden, hidden, m.Count(t.Checked, c)}
		}
		p.tableRow(cells, widths, false, false)
	}
	p.tableRow(row(ReXRayAll, r.Totals), widths, true, true)
}
