package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// exportScreen makes the workbooks that leave the office: the blank
// template, the follow-up workbooks for the districts, the summary for the
// province, and the full export. Each is saved where the clerk chooses and
// then offered to open.
type exportScreen struct {
	Box fyne.CanvasObject

	Template       *widget.Button
	FollowAmphoe   *widget.Select
	FollowUp       *widget.Button
	Summary        *widget.Button
	ThaiQM         *widget.Button // the results not yet keyed into ThaiQM, of the amphoe chosen above or all
	Full           *widget.Button
	Unmask         *widget.Check
	Password       *widget.Entry
	lastSaved      string   // path of the last file written
	lastSavedFiles []string // every file of the last follow-up export

	w       *MainWindow
	amphoes []data.Place
	units   []data.Unit // the municipalities, after the amphoe in FollowAmphoe
}

func newExportScreen(w *MainWindow) *exportScreen {
	s := &exportScreen{w: w}
	t := w.t
	meta := w.facts.meta
	s.amphoes = w.env.Geo.AmphoesOf(meta.Province)
	s.Template = widget.NewButton(t.tr("บันทึกแบบฟอร์มเปล่า…", "Save the blank template…"), func() {
		w.chooseSavePath(t.tr("แบบฟอร์ม-ThaiQM.xlsx", "ThaiQM-template.xlsx"), []string{".xlsx"}, s.ExportTemplate)
	})
	s.FollowAmphoe = newSelect(t, append([]string{t.tr("ทุกอำเภอและเทศบาล (หนึ่งไฟล์ต่ออำเภอ/เทศบาล)", "Every amphoe and municipality (one file each)")}, t.places(s.amphoes)...), nil)
	s.refreshUnits()
	s.FollowAmphoe.SetSelectedIndex(0)
	s.FollowUp = widget.NewButton(t.tr("บันทึกไฟล์ติดตาม…", "Save follow-up workbooks…"), s.onFollowUp)
	s.Summary = widget.NewButton(t.tr("บันทึกสรุปผลรายอำเภอ…", "Save the summary…"), func() {
		w.chooseSavePath(t.tr("สรุปผล-ThaiQM-", "ThaiQM-summary-")+w.today().Key()+".xlsx", []string{".xlsx"}, s.ExportSummary)
	})
	s.ThaiQM = widget.NewButton(t.tr("บันทึกรายการที่รอบันทึก ThaiQM…", "Save what is not yet keyed into ThaiQM…"), s.onThaiQM)
	s.Unmask = widget.NewCheck(t.tr("แสดงเลขประจำตัว ชื่อ และเบอร์โทรเต็ม (บันทึกไว้ในประวัติการใช้งาน ใช้เฉพาะเมื่อจำเป็น)",
		"Full IDs, names and phones (logged; only when needed)"), nil)
	s.Password = widget.NewPasswordEntry()
	s.Password.SetPlaceHolder(t.tr("รหัสผ่านป้องกันไฟล์ (แนะนำ)", "Password to protect the file (recommended)"))
	s.Full = widget.NewButton(t.tr("บันทึกข้อมูลทั้งหมด…", "Save the full export…"), func() {
		w.chooseSavePath(t.tr("ข้อมูลทั้งหมด-ThaiQM-", "ThaiQM-full-")+w.today().Key()+".xlsx", []string{".xlsx"}, s.ExportFull)
	})
	note := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	s.Box = container.NewVScroll(container.NewVBox(
		widget.NewCard(t.tr("แบบฟอร์มเปล่า", "Blank template"), "", container.NewVBox(
			note(t.tr("แบบฟอร์มสำหรับอำเภอกรอกครัวเรือน", "For districts to add ")+t.origin(data.OriginMissed)+t.tr("หรือ", " households or ")+t.term(data.WordNewProblem)+t.tr(" มีรายการให้เลือกและคำอธิบายครบ", "s")), container.NewHBox(s.Template))),
		widget.NewCard(t.tr("ไฟล์ติดตามส่งอำเภอ", "Follow-up workbooks"), "", container.NewVBox(
			note(t.tr("ปัญหาที่ยังค้างของแต่ละอำเภอ ให้อำเภอกรอกผลแล้วส่งกลับมานำเข้า (เลขประจำตัวถูกปิดบัง ใช้รหัสบ้านจับคู่)",
				"Each amphoe's open problems, to be filled in and sent back (IDs masked; the house code is the key)")),
			container.NewBorder(nil, nil, nil, s.FollowUp, s.FollowAmphoe), // the choice takes the width: never cut
			note(t.tr("รายการที่อำเภอยังไม่ได้บันทึกลงระบบ ThaiQM (อำเภอที่เลือกข้างบน หรือทุกอำเภอ แผ่นงานละอำเภอ) ใส่วันที่ที่บันทึกแล้วนำเข้ากลับได้",
				"What each amphoe has not yet keyed into ThaiQM (the amphoe above, or every one, a sheet each); a day written in it comes back through the import")),
			container.NewHBox(s.ThaiQM))),
		widget.NewCard(t.tr("สรุปผลรายอำเภอ", "Summary"), "", container.NewVBox(
			note(t.tr("ตัวเลขตามแดชบอร์ดของกระทรวง รายอำเภอและรายด้าน ไม่มีข้อมูลส่วนบุคคล", "The ministry's counters by amphoe and category; no personal data")), container.NewHBox(s.Summary))),
		widget.NewCard(t.tr("ข้อมูลทั้งหมด", "Full export"), "", container.NewVBox(
			note(t.tr("ทุกครัวเรือน ทุกปัญหา และการดำเนินการ ข้อมูลส่วนบุคคลถูกปิดบังเว้นแต่เลือกไว้", "Every household, problem and action; personal data masked unless chosen")),
			s.Unmask, s.Password, container.NewHBox(s.Full))),
	))
	return s
}

