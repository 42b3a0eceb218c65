package ui

import (
	"cmp"
	"fmt"
	"sort"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"qmdesk/data"
)

// importScreen takes the districts' workbooks on three tabs, each a
// screen of its own: check and import (importCheck: a dry run of each
// file first, showing what it would do and which rows are wrong and why;
// then one commit of the checked files behind a progress bar, after an
// automatic backup), the rows to review (importReview) and the import
// history with undo (importHistory). They learn of each other's work
// through the register's change notification.
type importScreen struct {
	Box  fyne.CanvasObject
	Tabs *container.AppTabs
	*importCheck
	*importReview
	*importHistory
}

func newImportScreen(w *MainWindow) *importScreen {
	t := w.t
	s := &importScreen{importCheck: newImportCheck(w)}
	l := &ledger{w: w}
	s.importReview = newImportReview(w, l)
	s.importHistory = newImportHistory(w, l)
	l.review, l.history = s.importReview, s.importHistory
	s.Tabs = container.NewAppTabs(
		container.NewTabItem(t.tr("ตรวจและนำเข้า", "Check and import"), s.importCheck.Box),
		container.NewTabItem(t.tr("แถวที่รอตรวจสอบ", "Rows to review"), s.importReview.Box),
		container.NewTabItem(t.tr("ประวัติการนำเข้า", "Import history"), s.importHistory.Box),
	)
	l.tabs = s.Tabs
	s.Box = s.Tabs
	w.listen(func(c registerChange) {
		if c.whole() {
			l.refresh()
		}
	})
	l.refresh()
	return s
}

// ledger reads the pending reviews and the import history off the UI
// thread and hands them to the two tabs that show them.
type ledger struct {
	w       *MainWindow
	review  *importReview
	history *importHistory
	tabs    *container.AppTabs
	gen     int
}

func (l *ledger) refresh() {
	w := l.w
	l.gen++
	gen := l.gen
	w.goBackground(func() {
		recs, err := w.store.Imports(w.ctx)
		var revs []data.Review
		if err == nil {
			revs, err = w.store.Reviews(w.ctx, true)
		}
		// A follow-up row gives only what the district changed (and masks
		// the ID): the household it is about tells the rest.
		candidates := map[uint64]data.Household{}
		for _, r := range revs {
			for _, id := range r.Candidates {
				if _, ok := candidates[id]; !ok {
					if h, err := w.store.Household(w.ctx, id); err == nil {
						candidates[id] = h
					}
				}
			}
		}
		w.doAndWait(func() {
			if gen != l.gen {
				return
			}
			if err != nil {
				w.showError(err)
				return
			}
			sort.Slice(recs, func(i, j int) bool { return recs[i].ID > recs[j].ID }) // newest first
			l.review.set(recs, revs, candidates)
			l.history.set(recs)
			if len(l.tabs.Items) > 1 {
				l.tabs.Items[1].Text = w.t.tr("แถวที่รอตรวจสอบ", "Rows to review") + " (" + w.t.ni(len(revs)) + ")"
				l.tabs.Refresh()
			}
		})
	})
}

// set shows the pending reviews.
func (s *importReview) set(recs []data.ImportRecord, revs []data.Review, candidates map[uint64]data.Household) {
	t := s.w.t
	s.PendingReviews, s.candidates = revs, candidates
	files := make(map[uint64]string, len(recs))
	for _, rec := range recs {
		files[rec.ID] = t.importName(rec.File)
	}
	rows := make([][]string, len(revs))
	for i, r := range revs {
		name, id := r.Household.Head.FullName(), r.Household.Head.NationalID
		if h, ok := candidates[firstOf(r.Candidates)]; (name == "" || id == "") && len(r.Candidates) == 1 && ok {
			name, id = cmp.Or(name, h.Head.FullName()), cmp.Or(id, h.Head.NationalID)
		}
		if id != "" {
			id = data.MaskNationalID(id)
		}
		rows[i] = []string{files[r.ImportID], t.digitsOf(strconv.Itoa(r.Row)), name, t.digitsOf(id), r.Problem.SubProblem, t.reason(r.Reason, r.ReasonEnglish)}
	}
	s.Reviews.SetRows(rows)
	s.reviewSelected = -1
	s.showReviewChoice()
}

func firstOf(ids []uint64) uint64 {
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// set shows the import history.
func (s *importHistory) set(recs []data.ImportRecord) {
	t := s.w.t
	s.Ledger = recs
	hist := make([][]string, len(recs))
	for i, r := range recs {
		state := t.tr("นำเข้าแล้ว", "imported")
		if !r.UndoneAt.IsZero() {
			state = t.tr("ยกเลิกแล้ว โดย ", "undone by ") + r.UndoneBy
		}
		c := r.Counts
		hist[i] = []string{t.digitsOf(fmt.Sprint(r.ID)), t.date(data.DateOf(r.At.In(data.ThaiTime))) + " " + t.digitsOf(r.At.In(data.ThaiTime).Format("15:04")), t.importName(r.File), r.Who,
			t.ni(c.Rows), t.ni(c.CreatedProblems()), t.ni(c.Updated), t.ni(c.Rejected), state}
	}
	s.History.SetRows(hist)
	s.historySel = -1
	s.Undo.Disable()
}
