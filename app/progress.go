// Package app holds qmdesk's use cases: progress and deadlines, demo data,
// and (in later work) imports, exports and reports. It depends on the
// domain in data and on nothing that draws or stores.
package app

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"qmdesk/data"
)

// Tally is what ministry dashboards show for one scope.
type Tally struct {
	Households    int64   `json:"households"`
	Target        int64   `json:"target"`      // every problem of the round
	Solved        int64   `json:"solved"`      // แก้ไขแล้ว: solved with help
	SelfSolved    int64   `json:"self_solved"` // แก้ไขได้ด้วยตนเอง
	InProgress    int64   `json:"in_progress"`
	NotStarted    int64   `json:"not_started"`
	Closed        int64   `json:"closed"`         // ยุติ
	SolvedTotal   int64   `json:"solved_total"`   // แก้ไขสำเร็จ: solved + self-solved (data.WordSolvedTotal)
	PercentSolved float64 `json:"percent_solved"` // see Tally.finish
	UrgentOpen    int64   `json:"urgent_open"`
	Overdue       int64   `json:"overdue"`
	Carried       int64   `json:"carried"` // open problems carried into a later round, where their work goes on
}

// HasPercent tells whether t has a percentage solved: some problem of
// the round that is not closed (its denominator). Without one the
// percentage is none, not 0: tables print NoPercent and JSON null.
func (t Tally) HasPercent() bool { return t.Target-t.Closed > 0 }

// NoPercent is what a table prints for a percentage without a
// denominator (a district with no problem in a category, or all closed):
// the dash the meeting pack prints for a figure it does not give, not
// "0.0%", which would read as a district that solved nothing.
const NoPercent = "–"

// PercentText is t's percentage solved as tables write it: "42.5%", or
// NoPercent when it has none.
func PercentText(t Tally) string {
	if !t.HasPercent() {
		return NoPercent
	}
	return data.FormatPercent(t.PercentSolved)
}

// MarshalJSON writes t with percent_solved null when t has no
// percentage (HasPercent), so that a program reading the figures does
// not take it for 0%.
func (t Tally) MarshalJSON() ([]byte, error) {
	type plain Tally // without this method
	var out struct {
		plain
		PercentSolved *float64 `json:"percent_solved"`
	}
	out.plain = plain(t)
	if t.HasPercent() {
		out.PercentSolved = &t.PercentSolved
	}
	return json.Marshal(out)
}

// Open returns the problems still needing work.
func (t Tally) Open() int64 { return t.InProgress + t.NotStarted }

func (t *Tally) addStatus(s data.Status, n int64) {
	t.Target += n
	switch s {
	case data.Solved:
		t.Solved += n
	case data.SelfSolved:
		t.SelfSolved += n
	case data.InProgress:
		t.InProgress += n
	case data.NotStarted:
		t.NotStarted += n
	case data.Closed:
		t.Closed += n
	}
}

// finish computes the percentage: solved (with help or by the household)
// over the problems that were not closed. A closed problem (moved, died,
// duplicate) can no longer be solved, so it leaves the denominator rather
// than counting as a failure.
func (t *Tally) finish() {
	t.SolvedTotal = t.Solved + t.SelfSolved
	if d := t.Target - t.Closed; d > 0 {
		p := float64(t.Solved+t.SelfSolved) * 100 / float64(d)
		t.PercentSolved = float64(int64(p*10+0.5)) / 10
	} else {
		t.PercentSolved = 0
	}
}

// Area is the progress of one amphoe or tambon.
type Area struct {
	Code       string                  `json:"code"`
	Name       string                  `json:"name"`
	Totals     Tally                   `json:"totals"`
	Categories map[data.Category]Tally `json:"categories"`
}

// Deadline is the countdown of a round on a given day.
type Deadline struct {
	Start    data.Date `json:"start"`
	Deadline data.Date `json:"deadline"`
	Today    data.Date `json:"today"`
	// DaysLeft counts the days from today to the deadline, both
	// included (1 on the deadline day, 0 once it has passed): the days
	// there still are to work.
	DaysLeft       int   `json:"days_left"`
	DaysOverdue    int   `json:"days_overdue"`     // days since the deadline; 0 until it has passed
	DaysSinceStart int   `json:"days_since_start"` // negative before recording starts
	NotStarted     bool  `json:"round_not_started"`
	Open           int64 `json:"open"`
	// PerDayNeeded is the open problems over DaysLeft (the whole round
	// before it starts), rounded up: a whole number of problems per day.
	PerDayNeeded int64 `json:"per_day_needed"`
	// Once the deadline has passed (Ended), the round's final figures: the
	// problems still open at the end of the deadline day, and how many
	// were solved or closed since (recording goes on until help is
	// complete). Both are 0 before then.
	Ended          bool  `json:"round_ended"`
	OpenAtDeadline int64 `json:"open_at_deadline"`
	ResolvedSince  int64 `json:"resolved_since_deadline"`
	// SolvedSince is the part of ResolvedSince solved (by the agencies or
	// the household), not closed: the letter's "until the help is
	// complete" after its deadline.
	SolvedSince int64 `json:"solved_since_deadline"`
	Carried     int64 `json:"carried"` // of the open ones, carried into a later round
}

