package app

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/go-pdf/fpdf"

	"qmdesk/assets"
	"qmdesk/data"
)

// pdfDPI is the resolution of the charts inside the PDF: sharp on paper
// and on a projector, and small enough to build a pack in a few seconds.
const pdfDPI = 200

// Page geometry in millimetres (A4 portrait).
const (
	pageMargin = 15.0
	pageWidth  = 210.0 - 2*pageMargin
	ptToMM     = 25.4 / 72
)

// WritePDF writes the meeting pack to path as an A4 PDF: the cover with
// the countdown and the counters; the categories and the weekly line; the
// % solved per amphoe (or tambon); the urgent problems per amphoe; the
// table of amphoe; then a page per amphoe with problems. Every page's footer has its number
// and the as-of date. The file appears whole or not at all.
func (m *MeetingPack) WritePDF(path string) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("loma", "", assets.FontRegular)
	pdf.AddUTF8FontFromBytes("loma", "B", assets.FontBold)
	pdf.SetMargins(pageMargin, pageMargin, pageMargin)
	pdf.SetAutoPageBreak(true, 18)
	title := "รายงานความก้าวหน้าการแก้ไขปัญหาครัวเรือน (ThaiQM) " + m.scopeName()
	pdf.SetTitle(title, true)
	pdf.SetCreator("qmdesk", true)
	asOf := data.FormatBELong(m.Summary.AsOf)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-13)
		pdf.SetFont("loma", "", 9)
		pdf.SetTextColor(80, 80, 80)
		pdf.CellFormat(0, 6, m.scopeName()+" · ข้อมูล ณ วันที่ "+asOf, "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 6, "หน้า "+strconv.Itoa(pdf.PageNo())+" จาก {nb}", "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	p := pdfWriter{pdf: pdf, m: m}
	p.cover(title, asOf)
	p.chartPage(ChartCategories, ChartOverTime)
	p.chartPage(ChartAreas) // a bar a part: too tall to share a page
	p.chartPage(ChartUrgent)
	p.areaTable()
	for _, a := range m.Summary.Parts {
		if a.Totals.Target > 0 {
			p.areaPage(a)
		}
	}
	if p.err != nil {
		return p.err
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return data.Errorf(data.EINTERNAL, "สร้างไฟล์ PDF ไม่ได้", "pdf: %v", err)
	}
	return writeFileAtomic(path, buf.Bytes())
}

type pdfWriter struct {
	pdf *fpdf.Fpdf
	m   *MeetingPack
	err error
	n   int // images registered
}

func (p *pdfWriter) heading(s string, size float64) {
	p.pdf.SetFont("loma", "B", size)
	p.pdf.MultiCell(0, size*0.55, s, "", "L", false)
	p.pdf.Ln(1)
}

func (p *pdfWriter) para(s string, size float64) {
	p.pdf.SetFont("loma", "", size)
	p.pdf.MultiCell(0, size*0.5, s, "", "L", false)
}

