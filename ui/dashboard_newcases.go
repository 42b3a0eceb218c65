package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// newCasesTab is the dashboard's tab of the round's new cases, in
// households: missed households and known households with new problems
// per amphoe, for all categories or the one chosen; the last row is the
// province's. A row opens the register on the households it counts, of
// the group chosen in Group.
type newCasesTab struct {
	Box      fyne.CanvasObject
	Category *widget.Select // ทุกด้าน or one category
	Group    *widget.Select // the group a row opens in the register
	Table    *grid
	Note     *widget.Label

	d   *dashboardScreen
	sum app.NewCaseSummary
}

func newNewCasesTab(d *dashboardScreen) *newCasesTab {
	t := d.w.t
	x := &newCasesTab{d: d}
	heads := []string{t.tr("อำเภอ", "Amphoe")}
	for _, h := range data.NewCaseHeads() {
		heads = append(heads, t.term(h))
	}
	x.Table = newGrid(heads)
	x.Table.OnRow = x.onRow
	options := []string{t.tr("ทุกด้าน", "All categories")}
	for _, c := range data.Categories {
		options = append(options, t.categoryShort(c))
	}
	x.Category = newSelect(t, options, func(string) { x.show() })
	x.Category.SetSelectedIndex(0)
	var groups []string
	for _, g := range app.NewCaseGroups {
		groups = append(groups, t.tr("เปิดรายชื่อ", "List the ")+t.term(g.Term()))
	}
	x.Group = newSelect(t, groups, nil)
	x.Group.SetSelectedIndex(0)
	x.Note = widget.NewLabel(t.term(data.WordNewCasesCountedOnce) + t.tr(" · คลิกแถวเพื่อดูรายชื่อครัวเรือนในทะเบียน", " · click a row to list its households in the register"))
	x.Note.Wrapping = fyne.TextWrapWord
	selects := container.NewHBox(container.NewGridWrap(fyne.NewSize(260, x.Category.MinSize().Height), x.Category),
		container.NewGridWrap(fyne.NewSize(360, x.Group.MinSize().Height), x.Group))
	x.Box = container.NewBorder(container.NewVBox(selects, x.Note), nil, nil, nil, x.Table.Box)
	return x
}

// set shows a summary's new cases.
func (x *newCasesTab) set(s app.NewCaseSummary) {
	x.sum = s
	x.show()
}

// category is the chosen category, 0 for all.
func (x *newCasesTab) category() data.Category {
	return data.Category(max(x.Category.SelectedIndex(), 0))
}

// group is the group a row opens.
func (x *newCasesTab) group() data.NewCase {
	return app.NewCaseGroups[max(x.Group.SelectedIndex(), 0)]
}

func (x *newCasesTab) show() {
	if x.Table == nil {
		return
	}
	w, c := x.d.w, x.category()
	var rows [][]string
	for _, a := range x.sum.Parts {
		rows = append(rows, w.t.figureRow(w.amphoeName(a.Code, a.Name), a.Figures(c)))
	}
	rows = append(rows, w.t.figureRow(w.t.tr(app.ReXRayAll, "Total"), x.sum.NewCaseArea.Figures(c)))
	x.Table.SetRows(rows)
}

// Query is the register's query of a row's households in the chosen
// group and category (the last row: the dashboard's scope).
func (x *newCasesTab) Query(row int) app.RegisterQuery {
	area := ""
	if row < len(x.sum.Parts) {
		area = x.sum.Parts[row].Code
	} else if len(x.sum.Code) > 2 {
		area = x.sum.Code // an amphoe's dashboard
	}
	return app.NewCaseQuery(x.group(), x.d.roundID(), area, x.category())
}

func (x *newCasesTab) onRow(row int) {
	x.d.w.Households.Show(x.Query(row), false)
}
