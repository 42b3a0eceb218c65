package cli

import (
	"fmt"

	"qmdesk/app"
	"qmdesk/data"
)

// thaiQM lists what is not yet keyed into ThaiQM, or marks an amphoe's
// results as keyed:
//
//	qmdesk thaiqm [list]
//	qmdesk thaiqm mark --amphoe X --on DATE [--before DATE]
func (c *command) thaiQM(args []string) error {
	sub, args := subcommand(args)
	switch sub {
	case "", "list":
		return c.thaiQMList(args)
	case "mark":
		return c.thaiQMMark(args)
	}
	return usageError{fmt.Sprintf("ไม่รู้จักคำสั่ง thaiqm %s (ใช้ได้: thaiqm list, thaiqm mark --amphoe X --on DATE)", sub)}
}

func (c *command) thaiQMList(args []string) error {
	fs, db := c.flags("thaiqm list")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	s, _, err := c.openProvince(*db, true)
	if err != nil {
		return err
	}
	defer s.Close()
	sum, err := c.progress(s).Summarize(c.ctx, 0, "")
	if err != nil {
		return err
	}
	head := []string{"อำเภอ"}
	for _, h := range data.ThaiQMHeads() {
		head = append(head, h.Thai)
	}
	rows := [][]string{head}
	line := func(name string, t app.ThaiQMTally) []string {
		r := []string{name}
		for _, n := range t.Figures() {
			r = append(r, num(n))
		}
		return r
	}
	for _, a := range sum.ThaiQM.Parts {
		rows = append(rows, line(a.Name, a.Totals))
	}
	rows = append(rows, line(app.ReXRayAll, sum.ThaiQM.Totals))
	fmt.Fprintf(c.env.Stdout, "%s · รอบ %s · ข้อมูล ณ %s\n", data.WordThaiQMNotKeyed.Thai, sum.Round.Name, data.FormatBE(sum.AsOf))
	printTable(c.env.Stdout, rows)
	return nil
}

func (c *command) thaiQMMark(args []string) error {
	fs, db := c.flags("thaiqm mark")
	amphoe := fs.String("amphoe", "", "อำเภอ (รหัสหรือชื่อ) หรือตำบล")
	on := fs.String("on", "", "วันที่อำเภอบันทึกผลใน ThaiQM (พ.ศ.) เช่น \""+data.FormatBE(c.env.Clock.Today())+"\"")
	before := fs.String("before", "", "เฉพาะผลที่แก้ไขครั้งล่าสุดไม่เกินวันนี้ (พ.ศ.; ค่าเริ่มต้น: ทั้งหมด)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *amphoe == "" || *on == "" {
		return usageError{"ระบุ --amphoe และ --on เช่น qmdesk thaiqm mark --amphoe กุดจับ --on \"" + data.FormatBE(c.env.Clock.Today()) + "\""}
	}
	day, err := data.ParseThaiDate(*on)
	if err != nil {
		return err
	}
	var upTo data.Date
	if *before != "" {
		if upTo, err = data.ParseThaiDate(*before); err != nil {
			return err
		}
	}
	s, m, err := c.openProvince(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	area, err := c.progress(s).ResolveArea(m.Province, *amphoe)
	if err != nil {
		return err
	}
	if area == "" {
		return usageError{"ระบุอำเภอหรือตำบลที่จะบันทึก (--amphoe)"}
	}
	n, err := app.MarkThaiQMArea(c.ctx, s, area, upTo, day)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "%s %s: %s ปัญหา (วันที่ %s)\n", data.HeaderThaiQM.Thai, area, num(int64(n)), data.FormatBE(day))
	return nil
}

// exportThaiQM writes the workbook of the results not yet keyed into
// ThaiQM: every amphoe's and municipality's, one amphoe's (--amphoe) or
// one municipality's (--unit).
func (c *command) exportThaiQM(e *app.Exporter, amphoe, unit, out string, unmask bool) error {
	area := ""
	if unit != "" {
		u, err := e.Progress.ResolveUnit(c.ctx, unit)
		if err != nil {
			return err
		}
		area = u.Code
	} else if amphoe != "" {
		m, err := e.Store.Meta(c.ctx)
		if err != nil {
			return err
		}
		if area, err = e.Progress.ResolveArea(m.Province, amphoe); err != nil {
			return err
		}
	}
	n, err := e.ThaiQMWorkbook(c.ctx, out, area, unmask)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "เขียนรายการที่รอบันทึก ThaiQM %s รายการไว้ที่ %s\n", num(int64(n)), out)
	return nil
}
