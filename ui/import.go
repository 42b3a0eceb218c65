package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// ImportScreen takes the districts' workbooks: a dry run of each file
// first, showing what it would do and which rows are wrong and why; then
// one commit of the checked files behind a progress bar, after an
// automatic backup. The review rows and the import history (with undo)
// are on their own tabs.
type ImportScreen struct {
	Box fyne.CanvasObject
	// checked holds a file's report, its rows and the row's detail; laid
	// out again when the report's text changes height.
	checked *fyne.Container

	AddFile, AddFolder, ClearFiles *widget.Button
	Password                       *widget.Entry
	Recheck                        *widget.Button
	Files                          *widget.List
	Detail                         *widget.Label
	Rows                           *grid         // rejected and review rows of the selected file
	RowDetail                      *widget.Label // the whole reason of the row clicked
	SaveErrors                     *widget.Button
	Commit                         *widget.Button

	Reviews      *grid
	ReviewNote   *widget.Label
	DecideNew    *widget.Button
	DecideMerge  *widget.Button
	DecideReject *widget.Button

	History *grid
	Undo    *widget.Button

	Tabs *container.AppTabs

	Reports  []*app.FileReport // one per file, in the list's order (nil while being checked)
	Paths    []string
	Selected int // file shown in the detail, -1 for none

	PendingReviews []data.Review
	Ledger         []data.ImportRecord

	w              *MainWindow
	reviewSelected int
	historySel     int
	decisions      [2]string // what DecideNew and DecideMerge decide for the selected review row
}

