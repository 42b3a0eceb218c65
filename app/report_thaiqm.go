package app

import (
	"qmdesk/data"
)

// thaiQMPage is the pack's two pages of what is keyed into ThaiQM: per
// amphoe (tambon in an amphoe's pack), the district behind first to the
// eye by its not-keyed figure, then per category. A sensitive category
// prints its figures by the small-count rule.
func (p *pdfWriter) thaiQMPage() {
	m, pdf := p.m, p.pdf
	q := m.Summary.ThaiQM
	pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	p.heading("การบันทึกผลในระบบ ThaiQM", 14)
	p.para("นับเป็น"+data.UnitProblems.Thai+" · "+m.scopeName()+" · "+m.Summary.Round.Name+" · ปัญหาที่แก้ไขผลหรือมีการช่วยเหลือเพิ่มหลังบันทึก นับเป็น \""+data.WordThaiQMNotKeyed.Thai+"\" อีกครั้ง", 11)
	heads := []string{m.partWord()}
	widths := []float64{83}
	for _, h := range data.ThaiQMHeads() {
		heads = append(heads, h.Thai)
		widths = append(widths, 56)
	}
	row := func(name string, t ThaiQMTally) []string {
		out := []string{name}
		for _, n := range t.Figures() {
			out = append(out, data.FormatNumber(n))
		}
		return out
	}
	p.tableRow(heads, widths, true, true)
	for _, a := range q.Parts {
		p.tableRow(row(a.Name, a.Totals), widths, false, false)
	}
	p.tableRow(row(ReXRayAll, q.Totals), widths, true, true)
	if len(q.Units) > 0 {
		// The municipalities under the total: their households count in
		// their amphoe too.
		p.para(data.WordUnitsBesideAmphoe.Thai, 10)
		for _, u := range q.Units {
			p.tableRow(row(u.Name, u.Totals), widths, false, false)
		}
	}
	pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	p.heading("การบันทึกผลในระบบ ThaiQM รายด้าน", 14)
	heads[0] = data.WordCategory.Thai
	p.tableRow(heads, widths, true, true)
	for _, c := range data.Categories {
		t := q.Categories[c]
		cells := row(c.Label(), t)
		if m.Sensitive[c] {
			cells = []string{c.Label(), m.Count(t.Keyed, c), m.Count(t.NotKeyed, c), m.Count(t.Problems, c)}
		}
		p.tableRow(cells, widths, false, false)
	}
	p.tableRow(row(ReXRayAll, q.Totals), widths, true, true)
}
