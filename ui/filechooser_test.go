package ui_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"qmdesk/ui"
)

// chooserTree makes a folder of workbooks, folders, a text file and a
// hidden file, and makes it the last folder used.
func chooserTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{"ข้อมูล อำเภอ", "เอกสาร", "หายไป"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"ขาย.xlsx", "ไก่.xlsx", "กุ้ง.XLSX", "notes.txt", ".hidden.xlsx", "ข้อมูล อำเภอ/ติดตาม เมือง.xlsx", "รายงาน ประชุม.pdf"} {
		if err := os.WriteFile(filepath.Join(root, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fyne.CurrentApp().Preferences().SetString("last_folder", root)
	return root
}

func entryNames(w *ui.MainWindow) []string {
	var out []string
	for _, e := range w.Chooser.Entries {
		out = append(out, e.Name)
	}
	return out
}

func key(w *ui.MainWindow, k fyne.KeyName) { w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k}) }

// selectEntry selects the row of the list named name.
func selectEntry(t *testing.T, w *ui.MainWindow, name string) {
	t.Helper()
	i := slices.Index(entryNames(w), name)
	if i < 0 {
		t.Fatalf("%q not in the list %v", name, entryNames(w))
	}
	w.Chooser.List.Select(i)
}

// dialogTexts are the words of the dialog on top: its labels and buttons,
// without the folder's path and the names of its files.
func dialogTexts(w *ui.MainWindow) []string {
	skip := map[string]bool{"": true}
	path := ""
	if c := w.Chooser; c != nil {
		path = c.Path.Text
		for _, e := range c.Entries {
			skip[e.Name], skip[e.Shown] = true, true
		}
	}
	var out []string
	overlay := w.Window.Canvas().Overlays().Top()
	for _, o := range test.LaidOutObjects(overlay) {
		var s string
		switch x := o.(type) {
		case *widget.Label:
			s = x.Text
		case *widget.Button:
			s = x.Text
		}
		if path != "" {
			s = strings.ReplaceAll(s, path, "")
		}
		if !skip[s] {
			out = append(out, s)
		}
	}
	return out
}

func hasLatin(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x80 && unicode.IsLetter(r) })
}

func hasThai(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= 0x0E00 && r <= 0x0E7F })
}

