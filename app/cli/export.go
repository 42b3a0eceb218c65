package cli

import (
	"fmt"

	"qmdesk/app"
)

func (c *command) export(args []string) error {
	if len(args) == 0 {
		return usageError{"ระบุสิ่งที่จะส่งออก: template, followup, summary, full หรือ thaiqm"}
	}
	kind, args := args[0], args[1:]
	fs, db := c.flags("export " + kind)
	amphoe := fs.String("amphoe", "", "อำเภอ (รหัสหรือชื่อ) สำหรับ followup")
	all := fs.Bool("all", false, "followup: ทุกอำเภอ (และทุกเทศบาล) ลงโฟลเดอร์ที่ระบุ")
	unit := fs.String("unit", "", "เทศบาล (ชื่อ) สำหรับ followup")
	unmask := fs.Bool("unmask", false, "แสดงเลขประจำตัวประชาชนและข้อมูลส่วนบุคคลเต็ม (บันทึกในประวัติการใช้งาน)")
	pwFlags := addPasswordFlags(fs)
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	password, err := c.password(pwFlags, true)
	if err != nil {
		return err
	}
	if password != "" && kind != "full" {
		return usageError{"รหัสผ่านใช้ได้กับ export full เท่านั้น"}
	}
	out := pos[0]
	s, err := c.open(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	prog := c.progress(s)
	e := &app.Exporter{Store: s, Geo: c.env.Geo, Progress: prog}
	switch kind {
	case "template":
		err = e.Template(c.ctx, out)
	case "summary":
		err = e.Summary(c.ctx, out)
	case "full":
		err = e.Full(c.ctx, out, *unmask, password)
	case "followup":
		if *all {
			files, err := e.FollowUpAll(c.ctx, out, *unmask)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "เขียนแบบติดตาม %d ไฟล์ (รายอำเภอและรายเทศบาล) ไว้ที่ %s\n", len(files), out)
			return nil
		}
		if *unit != "" {
			u, err := prog.ResolveUnit(c.ctx, *unit)
			if err != nil {
				return err
			}
			n, err := e.FollowUpUnit(c.ctx, u.Code, out, *unmask)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.env.Stdout, "เขียนแบบติดตาม %d รายการไว้ที่ %s\n", n, out)
			return nil
		}
		m, err := s.Meta(c.ctx)
		if err != nil {
			return err
		}
		code, err := prog.ResolveArea(m.Province, *amphoe)
		if err != nil {
			return err
		}
		if len(code) != 4 {
			return usageError{"followup ต้องระบุอำเภอ: --amphoe X หรือเทศบาล: --unit ชื่อ (หรือ --all สำหรับทุกอำเภอและเทศบาล)"}
		}
		n, err := e.FollowUp(c.ctx, code, out, *unmask)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stdout, "เขียนแบบติดตาม %d รายการไว้ที่ %s\n", n, out)
		return nil
	case "thaiqm":
		return c.exportThaiQM(e, *amphoe, *unit, out, *unmask)
	default:
		return usageError{"ส่งออกได้: template, followup, summary, full, thaiqm"}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "เขียนไฟล์ไว้ที่ %s\n", out)
	return nil
}
