package ui

import (
	"bytes"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// dashboardScreen is where the province stands: the countdown, the
// ministry's counters, the urgent problems, and the split by category and
// by amphoe. Clicking a category or an amphoe opens the register on it.
type dashboardScreen struct {
	Box fyne.CanvasObject
	// Top holds the figures above the tabs; it scrolls when the window
	// is too short for them and the tables both.
	Top *container.Scroll

	Round     *widget.Select
	NewRound  *widget.Button // starts the next round (roundForm)
	RoundForm *roundForm     // while its dialog is open
	Title     *widget.Label
	Countdown *widget.Label // red once the deadline has passed

	Households, Target, Solved, SelfSolved, InProgress, NotStarted, Closed, Percent *counter

	Urgent      []*widget.Button // one per urgent kind of the stored sub-problem list (no home, no drinking water, drugs): open counts; each opens the list
	Print       *widget.Button   // the meeting pack
	PackAmphoe  *widget.Select   // an amphoe's meeting pack
	AmphoePrint *widget.Button
	Charts      *widget.Button // the pack's charts as PNG
	Categories  *grid
	Amphoes     *grid
	AmphoeSort  *widget.RadioGroup
	Overdue     *grid
	OverdueNote *widget.Label
	ReXRay      *reXRayTab // the Re-X-Ray result of the carried-over problems
	NewCases    *newCasesTab
	ThaiQM      *thaiQMTab // what is keyed into ThaiQM, and the amphoe's mark
	Units       *unitsTab  // the municipalities, beside the amphoe

	Agencies *agencyTab // the partner agencies' work

	CategoryChart *canvas.Image // the meeting pack's charts, in the same colours
	TimeChart     *canvas.Image

	w           *MainWindow
	counters    []*counter // app.Counters' boxes
	urgentKinds []data.UrgentKind
	packAmphoes []data.Place
	parts       *container.AppTabs
	chartsTab   *container.TabItem
	rounds      []data.Round
	round       uint64 // 0: the database's default round
	summary     app.Summary
	gen         int        // the latest refresh; an earlier one's answer is dropped
	amphoes     []app.Area // in the table's order
	overdue     []data.Problem
}

func newDashboardScreen(w *MainWindow) *dashboardScreen {
	d := &dashboardScreen{w: w}
	t := w.t
	w.listen(func(registerChange) { d.Refresh() })
	d.Round = newSelect(t, nil, d.onRound)
	d.NewRound = widget.NewButton(t.tr("รอบใหม่…", "New round…"), d.onNewRound)
	d.Title = bold("")
	d.Countdown = widget.NewLabel("")
	d.Countdown.Wrapping = fyne.TextWrapWord
	// The ministry's counters, under the headers of every progress table.
	for _, c := range app.Counters {
		d.counters = append(d.counters, newCounter(t.term(c.Head), data.StatusColor(c.Status)))
	}
	boxes := d.counters // named for the tests, in app.Counters' order
	d.Households, d.Target, d.Solved, d.SelfSolved = boxes[0], boxes[1], boxes[2], boxes[3]
	d.InProgress, d.NotStarted, d.Closed, d.Percent = boxes[4], boxes[5], boxes[6], boxes[7]
	counters := container.NewGridWithColumns(len(boxes))
	for _, c := range boxes {
		counters.Add(c.box)
	}
	d.Print = widget.NewButton(t.tr("พิมพ์เอกสารประชุม (Ctrl+P)", "Print the meeting pack (Ctrl+P)"), w.onPrint)
	d.Print.Importance = widget.HighImportance
	d.Charts = widget.NewButton(t.tr("บันทึกกราฟสำหรับสไลด์", "Charts for slides"), w.onSaveCharts)
	urgent := container.NewHBox(bold(t.term(data.WordUrgentOpen.Counting(data.UnitProblems)) + ":"))
	// The urgent kinds come from the stored sub-problem list, which the
	// clerk may change in the settings.
	d.urgentKinds = w.facts.subs.UrgentKinds()
	for _, k := range d.urgentKinds {
		b := widget.NewButton(t.urgentName(k), func() {
			w.Households.Show(app.RegisterQuery{Category: k.Category, UrgentOnly: true, RoundID: d.roundID()}, true)
		})
		b.Importance = widget.DangerImportance
		d.Urgent = append(d.Urgent, b)
		urgent.Add(b)
	}

	var heads []string
	for _, c := range app.Columns {
		heads = append(heads, t.term(c.Head))
	}
	// A category's row has its own urgent problems; an amphoe's has each
	// urgent kind apart, as the pack prints them, never their sum.
	d.Categories = newGrid(append(append([]string{t.term(data.WordCategory)}, heads...), t.term(app.CategoryUrgentColumn)))
	d.Categories.OnRow = func(row int) {
		w.Households.Show(app.RegisterQuery{Category: data.Category(row + 1), RoundID: d.roundID()}, false)
	}
	amphoeHeads := append([]string{t.tr("อำเภอ", "Amphoe")}, heads...)
	for _, k := range d.urgentKinds {
		amphoeHeads = append(amphoeHeads, t.term(app.UrgentColumn(k)))
	}
	d.Amphoes = newGrid(amphoeHeads)
	d.Amphoes.OnRow = func(row int) {
		if row < len(d.amphoes) {
			w.Households.Show(app.RegisterQuery{Area: d.amphoes[row].Code, RoundID: d.roundID()}, false)
		}
	}
	d.AmphoeSort = widget.NewRadioGroup([]string{t.tr("ตามรหัสอำเภอ", "by code"), t.term(data.WordPercentSolved) + t.tr(" น้อยไปมาก", ", lowest first"),
		t.term(data.WordOverdue) + t.tr(" มากไปน้อย", ", most first")}, func(string) { d.showAmphoes() })
	d.AmphoeSort.Horizontal = true
	meta := w.facts.meta
	d.packAmphoes = w.env.Geo.AmphoesOf(meta.Province)
	d.PackAmphoe = newSelect(t, t.places(d.packAmphoes), nil)
	d.PackAmphoe.PlaceHolder = t.tr("เลือกอำเภอ", "Choose an amphoe")
	d.AmphoePrint = widget.NewButton(t.tr("เอกสารประชุมของอำเภอ…", "Amphoe's meeting pack…"), w.onAmphoePack)
	d.AmphoeSort.SetSelected(d.AmphoeSort.Options[1])
	d.Overdue = newGrid([]string{t.term(data.WordTargetDate), t.tr("เลยมา (วัน)", "Days over"), t.term(data.WordCategory), t.tr("ปัญหา", "Problem"),
		t.tr("หัวหน้าครัวเรือน", "Head of household"), t.tr("ตำบล", "Tambon"), t.tr("อำเภอ", "Amphoe")})
	d.Overdue.OnRow = func(row int) {
		if row < len(d.overdue) {
			w.Households.OpenProblem(d.overdue[row])
		}
	}
	d.OverdueNote = widget.NewLabel("")

	d.ReXRay = newReXRayTab(d)
	d.NewCases = newNewCasesTab(d)
	d.ThaiQM = newThaiQMTab(d)
	d.Units = newUnitsTab(d)
	d.CategoryChart = canvas.NewImageFromResource(nil)
	d.TimeChart = canvas.NewImageFromResource(nil)
	for _, img := range []*canvas.Image{d.CategoryChart, d.TimeChart} {
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(760, 330))
	}
	d.chartsTab = container.NewTabItem(t.tr("กราฟ", "Charts"), container.NewVScroll(container.NewVBox(d.CategoryChart, d.TimeChart)))
	parts := container.NewAppTabs(
		container.NewTabItem(t.tr("รายด้าน", "By category"), d.Categories.Box),
		d.chartsTab,
		container.NewTabItem(t.tr("รายอำเภอ", "By amphoe"), container.NewBorder(
			container.NewBorder(nil, nil, nil, container.NewHBox(container.NewGridWrap(fyne.NewSize(220, d.PackAmphoe.MinSize().Height), d.PackAmphoe), d.AmphoePrint), d.AmphoeSort),
			nil, nil, nil, d.Amphoes.Box)),
		d.Units.item,
		container.NewTabItem(t.tr("ปัญหาที่เลยกำหนด", "Overdue problems"), container.NewBorder(d.OverdueNote, nil, nil, nil, d.Overdue.Box)),
		container.NewTabItem("Re-X-Ray", d.ReXRay.Box),
		container.NewTabItem(t.term(data.WordNewCasesTab), d.NewCases.Box),
		container.NewTabItem("ThaiQM", d.ThaiQM.Box),
	)
	d.Agencies = newAgencyTab(w)
	parts.Append(d.Agencies.item)
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(widget.NewLabel(t.tr("รอบ", "Round")), container.NewGridWrap(fyne.NewSize(300, d.Round.MinSize().Height), d.Round), d.NewRound), d.Title),
		d.Countdown, counters, container.NewBorder(nil, nil, nil, container.NewHBox(d.Charts, d.Print), urgent))
	parts.OnSelected = func(*container.TabItem) { d.drawCharts(); d.loadAgencies() }
	// Each tab scrolls on its own when the window is short (a 1280×720
	// screen): the tallest tab no longer sets the window's least height.
	// (The tabs hid every content but the selected one: the scroll takes
	// over that, its content shows.)
	for _, it := range parts.Items {
		if _, scrolls := it.Content.(*container.Scroll); !scrolls {
			inner := it.Content
			inner.Show()
			sc := container.NewVScroll(inner)
			if it != parts.Selected() {
				sc.Hide()
			}
			it.Content = sc
		}
	}
	d.parts = parts
	d.Top = container.NewVScroll(top)
	d.Box = container.New(&summaryAbove{top: top}, d.Top, parts)
	return d
}