func newImportScreen(w *MainWindow) *ImportScreen {
	s := &ImportScreen{w: w, Selected: -1, reviewSelected: -1, historySel: -1}
	t := w.t
	s.AddFile = widget.NewButton(t.tr("เพิ่มไฟล์… (Ctrl+I)", "Add a workbook… (Ctrl+I)"), s.onChooseFile)
	s.AddFolder = widget.NewButton(t.tr("เพิ่มทุกไฟล์ในโฟลเดอร์…", "Add a whole folder…"), s.onChooseFolder)
	s.ClearFiles = widget.NewButton(t.tr("ล้างรายการ", "Clear the list"), s.onClear)
	s.Password = widget.NewPasswordEntry()
	s.Password.SetPlaceHolder(t.tr("รหัสผ่านไฟล์ (ถ้ามี)", "Workbook password, if any"))
	s.Recheck = widget.NewButton(t.tr("ตรวจไฟล์ที่ไม่ผ่านอีกครั้ง", "Check refused files again"), s.onRecheck)
	s.Files = widget.NewList(func() int { return len(s.Paths) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(s.Paths) {
			o.(*widget.Label).SetText(s.fileLine(i))
		}
	})
	s.Files.OnSelected = func(i widget.ListItemID) { s.showFile(i) }
	s.Detail = widget.NewLabel(t.tr("เพิ่มไฟล์จากอำเภอ (.xlsx) ด้วยปุ่มด้านบน หรือลากไฟล์มาวางในหน้าต่างนี้ โปรแกรมจะตรวจทุกแถวก่อน ยังไม่บันทึกอะไรจนกว่าจะกด \"นำเข้า\"",
		"Add district workbooks (.xlsx) with the buttons above, or drop them on this window. Every row is checked first; nothing is saved until you press Import."))
	s.Detail.Wrapping = fyne.TextWrapWord
	s.Rows = newGrid([]string{t.tr("แถว", "Row"), t.tr("ผล", "Result"), t.tr("คอลัมน์", "Column"), t.tr("ค่าที่พบ", "Value"), t.tr("เหตุผล / สิ่งที่ต้องแก้", "Reason / what to fix")})
	s.RowDetail = widget.NewLabel("")
	s.RowDetail.Wrapping = fyne.TextWrapWord
	s.Rows.OnRow = func(i int) {
		if i < len(s.Rows.Rows) {
			row := s.Rows.Rows[i]
			s.RowDetail.SetText(t.tr("แถว ", "Row ") + row[0] + " · " + row[2] + " " + row[3] + "\n" + row[4])
		}
	}
	s.SaveErrors = widget.NewButton(t.tr("บันทึกไฟล์แถวที่ต้องแก้ เพื่อส่งคืนอำเภอ…", "Save the rows to fix, for the district…"), s.onSaveErrors)
	s.SaveErrors.Disable()
	s.Commit = widget.NewButton(t.tr("นำเข้าไฟล์ที่ตรวจแล้ว", "Import the checked files"), s.onCommit)
	s.Commit.Importance = widget.HighImportance
	s.Commit.Disable()

	s.Reviews = newGrid([]string{t.tr("ไฟล์", "File"), t.tr("แถว", "Row"), t.tr("ชื่อ", "Name"), t.tr("เลขประจำตัว", "ID"), t.tr("ปัญหา", "Problem"), t.tr("เหตุที่ต้องตรวจ", "Why")})
	s.Reviews.OnRow = func(i int) { s.reviewSelected = i; s.showReviewChoice() }
	s.ReviewNote = widget.NewLabel("")
	s.ReviewNote.Wrapping = fyne.TextWrapWord
	s.DecideNew = widget.NewButton("", func() { s.onDecide(s.decisions[0]) })
	s.DecideMerge = widget.NewButton("", func() { s.onDecide(s.decisions[1]) })
	s.DecideReject = widget.NewButton(t.tr("ไม่รับแถวนี้", "Reject the row"), func() { s.onDecide("reject") })

	s.History = newGrid([]string{t.tr("ครั้งที่", "No."), t.tr("เวลา", "When"), t.tr("ไฟล์", "File"), t.tr("ผู้นำเข้า", "By"), t.tr("แถว", "Rows"),
		t.term(data.WordNewProblem) + " (" + t.term(data.UnitProblems) + ")", t.tr("แถวที่ปรับปรุง", "Rows updated"), t.tr("ไม่รับ", "Rejected"), t.tr("สถานะ", "State")})
	s.History.OnRow = func(i int) { s.historySel = i; s.Undo.Enable() }
	s.Undo = widget.NewButton(t.tr("ยกเลิกการนำเข้าครั้งที่เลือก…", "Undo the selected import…"), s.onUndo)
	s.Undo.Disable()

	top := container.NewVBox(container.NewHBox(s.AddFile, s.AddFolder, s.ClearFiles), container.NewBorder(nil, nil, nil, s.Recheck, s.Password))
	left := container.NewBorder(top, s.Commit, nil, nil, s.Files)
	s.checked = container.NewBorder(container.NewVBox(s.Detail, s.SaveErrors), s.RowDetail, nil, nil, s.Rows.Box)
	right := s.checked
	check := container.NewHSplit(left, right)
	check.Offset = 0.35
	decide := container.NewHBox(s.DecideNew, s.DecideMerge, s.DecideReject)
	s.Tabs = container.NewAppTabs(
		container.NewTabItem(t.tr("ตรวจและนำเข้า", "Check and import"), check),
		container.NewTabItem(t.tr("แถวที่รอตรวจสอบ", "Rows to review"), container.NewBorder(nil, container.NewVBox(s.ReviewNote, decide), nil, nil, s.Reviews.Box)),
		container.NewTabItem(t.tr("ประวัติการนำเข้า", "Import history"), container.NewBorder(nil, s.Undo, nil, nil, s.History.Box)),
	)
	s.Box = s.Tabs
	s.refreshLedger()
	s.showReviewChoice()
	return s
}

func (s *ImportScreen) onChooseFile() {
	s.w.chooseOpenPath([]string{".xlsx", ".XLSX", ".xlsm", ".xls", ".XLS", ".ods"}, func(path string) { s.AddFiles([]string{path}) })
}

func (s *ImportScreen) onChooseFolder() {
	s.w.chooseFolder(func(dir string) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			s.w.showError(err)
			return
		}
		var paths []string
		for _, e := range entries {
			n := strings.ToLower(e.Name())
			if !e.IsDir() && !strings.HasPrefix(n, "~$") && (strings.HasSuffix(n, ".xlsx") || strings.HasSuffix(n, ".xlsm") || strings.HasSuffix(n, ".xls")) {
				paths = append(paths, filepath.Join(dir, e.Name()))
			}
		}
		if len(paths) == 0 {
			s.w.showError(data.Errorf(data.EINVALID, "ไม่พบไฟล์ Excel ในโฟลเดอร์ %s", "no workbooks in %s", dir))
			return
		}
		sort.Strings(paths)
		s.AddFiles(paths)
	}, s.w.t.tr("นำเข้าไฟล์ในโฟลเดอร์นี้", "Import the files in this folder"))
}

