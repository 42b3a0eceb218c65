package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// importHistory is the import's third tab: every import, newest first,
// and undo.
type importHistory struct {
	Box     fyne.CanvasObject
	History *grid
	Undo    *widget.Button

	Ledger []data.ImportRecord
	// UndoQuestion is what the undo's confirmation asks, last shown.
	UndoQuestion string

	w          *MainWindow
	ledger     *ledger
	historySel int
}

func newImportHistory(w *MainWindow, l *ledger) *importHistory {
	t := w.t
	s := &importHistory{w: w, ledger: l, historySel: -1}
	s.History = newGrid([]string{t.tr("ครั้งที่", "No."), t.tr("เวลา", "When"), t.tr("ไฟล์", "File"), t.tr("ผู้นำเข้า", "By"), t.tr("แถว", "Rows"),
		t.term(data.WordNewProblem) + " (" + t.term(data.UnitProblems) + ")", t.tr("แถวที่ปรับปรุง", "Rows updated"), t.tr("ไม่รับ", "Rejected"), t.tr("สถานะ", "State")})
	s.History.OnRow = func(i int) { s.historySel = i; s.Undo.Enable() }
	s.Undo = widget.NewButton(t.tr("ยกเลิกการนำเข้าครั้งที่เลือก…", "Undo the selected import…"), s.onUndo)
	s.Undo.Disable()
	s.Box = container.NewBorder(nil, s.Undo, nil, nil, s.History.Box)
	return s
}

func (s *importHistory) onUndo() {
	w, t := s.w, s.w.t
	if s.historySel < 0 || s.historySel >= len(s.Ledger) {
		return
	}
	rec := s.Ledger[s.historySel]
	if !rec.UndoneAt.IsZero() {
		w.showError(data.Errorf(data.EINVALID, "การนำเข้าครั้งที่ %d ถูกยกเลิกไปแล้ว", "import %d already undone", rec.ID))
		return
	}
	s.UndoQuestion = t.tr("ยกเลิกการนำเข้าไฟล์ ", "Undo the import of ") + t.importName(rec.File) + t.tr(" ใช่หรือไม่?\nข้อมูลที่ไฟล์นี้เพิ่มหรือแก้ไขจะกลับเป็นเหมือนก่อนนำเข้า", "?\nEverything it added or changed goes back to how it was.")
	// The undo takes the file's rows still waiting for review with it
	// (the store settles them in its transaction): the clerk is told first.
	pending := 0
	if s.ledger != nil && s.ledger.review != nil {
		for _, r := range s.ledger.review.PendingReviews {
			if r.ImportID == rec.ID {
				pending++
			}
		}
	}
	if pending > 0 {
		s.UndoQuestion += t.tr("\nแถวของไฟล์นี้ที่ยังรอตรวจสอบ "+t.ni(pending)+" แถวจะถูกยกเลิกไปด้วย (ไม่ต้องตัดสินแล้ว)",
			"\nIts "+t.ni(pending)+" row(s) still waiting for review go with it (no decision needed).")
	}
	w.showDialog(dialog.NewConfirm(t.tr("ยกเลิกการนำเข้า", "Undo import"), s.UndoQuestion,
		func(ok bool) {
			if ok {
				s.UndoImport(rec.ID)
			}
		}, w.Window))
}

// UndoImport undoes one import (after the clerk confirmed).
func (s *importHistory) UndoImport(id uint64) {
	w := s.w
	w.run(w.t.tr("กำลังยกเลิกการนำเข้า", "Undoing the import"), func(ctx context.Context, _ report) error {
		return w.store.UndoImport(ctx, id)
	}, func(err error) {
		if err == nil {
			w.registerChanged(registerChange{Undone: id})
		} else {
			w.registerChanged(registerChange{})
		}
	})
}
