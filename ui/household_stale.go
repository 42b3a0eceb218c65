package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// staleNotice tells the clerk that her save was refused because the
// household or problem changed after the page read it (data.StaleOf): the
// store's message (which record, who changed it, when, from which
// workbook), her change, not saved, and what the program holds now. The
// page is read again behind it, so she can make her change again on the
// current values.
type staleNotice struct {
	Message *widget.Label // the store's refusal
	Yours   *widget.Label // her change, not saved
	Now     *widget.Label // the record as stored now ("" when it could not be read)
	dialog  dialog.Dialog
}

// showStale shows the notice of a refused save: err is the store's
// refusal, yours the clerk's change and now the record as stored now.
func (p *householdPage) showStale(err error, yours, now string) {
	w, t := p.w, p.w.t
	n := &staleNotice{Message: widget.NewLabel(t.errorText(err)), Yours: widget.NewLabel(yours), Now: widget.NewLabel(now)}
	for _, l := range []*widget.Label{n.Message, n.Yours, n.Now} {
		l.Wrapping = fyne.TextWrapWord
	}
	n.Yours.Importance = widget.HighImportance
	if now == "" {
		n.Now.Hide()
	}
	n.dialog = dialog.NewCustom(t.tr("มีผู้แก้ไขก่อนคุณบันทึก", "Changed by someone else first"), t.tr("ตกลง", "OK"),
		container.NewVBox(n.Message, n.Yours, n.Now), w.Window)
	n.dialog.Resize(fyne.NewSize(600, 320))
	p.Stale = n
	w.lastError = n.Message.Text
	w.showDialog(n.dialog)
}

// changedBy is " (แก้ไขโดย … เมื่อ …)": who changed a record last, and when.
func (t texts) changedBy(by string, at time.Time) string {
	return t.tr(" (แก้ไขโดย ", " (changed by ") + by + t.tr(" เมื่อ ", " on ") + t.digitsOf(t.tr(data.FormatStamp(at), data.FormatStampEnglish(at))) + ")"
}

// yourStatus is the clerk's status change, refused: "สถานะที่คุณเลือก: แก้ไขแล้ว".
func (p *householdPage) yourStatus(s data.Status, reason string) string {
	t := p.w.t
	out := t.tr("สถานะที่คุณเลือก (ยังไม่ได้บันทึก): ", "The status you chose (not saved): ") + t.status(s)
	if reason != "" {
		out += t.tr(" · เหตุผล: ", " · reason: ") + reason
	}
	return out
}

// yourAction is the clerk's action, refused, as its timeline line.
func (p *householdPage) yourAction(a data.Action) string {
	return p.w.t.tr("การดำเนินการที่คุณบันทึก (ยังไม่ได้บันทึก): ", "The action you recorded (not saved): ") + p.actionLine(a)
}

// problemNow is a problem as stored now: its status (and reason, unless
// masked), who changed it and when.
func (p *householdPage) problemNow(cur data.Problem) string {
	t := p.w.t
	out := t.tr("ในโปรแกรมตอนนี้: ", "In qmdesk now: ") + t.term(data.HeaderStatus) + " " + t.status(cur.Status)
	if cur.Status == data.Closed && cur.CloseReason != "" && !p.masked(cur) {
		out += t.tr(" · เหตุผล: ", " · reason: ") + cur.CloseReason
	}
	return out + t.changedBy(cur.ChangedBy, cur.UpdatedAt)
}

// unitName names a household's municipality, or none.
func (p *householdPage) unitName(code string) string {
	if name := p.view.units.Name(code); name != "" {
		return name
	}
	return p.w.t.term(data.WordNoUnit)
}
