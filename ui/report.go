package ui

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2/dialog"
)

// onPrint is Ctrl+P: the meeting pack as a PDF, saved where the clerk
// chooses and opened in the system's PDF viewer, which prints (Fyne has no
// printing of its own).
func (w *MainWindow) onPrint() {
	if !w.ready() {
		return
	}
	name := w.t.tr("เอกสารประชุม-ThaiQM-", "ThaiQM-meeting-pack-") + w.today().Key() + ".pdf"
	w.chooseSavePath(name, []string{".pdf"}, w.MeetingPack)
}

// onAmphoePack is the pack of the amphoe chosen on the dashboard.
func (w *MainWindow) onAmphoePack() {
	code := w.Dashboard.packAmphoe()
	if code == "" {
		w.showDialog(dialog.NewInformation(w.t.tr("เอกสารประชุมรายอำเภอ", "Amphoe pack"), w.t.tr("กรุณาเลือกอำเภอก่อน", "Choose the amphoe first"), w.Window))
		return
	}
	name := w.t.tr("เอกสารประชุม-", "meeting-pack-") + w.t.placeName(w.env.Geo.Amphoe, code) + "-" + w.today().Key() + ".pdf"
	w.chooseSavePath(name, []string{".pdf"}, func(path string) { w.AmphoePack(code, path) })
}

// MeetingPack writes the province's pack of the dashboard's round to path
// and opens it.
func (w *MainWindow) MeetingPack(path string) { w.AmphoePack("", path) }

// AmphoePack writes one amphoe's pack ("" for the province) and opens it.
func (w *MainWindow) AmphoePack(amphoe, path string) {
	round := w.Dashboard.roundID()
	t := w.t
	w.run(t.tr("กำลังทำเอกสารประชุม", "Making the meeting pack"), func(ctx context.Context, progress report) error {
		progress(0, t.tr("กำลังอ่านตัวเลขจากฐานข้อมูล…", "Reading the figures…"))
		pack, err := w.progress.Pack(ctx, round, amphoe)
		if err != nil {
			return err
		}
		pack.Digits = w.t.digits // the window's settings reach what it prints
		pack.Letter = w.Letter()
		// The pack is Thai whatever the window's language: in English the
		// bar says how far it is without naming the Thai page.
		pack.Progress = func(done float64, page string) {
			progress(0.05+0.95*done, t.tr("กำลังทำหน้า: "+page, "Making the pages…"))
		}
		if err := pack.WritePDF(path); err != nil {
			return err
		}
		return w.store.Log(ctx, "export", "database", 0, "meeting pack "+filepath.Base(path))
	}, func(err error) {
		if err == nil {
			w.lastPack = path
			w.showFile(path)
			w.showSaved(w.t.tr("ทำเอกสารประชุมแล้ว (เปิดในโปรแกรมอ่าน PDF เพื่อพิมพ์)", "Meeting pack ready (opened in the PDF viewer to print)"), path)
		}
	})
}

func (w *MainWindow) onSaveCharts() {
	if w.ready() {
		w.chooseFolder(w.SaveCharts, w.t.tr("บันทึกกราฟที่นี่", "Save the charts here"))
	}
}

// SaveCharts writes the pack's charts into dir as PNG at 300 dpi.
func (w *MainWindow) SaveCharts(dir string) {
	round := w.Dashboard.roundID()
	var files []string
	w.run(w.t.tr("กำลังบันทึกกราฟ", "Saving the charts"), func(ctx context.Context, _ report) error {
		pack, err := w.progress.Pack(ctx, round, "")
		if err != nil {
			return err
		}
		pack.Digits = w.t.digits
		if files, err = pack.SaveCharts(dir); err != nil {
			return err
		}
		return w.store.Log(ctx, "export", "database", 0, "meeting pack charts "+dir)
	}, func(err error) {
		if err == nil && len(files) > 0 {
			w.lastCharts = files
			w.showSaved(w.t.tr("บันทึกกราฟ ", "Saved ")+w.t.ni(len(files))+w.t.tr(" ภาพ (PNG 300 dpi)", " charts (PNG, 300 dpi)"), files[0])
		}
	})
}