// summaryAbove lays the dashboard out: the figures above the tabs get the
// height they need while the tabs keep at least tabsRoom; on a shorter
// window (a 1280×720 screen) the figures give way and scroll, whole rows
// of them (the title and countdown, the counters, the urgent problems)
// staying in view, so that the tables below still show several rows
// rather than two or three.
type summaryAbove struct{ top *fyne.Container }

// tabsRoom is the height kept for the tabs: their bar, a table's header
// and about five rows.
const tabsRoom = 360

func (l *summaryAbove) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	h := l.topHeight(size.Height - tabsRoom - pad)
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, h))
	objs[1].Move(fyne.NewPos(0, h+pad))
	objs[1].Resize(fyne.NewSize(size.Width, size.Height-h-pad))
}

// topHeight is the height of the first rows of the figures that fit in
// room, and at least the first row's.
func (l *summaryAbove) topHeight(room float32) float32 {
	if need := l.top.MinSize().Height; need <= room {
		return need
	}
	h := float32(0)
	for i, o := range l.top.Objects {
		next := h + o.MinSize().Height
		if i > 0 {
			next += theme.Padding()
		}
		if i > 0 && next > room {
			break
		}
		h = next
	}
	return h
}

func (l *summaryAbove) MinSize(objs []fyne.CanvasObject) fyne.Size {
	top, tabs := l.top.MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(top.Width, tabs.Width), l.topHeight(0)+theme.Padding()+tabs.Height)
}