func (s *ImportScreen) onClear() {
	s.Paths, s.Reports, s.Selected = nil, nil, -1
	s.Files.UnselectAll()
	s.Files.Refresh()
	s.Rows.SetRows(nil)
	s.SaveErrors.Disable()
	s.Commit.Disable()
}

// AddFiles adds workbooks to the list and checks them (the dry run) in
// the background, one after another. A file already in the list is not
// added twice.
func (s *ImportScreen) AddFiles(paths []string) {
	var added []int
	for _, p := range paths {
		dup := false
		for _, q := range s.Paths {
			dup = dup || q == p
		}
		if !dup {
			s.Paths = append(s.Paths, p)
			s.Reports = append(s.Reports, nil)
			added = append(added, len(s.Paths)-1)
		}
	}
	s.Files.Refresh()
	s.check(added)
}

func (s *ImportScreen) onRecheck() {
	var again []int
	for i, r := range s.Reports {
		if r != nil && r.Refused != "" {
			again = append(again, i)
		}
	}
	s.check(again)
}

func (s *ImportScreen) check(idx []int) {
	if len(idx) == 0 {
		return
	}
	w, t := s.w, s.w.t
	password := s.Password.Text
	reports := make([]*app.FileReport, len(idx))
	w.runCancelling(t.tr("กำลังตรวจไฟล์", "Checking workbooks"), t.tr("การตรวจไฟล์ไม่บันทึกอะไร", "Checking saves nothing."), func(ctx context.Context, progress report) error {
		defer func() { w.importer.Progress = nil }()
		defer app.HoldImportMemory(w.store, os.Getenv("GOMEMLIMIT") == "")()
		for k, i := range idx {
			name := t.tr("กำลังตรวจ ", "Checking ") + filepath.Base(s.Paths[i]) + fmt.Sprintf(" (%d/%d)", k+1, len(idx))
			done := -1.0 // a single file's length is unknown until read
			if len(idx) > 1 {
				done = float64(k) / float64(len(idx))
			}
			progress(done, name)
			w.importer.Progress = func(rows int) {
				progress(done, name+t.tr(" · อ่านแล้ว ", " · read ")+t.ni(rows)+t.tr(" แถว", " rows"))
			}
			rep, err := w.importer.Plan(ctx, s.Paths[i], password)
			if err != nil {
				return err
			}
			reports[k] = rep
		}
		return nil
	}, func(error) {
		for k, i := range idx {
			if reports[k] != nil {
				s.Reports[i] = reports[k]
			}
		}
		s.Files.Refresh()
		s.updateCommit()
		if len(idx) > 0 {
			s.Files.Select(idx[0])
			s.showFile(idx[0])
		}
	})
}

func (s *ImportScreen) fileLine(i int) string {
	t := s.w.t
	name := filepath.Base(s.Paths[i])
	r := s.Reports[i]
	switch {
	case r == nil:
		return name + t.tr(" — ยังไม่ได้ตรวจ", " — not checked")
	case r.Refused != "":
		return "✗ " + name + t.tr(" — ไม่รับทั้งไฟล์", " — refused")
	case r.ImportID != 0:
		return "✓ " + name + t.tr(" — นำเข้าแล้ว", " — imported")
	}
	c := r.Counts()
	line := name + " — " + t.ni(c.Rows) + t.tr(" แถว", " rows")
	if c.Rejected > 0 {
		line += t.tr(" · ไม่รับ ", " · rejected ") + t.ni(c.Rejected)
	}
	if c.Review > 0 {
		line += t.tr(" · รอตรวจ ", " · review ") + t.ni(c.Review)
	}
	return line
}

