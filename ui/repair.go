package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// damageBar is the line above the tabs that says the database holds
// records the program cannot read, and offers the repair. It is hidden
// while all is well.
type damageBar struct {
	Box    *fyne.Container
	Text   *widget.Label
	Repair *widget.Button
}

func newDamageBar(w *MainWindow) *damageBar {
	b := &damageBar{Text: widget.NewLabel("")}
	b.Text.Importance = widget.DangerImportance
	b.Text.Wrapping = fyne.TextWrapWord
	b.Repair = widget.NewButton(w.t.tr("ตรวจสอบและซ่อมแซม…", "Check and repair…"), w.onCheckAndRepair)
	b.Repair.Importance = widget.DangerImportance
	b.Box = container.NewBorder(nil, widget.NewSeparator(), nil, b.Repair, b.Text)
	b.Box.Hide()
	return b
}

// noteDamage shows the damage bar when err says some records could not be
// read (the rest was), and tells whether it did: the caller then goes on
// with what it could read instead of stopping on an error dialog.
func (w *MainWindow) noteDamage(err error) bool {
	if data.ErrorCode(err) != data.EDAMAGED || w.Damage == nil {
		return false
	}
	w.logError(err)
	w.Damage.Text.SetText(w.t.errorText(err))
	w.showDamageBar(true)
	return true
}

// showDamageBar shows or hides the bar; the window lays its content out
// again, or the tabs would stay where they were, over the bar.
func (w *MainWindow) showDamageBar(show bool) {
	if show {
		w.Damage.Box.Show()
	} else {
		w.Damage.Box.Hide()
	}
	if c := w.Window.Content(); c != nil {
		c.Refresh()
	}
}

// onCheckAndRepair checks the whole database in the background and, when
// it finds faults, offers the repair (which backs the file up first).
func (w *MainWindow) onCheckAndRepair() {
	if w.store == nil {
		return
	}
	t := w.t
	var rep data.CheckReport
	w.run(t.tr("กำลังตรวจสอบฐานข้อมูล", "Checking the database"), func(ctx context.Context, progress report) (err error) {
		progress(-1, t.tr("กำลังอ่านข้อมูลทุกรายการเพื่อตรวจสอบ…", "Reading every record…"))
		rep, err = w.store.Check(ctx)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		if rep.OK() {
			w.showDamageBar(false)
			text := t.tr("ฐานข้อมูลถูกต้องครบถ้วน: ", "The database is sound: ") + t.n(rep.Households) + t.tr(" ครัวเรือน · ", " households · ") +
				t.n(rep.ProblemCount) + t.tr(" ปัญหา · ", " problems · ") + t.n(rep.Actions) + t.tr(" การช่วยเหลือ", " actions")
			for _, note := range rep.Audit.Unverified {
				text += t.tr("\n\nหมายเหตุ: ", "\n\nNote: ") + note
			}
			for _, note := range rep.StrandedReviews { // in Thai only, as the notes above
				text += t.tr("\n\nต้องตัดสิน: ", "\n\nTo settle: ") + note
			}
			w.showDialog(dialog.NewInformation(t.tr("ตรวจสอบฐานข้อมูล", "Database check"), text, w.Window))
			return
		}
		if rep.Audit.Tampered {
			w.showAuditTampered(rep)
			return
		}
		if rep.DamagedPages {
			// The repair mends records, not the file's pages: it would
			// refuse. Say what will help.
			w.showError(&data.Error{Code: data.EDAMAGED, English: "damaged pages: " + strings.Join(rep.Problems, "; "), Message: t.tr(
				"ไฟล์ฐานข้อมูลเสียหายที่หน้าข้อมูลในไฟล์ ซึ่งการซ่อมแซมแก้ไม่ได้: กรุณาเรียกคืนจากไฟล์สำรองล่าสุดด้วยคำสั่ง qmdesk restore ตามด้วยชื่อไฟล์สำรอง (ไฟล์สำรองอัตโนมัติอยู่ในโฟลเดอร์ ",
				"The database file's pages are damaged, which a repair cannot mend: restore the latest backup with qmdesk restore and the backup's name (automatic backups are in ") +
				filepath.Join(w.env.DataDir, "backups") + t.tr(") แล้วเปิดโปรแกรมใหม่", "), then start the program again")})
			return
		}
		w.offerRepair(rep)
	})
}

