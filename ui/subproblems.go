package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// subProblemsForm is the dialog that edits the province's sub-problem
// list: which are urgent (pinned first, own panel on the dashboard and
// columns in the pack) and which are sensitive (hidden on screens read
// from a distance), and entries the province adds.
type subProblemsForm struct {
	Rows        []subProblemRow
	NewCategory *widget.Select
	NewName     *entry
	Add         *widget.Button
	Error       *widget.Label
	Save        *widget.Button
	Cancel      *widget.Button
	list        *fyne.Container
	dialog      dialog.Dialog
}

// subProblemRow is one entry with its two flags.
type subProblemRow struct {
	Entry             data.SubProblem
	Urgent, Sensitive *widget.Check
}

func (w *MainWindow) onSubProblems() {
	if !w.ready() {
		return
	}
	var l data.SubProblemList
	w.loading(func(ctx context.Context) (err error) {
		l, err = w.store.SubProblems(ctx)
		return err
	}, func() { w.showSubProblems(l) })
}

// showSubProblems is the sub-problem list's dialog.
func (w *MainWindow) showSubProblems(l data.SubProblemList) {
	t := w.t
	f := &subProblemsForm{NewName: newEntry(w), Error: widget.NewLabel(""), list: container.NewVBox()}
	for _, e := range l {
		f.addRow(t, e)
	}
	var cats []string
	for _, c := range data.Categories {
		cats = append(cats, t.category(c))
	}
	f.NewCategory = newSelect(t, cats, nil)
	f.NewCategory.PlaceHolder = t.tr("เลือกด้าน", "Category")
	f.NewName.SetPlaceHolder(t.tr("ชื่อปัญหาที่จะเพิ่ม", "New sub-problem"))
	f.Add = widget.NewButton(t.tr("เพิ่มปัญหา", "Add"), func() { f.onAdd(w) })
	f.Error.Importance = widget.DangerImportance
	f.Error.Wrapping = fyne.TextWrapWord
	f.Save = widget.NewButton(t.tr("บันทึก", "Save"), func() { w.saveSubProblems(f) })
	f.Save.Importance = widget.HighImportance
	f.Cancel = widget.NewButton(t.tr("ยกเลิก", "Cancel"), func() { f.dialog.Hide() })
	note := widget.NewLabel(t.tr("ปัญหาเร่งด่วนแสดงก่อนในทุกรายการ มีช่องของตนในหน้าภาพรวมและเอกสารประชุม และอยู่บนสุดของรายการให้เลือกในไฟล์ที่ส่งให้อำเภอ "+
		data.WordSensitive.Thai+" (สุขภาพ คดีอาญา) ไม่แสดงชื่อและที่อยู่ในหน้าจอที่มองเห็นได้จากระยะไกล "+
		"การเปลี่ยนมีผลกับปัญหาของรอบปัจจุบันทันที รอบก่อนคงตัวเลขไว้ตามเดิม",
		"Urgent problems come first in every list and have their own panel and pack columns. Sensitive ones (health, crime) are never shown with names on screens read from a distance. "+
			"Changes apply to the current round's problems at once; earlier rounds keep their figures."))
	note.Wrapping = fyne.TextWrapWord
	header := widget.NewLabelWithStyle(t.tr("ปัญหา", "Sub-problem"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	scroll := container.NewVScroll(f.list)
	scroll.SetMinSize(fyne.NewSize(0, 300))
	add := container.NewBorder(nil, nil, f.NewCategory, f.Add, f.NewName)
	body := container.NewBorder(container.NewVBox(note, header), container.NewVBox(add, f.Error, container.NewHBox(f.Save, f.Cancel)), nil, nil, scroll)
	f.dialog = dialog.NewCustomWithoutButtons(t.tr("รายการปัญหา: เร่งด่วนและอ่อนไหว", "Sub-problems: urgent and sensitive"), body, w.Window)
	f.dialog.Resize(fyne.NewSize(900, 600))
	w.SubProblems = f
	f.dialog.SetOnClosed(func() { w.SubProblems = nil })
	w.showForm(f.dialog, f.Save)
}

func (f *subProblemsForm) addRow(t texts, e data.SubProblem) {
	r := subProblemRow{Entry: e, Urgent: widget.NewCheck(t.term(data.WordUrgent), nil), Sensitive: widget.NewCheck(t.tr("อ่อนไหว", "Sensitive"), nil)}
	r.Urgent.SetChecked(e.Urgent)
	r.Sensitive.SetChecked(e.Sensitive)
	f.Rows = append(f.Rows, r)
	name := widget.NewLabel(t.category(e.Category) + " — " + e.Name)
	name.Wrapping = fyne.TextWrapWord
	f.list.Add(container.NewBorder(nil, nil, nil, container.NewHBox(r.Urgent, r.Sensitive), name))
}

// onAdd adds the typed sub-problem to the list being edited.
func (f *subProblemsForm) onAdd(w *MainWindow) {
	t := w.t
	c := data.Category(f.NewCategory.SelectedIndex() + 1)
	e := data.SubProblem{Category: c, Name: data.CleanText(f.NewName.Text)}
	if err := e.Validate(); err != nil {
		f.Error.SetText(t.errorText(err))
		return
	}
	for _, r := range f.Rows {
		if _, dup := (data.SubProblemList{r.Entry}).Find(e.Category, e.Name); dup {
			f.Error.SetText(t.tr("มีปัญหานี้ในด้านนี้อยู่แล้ว", "This sub-problem is already in the list"))
			return
		}
	}
	f.Error.SetText("")
	f.addRow(t, e)
	f.NewName.SetText("")
}

// List is the list as edited.
func (f *subProblemsForm) List() data.SubProblemList {
	l := make(data.SubProblemList, len(f.Rows))
	for i, r := range f.Rows {
		l[i] = r.Entry
		l[i].Urgent, l[i].Sensitive = r.Urgent.Checked, r.Sensitive.Checked
	}
	return l
}

// saveSubProblems stores the list (the store gives the current round's
// problems their new flags in the same transaction) and redraws the
// window, whose urgent panel and lists follow the flags.
func (w *MainWindow) saveSubProblems(f *subProblemsForm) {
	list := f.List()
	w.save(f.Save, func(ctx context.Context) error { return w.store.SetSubProblems(ctx, list) }, func(err error) {
		if err != nil {
			f.Error.SetText(w.t.errorText(err))
			return
		}
		f.dialog.Hide()
		tab := w.Tabs.SelectedIndex()
		w.register = nil // its urgent and sensitive flags are the old ones
		w.rebuild(func() { w.Tabs.SelectIndex(tab) })
	})
}