func (s *ImportScreen) showFile(i int) {
	if i < 0 || i >= len(s.Reports) || s.Reports[i] == nil {
		return
	}
	s.Selected = i
	t := s.w.t
	r := s.Reports[i]
	if r.Refused != "" {
		s.Detail.SetText(filepath.Base(r.Path) + "\n" + t.tr("ไม่รับทั้งไฟล์: ", "Refused: ") + r.Refused)
		s.Rows.SetRows(nil)
		s.SaveErrors.Disable()
		s.checked.Refresh()
		return
	}
	c := r.Counts()
	several := r.ImportedSheets() > 1
	sheets := fmt.Sprintf("%s %s", t.tr("แผ่นงาน", "sheet"), r.Sheet)
	if several {
		sheets = fmt.Sprintf("%s %s: %s", t.ni(r.ImportedSheets()), t.tr("แผ่นงาน", "sheets"), r.Sheet)
	}
	txt := fmt.Sprintf("%s — %s\n", filepath.Base(r.Path), sheets) +
		t.tr("ทั้งหมด ", "Rows ") + t.ni(c.Rows) + t.tr(" แถว: ", " rows: ") + t.term(data.WordNewHousehold) + " " + t.ni(c.CreatedHouseholds()) + " " + t.term(data.UnitHouseholds) +
		" · " + t.term(data.WordNewProblem) + " " + t.ni(c.CreatedProblems()) + " " + t.term(data.UnitProblems) + t.tr(" · แถวที่ปรับปรุง ", " · rows updated ") + t.ni(c.Updated) +
		t.tr(" · ไม่เปลี่ยนแปลง ", " · unchanged ") + t.ni(c.Unchanged) + t.tr(" · รอตรวจสอบ ", " · to review ") + t.ni(c.Review) +
		t.tr(" · ไม่รับ ", " · rejected ") + t.ni(c.Rejected)
	if r.Ended && c.CreatedProblems() > 0 {
		txt += t.tr("\nรอบ ", "\nThe round ") + r.Round.Name + t.tr(" สิ้นสุดแล้วเมื่อ ", " ended on ") + t.date(r.Round.Deadline) +
			t.tr(": ปัญหาที่เพิ่มจะเลยกำหนดทันทีที่นำเข้า ถ้าเป็นงานของปีงบประมาณใหม่ ให้เริ่มรอบใหม่ก่อน (หน้าภาพรวม › รอบใหม่…)",
				": the new problems will be overdue the day they come in. If they are the new fiscal year's work, start a new round first (Dashboard › New round…)")
	}
	if r.Skipped > 0 {
		txt += t.tr("\nข้ามแถวว่างหรือแถวรวมยอด ", "\nSkipped blank or total rows: ") + t.ni(r.Skipped)
	}
	// What became of every sheet, read or not (in Thai, as the reasons
	// of the rows are): no sheet is passed over without a line.
	for _, line := range r.SheetLines() {
		txt += "\n" + line
	}
	if len(r.Unknown) > 0 {
		txt += t.tr("\nคอลัมน์ที่ไม่รู้จัก (ไม่ได้นำเข้า): ", "\nColumns not recognised (ignored): ") + strings.Join(r.Unknown, ", ")
	}
	if len(r.Earlier) > 0 {
		e := r.Earlier[len(r.Earlier)-1]
		txt += t.tr("\nไฟล์นี้เคยนำเข้าแล้วเมื่อ ", "\nThis file was imported before on ") + t.date(data.DateOf(e.At.In(data.ThaiTime))) + t.tr(" โดย ", " by ") + e.Who
	}
	if r.ImportID != 0 {
		txt += t.tr("\nนำเข้าแล้ว (ครั้งที่ ", "\nImported (no. ") + t.digitsOf(fmt.Sprint(r.ImportID)) + ")"
	}
	s.Detail.SetText(txt)
	var rows [][]string
	forDistrict := 0 // rows the district can fix (a conflict is the province's decision)
	for rr := range r.Batch.RowResults() {
		if rr.Fate == data.FateRejected || rr.Fate == data.FateReview {
			row := t.digitsOf(strconv.Itoa(rr.Row))
			if several {
				row = rr.Sheet + " · " + row
			}
			rows = append(rows, []string{row, rr.Fate.Thai(), rr.Column, rr.Value, rr.Reason})
			if !rr.ForProvince {
				forDistrict++
			}
		}
	}
	s.Rows.SetRows(rows)
	s.RowDetail.SetText("")
	if len(rows) > 0 {
		s.RowDetail.SetText(t.tr("คลิกที่แถวเพื่ออ่านเหตุผลเต็ม", "Click a row to read the whole reason"))
	}
	if forDistrict > 0 {
		s.SaveErrors.Enable()
	} else {
		s.SaveErrors.Disable()
	}
	// The report above the rows may have grown or shrunk a line: without a
	// new layout the table's header would sit under the button.
	s.checked.Refresh()
}

