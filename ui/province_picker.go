package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// provincePicker is the first start's province field: the clerk types
// part of the province's name (Thai, with or without จังหวัด, blanks and
// invisible characters ignored; English in the English window) or its
// two-digit code, and the list below shows the provinces that match, the
// best first, the first of them chosen. Up and Down move the choice,
// Return keeps it and goes on to the next field, a click chooses a row.
type provincePicker struct {
	Find   *findEntry
	List   *widget.List
	Chosen *widget.Label // the province chosen, in words

	box       fyne.CanvasObject
	w         *MainWindow
	provinces []data.Place
	names     []string // shown, by index in provinces
	shown     []int    // indexes in provinces of the rows listed
	selected  int      // index in provinces, -1 when none
	next      fyne.Focusable
}

func newProvincePicker(w *MainWindow, provinces []data.Place) *provincePicker {
	p := &provincePicker{w: w, provinces: provinces, selected: -1}
	p.names = make([]string, len(provinces))
	for i, pl := range provinces {
		p.names[i] = pl.Thai
		if w.t.lang == English && pl.English != "" {
			p.names[i] = pl.English
		}
	}
	p.Find = newFindEntry(w)
	p.Find.SetPlaceHolder(w.t.tr("พิมพ์ชื่อหรือรหัสจังหวัด เช่น อุดร หรือ 41", "Type the province's name or code, e.g. Udon or 41"))
	p.Find.onKey = p.onKey
	p.Find.OnChanged = p.onType
	p.List = widget.NewList(func() int { return len(p.shown) },
		func() fyne.CanvasObject { return widget.NewLabel("00  กรุงเทพมหานคร") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			i := p.shown[id]
			o.(*widget.Label).SetText(p.w.t.digitsOf(p.provinces[i].Code) + "  " + p.names[i])
		})
	p.List.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(p.shown) {
			p.choose(p.shown[id])
		}
	}
	p.Chosen = widget.NewLabel("")
	p.choose(-1)
	p.filter("")
	space := canvas.NewRectangle(nil)
	space.SetMinSize(fyne.NewSize(360, 180)) // about five rows
	p.box = container.NewBorder(p.Find, p.Chosen, nil, nil, container.NewStack(space, p.List))
	return p
}

// SelectedIndex is the chosen province's index in the geography's list,
// -1 when none.
func (p *provincePicker) SelectedIndex() int { return p.selected }

// SetSelected chooses the province of that name (as shown).
func (p *provincePicker) SetSelected(name string) {
	for i, n := range p.names {
		if n == name {
			p.Find.SetText(n)
			p.choose(i)
			return
		}
	}
}

func (p *provincePicker) onType(text string) {
	p.filter(text)
	if len(p.shown) > 0 && strings.TrimSpace(text) != "" {
		p.selectRow(0)
	} else {
		p.List.UnselectAll()
		p.choose(-1)
	}
}

func (p *provincePicker) filter(text string) {
	p.shown = findProvinces(p.provinces, text, p.w.t.lang == English)
	p.List.Refresh()
	p.List.ScrollToTop()
}

// selectRow chooses the province on a row of the list and highlights it
// (the list does not tell of a row selected again after a new filter).
func (p *provincePicker) selectRow(r int) {
	p.choose(p.shown[r])
	p.List.Select(r)
}

func (p *provincePicker) choose(i int) {
	p.selected = i
	if i < 0 {
		p.Chosen.SetText(p.w.t.tr("ยังไม่ได้เลือกจังหวัด", "No province chosen yet"))
		return
	}
	p.Chosen.SetText(p.w.t.tr("จังหวัดที่เลือก: ", "Province chosen: ") + p.names[i] + " (" + p.w.t.digitsOf(p.provinces[i].Code) + ")")
}

// onKey moves the choice with the arrows and keeps it with Return; it
// reports whether it took the key.
func (p *provincePicker) onKey(k *fyne.KeyEvent) bool {
	at := -1
	for r, i := range p.shown {
		if i == p.selected {
			at = r
		}
	}
	switch k.Name {
	case fyne.KeyDown:
		if at+1 < len(p.shown) {
			p.selectRow(at + 1)
		}
	case fyne.KeyUp:
		if at > 0 {
			p.selectRow(at - 1)
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if at < 0 && len(p.shown) > 0 {
			p.selectRow(0)
		}
		if p.next != nil && p.selected >= 0 {
			p.w.Window.Canvas().Focus(p.next)
		}
	default:
		return false
	}
	return true
}

// findProvinces lists the indexes of the provinces matching what was
// typed, the best first: the code, then names starting with the text, then
// names holding it; each group in code order. Nothing typed lists all.
func findProvinces(provinces []data.Place, text string, english bool) []int {
	q := provinceKey(text)
	all := make([]int, 0, len(provinces))
	if q == "" {
		for i := range provinces {
			all = append(all, i)
		}
		return all
	}
	var code, prefix, inside []int
	for i, pl := range provinces {
		names := []string{provinceKey(pl.Thai)}
		if english {
			names = append(names, provinceKey(pl.English))
		}
		switch {
		case strings.HasPrefix(pl.Code, q):
			code = append(code, i)
		case hasPrefixAny(names, q):
			prefix = append(prefix, i)
		case containsAny(names, q):
			inside = append(inside, i)
		}
	}
	return append(append(append(all, code...), prefix...), inside...)
}

// provinceKey is a name or what was typed as compared: lower case, Arabic
// digits, without blanks, invisible characters or the word จังหวัด (จ.)
// in front.
func provinceKey(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(data.CleanText(data.ThaiToASCIIDigits(s))), ""))
	for _, prefix := range []string{"จังหวัด", "จ."} {
		s = strings.TrimPrefix(s, prefix)
	}
	return s
}

func hasPrefixAny(names []string, q string) bool {
	for _, n := range names {
		if n != "" && strings.HasPrefix(n, q) {
			return true
		}
	}
	return false
}

func containsAny(names []string, q string) bool {
	for _, n := range names {
		if n != "" && strings.Contains(n, q) {
			return true
		}
	}
	return false
}

// findEntry is an entry whose keys a picker may take first (the arrows,
// Return).
type findEntry struct {
	entry
	onKey func(*fyne.KeyEvent) bool
}

func newFindEntry(w *MainWindow) *findEntry {
	e := &findEntry{}
	e.entry.w = w
	e.ExtendBaseWidget(e)
	return e
}

func (e *findEntry) TypedKey(k *fyne.KeyEvent) {
	if e.onKey != nil && e.onKey(k) {
		return
	}
	e.entry.TypedKey(k)
}
