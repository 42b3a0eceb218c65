package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// importReview is the import's second tab: the rows an import left for
// the province to decide (a possible duplicate, a conflict with a newer
// change, a misspelt sub-problem, an odd combination), and the decision.
type importReview struct {
	Box          fyne.CanvasObject
	Reviews      *grid
	ReviewNote   *widget.Label
	DecideNew    *widget.Button
	DecideMerge  *widget.Button
	DecideReject *widget.Button
	// Unmask shows the row's full national ID, to check it against the
	// card (a wrong check digit); each use is logged.
	Unmask *widget.Button

	PendingReviews []data.Review

	w              *MainWindow
	ledger         *ledger
	candidates     map[uint64]data.Household // the households the rows may be, read with them
	reviewSelected int
	decisions      [2]string // what DecideNew and DecideMerge decide for the selected review row
}

func newImportReview(w *MainWindow, l *ledger) *importReview {
	t := w.t
	s := &importReview{w: w, ledger: l, reviewSelected: -1}
	s.Reviews = newGrid([]string{t.tr("ไฟล์", "File"), t.tr("แถว", "Row"), t.tr("ชื่อ", "Name"), t.tr("เลขประจำตัว", "ID"), t.tr("ปัญหา", "Problem"), t.tr("เหตุที่ต้องตรวจ", "Why")})
	s.Reviews.OnRow = func(i int) { s.reviewSelected = i; s.showReviewChoice() }
	s.ReviewNote = widget.NewLabel("")
	s.ReviewNote.Wrapping = fyne.TextWrapWord
	s.DecideNew = widget.NewButton("", func() { s.onDecide(s.decisions[0]) })
	s.DecideMerge = widget.NewButton("", func() { s.onDecide(s.decisions[1]) })
	s.DecideReject = widget.NewButton(t.tr("ไม่รับแถวนี้", "Reject the row"), func() { s.onDecide("reject") })
	s.Unmask = widget.NewButton(t.tr("แสดงเลขประจำตัวเต็ม", "Show the full ID"), s.onUnmask)
	decide := container.NewHBox(s.DecideNew, s.DecideMerge, s.DecideReject, s.Unmask)
	s.Box = container.NewBorder(nil, container.NewVBox(s.ReviewNote, decide), nil, nil, s.Reviews.Box)
	s.showReviewChoice()
	return s
}

