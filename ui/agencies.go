package ui

import (
	"context"

	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// agencyTab is the dashboard's tab of the partner agencies (ภาคีเครือข่าย):
// per agency, the problems it helped, those solved and its budget, in all
// or for one category; and the clerk's merge of two names of one agency.
// It reads the round's actions (about a second on a million problems,
// docs/performance.md), so it does so in the background, when shown.
type agencyTab struct {
	Box      fyne.CanvasObject
	Category *widget.Select // "รวมทุกด้าน" or a category
	Table    *grid
	Note     *widget.Label
	From     *widget.Select // the name to merge
	Into     *widget.Select // the name it counts as
	Merge    *widget.Button
	Merged   *widget.Select // the merges, "FROM → INTO"
	Unmerge  *widget.Button

	merges [][2]string // Merged's, in its order

	w     *MainWindow
	item  *container.TabItem
	lines []app.AgencyLine
}

func newAgencyTab(w *MainWindow) *agencyTab {
	t := w.t
	a := &agencyTab{w: w}
	opts := []string{t.tr("รวมทุกด้าน", "All categories")}
	for _, c := range data.Categories {
		opts = append(opts, t.categoryShort(c))
	}
	a.Category = newSelect(t, opts, func(string) { a.show() })
	heads := []string{t.term(data.HeaderAgency)}
	for _, c := range app.AgencyColumns {
		heads = append(heads, t.term(c))
	}
	a.Table = newGrid(append(heads, t.tr("ชื่อที่พิมพ์ไว้", "Spellings")))
	a.Note = widget.NewLabel(t.tr(app.AgencyReportMeans, "Problems helped = problems with at least one action of the agency (each problem once) · one agency typed several ways counts once"))
	a.Note.Wrapping = fyne.TextWrapWord
	a.From = newSelect(t, nil, nil)
	a.From.PlaceHolder = t.tr("ชื่อที่จะรวม", "Name to merge")
	a.Into = newSelect(t, nil, nil)
	a.Into.PlaceHolder = t.tr("นับเป็น", "Counts as")
	a.Merge = widget.NewButton(t.term(data.WordAgencyMerge), a.onMerge)
	a.Merged = newSelect(t, nil, nil)
	a.Merged.PlaceHolder = t.tr("ชื่อที่รวมไว้", "Merged names")
	a.Unmerge = widget.NewButton(t.tr("ยกเลิกการรวม", "Unmerge"), a.onUnmerge)
	merge := container.NewVBox(container.NewHBox(widget.NewLabel(t.term(data.WordAgencyMerge)+":"),
		container.NewGridWrap(fyne.NewSize(260, a.From.MinSize().Height), a.From), widget.NewLabel("→"),
		container.NewGridWrap(fyne.NewSize(260, a.Into.MinSize().Height), a.Into), a.Merge),
		container.NewHBox(container.NewGridWrap(fyne.NewSize(540, a.Merged.MinSize().Height), a.Merged), a.Unmerge))
	top := container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel(t.term(data.WordCategory)), nil, a.Category), a.Note)
	a.Box = container.NewBorder(top, merge, nil, nil, a.Table.Box)
	a.item = container.NewTabItem(t.term(data.WordAgencyReport), a.Box)
	a.Category.SetSelectedIndex(0)
	return a
}

// load reads the report of the dashboard's round, in the background.
func (a *agencyTab) load(roundID uint64) {
	w := a.w
	w.goBackground(func() {
		lines, err := app.Agencies(w.ctx, w.store, roundID, "")
		var aliases data.AgencyAliases
		if err == nil {
			aliases, err = w.store.AgencyAliases(w.ctx)
		}
		w.do(func() {
			if err != nil {
				w.showError(err)
				return
			}
			a.lines = lines
			a.merges = aliases.Sorted()
			var opts []string
			for _, m := range a.merges {
				opts = append(opts, m[0]+" → "+m[1])
			}
			a.Merged.Options = opts
			a.Merged.ClearSelected()
			a.show()
		})
	})
}

// Lines are the agencies shown (for tests).
func (a *agencyTab) Lines() []app.AgencyLine { return a.lines }

func (a *agencyTab) show() {
	t := a.w.t
	cat := data.Category(a.Category.SelectedIndex()) // 0: all
	rows := make([][]string, 0, len(a.lines))
	names := make([]string, 0, len(a.lines))
	for _, l := range a.lines {
		x := l.Totals
		if cat != 0 {
			x = l.Categories[cat]
			if x.Problems == 0 {
				continue
			}
		}
		row := []string{l.Name}
		for _, n := range app.AgencyFigures(x) {
			row = append(row, t.n(n))
		}
		rows = append(rows, append(row, strings.Join(l.Spellings, " · ")))
	}
	for _, l := range a.lines {
		names = append(names, l.Name)
	}
	a.Table.SetRows(rows)
	a.From.Options, a.Into.Options = names, names
	a.From.ClearSelected()
	a.Into.ClearSelected()
}

func (a *agencyTab) onMerge() {
	w := a.w
	if a.From.Selected == "" || a.Into.Selected == "" {
		w.showError(data.Messages(data.EINVALID, "กรุณาเลือกชื่อที่จะรวมและชื่อที่ใช้", nil, "choose the name to merge and the name it counts as"))
		return
	}
	from, into := a.From.Selected, a.Into.Selected
	w.save(a.Merge, func(ctx context.Context) error { return w.store.MergeAgency(ctx, from, into) }, func(err error) {
		if err != nil {
			w.showError(err)
			return
		}
		a.load(w.Dashboard.roundID())
	})
}

func (a *agencyTab) onUnmerge() {
	w := a.w
	i := a.Merged.SelectedIndex()
	if i < 0 || i >= len(a.merges) {
		w.showError(data.Messages(data.EINVALID, "กรุณาเลือกชื่อที่จะยกเลิกการรวม", nil, "choose the merge to take back"))
		return
	}
	name := a.merges[i][0]
	w.save(a.Unmerge, func(ctx context.Context) error { return w.store.UnmergeAgency(ctx, name) }, func(err error) {
		if err != nil {
			w.showError(err)
			return
		}
		a.load(w.Dashboard.roundID())
	})
}
