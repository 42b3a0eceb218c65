package ui

import (
	"context"
	"errors"
	"fmt"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// Moving the province from the file to the office's shared database, or
// back into a new file, from the settings' database section: what
// `qmdesk migrate --to/--from` does (app.CopyProvince, then
// app.VerifyCopy: compared with the source and checked), with the same
// warning first. The source stays as it was; afterwards the window
// offers to work on the destination.

// prefDBFile is the file the window works on when the settings chose
// the file and it is not the data folder's (a move back from a server
// made it); "": the data folder's.
const prefDBFile = "db_file"

// ChosenFile is the file the settings chose instead of the data folder's,
// if any.
func ChosenFile(p fyne.Preferences) string {
	if p.String(prefDBKind) == dbKindServer {
		return ""
	}
	return p.String(prefDBFile)
}

// moveForm is the move's question and then its result, while shown.
type moveForm struct {
	Text *widget.Label
	// Go starts the move (the question); Use puts the window on the
	// destination (the result).
	Go, Use, Stay *widget.Button
	d             dialog.Dialog
}

// moveButton is the section's button that moves the province: to the
// server the section names, from the file; into a new file, from a
// server. nil while there is no province to move.
func (w *MainWindow) moveButton(f *settingsForm) *widget.Button {
	if w.store == nil || !w.ready() {
		return nil
	}
	t := w.t
	if w.onServer() {
		return widget.NewButton(t.tr("ย้ายข้อมูลกลับมาเป็นไฟล์ในเครื่องนี้…", "Move the data back into a file on this computer…"), w.onMoveToFile)
	}
	return widget.NewButton(t.tr("ย้ายข้อมูลไปฐานข้อมูลกลาง…", "Move the data to the shared database…"), func() {
		s, err := f.server()
		if err != nil {
			w.showError(err)
			return
		}
		w.closeSettings()
		w.onMoveToServer(s)
	})
}

// closeSettings closes the settings dialog without saving it.
func (w *MainWindow) closeSettings() {
	if w.Settings != nil {
		w.settingsDialog.Hide()
		w.Settings = nil
	}
}

// moveSource is the window's database as a move reads it.
func (w *MainWindow) moveSource() (interface {
	app.CopySource
	app.CopyVerifiable
}, error) {
	src, ok := w.store.(interface {
		app.CopySource
		app.CopyVerifiable
	})
	if !ok {
		return nil, errors.New("the database open cannot be copied")
	}
	return src, nil
}

// pendingReviews refuses a move while rows of imports wait for review
// (the copy would refuse them too, once started).
func (w *MainWindow) pendingReviews(ctx context.Context) error {
	r, err := w.store.Reviews(ctx, true)
	if err != nil {
		return err
	}
	if len(r) > 0 {
		return app.ErrPendingReviews(len(r))
	}
	return nil
}

// onMoveToServer moves the province of the file to the empty database s:
// it connects (asking the password), makes sure the database is empty,
// asks, copies, compares and checks, then offers to work on the server.
func (w *MainWindow) onMoveToServer(s Server) {
	t := w.t
	if w.env.OpenServer == nil {
		w.showError(data.Errorf(data.EINVALID, "โปรแกรมรุ่นนี้เปิดฐานข้อมูลกลางบนเซิร์ฟเวอร์ไม่ได้", "this program opens the file only"))
		return
	}
	src, err := w.moveSource()
	if err != nil {
		w.showError(err)
		return
	}
	dsn := s.DSN()
	w.goBackground(func() {
		dst, err := w.openEmptyServer(dsn, s)
		w.doAndWait(func() {
			if errors.Is(err, errConnectCancelled) {
				return // the clerk cancelled the password: nothing to say
			}
			if err != nil {
				w.showError(err)
				return
			}
			into, ok := dst.(app.CopyTarget)
			verify, ok2 := dst.(app.CopyVerifiable)
			if !ok || !ok2 {
				closeStore(dst)
				w.showError(errors.New("the shared database cannot take a copy"))
				return
			}
			w.askMove(w.facts.meta, t.tr("ไฟล์ในเครื่องนี้", "the file on this computer"), s.Label(), func() {
				var rep data.CopyReport
				var copied bool // CopyIn committed: the server holds the copy
				w.runCancelling(t.tr("กำลังย้ายข้อมูล", "Moving the data"), t.tr("ถ้ายังคัดลอกไม่เสร็จ ฐานข้อมูลกลางจะยังว่างเหมือนเดิม", "If the copy is not finished, the shared database stays empty."),
					func(ctx context.Context, progress report) (err error) {
						progress(0, t.tr("กำลังคัดลอกข้อมูลไปฐานข้อมูลกลาง…", "Copying to the shared database…"))
						rep, err = app.CopyProvince(ctx, src, into, func(done, total int64) { progress(fraction(done, total), "") })
						if err != nil {
							return err
						}
						copied = true
						progress(-1, t.tr("กำลังตรวจเทียบปลายทางกับต้นทาง…", "Comparing the copy with its source…"))
						_, err = app.VerifyCopy(ctx, src, verify, rep, w.env.Geo, w.env.Clock)
						return err
					}, func(err error) {
						if err != nil {
							closeStore(dst)
							w.moveEnded(err, copied, t.tr("ฐานข้อมูลกลางยังว่างเหมือนเดิม", "The shared database is still empty."),
								t.tr("ข้อมูลคัดลอกไปฐานข้อมูลกลางแล้ว แต่ยังไม่ผ่านการตรวจเทียบ ฐานข้อมูลกลางจึงไม่ว่างแล้ว: ใช้ไฟล์ในเครื่องนี้ต่อไปตามเดิม และแจ้งผู้ดูแลระบบให้ล้างฐานข้อมูลกลางก่อนย้ายใหม่",
									"The data was copied to the shared database but not verified, so it is no longer empty: go on with the file on this computer, and ask the administrator to empty the shared database before moving again."))
							return
						}
						w.offerSwitch(rep, s.Label(), func() {
							p := w.app.Preferences()
							p.SetString(prefDBKind, dbKindServer)
							p.SetString(prefDBHost, s.Host)
							p.SetInt(prefDBPort, s.Port)
							p.SetString(prefDBName, s.Database)
							p.SetString(prefDBRole, s.Role)
							w.closeStore()
							w.env.Server = dsn
							w.useStore(dst, nil)
						}, func() { closeStore(dst) })
					})
			}, func() { closeStore(dst) })
		})
	})
}

// openEmptyServer opens the database at dsn (asking the password) for a
// move into it: it must never have been set up.
func (w *MainWindow) openEmptyServer(dsn string, s Server) (Store, error) {
	if err := w.pendingReviews(w.ctx); err != nil {
		return nil, err
	}
	dst, err := w.env.OpenServer(w.ctx, dsn, w.askPassword)
	if err != nil {
		return nil, err
	}
	m, err := dst.Meta(w.ctx)
	if err == nil && m.Province != "" {
		err = data.CopyDestNotEmpty(s.Label())
	}
	if err != nil {
		closeStore(dst)
		return nil, err
	}
	return dst, nil
}

// onMoveToFile moves the province of the server's database into a new
// file the clerk names, then offers to work on the file.
func (w *MainWindow) onMoveToFile() {
	t := w.t
	w.closeSettings()
	if w.env.Files.Create == nil || w.env.Files.Open == nil {
		w.showError(data.Errorf(data.EINVALID, "โปรแกรมรุ่นนี้ย้ายข้อมูลเป็นไฟล์ไม่ได้", "this program cannot make a file"))
		return
	}
	src, err := w.moveSource()
	if err != nil {
		w.showError(err)
		return
	}
	meta := w.facts.meta
	name := "qmdesk-" + meta.Province + "-" + w.now().In(data.ThaiTime).Format("20060102-1504") + ".db"
	w.chooseSavePath(name, []string{".db"}, func(path string) {
		w.goBackground(func() {
			err := w.pendingReviews(w.ctx)
			w.doAndWait(func() {
				if err != nil {
					w.showError(err)
					return
				}
				w.askMove(meta, w.server().Label(), path, func() {
					var rep data.CopyReport
					var copied bool // the new file is there
					w.runCancelling(t.tr("กำลังย้ายข้อมูล", "Moving the data"), t.tr("ถ้ายังคัดลอกไม่เสร็จ จะไม่มีไฟล์ฐานข้อมูลใหม่เกิดขึ้น", "If the copy is not finished, no new database file is left."),
						func(ctx context.Context, progress report) (err error) {
							progress(0, t.tr("กำลังคัดลอกข้อมูลเป็นไฟล์ใหม่…", "Copying into a new file…"))
							rep, err = app.CopyToFile(ctx, src, w.env.Files, path, func(done, total int64) { progress(fraction(done, total), "") })
							if err != nil {
								return err
							}
							copied = true
							progress(-1, t.tr("กำลังตรวจเทียบปลายทางกับต้นทาง…", "Comparing the copy with its source…"))
							made, err := w.env.Files.Open(path, true)
							if err != nil {
								return err
							}
							defer made.Close()
							_, err = app.VerifyCopy(ctx, src, made, rep, w.env.Geo, w.env.Clock)
							if data.ErrorCode(err) == data.EINTERNAL {
								err = app.ErrServerChangedDuringMove(path, err)
							}
							return err
						}, func(err error) {
							if err != nil {
								w.moveEnded(err, copied, t.tr("ไม่มีไฟล์ฐานข้อมูลใหม่เกิดขึ้น", "No new database file was made."),
									t.tr("ไฟล์ใหม่ "+path+" มีข้อมูลที่คัดลอกแล้ว แต่ยังไม่ผ่านการตรวจเทียบ: ใช้ฐานข้อมูลกลางต่อไปตามเดิม ลบไฟล์นั้นแล้วย้ายใหม่",
										"The new file "+path+" holds the copy but was not verified: go on with the shared database, delete that file and move again."))
								return
							}
							w.offerSwitch(rep, path, func() { w.switchToFile(path) }, nil)
						})
				}, nil)
			})
		})
	})
}

// switchToFile puts the window on the file at path, from now on and at
// the next start.
func (w *MainWindow) switchToFile(path string) {
	p := w.app.Preferences()
	p.SetString(prefDBKind, "file")
	p.SetString(prefDBFile, path)
	open := w.env.Files.Open
	w.env.OpenFile = func() (Store, error) {
		s, err := open(path, false)
		if err != nil {
			return nil, err
		}
		st, ok := s.(Store)
		if !ok {
			s.Close()
			return nil, errors.New("the new file's store is not the window's")
		}
		return st, nil
	}
	w.fileIndex = path + ".search"
	w.closeStore()
	w.openFile()
}

// askMove asks the clerk to go on with the move, saying what the command
// line says (app.MigrateWarning); no runs on Cancel.
func (w *MainWindow) askMove(meta data.Meta, src, dst string, yes, no func()) {
	t := w.t
	what := t.tr("ย้ายข้อมูล", "the data of ") + w.provinceWords(meta)
	warn := app.MigrateWarning(what, src, dst)
	f := &moveForm{Text: widget.NewLabel(t.tr(warn.Thai, warn.English) + "\n" + t.tr("ทำต่อหรือไม่?", "Go on?"))}
	f.Text.Wrapping = fyne.TextWrapWord
	f.Go = widget.NewButton(t.tr("ย้ายข้อมูล", "Move"), func() {
		w.Move = nil
		f.d.Hide()
		yes()
	})
	f.Go.Importance = widget.HighImportance
	f.Stay = widget.NewButton(t.tr("ยกเลิก", "Cancel"), func() { f.d.Hide() })
	d := dialog.NewCustomWithoutButtons(t.tr("ย้ายข้อมูล", "Move the data"), f.Text, w.Window)
	f.d = d
	d.SetButtons([]fyne.CanvasObject{f.Stay, f.Go})
	f.d.Resize(fyne.NewSize(720, 280))
	w.Move = f
	w.showForm(f.d, f.Go)
	f.d.SetOnClosed(func() {
		w.forgetDialog(f.d)
		if w.Move == f { // closed without Go
			w.Move = nil
			if no != nil {
				no()
			}
		}
	})
}

// provinceWords is "จังหวัด" and the province's name.
func (w *MainWindow) provinceWords(m data.Meta) string {
	if p, ok := w.env.Geo.Province(m.Province); ok {
		return w.t.tr("จังหวัด"+p.Thai, p.EnglishName())
	}
	return w.t.tr("จังหวัดรหัส ", "province ") + m.Province
}

// moveEnded says what a move that did not finish left: the destination
// as it was (left) when the copy did not finish, else what copied says.
// An error other than a cancel has been shown already (run); this says
// what it left.
func (w *MainWindow) moveEnded(err error, copied bool, left, copiedText string) {
	log.Printf("move: %v", err)
	text := left
	if copied {
		text = copiedText
	}
	if errors.Is(err, context.Canceled) {
		text = w.t.tr("ยกเลิกการย้ายข้อมูลแล้ว ", "The move was cancelled. ") + text
	}
	w.MoveLeft = text
	w.showDialog(dialog.NewInformation(w.t.tr("ย้ายข้อมูล", "Move the data"), text, w.Window))
}

// offerSwitch says the move is done and offers to work on the
// destination (named where); use puts the window on it, stay (nil: none)
// runs otherwise.
func (w *MainWindow) offerSwitch(rep data.CopyReport, where string, use, stay func()) {
	t := w.t
	f := &moveForm{Text: widget.NewLabel(fmt.Sprintf(t.tr("ย้ายข้อมูลไปที่ %s แล้ว: ครัวเรือน %s · ปัญหา %s · การช่วยเหลือ %s · บันทึกการแก้ไข %s รายการ\n"+
		"ตรวจเทียบแล้ว ตรงกับต้นทางทุกรายการ และตรวจสอบปลายทางแล้ว ถูกต้องครบถ้วน ต้นทางยังอยู่ตามเดิม\n\nใช้ฐานข้อมูลใหม่ในหน้าต่างนี้เลยหรือไม่?",
		"Moved to %s: %s households · %s problems · %s actions · %s audit entries.\n"+
			"Compared with the source (the same in every record) and checked (sound). The source stays as it was.\n\nWork on the new database in this window now?"),
		where, t.n(rep.Households), t.n(rep.Problems), t.n(rep.Actions), t.n(rep.AuditEntries)))}
	f.Text.Wrapping = fyne.TextWrapWord
	f.Use = widget.NewButton(t.tr("ใช้ฐานข้อมูลใหม่", "Use the new database"), func() {
		w.Move = nil
		f.d.Hide()
		use()
	})
	f.Use.Importance = widget.HighImportance
	f.Stay = widget.NewButton(t.tr("ใช้ฐานข้อมูลเดิมต่อ", "Stay on this one"), func() { f.d.Hide() })
	d := dialog.NewCustomWithoutButtons(t.tr("ย้ายข้อมูลเสร็จแล้ว", "The data was moved"), f.Text, w.Window)
	f.d = d
	d.SetButtons([]fyne.CanvasObject{f.Stay, f.Use})
	f.d.Resize(fyne.NewSize(720, 280))
	w.Move = f
	w.showForm(f.d, f.Use)
	f.d.SetOnClosed(func() {
		w.forgetDialog(f.d)
		if w.Move == f {
			w.Move = nil
			if stay != nil {
				stay()
			}
		}
	})
}

// fraction is done of total, from 0 to 1.
func fraction(done, total int64) float64 {
	if total <= 0 {
		return 0
	}
	return float64(done) / float64(total)
}