// Opening: folders first, then the workbooks, in Thai dictionary order;
// other files and hidden ones left out; Return enters a folder, the
// parent button comes back, an unreadable folder is said in Thai.
func TestFileChooserOpenNavigatesAndFilters(t *testing.T) {
	h := newHarness(t, 5)
	w := h.w
	root := chooserTree(t)
	w.MenuImport.Action()
	c := w.Chooser
	if c == nil || w.OpenDialogs() != 1 || c.Dir != root {
		t.Fatalf("the chooser should open in the last folder %s (%v)", root, c)
	}
	want := []string{"ข้อมูล อำเภอ", "หายไป", "เอกสาร", "กุ้ง.XLSX", "ไก่.xlsx", "ขาย.xlsx"}
	if got := entryNames(w); !slices.Equal(got, want) {
		t.Errorf("list %q, want %q", got, want)
	}
	if c.Confirm.Text != "เปิด" || c.Name != nil {
		t.Errorf("confirm %q", c.Confirm.Text)
	}
	// Nothing chosen: the button says so in the chooser.
	test.Tap(c.Confirm)
	if !c.Error.Visible() || c.Error.Text != "กรุณาเลือกไฟล์" || w.OpenDialogs() != 1 {
		t.Errorf("no file chosen: %q", c.Error.Text)
	}
	selectEntry(t, w, "ข้อมูล อำเภอ")
	key(w, fyne.KeyReturn)
	if c.Dir != filepath.Join(root, "ข้อมูล อำเภอ") || !slices.Equal(entryNames(w), []string{"ติดตาม เมือง.xlsx"}) {
		t.Fatalf("Return should enter the folder: %s %q", c.Dir, entryNames(w))
	}
	test.Tap(c.Up)
	if c.Dir != root {
		t.Fatalf("up: %s", c.Dir)
	}
	// A folder that cannot be read: a Thai message, no error dialog.
	selectEntry(t, w, "หายไป")
	os.Remove(filepath.Join(root, "หายไป"))
	key(w, fyne.KeyReturn)
	if !c.Message.Visible() || !strings.Contains(c.Message.Text, "เปิดโฟลเดอร์นี้ไม่ได้") || w.OpenDialogs() != 1 || len(c.Entries) != 0 {
		t.Errorf("unreadable folder: %q, %d dialogs", c.Message.Text, w.OpenDialogs())
	}
	test.Tap(c.Up)
	// Down moves the selection; a file chosen with Return is opened.
	selectEntry(t, w, "ไก่.xlsx")
	key(w, fyne.KeyDown)
	if c.Selected != slices.Index(entryNames(w), "ขาย.xlsx") {
		t.Errorf("Down: row %d", c.Selected)
	}
	selectEntry(t, w, "ข้อมูล อำเภอ")
	key(w, fyne.KeyReturn)
	selectEntry(t, w, "ติดตาม เมือง.xlsx")
	test.Tap(c.Confirm)
	w.WaitIdle()
	path := filepath.Join(root, "ข้อมูล อำเภอ", "ติดตาม เมือง.xlsx")
	if w.OpenDialogs() != 0 && w.Chooser != nil || !slices.Contains(w.Import.Paths, path) {
		t.Errorf("the file was not opened: %q", w.Import.Paths)
	}
	if got := fyne.CurrentApp().Preferences().String("last_folder"); got != filepath.Dir(path) {
		t.Errorf("last folder %q", got)
	}
	// Cancel chooses nothing; the next chooser starts in the folder used.
	w.MenuImport.Action()
	if w.Chooser.Dir != filepath.Dir(path) {
		t.Errorf("the chooser should start in the last folder: %s", w.Chooser.Dir)
	}
	test.Tap(w.Chooser.Cancel)
	if w.OpenDialogs() != 0 || w.Chooser != nil || len(w.Import.Paths) != 1 {
		t.Errorf("cancel: %d dialogs, %q", w.OpenDialogs(), w.Import.Paths)
	}
}

