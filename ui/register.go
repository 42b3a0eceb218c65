package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"qmdesk/app"
	"qmdesk/data"
)

// registerScreen is the household list: search as you type, filters, and
// the household page of the selected household beside it.
type registerScreen struct {
	Box fyne.CanvasObject

	Search     *entry
	Amphoe     *widget.Select
	Tambon     *widget.Select
	Category   *widget.Select
	SubProblem *widget.Select
	Status     *widget.Select
	Origin     *widget.Select
	Round      *widget.Select
	Urgent     *widget.Check
	Overdue    *widget.Check
	Clear      *widget.Button
	Count      *widget.Label
	List       *widget.List
	Page       *householdPage

	IDs   []uint64 // the households listed, in order
	Query app.RegisterQuery

	w         *MainWindow
	amphoes   []data.Place
	tambons   []data.Place
	rounds    []data.Round
	gen       int
	wanted    atomic.Int64 // the latest gen, read by the searches in the background
	searching sync.Mutex   // held by the search running
	building  bool
	// Shown is the household the page shows (0: none); navigating is
	// true from a dashboard click until the list has answered.
	Shown      uint64
	navigating bool
	setting    bool // widgets are being set from a query: do not search on each change
}

func newRegisterScreen(w *MainWindow) *registerScreen {
	r := &registerScreen{w: w}
	t := w.t
	meta := w.facts.meta
	r.amphoes = w.env.Geo.AmphoesOf(meta.Province)
	r.rounds = w.facts.rounds
	changed := func(string) { r.onQueryChanged() }

	r.Search = newEntry(w)
	r.Search.SetPlaceHolder(t.tr("ค้นหา: เลขประจำตัวประชาชน รหัสบ้าน หรือชื่อ-สกุลหัวหน้าครัวเรือน (Ctrl+F)",
		"Search: national ID, house code or the head's name (Ctrl+F)"))
	r.Search.OnChanged = changed

	r.Amphoe = newSelect(t, append([]string{t.tr("ทุกอำเภอ", "All amphoe")}, t.places(r.amphoes)...), func(string) {
		r.fillTambons()
		r.onQueryChanged()
	})
	r.Tambon = newSelect(t, []string{t.tr("ทุกตำบล", "All tambon")}, changed)
	cats := []string{t.tr("ทุกด้าน", "All categories")}
	for c := data.Category(1); c <= 7; c++ {
		cats = append(cats, t.category(c))
	}
	r.Category = newSelect(t, cats, changed)
	r.SubProblem = newSelect(t, []string{t.tr("ทุกปัญหา", "All problems")}, changed)
	sts := []string{t.tr("ทุกสถานะ", "All statuses"), t.term(data.WordOpen) + " (" + t.status(data.NotStarted) + "/" + t.status(data.InProgress) + ")"}
	for _, s := range data.Statuses {
		sts = append(sts, t.status(s))
	}
	r.Status = newSelect(t, sts, changed)
	r.Origin = newSelect(t, []string{t.tr("ทุกที่มา", "Any origin"), t.origin(data.OriginSurvey2565), t.origin(data.OriginMissed),
		t.origin(data.OriginSurvey2565) + " · " + t.term(data.WordNewProblem)}, changed)
	rs := []string{t.tr("ทุกรอบ", "All rounds")}
	for _, x := range r.rounds {
		rs = append(rs, x.Name)
	}
	r.Round = newSelect(t, rs, changed)
	r.Urgent = widget.NewCheck(t.tr("เร่งด่วน", "Urgent"), func(bool) { r.onQueryChanged() })
	r.Overdue = widget.NewCheck(t.tr("เลยกำหนด", "Overdue"), func(bool) { r.onQueryChanged() })
	r.Clear = widget.NewButton(t.tr("ล้างตัวกรอง", "Clear filters"), func() { r.Show(app.RegisterQuery{}, false) })
	r.setAll(app.RegisterQuery{})
	r.Count = widget.NewLabel("")

	r.List = widget.NewList(func() int { return len(r.IDs) }, func() fyne.CanvasObject {
		top := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		top.Truncation = fyne.TextTruncateEllipsis
		bottom := widget.NewLabel("")
		bottom.Truncation = fyne.TextTruncateEllipsis
		return container.NewVBox(top, bottom)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		box := o.(*fyne.Container)
		top, bottom := box.Objects[0].(*widget.Label), box.Objects[1].(*widget.Label)
		if i >= len(r.IDs) || w.register == nil {
			return
		}
		e, ok := w.register.Entry(r.IDs[i], r.Query)
		if !ok {
			top.SetText("–")
			bottom.SetText("")
			return
		}
		top.SetText(r.entryTitle(e))
		bottom.SetText(r.entryLine(e))
	})
	// Return in the search opens the first household found, and the
	// arrows then go on in the list, as in the office's other programs.
	r.Search.OnSubmitted = func(string) {
		if len(r.IDs) > 0 {
			r.List.Select(0)
			w.Window.Canvas().Focus(r.List)
		}
	}
	r.List.OnSelected = func(i widget.ListItemID) {
		if i >= len(r.IDs) || r.IDs[i] == r.Shown {
			return // set by the program (a dashboard click), or the same again
		}
		if r.navigating {
			// A click made while the dashboard's choice is still opening
			// (the first looked slow) must not open another household.
			r.selectShown()
			return
		}
		r.Shown = r.IDs[i]
		r.Page.first = 0
		r.Page.open(r.IDs[i], r.lead(r.Query), false)
	}
	r.Page = newHouseholdPage(w)
	w.listen(r.onRegisterChanged)

	filters := container.NewGridWithColumns(3, r.Amphoe, r.Tambon, r.Round, r.Category, r.SubProblem, r.Status, r.Origin,
		container.NewHBox(r.Urgent, r.Overdue), r.Clear)
	left := container.NewBorder(container.NewVBox(r.Search, filters, r.Count), nil, nil, nil, r.List)
	split := container.NewHSplit(left, r.Page.Box)
	split.Offset = 0.45
	r.Box = split
	return r
}

