package app

import (
	"context"
	"strconv"

	"qmdesk/data"
)

// SmallCount is the smallest count of a sensitive problem (drugs, family
// violence, disability, illness) a meeting printout shows exactly; fewer
// could point at a household in a small place, so they print as "<5".
const SmallCount = 5

// MeetingPack is everything the meeting printout shows for one round and
// day: counts only, no names, IDs or addresses.
type MeetingPack struct {
	Summary   Summary      // the scope (province, or the amphoe asked for) and its parts
	Sensitive [8]bool      // categories with a sensitive sub-problem: their small counts print as "<5"
	Weeks     []OpenOnDay  // open problems at the end of each week of the round, up to today
	Line      [2]OpenOnDay // the straight line: open at the start, zero at the deadline
	Amphoe    string       // the amphoe asked for, "" for the province
	// UrgentKinds are the urgent kinds of the stored sub-problem list,
	// printed one by one.
	UrgentKinds []data.UrgentKind
	// Digits are the digits the pack and its charts print in: the
	// window's setting.
	Digits data.Numerals
	// AuditHead is the audit log's last entry when the pack was made,
	// printed on its last page.
	AuditHead data.AuditAnchor
	// Letter is the reference of the letter the pack reports on, printed
	// on the cover ("": DefaultLetter).
	Letter string
	// Demo: the database was made by `qmdesk demo` (data.Meta.Demo);
	// every page says so.
	Demo bool
	// Agencies are the partner agencies' work over the pack's scope.
	Agencies []AgencyLine
	// English draws the charts in English (the window's English mode
	// shows two of them on the dashboard); ProvinceEnglish names the
	// province then. The pack's PDF and saved charts stay Thai.
	English         bool
	ProvinceEnglish string
	// Progress, when set, is told how far WritePDF is (0 to 1) and which
	// page it is making, page by page.
	Progress func(done float64, page string)

	// lone marks sensitive categories hidden in exactly one part: the
	// scope's own count would then give that part's away by subtraction,
	// so it is hidden too. loneUrgent is the same for urgent counts.
	lone, loneUrgent [8]bool
}

// OpenOnDay is the number of open problems at the end of a day.
type OpenOnDay struct {
	Date data.Date
	Open int64
}

// Pack gathers a meeting pack: the round (0: the default) over the
// province, or over one amphoe (a code or a name). It reads counters only,
// so it takes the same time for a district or a province of a million
// problems.
func (p *Progress) Pack(ctx context.Context, roundID uint64, amphoe string) (*MeetingPack, error) {
	meta, err := p.Store.Meta(ctx)
	if err != nil {
		return nil, err
	}
	area := ""
	if amphoe != "" {
		if area, err = p.ResolveArea(meta.Province, amphoe); err != nil {
			return nil, err
		}
		if len(area) != 4 {
			return nil, data.Errorf(data.EINVALID, "เอกสารประชุมทำได้ทั้งจังหวัดหรือรายอำเภอ: '%s' ไม่ใช่อำเภอ", "meeting pack needs an amphoe, got %q", amphoe)
		}
	}
	sum, err := p.Summarize(ctx, roundID, area)
	if err != nil {
		return nil, err
	}
	pack := &MeetingPack{Summary: sum, Amphoe: area, Demo: meta.Demo}
	subs, err := p.Store.SubProblems(ctx)
	if err != nil {
		return nil, err
	}
	for _, sp := range subs {
		if sp.Sensitive && sp.Category.Valid() {
			pack.Sensitive[sp.Category] = true
		}
	}
	pack.UrgentKinds = subs.UrgentKinds()
	for c := data.Category(1); c <= 7; c++ {
		var parts, urgent int
		for _, a := range sum.Parts {
			if pack.small(a.Categories[c].Target, c) {
				parts++
			}
			if pack.small(a.Categories[c].UrgentOpen, c) {
				urgent++
			}
		}
		pack.lone[c], pack.loneUrgent[c] = parts == 1, urgent == 1
	}
	hist, err := p.Store.History(ctx, sum.Round.ID)
	if err != nil {
		return nil, err
	}
	pack.Weeks, pack.Line = openByWeek(hist, area, sum.Round, sum.AsOf)
	if pack.Agencies, err = Agencies(ctx, p.Store, sum.Round.ID, area); err != nil {
		return nil, err
	}
	if pack.AuditHead, err = p.Store.AuditAnchor(ctx, 0); err != nil {
		return nil, err
	}
	return pack, nil
}

