package data

// ThaiQMCount counts the problems of a round in a tambon (or any 6-byte
// area the store counts by) and category whose result is keyed into
// ThaiQM. The problems not yet keyed are the round's problems less these.
type ThaiQMCount struct {
	Tambon   string
	Category Category
	N        int64
}

// ResultChanged tells whether p's result differs from old's: what a
// district keys into ThaiQM (status, its close reason, the Re-X-Ray
// result).
func ResultChanged(old, p Problem) bool {
	return old.Status != p.Status || old.CloseReason != p.CloseReason || old.ReXRay != p.ReXRay
}

// SettleThaiQM applies the rule of the ThaiQM mark to a change of a
// problem from old to p: a change of its result made after it was
// marked makes it "not keyed" again, unless the same change marks it
// again (a workbook row with a date in HeaderThaiQM, the clerk's mark).
// The order of recording decides, not the dates: a result changed in
// qmdesk after the mark was recorded is new to ThaiQM whatever day the
// mark names.
func SettleThaiQM(old, p *Problem) {
	if p.ThaiQMOn == old.ThaiQMOn && ResultChanged(*old, *p) {
		p.ThaiQMOn = Date{}
	}
}

// CheckThaiQMDate refuses a day a result cannot have been keyed into
// ThaiQM: after today, or before the round's recording started (1 มี.ค.
// 2567 for the letter's round). The zero Date (a mark taken off) passes.
func CheckThaiQMDate(on Date, r Round, today Date) error {
	if on.IsZero() {
		return nil
	}
	if err := on.CheckSaneOf(HeaderThaiQM, today); err != nil {
		return err
	}
	if on.After(today) {
		return Messages(EINVALID, "วันที่%s %s อยู่ในอนาคต (วันนี้ %s): กรุณาตรวจสอบวันที่และปี พ.ศ.", []any{HeaderThaiQM.Thai, FormatBE(on), FormatBE(today)}, "The date %s in '%s' is in the future (today is %s): check the date and its year (workbooks write it in the Buddhist era)", on, HeaderThaiQM.English, today)
	}
	if !r.Start.IsZero() && on.Before(r.Start) {
		return Messages(EINVALID, "วันที่%s %s อยู่ก่อนวันเริ่มบันทึกผลของรอบ (%s): กรุณาตรวจสอบวันที่และปี พ.ศ.", []any{HeaderThaiQM.Thai, FormatBE(on), FormatBE(r.Start)}, "The date %s in '%s' is before the round's recording started (%s): check the date and its year (workbooks write it in the Buddhist era)", on, HeaderThaiQM.English, r.Start)
	}
	return nil
}

// ApplyAction moves p as appending the action a moves it, the rule every
// store applies: an action with a Result moves the problem to that
// status (leaving the open statuses on the action's date, the day the
// work was done; closing with the action's Note, or its What, as the
// reason), and the ThaiQM mark follows the action's (ThaiQMAfterAction).
// It reports whether p changed and so must be written.
func (p *Problem) ApplyAction(a *Action) bool {
	old := *p
	if a.Result != 0 && a.Result != p.Status {
		p.Status = a.Result
		if old.Status.Open() && !a.Result.Open() {
			p.ResolvedOn = a.Date
		}
		if a.Result == Closed {
			p.CloseReason = a.Note
			if p.CloseReason == "" {
				p.CloseReason = a.What
			}
		}
	}
	return ThaiQMAfterAction(&old, p, a) || p.Status != old.Status
}

// ThaiQMAfterAction applies the ThaiQM rule to a problem (old → p) that
// gets action a: an action keyed into ThaiQM (a workbook row with its
// date) brings the problem's result with it unless that was keyed
// already and has not changed; an action not keyed is new history, so
// the problem is not keyed any more. It reports whether the mark moved.
func ThaiQMAfterAction(old, p *Problem, a *Action) bool {
	switch {
	case !a.ThaiQMOn.IsZero():
		if p.ThaiQMOn.IsZero() || ResultChanged(*old, *p) {
			p.ThaiQMOn = a.ThaiQMOn
		}
	default:
		p.ThaiQMOn = Date{}
	}
	return p.ThaiQMOn != old.ThaiQMOn
}
