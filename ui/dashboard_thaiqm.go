package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// thaiQMTab is the dashboard's tab of what is keyed into ThaiQM: per
// amphoe, for all categories or the one chosen, the results keyed, not yet
// keyed and the round's problems; the last row is the province's. Below
// it the clerk records that an amphoe has keyed its results (on a day,
// those last changed up to a day), as qmdesk thaiqm mark does.
type thaiQMTab struct {
	Box      fyne.CanvasObject
	Category *widget.Select // ทุกด้าน or one category
	Table    *grid
	Note     *widget.Label
	note     string         // what the figures count; the municipalities' line is added when there are some
	Amphoe   *widget.Select // the amphoe to mark
	On       *widget.Entry  // the day it keyed them (BE)
	Before   *widget.Entry  // only those last changed up to this day ("" all)
	Mark     *widget.Button
	Marked   *widget.Label // what the last mark did

	d       *dashboardScreen
	sum     app.ThaiQMSummary
	amphoes []data.Place
}

func newThaiQMTab(d *dashboardScreen) *thaiQMTab {
	w := d.w
	t := w.t
	x := &thaiQMTab{d: d}
	heads := []string{t.tr("อำเภอ", "Amphoe")}
	for _, h := range data.ThaiQMHeads() {
		heads = append(heads, t.term(h))
	}
	x.Table = newGrid(heads)
	options := []string{t.tr("ทุกด้าน", "All categories")}
	for _, c := range data.Categories {
		options = append(options, t.categoryShort(c))
	}
	x.Category = newSelect(t, options, func(string) { x.show() })
	x.Category.SetSelectedIndex(0)
	x.note = t.tr("นับเป็น"+data.UnitProblems.Thai+": ปัญหาที่ผลการแก้ไขและการช่วยเหลือทุกครั้งบันทึกลงระบบ ThaiQM แล้ว · แก้ไขผลหรือเพิ่มการช่วยเหลือภายหลังจะนับเป็น \""+data.WordThaiQMNotKeyed.Thai+"\" อีกครั้ง",
		"Counted in problems: a problem counts as keyed when its result and every action are keyed into ThaiQM; a later change of its result or a new action makes it not keyed again")
	x.Note = widget.NewLabel(x.note)
	x.Note.Wrapping = fyne.TextWrapWord
	meta := w.facts.meta
	x.amphoes = w.env.Geo.AmphoesOf(meta.Province)
	x.Amphoe = newSelect(t, t.places(x.amphoes), nil)
	x.Amphoe.PlaceHolder = t.tr("อำเภอ", "Amphoe")
	x.On = widget.NewEntry()
	x.On.SetPlaceHolder(t.tr("วันที่บันทึก เช่น ", "Day keyed, e.g. ") + t.date(w.today()))
	x.Before = widget.NewEntry()
	x.Before.SetPlaceHolder(t.tr("เฉพาะที่แก้ไขถึงวันที่ (ว่าง: ทั้งหมด)", "Changed up to (blank: all)"))
	x.Mark = widget.NewButton(t.tr("บันทึกว่าอำเภอบันทึกใน ThaiQM ครบแล้ว", "Record the amphoe's results as keyed"), x.onMark)
	x.Marked = widget.NewLabel("")
	mark := container.NewHBox(container.NewGridWrap(fyne.NewSize(200, x.Amphoe.MinSize().Height), x.Amphoe),
		container.NewGridWrap(fyne.NewSize(200, x.On.MinSize().Height), x.On),
		container.NewGridWrap(fyne.NewSize(260, x.Before.MinSize().Height), x.Before), x.Mark)
	top := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(260, x.Category.MinSize().Height), x.Category), nil, x.Note)
	x.Box = container.NewBorder(top, container.NewVBox(mark, x.Marked), nil, nil, x.Table.Box)
	return x
}

// set shows a summary's ThaiQM figures.
func (x *thaiQMTab) set(s app.ThaiQMSummary) {
	x.sum = s
	x.show()
}

func (x *thaiQMTab) show() {
	if x.Table == nil || x.Note == nil { // still being made
		return
	}
	w, c := x.d.w, data.Category(max(x.Category.SelectedIndex(), 0))
	var rows [][]string
	for _, a := range x.sum.Parts {
		rows = append(rows, w.t.figureRow(w.amphoeName(a.Code, a.Name), ofCategory(c, a.Totals, a.Categories).Figures()))
	}
	rows = append(rows, w.t.figureRow(w.t.tr(app.ReXRayAll, "Total"), ofCategory(c, x.sum.Totals, x.sum.Categories).Figures()))
	for _, u := range x.sum.Units { // under the total: their households count in their amphoe too
		rows = append(rows, w.t.figureRow(u.Name, ofCategory(c, u.Totals, u.Categories).Figures()))
	}
	note := x.note
	if len(x.sum.Units) > 0 {
		note += " · " + w.t.term(data.WordUnitsBesideAmphoe)
	}
	x.Note.SetText(note)
	x.Table.SetRows(rows)
}

// onMark records that the chosen amphoe keyed its results into ThaiQM.
func (x *thaiQMTab) onMark() {
	w := x.d.w
	t := w.t
	i := x.Amphoe.SelectedIndex()
	if i < 0 || i >= len(x.amphoes) {
		w.showError(data.Messages(data.EINVALID, "กรุณาเลือกอำเภอ", nil, "choose an amphoe"))
		return
	}
	on, err := data.ParseThaiDate(x.On.Text)
	if err != nil {
		w.showError(err)
		return
	}
	var upTo data.Date
	if x.Before.Text != "" {
		if upTo, err = data.ParseThaiDate(x.Before.Text); err != nil {
			w.showError(err)
			return
		}
	}
	amphoe := x.amphoes[i]
	var n int
	w.save(x.Mark, func(ctx context.Context) (err error) {
		n, err = app.MarkThaiQMArea(ctx, w.store, amphoe.Code, upTo, on)
		return err
	}, func(err error) {
		if err != nil {
			w.showError(err)
			return
		}
		x.Marked.SetText(t.tr(fmt.Sprintf("%s อำเภอ%s %s ปัญหา (วันที่ %s)", data.HeaderThaiQM.Thai, amphoe.Thai, data.FormatNumber(int64(n)), data.FormatBE(on)),
			fmt.Sprintf("Keyed into ThaiQM, %s: %d problems (on %s)", amphoe.Thai, n, on)))
		w.registerChanged(registerChange{}) // the household pages and the register show the marks too
	})
}