// CountdownOf computes the countdown of a round on today with open
// problems left. Today and the deadline day both count as days to work.
func CountdownOf(r data.Round, today data.Date, open int64) Deadline {
	d := Deadline{Start: r.Start, Deadline: r.Deadline, Today: today, Open: open}
	d.DaysLeft = max(0, today.DaysUntil(r.Deadline)+1)
	d.DaysOverdue = max(0, r.Deadline.DaysUntil(today))
	d.DaysSinceStart = r.Start.DaysUntil(today)
	d.NotStarted = today.Before(r.Start)
	d.Ended = today.After(r.Deadline)
	days := int64(d.DaysLeft)
	if d.NotStarted {
		days = int64(r.Start.DaysUntil(r.Deadline) + 1)
	}
	if open > 0 && days > 0 {
		d.PerDayNeeded = (open + days - 1) / days
	}
	return d
}

// DaysLeftText says the days left as every screen and printout says them:
// "47 วัน (นับวันนี้และวันครบกำหนด)".
func DaysLeftText(d Deadline) string {
	if d.DaysLeft == 1 {
		return "1 วัน (วันนี้คือวันครบกำหนด)"
	}
	return data.FormatNumber(int64(d.DaysLeft)) + " วัน (นับวันนี้และวันครบกำหนด)"
}

// CountdownText says where the round stands, in one sentence.
func CountdownText(r data.Round, d Deadline) string {
	switch {
	case d.NotStarted:
		return fmt.Sprintf("รอบ %s ยังไม่เริ่ม: เริ่มบันทึกผล %s (อีก %s วัน) ครบกำหนด %s", r.Name, data.FormatBE(r.Start), data.FormatNumber(int64(-d.DaysSinceStart)), data.FormatBE(r.Deadline))
	case d.Ended:
		s := fmt.Sprintf("รอบ %s สิ้นสุดแล้วเมื่อ %s (%s วันที่แล้ว) · ณ วันครบกำหนดยังค้าง %s ปัญหา · หลังจากนั้น%sแล้ว %s ปัญหา และ%s %s ปัญหา · วันนี้ยังค้าง %s ปัญหา (เลยกำหนดทั้งหมด)",
			r.Name, data.FormatBE(r.Deadline), data.FormatNumber(int64(d.DaysOverdue)), data.FormatNumber(d.OpenAtDeadline), data.WordSolvedTotal.Thai, data.FormatNumber(d.SolvedSince),
			data.Closed.Thai(), data.FormatNumber(d.ResolvedSince-d.SolvedSince), data.FormatNumber(d.Open))
		if d.Open == 0 { // nothing left to be overdue
			s = strings.TrimSuffix(s, " (เลยกำหนดทั้งหมด)")
		}
		if d.Carried > 0 {
			s += fmt.Sprintf(" · ในจำนวนนี้ยกไปติดตามต่อในรอบใหม่แล้ว %s ปัญหา ซึ่งนับเป็นงานของรอบใหม่ (อย่านับซ้ำ)", data.FormatNumber(d.Carried))
		}
		return s
	}
	return fmt.Sprintf("ครบกำหนด %s: เหลืออีก %s · เริ่มบันทึกผลมาแล้ว %s วัน · ต้องแก้ไขให้ได้วันละ %s ปัญหา (ค้าง %s ปัญหา)",
		data.FormatBE(r.Deadline), DaysLeftText(d), data.FormatNumber(int64(d.DaysSinceStart)), data.FormatNumber(d.PerDayNeeded), data.FormatNumber(d.Open))
}