func (d *dashboardScreen) roundID() uint64 {
	if d.round != 0 {
		return d.round
	}
	return d.summary.Round.ID
}

func (d *dashboardScreen) onRound(string) {
	if i := d.Round.SelectedIndex(); i >= 0 && i < len(d.rounds) && d.rounds[i].ID != d.roundID() {
		d.round = d.rounds[i].ID
		d.Refresh()
	}
}

// roundLabel names a round in the selector; the current one (where
// imports go) says so.
func (d *dashboardScreen) roundLabel(r data.Round, current uint64) string {
	if r.ID == current {
		return r.Name + d.w.t.tr(" (รอบปัจจุบัน)", " (current)")
	}
	return r.Name
}

// dashboardView is what the dashboard shows, read in one go off the UI
// thread.
type dashboardView struct {
	summary   app.Summary
	rounds    []data.Round
	meta      data.Meta
	overdue   []data.Problem
	heads     map[uint64]data.Household // the overdue problems' households
	roundsErr error
	err       error // the summary could not be read
	damage    error // some overdue records could not be read
}

// Refresh reads the numbers again in the background (they come from
// running counters, so this takes milliseconds even for a whole
// province) and shows them; a later refresh wins over an earlier one.
func (d *dashboardScreen) Refresh() {
	w := d.w
	d.gen++
	gen, round := d.gen, d.round
	w.goBackground(func() {
		v := d.read(round)
		w.doAndWait(func() {
			if gen == d.gen {
				d.draw(v)
			}
		})
	})
}

