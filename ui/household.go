package ui

import (
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// HouseholdPage shows one household: where it is, its head (ID masked
// until the clerk asks, which is logged), and every problem with its
// history, with the buttons to record what was done.
type HouseholdPage struct {
	Box fyne.CanvasObject

	Title    *widget.Label
	Address  *widget.Label
	Head     *widget.Label
	Unmask   *widget.Button
	Unit     *HouseholdUnit  // its municipality, chosen here in a partly covered tambon
	Problems *fyne.Container // one card per problem
	Cards    []*ProblemCard

	Household data.Household
	Unmasked  bool
	// hasSensitive: a problem of the household is sensitive (the unmask
	// button shows it).
	hasSensitive bool

	ActionForm *ActionForm // while the dialog is open
	StatusForm *StatusForm

	w       *MainWindow
	empty   *widget.Label
	details *fyne.Container // hidden until a household is chosen
	rounds  map[uint64]data.Round
	current uint64 // the current round: problems of others are read-only
}

// ProblemCard is one problem on the household page.
type ProblemCard struct {
	Card     *widget.Card // its title names the problem (masked when sensitive)
	Problem  data.Problem
	Status   *widget.Label
	Timeline *widget.Label
	AddBtn   *widget.Button
	StateBtn *widget.Button
}

func newHouseholdPage(w *MainWindow) *HouseholdPage {
	p := &HouseholdPage{w: w}
	p.Title = bold("")
	p.Title.SizeName = "headingText"
	p.Address = widget.NewLabel("")
	p.Address.Wrapping = fyne.TextWrapWord
	p.Head = widget.NewLabel("")
	p.Head.Wrapping = fyne.TextWrapWord
	p.Unmask = widget.NewButton(w.t.tr("แสดงข้อมูลเต็ม (บันทึกการเปิดดู)", "Show in full (logged)"), p.onUnmask)
	p.Problems = container.NewVBox()
	p.empty = widget.NewLabel(w.t.tr("เลือกครัวเรือนจากรายการทางซ้ายเพื่อดูรายละเอียดและบันทึกการดำเนินการ",
		"Choose a household on the left to see it and record what was done"))
	p.empty.Wrapping = fyne.TextWrapWord
	p.Unit = newHouseholdUnit(p)
	p.details = container.NewVBox(p.Title, p.Address, p.Unit.Box, container.NewBorder(nil, nil, nil, p.Unmask, p.Head), widget.NewSeparator(), p.Problems)
	p.details.Hide()
	p.Box = container.NewVScroll(container.NewVBox(p.empty, p.details))
	p.Unmask.Hide()
	return p
}

// Load shows household id, masked.
func (p *HouseholdPage) Load(id uint64) {
	h, err := p.w.store.Household(p.w.ctx, id)
	if err != nil {
		p.w.showError(err)
		return
	}
	p.Household, p.Unmasked = h, false
	p.show()
}

func (p *HouseholdPage) reload() {
	if p.Household.ID != 0 {
		unmasked := p.Unmasked
		p.Load(p.Household.ID)
		p.Unmasked = unmasked
		p.showHead()
	}
}

func (p *HouseholdPage) show() {
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
	addr = append(addr, t.tr("ต.", "Tambon ")+placeName(w.env.Geo.Tambon, h.TambonCode), t.tr("อ.", "Amphoe ")+placeName(w.env.Geo.Amphoe, h.AmphoeCode()))
	ps, err := w.store.Problems(w.ctx, data.ProblemFilter{HouseholdID: h.ID})
	if err != nil {
		w.showError(err) // a problem that cannot be read is named, with what to do
		if !w.noteDamage(err) {
			return
		}
	}
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
	p.rounds = map[uint64]data.Round{}
	if rs, err := w.store.Rounds(w.ctx); err == nil {
		for _, r := range rs {
			p.rounds[r.ID] = r
		}
	}
	if m, err := w.store.Meta(w.ctx); err == nil {
		p.current = m.DefaultRound
	}
	// The current round's problems first: older rounds are history.
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].RoundID == p.current && ps[j].RoundID != p.current })
	for _, pr := range ps {
		c := p.card(pr)
		p.Cards = append(p.Cards, c)
	}
	if len(ps) == 0 {
		p.Problems.Add(widget.NewLabel(t.tr("ครัวเรือนนี้ไม่มีปัญหาที่บันทึกไว้", "No problems recorded")))
	}
}

