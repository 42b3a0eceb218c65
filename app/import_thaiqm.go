package app

import "qmdesk/data"

// readThaiQM reads the บันทึกใน ThaiQM แล้ว column: a day in any form the
// workbook's other date columns take (a date cell, BE typed into one,
// Thai text, dd/mm/yyyy BE or CE, Thai digits), not after today nor
// before the round's recording started.
func (imp *Importer) readThaiQM(v string) (data.Date, error) {
	on, err := imp.readDate(v)
	if err != nil {
		return on, err
	}
	return on, data.CheckThaiQMDate(on, imp.round, imp.Clock.Today())
}

// settleThaiQM applies the ThaiQM rule to a stored problem a row merges
// into (old → p): the row's date marks it; without one, a change of its
// result takes the mark off (data.SettleThaiQM).
func settleThaiQM(old, p *data.Problem, rowOn data.Date) {
	if !rowOn.IsZero() {
		p.ThaiQMOn = rowOn
		return
	}
	data.SettleThaiQM(old, p)
}

// unkeyAfterAction takes the ThaiQM mark off a stored problem (pref) that
// a row gives a new action not keyed: new history is not in ThaiQM yet.
func (pl *planner) unkeyAfterAction(pref int, a data.Action, asOf data.Date) {
	pc := pl.problemAt(pref)
	if !a.ThaiQMOn.IsZero() || pc.Problem.ThaiQMOn.IsZero() {
		return
	}
	pc.Problem.ThaiQMOn = data.Date{}
	pc.AsOf = infoDate(pc.Op, pc.AsOf, asOf)
	if pc.Op == data.OpRef {
		pc.Op = data.OpUpdate
	}
	pl.putProblem(pref, pc)
}
