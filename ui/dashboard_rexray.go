package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// reXRayTab is the dashboard's tab of the Re-X-Ray result of the problems
// carried over from the 2565 survey: per amphoe, for all categories or
// the one chosen, in the letter's words; the last row is the province's.
type reXRayTab struct {
	Box      fyne.CanvasObject
	Category *widget.Select // ทุกด้าน or one category
	Table    *grid
	Note     *widget.Label

	d   *dashboardScreen
	sum app.ReXRaySummary
}

func newReXRayTab(d *dashboardScreen) *reXRayTab {
	t := d.w.t
	x := &reXRayTab{d: d}
	heads := []string{t.tr("อำเภอ", "Amphoe")}
	for _, h := range data.ReXRayHeads() {
		heads = append(heads, t.term(h))
	}
	x.Table = newGrid(heads)
	options := []string{t.tr("ทุกด้าน", "All categories")}
	for _, c := range data.Categories {
		options = append(options, t.categoryShort(c))
	}
	x.Category = newSelect(t, options, func(string) { x.show() })
	x.Category.SetSelectedIndex(0)
	x.Note = widget.NewLabel(t.tr("นับเป็น"+data.UnitProblems.Thai+": ปัญหาจากการสำรวจปี 2565 ที่บันทึก"+data.HeaderReXRay.Thai+" แล้ว", "Counted in problems: the problems of the 2565 survey with a Re-X-Ray result"))
	x.Note.Wrapping = fyne.TextWrapWord
	x.Box = container.NewBorder(container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(260, x.Category.MinSize().Height), x.Category), nil, x.Note), nil, nil, nil, x.Table.Box)
	return x
}

// set shows a summary's Re-X-Ray result.
func (x *reXRayTab) set(s app.ReXRaySummary) {
	x.sum = s
	x.show()
}

// category is the chosen category, 0 for all.
func (x *reXRayTab) category() data.Category {
	return data.Category(max(x.Category.SelectedIndex(), 0))
}

func (x *reXRayTab) show() {
	if x.Table == nil {
		return
	}
	w, c := x.d.w, x.category()
	var rows [][]string
	for _, a := range x.sum.Parts {
		rows = append(rows, w.t.figureRow(w.amphoeName(a.Code, a.Name), ofCategory(c, a.Totals, a.Categories).Figures()))
	}
	rows = append(rows, w.t.figureRow(w.t.tr(app.ReXRayAll, "Total"), ofCategory(c, x.sum.Totals, x.sum.Categories).Figures()))
	x.Table.SetRows(rows)
}
