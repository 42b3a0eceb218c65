package ui

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// householdPage shows one household: where it is, its head (ID masked
// until the clerk asks, which is logged), and every problem with its
// history, with the buttons to record what was done.
type householdPage struct {
	Box fyne.CanvasObject

	Title    *widget.Label
	Address  *widget.Label
	Head     *widget.Label
	Unmask   *widget.Button
	LeadNote *widget.Label   // how many problems match the list's filters, when it has some
	Unit     *householdUnit  // its municipality, chosen here in a partly covered tambon
	Problems *fyne.Container // one card per problem
	Cards    []*problemCard

	Household data.Household
	Unmasked  bool
	// hasSensitive: a problem of the household is sensitive (the unmask
	// button shows it).
	hasSensitive bool

	ActionForm *actionForm // while the dialog is open
	StatusForm *statusForm
	ThaiQMForm *thaiQMForm
	Stale      *staleNotice   // the last save refused because the record changed meanwhile
	MarkAll    *widget.Button // every result of the household keyed into ThaiQM

	// Loading: a household is being read; Led: how many problems came
	// first because they led the clerk here.
	Loading bool
	Led     int

	w       *MainWindow
	view    householdView
	first   uint64 // the problem clicked on the dashboard: first of all
	scroll  *container.Scroll
	lead    func(data.Problem) bool
	gen     int // the latest open; an earlier one's answer is dropped
	empty   *widget.Label
	details *fyne.Container // hidden until a household is chosen
	rounds  map[uint64]data.Round
	current uint64 // the current round: problems of others are read-only
}

// problemCard is one problem on the household page.
type problemCard struct {
	Card     *widget.Card
	Title    *widget.Label // names the problem (masked when sensitive); wraps, so a long name never widens the page
	Sub      *widget.Label // found when, its Re-X-Ray result, its round
	Problem  data.Problem
	Status   *widget.Label
	Timeline *widget.Label
	AddBtn   *widget.Button
	StateBtn *widget.Button
	Led      bool           // the clerk came here for it: first and marked ►
	ThaiQM   *widget.Button // mark the result, or one action, keyed into ThaiQM
}

func newHouseholdPage(w *MainWindow) *householdPage {
	p := &householdPage{w: w}
	p.Title = bold("")
	p.Title.SizeName = "headingText"
	p.Address = widget.NewLabel("")
	p.Address.Wrapping = fyne.TextWrapWord
	p.Head = widget.NewLabel("")
	p.Head.Wrapping = fyne.TextWrapWord
	p.Unmask = widget.NewButton(w.t.tr("แสดงข้อมูลเต็ม (บันทึกการเปิดดู)", "Show in full (logged)"), p.onUnmask)
	p.Problems = container.NewVBox()
	p.LeadNote = widget.NewLabel("")
	p.LeadNote.Importance = widget.HighImportance
	p.LeadNote.Wrapping = fyne.TextWrapWord
	p.LeadNote.Hide()
	p.empty = widget.NewLabel(w.t.tr("เลือกครัวเรือนจากรายการทางซ้ายเพื่อดูรายละเอียดและบันทึกการดำเนินการ",
		"Choose a household on the left to see it and record what was done"))
	p.empty.Wrapping = fyne.TextWrapWord
	p.MarkAll = widget.NewButton(w.t.term(data.HeaderThaiQM)+w.t.tr(" ทั้งครัวเรือน…", ": whole household…"), func() { p.onThaiQM(nil) })
	p.Unit = newHouseholdUnit(p)
	p.details = container.NewVBox(p.Title, p.Address, p.Unit.Box, container.NewBorder(nil, nil, nil, p.Unmask, p.Head), container.NewHBox(p.MarkAll), widget.NewSeparator(), p.LeadNote, p.Problems)
	p.details.Hide()
	// Problem names wrap (problemCard.Title): a long one, English ones
	// above all, never widens the window past the screen.
	p.scroll = container.NewVScroll(container.NewVBox(p.empty, p.details))
	p.Box = p.scroll
	p.Unmask.Hide()
	// A change that may touch any household (an import, an undo, a
	// review decision, ThaiQM marks of an area) reads the page again: the
	// clerk's next change is based on the values stored, not on what the
	// page read before (the store would refuse it as stale).
	// Another clerk's change waits while this clerk fills in a form: her
	// form keeps what she read, and her save is refused if that changed.
	w.listen(func(c registerChange) {
		switch {
		case c.Others && w.formOpen():
			w.othersPending = true
		case c.whole():
			p.reload()
		}
	})
	return p
}

