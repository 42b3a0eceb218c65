package cli

import (
	"fmt"
	"strings"

	"qmdesk/app"
	"qmdesk/data"
)

// agency lists the partner agencies' work, or merges two names:
//
//	qmdesk agency [list] [--round N]
//	qmdesk agency merge FROM INTO
func (c *command) agency(args []string) error {
	sub, args := subcommand(args)
	switch sub {
	case "", "list":
		return c.agencyList(args)
	case "merge":
		return c.agencyMerge(args)
	case "unmerge":
		return c.agencyUnmerge(args)
	}
	return usageError{fmt.Sprintf("ไม่รู้จักคำสั่ง agency %s (ใช้ได้: agency list, agency merge FROM INTO, agency unmerge FROM)", sub)}
}

func (c *command) agencyList(args []string) error {
	fs, db := c.flags("agency list")
	round := fs.Uint64("round", 0, "รอบ (ค่าเริ่มต้น: รอบปัจจุบัน)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	s, _, err := c.openProvince(*db, true)
	if err != nil {
		return err
	}
	defer s.Close()
	lines, err := app.Agencies(c.ctx, s, *round, "")
	if err != nil {
		return err
	}
	rows := [][]string{{data.HeaderAgency.Thai, data.WordProblemsHelped.Thai, data.WordSolvedTotal.Counting(data.UnitProblems).Thai, data.HeaderBudget.Thai, "ชื่อที่พิมพ์ไว้"}}
	for _, l := range lines {
		rows = append(rows, []string{l.Name, num(l.Totals.Problems), num(l.Totals.Solved), num(l.Totals.Budget), strings.Join(l.Spellings, " · ")})
	}
	fmt.Fprintln(c.env.Stdout, data.WordAgencyReport.Thai)
	printTable(c.env.Stdout, rows)
	aliases, err := s.AgencyAliases(c.ctx)
	if err != nil {
		return err
	}
	if len(aliases) > 0 {
		fmt.Fprintln(c.env.Stdout, "\nชื่อที่รวมไว้:")
		for _, m := range aliases.Sorted() {
			fmt.Fprintf(c.env.Stdout, "  %s → %s\n", m[0], m[1])
		}
	}
	return nil
}

func (c *command) agencyMerge(args []string) error {
	fs, db := c.flags("agency merge")
	names, err := parseAny(fs, args)
	if err != nil {
		return err
	}
	if len(names) != 2 {
		return usageError{"ใช้: qmdesk agency merge \"ชื่อที่จะรวม\" \"ชื่อที่ใช้\" (ใส่เครื่องหมายคำพูดรอบชื่อที่มีช่องว่าง)"}
	}
	s, _, err := c.openProvince(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.MergeAgency(c.ctx, names[0], names[1]); err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "รวมชื่อแล้ว: '%s' นับเป็น '%s' ในรายงาน%s (ประวัติการช่วยเหลือยังใช้ชื่อเดิม)\n", data.CleanText(names[0]), data.ExpandAgency(names[1]), data.WordAgencyReport.Thai)
	return nil
}

func (c *command) agencyUnmerge(args []string) error {
	fs, db := c.flags("agency unmerge")
	names, err := parseAny(fs, args)
	if err != nil {
		return err
	}
	if len(names) != 1 {
		return usageError{"ใช้: qmdesk agency unmerge \"ชื่อที่รวมไว้\""}
	}
	s, _, err := c.openProvince(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.UnmergeAgency(c.ctx, names[0]); err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "ยกเลิกการรวมแล้ว: '%s' นับแยกอีกครั้ง\n", data.CleanText(names[0]))
	return nil
}
