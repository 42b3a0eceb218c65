package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// Preference keys.
const (
	prefOperator   = "operator"
	prefLanguage   = "language" // "th" or "en"
	prefThaiDigits = "thai_digits"
	prefLastFolder = "last_folder"
	prefLetter     = "letter" // the letter the meeting pack reports on ("": app.DefaultLetter)
)

func (w *MainWindow) loadSettings() {
	p := w.app.Preferences()
	w.t = texts{}
	if p.StringWithFallback(prefLanguage, "th") == "en" {
		w.t.lang = English
	}
	if p.Bool(prefThaiDigits) {
		w.t.digits = data.ThaiDigits
	}
	if w.exporter != nil {
		w.exporter.Digits = w.t.digits
	}
	w.ctx = data.WithOperator(context.Background(), w.Operator())
}

// Operator is the name written into the audit log with every change: the
// name the clerk gave in settings, else the computer's user name; on a
// shared database, the database role she connected as (which the store
// records itself).
func (w *MainWindow) Operator() string {
	if w.onServer() {
		// On a shared database the audit records the role the server
		// checked; the window names the clerk by it too.
		return w.server().Role
	}
	if s := strings.TrimSpace(w.app.Preferences().String(prefOperator)); s != "" {
		return s
	}
	return w.env.Operator
}

// settingsForm is the settings dialog's content.
type settingsForm struct {
	Operator   *entry
	Language   *widget.RadioGroup
	ThaiDigits *widget.Check
	Letter     *entry // the letter the meeting pack reports on
	hint       string

	// The database section: the file on this computer, or the office's
	// shared database on a PostgreSQL server (server, port, database and
	// the clerk's own role; never a password).
	DBKind                         *widget.RadioGroup
	DBHost, DBPort, DBName, DBRole *entry
	DBNote                         *widget.Label // when a change applies
	// Move moves the province: from the file to the server named here,
	// or from the server into a new file (nil: no province to move).
	Move *widget.Button
}

// The choices of the database section, in the window's language.
func (t texts) dbKinds() []string {
	return []string{t.tr("ไฟล์ในเครื่องนี้", "A file on this computer"), t.tr("ฐานข้อมูลกลางของสำนักงาน (PostgreSQL)", "The office's shared database (PostgreSQL)")}
}

// Letter is the reference of the letter the meeting pack reports on, as
// set in the settings ("": the pack's default, app.DefaultLetter).
func (w *MainWindow) Letter() string {
	return strings.TrimSpace(w.app.Preferences().String(prefLetter))
}

func (w *MainWindow) onSettings() {
	f := &settingsForm{
		Operator:   newEntry(w),
		Language:   widget.NewRadioGroup([]string{"ไทย", "English"}, nil),
		ThaiDigits: widget.NewCheck(w.t.tr("ใช้เลขไทย (๑๒๓)", "Thai digits (๑๒๓)"), nil),
	}
	f.Operator.SetText(w.Operator())
	f.Operator.SetPlaceHolder(w.t.tr("ชื่อ-สกุล ตำแหน่ง", "Name and position"))
	if w.onServer() {
		f.Operator.Disable() // the role the server checked, not a name typed here
	}
	f.Language.Horizontal = true
	f.Language.SetSelected([]string{"ไทย", "English"}[w.t.lang])
	f.ThaiDigits.SetChecked(w.t.digits == data.ThaiDigits)
	f.Letter = newEntry(w)
	f.Letter.SetText(w.Letter())
	f.Letter.SetPlaceHolder(app.DefaultLetter)
	items := []*widget.FormItem{
		widget.NewFormItem(w.t.tr("ผู้บันทึก", "Operator"), f.Operator),
		widget.NewFormItem(w.t.tr("ภาษา", "Language"), f.Language),
		widget.NewFormItem("", f.ThaiDigits),
		widget.NewFormItem(w.t.tr("เอกสารประชุมรายงานตาม", "The meeting pack reports on"), f.Letter),
	}
	items[0].HintText = w.t.tr("ชื่อนี้จะบันทึกไว้กับทุกการแก้ไขข้อมูล", "Recorded with every change")
	if w.onServer() {
		items[0].HintText = w.t.tr("ชื่อผู้ใช้ของฐานข้อมูลกลางที่เชื่อมต่ออยู่ บันทึกไว้กับทุกการแก้ไขข้อมูล", "The shared database's role connected: recorded with every change")
	}
	f.hint = w.t.tr("ในหน้าต่าง เอกสารประชุม กราฟ และหัวเรื่องกับตัวเลขสรุปของไฟล์ Excel ที่ทำจากหน้าต่างนี้ "+
		"ข้อมูลที่อำเภอกรอก (เลขประจำตัว รหัสบ้าน วันที่) คงตามที่กรอก และคำสั่ง qmdesk ในบรรทัดคำสั่งพิมพ์เลขอารบิกเสมอ",
		"In the window, the meeting pack, the charts, and the titles and figures of workbooks made here. What districts type (IDs, house codes, dates) stays as typed; the qmdesk command line always prints Arabic digits")
	where := widget.NewLabel(f.hint) // wraps: a form's hint would not
	where.Wrapping = fyne.TextWrapWord
	where.SizeName = theme.SizeNameCaptionText
	items = append(items, widget.NewFormItem("", where))
	items = append(items, w.databaseSection(f)...)
	d := dialog.NewForm(w.t.tr("ตั้งค่า", "Settings"), w.t.tr("บันทึก", "Save"), w.t.tr("ยกเลิก", "Cancel"), items, func(ok bool) {
		if ok {
			w.applySettings(f)
		}
		w.Settings = nil
	}, w.Window)
	d.Resize(fyne.NewSize(680, 680))
	w.Settings = f
	w.settingsDialog = d
	w.showDialog(d)
}

// ApplySettings is the settings dialog's Save button.
func (w *MainWindow) ApplySettings() {
	if f := w.Settings; f != nil {
		w.settingsDialog.Hide()
		w.applySettings(f)
		w.Settings = nil
	}
}

// applySettings saves the settings and redraws the window in them.
func (w *MainWindow) applySettings(f *settingsForm) {
	p := w.app.Preferences()
	if !w.onServer() {
		p.SetString(prefOperator, strings.TrimSpace(f.Operator.Text))
	}
	lang := "th"
	if f.Language.Selected == "English" {
		lang = "en"
	}
	p.SetString(prefLanguage, lang)
	p.SetBool(prefThaiDigits, f.ThaiDigits.Checked)
	p.SetString(prefLetter, data.CleanText(f.Letter.Text))
	w.loadSettings()
	if w.applyDatabase(f) {
		return // the window is made again on the database chosen
	}
	tab := 0
	if w.Tabs != nil {
		tab = w.Tabs.SelectedIndex()
	}
	w.rebuild(func() {
		if w.Tabs != nil {
			w.Tabs.SelectIndex(tab)
		}
	})
}

// ThaiDigitsHint is what the settings say of where Thai digits apply.
func (f *settingsForm) ThaiDigitsHint() string { return f.hint }