func (s *ImportScreen) onSaveErrors() {
	if s.Selected < 0 {
		return
	}
	rep := s.Reports[s.Selected]
	s.w.chooseFolder(func(dir string) { s.SaveErrorWorkbook(rep, dir) }, s.w.t.tr("บันทึกไฟล์ที่นี่", "Save the file here"))
}

// SaveErrorWorkbook writes the selected file's rejected and review rows
// into dir, for the district.
func (s *ImportScreen) SaveErrorWorkbook(rep *app.FileReport, dir string) {
	w := s.w
	var path string
	w.run(w.t.tr("กำลังบันทึกไฟล์แถวที่ต้องแก้", "Saving the rows to fix"), func(ctx context.Context, _ report) (err error) {
		path, err = app.WriteErrorWorkbook(rep, dir)
		return err
	}, func(err error) {
		if err == nil && path != "" {
			w.showSaved(w.t.tr("บันทึกไฟล์แถวที่ต้องแก้แล้ว", "Saved"), path)
		}
	})
}

func (s *ImportScreen) ready() []int {
	var out []int
	for i, r := range s.Reports {
		if r != nil && r.Refused == "" && r.ImportID == 0 && r.Batch != nil {
			out = append(out, i)
		}
	}
	return out
}

func (s *ImportScreen) updateCommit() {
	if n := len(s.ready()); n > 0 {
		s.Commit.SetText(s.w.t.tr("นำเข้า ", "Import ") + s.w.t.ni(n) + s.w.t.tr(" ไฟล์ที่ตรวจแล้ว", " checked files"))
		s.Commit.Enable()
	} else {
		s.Commit.SetText(s.w.t.tr("นำเข้าไฟล์ที่ตรวจแล้ว", "Import the checked files"))
		s.Commit.Disable()
	}
}