// Saving: the suggested name filled in, the extension added, an existing
// file replaced only after a Thai question naming it.
func TestFileChooserSaveAsksBeforeOverwriting(t *testing.T) {
	h := newHarness(t, 5)
	w := h.w
	root := chooserTree(t)
	w.MenuPrint.Action()
	c := w.Chooser
	if c == nil || !strings.HasPrefix(c.Name.Text, "เอกสารประชุม-ThaiQM-") || !strings.HasSuffix(c.Name.Text, ".pdf") {
		t.Fatalf("suggested name: %v", c)
	}
	if got := entryNames(w); !slices.Equal(got, []string{"ข้อมูล อำเภอ", "หายไป", "เอกสาร", "รายงาน ประชุม.pdf"}) {
		t.Errorf("list %q", got)
	}
	if c.Confirm.Text != "บันทึก" || c.NameLabel.Text != "ชื่อไฟล์" {
		t.Errorf("confirm %q, label %q", c.Confirm.Text, c.NameLabel.Text)
	}
	c.Name.SetText("  ")
	test.Tap(c.Confirm)
	if c.Error.Text != "กรุณาพิมพ์ชื่อไฟล์" {
		t.Errorf("empty name: %q", c.Error.Text)
	}
	c.Name.SetText("รายงาน ประชุม") // the extension is added
	test.Tap(c.Confirm)
	if c.Name.Text != "รายงาน ประชุม.pdf" || c.Overwrite == nil || w.OpenDialogs() != 2 {
		t.Fatalf("an existing file should be asked about: %q, %d dialogs", c.Name.Text, w.OpenDialogs())
	}
	texts := strings.Join(dialogTexts(w), "\n")
	for _, s := range []string{"มีไฟล์นี้อยู่แล้ว", "มีไฟล์ “รายงาน ประชุม.pdf” อยู่แล้วในโฟลเดอร์นี้", "บันทึกทับ", "ยกเลิก"} {
		if !strings.Contains(texts, s) {
			t.Errorf("the question lacks %q: %q", s, texts)
		}
	}
	if hasLatin(strings.ReplaceAll(texts, "รายงาน ประชุม.pdf", "")) {
		t.Errorf("English in the Thai question: %q", texts)
	}
	// Return typed in the name does not ask twice.
	c.Name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	key(w, fyne.KeyReturn)
	if w.OpenDialogs() != 2 || w.LastPack() != "" {
		t.Fatalf("Return with the question open: %d dialogs", w.OpenDialogs())
	}
	// Escape answers no: the chooser stays.
	key(w, fyne.KeyEscape)
	if w.OpenDialogs() != 1 || w.Chooser != c || w.LastPack() != "" {
		t.Fatalf("Escape on the question: %d dialogs", w.OpenDialogs())
	}
	test.Tap(c.Confirm)
	for _, o := range test.LaidOutObjects(w.Window.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "บันทึกทับ" {
			test.Tap(b)
		}
	}
	w.WaitIdle()
	path := filepath.Join(root, "รายงาน ประชุม.pdf")
	if w.LastPack() != path {
		t.Fatalf("the pack was not written over the file: %q (%s)", w.LastPack(), w.LastError())
	}
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "%PDF-") {
		t.Error("the file was not replaced")
	}
	// A name that is a folder's is refused in the chooser.
	w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) // the "saved" message: Ctrl+P waits behind it
	w.MenuPrint.Action()
	w.Chooser.Name.SetText("เอกสาร.pdf")
	os.Mkdir(filepath.Join(root, "เอกสาร.pdf"), 0o755)
	test.Tap(w.Chooser.Confirm)
	if !strings.Contains(w.Chooser.Error.Text, "มีโฟลเดอร์ชื่อนี้อยู่แล้ว") {
		t.Errorf("a folder's name: %q", w.Chooser.Error.Text)
	}
	key(w, fyne.KeyEscape)
}

// A folder: only folders listed, the button saying what happens there, a
// new folder made and entered, the workbooks saved into it.
func TestFileChooserFolderSaysWhatItDoes(t *testing.T) {
	h := newHarness(t, 20)
	w := h.w
	root := chooserTree(t)
	w.Export.FollowAmphoe.SetSelectedIndex(0)
	test.Tap(w.Export.FollowUp)
	c := w.Chooser
	if c == nil || c.Confirm.Text != "บันทึกไฟล์ที่นี่" {
		t.Fatalf("folder chooser: %v", c)
	}
	if got := entryNames(w); !slices.Equal(got, []string{"ข้อมูล อำเภอ", "หายไป", "เอกสาร"}) {
		t.Errorf("list %q", got)
	}
	// A selected folder is the one the button takes, and it says so.
	selectEntry(t, w, "เอกสาร")
	if c.Target.Text != "โฟลเดอร์ที่เลือก: "+filepath.Join(root, "เอกสาร") {
		t.Errorf("target %q", c.Target.Text)
	}
	c.List.UnselectAll()
	if c.Target.Text != "โฟลเดอร์ที่เลือก: "+root {
		t.Errorf("target %q", c.Target.Text)
	}
	test.Tap(c.NewFolder)
	if c.Folder == nil || w.OpenDialogs() != 2 {
		t.Fatal("new folder: no dialog")
	}
	c.Folder.Name.SetText("ติดตาม ครั้งที่ 2")
	test.Tap(c.Folder.Create)
	dir := filepath.Join(root, "ติดตาม ครั้งที่ 2")
	if c.Dir != dir || w.OpenDialogs() != 1 || !c.Message.Visible() {
		t.Fatalf("the new folder should be entered: %s, %d dialogs", c.Dir, w.OpenDialogs())
	}
	test.Tap(c.Confirm)
	w.WaitIdle()
	if len(w.Export.LastSavedFiles()) == 0 || filepath.Dir(w.Export.LastSavedFiles()[0]) != dir {
		t.Errorf("saved %q (%s)", w.Export.LastSavedFiles(), w.LastError())
	}
	// The import's rows-to-fix button and the charts have their own words.
	key(w, fyne.KeyEscape) // the "saved" message: the charts item waits behind it
	w.MenuCharts.Action()
	if w.Chooser == nil || w.Chooser.Confirm.Text != "บันทึกกราฟที่นี่" {
		t.Errorf("charts: %v", w.Chooser)
	}
	key(w, fyne.KeyEscape)
	if w.OpenDialogs() > 1 || w.Chooser != nil {
		t.Errorf("Escape should close the chooser")
	}
}

