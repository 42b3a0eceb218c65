package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// unitsForm is the dialog that keeps the province's municipalities
// (เทศบาลนคร / เทศบาลเมือง), the responsible units the letter names
// beside the amphoe, with the tambon each covers fully or partly. The
// same list as qmdesk unit; checked against the province's geography on
// save.
type unitsForm struct {
	Units  data.UnitList // the list as edited
	Remove []*widget.Button

	Name      *entry
	Type      *widget.RadioGroup
	Amphoe    *widget.Select
	Tambon    *widget.Select
	Full      *widget.Check
	AddTambon *widget.Button
	Clear     *widget.Button // empties the tambon chosen for the new unit
	Pending   *widget.Label  // the tambon chosen for the new unit
	Add       *widget.Button
	Error     *widget.Label
	Save      *widget.Button
	Cancel    *widget.Button

	province string
	amphoes  []data.Place
	tambons  []data.Place
	pending  []data.UnitTambon
	list     *fyne.Container
	dialog   dialog.Dialog
}

func (w *MainWindow) onUnits() {
	if !w.ready() {
		return
	}
	var meta data.Meta
	var l data.UnitList
	w.loading(func(ctx context.Context) (err error) {
		if meta, err = w.store.Meta(ctx); err == nil {
			l, err = w.store.Units(ctx)
		}
		return err
	}, func() { w.showUnits(meta, l) })
}

// showUnits is the municipalities' dialog.
func (w *MainWindow) showUnits(meta data.Meta, l data.UnitList) {
	t := w.t
	f := &unitsForm{Units: l, province: meta.Province, Name: newEntry(w), Error: widget.NewLabel(""), Pending: widget.NewLabel(""), list: container.NewVBox()}
	f.amphoes = w.env.Geo.AmphoesOf(meta.Province)
	var names []string
	for _, a := range f.amphoes {
		names = append(names, a.Thai)
	}
	f.Name.SetPlaceHolder(t.tr("ชื่อ เช่น "+data.WordCityMunicipality.Thai+w.provinceName(meta.Province), "Name, as it is written in Thai"))
	f.Type = widget.NewRadioGroup([]string{t.term(data.WordCityMunicipality), t.term(data.WordTownMunicipality)}, nil)
	f.Type.Horizontal = true
	f.Amphoe = newSelect(t, names, func(string) { f.onAmphoe(w) })
	f.Amphoe.PlaceHolder = t.tr("อำเภอ", "Amphoe")
	f.Tambon = newSelect(t, nil, nil)
	f.Tambon.PlaceHolder = t.tr("ตำบล", "Tambon")
	f.Full = widget.NewCheck(t.tr("อยู่ในเขต", "in the unit: ")+t.term(data.WordFullyCovered), nil)
	f.Full.SetChecked(true)
	f.AddTambon = widget.NewButton(t.tr("เพิ่มตำบล", "Add tambon"), func() { f.onAddTambon(w) })
	f.Clear = widget.NewButton(t.tr("ล้างตำบลที่เลือก", "Clear the tambon chosen"), func() { f.pending = nil; f.Pending.SetText("") })
	f.Add = widget.NewButton(t.tr("เพิ่ม", "Add ")+t.term(data.WordMunicipality), func() { f.onAdd(w) })
	f.Error.Importance = widget.DangerImportance
	f.Error.Wrapping = fyne.TextWrapWord
	f.Pending.Wrapping = fyne.TextWrapWord
	f.Save = widget.NewButton(t.tr("บันทึก", "Save"), func() { w.saveUnits(f) })
	f.Save.Importance = widget.HighImportance
	f.Cancel = widget.NewButton(t.tr("ยกเลิก", "Cancel"), func() { f.dialog.Hide() })
	f.redraw(w)
	note := widget.NewLabel(t.tr("เทศบาลของจังหวัดและตำบลที่อยู่ในเขต (ทั้งตำบลหรือบางส่วน) ตรวจกับรายชื่อตำบลของจังหวัดเมื่อเพิ่มและบันทึก ตำบลหนึ่งอยู่ในเขตเทศบาลทั้งตำบลได้เพียงแห่งเดียว",
		"The province's municipalities and the tambon each covers (wholly or in part), checked against the province's tambon on add and save; a tambon can lie wholly in one municipality only"))
	note.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(f.list)
	scroll.SetMinSize(fyne.NewSize(0, 220))
	add := container.NewVBox(
		container.NewBorder(nil, nil, nil, f.Type, f.Name),
		container.NewHBox(f.Amphoe, f.Tambon, f.Full, f.AddTambon, f.Clear),
		f.Pending, f.Add, f.Error, container.NewHBox(f.Save, f.Cancel))
	body := container.NewBorder(note, add, nil, nil, scroll)
	f.dialog = dialog.NewCustomWithoutButtons(t.term(data.WordMunicipality)+t.tr(" (ผู้รับผิดชอบนอกจากอำเภอ)", " (responsible units besides the amphoe)"), body, w.Window)
	f.dialog.Resize(fyne.NewSize(900, 600))
	w.Units = f
	f.dialog.SetOnClosed(func() { w.Units = nil })
	w.showForm(f.dialog, f.Save)
}