func (s *importReview) showReviewChoice() {
	t := s.w.t
	s.DecideNew.Disable()
	s.DecideMerge.Disable()
	s.DecideReject.Disable()
	s.Unmask.Disable()
	s.decisions = [2]string{"new", "merge"}
	s.DecideNew.SetText(t.tr("เพิ่มเป็น", "Add as a ") + t.term(data.WordNewHousehold))
	s.DecideMerge.SetText(t.tr("รวมกับครัวเรือนที่พบ", "Merge into the household found"))
	s.DecideMerge.Show()
	if s.reviewSelected < 0 || s.reviewSelected >= len(s.PendingReviews) {
		s.ReviewNote.SetText(t.tr("เลือกแถวเพื่อตัดสินใจ: เพิ่มเป็นครัวเรือนอีกครัวเรือนหนึ่ง รวมกับครัวเรือนที่มีอยู่ ใช้ค่าจากไฟล์หรือคงค่าในโปรแกรม (ข้อมูลที่ถูกแก้ไขหลังไฟล์นี้) รับชื่อปัญหาที่แนะนำ หรือไม่รับ",
			"Choose a row, then decide: a new household, merge into the household found, the workbook's or the program's values (changed after the workbook), the suggested problem, or reject"))
		return
	}
	r := s.PendingReviews[s.reviewSelected]
	switch r.Kind {
	case data.ReviewConflict:
		s.decisions = [2]string{"merge", "keep"}
		s.DecideNew.SetText(t.tr("ใช้ค่าจากไฟล์", "Take the workbook's values"))
		s.DecideMerge.SetText(t.tr("คงค่าในโปรแกรม (รับส่วนอื่นของแถว)", "Keep the program's values (take the rest of the row)"))
	case data.ReviewSubProblem:
		s.decisions = [2]string{"accept", ""}
		s.DecideNew.SetText(t.tr("รับเป็น '", "Take it as '") + r.Problem.SubProblem + "'")
		s.DecideMerge.Hide()
	case data.ReviewCombination:
		s.decisions = [2]string{"accept", ""}
		s.DecideNew.SetText(t.tr("รับตามที่เขียนในไฟล์", "Take it as written"))
		s.DecideMerge.Hide()
	}
	note := t.tr("แถว ", "Row ") + t.ni(r.Row) + ": " + t.reason(r.Reason, r.ReasonEnglish)
	for _, c := range r.Conflicts {
		note += "\n" + t.reason(c.Name, c.NameEnglish) + t.tr(": ในไฟล์ '", ": workbook '") + t.reason(c.Workbook, c.WorkbookEnglish) +
			t.tr("' · ในโปรแกรม '", "' · program '") + t.reason(c.Current, c.CurrentEnglish) + "'"
	}
	for _, id := range r.Candidates {
		if h, ok := s.candidates[id]; ok {
			note += t.tr("\nครัวเรือนที่พบ: ", "\nHousehold found: ") + h.Head.FullName() + t.tr(" รหัสบ้าน ", " house code ") + t.digitsOf(h.HouseCode) +
				t.tr(" ต.", " · ") + t.placeName(s.w.env.Geo.Tambon, h.TambonCode)
		}
	}
	s.ReviewNote.SetText(note)
	s.DecideNew.Enable()
	s.DecideReject.Enable()
	if r.Household.Head.NationalID != "" {
		s.Unmask.Enable()
	}
	if len(r.Candidates) > 0 || r.Kind == data.ReviewConflict {
		s.DecideMerge.Enable()
	}
}

// onUnmask logs that the clerk looked at the selected row's national ID,
// then adds it, in full, to the note.
func (s *importReview) onUnmask() {
	w, t := s.w, s.w.t
	if s.reviewSelected < 0 || s.reviewSelected >= len(s.PendingReviews) {
		return
	}
	r := s.PendingReviews[s.reviewSelected]
	w.save(s.Unmask, func(ctx context.Context) error {
		return app.Unmask(ctx, w.store, "review", r.ID, "import review: the row's national ID")
	}, func(err error) {
		if err != nil {
			w.showError(err)
			return
		}
		s.ReviewNote.SetText(s.ReviewNote.Text + t.tr("\nเลขประจำตัวในไฟล์: ", "\nID in the workbook: ") + t.digitsOf(data.FormatNationalID(r.Household.Head.NationalID)))
		s.Unmask.Disable()
	})
}

// onDecide settles the selected review row. Merging goes into the first
// household found (the one the house code points at).
func (s *importReview) onDecide(decision string) {
	w := s.w
	if s.reviewSelected < 0 || s.reviewSelected >= len(s.PendingReviews) {
		return
	}
	r := s.PendingReviews[s.reviewSelected]
	var into uint64
	if (decision == "merge" || decision == "keep") && len(r.Candidates) > 0 {
		into = r.Candidates[0]
	}
	// Written off the UI thread, the buttons off meanwhile: a second
	// press cannot decide the row twice.
	s.DecideNew.Disable()
	s.DecideMerge.Disable()
	s.DecideReject.Disable()
	s.ReviewNote.SetText(w.t.tr("กำลังบันทึก…", "Saving…"))
	w.goBackground(func() {
		err := w.newImporter(nil).Decide(w.ctx, r.ID, decision, into)
		w.doAndWait(func() {
			if err != nil {
				w.showError(err)
				s.showReviewChoice()
				if data.ErrorCode(err) == data.ECONFLICT {
					// A record changed since the review was made: the store
					// refused and renewed the review with the values now,
					// which the list shows once reloaded.
					s.ledger.refresh()
				}
				return
			}
			if decision == "reject" {
				s.ledger.refresh() // the register itself is as it was
			} else {
				w.registerChanged(registerChange{})
			}
		})
	})
}
