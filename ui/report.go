package ui

import (
	"context"
	"path/filepath"
)

// onPrint is Ctrl+P: the meeting pack as a PDF, saved where the clerk
// chooses and opened in the system's PDF viewer, which prints (Fyne has no
// printing of its own).
func (w *MainWindow) onPrint() {
	if !w.ready() {
		return
	}
	name := w.t.tr("เอกสารประชุม-ThaiQM-", "ThaiQM-meeting-pack-") + w.now().Format("20060102") + ".pdf"
	w.chooseSavePath(name, []string{".pdf"}, w.MeetingPack)
}

// MeetingPack writes the pack of the dashboard's round to path and opens it.
func (w *MainWindow) MeetingPack(path string) {
	round := w.Dashboard.roundID()
	w.run(w.t.tr("กำลังทำเอกสารประชุม", "Making the meeting pack"), func(ctx context.Context, _ report) error {
		pack, err := w.progress.Pack(ctx, round, "")
		if err != nil {
			return err
		}
		if err := pack.WritePDF(path); err != nil {
			return err
		}
		return w.store.Log(ctx, "export", "database", 0, "meeting pack "+filepath.Base(path))
	}, func(err error) {
		if err == nil {
			w.LastPack = path
			w.showFile(path)
			w.showSaved(w.t.tr("ทำเอกสารประชุมแล้ว (เปิดในโปรแกรมอ่าน PDF เพื่อพิมพ์)", "Meeting pack ready (opened in the PDF viewer to print)"), path)
		}
	})
}

func (w *MainWindow) onSaveCharts() {
	if w.ready() {
		w.chooseFolder(w.SaveCharts)
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
		if files, err = pack.SaveCharts(dir); err != nil {
			return err
		}
		return w.store.Log(ctx, "export", "database", 0, "meeting pack charts "+dir)
	}, func(err error) {
		if err == nil && len(files) > 0 {
			w.LastCharts = files
			w.showSaved(w.t.tr("บันทึกกราฟ ", "Saved ")+w.t.ni(len(files))+w.t.tr(" ภาพ (PNG 300 dpi)", " charts (PNG, 300 dpi)"), files[0])
		}
	})
}
