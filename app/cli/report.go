package cli

import (
	"fmt"
	"path/filepath"

	"qmdesk/app"
)

// meetingPack writes the meeting pack: qmdesk report --out FILE.pdf [--amphoe X]
// [--round N] [--png DIR] [--letter TEXT].
func (c *command) meetingPack(args []string) error {
	fs, db := c.flags("report")
	out := fs.String("out", "", "ไฟล์ PDF ที่จะเขียน")
	amphoe := fs.String("amphoe", "", "อำเภอ (รหัสหรือชื่อ): เอกสารของอำเภอเดียว")
	round := fs.Uint64("round", 0, "รอบ (ค่าเริ่มต้น: รอบปัจจุบัน)")
	pngDir := fs.String("png", "", "โฟลเดอร์สำหรับบันทึกกราฟเป็นภาพ PNG 300 dpi (สำหรับสไลด์)")
	letter := fs.String("letter", "", "หนังสือที่รายงานตาม (ค่าเริ่มต้น: "+app.DefaultLetter+")")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *out == "" && *pngDir == "" {
		return usageError{"ระบุไฟล์ที่จะเขียน: --out FILE.pdf (และ/หรือ --png DIR)"}
	}
	s, err := c.open(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	pack, err := c.progress(s).Pack(c.ctx, *round, *amphoe)
	if err != nil {
		return err
	}
	pack.Letter = *letter
	if *out != "" {
		if err := pack.WritePDF(*out); err != nil {
			return err
		}
		if err := s.Log(c.ctx, "export", "database", 0, "meeting pack "+filepath.Base(*out)); err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stdout, "เขียนเอกสารประชุมไว้ที่ %s\n", *out)
	}
	if *pngDir != "" {
		files, err := pack.SaveCharts(*pngDir)
		if err != nil {
			return err
		}
		if err := s.Log(c.ctx, "export", "database", 0, "meeting pack charts "+*pngDir); err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stdout, "บันทึกกราฟ %d ภาพไว้ที่ %s\n", len(files), *pngDir)
	}
	return nil
}