// showAuditTampered says that the audit log was rewritten, what that
// means and what to do. It offers no repair: the file is the evidence,
// and a repair cannot bring back what the log lost.
func (w *MainWindow) showAuditTampered(rep data.CheckReport) {
	t := w.t
	advice := t.tr(data.AuditTamperedAdvice,
		"The audit log (who changed what, and when) in this file was changed, cut short or deleted outside qmdesk, so its history cannot be trusted. "+
			"(1) Do not delete or edit the database or the .audit file beside it: keep them as evidence. (2) Tell your supervisor and the provincial IT staff. "+
			"(3) Check the backups in the backups folder (qmdesk check --db BACKUP) to find the latest that passes, and compare it with this file. "+
			"If you copied a backup over the database by hand, restore it with qmdesk restore instead, then check again.")
	if w.onServer() {
		advice = t.tr(data.AuditTamperedAdviceServer,
			"The audit log (who changed what, and when) in this shared database was changed, cut short or deleted outside qmdesk, so its history cannot be trusted. "+
				"(1) Do not delete or edit data in this shared database: keep it as evidence. (2) Tell your supervisor and the server's administrator. "+
				"(3) Have the administrator check the shared database's backups with qmdesk check to find the latest that passes, and compare it with this database.")
	}
	msg := widget.NewLabel(advice +
		t.tr("\n\nรายละเอียดทางเทคนิค สำหรับผู้ดูแลระบบ:\n", "\n\nTechnical details, for IT support:\n") + strings.Join(rep.Problems, "\n"))
	msg.Wrapping = fyne.TextWrapWord
	w.AuditAdvice = msg
	d := dialog.NewCustom(t.tr("บันทึกการแก้ไขถูกแก้ไขหรือลบ", "The audit log was rewritten"), t.tr("ปิด", "Close"), container.NewVScroll(msg), w.Window)
	d.Resize(fyne.NewSize(760, 480))
	w.showClosable(d)
}

func (w *MainWindow) offerRepair(rep data.CheckReport) {
	t := w.t
	findings := rep.Problems
	if len(findings) > 8 {
		findings = append(append([]string{}, findings[:8]...), fmt.Sprintf(t.tr("… และอีก %d รายการ", "… and %d more"), len(rep.Problems)-8))
	}
	backups := filepath.Join(w.env.DataDir, "backups")
	head := t.tr("พบความผิดปกติ ", "Found ") + t.ni(len(rep.Problems)) + t.tr(" รายการ", " faults")
	if len(rep.Unreadable) > 0 {
		head += t.tr("\nข้อมูลที่อ่านไม่ได้: ", "\nRecords that cannot be read: ") + strings.Join(rep.Unreadable, ", ") +
			t.tr("\nที่เหลือเป็นดัชนีและตัวนับที่ไม่ตรงกับข้อมูล ซึ่งจะสร้างใหม่จากข้อมูล", "\nThe rest are indexes and counters that do not match the records; they are rebuilt from them")
	}
	does := t.tr("\n\nการซ่อมแซมจะสำรองไฟล์ทั้งไฟล์ไว้ที่ ", "\n\nThe repair first copies the whole file to ") + backups +
		t.tr(" ก่อน แล้วซ่อมข้อมูลที่อ่านไม่ได้จากวันเวลาที่บันทึกไว้ในข้อมูลนั้นเอง ข้อมูลที่ซ่อมไม่ได้จะถูกแยกเก็บไว้ในไฟล์ (ไม่ลบทิ้ง) แล้วสร้างตัวนับใหม่ทั้งหมด",
			", then mends unreadable records from their own time stamps, sets aside (keeps, does not delete) what it cannot mend, and rebuilds every counter.")
	button := t.tr("สำรองแล้วซ่อมแซม", "Back up and repair")
	if w.onServer() {
		// The server's repair (data/postgres Repair) rewrites only
		// counters and ID sequences, in one transaction, and takes no
		// copy first.
		does = t.tr("\n\nการซ่อมแซมจะสร้างตัวนับของหน้าสรุปและรายงานใหม่จากข้อมูล และตั้งเลขที่ถัดไปของรายการใหม่ให้ถูกต้อง ในครั้งเดียว (สำเร็จทั้งหมด หรือไม่เปลี่ยนอะไรเลย) "+
			"โดยไม่แก้ไขหรือลบข้อมูลครัวเรือน ปัญหา หรือการช่วยเหลือใด ๆ จึงไม่ได้สำรองข้อมูลไว้ก่อน ส่วนที่ซ่อมไม่ได้จะยังอยู่ตามเดิม",
			"\n\nThe repair rebuilds the dashboard's and reports' counters from the records and sets the next record numbers right, at once (all of it, or nothing changes). "+
				"It changes or deletes no household, problem or action, so no copy is taken first; what it cannot mend stays as it is.")
		button = t.tr("ซ่อมแซม", "Repair")
	}
	msg := widget.NewLabel(head + does +
		t.tr("\n\nรายละเอียดทางเทคนิค สำหรับผู้ดูแลระบบ:\n", "\n\nTechnical details, for IT support:\n") + strings.Join(findings, "\n"))
	msg.Wrapping = fyne.TextWrapWord
	w.RepairOffer = msg
	d := dialog.NewCustomConfirm(t.tr("ซ่อมแซมฐานข้อมูล", "Repair the database"), button, t.tr("ยังไม่ซ่อม", "Not now"),
		container.NewVScroll(msg), func(ok bool) {
			if ok {
				w.RepairDatabase()
			}
		}, w.Window)
	d.Resize(fyne.NewSize(760, 480))
	w.showDialog(d)
}