// places names places in the window's language: their English names in
// English (where the geography has one), their Thai otherwise.
func (t texts) places(ps []data.Place) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = t.place(p)
	}
	return out
}

func (r *registerScreen) fillTambons() {
	all := r.w.t.tr("ทุกตำบล", "All tambon")
	r.tambons = nil
	if i := r.Amphoe.SelectedIndex() - 1; i >= 0 {
		r.tambons = r.w.env.Geo.TambonsOf(r.amphoes[i].Code)
	}
	r.Tambon.Options = append([]string{all}, r.w.t.places(r.tambons)...)
	was := r.setting
	r.setting = true
	r.Tambon.SetSelectedIndex(0)
	r.setting = was
}

func (r *registerScreen) entryTitle(e app.RegisterEntry) string {
	t := r.w.t
	name := e.Name
	if name == "" {
		name = t.tr("(ไม่มีชื่อ)", "(no name)")
	}
	addr := ""
	if e.HouseNo != "" {
		addr += t.tr(" · บ้านเลขที่ ", " · house ") + t.digitsOf(e.HouseNo)
	}
	if e.VillageNo > 0 {
		addr += " " + t.term(data.WordVillageNo) + " " + t.ni(e.VillageNo)
	}
	return name + addr + t.tr(" ต.", " · ") + t.placeName(r.w.env.Geo.Tambon, e.Tambon)
}

func (r *registerScreen) entryLine(e app.RegisterEntry) string {
	t := r.w.t
	s := ""
	if e.HouseCode != "" {
		s += t.tr("รหัสบ้าน ", "house code ") + t.digitsOf(e.HouseCode) + " · "
	}
	if e.NationalID != "" {
		s += t.digitsOf(data.MaskNationalID(e.NationalID)) + " · "
	}
	if r.Query.NarrowsProblems() {
		// As the page says it: those matching, of all it lists.
		s += t.tr("ตรงตัวกรอง ", "matching ") + t.ni(e.Problems) + t.tr(" จาก ", " of ") + t.ni(e.All) + t.tr(" ปัญหา · ค้าง ", " problems · open ") + t.ni(e.Open)
	} else {
		s += t.tr("ปัญหา ", "problems ") + t.ni(e.Problems) + t.tr(" ค้าง ", ", open ") + t.ni(e.Open)
	}
	if e.Urgent > 0 {
		s += t.tr(" · เร่งด่วน ", " · urgent ") + t.ni(e.Urgent)
	}
	if e.Overdue > 0 {
		s += t.tr(" · เลยกำหนด ", " · overdue ") + t.ni(e.Overdue)
	}
	return s
}