func (p *pdfWriter) cover(title, asOf string) {
	m, pdf := p.m, p.pdf
	pdf.AddPage()
	p.heading(title, 20)
	p.para(m.Summary.Round.Name+" · ปีงบประมาณ พ.ศ. "+strconv.Itoa(m.Summary.FiscalYearBE())+" · ข้อมูล ณ วันที่ "+asOf, 14)
	pdf.Ln(3)
	c := m.Summary.Countdown
	r := m.Summary.Round
	switch {
	case c.NotStarted:
		p.heading("รอบนี้ยังไม่เริ่ม: เริ่มบันทึกผล "+data.FormatBELong(r.Start)+" (อีก "+strconv.Itoa(-c.DaysSinceStart)+" วัน)", 15)
	case c.Ended:
		pdf.SetTextColor(180, 40, 0)
		p.heading("รอบนี้สิ้นสุดแล้วเมื่อ "+data.FormatBELong(r.Deadline)+" ("+data.FormatNumber(int64(c.DaysOverdue))+" วันที่แล้ว) · วันนี้ยังค้าง "+data.FormatNumber(c.Open)+" ปัญหา ซึ่งเลยกำหนดทั้งหมด", 15)
		pdf.SetTextColor(0, 0, 0)
		carried := ""
		if c.Carried > 0 {
			carried = " · ในจำนวนที่ยังค้าง ยกไปติดตามต่อในรอบใหม่แล้ว " + data.FormatNumber(c.Carried) + " ปัญหา ซึ่งนับเป็นงานของรอบใหม่ (อย่านับซ้ำ)"
		}
		p.para("ผลเมื่อครบกำหนด: ยังค้าง "+data.FormatNumber(c.OpenAtDeadline)+" ปัญหา · หลังครบกำหนดแก้ไขหรือยุติเพิ่มอีก "+data.FormatNumber(c.ResolvedSince)+" ปัญหา"+carried, 12)
	default:
		p.heading("ครบกำหนด "+data.FormatBELong(r.Deadline)+" · เหลืออีก "+DaysLeftText(c), 15)
		p.para("เริ่มบันทึกผลมาแล้ว "+data.FormatNumber(int64(c.DaysSinceStart))+" วัน · ยังค้าง "+data.FormatNumber(c.Open)+
			" ปัญหา · ต้องแก้ไขให้ได้วันละ "+data.FormatNumber(c.PerDayNeeded)+" ปัญหา", 12)
	}
	pdf.Ln(4)
	p.counters(m.Summary.Area.Totals)
	pdf.Ln(4)
	p.heading("ปัญหาเร่งด่วนที่ยังค้าง", 13)
	for _, k := range m.UrgentKinds {
		p.para("• "+k.Name+" "+m.Urgent(m.Summary.Area, k.Category)+" ปัญหา", 12)
	}
	pdf.Ln(3)
	p.para("ตัวเลขทั้งหมดเป็นจำนวนนับ ไม่มีชื่อ เลขประจำตัวประชาชน หรือที่อยู่ ปัญหาที่อ่อนไหว (ยาเสพติด ความรุนแรงในครอบครัว คนพิการ ผู้ป่วย) "+
		"ที่มีน้อยกว่า "+strconv.Itoa(SmallCount)+" แสดงเป็น \"<"+strconv.Itoa(SmallCount)+"\" และยอดรวมที่จะทำให้คำนวณย้อนกลับได้แสดงเป็น \"–\" ร้อยละที่แก้ไขแล้ว = (แก้ไขแล้ว + แก้ไขได้ด้วยตนเอง) ÷ (เป้าหมาย - ยุติ)", 10)
}

// counters is the ministry dashboard's row of numbers.
func (p *pdfWriter) counters(t Tally) {
	pdf := p.pdf
	cells := []struct{ label, value string }{
		{"ครัวเรือน", data.FormatNumber(t.Households)}, {"ปัญหาเป้าหมาย", data.FormatNumber(t.Target)},
		{"แก้ไขแล้ว", data.FormatNumber(t.Solved)}, {"แก้ไขได้ด้วยตนเอง", data.FormatNumber(t.SelfSolved)},
		{"อยู่ระหว่างดำเนินการ", data.FormatNumber(t.InProgress)}, {"ยังไม่ได้ดำเนินการ", data.FormatNumber(t.NotStarted)},
		{"ยุติ", data.FormatNumber(t.Closed)}, {"ร้อยละที่แก้ไขแล้ว", data.FormatPercent(t.PercentSolved)},
	}
	w := pageWidth / 4
	for row := 0; row < 2; row++ {
		x, y := pdf.GetX(), pdf.GetY()
		for i := 0; i < 4; i++ {
			c := cells[row*4+i]
			pdf.SetXY(x+float64(i)*w, y)
			pdf.SetFont("loma", "B", 16)
			pdf.CellFormat(w, 9, c.value, "LTR", 2, "C", false, 0, "")
			pdf.SetX(x + float64(i)*w)
			pdf.SetFont("loma", "", 10)
			pdf.CellFormat(w, 7, c.label, "LBR", 0, "C", false, 0, "")
		}
		pdf.SetXY(x, y+16)
	}
}

