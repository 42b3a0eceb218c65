package app

import (
	"qmdesk/data"
)

// DefaultLetter is the letter a pack reports on unless the clerk names
// another (the window's settings, `qmdesk report --letter`): the
// ministry's letter on the Re-X-Ray 2567 results.
const DefaultLetter = "หนังสือกระทรวงมหาดไทย ด่วนที่สุด ที่ มท 0310.7/ว 2567 ลงวันที่ 15 มีนาคม 2567"

// LetterRef is the reference of the letter the pack reports on.
func (m *MeetingPack) LetterRef() string {
	if s := data.CleanText(m.Letter); s != "" {
		return s
	}
	return DefaultLetter
}

// CentreName is the province's ศจพ.จ., by its full name and its short one.
func (m *MeetingPack) CentreName() string {
	return data.WordProvinceCentre.Thai + m.Summary.ProvinceName + " (" + data.WordProvinceCentreShort.Thai + m.Summary.ProvinceName + ")"
}

// DemoMark is what every page of a demo database's pack says at its top.
var DemoMark = data.WordDemoData.Thai + ": สร้างด้วยคำสั่ง demo ไม่ใช่ข้อมูลจริง"

// programme prints, under the cover's title, the programme's full name,
// the province's centre and the letter the pack reports on.
func (p *pdfWriter) programme() {
	m := p.m
	p.para(data.WordProgramme.Thai, 12)
	p.para(m.CentreName(), 11)
	p.para("รายงานตาม"+m.LetterRef(), 11)
}

// demoHeader marks each page of a demo database's pack at its top, in red.
func (p *pdfWriter) demoHeader() {
	m, pdf := p.m, p.pdf
	if !m.Demo {
		return
	}
	x, y := pdf.GetXY()
	pdf.SetY(5)
	pdf.SetFont("loma", "B", 11)
	pdf.SetTextColor(200, 0, 0)
	pdf.CellFormat(0, 6, DemoMark, "", 0, "C", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.SetXY(x, y)
}