// read reads the dashboard of a round (0: the current one).
func (d *dashboardScreen) read(round uint64) (v dashboardView) {
	w := d.w
	if v.summary, v.err = w.progress.Summarize(w.ctx, round, ""); v.err != nil {
		return v
	}
	if v.rounds, v.roundsErr = w.store.Rounds(w.ctx); v.roundsErr == nil {
		v.meta, _ = w.store.Meta(w.ctx)
	}
	v.overdue, v.heads, v.damage = readOverdue(w, v.summary.Round.ID)
	return v
}

func (d *dashboardScreen) draw(v dashboardView) {
	w, t := d.w, d.w.t
	if v.err != nil {
		w.showError(v.err)
		return
	}
	sum := v.summary
	d.summary = sum
	if rounds, meta := v.rounds, v.meta; v.roundsErr == nil {
		d.rounds = rounds
		names := make([]string, len(rounds))
		for i, r := range rounds {
			names[i] = d.roundLabel(r, meta.DefaultRound)
		}
		d.Round.Options = names
		d.Round.SetSelected(d.roundLabel(sum.Round, meta.DefaultRound))
	}
	province := sum.ProvinceName
	if p, ok := w.env.Geo.Province(sum.ProvinceCode); ok {
		province = t.place(p)
	}
	title := t.tr("จังหวัด", "") + province + " · " + sum.Round.Name + t.tr(" · ข้อมูล ณ ", " · as of ") + t.date(sum.AsOf)
	if _, training := w.env.Clock.Training(); training {
		title += t.tr(" (วันที่จำลองสำหรับฝึกอบรม)", " (a training day)")
	}
	d.Title.SetText(title)
	d.Countdown.SetText(d.countdownText(sum.Round, sum.Countdown))
	d.Countdown.Importance = widget.MediumImportance
	if sum.Countdown.DaysOverdue > 0 {
		d.Countdown.Importance = widget.DangerImportance
	}
	d.Countdown.Refresh()

	for i, c := range app.Counters {
		d.counters[i].Value.SetText(t.digitsOf(c.Text(sum.Area.Totals)))
	}

	for i, k := range d.urgentKinds {
		open := sum.Area.Categories[k.Category].UrgentOpen
		d.Urgent[i].SetText(t.urgentName(k) + " " + t.n(open))
		// Red only while some are open: a red 0 calls for nothing.
		d.Urgent[i].Importance = widget.DangerImportance
		if open == 0 {
			d.Urgent[i].Importance = widget.MediumImportance
		}
		d.Urgent[i].Refresh()
	}
	rows := make([][]string, 0, 7)
	for c := data.Category(1); c <= 7; c++ {
		x := sum.Area.Categories[c]
		rows = append(rows, append(append([]string{t.categoryShort(c)}, d.tallyCells(x)...), t.n(x.UrgentOpen)))
	}
	d.Categories.SetRows(rows)
	d.showAmphoes()
	d.showOverdue(v)
	d.ReXRay.set(sum.ReXRay)
	d.NewCases.set(sum.NewCases)
	d.ThaiQM.set(sum.ThaiQM)
	d.Units.set(sum.Units)
	d.drawCharts()
	d.loadAgencies()
}

