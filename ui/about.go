package ui

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// onAbout shows the program's version and where it keeps its data: what
// an IT helper asks first, and what moving to a new PC needs.
func (w *MainWindow) onAbout() {
	t := w.t
	text := "qmdesk " + t.tr("รุ่น ", "version ") + w.env.Version + "\n" + t.tr("ติดตามการแก้ไขปัญหาครัวเรือน ThaiQM ระดับจังหวัด\nที่ทำการปกครองจังหวัด — โครงการ ThaiQM",
		"ThaiQM household follow-up for the province\nProvincial administration office — ThaiQM programme")
	if w.onServer() {
		text += "\n\n" + w.DatabaseLabel()
	}
	if w.env.DataDir != "" {
		text += t.tr("\n\nฐานข้อมูลและบันทึกข้อผิดพลาด: ", "\n\nDatabase and error log: ") + w.env.DataDir +
			t.tr("\nสำรองอัตโนมัติก่อนนำเข้า: ", "\nAutomatic backups before imports: ") + filepath.Join(w.env.DataDir, "backups")
	}
	if w.env.KeyDir != "" {
		text += t.tr("\nกุญแจของบันทึกการแก้ไข: ", "\nThe audit log's key: ") + filepath.Join(w.env.KeyDir, "audit.key")
	}
	w.About = widget.NewLabel(text)
	w.About.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(w.About)
	if w.env.DataDir != "" {
		box.Add(container.NewHBox(widget.NewButton(t.tr("เปิดโฟลเดอร์ข้อมูล", "Show the data folder"), func() { w.showFile(w.env.DataDir) })))
	}
	d := dialog.NewCustom(t.tr("เกี่ยวกับ qmdesk", "About qmdesk"), t.tr("ปิด", "Close"), box, w.Window)
	d.Resize(fyne.NewSize(640, 320))
	w.showClosable(d)
}