func (p *HouseholdPage) showHead() {
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
func (p *HouseholdPage) onUnmask() {
	w := p.w
	if err := w.store.Log(w.ctx, "unmask", "household", p.Household.ID, "household page: ID, phone and sensitive problems"); err != nil {
		w.showError(err)
		return
	}
	p.Unmasked = true
	p.show()
}

// masked tells a sensitive problem the clerk has not unmasked: its
// sub-problem, detail and history stay hidden.
func (p *HouseholdPage) masked(pr data.Problem) bool { return pr.Sensitive && !p.Unmasked }

// problemName is the category and sub-problem, or WordSensitive for a
// masked one.
func (p *HouseholdPage) problemName(pr data.Problem) string {
	t := p.w.t
	if p.masked(pr) {
		return t.category(pr.Category) + " — " + t.term(data.WordSensitive)
	}
	return t.category(pr.Category) + " — " + pr.SubProblem
}

func (p *HouseholdPage) card(pr data.Problem) *ProblemCard {
	w, t := p.w, p.w.t
	c := &ProblemCard{Problem: pr, Status: widget.NewLabel(""), Timeline: widget.NewLabel("")}
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
	c.Status.SetText(st)
	var lines []string
	// A problem carried from an earlier round keeps that round's history.
	for from, depth := pr.CarriedFrom, 0; from != 0 && depth < 20; depth++ {
		old, err := w.store.Problem(w.ctx, from)
		if err != nil {
			break
		}
		olds, _ := w.store.Actions(w.ctx, old.ID)
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
	acts, err := w.store.Actions(w.ctx, pr.ID)
	if err != nil {
		w.showError(err)
		w.noteDamage(err)
	}
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
	if pr.CarriedTo != 0 || pr.RoundID != p.current && p.current != 0 {
		c.AddBtn.Disable()
		c.StateBtn.Disable()
	}
	title := p.problemName(pr)
	if pr.Urgent {
		title = "‼ " + title + t.tr(" (เร่งด่วน)", " (urgent)")
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
	c.Card = widget.NewCard(title, sub, container.NewVBox(c.Status, c.Timeline, container.NewHBox(c.AddBtn, c.StateBtn)))
	p.Problems.Add(c.Card)
	return c
}

// actionLine is one line of a problem's timeline.
func (p *HouseholdPage) actionLine(a data.Action) string {
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
	return l
}

// ActionForm is the dialog that records an action.
type ActionForm struct {
	Date, Agency, What, Budget, Note *entry
	Result                           *widget.Select
	Error                            *widget.Label
	Save, Cancel                     *widget.Button
	dialog                           dialog.Dialog
}

func (p *HouseholdPage) onAddAction(c *ProblemCard) {
	w, t := p.w, p.w.t
	f := &ActionForm{Date: newEntry(w), Agency: newEntry(w), What: newMultiLineEntry(w), Budget: newEntry(w), Note: newEntry(w), Error: widget.NewLabel("")}
	f.Date.SetText(t.digitsOf(data.FormatBE(w.today())))
	f.Date.SetPlaceHolder(t.tr("เช่น 15 ส.ค. 2567 หรือ 15/08/2567", "e.g. 15/08/2567 (Buddhist era)"))
	f.Agency.SetPlaceHolder(t.tr("เช่น อบต., พมจ., รพ.สต.", "e.g. the tambon office"))
	f.Budget.SetPlaceHolder(t.tr("บาท (ถ้ามี)", "baht, if any"))
	f.Note.SetPlaceHolder(t.tr("เหตุผล ถ้าผลเป็น '", "The reason, when '") + t.status(data.Closed) + t.tr("' เช่น ย้ายออก เสียชีวิต", "'"))
	results := []string{t.tr("ไม่เปลี่ยนสถานะ", "No change of status")}
	for _, s := range data.Statuses {
		results = append(results, t.status(s))
	}
	f.Result = widget.NewSelect(results, nil)
	f.Result.SetSelectedIndex(0)
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
	w.showDialog(f.dialog)
	w.Window.Canvas().Focus(f.Agency)
}

// saveAction checks the form and stores the action; the dialog stays open
// with the reason when something is wrong.
func (p *HouseholdPage) saveAction(c *ProblemCard, f *ActionForm) {
	w, t := p.w, p.w.t
	a := data.Action{ProblemID: c.Problem.ID, Agency: f.Agency.Text, What: f.What.Text, Note: f.Note.Text}
	var err error
	if a.Date, err = data.ParseThaiDate(f.Date.Text); err != nil {
		f.Error.SetText(t.tr("วันที่: ", "Date: ") + t.errorText(err))
		return
	}
	if a.Date.After(w.today()) {
		f.Error.SetText(t.term(data.HeaderActionDate) + t.tr("อยู่ในอนาคต กรุณาตรวจสอบ (ใช้ปี พ.ศ.)", " is in the future (use the Buddhist era)"))
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
	}
	if a.Result == data.Closed && strings.TrimSpace(a.Note) == "" {
		f.Error.SetText(t.tr("สถานะ '", "'") + t.status(data.Closed) + t.tr("' ต้องระบุเหตุผลในช่องหมายเหตุ/เหตุผล", "' needs a reason in the note"))
		return
	}
	if p.store(a, f.Error, f.dialog) {
		p.ActionForm = nil
	}
}

// store adds an action from a dialog: a mistake the clerk can fix stays in
// the dialog's error line; otherwise the dialog closes and every screen
// shows the change. It tells whether the action was stored.
func (p *HouseholdPage) store(a data.Action, errLine *widget.Label, d dialog.Dialog) bool {
	w := p.w
	if err := w.store.AddAction(w.ctx, &a); err != nil {
		if expected(err) {
			errLine.SetText(w.t.errorText(err))
		} else {
			w.showError(err)
		}
		return false
	}
	d.Hide()
	p.reload()
	w.changed(p.Household.ID)
	return true
}

// StatusForm is the short dialog that changes a problem's status.
type StatusForm struct {
	Status       *widget.Select
	Reason       *entry
	Error        *widget.Label
	Save, Cancel *widget.Button
	dialog       dialog.Dialog
}

func (p *HouseholdPage) onChangeStatus(c *ProblemCard) {
	w, t := p.w, p.w.t
	f := &StatusForm{Reason: newEntry(w), Error: widget.NewLabel("")}
	var opts []string
	for _, s := range data.Statuses {
		opts = append(opts, t.status(s))
	}
	f.Status = widget.NewSelect(opts, nil)
	f.Status.SetSelectedIndex(int(c.Problem.Status) - 1)
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
	w.showDialog(f.dialog)
}

func (p *HouseholdPage) saveStatus(c *ProblemCard, f *StatusForm) {
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
	a := data.Action{ProblemID: c.Problem.ID, Date: w.today(), What: "เปลี่ยนสถานะเป็น " + s.Thai(), Result: s, Note: reason}
	if p.store(a, f.Error, f.dialog) {
		p.StatusForm = nil
	}
}

// firstStart is the earliest day an action of pr can have: the start of
// the round its work began in (the first round of a carried problem).
func (p *HouseholdPage) firstStart(pr data.Problem) data.Date {
	for depth := 0; pr.CarriedFrom != 0 && depth < 20; depth++ {
		old, err := p.w.store.Problem(p.w.ctx, pr.CarriedFrom)
		if err != nil {
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
