package app

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

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
// and the as-of date; the last page's also has the audit log's head (its
// paper anchor, AuditAnchorLine). The file appears whole or not at all.
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
	lastPage := false
	pdf.SetFooterFunc(func() {
		if lastPage {
			p := m.AuditHead
			if p.Seq > 0 {
				pdf.SetY(-17)
				pdf.SetFont("loma", "", 7)
				pdf.SetTextColor(110, 110, 110)
				// In the pack's digits; qmdesk check --anchor takes either.
				pdf.CellFormat(0, 4, m.Digits.Display(AuditAnchorLine(p)), "", 0, "R", false, 0, "")
			}
		}
		pdf.SetY(-13)
		pdf.SetFont("loma", "", 9)
		pdf.SetTextColor(80, 80, 80)
		pdf.CellFormat(0, 6, m.Digits.Display(m.scopeName()+" · ข้อมูล ณ วันที่ "+asOf), "", 0, "L", false, 0, "")
		// The page count is filled in at the end, in Arabic digits: with
		// Thai digits the footer gives the page alone, never a mix.
		page := "หน้า " + strconv.Itoa(pdf.PageNo()) + " จาก {nb}"
		if m.Digits == data.ThaiDigits {
			page = "หน้า " + m.Digits.Display(strconv.Itoa(pdf.PageNo()))
		}
		pdf.CellFormat(0, 6, page, "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	p := pdfWriter{pdf: pdf, m: m}
	pdf.SetHeaderFuncMode(p.demoHeader, false)
	var parts []Area
	for _, a := range m.Summary.Parts {
		if a.Totals.Target > 0 {
			parts = append(parts, a)
		}
	}
	p.steps = packSteps + len(parts)
	if len(m.Summary.Units) > 0 {
		p.steps++ // the municipalities' page
	}
	p.step("หน้าปก")
	p.cover(title, asOf)
	p.step("ตารางตามหนังสือสั่งการ")
	p.letterPage()
	p.step("กราฟรายด้านและความก้าวหน้ารายสัปดาห์")
	p.chartPage(ChartCategories, ChartOverTime)
	p.step("กราฟ" + data.WordPercentSolved.Thai + "ราย" + m.partWord())
	p.chartPage(ChartAreas) // a bar a part: too tall to share a page
	p.step("กราฟปัญหาเร่งด่วน")
	p.chartPage(ChartUrgent)
	p.step("ตารางรายด้าน")
	p.categoryTable()
	p.step("ตารางราย" + m.partWord())
	p.areaTable()
	p.step(data.HeaderReXRay.Thai)
	p.reXRayPage()
	if len(m.Summary.Units) > 0 {
		p.step(data.WordMunicipality.Thai)
		p.unitsTable()
	}
	p.step(data.WordNewCases.Thai)
	p.newCasesPage()
	p.step("ThaiQM")
	p.thaiQMPage()
	for _, a := range parts {
		p.step(a.Name)
		p.areaPage(a)
	}
	p.step(data.WordAgencyReport.Thai)
	p.agencyTable()
	if p.err != nil {
		return p.err
	}
	p.step("บันทึกไฟล์")
	// The footer of the page that closes now, the last, carries the
	// anchor of the audit log.
	lastPage = true
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return &data.Error{Code: data.EINTERNAL, Message: "สร้างไฟล์ PDF ไม่ได้ กรุณาแจ้งผู้ดูแลระบบพร้อมรายละเอียดข้อผิดพลาด", English: "pdf output failed", Err: err}
	}
	return writeFileAtomic(path, buf.Bytes())
}

// AuditAnchorLine is the audit log's last entry as the pack prints it in
// small type: its number and seal, and the command that later tells
// whether the log still holds that entry unchanged. A copy on paper is
// out of reach of whoever could rewrite the file and its anchors.
func AuditAnchorLine(a data.AuditAnchor) string {
	short := a.Short()
	return fmt.Sprintf("บันทึกการแก้ไขเมื่อพิมพ์: ลำดับที่ %d รหัส %s (ตรวจภายหลัง: qmdesk check --anchor %d:%s)", a.Seq, short, a.Seq, strings.ReplaceAll(short, " ", ""))
}

type pdfWriter struct {
	pdf *fpdf.Fpdf
	m   *MeetingPack
	err error
	n   int // images registered
	// steps and done count WritePDF's steps for Progress.
	steps, done int
}

func (p *pdfWriter) heading(s string, size float64) {
	p.pdf.SetFont("loma", "B", size)
	p.lines(s, size*0.55)
	p.pdf.Ln(1)
}

func (p *pdfWriter) para(s string, size float64) {
	p.pdf.SetFont("loma", "", size)
	p.lines(s, size*0.5)
}

// lines writes s over the page's width in the current font, broken
// between words (data.Wrap) and never inside a date.
func (p *pdfWriter) lines(s string, h float64) {
	for _, l := range p.split(keepDates(p.m.Digits.Display(s)), pageWidth) {
		p.pdf.CellFormat(0, h, l, "", 1, "L", false, 0, "")
	}
}

// thaiDate matches a date as FormatBE and FormatBELong write it, in either
// kind of digit.
var thaiDate = func() *regexp.Regexp {
	var months []string
	for _, m := range append(data.ThaiMonthsShort[:], data.ThaiMonthsFull[:]...) {
		months = append(months, regexp.QuoteMeta(m))
	}
	return regexp.MustCompile(`[0-9๐-๙]{1,2} (` + strings.Join(months, "|") + `) [0-9๐-๙]{4}`)
}()

// keepDates joins the parts of every date with no-break spaces, so that a
// line never ends between "30 ก.ย." and "2569".
func keepDates(s string) string {
	return thaiDate.ReplaceAllStringFunc(s, func(d string) string { return strings.ReplaceAll(d, " ", "\u00a0") })
}

func (p *pdfWriter) cover(title, asOf string) {
	m, pdf := p.m, p.pdf
	pdf.AddPage()
	p.heading(title, 20)
	p.programme()
	p.para(m.Summary.Round.Name+" · ปีงบประมาณ พ.ศ. "+strconv.Itoa(m.Summary.FiscalYearBE())+" · ข้อมูล ณ วันที่ "+asOf, 14)
	pdf.Ln(3)
	c := m.Summary.Countdown
	r := m.Summary.Round
	switch {
	case c.NotStarted:
		p.heading("รอบนี้ยังไม่เริ่ม: เริ่มบันทึกผล "+data.FormatBELong(r.Start)+" (อีก "+strconv.Itoa(-c.DaysSinceStart)+" วัน)", 15)
	case c.Ended:
		pdf.SetTextColor(180, 40, 0)
		open := "วันนี้ยังค้าง " + data.FormatNumber(c.Open) + " ปัญหา"
		if c.Open > 0 {
			open += " ซึ่งเลยกำหนดทั้งหมด"
		}
		p.heading("รอบนี้สิ้นสุดแล้วเมื่อ "+data.FormatBELong(r.Deadline)+" ("+data.FormatNumber(int64(c.DaysOverdue))+" วันที่แล้ว) · "+open, 15)
		pdf.SetTextColor(0, 0, 0)
		carried := ""
		if c.Carried > 0 {
			carried = " · ในจำนวนที่ยังค้าง ยกไปติดตามต่อในรอบใหม่แล้ว " + data.FormatNumber(c.Carried) + " ปัญหา ซึ่งนับเป็นงานของรอบใหม่ (อย่านับซ้ำ)"
		}
		p.para("ผลเมื่อครบกำหนด: ยังค้าง "+data.FormatNumber(c.OpenAtDeadline)+" ปัญหา · หลังครบกำหนด"+data.WordSolvedTotal.Thai+"เพิ่มอีก "+data.FormatNumber(c.SolvedSince)+
			" ปัญหา และ"+data.Closed.Thai()+" "+data.FormatNumber(c.ResolvedSince-c.SolvedSince)+" ปัญหา"+carried, 12)
	default:
		p.heading("ครบกำหนด "+data.FormatBELong(r.Deadline)+" · เหลืออีก "+DaysLeftText(c), 15)
		p.para("เริ่มบันทึกผลมาแล้ว "+data.FormatNumber(int64(c.DaysSinceStart))+" วัน · ยังค้าง "+data.FormatNumber(c.Open)+
			" ปัญหา · ต้องแก้ไขให้ได้วันละ "+data.FormatNumber(c.PerDayNeeded)+" ปัญหา", 12)
	}
	pdf.Ln(4)
	p.counters(m.Summary.Area.Totals)
	pdf.Ln(4)
	p.heading(data.WordUrgentOpen.Thai+" (แยกแต่ละประเภท ไม่รวมยอด)", 13)
	for _, k := range m.UrgentKinds {
		p.para("• "+k.Name+" "+m.Urgent(m.Summary.Area, k.Category)+" "+data.UnitProblems.Thai, 12)
	}
	pdf.Ln(3)
	p.para("ตัวเลขทั้งหมดเป็นจำนวนนับ ไม่มีชื่อ เลขประจำตัวประชาชน หรือที่อยู่ ตัวเลขนับเป็น"+data.UnitProblems.Thai+" ยกเว้นช่องที่ระบุว่า ("+data.UnitHouseholds.Thai+") · "+
		data.WordSolvedTotalMeans.Thai+" · "+data.WordPercentMeans.Thai+" · "+data.WordSensitive.Thai+" (ยาเสพติด ความรุนแรงในครอบครัว คนพิการ ผู้ป่วย) "+
		"ที่มีน้อยกว่า "+strconv.Itoa(SmallCount)+" แสดงเป็น \""+data.WordSmallCount.Thai+"\" และยอดรวมที่จะทำให้คำนวณย้อนกลับได้แสดงเป็น \""+hidden+"\" "+
		"ตารางรายด้านไม่แยกสถานะของด้านที่มี"+data.WordSensitive.Thai+" (\""+hidden+"\") เพราะจะคำนวณย้อนจากยอดรวมได้ "+
		"จึงอาจต่างจากหน้าภาพรวมในโปรแกรม ซึ่งแสดงจำนวนจริงสำหรับผู้ปฏิบัติงาน", 10)
}

// counters is the ministry dashboard's row of numbers, under the headers
// of every progress table (app.Columns), wrapped inside their boxes.
func (p *pdfWriter) counters(t Tally) {
	pdf := p.pdf
	var cells []struct{ label, value string }
	for _, c := range Counters {
		cells = append(cells, struct{ label, value string }{c.Head.Thai, c.Text(t)})
	}
	w := pageWidth / 4
	for row := 0; row < 2; row++ {
		x, y := pdf.GetX(), pdf.GetY()
		pdf.SetFont("loma", "", 10)
		lines := 1
		for i := 0; i < 4; i++ {
			lines = max(lines, len(p.split(cells[row*4+i].label, w-2)))
		}
		h := 9 + float64(lines)*5 + 2
		for i := 0; i < 4; i++ {
			c := cells[row*4+i]
			pdf.Rect(x+float64(i)*w, y, w, h, "D")
			pdf.SetXY(x+float64(i)*w, y+1)
			pdf.SetFont("loma", "B", 16)
			pdf.CellFormat(w, 9, p.m.Digits.Display(c.value), "", 2, "C", false, 0, "")
			pdf.SetFont("loma", "", 10)
			for _, l := range p.split(c.label, w-2) {
				pdf.SetX(x + float64(i)*w)
				pdf.CellFormat(w, 5, p.m.Digits.Display(l), "", 2, "C", false, 0, "")
			}
		}
		pdf.SetXY(x, y+h)
	}
}

// split breaks s into lines no wider than w in the current font, between
// words (data.Wrap).
func (p *pdfWriter) split(s string, w float64) []string {
	return data.Wrap(s, w, p.pdf.GetStringWidth)
}

// tableRow prints one row of a table; each cell's text wraps inside it
// (at blanks) and the row is as tall as its tallest cell.
func (p *pdfWriter) tableRow(cells []string, widths []float64, bold, fill bool) {
	pdf := p.pdf
	style := ""
	if bold {
		style = "B"
	}
	pdf.SetFont("loma", style, 8.5)
	const lineH = 4.1
	lines := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		lines[i] = p.split(c, widths[i]-2)
		n = max(n, len(lines[i]))
	}
	h := float64(n)*lineH + 1.6
	pageW, pageH := pdf.GetPageSize()
	if _, bottom := pdf.GetAutoPageBreak(); pdf.GetY()+h > pageH-bottom {
		orientation := "P"
		if pageW > pageH {
			orientation = "L"
		}
		pdf.AddPageFormat(orientation, pdf.GetPageSizeStr("A4"))
	}
	x, y := pdf.GetX(), pdf.GetY()
	if fill {
		pdf.SetFillColor(235, 235, 235)
	}
	for i := range cells {
		align := "R"
		if i == 0 {
			align = "L"
		}
		if fill {
			pdf.Rect(x, y, widths[i], h, "FD")
		} else {
			pdf.Rect(x, y, widths[i], h, "D")
		}
		for j, l := range lines[i] {
			pdf.SetXY(x, y+0.8+float64(j)*lineH)
			pdf.CellFormat(widths[i], lineH, p.m.Digits.Display(l), "", 0, align, false, 0, "")
		}
		x += widths[i]
	}
	pdf.SetXY(pageMargin, y+h)
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

// categoryTable is the scope's seven categories under the dashboard's
// columns, on a landscape page, sensitive small counts hidden.
func (p *pdfWriter) categoryTable() {
	m, pdf := p.m, p.pdf
	pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	p.heading("ความก้าวหน้ารายด้าน", 14)
	heads := []string{data.WordCategory.Thai}
	widths := []float64{40}
	for _, c := range Columns {
		heads = append(heads, c.Head.Thai)
		widths = append(widths, 21)
	}
	heads = append(heads, CategoryUrgentColumn.Thai)
	widths = append(widths, 27)
	p.tableRow(heads, widths, true, true)
	a := m.Summary.Area
	for _, c := range data.Categories {
		p.tableRow(append([]string{c.Label()}, m.CategoryCells(a, c)...), widths, false, false)
	}
	row := []string{"รวม"}
	for _, c := range Columns {
		row = append(row, c.Text(a.Totals))
	}
	p.tableRow(append(row, "ไม่รวมยอด"), widths, true, true) // the urgent kinds are never summed
}

// areaTable is the table of amphoe (tambon in an amphoe's pack), on a
// landscape page: the dashboard's columns and the urgent kinds.
func (p *pdfWriter) areaTable() {
	m, pdf := p.m, p.pdf
	pdf.AddPageFormat("L", pdf.GetPageSizeStr("A4"))
	p.heading("ความก้าวหน้าราย"+m.partWord(), 14)
	heads := []string{m.partWord()}
	widths := []float64{30}
	for _, c := range Columns {
		heads = append(heads, c.Head.Thai)
		widths = append(widths, 19)
	}
	for _, k := range m.UrgentKinds { // the urgent kinds share the rest of the page's width
		heads = append(heads, UrgentColumn(k).Thai)
		widths = append(widths, 57/float64(max(len(m.UrgentKinds), 1)))
	}
	pdf.SetFont("loma", "", 10)
	pdf.CellFormat(0, 6, data.WordUrgentOpen.Thai+" (คอลัมน์ขวา) แสดงแยกประเภท ไม่รวมยอด", "", 1, "R", false, 0, "")
	p.tableRow(heads, widths, true, true)
	cells := func(name string, a Area) []string {
		r := []string{name}
		for _, c := range Columns {
			r = append(r, c.Text(a.Totals))
		}
		return append(r, m.urgentCounts(a)...)
	}
	for _, a := range m.Summary.Parts {
		p.tableRow(cells(a.Name, a), widths, false, false)
	}
	p.tableRow(cells("รวม", m.Summary.Area), widths, true, true)
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
	line := data.WordOverdue.Thai + " " + data.FormatNumber(a.Totals.Overdue) + " " + data.UnitProblems.Thai + " · " + data.WordUrgentOpen.Thai + ":"
	for i, n := range m.urgentCounts(a) {
		line += " " + m.UrgentKinds[i].Name + " " + n
	}
	p.para(line, 11)
	pdf.Ln(2)
	p.image(func(buf *bytes.Buffer) (float64, error) {
		b := m.categoryBars(a, word+a.Name+" · "+m.Summary.Round.Name+" · ข้อมูล ณ "+data.FormatBE(m.Summary.AsOf))
		b.Digits = m.Digits
		return b.Render(buf, chartWidthPt, pdfDPI)
	})
}

// packSteps counts the steps of WritePDF besides a page per part: keep it
// equal to the p.step calls outside the loop over parts.
const packSteps = 12

// step tells the pack's Progress that the page named is being made.
func (p *pdfWriter) step(page string) {
	if p.m.Progress != nil && p.err == nil {
		p.m.Progress(float64(p.done)/float64(max(p.steps, 1)), page)
	}
	p.done++
}
