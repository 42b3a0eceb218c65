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

// SummaryCounter is a store that folds its counters itself (a database
// server: a few hundred rows cross the connection instead of every
// tambon's due counts by day). Its answers must equal fold.Apply over
// Counts and UnitCounts, and fold.ApplyHistory over History and
// UnitHistory (app/storetest checks them).
type SummaryCounter interface {
	SummaryCounts(ctx context.Context, roundID uint64, dueBefore data.Date, fold data.CountsFold) (data.RoundCounts, error)
	SummaryHistory(ctx context.Context, roundID uint64, deadline data.Date, fold data.CountsFold) (data.RoundHistory, error)
}

// foldedCounts reads the round's counters as fold adds them up: by the
// store where it offers to, by Counts or UnitCounts and fold.Apply
// otherwise.
func (p *Progress) foldedCounts(ctx context.Context, roundID uint64, today data.Date, fold data.CountsFold) (data.RoundCounts, error) {
	if sc, ok := p.Store.(SummaryCounter); ok {
		return sc.SummaryCounts(ctx, roundID, today, fold)
	}
	read := p.Store.Counts
	if fold.Units {
		read = p.Store.UnitCounts
	}
	rc, err := read(ctx, roundID, today)
	if err != nil {
		return data.RoundCounts{}, err
	}
	return fold.Apply(rc, today), nil
}

// foldedHistory reads the round's history as fold and the deadline split
// it (data.CountsFold.ApplyHistory), as foldedCounts reads the counters.
func (p *Progress) foldedHistory(ctx context.Context, roundID uint64, deadline data.Date, fold data.CountsFold) (data.RoundHistory, error) {
	if sc, ok := p.Store.(SummaryCounter); ok {
		return sc.SummaryHistory(ctx, roundID, deadline, fold)
	}
	read := p.Store.History
	if fold.Units {
		read = p.Store.UnitHistory
	}
	h, err := read(ctx, roundID)
	if err != nil {
		return data.RoundHistory{}, err
	}
	return fold.ApplyHistory(h, deadline), nil
}

// summarizeUnits finishes a summary: a municipality's is named and has no
// parts; the province's lists every municipality of the unit list (one
// with nothing yet too), in the list's order, from the one read of the
// municipalities' counters (and of their history, once the round has
// ended) that Summarize started.
func (p *Progress) summarizeUnits(ctx context.Context, s *Summary, b *summaryBase, area string) error {
	if area != "" && !data.IsUnitCode(area) {
		return nil
	}
	units, err := p.Store.Units(ctx)
	if err != nil {
		return err
	}
	if data.IsUnitCode(area) {
		unitSummary(s, area, units.Name(area))
		return nil
	}
	if len(units) == 0 {
		return nil
	}
	rc, err := b.unitCounts()
	if err != nil {
		return err
	}
	for _, u := range units {
		us, err := p.summarize(ctx, b, u.Code, rc, b.unitHistory)
		if err != nil {
			return err
		}
		unitSummary(&us, u.Code, u.Name)
		s.Units = append(s.Units, us.Area)
		s.ThaiQM.Units = append(s.ThaiQM.Units, ThaiQMArea{Code: u.Code, Name: u.Name, Totals: us.ThaiQM.Totals, Categories: us.ThaiQM.Categories})
	}
	return nil
}

// unitSummary names a municipality's summary and takes its parts away:
// a municipality has none of its own, its figures are its totals and
// categories (and it is the one line of its units).
func unitSummary(s *Summary, code, name string) {
	s.Area.Name = name
	s.Parts, s.ReXRay.Parts, s.NewCases.Parts, s.ThaiQM.Parts = nil, nil, nil, nil
	s.ThaiQM.Units = []ThaiQMArea{{Code: code, Name: name, Totals: s.ThaiQM.Totals, Categories: s.ThaiQM.Categories}}
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