// roundLine says in a few words where a round stands, for a workbook's
// title: its deadline and the days left, or that it ended and when.
func roundLine(r data.Round, today data.Date) string {
	switch d := CountdownOf(r, today, 0); {
	case d.NotStarted:
		return fmt.Sprintf("รอบ %s เริ่มบันทึกผล %s ครบกำหนด %s", r.Name, data.FormatBE(r.Start), data.FormatBE(r.Deadline))
	case d.Ended:
		return fmt.Sprintf("รอบ %s สิ้นสุดแล้วเมื่อ %s (%s วันที่แล้ว) ปัญหาที่ยังค้างเลยกำหนดทั้งหมด", r.Name, data.FormatBE(r.Deadline), data.FormatNumber(int64(d.DaysOverdue)))
	default:
		return fmt.Sprintf("รอบ %s ครบกำหนด %s · เหลืออีก %s", r.Name, data.FormatBE(r.Deadline), DaysLeftText(d))
	}
}

// Summary is the progress of a round over an area and its parts.
type Summary struct {
	ProvinceCode string     `json:"province"`
	ProvinceName string     `json:"province_name"`
	Round        data.Round `json:"-"`
	AsOf         data.Date  `json:"as_of"`
	Countdown    Deadline   `json:"countdown"`
	Area         Area       `json:"area"`  // the scope asked for (province, amphoe or tambon)
	Parts        []Area     `json:"parts"` // its amphoe (of a province) or tambon (of an amphoe)
	// UrgentKinds are the stored sub-problem list's: every table prints
	// each kind's open problems apart, never their sum.
	UrgentKinds []data.UrgentKind `json:"-"`
	// ReXRay is the Re-X-Ray result of the carried-over problems.
	ReXRay ReXRaySummary `json:"rexray"`
	// NewCases is the round's missed households and known households with
	// new problems, in households (newcases.go).
	NewCases NewCaseSummary `json:"new_cases"`
	// ThaiQM is what of the round's results is keyed into ThaiQM.
	ThaiQM ThaiQMSummary `json:"thaiqm"`
	// Units are the province's municipalities, each with its progress
	// (the province's summary only; a household in one counts in its
	// amphoe too).
	Units []Area `json:"units,omitempty"`
}

// FiscalYearBE is the Thai fiscal year the summary reports on: today's,
// or, once the round has ended, the one it ended in (30 ก.ย. 2567 is in
// fiscal year 2567, whatever year it is now).
func (s Summary) FiscalYearBE() int {
	d := s.AsOf
	if d.After(s.Round.Deadline) {
		d = s.Round.Deadline
	}
	return data.FiscalYearBE(d)
}

// ProgressStore is what progress reads of the store: the running
// counters and their history, by tambon and by municipality, and the
// records that name what they count (the database's meta, the round, the
// sub-problem list, the municipalities); a meeting pack also prints the
// audit log's anchor and reports the agencies' work (Agencies).
type ProgressStore interface {
	Meta(ctx context.Context) (data.Meta, error)
	Round(ctx context.Context, id uint64) (data.Round, error)
	SubProblems(ctx context.Context) (data.SubProblemList, error)
	Units(ctx context.Context) (data.UnitList, error)
	Counts(ctx context.Context, roundID uint64, dueBefore data.Date) (data.RoundCounts, error)
	UnitCounts(ctx context.Context, roundID uint64, dueBefore data.Date) (data.RoundCounts, error)
	History(ctx context.Context, roundID uint64) (data.RoundHistory, error)
	UnitHistory(ctx context.Context, roundID uint64) (data.RoundHistory, error)
	AuditAnchor(ctx context.Context, seq uint64) (data.AuditAnchor, error)
	AgencyStore // a meeting pack's report of the agencies' work
}

// Progress computes progress from the store's running counters: it never
// reads a record, so it takes the same time for ten problems or a million.
type Progress struct {
	Store ProgressStore
	Geo   *data.Geography
	Clock data.Clock // tells today; tests and training fix it
}

// Today returns the register's day.
func (p *Progress) Today() data.Date { return p.Clock.Today() }

