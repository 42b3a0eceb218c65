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
	Province       string                      `json:"province"`
	ProvinceName   string                      `json:"province_name"`
	Round          string                      `json:"round"`
	RoundID        uint64                      `json:"round_id"`
	AsOf           data.Date                   `json:"as_of"`
	Start          data.Date                   `json:"start"`
	Deadline       data.Date                   `json:"deadline"`
	DaysLeft       int                         `json:"days_left"`
	DaysOverdue    int                         `json:"days_overdue"`
	DaysSinceStart int                         `json:"days_since_start"`
	PerDayNeeded   int64                       `json:"per_day_needed"`
	RoundEnded     bool                        `json:"round_ended"`
	OpenAtDeadline int64                       `json:"open_at_deadline"`        // once the round ended
	ResolvedSince  int64                       `json:"resolved_since_deadline"` // once the round ended
	SolvedSince    int64                       `json:"solved_since_deadline"`   // the part of it solved, not closed
	Totals         app.Tally                   `json:"totals"`
	Categories     map[data.Category]app.Tally `json:"categories"` // the scope's, by category
	Amphoe         []app.Area                  `json:"amphoe"`
	Tambon         []app.Area                  `json:"tambon,omitempty"` // with --amphoe
	ReXRay         reXRayJSON                  `json:"rexray"`
	NewCases       newCasesJSON                `json:"new_cases"`
	// LetterHouseholds is the letter's national households per category
	// beside the scope's: the pack's first table.
	LetterHouseholds map[data.Category]app.LetterRow `json:"letter_households"`
	Agencies         []app.AgencyLine                `json:"agencies"` // the round's partner agencies, province-wide
	ThaiQM           thaiQMJSON                      `json:"thaiqm"`
	// Units are the municipalities' progress (the province's: every one
	// of the list; with --unit: that one), beside the amphoe, never added
	// to them.
	Units []app.Area `json:"units"`
}

// reXRayJSON is the Re-X-Ray result of the scope, its categories and its
// parts (amphoe, or tambon with --amphoe), counted in problems.
type reXRayJSON struct {
	Totals     app.ReXRayTally                   `json:"totals"`
	Categories map[data.Category]app.ReXRayTally `json:"categories"`
	Amphoe     []app.ReXRayArea                  `json:"amphoe,omitempty"`
	Tambon     []app.ReXRayArea                  `json:"tambon,omitempty"` // with --amphoe
}