// Every word of the chooser is in the window's language: no English in
// Thai mode, no Thai in English mode.
func TestFileChooserSpeaksOneLanguage(t *testing.T) {
	h := newHarness(t, 5)
	w := h.w
	root := t.TempDir() // ASCII names only: the path is no word of the window
	os.WriteFile(filepath.Join(root, "old.pdf"), []byte("x"), 0o644)
	fyne.CurrentApp().Preferences().SetString("last_folder", root)
	check := func(lang string, open func(), wrong func(string) bool) {
		t.Helper()
		open()
		c := w.Chooser
		if c == nil {
			t.Fatalf("%s: no chooser", lang)
		}
		if len(c.Places) < 2 {
			t.Errorf("%s: places %d", lang, len(c.Places))
		}
		texts := dialogTexts(w)
		if c.Name != nil { // and the overwrite question
			c.Name.SetText("old.pdf")
			test.Tap(c.Confirm)
			texts = append(texts, dialogTexts(w)...)
			key(w, fyne.KeyEscape)
		}
		test.Tap(c.NewFolder)
		c.Folder.Name.SetText("")
		test.Tap(c.Folder.Create)
		texts = append(texts, dialogTexts(w)...)
		key(w, fyne.KeyEscape)
		for _, s := range texts {
			if s = strings.ReplaceAll(s, "old.pdf", ""); wrong(s) {
				t.Errorf("%s mode: %q", lang, s)
			}
		}
		if len(texts) < 10 {
			t.Errorf("%s: only %d texts walked: %q", lang, len(texts), texts)
		}
		key(w, fyne.KeyEscape)
		if w.OpenDialogs() != 0 {
			t.Fatalf("%s: %d dialogs left", lang, w.OpenDialogs())
		}
	}
	for _, lang := range []string{"ไทย", "English"} {
		wrong := hasLatin
		if lang == "English" {
			w.MenuSettings.Action()
			w.Settings.Language.SetSelected("English")
			w.ApplySettings()
			wrong = hasThai
		}
		check(lang, w.MenuPrint.Action, wrong)
		check(lang, w.MenuImport.Action, wrong)
		check(lang, w.MenuCharts.Action, wrong)
	}
}

// The places and the known folders of the home folder are named in the
// window's language; on this system the computer's root is a place.
func TestFileChooserPlacesInTheWindowsLanguage(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, d := range []string{"Desktop", "Documents", "Downloads", "งาน"} {
		os.Mkdir(filepath.Join(home, d), 0o755)
	}
	h := newHarness(t, 5)
	w := h.w
	fyne.CurrentApp().Preferences().SetString("last_folder", "") // the home folder
	for _, lang := range []string{"ไทย", "English"} {
		want := []string{"หน้าหลัก", "เดสก์ท็อป", "เอกสาร", "ดาวน์โหลด", "คอมพิวเตอร์"}
		shown := []string{"งาน", "ดาวน์โหลด", "เดสก์ท็อป", "เอกสาร"}
		if lang == "English" {
			w.MenuSettings.Action()
			w.Settings.Language.SetSelected("English")
			w.ApplySettings()
			want = []string{"Home", "Desktop", "Documents", "Downloads", "Computer"}
			shown = []string{"Desktop", "Documents", "Downloads", "งาน"}
		}
		w.MenuImport.Action()
		c := w.Chooser
		var places, rows []string
		for _, b := range c.Places {
			places = append(places, b.Text)
		}
		for _, e := range c.Entries {
			rows = append(rows, e.Shown)
		}
		if !slices.Equal(places, want) || c.PlaceDirs[0] != home || c.PlaceDirs[4] != "/" {
			t.Errorf("%s places %q %q", lang, places, c.PlaceDirs)
		}
		if c.Dir != home || !slices.Equal(rows, shown) {
			t.Errorf("%s: %s shows %q", lang, c.Dir, rows)
		}
		test.Tap(c.Places[2])
		if c.Dir != filepath.Join(home, "Documents") {
			t.Errorf("%s: the documents place opens %s", lang, c.Dir)
		}
		key(w, fyne.KeyEscape)
	}
}