// Load shows household id, masked.
func (p *householdPage) Load(id uint64) { p.open(id, nil, false) }

// open reads household id off the UI thread and shows it, masked unless
// keepUnmasked (the same household again, after a change). Until it is
// read the page says so and its buttons are off, so a second click cannot
// act on the household that was showing; a later open wins over an
// earlier one still reading. The problems lead picks (those that led the
// clerk here: the overdue one clicked, the register's filters) come first
// and are marked.
func (p *householdPage) open(id uint64, lead func(data.Problem) bool, keepUnmasked bool) {
	w := p.w
	p.gen++
	gen := p.gen
	p.setLoading(true)
	asked := time.Now()
	w.goBackground(func() {
		v, err := readHousehold(w.ctx, w.store, id)
		w.doAndWait(func() {
			if gen != p.gen {
				return // the clerk opened another meanwhile
			}
			if w.env.Trace != nil {
				defer func() {
					w.env.Trace("household page: %d problems shown %v after the click", len(v.problems), time.Since(asked).Round(time.Millisecond))
				}()
			}
			p.setLoading(false)
			if err != nil && !w.noteDamage(err) {
				w.showError(err)
				if p.Household.ID != 0 {
					p.show() // the household that was showing, as it was
				}
				return
			}
			if err != nil {
				w.showError(err) // a problem that cannot be read is named, with what to do
			}
			if v.household.ID != p.Household.ID {
				p.scroll.ScrollToTop() // another household: its name and address first
			}
			p.view, p.lead = v, lead
			p.Household = v.household
			p.Unmasked = keepUnmasked && p.Unmasked
			p.show()
		})
	})
}

// clear shows no household (the list beside it changed).
func (p *householdPage) clear() {
	p.gen++ // an open still reading is no longer wanted
	p.Loading = false
	p.Household, p.Unmasked, p.lead, p.Cards, p.first = data.Household{}, false, nil, nil, 0
	p.details.Hide()
	p.empty.Show()
}

func (p *householdPage) reload() {
	if p.Household.ID != 0 {
		p.open(p.Household.ID, p.lead, true)
	}
}

// setLoading shows that a household is being read: the title says so and
// the buttons of the one showing are off.
func (p *householdPage) setLoading(on bool) {
	p.Loading = on
	if !on {
		return
	}
	p.Title.SetText(p.w.t.tr("กำลังเปิดครัวเรือน…", "Opening the household…"))
	p.Unmask.Disable()
	for _, c := range p.Cards {
		c.AddBtn.Disable()
		c.StateBtn.Disable()
	}
}

