package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// unitsTab is the dashboard's tab of the municipalities (เทศบาลนคร /
// เทศบาลเมือง), beside the amphoe's: each one's progress, under the same
// columns. A household in a municipality counts in its amphoe too, which
// the note says: the rows are never added to the amphoe's.
type unitsTab struct {
	Box   fyne.CanvasObject
	Table *grid
	Note  *widget.Label
	Units []app.Area // the rows, in the unit list's order

	d    *dashboardScreen
	item *container.TabItem
}

func newUnitsTab(d *dashboardScreen) *unitsTab {
	t := d.w.t
	x := &unitsTab{d: d}
	heads := []string{t.term(data.WordMunicipality)}
	for _, c := range app.Columns {
		heads = append(heads, t.term(c.Head))
	}
	for _, k := range d.urgentKinds {
		heads = append(heads, t.term(app.UrgentColumn(k)))
	}
	x.Table = newGrid(heads)
	x.Note = widget.NewLabel("")
	x.Note.Wrapping = fyne.TextWrapWord
	x.Box = container.NewBorder(x.Note, nil, nil, nil, x.Table.Box)
	x.item = container.NewTabItem(t.tr("รายเทศบาล", "By municipality"), x.Box)
	return x
}

// set shows a summary's municipalities.
func (x *unitsTab) set(units []app.Area) {
	t := x.d.w.t
	x.Units = units
	if len(units) == 0 {
		x.Note.SetText(t.tr("ยังไม่มีรายการ"+data.WordMunicipality.Thai+"ของจังหวัด: เพิ่มได้ที่เมนูไฟล์ หรือด้วยคำสั่ง qmdesk unit add",
			"No municipalities yet: add them from the File menu or with qmdesk unit add"))
	} else {
		x.Note.SetText(t.term(data.WordUnitsBesideAmphoe))
	}
	rows := make([][]string, len(units))
	for i, a := range units {
		rows[i] = append([]string{a.Name}, x.d.tallyCells(a.Totals)...)
		for _, k := range x.d.urgentKinds {
			rows[i] = append(rows[i], t.n(a.Categories[k.Category].UrgentOpen))
		}
	}
	x.Table.SetRows(rows)
}