// onCommit backs the database up, then commits the checked files one after
// another, each whole or not at all. Cancel rolls back the file being
// written; the files already imported stay (and say so).
func (s *ImportScreen) onCommit() {
	w, t := s.w, s.w.t
	idx := s.ready()
	if len(idx) == 0 {
		return
	}
	var done []int
	var backup string
	w.runCancelling(t.tr("กำลังนำเข้า", "Importing"), t.tr("ไฟล์ที่กำลังบันทึกจะถูกยกเลิกทั้งไฟล์ ส่วนไฟล์ที่นำเข้าเสร็จแล้วยังอยู่ (ยกเลิกได้ที่แถบประวัติการนำเข้า)",
		"The file being written is rolled back whole; files already imported stay (undo them on the history tab)."), func(ctx context.Context, progress report) error {
		defer app.HoldImportMemory(w.store, os.Getenv("GOMEMLIMIT") == "")()
		progress(0, t.tr("กำลังสำรองฐานข้อมูลก่อนนำเข้า…", "Backing up the database first…"))
		var err error
		backup, err = app.AutoBackup(ctx, w.store, filepath.Join(w.env.DataDir, "backups"), w.env.Clock, func(done, total int64) {
			progress(float64(done)/float64(total), "")
		})
		if err != nil {
			return err
		}
		for k, i := range idx {
			if err := ctx.Err(); err != nil {
				return err
			}
			rep := s.Reports[i]
			progress(float64(k)/float64(len(idx)), t.tr("กำลังบันทึก ", "Writing ")+filepath.Base(rep.Path)+" ("+t.ni(rep.Counts().Rows)+t.tr(" แถว", " rows")+fmt.Sprintf(", %d/%d)", k+1, len(idx)))
			if _, err := w.importer.Commit(ctx, rep); err != nil {
				return fmt.Errorf("%s: %w", filepath.Base(rep.Path), err)
			}
			done = append(done, i)
		}
		progress(1, "")
		return nil
	}, func(err error) {
		s.Files.Refresh()
		s.updateCommit()
		if s.Selected >= 0 {
			s.showFile(s.Selected)
		}
		s.refreshLedger()
		w.Dashboard.Refresh()
		w.rebuildRegister()
		if errors.Is(err, context.Canceled) {
			msg := t.tr("ยกเลิกการนำเข้าแล้ว: ไฟล์ที่กำลังบันทึกไม่ได้นำเข้า (ไม่มีแถวใดของไฟล์นั้นถูกบันทึก)", "Import cancelled: nothing of the file being written was kept")
			if len(done) > 0 {
				msg += t.tr("\nไฟล์ที่นำเข้าเสร็จก่อนยกเลิก ", "\nFiles imported before the cancel: ") + t.ni(len(done)) + t.tr(" ไฟล์ ยังอยู่ในทะเบียน (ยกเลิกได้ที่แถบประวัติการนำเข้า)", " (they stay; undo them on the history tab)")
			}
			w.showDialog(dialog.NewInformation(t.tr("ยกเลิกการนำเข้า", "Import cancelled"), msg, w.Window))
		}
		if err == nil {
			msg := t.tr("นำเข้าแล้ว ", "Imported ") + t.ni(len(done)) + t.tr(" ไฟล์", " files") +
				t.tr("\nสำรองข้อมูลก่อนนำเข้าไว้ที่ ", "\nThe backup taken first is ") + backup
			if len(s.PendingReviews) > 0 {
				msg += t.tr("\nมีแถวรอตรวจสอบ ", "\nRows to review: ") + t.ni(len(s.PendingReviews)) + t.tr(" แถว ดูที่แถบ \"แถวที่รอตรวจสอบ\"", " (see the Rows to review tab)")
			}
			w.showDialog(dialog.NewInformation(t.tr("นำเข้าเสร็จ", "Import done"), msg, w.Window))
		}
	})
}

// refreshLedger reads the pending reviews and the import history.
func (s *ImportScreen) refreshLedger() {
	w, t := s.w, s.w.t
	recs, err := w.store.Imports(w.ctx)
	if err != nil {
		w.showError(err)
		return
	}
	revs, err := w.store.Reviews(w.ctx, true)
	if err != nil {
		w.showError(err)
		return
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].ID > recs[j].ID }) // newest first
	s.Ledger, s.PendingReviews = recs, revs
	files := make(map[uint64]string, len(recs))
	for _, rec := range recs {
		files[rec.ID] = rec.File
	}
	rows := make([][]string, len(revs))
	for i, r := range revs {
		name, id := r.Household.Head.FullName(), r.Household.Head.NationalID
		// A follow-up row gives only what the district changed (and masks
		// the ID): the household it is about tells the rest.
		if (name == "" || id == "") && len(r.Candidates) == 1 {
			if h, err := w.store.Household(w.ctx, r.Candidates[0]); err == nil {
				name, id = cmp.Or(name, h.Head.FullName()), cmp.Or(id, h.Head.NationalID)
			}
		}
		if id != "" {
			id = data.MaskNationalID(id)
		}
		rows[i] = []string{files[r.ImportID], t.digitsOf(strconv.Itoa(r.Row)), name, t.digitsOf(id), r.Problem.SubProblem, r.Reason}
	}
	s.Reviews.SetRows(rows)
	s.reviewSelected = -1
	s.showReviewChoice()
	hist := make([][]string, len(recs))
	for i, r := range recs {
		state := t.tr("นำเข้าแล้ว", "imported")
		if !r.UndoneAt.IsZero() {
			state = t.tr("ยกเลิกแล้ว โดย ", "undone by ") + r.UndoneBy
		}
		c := r.Counts
		hist[i] = []string{t.digitsOf(fmt.Sprint(r.ID)), t.date(data.DateOf(r.At.In(data.ThaiTime))) + " " + t.digitsOf(r.At.In(data.ThaiTime).Format("15:04")), r.File, r.Who,
			t.ni(c.Rows), t.ni(c.CreatedProblems()), t.ni(c.Updated), t.ni(c.Rejected), state}
	}
	s.History.SetRows(hist)
	s.historySel = -1
	s.Undo.Disable()
	if len(s.Tabs.Items) > 1 {
		s.Tabs.Items[1].Text = t.tr("แถวที่รอตรวจสอบ", "Rows to review") + " (" + t.ni(len(revs)) + ")"
		s.Tabs.Refresh()
	}
}