// query reads the widgets.
func (r *registerScreen) query() app.RegisterQuery {
	q := app.RegisterQuery{Text: r.Search.Text, UrgentOnly: r.Urgent.Checked, Overdue: r.Overdue.Checked, Today: r.w.today()}
	if i := r.Amphoe.SelectedIndex() - 1; i >= 0 {
		q.Area = r.amphoes[i].Code
	}
	if i := r.Tambon.SelectedIndex() - 1; i >= 0 && i < len(r.tambons) {
		q.Area = r.tambons[i].Code
	}
	if i := r.Category.SelectedIndex(); i > 0 {
		q.Category = data.Category(i)
	}
	if i := r.SubProblem.SelectedIndex(); i > 0 {
		q.SubProblem = r.SubProblem.Selected
	}
	switch i := r.Status.SelectedIndex(); {
	case i == 1:
		q.OpenOnly = true
	case i > 1:
		q.Status = data.Statuses[i-2]
	}
	if i := r.Origin.SelectedIndex(); i == 3 {
		q.Origin, q.NewProblems = data.OriginSurvey2565, true
	} else if i > 0 {
		q.Origin = data.Origin(i)
	}
	if i := r.Round.SelectedIndex() - 1; i >= 0 && i < len(r.rounds) {
		q.RoundID = r.rounds[i].ID
	}
	return q
}

// setAll puts a query into the widgets without searching on each change.
func (r *registerScreen) setAll(q app.RegisterQuery) {
	r.setting = true
	defer func() { r.setting = false }()
	r.Search.SetText(q.Text)
	r.Amphoe.SetSelectedIndex(0)
	r.fillTambons()
	if len(q.Area) >= 4 {
		for i, a := range r.amphoes {
			if a.Code == q.Area[:4] {
				r.Amphoe.SetSelectedIndex(i + 1)
				r.fillTambons()
			}
		}
	}
	if len(q.Area) == 6 {
		for i, tb := range r.tambons {
			if tb.Code == q.Area {
				r.Tambon.SetSelectedIndex(i + 1)
			}
		}
	}
	r.Category.SetSelectedIndex(int(q.Category))
	r.SubProblem.SetSelectedIndex(0)
	for i, s := range r.SubProblem.Options {
		if i > 0 && s == q.SubProblem {
			r.SubProblem.SetSelectedIndex(i)
		}
	}
	r.Status.SetSelectedIndex(0)
	if q.OpenOnly {
		r.Status.SetSelectedIndex(1)
	}
	for i, s := range data.Statuses {
		if s == q.Status {
			r.Status.SetSelectedIndex(i + 2)
		}
	}
	if q.NewProblems {
		r.Origin.SetSelectedIndex(3)
	} else {
		r.Origin.SetSelectedIndex(int(q.Origin))
	}
	r.Round.SetSelectedIndex(0)
	for i, x := range r.rounds {
		if x.ID == q.RoundID {
			r.Round.SetSelectedIndex(i + 1)
		}
	}
	r.Urgent.SetChecked(q.UrgentOnly)
	r.Overdue.SetChecked(q.Overdue)
}

// Show opens the register on a query (from a dashboard click). openOnly
// narrows it to problems still open.
func (r *registerScreen) Show(q app.RegisterQuery, openOnly bool) {
	q.OpenOnly = q.OpenOnly || openOnly
	r.setAll(q)
	r.Shown, r.navigating = 0, false
	r.Page.clear() // the page beside a new list shows nothing of the old one
	if r.w.Tabs != nil {
		r.w.Tabs.SelectIndex(1)
	}
	r.onQueryChanged()
}

// Open shows one household's page, with the register cleared of filters
// and the household chosen in its list.
func (r *registerScreen) Open(id uint64) {
	r.Page.first = 0
	r.navigate(app.RegisterQuery{}, id, false)
}

// OpenProblem shows the household of an overdue problem (the dashboard's
// list): the register filtered to the round's overdue problems, the
// household chosen in the list, and the problem first on its page.
func (r *registerScreen) OpenProblem(p data.Problem) {
	r.Page.first = p.ID // the one clicked, first of those the filters pass
	r.navigate(app.RegisterQuery{RoundID: p.RoundID, Overdue: true}, p.HouseholdID, true)
}

// navigate sets the register's filters to q, chooses household id in its
// list once the search has answered, and opens its page at once; with
// lead, the problems the filters pass come first on it, as the list line
// counts them.
func (r *registerScreen) navigate(q app.RegisterQuery, id uint64, lead bool) {
	r.setAll(q)
	if r.w.Tabs != nil {
		r.w.Tabs.SelectIndex(1)
	}
	r.Shown, r.navigating = id, true
	var led func(data.Problem) bool
	if lead {
		led = r.lead(r.query()) // the widgets' query: with today, as the list's
	}
	r.Page.open(id, led, false)
	r.onQueryChanged()
}

