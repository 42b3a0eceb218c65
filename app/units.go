package app

import (
	"context"
	"strings"

	"qmdesk/data"
)

// The figures per municipality. The store keeps each problem's counters a
// second time under its household's unit (a code "M…" where the others
// have a tambon), so a municipality is summarised like an area, from its
// own counters; a household in one counts in its amphoe as well, so
// municipalities are shown beside the amphoe, never added to them.

// counts reads the round's counters of the area: by unit for a unit's
// code, by tambon otherwise.
func (p *Progress) counts(ctx context.Context, roundID uint64, today data.Date, area string) (data.RoundCounts, error) {
	if data.IsUnitCode(area) {
		return p.Store.UnitCounts(ctx, roundID, today)
	}
	return p.Store.Counts(ctx, roundID, today)
}

func (p *Progress) history(ctx context.Context, roundID uint64, area string) (data.RoundHistory, error) {
	if data.IsUnitCode(area) {
		return p.Store.UnitHistory(ctx, roundID)
	}
	return p.Store.History(ctx, roundID)
}

// summarizeUnits finishes a summary: a municipality's is named and has no
// parts; the province's lists every municipality of the unit list (one
// with nothing yet too), in the list's order.
func (p *Progress) summarizeUnits(ctx context.Context, s *Summary, roundID uint64, area string) error {
	if area != "" && !data.IsUnitCode(area) {
		return nil
	}
	units, err := p.Store.Units(ctx)
	if err != nil {
		return err
	}
	if data.IsUnitCode(area) {
		s.Area.Name = units.Name(area)
		// A municipality has no parts of its own: its figures are its
		// totals and categories (and it is the one line of its units).
		s.Parts, s.ReXRay.Parts, s.NewCases.Parts, s.ThaiQM.Parts = nil, nil, nil, nil
		s.ThaiQM.Units = []ThaiQMArea{{Code: area, Name: s.Area.Name, Totals: s.ThaiQM.Totals, Categories: s.ThaiQM.Categories}}
		return nil
	}
	for _, u := range units {
		us, err := p.Summarize(ctx, roundID, u.Code)
		if err != nil {
			return err
		}
		s.Units = append(s.Units, us.Area)
		s.ThaiQM.Units = append(s.ThaiQM.Units, ThaiQMArea{Code: u.Code, Name: u.Name, Totals: us.ThaiQM.Totals, Categories: us.ThaiQM.Categories})
	}
	return nil
}

// ResolveUnit finds a municipality by its name (spaces aside, with or
// without "เทศบาล…", "ทน."/"ทม.") or its code.
func (p *Progress) ResolveUnit(ctx context.Context, s string) (data.Unit, error) {
	units, err := p.Store.Units(ctx)
	if err != nil {
		return data.Unit{}, err
	}
	s = data.CleanText(s)
	if u, ok := units.ByCode(s); ok {
		return u, nil
	}
	if u, ok := units.Find(s); ok {
		return u, nil
	}
	var found []data.Unit
	for _, u := range units {
		if s != "" && strings.Contains(strings.ReplaceAll(u.Name, " ", ""), strings.ReplaceAll(s, " ", "")) {
			found = append(found, u)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	if len(found) > 1 {
		return data.Unit{}, data.Messages(data.ECONFLICT, "ชื่อ '%s' ตรงกับ%sมากกว่าหนึ่งแห่ง กรุณาพิมพ์ชื่อเต็ม", []any{s, data.WordMunicipality.Thai}, "%q matches more than one municipality", s)
	}
	return data.Unit{}, data.Messages(data.ENOTFOUND, "ไม่พบ%s '%s' (ดูรายการด้วย qmdesk unit list)", []any{data.WordMunicipality.Thai, s}, "no municipality %q", s)
}