func (s *ImportScreen) showReviewChoice() {
	t := s.w.t
	s.DecideNew.Disable()
	s.DecideMerge.Disable()
	s.DecideReject.Disable()
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
	note := t.tr("แถว ", "Row ") + t.ni(r.Row) + ": " + r.Reason
	for _, c := range r.Conflicts {
		note += "\n" + c.Name + t.tr(": ในไฟล์ '", ": workbook '") + c.Workbook + t.tr("' · ในโปรแกรม '", "' · program '") + c.Current + "'"
	}
	for _, id := range r.Candidates {
		if h, err := s.w.store.Household(s.w.ctx, id); err == nil {
			note += t.tr("\nครัวเรือนที่พบ: ", "\nHousehold found: ") + h.Head.FullName() + t.tr(" รหัสบ้าน ", " house code ") + t.digitsOf(h.HouseCode) +
				t.tr(" ต.", " · ") + placeName(s.w.env.Geo.Tambon, h.TambonCode)
		}
	}
	s.ReviewNote.SetText(note)
	s.DecideNew.Enable()
	s.DecideReject.Enable()
	if len(r.Candidates) > 0 || r.Kind == data.ReviewConflict {
		s.DecideMerge.Enable()
	}
}

// onDecide settles the selected review row. Merging goes into the first
// household found (the one the house code points at).
func (s *ImportScreen) onDecide(decision string) {
	w := s.w
	if s.reviewSelected < 0 || s.reviewSelected >= len(s.PendingReviews) {
		return
	}
	r := s.PendingReviews[s.reviewSelected]
	var into uint64
	if (decision == "merge" || decision == "keep") && len(r.Candidates) > 0 {
		into = r.Candidates[0]
	}
	if err := w.importer.Decide(w.ctx, r.ID, decision, into); err != nil {
		w.showError(err)
		return
	}
	s.refreshLedger()
	if decision != "reject" {
		w.Dashboard.Refresh()
		w.rebuildRegister()
	}
}

func (s *ImportScreen) onUndo() {
	w, t := s.w, s.w.t
	if s.historySel < 0 || s.historySel >= len(s.Ledger) {
		return
	}
	rec := s.Ledger[s.historySel]
	if !rec.UndoneAt.IsZero() {
		w.showError(data.Errorf(data.EINVALID, "การนำเข้าครั้งที่ %d ถูกยกเลิกไปแล้ว", "import %d already undone", rec.ID))
		return
	}
	w.showDialog(dialog.NewConfirm(t.tr("ยกเลิกการนำเข้า", "Undo import"),
		t.tr("ยกเลิกการนำเข้าไฟล์ ", "Undo the import of ")+rec.File+t.tr(" ใช่หรือไม่?\nข้อมูลที่ไฟล์นี้เพิ่มหรือแก้ไขจะกลับเป็นเหมือนก่อนนำเข้า", "?\nEverything it added or changed goes back to how it was."),
		func(ok bool) {
			if ok {
				s.UndoImport(rec.ID)
			}
		}, w.Window))
}

// UndoImport undoes one import (after the clerk confirmed).
func (s *ImportScreen) UndoImport(id uint64) {
	w := s.w
	w.run(w.t.tr("กำลังยกเลิกการนำเข้า", "Undoing the import"), func(ctx context.Context, _ report) error {
		return w.store.UndoImport(ctx, id)
	}, func(err error) {
		s.refreshLedger()
		w.Dashboard.Refresh()
		w.rebuildRegister()
	})
}