// Summarize returns the progress of a round (0: the default round) over
// area: "" for the whole province, CCAA for an amphoe, CCAATT for a tambon,
// a unit's code (data.Unit.Code) for a municipality.
func (p *Progress) Summarize(ctx context.Context, roundID uint64, area string) (Summary, error) {
	meta, err := p.Store.Meta(ctx)
	if err != nil {
		return Summary{}, err
	}
	if roundID == 0 {
		roundID = meta.DefaultRound
	}
	round, err := p.Store.Round(ctx, roundID)
	if err != nil {
		return Summary{}, err
	}
	subs, err := p.Store.SubProblems(ctx)
	if err != nil {
		return Summary{}, err
	}
	b := &summaryBase{roundID: roundID, meta: meta, round: round, subs: subs, today: p.Today()}
	area = strings.TrimSpace(area)
	fold, err := foldOf(area)
	if err != nil {
		return Summary{}, err
	}
	// The reads start at once, each in its own goroutine (a server
	// answers them side by side): the area's counters, its history once
	// the round has ended, and for the province the municipalities'.
	ended := b.today.After(round.Deadline)
	counts := started(func() (data.RoundCounts, error) { return p.foldedCounts(ctx, roundID, b.today, fold) })
	history := noHistory
	if ended {
		history = started(func() (data.RoundHistory, error) { return p.foldedHistory(ctx, roundID, round.Deadline, fold) })
	}
	if area == "" {
		units := data.CountsFold{Units: true}
		b.unitCounts = started(func() (data.RoundCounts, error) { return p.foldedCounts(ctx, roundID, b.today, units) })
		b.unitHistory = noHistory
		if ended {
			b.unitHistory = started(func() (data.RoundHistory, error) { return p.foldedHistory(ctx, roundID, round.Deadline, units) })
		}
	}
	rc, err := counts()
	if err != nil {
		return Summary{}, err
	}
	s, err := p.summarize(ctx, b, area, rc, history)
	if err != nil {
		return Summary{}, err
	}
	if err := p.summarizeUnits(ctx, &s, b, area); err != nil {
		return Summary{}, err
	}
	return s, nil
}

// summaryBase is what every summary of one call reads once, the
// municipalities' as the province's: the database's meta, the round, the
// sub-problem list, and the day.
type summaryBase struct {
	roundID uint64
	meta    data.Meta
	round   data.Round
	subs    data.SubProblemList
	today   data.Date
	// The municipalities' counters and history, being read (a province's
	// summary only).
	unitCounts  func() (data.RoundCounts, error)
	unitHistory func() (data.RoundHistory, error)
}

// started runs read in a goroutine of its own, and returns what waits
// for its answer (as often as asked).
func started[T any](read func() (T, error)) func() (T, error) {
	var v T
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		v, err = read()
	}()
	return func() (T, error) {
		<-done
		return v, err
	}
}

// noHistory is the history of a round that has not ended: not read.
func noHistory() (data.RoundHistory, error) { return data.RoundHistory{}, nil }

// foldOf is how a summary of area adds the counters up: a province's by
// amphoe, an amphoe's or a tambon's by tambon, a municipality's as its
// own.
func foldOf(area string) (data.CountsFold, error) {
	switch {
	case area == "":
		return data.CountsFold{Cut: 4}, nil
	case data.IsUnitCode(area):
		return data.CountsFold{Units: true, Area: area}, nil
	case len(area) == 4 || len(area) == 6:
		return data.CountsFold{Area: area, Cut: 6}, nil
	}
	return data.CountsFold{}, data.Errorf(data.EINVALID, "รหัสพื้นที่ '%s' ต้องเป็นรหัสอำเภอ 4 หลักหรือรหัสตำบล 6 หลัก", "area %q is not an amphoe or tambon code", area)
}