func (p *householdPage) show() {
	w, t, h := p.w, p.w.t, p.Household
	p.empty.Hide()
	p.details.Show()
	name := h.Head.FullName()
	if name == "" {
		name = t.tr("(ไม่มีชื่อหัวหน้าครัวเรือน)", "(no head's name)")
	}
	p.Title.SetText(name)
	var addr []string
	if h.HouseNo != "" {
		addr = append(addr, t.tr("บ้านเลขที่ ", "House ")+t.digitsOf(h.HouseNo))
	}
	if h.VillageNo > 0 {
		addr = append(addr, t.term(data.WordVillageNo)+" "+t.ni(h.VillageNo))
	}
	if h.VillageName != "" {
		addr = append(addr, h.VillageName)
	}
	addr = append(addr, t.tr("ต.", "Tambon ")+t.placeName(w.env.Geo.Tambon, h.TambonCode), t.tr("อ.", "Amphoe ")+t.placeName(w.env.Geo.Amphoe, h.AmphoeCode()))
	ps := slices.Clone(p.view.problems)
	p.Unmask.Enable()
	p.hasSensitive = false
	for _, pr := range ps {
		p.hasSensitive = p.hasSensitive || pr.Sensitive
	}
	line2 := t.tr("รหัสบ้าน ", "House code ")
	switch {
	case h.HouseCode != "":
		line2 += t.digitsOf(h.HouseCode)
	case noHome(ps):
		line2 += t.tr("ไม่มี (ไม่มีที่อยู่อาศัย)", "none (no home)")
	default:
		line2 += t.tr("ไม่มี", "none")
	}
	line2 += t.tr(" · สมาชิก ", " · members ") + t.ni(h.Members) + t.tr(" คน · ที่มา ", " · origin ") + t.origin(h.Origin)
	p.Address.SetText(strings.Join(addr, " ") + "\n" + line2)
	p.showHead()
	p.showUnit()

	p.Problems.RemoveAll()
	p.Cards = nil
	p.rounds, p.current = p.view.rounds, p.view.current
	// The problems that led here first, then the current round's: older
	// rounds are history.
	rank := func(pr data.Problem) int {
		switch {
		case p.first != 0 && pr.ID == p.first:
			return -1
		case p.lead != nil && p.lead(pr):
			return 0
		case pr.RoundID == p.current:
			return 1
		}
		return 2
	}
	sort.SliceStable(ps, func(i, j int) bool { return rank(ps[i]) < rank(ps[j]) })
	p.Led = 0
	for _, pr := range ps {
		c := p.card(pr)
		if rank(pr) <= 0 {
			c.Led = true
			p.Led++
		}
		p.Cards = append(p.Cards, c)
	}
	p.LeadNote.Hide()
	if p.lead != nil {
		// The list counts these; the page shows every problem.
		p.LeadNote.SetText(t.tr("► ปัญหาที่ตรงกับตัวกรอง ", "► Problems matching the filters: ") + t.ni(p.Led) + t.tr(" จาก ", " of ") + t.ni(len(ps)) + t.tr(" ปัญหา (แสดงก่อน)", " (shown first)"))
		p.LeadNote.Show()
	}
	if len(ps) == 0 {
		p.Problems.Add(widget.NewLabel(t.tr("ครัวเรือนนี้ไม่มีปัญหาที่บันทึกไว้", "No problems recorded")))
	}
}

func (p *householdPage) showHead() {
	t, h := p.w.t, p.Household
	id := h.Head.NationalID
	phone := h.Head.Phone
	if id != "" {
		if p.Unmasked {
			id = data.FormatNationalID(id)
		} else {
			id = data.MaskNationalID(id)
		}
	}
	if phone != "" && !p.Unmasked && len(phone) > 4 {
		phone = strings.Repeat("x", len(phone)-4) + phone[len(phone)-4:]
	}
	s := t.tr("หัวหน้าครัวเรือน: ", "Head: ") + h.Head.FullName()
	if id != "" {
		s += t.tr("\nเลขประจำตัวประชาชน ", "\nNational ID ") + t.digitsOf(id)
	}
	if phone != "" {
		s += t.tr(" · โทร ", " · phone ") + t.digitsOf(phone)
	}
	p.Head.SetText(s)
	if (h.Head.NationalID != "" || h.Head.Phone != "" || p.hasSensitive) && !p.Unmasked {
		p.Unmask.Show()
	} else {
		p.Unmask.Hide()
	}
}

// onUnmask shows the full ID and phone of this household and its
// sensitive problems, and writes who looked into the audit log first: no
// log entry, no unmask.
func (p *householdPage) onUnmask() {
	w, id, gen := p.w, p.Household.ID, p.gen
	w.save(p.Unmask, func(ctx context.Context) error {
		return app.Unmask(ctx, w.store, "household", id, "household page: ID, phone and sensitive problems")
	}, func(err error) {
		if err != nil {
			w.showError(err)
			return
		}
		if gen == p.gen { // still the household the clerk unmasked
			p.Unmasked = true
			p.show()
		}
	})
}

// masked tells a sensitive problem the clerk has not unmasked: its
// sub-problem, detail and history stay hidden.
func (p *householdPage) masked(pr data.Problem) bool { return pr.Sensitive && !p.Unmasked }

// problemName is the category and sub-problem, or WordSensitive for a
// masked one.
func (p *householdPage) problemName(pr data.Problem) string {
	t := p.w.t
	if p.masked(pr) {
		return t.category(pr.Category) + " — " + t.term(data.WordSensitive)
	}
	return t.category(pr.Category) + " — " + t.subProblem(pr.SubProblem)
}

