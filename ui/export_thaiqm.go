package ui

import "context"

// onThaiQM asks where to save the workbook of what is not yet keyed into
// ThaiQM, for the amphoe chosen in FollowAmphoe (or every amphoe).
func (s *ExportScreen) onThaiQM() {
	w, t := s.w, s.w.t
	area, name := "", t.tr("ทุกอำเภอ", "all")
	if i := s.FollowAmphoe.SelectedIndex() - 1; i >= 0 {
		area, name = s.amphoes[i].Code, s.amphoes[i].Thai
	}
	w.chooseSavePath("ThaiQM-"+name+"-"+w.today().Key()+".xlsx", []string{".xlsx"}, func(path string) { s.ExportThaiQM(area, path) })
}

// ExportThaiQM writes the workbook of area's results not yet keyed into
// ThaiQM ("" every amphoe) to path, IDs masked unless Unmask is ticked.
func (s *ExportScreen) ExportThaiQM(area, path string) {
	w := s.w
	s.export(w.t.tr("กำลังบันทึกรายการที่รอบันทึก ThaiQM", "Saving what is not yet keyed into ThaiQM"), path, func(ctx context.Context) error {
		_, err := w.exporter.ThaiQMWorkbook(ctx, path, area, s.Unmask.Checked)
		return err
	})
}