// The rows to fix are saved into a folder whose button says so, not
// "เปิด".
func TestFileChooserRowsToFixSaysSave(t *testing.T) {
	h := newHarness(t, 30)
	w := h.w
	root := chooserTree(t)
	w.Import.AddFiles([]string{districtBook(t, t.TempDir())})
	w.WaitIdle()
	if w.Import.SaveErrors.Disabled() {
		t.Fatal("no rows to fix")
	}
	test.Tap(w.Import.SaveErrors)
	c := w.Chooser
	if c == nil || c.Confirm.Text != "บันทึกไฟล์ที่นี่" {
		t.Fatalf("rows to fix: %v", c)
	}
	selectEntry(t, w, "ข้อมูล อำเภอ")
	test.Tap(c.Confirm)
	w.WaitIdle()
	if files, _ := filepath.Glob(filepath.Join(root, "ข้อมูล อำเภอ", "*.xlsx")); len(files) != 2 {
		t.Errorf("the rows to fix were not saved into the selected folder: %v (%s)", files, w.LastError())
	}
}

// A path typed or pasted into the name, as in Windows' own dialog: the
// folder it names is opened and its last part becomes the name; a path
// to a folder only opens it; a folder that is not there is said so. The
// suggested name of a new folder is selected, so typing replaces it.
func TestFileChooserTakesATypedPath(t *testing.T) {
	h := newHarness(t, 5)
	w := h.w
	root := chooserTree(t)
	w.MenuPrint.Action()
	c := w.Chooser
	c.Name.SetText(filepath.Join(root, "ข้อมูล อำเภอ"))
	test.Tap(c.Confirm)
	if c.Dir != filepath.Join(root, "ข้อมูล อำเภอ") || c.Name.Text != "" || w.LastPack() != "" {
		t.Fatalf("a folder's path: in %q, name %q", c.Dir, c.Name.Text)
	}
	c.Name.SetText(filepath.Join("..", "เอกสาร", "ประชุม 2.pdf"))
	test.Tap(c.Confirm)
	w.WaitIdle()
	if want := filepath.Join(root, "เอกสาร", "ประชุม 2.pdf"); w.LastPack() != want {
		t.Fatalf("a file's path: pack %q, want %q (%s, %q)", w.LastPack(), want, w.LastError(), c.Error.Text)
	}
	key(w, fyne.KeyEscape) // the "saved" message
	w.MenuPrint.Action()
	c = w.Chooser
	c.Name.SetText(filepath.Join(root, "ไม่มี", "x.pdf"))
	test.Tap(c.Confirm)
	if !strings.Contains(c.Error.Text, "ไม่พบโฟลเดอร์") || w.OpenDialogs() != 1 {
		t.Errorf("a folder that is not there: %q", c.Error.Text)
	}
	test.Tap(c.NewFolder)
	test.Type(c.Folder.Name, "ชุดใหม่")
	if c.Folder.Name.Text != "ชุดใหม่" {
		t.Errorf("typing into the new folder's name gave %q", c.Folder.Name.Text)
	}
	key(w, fyne.KeyEscape)
	key(w, fyne.KeyEscape)
}