// loadAgencies reads the agencies' tab when it is showing.
func (d *dashboardScreen) loadAgencies() {
	if d.parts != nil && d.parts.Selected() == d.Agencies.item {
		d.Agencies.load(d.roundID())
	}
}

// SelectAgenciesTab shows the partner agencies' tab.
func (d *dashboardScreen) SelectAgenciesTab() { d.parts.Select(d.Agencies.item) }

// drawCharts draws the pack's category and weekly charts when their tab
// is showing (a few tens of milliseconds; not worth doing unseen).
func (d *dashboardScreen) drawCharts() {
	if d.parts == nil || d.parts.Selected() != d.chartsTab {
		return
	}
	w, round, digits := d.w, d.roundID(), d.w.t.digits
	charts := []struct {
		img  *canvas.Image
		kind app.ChartKind
	}{{d.CategoryChart, app.ChartCategories}, {d.TimeChart, app.ChartOverTime}}
	w.goBackground(func() {
		pngs := make([][]byte, len(charts))
		pack, err := w.progress.Pack(w.ctx, round, "")
		if err == nil {
			pack.Digits = digits // one screen, one kind of digit
			if w.t.lang == English {
				pack.English = true
				if p, ok := w.env.Geo.Province(pack.Summary.ProvinceCode); ok {
					pack.ProvinceEnglish = p.English
				}
			}
			for i, c := range charts {
				var buf bytes.Buffer
				if err = pack.RenderChart(&buf, c.kind, 110); err != nil {
					break
				}
				pngs[i] = buf.Bytes()
			}
		}
		w.doAndWait(func() {
			if err != nil {
				w.showError(err)
				return
			}
			for i, c := range charts {
				c.img.Resource = fyne.NewStaticResource(string(c.kind)+".png", pngs[i])
				c.img.Refresh()
			}
		})
	})
}

// tallyCells are a scope's figures under app.Columns.
func (d *dashboardScreen) tallyCells(x app.Tally) []string {
	t := d.w.t
	cells := make([]string, len(app.Columns))
	for i, c := range app.Columns {
		cells[i] = t.digitsOf(c.Text(x))
	}
	return cells
}

func (d *dashboardScreen) countdownText(r data.Round, c app.Deadline) string {
	t := d.w.t
	switch {
	case c.NotStarted:
		return t.tr("รอบนี้ยังไม่เริ่ม: เริ่มบันทึกผล ", "The round has not started: recording starts ") + t.date(r.Start) +
			t.tr(" (อีก ", " (in ") + t.ni(-c.DaysSinceStart) + t.tr(" วัน) · ครบกำหนด ", " days) · deadline ") + t.date(r.Deadline)
	case c.Ended:
		return t.tr("รอบนี้สิ้นสุดแล้วเมื่อ ", "This round ended on ") + t.date(r.Deadline) + " (" + t.ni(c.DaysOverdue) + t.tr(" วันที่แล้ว)", " days ago)") +
			t.tr(" · ณ วันครบกำหนดยังค้าง ", " · open at the deadline: ") + t.n(c.OpenAtDeadline) + t.tr(" ปัญหา · หลังจากนั้น", " · since: ") + t.term(data.WordSolvedTotal) + " " + t.n(c.SolvedSince) +
			t.tr(" ปัญหา และ", ", ") + t.status(data.Closed) + " " + t.n(c.ResolvedSince-c.SolvedSince) + t.tr(" ปัญหา", "") +
			t.tr(" · วันนี้ยังค้าง ", " · open today: ") + t.n(c.Open) + t.tr(" ปัญหา", " problems") + allOverdue(t, c.Open) + d.carriedText(c)
	}
	left := t.tr(" วัน (นับวันนี้และวันครบกำหนด)", " days (today and the deadline day included)")
	if c.DaysLeft == 1 {
		left = t.tr(" วัน (วันนี้คือวันครบกำหนด)", " day (today is the deadline)")
	}
	return t.tr("ครบกำหนด ", "Deadline ") + t.date(r.Deadline) + t.tr(" · เหลืออีก ", " · ") + t.ni(c.DaysLeft) + left +
		t.tr(" · เริ่มบันทึกผลมาแล้ว ", " · recording started ") + t.ni(c.DaysSinceStart) + t.tr(" วัน · ต้องแก้ไขให้ได้วันละ ", " days ago · needed per day: ") +
		t.n(c.PerDayNeeded) + t.tr(" ปัญหา (ค้าง ", " problems (open: ") + t.n(c.Open) + t.tr(" ปัญหา)", ")")
}