// summarize makes the summary of area from its folded counters (rc may
// hold other areas': they are left out); history reads the round's
// history, needed once the round has ended.
func (p *Progress) summarize(ctx context.Context, b *summaryBase, area string, rc data.RoundCounts, history func() (data.RoundHistory, error)) (Summary, error) {
	meta, round, today := b.meta, b.round, b.today
	s := Summary{ProvinceCode: meta.Province, Round: round, AsOf: today}
	s.UrgentKinds = b.subs.UrgentKinds()
	if prov, ok := p.Geo.Province(meta.Province); ok {
		s.ProvinceName = prov.Thai
	}
	partLen := 4 // parts of a province are amphoe
	if area != "" {
		partLen = 6
	}
	s.Area = Area{Code: area, Name: p.areaName(meta.Province, area), Categories: map[data.Category]Tally{}}
	if area == "" {
		s.Area.Code = meta.Province
	}
	parts := map[string]*Area{}
	part := func(tambon string) *Area {
		code := tambon[:partLen]
		a := parts[code]
		if a == nil {
			a = &Area{Code: code, Name: p.areaName(meta.Province, code), Categories: map[data.Category]Tally{}}
			parts[code] = a
		}
		return a
	}
	// Every amphoe of the province appears, even one with nothing yet: a
	// district that has sent nothing is news for the meeting.
	if area == "" {
		for _, a := range p.Geo.AmphoesOf(meta.Province) {
			part(a.Code + "00")
		}
	}
	in := func(tambon string) bool { return strings.HasPrefix(tambon, area) }
	apply := func(tambon string, cat data.Category, f func(*Tally)) {
		if !in(tambon) {
			return
		}
		for _, a := range []*Area{&s.Area, part(tambon)} {
			f(&a.Totals)
			if cat != 0 {
				t := a.Categories[cat]
				f(&t)
				a.Categories[cat] = t
			}
		}
	}
	for _, c := range rc.Status {
		apply(c.Tambon, c.Category, func(t *Tally) {
			t.addStatus(c.Status, c.N)
			if c.Urgent && c.Status.Open() {
				t.UrgentOpen += c.N
			}
		})
	}
	for _, c := range rc.Households {
		// Households per category, and with Category 0 across categories.
		if !in(c.Tambon) {
			continue
		}
		for _, a := range []*Area{&s.Area, part(c.Tambon)} {
			if c.Category == 0 {
				a.Totals.Households += c.N
			} else {
				t := a.Categories[c.Category]
				t.Households += c.N
				a.Categories[c.Category] = t
			}
		}
	}
	for _, c := range rc.Carried {
		apply(c.Tambon, c.Category, func(t *Tally) { t.Carried += c.N })
	}
	for _, c := range rc.Due {
		if c.Target.IsZero() || !c.Target.Before(today) {
			continue
		}
		apply(c.Tambon, c.Category, func(t *Tally) { t.Overdue += c.N })
	}
	finishArea(&s.Area)
	for _, a := range parts {
		finishArea(a)
		s.Parts = append(s.Parts, *a)
	}
	sort.Slice(s.Parts, func(i, j int) bool { return s.Parts[i].Code < s.Parts[j].Code })
	s.ReXRay = reXRaySummary(&s, rc.ReXRay, area)
	s.NewCases = newCaseSummary(&s, rc.NewCases, area)
	s.ThaiQM = thaiQMSummary(&s, rc.ThaiQM, area)
	s.Countdown = CountdownOf(round, today, s.Area.Totals.Open())
	s.Countdown.Carried = s.Area.Totals.Carried
	if s.Countdown.Ended {
		h, err := history()
		if err != nil {
			return Summary{}, err
		}
		s.Countdown.OpenAtDeadline, s.Countdown.ResolvedSince = atDeadline(h, area, round.Deadline)
		s.Countdown.SolvedSince = solvedSince(h, area, round.Deadline)
	}
	return s, nil
}

// atDeadline reads from a round's history the problems of area still open
// at the end of the deadline day, and those solved or closed after it.
func atDeadline(h data.RoundHistory, area string, deadline data.Date) (open, resolvedSince int64) {
	for _, a := range h.Added {
		if strings.HasPrefix(a.Tambon, area) && (a.Date.IsZero() || !a.Date.After(deadline)) {
			open += a.N
		}
	}
	for _, r := range h.Resolved {
		if !strings.HasPrefix(r.Tambon, area) {
			continue
		}
		if r.Date.After(deadline) {
			resolvedSince += r.N
		} else {
			open -= r.N
		}
	}
	return open, resolvedSince
}

// solvedSince counts the problems of area solved after deadline.
func solvedSince(h data.RoundHistory, area string, deadline data.Date) (n int64) {
	for _, r := range h.Solved {
		if strings.HasPrefix(r.Tambon, area) && r.Date.After(deadline) {
			n += r.N
		}
	}
	return n
}

func finishArea(a *Area) {
	a.Totals.finish()
	for _, c := range data.Categories {
		t := a.Categories[c]
		t.finish()
		a.Categories[c] = t
	}
}

func (p *Progress) areaName(province, code string) string {
	switch len(code) {
	case 0, 2:
		if pl, ok := p.Geo.Province(province); ok {
			return pl.Thai
		}
	case 4:
		if pl, ok := p.Geo.Amphoe(code); ok {
			return pl.Thai
		}
	case 6:
		if pl, ok := p.Geo.Tambon(code); ok {
			return pl.Thai
		}
	}
	return code
}

// ResolveArea turns what a clerk types (a code, "เมือง", "อ.กุดจับ",
// "ต.นาดี") into an amphoe or tambon code of the province.
func (p *Progress) ResolveArea(province, s string) (string, error) {
	s = data.ThaiToASCIIDigits(data.CleanText(s))
	if s == "" {
		return "", nil
	}
	if _, ok := p.Geo.Amphoe(s); ok && strings.HasPrefix(s, province) {
		return s, nil
	}
	if _, ok := p.Geo.Tambon(s); ok && strings.HasPrefix(s, province) {
		return s, nil
	}
	a, err := p.Geo.FindAmphoe(province, s)
	if err == nil {
		return a.Code, nil
	}
	if t, terr := p.Geo.FindTambonInProvince(province, s); terr == nil {
		return t.Code, nil
	} else if data.ErrorCode(terr) == data.ECONFLICT {
		return "", terr
	}
	return "", err
}