// provinceName is the province's Thai name.
func (w *MainWindow) provinceName(code string) string {
	p, _ := w.env.Geo.Province(code)
	return p.Thai
}

// tambonText is "ต.X อ.Y" of a tambon code ("X, amphoe Y" in English;
// the names are the geography's Thai).
func (w *MainWindow) tambonText(code string) string {
	t, ok := w.env.Geo.Tambon(code)
	if !ok {
		return code
	}
	a, _ := w.env.Geo.Amphoe(code[:4])
	return w.t.tr("ต."+t.Thai+" อ."+a.Thai, t.Thai+", amphoe "+a.Thai)
}

// redraw lists the units with a remove button each.
func (f *unitsForm) redraw(w *MainWindow) {
	t := w.t
	f.list.RemoveAll()
	f.Remove = nil
	if len(f.Units) == 0 {
		f.list.Add(widget.NewLabel(t.tr("ยังไม่มีในรายการ", "None yet")))
	}
	for i, u := range f.Units {
		var full, part []string
		for _, tb := range u.Tambons {
			if tb.Full {
				full = append(full, w.tambonText(tb.Code))
			} else {
				part = append(part, w.tambonText(tb.Code))
			}
		}
		text := u.Name + " (" + t.term(u.Type.Term()) + ")"
		if len(full) > 0 {
			text += "\n" + t.term(data.WordFullyCovered) + ": " + strings.Join(full, ", ")
		}
		if len(part) > 0 {
			text += "\n" + t.term(data.WordPartlyCovered) + ": " + strings.Join(part, ", ")
		}
		label := widget.NewLabel(text)
		label.Wrapping = fyne.TextWrapWord
		i := i
		rm := widget.NewButton(t.tr("ลบ", "Remove"), func() {
			f.Units = append(f.Units[:i:i], f.Units[i+1:]...)
			f.redraw(w)
		})
		f.Remove = append(f.Remove, rm)
		f.list.Add(container.NewBorder(nil, nil, nil, rm, label))
	}
	f.list.Refresh()
}

func (f *unitsForm) onAmphoe(w *MainWindow) {
	i := f.Amphoe.SelectedIndex()
	f.tambons = nil
	var names []string
	if i >= 0 {
		f.tambons = w.env.Geo.TambonsOf(f.amphoes[i].Code)
		for _, tb := range f.tambons {
			names = append(names, tb.Thai)
		}
	}
	f.Tambon.ClearSelected()
	f.Tambon.SetOptions(names)
}

// onAddTambon adds the chosen tambon to the unit being added.
func (f *unitsForm) onAddTambon(w *MainWindow) {
	i := f.Tambon.SelectedIndex()
	if i < 0 {
		f.Error.SetText(w.t.tr("เลือกอำเภอและตำบลก่อน", "Choose the amphoe and tambon first"))
		return
	}
	f.Error.SetText("")
	f.pending = append(f.pending, data.UnitTambon{Code: f.tambons[i].Code, Full: f.Full.Checked})
	var parts []string
	for _, tb := range f.pending {
		s := w.tambonText(tb.Code)
		if !tb.Full {
			s += " (" + w.t.term(data.WordPartlyCovered) + ")"
		}
		parts = append(parts, s)
	}
	f.Pending.SetText(strings.Join(parts, ", "))
}

// onAdd adds the unit typed to the list, checked with the others.
func (f *unitsForm) onAdd(w *MainWindow) {
	u := data.Unit{Name: f.Name.Text, Tambons: f.pending}
	switch f.Type.Selected {
	case w.t.term(data.WordCityMunicipality):
		u.Type = data.UnitCity
	case w.t.term(data.WordTownMunicipality):
		u.Type = data.UnitTown
	}
	l := append(append(data.UnitList{}, f.Units...), u)
	if err := l.Validate(w.env.Geo, f.province); err != nil {
		f.Error.SetText(w.t.errorText(err))
		return
	}
	f.Units = l
	f.pending = nil
	f.Name.SetText("")
	f.Pending.SetText("")
	f.Error.SetText("")
	f.redraw(w)
}

// saveUnits stores the list, with its audit entry.
func (w *MainWindow) saveUnits(f *unitsForm) {
	if err := f.Units.Validate(w.env.Geo, f.province); err != nil {
		f.Error.SetText(w.t.errorText(err))
		return
	}
	units := f.Units
	w.save(f.Save, func(ctx context.Context) error {
		if err := w.store.SetUnits(ctx, units); err != nil {
			return err
		}
		var err error
		units, err = w.store.Units(ctx) // as stored: new units have their codes
		return err
	}, func(err error) {
		if err != nil {
			f.Error.SetText(w.t.errorText(err))
			return
		}
		w.facts.units = units
		if w.Export != nil {
			w.Export.refreshUnits()
		}
		f.dialog.Hide()
		// Households may have moved in or out of a municipality.
		w.registerChanged(registerChange{})
	})
}
