package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"

	"qmdesk/app"
	"qmdesk/data"
)

// summaryJSON is the shape `qmdesk summary --json` promises.
type summaryJSON struct {
	Province       string     `json:"province"`
	ProvinceName   string     `json:"province_name"`
	Round          string     `json:"round"`
	RoundID        uint64     `json:"round_id"`
	AsOf           data.Date  `json:"as_of"`
	Start          data.Date  `json:"start"`
	Deadline       data.Date  `json:"deadline"`
	DaysLeft       int        `json:"days_left"`
	DaysOverdue    int        `json:"days_overdue"`
	DaysSinceStart int        `json:"days_since_start"`
	PerDayNeeded   int64      `json:"per_day_needed"`
	RoundEnded     bool       `json:"round_ended"`
	OpenAtDeadline int64      `json:"open_at_deadline"`        // once the round ended
	ResolvedSince  int64      `json:"resolved_since_deadline"` // once the round ended
	Totals         app.Tally  `json:"totals"`
	Amphoe         []app.Area `json:"amphoe"`
	Tambon         []app.Area `json:"tambon,omitempty"` // with --amphoe
}

func (c *command) summary(args []string) error {
	fs, db := c.flags("summary")
	amphoe := fs.String("amphoe", "", "อำเภอ (รหัสหรือชื่อ) หรือตำบล")
	round := fs.Uint64("round", 0, "รอบ (ค่าเริ่มต้น: รอบปัจจุบัน)")
	asJSON := fs.Bool("json", false, "พิมพ์เป็น JSON")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	s, m, err := c.openProvince(*db, true)
	if err != nil {
		return err
	}
	defer s.Close()
	prog := c.progress(s)
	area, err := prog.ResolveArea(m.Province, *amphoe)
	if err != nil {
		return err
	}
	sum, err := prog.Summarize(c.ctx, *round, area)
	if err != nil {
		return err
	}
	// The province view lists amphoe; an amphoe view lists that amphoe and
	// its tambon; a tambon view lists its amphoe's line for that tambon.
	out := summaryJSON{
		Province: sum.ProvinceCode, ProvinceName: sum.ProvinceName, Round: sum.Round.Name, RoundID: sum.Round.ID,
		AsOf: sum.AsOf, Start: sum.Round.Start, Deadline: sum.Round.Deadline,
		DaysLeft: sum.Countdown.DaysLeft, DaysOverdue: sum.Countdown.DaysOverdue, DaysSinceStart: sum.Countdown.DaysSinceStart,
		PerDayNeeded: sum.Countdown.PerDayNeeded, Totals: sum.Area.Totals, Amphoe: sum.Parts,
		RoundEnded: sum.Countdown.Ended, OpenAtDeadline: sum.Countdown.OpenAtDeadline, ResolvedSince: sum.Countdown.ResolvedSince,
	}
	if area != "" {
		out.Amphoe, out.Tambon = []app.Area{sum.Area}, sum.Parts
	}
	if *asJSON {
		enc := json.NewEncoder(c.env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printSummary(c.env.Stdout, sum, area != "")
	return nil
}

func printSummary(w io.Writer, s app.Summary, byTambon bool) {
	fmt.Fprintf(w, "%s · รอบ %s · ข้อมูล ณ %s\n", s.Area.Name, s.Round.Name, data.FormatBE(s.AsOf))
	fmt.Fprintln(w, app.CountdownText(s.Round, s.Countdown))
	fmt.Fprintln(w)
	part := "อำเภอ"
	if byTambon {
		part = "ตำบล"
	}
	rows := [][]string{{part, "ครัวเรือน", "เป้าหมาย", "แก้ไขแล้ว", "แก้ไขเอง", "กำลังทำ", "ยังไม่ทำ", "ยุติ", "%แก้ไข", "เร่งด่วน", "เลยกำหนด"}}
	line := func(name string, t app.Tally) []string {
		return []string{name, num(t.Households), num(t.Target), num(t.Solved), num(t.SelfSolved), num(t.InProgress), num(t.NotStarted), num(t.Closed), data.FormatPercent(t.PercentSolved), num(t.UrgentOpen), num(t.Overdue)}
	}
	for _, a := range s.Parts {
		rows = append(rows, line(a.Name, a.Totals))
	}
	rows = append(rows, line("รวม", s.Area.Totals))
	printTable(w, rows)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "ร้อยละที่แก้ไขแล้ว (เป้าหมาย) รายด้าน:")
	head := []string{part}
	for _, c := range data.Categories {
		head = append(head, fmt.Sprintf("ด้าน %d", c))
	}
	rows = [][]string{head}
	cats := func(name string, m map[data.Category]app.Tally) []string {
		r := []string{name}
		for _, c := range data.Categories {
			t := m[c]
			r = append(r, fmt.Sprintf("%s (%s)", data.FormatPercent(t.PercentSolved), num(t.Target)))
		}
		return r
	}
	for _, a := range s.Parts {
		rows = append(rows, cats(a.Name, a.Categories))
	}
	rows = append(rows, cats("รวม", s.Area.Categories))
	printTable(w, rows)
	fmt.Fprint(w, "ด้าน:")
	for _, c := range data.Categories {
		fmt.Fprintf(w, " %d %s;", c, c.Thai())
	}
	fmt.Fprintln(w)
}

func num(n int64) string { return data.FormatNumber(n) }

// printTable aligns columns by what a terminal shows: Thai vowel and tone
// marks take no column of their own.
func printTable(w io.Writer, rows [][]string) {
	widths := map[int]int{}
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, cell := range r {
			pad := strings.Repeat(" ", widths[i]-displayWidth(cell))
			if i == 0 {
				b.WriteString(cell + pad)
			} else {
				b.WriteString("  " + pad + cell)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.Is(unicode.Mn, r) {
			n++
		}
	}
	return n
}
