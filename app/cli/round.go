package cli

import (
	"fmt"
	"strconv"

	"qmdesk/data"
)

// round lists the rounds, or starts, chooses or fills one:
//
//	qmdesk round
//	qmdesk round new --name N --start "1 ต.ค. 2569" --deadline "30 ก.ย. 2570" [--carry] [--survey-year 2565]
//	qmdesk round use N
//	qmdesk round carry --from N [--to M]
func (c *command) round(args []string) error {
	sub, args := subcommand(args)
	switch sub {
	case "", "list":
		return c.roundList(args)
	case "new":
		return c.roundNew(args)
	case "use":
		return c.roundUse(args)
	case "carry":
		return c.roundCarry(args)
	}
	return usageError{fmt.Sprintf("ไม่รู้จักคำสั่ง round %s (ใช้ได้: round, round new, round use, round carry)", sub)}
}

func (c *command) roundList(args []string) error {
	fs, db := c.flags("round")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	s, m, err := c.openProvince(*db, true)
	if err != nil {
		return err
	}
	defer s.Close()
	rounds, err := s.Rounds(c.ctx)
	if err != nil {
		return err
	}
	today := c.env.Clock.Today()
	rows := [][]string{{"รอบที่", "ชื่อ", "เริ่มบันทึกผล", "ครบกำหนด", "ปัญหา", "ยังค้าง", "ยกไปรอบใหม่", "สถานะ"}}
	for _, r := range rounds {
		sum, err := c.progress(s).Summarize(c.ctx, r.ID, "")
		if err != nil {
			return err
		}
		state := "กำลังบันทึกผล"
		switch {
		case today.Before(r.Start):
			state = "ยังไม่เริ่ม"
		case today.After(r.Deadline):
			state = fmt.Sprintf("สิ้นสุดแล้ว (%s วันที่แล้ว)", num(int64(r.Deadline.DaysUntil(today))))
		}
		if r.ID == m.DefaultRound {
			state += " · รอบปัจจุบัน"
		}
		rows = append(rows, []string{strconv.FormatUint(r.ID, 10), r.Name, data.FormatBE(r.Start), data.FormatBE(r.Deadline),
			num(sum.Area.Totals.Target), num(sum.Area.Totals.Open()), num(sum.Area.Totals.Carried), state})
	}
	printTable(c.env.Stdout, rows)
	return nil
}

func (c *command) roundNew(args []string) error {
	fs, db := c.flags("round new")
	fyStart, fyEnd := data.FiscalYearOf(c.env.Clock.Today())
	example := fmt.Sprintf("--name \"ติดตามต่อเนื่อง %d\" --start \"%s\" --deadline \"%s\"", data.FiscalYearBE(fyStart), data.FormatBE(fyStart), data.FormatBE(fyEnd))
	name := fs.String("name", "", "ชื่อรอบ เช่น \"ติดตามต่อเนื่อง "+strconv.Itoa(data.FiscalYearBE(fyStart))+"\"")
	start := fs.String("start", "", "วันเริ่มบันทึกผล (พ.ศ.) เช่น \""+data.FormatBE(fyStart)+"\"")
	deadline := fs.String("deadline", "", "วันครบกำหนด (พ.ศ.) เช่น \""+data.FormatBE(fyEnd)+"\"")
	carry := fs.Bool("carry", false, "ยกปัญหาที่ยังค้างของรอบปัจจุบันมาติดตามต่อในรอบใหม่ (ประวัติยังอยู่ครบ)")
	survey := fs.Int("survey-year", 0, "ปีที่สำรวจ (พ.ศ.) ที่รอบนี้ติดตาม (ค่าเริ่มต้น: เหมือนรอบปัจจุบัน)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	r := data.Round{Name: *name, SurveyYear: *survey}
	var err error
	if r.Start, err = data.ParseThaiDate(*start); err != nil {
		return err
	}
	if r.Deadline, err = data.ParseThaiDate(*deadline); err != nil {
		return err
	}
	if *name == "" || r.Start.IsZero() || r.Deadline.IsZero() {
		return usageError{"ระบุ --name, --start และ --deadline เช่น qmdesk round new " + example + " --carry"}
	}
	s, m, err := c.openProvince(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	prev, err := s.Round(c.ctx, m.DefaultRound)
	if err != nil {
		return err
	}
	if r.SurveyYear == 0 {
		r.SurveyYear = prev.SurveyYear
	}
	from := uint64(0)
	if *carry {
		from = prev.ID
	}
	n, err := s.StartRound(c.ctx, &r, from)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "เพิ่มรอบที่ %d %s แล้ว: บันทึกผลตั้งแต่ %s ครบกำหนด %s · เป็นรอบปัจจุบัน (หน้าภาพรวมและการนำเข้าใช้รอบนี้)\n",
		r.ID, r.Name, data.FormatBE(r.Start), data.FormatBE(r.Deadline))
	if *carry {
		fmt.Fprintf(c.env.Stdout, "ยกปัญหาที่ยังค้างจากรอบ %s มาติดตามต่อ %s ปัญหา (ประวัติเดิมยังอยู่ รอบเดิมคงตัวเลขไว้ตามเดิม)\n", prev.Name, num(int64(n)))
	}
	return nil
}

func (c *command) roundUse(args []string) error {
	fs, db := c.flags("round use")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	id, err := strconv.ParseUint(pos[0], 10, 64)
	if err != nil {
		return usageError{"ระบุเลขรอบ เช่น qmdesk round use 2 (ดูได้จาก qmdesk round)"}
	}
	s, err := c.open(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.SetCurrentRound(c.ctx, id); err != nil {
		return err
	}
	r, _ := s.Round(c.ctx, id)
	fmt.Fprintf(c.env.Stdout, "รอบปัจจุบันคือ %s แล้ว\n", r.Name)
	return nil
}

func (c *command) roundCarry(args []string) error {
	fs, db := c.flags("round carry")
	from := fs.Uint64("from", 0, "รอบที่ยกปัญหาที่ยังค้างออกมา")
	to := fs.Uint64("to", 0, "รอบที่รับไปติดตามต่อ (ค่าเริ่มต้น: รอบปัจจุบัน)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *from == 0 {
		return usageError{"ระบุรอบที่ยกปัญหาออกมา: --from N (ดูได้จาก qmdesk round)"}
	}
	s, m, err := c.openProvince(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	if *to == 0 {
		*to = m.DefaultRound
	}
	n, err := s.CarryOver(c.ctx, *from, *to)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "ยกปัญหาที่ยังค้างมาติดตามต่อ %s ปัญหา\n", num(int64(n)))
	return nil
}

// subcommand splits "qmdesk round start --x" into its subcommand ("start";
// "" when the first argument is a flag or there is none) and the rest.
func subcommand(args []string) (string, []string) {
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		return args[0], args[1:]
	}
	return "", args
}