// lead is the page's "what led here" for a list click: the problems the
// query's problem filters pass, as the line counts them.
func (r *registerScreen) lead(q app.RegisterQuery) func(data.Problem) bool {
	if !q.NarrowsProblems() {
		return nil
	}
	return q.MatchesProblem
}

// selectShown marks the household the page shows in the list, if listed,
// without opening it again.
func (r *registerScreen) selectShown() {
	for i, id := range r.IDs {
		if id == r.Shown {
			r.List.Select(i)
			r.List.ScrollTo(i)
			return
		}
	}
	r.List.UnselectAll()
}

func (r *registerScreen) setBuilding(b bool) {
	r.building = b
	if b {
		r.Count.SetText(r.w.t.tr("กำลังเตรียมรายการค้นหา…", "Preparing the search…"))
	}
}

// setBuildingFailed says the list could not be prepared, instead of
// "preparing…" for ever.
func (r *registerScreen) setBuildingFailed() {
	r.building = false
	r.Count.SetText(r.w.t.tr("เตรียมรายการค้นหาไม่ได้ ดูข้อความแจ้งข้อผิดพลาด", "The search could not be prepared: see the error message"))
}

func (r *registerScreen) setBuildingCount(n int) {
	if r.building {
		r.Count.SetText(r.w.t.tr("กำลังเตรียมรายการค้นหา… อ่านแล้ว ", "Preparing the search… read ") + r.w.t.ni(n) + r.w.t.tr(" ครัวเรือน", " households"))
	}
}

// onQueryChanged searches in the background; only the latest search's
// answer is shown, so typing fast never shows a stale list.
func (r *registerScreen) onQueryChanged() {
	w := r.w
	if r.setting || w.register == nil {
		return
	}
	q := r.query()
	r.gen++
	gen := r.gen
	reg := w.register
	if subs := reg.SubProblemNames(); len(subs)+1 != len(r.SubProblem.Options) {
		r.SubProblem.Options = append([]string{w.t.tr("ทุกปัญหา", "All problems")}, subs...)
	}
	r.wanted.Store(int64(gen))
	asked := time.Now()
	w.goBackground(func() {
		// One search at a time, and only the latest: keystrokes typed
		// while one runs wait, and all but the last are dropped unrun.
		r.searching.Lock()
		if r.wanted.Load() != int64(gen) {
			r.searching.Unlock()
			return
		}
		ids := reg.Search(q)
		r.searching.Unlock()
		w.doAndWait(func() {
			if gen != r.gen {
				return
			}
			r.IDs, r.Query = ids, q
			r.List.UnselectAll()
			r.List.Refresh()
			r.List.ScrollToTop()
			if r.Shown != 0 {
				r.selectShown() // the page's household stays chosen in the new list
			}
			r.navigating = false
			r.Count.SetText(w.t.tr("พบ ", "Found ") + w.t.ni(len(ids)) + w.t.tr(" ครัวเรือน จากทั้งหมด ", " of ") + w.t.ni(reg.Len()) + w.t.tr("", " households"))
			if w.env.Trace != nil {
				w.env.Trace("search of %d characters: %d of %d households listed %v after the change", utf8.RuneCountInString(q.Text), len(ids), reg.Len(), time.Since(asked).Round(time.Millisecond))
			}
		})
	})
}

// Entry returns a listed household's line as the list shows it.
func (r *registerScreen) Entry(id uint64) (app.RegisterEntry, bool) {
	if r.w.register == nil {
		return app.RegisterEntry{}, false
	}
	return r.w.register.Entry(id, r.Query)
}

// onRegisterChanged keeps the list true to the register: one household's
// entry is read again at once; after a change that may touch any, the
// search index is rebuilt in the background.
func (r *registerScreen) onRegisterChanged(c registerChange) {
	w := r.w
	if c.whole() || w.register == nil {
		w.rebuildRegister()
		return
	}
	reg := w.register
	w.goBackground(func() {
		err := reg.Refresh(w.ctx, w.store, c.Household) // the index has its own lock
		w.doAndWait(func() {
			if err != nil {
				w.registerAt = "" // built anew at the next change
				w.showError(err)
			}
			r.onQueryChanged()
		})
	})
}