// image puts a chart at the current position, full width, and moves down.
func (p *pdfWriter) image(render func(*bytes.Buffer) (float64, error)) {
	if p.err != nil {
		return
	}
	var buf bytes.Buffer
	heightPt, err := render(&buf)
	if err != nil {
		p.err = err
		return
	}
	p.n++
	name := "chart" + strconv.Itoa(p.n)
	p.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &buf)
	h := heightPt * ptToMM * pageWidth / (chartWidthPt * ptToMM)
	_, pageH := p.pdf.GetPageSize()
	if p.pdf.GetY()+h > pageH-18 {
		p.pdf.AddPage()
	}
	y := p.pdf.GetY()
	p.pdf.ImageOptions(name, pageMargin, y, pageWidth, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	p.pdf.SetY(y + h + 4)
}

func (p *pdfWriter) chart(kind ChartKind) {
	p.image(func(buf *bytes.Buffer) (float64, error) { return p.m.render(buf, kind, pdfDPI) })
}

func (p *pdfWriter) chartPage(kinds ...ChartKind) {
	p.pdf.AddPage()
	for _, k := range kinds {
		p.chart(k)
	}
}

// areaTable is the table of amphoe (tambon in an amphoe's pack), on a
// landscape page: the dashboard's columns and the urgent kinds.
func (p *pdfWriter) areaTable() {
	m, pdf := p.m, p.pdf
	pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	p.heading("ความก้าวหน้าราย"+m.partWord(), 14)
	heads := []string{m.partWord(), "ครัวเรือน", "เป้าหมาย", "แก้ไขแล้ว", "แก้ไขได้เอง", "ระหว่างดำเนินการ", "ยังไม่ดำเนินการ", "ยุติ", "% แก้ไขแล้ว",
		"เลยกำหนด"}
	widths := []float64{34, 18, 18, 18, 19, 25, 24, 14, 19, 18}
	for _, k := range m.UrgentKinds { // the urgent kinds share the rest of the page's width
		heads = append(heads, k.Name)
		widths = append(widths, 60/float64(max(len(m.UrgentKinds), 1)))
	}
	row := func(cells []string, bold bool, fill bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("loma", style, 9)
		if fill {
			pdf.SetFillColor(235, 235, 235)
		}
		for i, c := range cells {
			align := "R"
			if i == 0 {
				align = "L"
			}
			pdf.CellFormat(widths[i], 6.5, c, "1", 0, align, fill, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.SetFont("loma", "", 10)
	pdf.CellFormat(0, 6, "เร่งด่วนที่ยังค้าง (สามคอลัมน์ขวา) แสดงแยกประเภท ไม่รวมยอด", "", 1, "R", false, 0, "")
	row(heads, true, true)
	cells := func(name string, a Area) []string {
		t := a.Totals
		return append([]string{name, data.FormatNumber(t.Households), data.FormatNumber(t.Target), data.FormatNumber(t.Solved), data.FormatNumber(t.SelfSolved),
			data.FormatNumber(t.InProgress), data.FormatNumber(t.NotStarted), data.FormatNumber(t.Closed), data.FormatPercent(t.PercentSolved),
			data.FormatNumber(t.Overdue)}, m.urgentCounts(a)...)
	}
	for _, a := range m.Summary.Parts {
		row(cells(a.Name, a), false, false)
	}
	row(cells("รวม", m.Summary.Area), true, true)
}

// areaPage is one amphoe's (or tambon's) page: its counters and its
// category chart.
func (p *pdfWriter) areaPage(a Area) {
	m, pdf := p.m, p.pdf
	pdf.AddPage()
	word := m.partWord()
	p.heading(fmt.Sprintf("%s%s", word, a.Name), 16)
	p.para(m.Summary.Round.Name+" · ข้อมูล ณ วันที่ "+data.FormatBELong(m.Summary.AsOf), 11)
	pdf.Ln(3)
	p.counters(a.Totals)
	pdf.Ln(3)
	line := "เลยกำหนด " + data.FormatNumber(a.Totals.Overdue) + " ปัญหา · เร่งด่วนที่ยังค้าง:"
	for i, n := range m.urgentCounts(a) {
		line += " " + m.UrgentKinds[i].Name + " " + n
	}
	p.para(line, 11)
	pdf.Ln(2)
	p.image(func(buf *bytes.Buffer) (float64, error) {
		return m.categoryBars(a, word+a.Name+" · "+m.Summary.Round.Name+" · ข้อมูล ณ "+data.FormatBE(m.Summary.AsOf)).Render(buf, chartWidthPt, pdfDPI)
	})
}