func (p *householdPage) card(pr data.Problem) *problemCard {
	w, t := p.w, p.w.t
	c := &problemCard{Problem: pr, Status: widget.NewLabel(""), Timeline: widget.NewLabel("")}
	c.Timeline.Wrapping = fyne.TextWrapWord
	c.Status.Wrapping = fyne.TextWrapWord
	st := t.term(data.HeaderStatus) + ": " + t.status(pr.Status) + " · " + t.term(data.WordTargetDate) + " " + t.date(pr.TargetDate)
	if pr.Overdue(w.today()) && pr.CarriedTo == 0 { // a carried one's work goes on, on time or not, in the later round
		st += t.tr(" · เลยกำหนด ", " · overdue by ") + t.ni(pr.TargetDate.DaysUntil(w.today())) + t.tr(" วัน", " days")
		c.Status.Importance = widget.DangerImportance
	}
	if pr.Status == data.Closed && pr.CloseReason != "" && !p.masked(pr) {
		st += t.tr(" · เหตุผล: ", " · reason: ") + pr.CloseReason
	}
	if pr.LeadAgency != "" {
		st += t.tr(" · หน่วยงานหลัก: ", " · lead agency: ") + pr.LeadAgency
	}
	switch {
	case pr.CarriedTo != 0:
		st += t.tr("\nยกไปติดตามต่อในรอบใหม่แล้ว (ปัญหาเลขที่ ", "\nCarried into a later round (problem ") + t.digitsOf(strconv.FormatUint(pr.CarriedTo, 10)) +
			t.tr(") รอบนี้เก็บไว้ตามเดิม บันทึกเพิ่มที่ปัญหาในรอบใหม่", "); this round keeps it as it was, record on the new one")
	case pr.RoundID != p.current && p.current != 0:
		st += t.tr("\nรอบนี้ไม่ใช่รอบปัจจุบัน จึงเก็บไว้ตามเดิม ถ้าปัญหากลับมาอีก ให้บันทึกเป็นปัญหาในรอบปัจจุบัน", "\nThis round is not the current one and keeps its figures; a problem that comes back is recorded in the current round")
	}
	c.Status.SetText(st + p.thaiQMStatus(pr))
	var lines []string
	// A problem carried from an earlier round keeps that round's history.
	for from, depth := pr.CarriedFrom, 0; from != 0 && depth < 20; depth++ {
		old, ok := p.view.earlier[from]
		if !ok {
			break
		}
		olds := p.view.actions[old.ID]
		block := []string{t.tr("— ยกมาจากรอบ ", "— carried from ") + p.rounds[old.RoundID].Name + t.tr(" (ปัญหาเลขที่ ", " (problem ") + t.digitsOf(strconv.FormatUint(old.ID, 10)) + ") —"}
		for _, a := range olds {
			block = append(block, p.actionLine(a))
		}
		if len(olds) == 0 {
			block = append(block, t.tr("ไม่มีการดำเนินการในรอบนั้น", "nothing recorded in that round"))
		}
		lines = append(block, lines...)
		from = old.CarriedFrom
	}
	acts := p.view.actions[pr.ID]
	if len(lines) > 0 && len(acts) > 0 { // this round's own history, apart from the earlier ones
		lines = append(lines, t.tr("— รอบ ", "— round ")+p.rounds[pr.RoundID].Name+" —")
	}
	for _, a := range acts {
		lines = append(lines, p.actionLine(a))
	}
	if len(lines) == 0 {
		lines = []string{t.tr("ยังไม่มีการดำเนินการ", "Nothing recorded yet")}
	}
	if p.masked(pr) {
		lines = nil
	}
	c.Timeline.SetText(strings.Join(lines, "\n"))
	c.AddBtn = widget.NewButton(t.tr("บันทึกการดำเนินการ", "Record an action"), func() { p.onAddAction(c) })
	c.StateBtn = widget.NewButton(t.tr("เปลี่ยนสถานะ", "Change status"), func() { p.onChangeStatus(c) })
	c.ThaiQM = widget.NewButton(t.tr("บันทึกใน ThaiQM…", "Keyed into ThaiQM…"), func() { p.onThaiQM(c) })
	if pr.CarriedTo != 0 || pr.RoundID != p.current && p.current != 0 {
		c.AddBtn.Disable()
		c.StateBtn.Disable()
		c.ThaiQM.Disable()
	}
	title := p.problemName(pr)
	if pr.Urgent {
		title = "‼ " + title + t.tr(" (เร่งด่วน)", " (urgent)")
	}
	if pr.ID == p.first && p.first != 0 || p.lead != nil && p.lead(pr) {
		title = "► " + title // what the clerk came for, first on the page
	}
	sub := pr.Detail
	if p.masked(pr) {
		sub = t.tr("ซ่อนรายละเอียดและประวัติไว้ กด \"แสดงข้อมูลเต็ม\" เพื่อดู (บันทึกการเปิดดู)", "Details and history hidden; \"Show in full\" shows them (logged)")
	}
	if pr.SurveyYear != 0 {
		if sub != "" {
			sub += " · "
		}
		sub += t.tr("พบปี ", "found ") + t.digitsOf(strconv.Itoa(pr.SurveyYear))
		if pr.ReXRay != 0 {
			sub += " · " + t.term(data.HeaderReXRay) + ": " + t.term(pr.ReXRay.Term())
		}
	}
	if r, ok := p.rounds[pr.RoundID]; ok && len(p.rounds) > 1 {
		sub += t.tr(" · รอบ ", " · round ") + r.Name
	}
	c.Title = widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.Title.SizeName = theme.SizeNameSubHeadingText
	c.Title.Wrapping = fyne.TextWrapWord
	c.Sub = widget.NewLabel(sub)
	c.Sub.Wrapping = fyne.TextWrapWord
	c.Card = widget.NewCard("", "", container.NewVBox(c.Title, c.Sub, c.Status, c.Timeline, container.NewHBox(c.AddBtn, c.StateBtn, c.ThaiQM)))
	p.Problems.Add(c.Card)
	return c
}