// carriedText says how many of an ended round's open problems went on in
// a later round.
func (d *dashboardScreen) carriedText(c app.Deadline) string {
	if c.Carried == 0 {
		return ""
	}
	t := d.w.t
	return t.tr(" · ในจำนวนนี้ยกไปติดตามต่อในรอบใหม่แล้ว ", " · of these, carried into a later round: ") + t.n(c.Carried) +
		t.tr(" ปัญหา ซึ่งนับเป็นงานของรอบใหม่ (อย่านับซ้ำ)", " problems, counted as the later round's work (do not count them twice)")
}

func (d *dashboardScreen) showAmphoes() {
	if d.Amphoes == nil {
		return
	}
	d.amphoes = append(d.amphoes[:0], d.summary.Parts...)
	switch d.AmphoeSort.Selected {
	case d.AmphoeSort.Options[1]:
		sort.SliceStable(d.amphoes, func(i, j int) bool {
			a, b := d.amphoes[i].Totals, d.amphoes[j].Totals
			if (a.Target == 0) != (b.Target == 0) {
				return b.Target == 0 // amphoe without problems last
			}
			return a.PercentSolved < b.PercentSolved
		})
	case d.AmphoeSort.Options[2]:
		sort.SliceStable(d.amphoes, func(i, j int) bool { return d.amphoes[i].Totals.Overdue > d.amphoes[j].Totals.Overdue })
	}
	rows := make([][]string, len(d.amphoes))
	for i, a := range d.amphoes {
		rows[i] = append([]string{d.w.amphoeName(a.Code, a.Name)}, d.tallyCells(a.Totals)...)
		for _, k := range d.urgentKinds {
			rows[i] = append(rows[i], d.w.t.n(a.Categories[k.Category].UrgentOpen))
		}
	}
	d.Amphoes.SetRows(rows)
}

// overdueShown caps the overdue list; the register's overdue filter shows
// them all.
const overdueShown = 300

// readOverdue reads the overdue list of a round: urgent ones first, then
// the longest overdue (the date index gives the oldest first), each query
// capped so that a province with tens of thousands overdue still
// refreshes at once; and their households. Records that cannot be read
// (EDAMAGED) leave the others listed, with the error.
func readOverdue(w *MainWindow, round uint64) (ps []data.Problem, heads map[uint64]data.Household, err error) {
	today := w.today()
	f := data.ProblemFilter{RoundID: round, OverdueOn: today, Limit: overdueShown}
	var damage error
	keep := func(e error) error {
		if data.ErrorCode(e) == data.EDAMAGED {
			damage = e
			return nil
		}
		return e
	}
	ps, err = w.store.Problems(w.ctx, data.ProblemFilter{RoundID: f.RoundID, OverdueOn: today, UrgentOnly: true, Limit: overdueShown})
	if keep(err) != nil {
		return nil, nil, err
	}
	rest, err := w.store.Problems(w.ctx, f)
	if keep(err) != nil {
		return nil, nil, err
	}
	for _, p := range rest {
		if !p.Urgent && len(ps) < overdueShown {
			ps = append(ps, p)
		}
	}
	heads = map[uint64]data.Household{}
	for _, p := range ps {
		if _, ok := heads[p.HouseholdID]; !ok {
			heads[p.HouseholdID], _ = w.store.Household(w.ctx, p.HouseholdID)
		}
	}
	return ps, heads, damage
}

