package ui

import (
	"context"
)

// refreshUnits puts the province's municipalities after the amphoe in the
// follow-up choice: a municipality's workbook holds its own households.
func (s *exportScreen) refreshUnits() {
	w, t := s.w, s.w.t
	units := w.facts.units
	s.units = units
	opts := []string{t.tr("ทุกอำเภอและเทศบาล (หนึ่งไฟล์ต่ออำเภอ/เทศบาล)", "Every amphoe and municipality (one file each)")}
	opts = append(opts, t.places(s.amphoes)...)
	for _, u := range units {
		opts = append(opts, u.Name)
	}
	sel := s.FollowAmphoe.SelectedIndex()
	s.FollowAmphoe.SetOptions(opts)
	if sel >= len(opts) {
		s.FollowAmphoe.SetSelectedIndex(0)
	}
}

func (s *exportScreen) onFollowUpUnit(i int) {
	w, t := s.w, s.w.t
	if i < 0 || i >= len(s.units) {
		return
	}
	u := s.units[i]
	w.chooseSavePath(t.tr("ติดตาม-", "followup-")+u.Name+"-"+w.today().Key()+".xlsx", []string{".xlsx"}, func(path string) { s.ExportFollowUpUnit(u.Code, path) })
}

// ExportFollowUpUnit writes one municipality's follow-up workbook to path.
func (s *exportScreen) ExportFollowUpUnit(code, path string) {
	w := s.w
	s.export(w.t.tr("กำลังบันทึกไฟล์ติดตาม", "Saving the follow-up workbook"), path, func(ctx context.Context) error {
		_, err := w.exporter.FollowUpUnit(ctx, code, path, s.Unmask.Checked)
		return err
	})
}