// actionLine is one line of a problem's timeline.
func (p *householdPage) actionLine(a data.Action) string {
	t := p.w.t
	l := "• " + t.date(a.Date)
	if a.Agency != "" {
		l += " · " + a.Agency
	}
	if a.What != "" {
		l += " · " + a.What
	}
	if a.Budget > 0 {
		l += " · " + t.digitsOf(data.FormatBaht(a.Budget)) + t.tr(" บาท", " baht")
	}
	if a.Result != 0 && !strings.HasPrefix(a.What, "เปลี่ยนสถานะเป็น "+a.Result.Thai()) {
		l += " → " + t.status(a.Result)
	}
	if a.Note != "" {
		l += " (" + a.Note + ")"
	}
	if a.RecordedBy != "" {
		l += t.tr(" — บันทึกโดย ", " — by ") + a.RecordedBy
	}
	return l + p.thaiQMActionMark(a)
}

// actionForm is the dialog that records an action.
type actionForm struct {
	Date, Agency, What, Budget, Note *entry
	Result                           *widget.Select
	Error                            *widget.Label
	Save, Cancel                     *widget.Button
	dialog                           dialog.Dialog
}

func (p *householdPage) onAddAction(c *problemCard) {
	w, t := p.w, p.w.t
	f := &actionForm{Date: newEntry(w), Agency: newEntry(w), What: newMultiLineEntry(w), Budget: newEntry(w), Note: newEntry(w), Error: widget.NewLabel("")}
	f.Date.SetText(t.date(w.today())) // the window's kind of date: either is read back
	f.Date.SetPlaceHolder(t.tr("เช่น 15 ส.ค. 2567 หรือ 15/08/2567", "e.g. 15/08/2567 (Buddhist era)"))
	f.Agency.SetPlaceHolder(t.tr("เช่น อบต., พมจ., รพ.สต.", "e.g. the tambon office"))
	f.Budget.SetPlaceHolder(t.tr("บาท (ถ้ามี)", "baht, if any"))
	f.Note.SetPlaceHolder(t.tr("เหตุผล ถ้าผลเป็น '", "The reason, when '") + t.status(data.Closed) + t.tr("' เช่น ย้ายออก เสียชีวิต", "'"))
	results := []string{t.tr("ไม่เปลี่ยนสถานะ", "No change of status")}
	for _, s := range data.Statuses {
		results = append(results, t.status(s))
	}
	f.Result = newSelect(t, results, nil)
	f.Result.SetSelectedIndex(0)
	// A mistake named in the error line goes once the clerk changes a field.
	clearError := func(string) { f.Error.SetText("") }
	for _, e := range []*entry{f.Date, f.Agency, f.What, f.Budget, f.Note} {
		e.OnChanged = clearError
	}
	f.Result.OnChanged = clearError
	f.Error.Importance = widget.DangerImportance
	f.Error.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(t.tr("วันที่ (พ.ศ.)", "Date"), f.Date),
		widget.NewFormItem(t.term(data.HeaderAgency), f.Agency),
		widget.NewFormItem(t.term(data.HeaderWhat), f.What),
		widget.NewFormItem(t.term(data.HeaderBudget), f.Budget),
		widget.NewFormItem(t.tr("ผลต่อสถานะ", "Resulting status"), f.Result),
		widget.NewFormItem(t.tr("หมายเหตุ/เหตุผล", "Note / reason"), f.Note),
	)
	f.Save = widget.NewButton(t.tr("บันทึก", "Save"), func() { p.saveAction(c, f) })
	f.Save.Importance = widget.HighImportance
	f.Cancel = widget.NewButton(t.tr("ยกเลิก", "Cancel"), func() { f.dialog.Hide() })
	body := container.NewVBox(widget.NewLabel(p.problemName(c.Problem)), form, f.Error, container.NewHBox(f.Save, f.Cancel))
	f.dialog = dialog.NewCustomWithoutButtons(t.tr("บันทึกการดำเนินการ", "Record an action"), body, w.Window)
	f.dialog.Resize(fyne.NewSize(640, 520))
	p.ActionForm = f
	w.showForm(f.dialog, f.Save)
	w.Window.Canvas().Focus(f.Agency)
}