// openByWeek turns the found and resolved counters into open problems at
// the end of each week from the round's start, and today.
func openByWeek(h data.RoundHistory, area string, r data.Round, today data.Date) ([]OpenOnDay, [2]OpenOnDay) {
	in := func(tambon string) bool { return len(tambon) >= len(area) && tambon[:len(area)] == area }
	openOn := func(day data.Date) int64 {
		var n int64
		for _, a := range h.Added {
			if in(a.Tambon) && (a.Date.IsZero() || !a.Date.After(day)) {
				n += a.N
			}
		}
		for _, x := range h.Resolved {
			if in(x.Tambon) && !x.Date.After(day) {
				n -= x.N
			}
		}
		return n
	}
	start := r.Start.AddDays(-1) // open when recording started: the day before's end
	target := [2]OpenOnDay{{r.Start, openOn(start)}, {r.Deadline, 0}}
	end := today
	if end.After(r.Deadline) {
		end = r.Deadline
	}
	var weeks []OpenOnDay
	if end.Before(r.Start) {
		return nil, target
	}
	d := r.Start
	for ; !d.After(end); d = d.AddDays(7) {
		weeks = append(weeks, OpenOnDay{d, openOn(d)})
	}
	if last := d.AddDays(-7); last != end {
		weeks = append(weeks, OpenOnDay{end, openOn(end)})
	}
	return weeks, target
}

func (m *MeetingPack) small(n int64, c data.Category) bool {
	return c.Valid() && m.Sensitive[c] && n > 0 && n < SmallCount
}

// Count writes a count for the printout: with thousands separators, or
// "<5" for a small count of a sensitive category.
func (m *MeetingPack) Count(n int64, c data.Category) string {
	if m.small(n, c) {
		return "<" + strconv.Itoa(SmallCount)
	}
	return data.FormatNumber(n)
}

// CategoryCells are an area's figures in category c under Columns and
// CategoryUrgentColumn, as the pack prints them. A sensitive category
// shows its households, target, percentage and urgent problems by the
// small-count rule, and no breakdown by status ("–"): beside the totals on
// the cover, a status count hidden as "<5" would come back by subtraction.
// Every figure of the scope's category is hidden when its target is.
func (m *MeetingPack) CategoryCells(a Area, c data.Category) []string {
	t := a.Categories[c]
	hide := m.Target(a, c) == hidden
	var out []string
	for _, col := range Columns {
		switch {
		case hide:
			out = append(out, hidden)
		case col.Percent:
			out = append(out, m.Percent(a, c))
		case m.Sensitive[c] && col.Breakdown:
			out = append(out, hidden)
		default:
			out = append(out, m.Count(col.Count(t), c))
		}
	}
	return append(out, m.Urgent(a, c))
}

// hidden is what a count prints as when subtraction would reveal it.
const hidden = "–"

func (m *MeetingPack) isScope(a Area) bool { return a.Code == m.Summary.Area.Code }

// Target writes an area's target in category c, by the small-count rule;
// the scope's own is hidden when exactly one part's is.
func (m *MeetingPack) Target(a Area, c data.Category) string {
	if m.isScope(a) && m.lone[c] {
		return hidden
	}
	return m.Count(a.Categories[c].Target, c)
}

// Urgent writes an area's open urgent problems in category c, likewise.
func (m *MeetingPack) Urgent(a Area, c data.Category) string {
	if m.isScope(a) && m.loneUrgent[c] {
		return hidden
	}
	return m.Count(a.Categories[c].UrgentOpen, c)
}

// Percent writes an area's % solved in category c, or "–" when its target
// is not printed (the percentage would give it away) or it has none
// (PercentText).
func (m *MeetingPack) Percent(a Area, c data.Category) string {
	if m.Target(a, c) != data.FormatNumber(a.Categories[c].Target) {
		return hidden
	}
	return PercentText(a.Categories[c])
}
