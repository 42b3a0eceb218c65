package ui

import "context"

// onThaiQM asks where to save the workbook of what is not yet keyed into
// ThaiQM, for the amphoe or municipality chosen in FollowAmphoe (or every
// amphoe and municipality).
func (s *exportScreen) onThaiQM() {
	w, t := s.w, s.w.t
	area, name := "", t.tr("ทุกอำเภอ", "all")
	switch i := s.FollowAmphoe.SelectedIndex() - 1; {
	case i >= 0 && i < len(s.amphoes):
		area, name = s.amphoes[i].Code, s.amphoes[i].Thai
	case i >= len(s.amphoes) && i-len(s.amphoes) < len(s.units):
		u := s.units[i-len(s.amphoes)]
		area, name = u.Code, u.Name
	}
	w.chooseSavePath("ThaiQM-"+name+"-"+w.today().Key()+".xlsx", []string{".xlsx"}, func(path string) { s.ExportThaiQM(area, path) })
}

// ExportThaiQM writes the workbook of area's results not yet keyed into
// ThaiQM ("" every amphoe) to path, IDs masked unless Unmask is ticked.
func (s *exportScreen) ExportThaiQM(area, path string) {
	w := s.w
	s.export(w.t.tr("กำลังบันทึกรายการที่รอบันทึก ThaiQM", "Saving what is not yet keyed into ThaiQM"), path, func(ctx context.Context) error {
		_, err := w.exporter.ThaiQMWorkbook(ctx, path, area, s.Unmask.Checked)
		return err
	})
}