// saveAction checks the form and stores the action; the dialog stays open
// with the reason when something is wrong.
func (p *householdPage) saveAction(c *problemCard, f *actionForm) {
	w, t := p.w, p.w.t
	a := data.Action{ProblemID: c.Problem.ID, Agency: f.Agency.Text, What: f.What.Text, Note: f.Note.Text}
	var err error
	if a.Date, err = data.ParseThaiDate(f.Date.Text); err != nil {
		f.Error.SetText(t.tr("วันที่: ", "Date: ") + t.errorText(err))
		return
	}
	if a.Date.After(w.today()) {
		msg := t.term(data.HeaderActionDate) + t.tr(" อยู่หลังวันนี้ (", " is after today (") + t.date(w.today()) + ")"
		if a.Date.Year > w.today().Year+1 { // a year typed in the wrong era, most likely
			msg += t.tr(" กรุณาตรวจสอบปี (ใช้ปี พ.ศ.)", ": check the year (the Buddhist era)")
		}
		f.Error.SetText(msg)
		return
	}
	if first := p.firstStart(c.Problem); a.Date.Before(first) {
		f.Error.SetText(t.term(data.HeaderActionDate) + t.tr("อยู่ก่อนวันเริ่มบันทึกผลของรอบ (", " is before the round's recording started (") + t.date(first) + t.tr(") กรุณาตรวจสอบ (ใช้ปี พ.ศ.)", ")"))
		return
	}
	if strings.TrimSpace(f.Budget.Text) != "" {
		if a.Budget, err = data.ParseBaht(f.Budget.Text); err != nil {
			f.Error.SetText(t.tr("งบประมาณ: ", "Budget: ") + t.errorText(err))
			return
		}
	}
	if i := f.Result.SelectedIndex(); i > 0 {
		a.Result = data.Statuses[i-1]
		// A status move is based on the problem as the card shows it:
		// refused if it changed since (an action alone overwrites nothing).
		a.Seen = c.Problem.UpdatedAt
	}
	if a.Result == data.Closed && strings.TrimSpace(a.Note) == "" {
		f.Error.SetText(t.tr("สถานะ '", "'") + t.status(data.Closed) + t.tr("' ต้องระบุเหตุผลในช่องหมายเหตุ/เหตุผล", "' needs a reason in the note"))
		return
	}
	p.store(a, p.yourAction(a), f.Error, f.Save, f.dialog, func() { p.ActionForm = nil })
}