// RepairDatabase runs the repair (after the clerk agreed) and shows what
// it did.
func (w *MainWindow) RepairDatabase() {
	t := w.t
	var rep data.RepairReport
	w.run(t.tr("กำลังซ่อมแซมฐานข้อมูล", "Repairing the database"), func(ctx context.Context, progress report) (err error) {
		if w.onServer() {
			progress(-1, t.tr("กำลังซ่อมแซม…", "Repairing…"))
		} else {
			progress(-1, t.tr("กำลังสำรองไฟล์แล้วซ่อมแซม…", "Backing up, then repairing…"))
		}
		rep, err = w.store.Repair(ctx, filepath.Join(w.env.DataDir, "backups"))
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		var lines []string
		if rep.Backup != "" {
			lines = append(lines, t.tr("สำรองไฟล์ก่อนซ่อมไว้ที่ ", "Backup taken first: ")+rep.Backup)
		}
		for _, m := range rep.Mended {
			lines = append(lines, t.tr("ซ่อมแล้ว: ", "Mended: ")+m)
		}
		for _, q := range rep.Quarantined {
			lines = append(lines, t.tr("แยกเก็บ: ", "Set aside: ")+q)
		}
		switch {
		case !w.onServer():
			lines = append(lines, t.tr("สร้างดัชนีและตัวนับใหม่จากข้อมูลแล้ว", "Indexes and counters rebuilt from the records"))
		case len(rep.Mended) == 0:
			lines = append(lines, t.tr("ตัวนับตรงกับข้อมูลอยู่แล้ว ไม่ได้เปลี่ยนแปลงอะไร", "The counters already matched the records: nothing was changed"))
		}
		if len(rep.Remaining) > 0 && w.onServer() {
			lines = append(lines, t.tr("ยังซ่อมไม่ได้ (การซ่อมไม่แก้ไขข้อมูลเหล่านี้) กรุณาแจ้งผู้ดูแลเซิร์ฟเวอร์พร้อมรายการนี้: ", "Still wrong (the repair changes no record); tell the server's administrator: ")+strings.Join(rep.Remaining, "; "))
		} else if len(rep.Remaining) > 0 {
			lines = append(lines, t.tr("ยังซ่อมไม่ได้ กรุณาเรียกคืนจากไฟล์สำรอง: ", "Still wrong; restore a backup: ")+strings.Join(rep.Remaining, "; "))
		} else {
			w.showDamageBar(false)
			lines = append(lines, t.tr("ตรวจสอบหลังซ่อม: ฐานข้อมูลถูกต้องครบถ้วน", "Checked after the repair: the database is sound"))
		}
		msg := widget.NewLabel(strings.Join(lines, "\n"))
		msg.Wrapping = fyne.TextWrapWord
		w.RepairDone = msg
		d := dialog.NewCustom(t.tr("ซ่อมแซมเสร็จ", "Repair done"), t.tr("ปิด", "Close"), container.NewVScroll(msg), w.Window)
		d.Resize(fyne.NewSize(760, 420))
		w.showClosable(d)
		w.registerChanged(registerChange{})
	})
}
