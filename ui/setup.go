package ui

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// setupScreen is the first start: which province this office is, the
// round it follows, who is working, and whether to try demo data first.
type setupScreen struct {
	Box fyne.CanvasObject

	Province  *provincePicker // type to find: name or code
	RoundName *entry
	Start     *entry // BE date, as clerks write it
	Deadline  *entry
	Operator  *entry
	Demo      *widget.Check
	DemoSize  *entry
	StartBtn  *widget.Button
	Error     *widget.Label
	RoundNote *widget.Label // says when the round's deadline has passed

	w         *MainWindow
	provinces []data.Place
}

func newSetupScreen(w *MainWindow) *setupScreen {
	s := &setupScreen{w: w, provinces: w.env.Geo.Provinces()}
	s.Province = newProvincePicker(w, s.provinces)
	r := data.DefaultRound()
	s.RoundName = newEntry(w)
	s.RoundName.SetText(r.Name)
	s.Province.next = s.RoundName
	s.Start = newEntry(w)
	s.Start.SetText(data.FormatBE(r.Start))
	s.Deadline = newEntry(w)
	s.Deadline.SetText(data.FormatBE(r.Deadline))
	s.RoundNote = widget.NewLabel("")
	s.RoundNote.Wrapping = fyne.TextWrapWord
	s.Deadline.OnChanged = func(string) { s.noteRound(); s.recheck() }
	s.Start.OnChanged = func(string) { s.recheck() }
	s.RoundName.OnChanged = func(string) { s.recheck() }
	s.noteRound()
	s.Operator = newEntry(w)
	s.Operator.SetText(w.Operator())
	if w.onServer() {
		s.Operator.Disable() // the role the server checked
	}
	s.Operator.SetPlaceHolder(w.t.tr("ชื่อ-สกุล ตำแหน่ง", "Name and position"))
	s.Demo = widget.NewCheck(w.t.tr("ใส่ข้อมูลตัวอย่างเพื่อทดลองใช้ (ไม่ใช่ข้อมูลจริง ลบได้โดยสร้างฐานข้อมูลใหม่)",
		"Load demo data to try the program (not real people)"), nil)
	s.DemoSize = newEntry(w)
	s.DemoSize.SetText("2000")
	s.DemoSize.OnChanged = func(string) { s.recheck() }
	s.Demo.OnChanged = func(bool) { s.recheck() }
	s.Error = widget.NewLabel("")
	s.Error.Importance = widget.DangerImportance
	s.Error.Wrapping = fyne.TextWrapWord
	s.StartBtn = widget.NewButton(w.t.tr("เริ่มใช้งาน", "Start"), s.onStart)
	s.StartBtn.Importance = widget.HighImportance

	form := widget.NewForm(
		widget.NewFormItem(w.t.tr("จังหวัด", "Province"), s.Province.box),
		widget.NewFormItem(w.t.tr("ชื่อรอบการติดตาม", "Round"), s.RoundName),
		widget.NewFormItem(w.t.tr("เริ่มบันทึกผล", "Recording starts"), s.Start),
		widget.NewFormItem(w.t.tr("ครบกำหนด", "Deadline"), s.Deadline),
		widget.NewFormItem(w.t.tr("ผู้บันทึก", "Operator"), s.Operator),
		widget.NewFormItem("", s.Demo),
		widget.NewFormItem(w.t.tr("จำนวนครัวเรือนตัวอย่าง", "Demo households"), s.DemoSize),
	)
	intro := widget.NewLabel(w.t.tr(
		"ยินดีต้อนรับสู่ qmdesk\nโปรแกรมนี้เก็บข้อมูลของจังหวัดเดียว กรุณาเลือกจังหวัดและรอบการติดตาม (วันที่เป็นพุทธศักราช เช่น 30 ก.ย. 2567 หรือ 30/09/2567)",
		"Welcome to qmdesk\nThe program keeps one province's data. Choose the province and the round (dates in the Buddhist era, e.g. 30/09/2567)."))
	intro.Wrapping = fyne.TextWrapWord
	s.Box = container.NewVScroll(container.NewPadded(container.NewVBox(bold(w.t.tr("ตั้งค่าครั้งแรก", "First start")), intro, form, s.RoundNote, s.Error, container.NewHBox(s.StartBtn))))
	return s
}

func (s *setupScreen) fail(msg string) { s.Error.SetText(msg) }