// store adds an action from a dialog, off the UI thread, with the dialog's
// Save button off meanwhile (a second press cannot store it twice). A
// mistake the clerk can fix shows in the dialog's error line; otherwise
// the dialog closes, every screen shows the change and then runs. An
// action refused because the problem changed since the card read it
// (a.Seen) closes the dialog too: the notice says who changed it, with
// yours (the clerk's change, not saved) and the problem as it is now, and
// the page is read again.
func (p *householdPage) store(a data.Action, yours string, errLine *widget.Label, save *widget.Button, d dialog.Dialog, then func()) {
	w, id := p.w, p.Household.ID
	errLine.SetText(w.t.tr("กำลังบันทึก…", "Saving…"))
	var cur data.Problem // as stored now, when refused as stale
	var curErr error
	w.save(save, func(ctx context.Context) error {
		err := w.store.AddAction(ctx, &a)
		if _, stale := data.StaleOf(err); stale {
			cur, curErr = w.store.Problem(ctx, a.ProblemID)
		}
		return err
	}, func(err error) {
		errLine.SetText("")
		if _, stale := data.StaleOf(err); stale {
			d.Hide()
			then()
			now := ""
			if curErr == nil {
				now = p.problemNow(cur)
			}
			p.showStale(err, yours, now)
			if p.Household.ID == id {
				p.reload()
			}
			w.registerChanged(registerChange{Household: id})
			return
		}
		if err != nil {
			if expected(err) {
				errLine.SetText(w.t.errorText(err))
			} else {
				w.showError(err)
			}
			return
		}
		d.Hide()
		then()
		if p.Household.ID == id {
			p.reload()
		}
		w.registerChanged(registerChange{Household: id})
	})
}

// statusForm is the short dialog that changes a problem's status.
type statusForm struct {
	Status       *widget.Select
	Reason       *entry
	Error        *widget.Label
	Save, Cancel *widget.Button
	dialog       dialog.Dialog
}

func (p *householdPage) onChangeStatus(c *problemCard) {
	w, t := p.w, p.w.t
	f := &statusForm{Reason: newEntry(w), Error: widget.NewLabel("")}
	var opts []string
	for _, s := range data.Statuses {
		opts = append(opts, t.status(s))
	}
	f.Status = newSelect(t, opts, nil)
	f.Status.SetSelectedIndex(int(c.Problem.Status) - 1)
	f.Status.OnChanged = func(string) { f.Error.SetText("") }
	f.Reason.OnChanged = func(string) { f.Error.SetText("") }
	f.Reason.SetPlaceHolder(t.tr("จำเป็นเมื่อ '", "Needed when '") + t.status(data.Closed) + t.tr("' เช่น ย้ายออก เสียชีวิต", "'"))
	f.Error.Importance = widget.DangerImportance
	f.Error.Wrapping = fyne.TextWrapWord
	f.Save = widget.NewButton(t.tr("บันทึก", "Save"), func() { p.saveStatus(c, f) })
	f.Save.Importance = widget.HighImportance
	f.Cancel = widget.NewButton(t.tr("ยกเลิก", "Cancel"), func() { f.dialog.Hide() })
	form := widget.NewForm(widget.NewFormItem(t.tr("สถานะใหม่", "New status"), f.Status), widget.NewFormItem(t.tr("เหตุผล", "Reason"), f.Reason))
	f.dialog = dialog.NewCustomWithoutButtons(t.tr("เปลี่ยนสถานะ", "Change status"), container.NewVBox(widget.NewLabel(p.problemName(c.Problem)), form, f.Error, container.NewHBox(f.Save, f.Cancel)), w.Window)
	f.dialog.Resize(fyne.NewSize(560, 300))
	p.StatusForm = f
	w.showForm(f.dialog, f.Save)
}