func (c *command) summary(args []string) error {
	fs, db := c.flags("summary")
	amphoe := fs.String("amphoe", "", "อำเภอ (รหัสหรือชื่อ) หรือตำบล")
	round := fs.Uint64("round", 0, "รอบ (ค่าเริ่มต้น: รอบปัจจุบัน)")
	unit := fs.String("unit", "", data.WordMunicipality.Thai+" (ชื่อ)")
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
	if *unit != "" {
		if area != "" {
			return usageError{"ใช้ --amphoe หรือ --unit อย่างใดอย่างหนึ่ง"}
		}
		u, err := prog.ResolveUnit(c.ctx, *unit)
		if err != nil {
			return err
		}
		area = u.Code
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
		PerDayNeeded: sum.Countdown.PerDayNeeded, Totals: sum.Area.Totals, Categories: sum.Area.Categories, Amphoe: sum.Parts,
		RoundEnded: sum.Countdown.Ended, OpenAtDeadline: sum.Countdown.OpenAtDeadline, ResolvedSince: sum.Countdown.ResolvedSince, SolvedSince: sum.Countdown.SolvedSince,
	}
	out.LetterHouseholds = app.LetterTable(sum)
	out.ReXRay = reXRayJSON{Totals: sum.ReXRay.Totals, Categories: sum.ReXRay.Categories, Amphoe: sum.ReXRay.Parts}
	out.NewCases = newCasesOf(sum.NewCases, area != "" && !data.IsUnitCode(area))
	out.Units = sum.Units
	if out.Units == nil {
		out.Units = []app.Area{} // none kept, or a scope without them (--amphoe)
	}
	switch {
	case data.IsUnitCode(area):
		out.Amphoe, out.Units = []app.Area{}, []app.Area{sum.Area}
		out.ReXRay.Amphoe = nil
	case area != "":
		out.Amphoe, out.Tambon = []app.Area{sum.Area}, sum.Parts
		out.ReXRay.Amphoe, out.ReXRay.Tambon = nil, sum.ReXRay.Parts
	}
	out.ThaiQM = thaiQMOf(sum, area != "" && !data.IsUnitCode(area))
	if *asJSON {
		if out.Agencies, err = app.Agencies(c.ctx, s, sum.Round.ID, ""); err != nil {
			return err
		}
		enc := json.NewEncoder(c.env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printSummary(c.env.Stdout, sum, area != "")
	printUnits(c.env.Stdout, sum)
	printThaiQM(c.env.Stdout, sum)
	return nil
}

// printUnits is the municipalities' table under the province's summary.
func printUnits(w io.Writer, s app.Summary) {
	if len(s.Units) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, data.WordMunicipality.Thai+" ("+data.WordUnitsBesideAmphoe.Thai+")")
	head := []string{data.WordMunicipality.Thai}
	for _, col := range app.Columns {
		head = append(head, col.Head.Thai)
	}
	// Each urgent kind apart, as the amphoe table and every other output.
	for _, k := range s.UrgentKinds {
		head = append(head, app.UrgentColumn(k).Thai)
	}
	rows := [][]string{head}
	for _, a := range s.Units {
		r := []string{a.Name}
		for _, col := range app.Columns {
			r = append(r, col.Text(a.Totals))
		}
		for _, k := range s.UrgentKinds {
			r = append(r, num(a.Categories[k.Category].UrgentOpen))
		}
		rows = append(rows, r)
	}
	printTable(w, rows)
}

func printSummary(w io.Writer, s app.Summary, byTambon bool) {
	fmt.Fprintf(w, "%s · รอบ %s · ข้อมูล ณ %s\n", s.Area.Name, s.Round.Name, data.FormatBE(s.AsOf))
	fmt.Fprintln(w, app.CountdownText(s.Round, s.Countdown))
	fmt.Fprintln(w)
	part := "อำเภอ"
	if byTambon {
		part = "ตำบล"
	}
	if data.IsUnitCode(s.Area.Code) {
		part = data.WordMunicipality.Thai
	}
	// The columns of every progress table, and each urgent kind apart.
	head := []string{part}
	for _, col := range app.Columns {
		head = append(head, col.Head.Thai)
	}
	kinds := s.UrgentKinds
	for _, k := range kinds {
		head = append(head, app.UrgentColumn(k).Thai)
	}
	rows := [][]string{head}
	line := func(name string, a app.Area) []string {
		r := []string{name}
		for _, col := range app.Columns {
			r = append(r, col.Text(a.Totals))
		}
		for _, k := range kinds {
			r = append(r, num(a.Categories[k.Category].UrgentOpen))
		}
		return r
	}
	for _, a := range s.Parts {
		rows = append(rows, line(a.Name, a))
	}
	rows = append(rows, line("รวม", s.Area))
	printTable(w, rows)
	fmt.Fprintln(w)
	fmt.Fprintln(w, data.PercentSolvedHead().Thai+" และ"+data.WordTarget.Thai+" รายด้าน:")
	head = []string{part}
	for _, c := range data.Categories {
		head = append(head, c.ShortLabel())
	}
	rows = [][]string{head}
	cats := func(name string, m map[data.Category]app.Tally) []string {
		r := []string{name}
		for _, c := range data.Categories {
			t := m[c]
			r = append(r, fmt.Sprintf("%s (%s)", app.PercentText(t), num(t.Target)))
		}
		return r
	}
	for _, a := range s.Parts {
		rows = append(rows, cats(a.Name, a.Categories))
	}
	rows = append(rows, cats("รวม", s.Area.Categories))
	printTable(w, rows)
	fmt.Fprintln(w, data.WordSolvedTotalMeans.Thai+" · "+data.WordPercentMeans.Thai)
	for _, c := range data.Categories {
		fmt.Fprintln(w, c.Label())
	}
}

func num(n int64) string { return data.FormatNumber(n) }

// printTable aligns columns by what a terminal shows: Thai vowel and tone
// marks take no column of their own. The first row is the header: a
// column is as wide as its widest cell or its header's longest word, and
// the header wraps between words over as many lines as it needs.
func printTable(w io.Writer, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	measure := func(s string) float64 { return float64(displayWidth(s)) }
	widths := map[int]int{}
	for i, h := range rows[0] {
		// A short header stays on one line; a long one wraps between words.
		widths[i] = max(int(data.LongestPiece(h, measure)), min(displayWidth(h), 12))
	}
	for _, r := range rows[1:] {
		for i, cell := range r {
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	// The header's lines, column by column.
	var head [][]string
	for i, h := range rows[0] {
		head = append(head, data.Wrap(h, float64(widths[i]), measure))
	}
	height := 0
	for _, lines := range head {
		height = max(height, len(lines))
	}
	var table [][]string
	for l := 0; l < height; l++ {
		line := make([]string, len(head))
		for i, lines := range head {
			if off := l - (height - len(lines)); off >= 0 { // headers sit on the bottom line
				line[i] = lines[off]
			}
		}
		table = append(table, line)
	}
	table = append(table, rows[1:]...)
	for _, r := range table {
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
