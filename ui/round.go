package ui

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// roundForm is the dialog that starts the next round: its name and BE
// dates, and whether the current round's open problems go on in it.
type roundForm struct {
	Name, Start, Deadline *entry
	Carry                 *widget.Check
	Error                 *widget.Label
	Save, Cancel          *widget.Button
	dialog                dialog.Dialog
	current               data.Round
}

func (d *dashboardScreen) onNewRound() {
	w := d.w
	var cur data.Round
	var sum app.Summary
	w.loading(func(ctx context.Context) error {
		meta, err := w.store.Meta(ctx)
		if err == nil {
			cur, err = w.store.Round(ctx, meta.DefaultRound)
		}
		if err == nil {
			sum, err = w.progress.Summarize(ctx, cur.ID, "")
		}
		return err
	}, func() { d.showRoundForm(cur, sum) })
}

// showRoundForm is the new round's dialog, after the current round.
func (d *dashboardScreen) showRoundForm(cur data.Round, sum app.Summary) {
	w, t := d.w, d.w.t
	f := &roundForm{Name: newEntry(w), Start: newEntry(w), Deadline: newEntry(w), Error: widget.NewLabel(""), current: cur}
	// A suggestion the clerk overwrites from the letter: the fiscal year
	// after the current round's deadline, or today's when that one has
	// long passed.
	start := cur.Deadline.AddDays(1)
	if fy, _ := data.FiscalYearOf(w.today()); start.Before(fy) {
		start = fy
	}
	_, end := data.FiscalYearOf(start)
	f.Name.SetPlaceHolder(t.tr("เช่น ติดตามต่อเนื่อง ปีงบประมาณ ", "e.g. Follow-up, fiscal year ") + t.digitsOf(strconv.Itoa(data.FiscalYearBE(start))))
	f.Start.SetText(t.date(start)) // the window's kind of date: either is read back
	f.Deadline.SetText(t.date(end))
	open := sum.Area.Totals.Open()
	f.Carry = widget.NewCheck(t.tr("ยกปัญหาที่ยังค้าง ", "Carry the ")+t.n(open)+t.tr(" ปัญหาของรอบ ", " open problems of ")+cur.Name+
		t.tr(" มาติดตามต่อในรอบใหม่ (ประวัติการช่วยเหลือยังอยู่ครบ รอบเดิมคงตัวเลขไว้ตามเดิม)", " into the new round (their history stays; the old round keeps its figures)"), nil)
	f.Carry.SetChecked(open > 0)
	f.Error.Importance = widget.DangerImportance
	f.Error.Wrapping = fyne.TextWrapWord
	f.Save = widget.NewButton(t.tr("เพิ่มรอบและใช้เป็นรอบปัจจุบัน", "Add and make it current"), func() { d.saveRound(f) })
	f.Save.Importance = widget.HighImportance
	f.Cancel = widget.NewButton(t.tr("ยกเลิก", "Cancel"), func() { f.dialog.Hide() })
	form := widget.NewForm(
		widget.NewFormItem(t.tr("ชื่อรอบ", "Name"), f.Name),
		widget.NewFormItem(t.tr("เริ่มบันทึกผล (พ.ศ.)", "Recording starts"), f.Start),
		widget.NewFormItem(t.tr("ครบกำหนด (พ.ศ.)", "Deadline"), f.Deadline),
	)
	note := widget.NewLabel(t.tr("รอบใหม่จะเป็นรอบปัจจุบัน: หน้าภาพรวมเปิดที่รอบนี้และไฟล์ที่นำเข้าจะเข้ารอบนี้ รอบเก่ายังเลือกดูได้ที่ช่อง \"รอบ\"",
		"The new round becomes current: the dashboard opens on it and imports go into it. Old rounds stay in the Round list."))
	note.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(note, form, f.Carry, f.Error, container.NewHBox(f.Save, f.Cancel))
	f.dialog = dialog.NewCustomWithoutButtons(t.tr("เพิ่มรอบการติดตามใหม่", "Start a new round"), body, w.Window)
	f.dialog.Resize(fyne.NewSize(680, 420))
	d.RoundForm = f
	w.showForm(f.dialog, f.Save)
	w.Window.Canvas().Focus(f.Name)
}

// saveRound checks the form and starts the round (with the carry, in one
// transaction); the dialog stays open with the reason when something is
// wrong.
func (d *dashboardScreen) saveRound(f *roundForm) {
	w, t := d.w, d.w.t
	r := data.Round{Name: strings.TrimSpace(f.Name.Text), SurveyYear: f.current.SurveyYear}
	var err error
	if r.Start, err = data.ParseThaiDate(f.Start.Text); err != nil {
		f.Error.SetText(t.tr("วันเริ่มบันทึกผล: ", "Start: ") + t.errorText(err))
		return
	}
	if r.Deadline, err = data.ParseThaiDate(f.Deadline.Text); err != nil {
		f.Error.SetText(t.tr("วันครบกำหนด: ", "Deadline: ") + t.errorText(err))
		return
	}
	if err := r.Validate(w.today()); err != nil {
		f.Error.SetText(t.errorText(err))
		return
	}
	from := uint64(0)
	if f.Carry.Checked {
		from = f.current.ID
	}
	var carried int
	w.run(t.tr("กำลังเพิ่มรอบใหม่", "Starting the round"), func(ctx context.Context, progress report) (err error) {
		carried, err = w.store.StartRound(ctx, &r, from)
		return err
	}, func(err error) {
		if err != nil {
			if expected(err) {
				f.Error.SetText(t.errorText(err))
			}
			return
		}
		f.dialog.Hide()
		d.RoundForm = nil
		d.round = 0
		w.register = nil // the carried problems join the search index
		msg := t.tr("เพิ่มรอบ ", "Started ") + r.Name + t.tr(" แล้ว และใช้เป็นรอบปัจจุบัน", " as the current round")
		if from != 0 {
			msg += t.tr("\nยกปัญหาที่ยังค้างมาติดตามต่อ ", "\nOpen problems carried over: ") + t.ni(carried) + t.tr(" ปัญหา", "")
		}
		w.rebuild(func() { w.showDialog(dialog.NewInformation(t.tr("รอบใหม่", "New round"), msg, w.Window)) })
	})
}