func (d *dashboardScreen) showOverdue(v dashboardView) {
	w, t := d.w, d.w.t
	today := w.today()
	if v.damage != nil {
		w.noteDamage(v.damage)
	}
	ps := v.overdue
	total := int(d.summary.Area.Totals.Overdue)
	d.overdue = ps
	rows := make([][]string, len(ps))
	for i, p := range ps {
		h := v.heads[p.HouseholdID]
		sub, name := t.subProblem(p.SubProblem), h.Head.FullName()
		// Read from across a meeting room: a sensitive problem is named
		// as such, with its tambon and no one's name.
		if p.Sensitive {
			sub, name = t.term(data.WordSensitive), "–"
		}
		if p.Urgent {
			sub = "‼ " + sub
		}
		rows[i] = []string{t.date(p.TargetDate), t.ni(p.TargetDate.DaysUntil(today)), t.categoryShort(p.Category), sub, name,
			w.t.placeName(w.env.Geo.Tambon, h.TambonCode), w.t.placeName(w.env.Geo.Amphoe, h.AmphoeCode())}
	}
	d.Overdue.SetRows(rows)
	note := t.tr("ปัญหาที่ยังค้างและเลยวัน", "Open problems past their ") + t.term(data.WordTargetDate) + " " + t.ni(total) + " " + t.term(data.UnitProblems) +
		" (" + t.term(data.WordSensitive) + t.tr(" ไม่แสดงชื่อ)", ": no names)")
	if total > len(ps) {
		note += t.tr(" (แสดง ", " (showing ") + t.ni(len(ps)) + t.tr(" รายการแรก ดูทั้งหมดได้ที่ทะเบียนครัวเรือน ตัวกรอง \"เลยกำหนด\")", "; the register's overdue filter lists them all)")
	}
	d.OverdueNote.SetText(note)
}

// SelectChartsTab shows the charts.
func (d *dashboardScreen) SelectChartsTab() { d.parts.Select(d.chartsTab) }

// packAmphoe is the code of the amphoe chosen for its own pack, or "".
func (d *dashboardScreen) packAmphoe() string {
	if i := d.PackAmphoe.SelectedIndex(); i >= 0 && i < len(d.packAmphoes) {
		return d.packAmphoes[i].Code
	}
	return ""
}

// UrgentKinds are the urgent kinds of the panel and of the amphoe table's
// last columns, in their order.
func (d *dashboardScreen) UrgentKinds() []data.UrgentKind { return d.urgentKinds }

// OverdueProblems are the problems of the overdue list, in its order.
func (d *dashboardScreen) OverdueProblems() []data.Problem { return d.overdue }

// figureRow is a table's row: a name, then its figures in the window's
// digits.
func (t texts) figureRow(name string, figures []int64) []string {
	r := []string{name}
	for _, n := range figures {
		r = append(r, t.n(n))
	}
	return r
}

// ofCategory is a figure of category c, or of all categories when c is 0.
func ofCategory[T any](c data.Category, all T, cats map[data.Category]T) T {
	if c == 0 {
		return all
	}
	return cats[c]
}

// amphoeName is an amphoe's name in the window's language.
func (w *MainWindow) amphoeName(code, thai string) string {
	if p, ok := w.env.Geo.Amphoe(code); ok && w.t.lang == English {
		return w.t.place(p)
	}
	return thai
}

// allOverdue says that the problems still open after the round's end are
// all overdue, when there are any.
func allOverdue(t texts, open int64) string {
	if open == 0 {
		return ""
	}
	return t.tr(" ซึ่งเลยกำหนดทั้งหมด", ", all overdue")
}