func (p *householdPage) saveStatus(c *problemCard, f *statusForm) {
	w, t := p.w, p.w.t
	s := data.Statuses[f.Status.SelectedIndex()]
	if s == c.Problem.Status {
		f.dialog.Hide()
		return
	}
	reason := strings.TrimSpace(f.Reason.Text)
	if s == data.Closed && reason == "" {
		f.Error.SetText(t.tr("สถานะ '", "'") + t.status(data.Closed) + t.tr("' ต้องระบุเหตุผล", "' needs a reason"))
		return
	}
	// Seen: the status the clerk changes is the one the card shows.
	a := data.Action{ProblemID: c.Problem.ID, Date: w.today(), What: "เปลี่ยนสถานะเป็น " + s.Thai(), Result: s, Note: reason, Seen: c.Problem.UpdatedAt}
	p.store(a, p.yourStatus(s, reason), f.Error, f.Save, f.dialog, func() { p.StatusForm = nil })
}

// firstStart is the earliest day an action of pr can have: the start of
// the round its work began in (the first round of a carried problem).
func (p *householdPage) firstStart(pr data.Problem) data.Date {
	for depth := 0; pr.CarriedFrom != 0 && depth < 20; depth++ {
		old, ok := p.view.earlier[pr.CarriedFrom]
		if !ok {
			break
		}
		pr = old
	}
	if r, ok := p.rounds[pr.RoundID]; ok {
		return r.Start
	}
	return data.Date{}
}

// noHome tells whether a household has the no-home problem (the urgent
// one of category 1): only then does its missing house code mean it has
// no home.
func noHome(ps []data.Problem) bool {
	for _, p := range ps {
		if p.Category == 1 && p.Urgent {
			return true
		}
	}
	return false
}

// householdView is what the page shows of one household, read in one go
// off the UI thread.
type householdView struct {
	household data.Household
	problems  []data.Problem
	rounds    map[uint64]data.Round
	current   uint64
	actions   map[uint64][]data.Action // by problem, earlier rounds' included
	earlier   map[uint64]data.Problem  // the problems carried problems came from
	units     data.UnitList            // the province's municipalities
}

// householdReader is what the household page reads: the household, its
// problems with their actions and the earlier rounds' problems they
// continue, the rounds, the current one, and the municipalities.
type householdReader interface {
	Household(ctx context.Context, id uint64) (data.Household, error)
	Problems(ctx context.Context, f data.ProblemFilter) ([]data.Problem, error)
	Problem(ctx context.Context, id uint64) (data.Problem, error)
	Actions(ctx context.Context, problemID uint64) ([]data.Action, error)
	Rounds(ctx context.Context) ([]data.Round, error)
	Meta(ctx context.Context) (data.Meta, error)
	Units(ctx context.Context) (data.UnitList, error)
}

// readHousehold reads household id with its problems, their actions and
// the earlier rounds' problems they continue. A damaged record (EDAMAGED)
// leaves the rest readable: the view comes back with the error.
func readHousehold(ctx context.Context, store householdReader, id uint64) (v householdView, err error) {
	if v.household, err = store.Household(ctx, id); err != nil {
		return v, err
	}
	var damage error
	keep := func(e error) error {
		if e != nil && data.ErrorCode(e) == data.EDAMAGED {
			damage = e
			return nil
		}
		return e
	}
	if v.problems, err = store.Problems(ctx, data.ProblemFilter{HouseholdID: id}); keep(err) != nil {
		return v, err
	}
	v.rounds = map[uint64]data.Round{}
	rs, err := store.Rounds(ctx)
	if err != nil {
		return v, err
	}
	for _, r := range rs {
		v.rounds[r.ID] = r
	}
	m, err := store.Meta(ctx)
	if err != nil {
		return v, err
	}
	v.current = m.DefaultRound
	if v.units, err = store.Units(ctx); err != nil {
		return v, err
	}
	v.actions, v.earlier = map[uint64][]data.Action{}, map[uint64]data.Problem{}
	for _, pr := range v.problems {
		for from, depth := pr.CarriedFrom, 0; from != 0 && depth < 20; depth++ {
			if _, seen := v.earlier[from]; seen {
				break
			}
			old, err := store.Problem(ctx, from)
			if err != nil {
				break // the page shows the history it has
			}
			v.earlier[from] = old
			if v.actions[old.ID], err = store.Actions(ctx, old.ID); keep(err) != nil {
				return v, err
			}
			from = old.CarriedFrom
		}
		if v.actions[pr.ID], err = store.Actions(ctx, pr.ID); keep(err) != nil {
			return v, err
		}
	}
	return v, damage
}
