package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// thaiQMStatus is a problem card's line about ThaiQM: keyed on a day, or
// not yet.
func (p *householdPage) thaiQMStatus(pr data.Problem) string {
	t := p.w.t
	if pr.ThaiQMOn.IsZero() {
		return "\n" + t.term(data.WordThaiQMNotKeyed)
	}
	return "\n" + t.term(data.HeaderThaiQM) + " " + t.date(pr.ThaiQMOn)
}

// thaiQMActionMark ends an action's line with its ThaiQM mark, if any.
func (p *householdPage) thaiQMActionMark(a data.Action) string {
	if a.ThaiQMOn.IsZero() {
		return ""
	}
	t := p.w.t
	return " [" + t.term(data.HeaderThaiQM) + " " + t.date(a.ThaiQMOn) + "]"
}

// thaiQMForm is the dialog that records what was keyed into ThaiQM: a
// problem's result with its actions, one of its actions, or every result
// of the household; or takes a problem's mark off.
type thaiQMForm struct {
	Date         *entry
	What         *widget.Select // for one problem: its result and actions, or one action not yet keyed
	Unmark       *widget.Check  // take the mark off (a mistake)
	Error        *widget.Label
	Save, Cancel *widget.Button
	dialog       dialog.Dialog

	problems []uint64      // what the mark covers
	actions  []data.Action // What's actions, after its first option
}

// onThaiQM opens the dialog for one problem's card, or, with nil, for
// every problem of the household in the current round.
func (p *householdPage) onThaiQM(c *problemCard) {
	w, t := p.w, p.w.t
	f := &thaiQMForm{Date: newEntry(w), Error: widget.NewLabel("")}
	f.Date.SetText(t.date(w.today())) // the window's kind of date: either is read back
	f.Date.SetPlaceHolder(t.tr("เช่น 15 ส.ค. 2567 หรือ 15/08/2567", "e.g. 15/08/2567 (Buddhist era)"))
	f.Error.Importance = widget.DangerImportance
	f.Date.OnChanged = func(string) { f.Error.SetText("") }
	f.Error.Wrapping = fyne.TextWrapWord
	name := t.tr("ทุกปัญหาของครัวเรือนนี้ (ผลและการช่วยเหลือทั้งหมด)", "Every problem of this household (results and actions)")
	form := widget.NewForm(widget.NewFormItem(t.tr("วันที่ (พ.ศ.)", "Day keyed (Buddhist era)"), f.Date))
	if c == nil {
		for _, card := range p.Cards {
			if card.Problem.RoundID == p.current && card.Problem.CarriedTo == 0 && card.Problem.ThaiQMOn.IsZero() {
				f.problems = append(f.problems, card.Problem.ID)
			}
		}
	} else {
		name = p.problemName(c.Problem)
		f.problems = []uint64{c.Problem.ID}
		opts := []string{t.tr("ผลของปัญหานี้และการช่วยเหลือทุกครั้ง", "This problem's result and every action")}
		for _, a := range p.view.actions[c.Problem.ID] {
			if a.ThaiQMOn.IsZero() {
				f.actions = append(f.actions, a)
				opts = append(opts, t.tr("เฉพาะการช่วยเหลือ ", "Only the action ")+p.actionLine(a))
			}
		}
		f.What = newSelect(t, opts, nil)
		f.What.SetSelectedIndex(0)
		form.Append(t.tr("บันทึกอะไร", "What was keyed"), f.What)
		if !c.Problem.ThaiQMOn.IsZero() {
			f.Unmark = widget.NewCheck(t.tr("ยกเลิกเครื่องหมาย (บันทึกผิด)", "Take the mark off (a mistake)"), nil)
			form.Append("", f.Unmark)
		}
	}
	f.Save = widget.NewButton(t.tr("บันทึก", "Save"), func() { p.saveThaiQM(f) })
	f.Save.Importance = widget.HighImportance
	f.Cancel = widget.NewButton(t.tr("ยกเลิก", "Cancel"), func() { f.dialog.Hide() })
	body := container.NewVBox(widget.NewLabel(name), form, f.Error, container.NewHBox(f.Save, f.Cancel))
	f.dialog = dialog.NewCustomWithoutButtons(t.term(data.HeaderThaiQM), body, w.Window)
	f.dialog.Resize(fyne.NewSize(680, 320))
	p.ThaiQMForm = f
	w.showForm(f.dialog, f.Save)
}

// saveThaiQM stores the mark (with its audit entries); a day the store
// refuses stays in the dialog's error line.
func (p *householdPage) saveThaiQM(f *thaiQMForm) {
	w, t := p.w, p.w.t
	var on data.Date
	if f.Unmark == nil || !f.Unmark.Checked {
		var err error
		if on, err = data.ParseThaiDate(f.Date.Text); err != nil {
			f.Error.SetText(t.tr("วันที่: ", "Date: ") + t.errorText(err))
			return
		}
	}
	var write func(ctx context.Context) error
	switch {
	case f.What != nil && f.What.SelectedIndex() > 0 && !on.IsZero():
		a := f.actions[f.What.SelectedIndex()-1]
		write = func(ctx context.Context) error { return w.store.MarkActionThaiQM(ctx, a.ProblemID, a.ID, on) }
	case len(f.problems) == 0:
		f.dialog.Hide()
		return
	default:
		problems := f.problems
		write = func(ctx context.Context) error { _, err := w.store.MarkThaiQM(ctx, problems, on); return err }
	}
	id := p.Household.ID
	w.save(f.Save, write, func(err error) {
		if err != nil {
			if expected(err) {
				f.Error.SetText(t.errorText(err))
			} else {
				w.showError(err)
			}
			return
		}
		f.dialog.Hide()
		p.ThaiQMForm = nil
		if p.Household.ID == id {
			p.reload()
		}
		w.registerChanged(registerChange{Household: id})
	})
}