func (s *exportScreen) onFollowUp() {
	w, t := s.w, s.w.t
	i := s.FollowAmphoe.SelectedIndex() - 1
	if i < 0 {
		w.chooseFolder(s.ExportFollowUpAll, t.tr("บันทึกไฟล์ที่นี่", "Save the files here"))
		return
	}
	if i >= len(s.amphoes) {
		s.onFollowUpUnit(i - len(s.amphoes))
		return
	}
	a := s.amphoes[i]
	w.chooseSavePath(t.tr("ติดตาม-", "followup-")+a.Thai+"-"+w.today().Key()+".xlsx", []string{".xlsx"}, func(path string) { s.ExportFollowUp(a.Code, path) })
}

// ExportTemplate writes the blank template to path.
func (s *exportScreen) ExportTemplate(path string) {
	s.export(s.w.t.tr("กำลังบันทึกแบบฟอร์ม", "Saving the template"), path, func(ctx context.Context) error {
		return s.w.exporter.Template(ctx, path)
	})
}

// ExportFollowUp writes one amphoe's follow-up workbook to path.
func (s *exportScreen) ExportFollowUp(amphoe, path string) {
	w := s.w
	s.export(w.t.tr("กำลังบันทึกไฟล์ติดตาม", "Saving the follow-up workbook"), path, func(ctx context.Context) error {
		_, err := w.exporter.FollowUp(ctx, amphoe, path, s.Unmask.Checked)
		return err
	})
}

// ExportFollowUpAll writes one follow-up workbook per amphoe and per
// municipality into dir.
func (s *exportScreen) ExportFollowUpAll(dir string) {
	w, t := s.w, s.w.t
	var paths []string
	w.run(t.tr("กำลังบันทึกไฟล์ติดตามทุกอำเภอและเทศบาล", "Saving every amphoe's and municipality's follow-up workbook"), func(ctx context.Context, progress report) (err error) {
		paths, err = w.exporter.FollowUpAllTelling(ctx, dir, s.Unmask.Checked, func(done, total int, name string) {
			progress(float64(done)/float64(total), t.tr("กำลังบันทึกไฟล์ของ"+name, "Writing the workbook of "+t.areaName(name))+fmt.Sprintf(" (%d/%d)", done+1, total))
		})
		return err
	}, func(err error) {
		if err == nil {
			s.lastSavedFiles = paths
			first := dir
			if len(paths) > 0 {
				first = paths[0]
			}
			w.showSaved(t.tr("บันทึกไฟล์ติดตามแล้ว ", "Saved follow-up workbooks: ")+t.ni(len(paths))+t.tr(" ไฟล์", ""), first)
		}
	})
}

// ExportSummary writes the summary workbook to path.
func (s *exportScreen) ExportSummary(path string) {
	s.export(s.w.t.tr("กำลังบันทึกสรุปผล", "Saving the summary"), path, func(ctx context.Context) error {
		return s.w.exporter.Summary(ctx, path)
	})
}

// ExportFull writes the full export to path, masked unless Unmask is
// ticked, protected by Password when one is given.
func (s *exportScreen) ExportFull(path string) {
	s.export(s.w.t.tr("กำลังบันทึกข้อมูลทั้งหมด", "Saving the full export"), path, func(ctx context.Context) error {
		return s.w.exporter.Full(ctx, path, s.Unmask.Checked, s.Password.Text)
	})
}

func (s *exportScreen) export(title, path string, job func(ctx context.Context) error) {
	w := s.w
	w.run(title, func(ctx context.Context, _ report) error { return job(ctx) }, func(err error) {
		if err == nil {
			s.lastSaved = path
			w.showSaved(w.t.tr("บันทึกแล้ว", "Saved"), path)
		}
	})
}
