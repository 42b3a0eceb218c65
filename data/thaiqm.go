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