// noteRound says, under the form, that the round's deadline has already
// passed (the letter's round ended on 30 ก.ย. 2567) and where the next
// round is started.
func (s *setupScreen) noteRound() {
	t, today := s.w.t, s.w.today()
	d, err := data.ParseThaiDate(s.Deadline.Text)
	if err != nil || d.IsZero() || !d.Before(today) {
		s.RoundNote.SetText("")
		return
	}
	s.RoundNote.SetText(t.tr("รอบนี้ครบกำหนดไปแล้วเมื่อ ", "This round's deadline passed on ") + t.date(d) + " (" + t.ni(d.DaysUntil(today)) +
		t.tr(" วันที่แล้ว) ยังบันทึกผลต่อได้จนกว่าจะช่วยเหลือเสร็จ และเพิ่มรอบถัดไป (พร้อมยกปัญหาที่ยังค้างไปติดตามต่อ) ได้ที่หน้าภาพรวม ปุ่ม \"รอบใหม่…\"",
			" days ago). Results can still be recorded until the help is complete; the next round (with the open problems carried over) is started on the dashboard, button \"New round…\"."))
}

// check reads the form: the province's index, the round, the demo's size
// (0: none), or what is wrong with it, in the window's language.
func (s *setupScreen) check() (province int, round data.Round, demo int, msg string) {
	w := s.w
	province = s.Province.SelectedIndex()
	if province < 0 {
		return province, round, 0, w.t.tr("กรุณาเลือกจังหวัด", "Choose the province")
	}
	round = data.Round{Name: strings.TrimSpace(s.RoundName.Text), SurveyYear: 2565}
	var err error
	if round.Start, err = data.ParseThaiDate(s.Start.Text); err != nil {
		return province, round, 0, w.t.tr("วันเริ่มบันทึกผล: ", "Start: ") + w.t.errorText(err)
	}
	if round.Deadline, err = data.ParseThaiDate(s.Deadline.Text); err != nil {
		return province, round, 0, w.t.tr("วันครบกำหนด: ", "Deadline: ") + w.t.errorText(err)
	}
	if err := round.Validate(w.today()); err != nil {
		return province, round, 0, w.t.errorText(err)
	}
	if s.Demo.Checked {
		n, err := strconv.Atoi(strings.TrimSpace(data.ThaiToASCIIDigits(strings.ReplaceAll(s.DemoSize.Text, ",", ""))))
		if err != nil || n < 1 || n > 1_000_000 {
			return province, round, 0, w.t.tr("จำนวนครัวเรือนตัวอย่างต้องเป็นตัวเลข 1 ถึง 1,000,000", "Demo households must be a number from 1 to 1,000,000")
		}
		demo = n
	}
	return province, round, demo, ""
}

// recheck follows the clerk's edits while an error is shown: the error
// goes as soon as what it named is fixed (or names the next thing wrong).
func (s *setupScreen) recheck() {
	if s.Error.Text != "" {
		_, _, _, msg := s.check()
		s.Error.SetText(msg)
	}
}

// onStart creates the database for the province, then loads the demo data
// if asked, in the background.
func (s *setupScreen) onStart() {
	w := s.w
	i, round, demo, msg := s.check()
	if msg != "" {
		s.fail(msg)
		return
	}
	if !w.onServer() { // on a server the role is who works
		w.app.Preferences().SetString(prefOperator, strings.TrimSpace(s.Operator.Text))
	}
	w.loadSettings()
	province := s.provinces[i].Code
	var r data.Round
	w.save(s.StartBtn, func(ctx context.Context) error {
		if _, err := w.store.Init(ctx, province, round); err != nil {
			return err
		}
		meta, err := w.store.Meta(ctx)
		if err == nil {
			r, err = w.store.Round(ctx, meta.DefaultRound)
		}
		return err
	}, func(err error) {
		switch {
		case err != nil:
			w.showError(err)
		case demo == 0:
			w.build()
		default:
			s.loadDemo(province, r, demo)
		}
	})
}

// loadDemo fills the new database with demo households, then shows it.
func (s *setupScreen) loadDemo(province string, r data.Round, demo int) {
	w := s.w
	d := app.Demo{Geo: w.env.Geo, Province: province, Round: r, Seed: 1, AsOf: w.today()}
	w.runCancelling(w.t.tr("กำลังใส่ข้อมูลตัวอย่าง", "Loading demo data"), w.t.tr("ครัวเรือนตัวอย่างที่ใส่ไปแล้วจะถูกนำออกทั้งหมด", "The demo households loaded so far are taken out again."), func(ctx context.Context, progress report) error {
		return d.Fill(ctx, w.store, demo, 2000, func(done int) {
			progress(float64(done)/float64(demo), w.t.tr("ใส่แล้ว ", "Loaded ")+w.t.ni(done)+w.t.tr(" จาก ", " of ")+w.t.ni(demo)+w.t.tr(" ครัวเรือน", " households"))
		})
	}, func(error) { w.build() })
}
