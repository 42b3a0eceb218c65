package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// The window's dialogs behave as in the clerk's other programs: Escape
// cancels the dialog on top, Return does what its main button does, and
// while one is open the shortcuts of the screens behind it do nothing.

// openDialog is a dialog on screen with what Return does in it (nil:
// nothing, e.g. a file chooser, whose own list takes Return).
type openDialog struct {
	d        dialog.Dialog
	onReturn func()
	form     bool // holds what the clerk typed: Quit asks first
	quit     bool // the question Quit asks while a job runs
}

// showDialog shows d and remembers it. Return confirms a confirmation,
// submits a settings form and closes a message; custom dialogs say what
// Return does through showForm or showClosable.
func (w *MainWindow) showDialog(d dialog.Dialog) {
	var onReturn func()
	switch x := d.(type) {
	case *dialog.ConfirmDialog:
		onReturn = x.Confirm
	case *dialog.FormDialog:
		onReturn = x.Submit
	case *dialog.CustomDialog, *dialog.FileDialog:
	default: // an information or error message: OK is its only button
		onReturn = d.Hide
	}
	_, form := d.(*dialog.FormDialog)
	w.push(openDialog{d: d, onReturn: onReturn, form: form})
}

// showForm shows a dialog of fields whose main button is save: Return
// presses it (unless it is greyed out).
func (w *MainWindow) showForm(d dialog.Dialog, save *widget.Button) {
	w.push(openDialog{d: d, form: true, onReturn: func() {
		if !save.Disabled() && save.OnTapped != nil {
			save.OnTapped()
		}
	}})
}

// showClosable shows a message with buttons of its own and a Close
// button: Return closes it.
func (w *MainWindow) showClosable(d dialog.Dialog) {
	w.push(openDialog{d: d, onReturn: d.Hide})
}

func (w *MainWindow) push(o openDialog) {
	w.dialogs = append(w.dialogs, o)
	o.d.SetOnClosed(func() { w.forgetDialog(o.d) })
	o.d.Show()
}

func (w *MainWindow) forgetDialog(d dialog.Dialog) {
	for i := len(w.dialogs) - 1; i >= 0; i-- {
		if w.dialogs[i].d == d {
			w.dialogs = append(w.dialogs[:i], w.dialogs[i+1:]...)
			w.othersLater()
			return
		}
	}
}

// onTypedKey takes the keys no widget has taken.
func (w *MainWindow) onTypedKey(k *fyne.KeyEvent) {
	if k.Name != fyne.KeyEscape && w.chooserKey(k) {
		return // the file chooser's list takes Return and the arrows
	}
	switch k.Name {
	case fyne.KeyEscape:
		w.closeTopDialog()
	case fyne.KeyReturn, fyne.KeyEnter:
		w.returnInTopDialog()
	}
}

// closeTopDialog is Escape: it closes the dialog on top, if any. A running
// task's dialog is not closed this way; its Cancel button is the way out.
func (w *MainWindow) closeTopDialog() {
	if n := len(w.dialogs); n > 0 {
		d := w.dialogs[n-1].d
		d.Hide()
		w.forgetDialog(d)
	}
}

// returnInTopDialog is Return: the main button of the dialog on top.
func (w *MainWindow) returnInTopDialog() {
	if n := len(w.dialogs); n > 0 && w.dialogs[n-1].onReturn != nil {
		w.dialogs[n-1].onReturn()
	}
}

// modal tells whether a dialog or a job's progress holds the window.
func (w *MainWindow) modal() bool { return len(w.dialogs) > 0 || w.Running != nil }

// unlessModal wraps a menu action so that its shortcut does nothing while
// a dialog or a job holds the window.
func (w *MainWindow) unlessModal(action func()) func() {
	if action == nil {
		return nil
	}
	return func() {
		if !w.modal() {
			action()
		}
	}
}

// onQuit is the Quit item, Ctrl+Q and the window's close button. With a
// job running, a form open or checked workbooks not imported it asks
// first, naming what would be lost; otherwise it closes at once. Quitting
// during a job cancels it: an import cut short is rolled back whole, as
// its Cancel button does.
func (w *MainWindow) onQuit() {
	t := w.t
	var what string
	switch {
	case w.Running != nil:
		what = t.tr("งานที่กำลังทำอยู่จะถูกยกเลิก (การนำเข้าที่ยังไม่เสร็จจะไม่ถูกบันทึกเลย)", "The job under way will be cancelled (an import not yet finished keeps nothing).")
	case w.formOpen():
		what = t.tr("ข้อมูลที่พิมพ์ไว้ในหน้าต่างที่เปิดอยู่ยังไม่ได้บันทึก และจะหายไป", "What is typed in the open form has not been saved and will be lost.")
	case w.Import != nil && len(w.Import.ready()) == 1:
		what = t.tr("ไฟล์ที่ตรวจแล้ว 1 ไฟล์ยังไม่ได้นำเข้า (ข้อมูลในไฟล์ยังไม่ได้บันทึกลงฐานข้อมูล)",
			"1 checked file has not been imported (nothing of it is in the database yet).")
	case w.Import != nil && len(w.Import.ready()) > 1:
		n := t.ni(len(w.Import.ready()))
		what = t.tr("ไฟล์ที่ตรวจแล้ว "+n+" ไฟล์ยังไม่ได้นำเข้า (ข้อมูลในไฟล์ยังไม่ได้บันทึกลงฐานข้อมูล)",
			n+" checked files have not been imported (nothing of them is in the database yet).")
	default:
		w.Window.Close()
		return
	}
	d := dialog.NewConfirm(t.tr("ออกจากโปรแกรม", "Quit"), what+t.tr("\nออกจากโปรแกรมหรือไม่?", "\nQuit anyway?"), func(ok bool) {
		if ok {
			w.Window.Close()
		}
	}, w.Window)
	d.SetConfirmText(t.tr("ออกจากโปรแกรม", "Quit"))
	d.SetDismissText(t.tr("ไม่ออก", "Stay"))
	// Return stays: quitting is never the default.
	w.push(openDialog{d: d, onReturn: d.Hide, quit: true})
}

func (w *MainWindow) formOpen() bool {
	for _, o := range w.dialogs {
		if o.form {
			return true
		}
	}
	return false
}
