package ui

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// chooserMode is what the file chooser asks for.
type chooserMode int

const (
	chooseSave chooserMode = iota
	chooseOpen
	chooseDir
)

// fileChooser is qmdesk's own file dialog. Fyne's writes English that its
// translation file cannot reach (the places, "Overwrite?"), and its folder
// picker's button says "Open" where the clerk chooses where to save; this
// one says everything in the window's language and its button says what
// it does.
type fileChooser struct {
	w    *MainWindow
	mode chooserMode
	exts []string // lower case, with the dot; none: every file
	then func(path string)

	Dir       string           // the folder shown
	Places    []*widget.Button // home, desktop, documents, downloads, the drives or the computer
	PlaceDirs []string         // the folder of each place
	Path      *widget.Label    // the folder shown
	Up        *widget.Button   // to the parent folder
	NewFolder *widget.Button
	List      *widget.List  // folders, then files
	Message   *widget.Label // an empty or unreadable folder
	NameLabel *widget.Label // save: "ชื่อไฟล์"
	Name      *entry        // save: the file's name, suggested name first
	Error     *widget.Label // a name that cannot be used
	Target    *widget.Label // folder: the folder the button takes, the selected one or the one shown
	Confirm   *widget.Button
	Cancel    *widget.Button
	Dialog    dialog.Dialog
	Overwrite dialog.Dialog // while the overwrite question is open
	Folder    *newFolderForm

	Entries  []chooserEntry // what the list shows
	Selected int            // the list's selected row, -1 for none

	lastTap   time.Time
	lastTapID int
}

// chooserEntry is a row of the list.
type chooserEntry struct {
	Name  string
	Shown string // the name shown: a known folder's in the window's language ("เอกสาร" for Documents)
	Dir   bool
}

// newFolderForm asks for a new folder's name.
type newFolderForm struct {
	Name   *entry
	Error  *widget.Label
	Create *widget.Button
	Dialog dialog.Dialog
}

// chooseSavePath asks where to save a file, starting in the last folder
// used, and calls then with the path. The suggested name is filled in and
// the first extension is added when the clerk leaves it out; an existing
// file is replaced only after the clerk says so.
func (w *MainWindow) chooseSavePath(name string, exts []string, then func(path string)) {
	c := w.newFileChooser(chooseSave, exts, "", then)
	c.Name.SetText(name)
	c.show()
}

// chooseOpenPath asks for a file to open.
func (w *MainWindow) chooseOpenPath(exts []string, then func(path string)) {
	w.newFileChooser(chooseOpen, exts, "", then).show()
}

// chooseFolder asks for a folder; verb, when given, is its button's words
// ("บันทึกไฟล์ที่นี่"), in the window's language; otherwise
// "เลือกโฟลเดอร์นี้".
func (w *MainWindow) chooseFolder(then func(dir string), verb ...string) {
	v := ""
	if len(verb) > 0 {
		v = verb[0]
	}
	w.newFileChooser(chooseDir, nil, v, then).show()
}

func (w *MainWindow) newFileChooser(mode chooserMode, exts []string, verb string, then func(string)) *fileChooser {
	t := w.t
	c := &fileChooser{w: w, mode: mode, then: then, Selected: -1, lastTapID: -1}
	for _, e := range exts {
		e = strings.ToLower(e)
		if !slices.Contains(c.exts, e) {
			c.exts = append(c.exts, e)
		}
	}
	var title string
	switch mode {
	case chooseSave:
		title = t.tr("บันทึกไฟล์", "Save file")
		if verb == "" {
			verb = t.tr("บันทึก", "Save")
		}
	case chooseOpen:
		title = t.tr("เปิดไฟล์", "Open file")
		if verb == "" {
			verb = t.tr("เปิด", "Open")
		}
	default:
		title = t.tr("เลือกโฟลเดอร์", "Choose a folder")
		if verb == "" {
			verb = t.tr("เลือกโฟลเดอร์นี้", "Choose this folder")
		}
	}

	for _, p := range chooserPlaces(t) {
		dir := p.dir
		b := widget.NewButtonWithIcon(p.name, p.icon, func() { c.onPlace(dir) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		c.Places = append(c.Places, b)
		c.PlaceDirs = append(c.PlaceDirs, dir)
	}
	c.Path = widget.NewLabel("")
	c.Path.Truncation = fyne.TextTruncateEllipsis
	c.Up = widget.NewButtonWithIcon(t.tr("ขึ้นหนึ่งระดับ", "Up one level"), theme.MoveUpIcon(), c.onUp)
	c.NewFolder = widget.NewButtonWithIcon(t.tr("สร้างโฟลเดอร์ใหม่", "New folder"), theme.FolderNewIcon(), c.onNewFolder)
	c.Message = widget.NewLabel("")
	c.Message.Wrapping = fyne.TextWrapWord
	c.Message.Hide()
	c.List = widget.NewList(
		func() int { return len(c.Entries) },
		func() fyne.CanvasObject { return newChooserRow(c) },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*chooserRow).set(id, c.Entries[id]) },
	)
	c.List.OnSelected = c.onSelected
	c.List.OnUnselected = func(widget.ListItemID) { c.Selected = -1; c.showTarget() }
	c.Error = widget.NewLabel("")
	c.Error.Importance = widget.DangerImportance
	c.Error.Wrapping = fyne.TextWrapWord
	c.Error.Hide()
	c.Confirm = widget.NewButtonWithIcon(verb, theme.ConfirmIcon(), c.onConfirm)
	c.Confirm.Importance = widget.HighImportance
	c.Cancel = widget.NewButtonWithIcon(t.tr("ยกเลิก", "Cancel"), theme.CancelIcon(), c.onCancel)

	places := []fyne.CanvasObject{bold(t.tr("ตำแหน่ง", "Places"))}
	for _, b := range c.Places {
		places = append(places, b)
	}
	top := container.NewBorder(nil, nil, c.Up, c.NewFolder, c.Path)
	bottom := []fyne.CanvasObject{c.Error}
	if mode == chooseDir {
		c.Target = widget.NewLabel("")
		c.Target.Truncation = fyne.TextTruncateEllipsis
		bottom = append(bottom, c.Target)
	}
	if mode == chooseSave {
		c.NameLabel = widget.NewLabel(t.tr("ชื่อไฟล์", "File name"))
		c.Name = newEntry(w)
		c.Name.OnSubmitted = func(string) { c.onConfirm() }
		c.Name.OnChanged = func(string) { c.Error.Hide() }
		bottom = append(bottom, container.NewBorder(nil, nil, c.NameLabel, nil, c.Name))
	}
	bottom = append(bottom, container.NewHBox(layout.NewSpacer(), c.Cancel, c.Confirm))
	content := container.NewBorder(top, container.NewVBox(bottom...),
		container.NewHBox(container.NewVScroll(container.NewVBox(places...)), widget.NewSeparator()), nil,
		container.NewStack(c.List, container.NewVBox(c.Message)))
	c.Dialog = dialog.NewCustomWithoutButtons(title, content, w.Window)
	c.Dialog.Resize(fyne.NewSize(900, 600))

	start := w.app.Preferences().String(prefLastFolder)
	if st, err := os.Stat(start); start == "" || err != nil || !st.IsDir() {
		start, _ = os.UserHomeDir()
	}
	c.open(start)
	return c
}

func (c *fileChooser) show() {
	c.w.Chooser = c
	c.w.showDialog(c.Dialog)
	c.Dialog.SetOnClosed(func() {
		if c.w.Chooser == c {
			c.w.Chooser = nil
		}
	})
	if c.Name != nil {
		c.w.Window.Canvas().Focus(c.Name)
	}
}

// open shows dir's folders and files. An unreadable folder is said in
// words beside an empty list; the places and "up" still lead out of it.
func (c *fileChooser) open(dir string) {
	t := c.w.t
	c.Dir = filepath.Clean(dir)
	c.Path.SetText(c.Dir)
	c.Entries = c.Entries[:0]
	c.Selected = -1
	c.List.UnselectAll()
	known := map[string]string{} // the desktop, documents and downloads, named as in the places
	for i, d := range c.PlaceDirs {
		if i > 0 && filepath.Dir(d) == c.Dir {
			known[d] = c.Places[i].Text
		}
	}
	entries, err := os.ReadDir(c.Dir)
	for _, e := range entries {
		name := e.Name()
		if chooserHidden(c.Dir, e) {
			continue
		}
		dir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			if st, err := os.Stat(filepath.Join(c.Dir, name)); err == nil {
				dir = st.IsDir()
			}
		}
		if !dir && (c.mode == chooseDir || !c.matches(name)) {
			continue
		}
		shown := name
		if k, ok := known[filepath.Join(c.Dir, name)]; ok && dir {
			shown = k
		}
		c.Entries = append(c.Entries, chooserEntry{Name: name, Shown: shown, Dir: dir})
	}
	slices.SortStableFunc(c.Entries, func(a, b chooserEntry) int {
		if a.Dir != b.Dir {
			if a.Dir {
				return -1
			}
			return 1
		}
		return compareThai(a.Shown, b.Shown)
	})
	switch {
	case err != nil && len(c.Entries) == 0:
		c.Message.SetText(t.tr("เปิดโฟลเดอร์นี้ไม่ได้: ไม่มีสิทธิ์อ่าน หรือโฟลเดอร์นี้ไม่มีแล้ว เลือกตำแหน่งอื่นทางซ้าย หรือขึ้นหนึ่งระดับ",
			"This folder cannot be opened: no permission to read it, or it is gone. Choose a place on the left, or go up one level."))
		c.Message.Show()
	case len(c.Entries) == 0 && c.mode == chooseDir:
		c.Message.SetText(t.tr("ไม่มีโฟลเดอร์ย่อยในโฟลเดอร์นี้", "No folders in this folder"))
		c.Message.Show()
	case len(c.Entries) == 0:
		c.Message.SetText(t.tr("ไม่มีโฟลเดอร์หรือไฟล์ชนิดที่ใช้ได้ในโฟลเดอร์นี้", "No folders or files of the right type in this folder"))
		c.Message.Show()
	default:
		c.Message.Hide()
	}
	c.Up.Enable()
	if filepath.Dir(c.Dir) == c.Dir {
		c.Up.Disable()
	}
	c.Error.Hide()
	c.showTarget()
	c.List.Refresh()
	c.List.ScrollToTop()
}

// target is the folder the folder chooser's button takes: the selected
// folder, else the one shown, as in the office's other programs.
func (c *fileChooser) target() string {
	if c.Selected >= 0 && c.Selected < len(c.Entries) && c.Entries[c.Selected].Dir {
		return filepath.Join(c.Dir, c.Entries[c.Selected].Name)
	}
	return c.Dir
}

func (c *fileChooser) showTarget() {
	if c.Target != nil {
		c.Target.SetText(c.w.t.tr("โฟลเดอร์ที่เลือก: ", "Folder chosen: ") + c.target())
	}
}

// matches tells whether a file's name has one of the chooser's extensions.
func (c *fileChooser) matches(name string) bool {
	return len(c.exts) == 0 || slices.Contains(c.exts, strings.ToLower(filepath.Ext(name)))
}

func (c *fileChooser) onPlace(dir string) { c.open(dir) }

func (c *fileChooser) onUp() { c.open(filepath.Dir(c.Dir)) }

// onSelected: a file chosen for saving gives its name to the name entry.
func (c *fileChooser) onSelected(id widget.ListItemID) {
	c.Selected = id
	c.Error.Hide()
	c.showTarget()
	if e := c.Entries[id]; c.mode == chooseSave && !e.Dir {
		c.Name.SetText(e.Name)
	}
}

// onTapRow selects a row; a second tap on it within the double-click
// time enters the folder or chooses the file.
func (c *fileChooser) onTapRow(id int) {
	now := time.Now()
	double := id == c.lastTapID && now.Sub(c.lastTap) < c.w.app.Driver().DoubleTapDelay()
	c.lastTap, c.lastTapID = now, id
	c.List.Select(id)
	if double {
		c.lastTapID = -1
		c.onActivate(id)
	}
}

// onActivate is a double click or Return on a row.
func (c *fileChooser) onActivate(id int) {
	if id < 0 || id >= len(c.Entries) {
		return
	}
	e := c.Entries[id]
	if e.Dir {
		c.open(filepath.Join(c.Dir, e.Name))
		return
	}
	if c.mode == chooseSave {
		c.Name.SetText(e.Name)
	}
	c.onConfirm()
}

// onKey takes the keys the chooser answers when nothing in it has the
// focus: Return enters the selected folder or confirms, the arrows move
// the selection, Backspace goes up. It reports whether it took the key.
func (c *fileChooser) onKey(k *fyne.KeyEvent) bool {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if c.Selected >= 0 {
			c.onActivate(c.Selected)
		} else {
			c.onConfirm()
		}
	case fyne.KeyDown:
		if c.Selected+1 < len(c.Entries) {
			c.List.Select(c.Selected + 1)
		}
	case fyne.KeyUp:
		if c.Selected > 0 {
			c.List.Select(c.Selected - 1)
		}
	case fyne.KeyBackspace:
		c.onUp()
	default:
		return false
	}
	return true
}

// onConfirm does what the confirm button says.
func (c *fileChooser) onConfirm() {
	t := c.w.t
	if c.Overwrite != nil {
		return // the question is open: Return in the name does not ask again
	}
	switch c.mode {
	case chooseDir:
		c.done(c.target())
	case chooseOpen:
		if c.Selected < 0 {
			c.showError(t.tr("กรุณาเลือกไฟล์", "Choose a file"))
			return
		}
		if c.Entries[c.Selected].Dir {
			c.onActivate(c.Selected)
			return
		}
		c.done(filepath.Join(c.Dir, c.Entries[c.Selected].Name))
	case chooseSave:
		name := strings.TrimSpace(c.Name.Text)
		if name == "" {
			c.showError(t.tr("กรุณาพิมพ์ชื่อไฟล์", "Type a file name"))
			return
		}
		if strings.ContainsAny(name, `/\`) {
			// A path typed or pasted, as in Windows' own dialog: its
			// folder is opened, and its last part is the name.
			var ok bool
			if name, ok = c.followPath(name); !ok || name == "" {
				return
			}
		}
		if strings.ContainsAny(name, `/\:*?"<>|`) || name == "." || name == ".." {
			c.showError(t.tr(`ชื่อไฟล์ใช้อักขระ / \ : * ? " < > | ไม่ได้`, `A file name cannot hold / \ : * ? " < > |`))
			return
		}
		if !c.matches(name) {
			name += c.exts[0]
			c.Name.SetText(name)
		}
		path := filepath.Join(c.Dir, name)
		st, err := os.Stat(path)
		switch {
		case err == nil && st.IsDir():
			c.showError(t.tr("มีโฟลเดอร์ชื่อนี้อยู่แล้ว กรุณาตั้งชื่อไฟล์อื่น", "A folder has this name: choose another name"))
		case err == nil:
			c.askOverwrite(path)
		default:
			c.done(path)
		}
	}
}

// followPath opens the folder of a path typed in the name (relative to
// the folder shown, or from the home folder with ~) and leaves its last
// part in the name, which it returns; a path to a folder opens it and
// returns "". ok is false, with the error shown, when the folder is not
// there.
func (c *fileChooser) followPath(typed string) (name string, ok bool) {
	t := c.w.t
	p := typed
	if rest, home := strings.CutPrefix(p, "~"); home {
		if h, err := os.UserHomeDir(); err == nil {
			p = h + rest
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(c.Dir, p)
	}
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		c.open(filepath.Clean(p))
		c.Name.SetText("")
		return "", true
	}
	dir, base := filepath.Split(p)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		c.showError(t.tr("ไม่พบโฟลเดอร์ ", "No folder ") + filepath.Clean(dir))
		return "", false
	}
	c.open(filepath.Clean(dir))
	c.Name.SetText(base)
	return base, true
}

// askOverwrite asks before an existing file is replaced, naming it.
func (c *fileChooser) askOverwrite(path string) {
	t := c.w.t
	name := filepath.Base(path)
	d := dialog.NewCustomConfirm(t.tr("มีไฟล์นี้อยู่แล้ว", "The file exists"),
		t.tr("บันทึกทับ", "Replace"), t.tr("ยกเลิก", "Cancel"),
		widget.NewLabel(t.tr("มีไฟล์ “"+name+"” อยู่แล้วในโฟลเดอร์นี้\nต้องการบันทึกทับไฟล์เดิมหรือไม่", "“"+name+"” already exists in this folder.\nReplace it?")),
		func(yes bool) {
			c.Overwrite = nil
			if yes {
				c.done(path)
			} else {
				c.w.Window.Canvas().Focus(c.Name)
			}
		}, c.w.Window)
	c.Overwrite = d
	c.w.Window.Canvas().Unfocus() // Return, typed in the name, must not answer for the clerk
	c.w.push(openDialog{d: d})    // nor Return pressed after: replacing is never the default
}

func (c *fileChooser) showError(msg string) {
	c.Error.SetText(msg)
	c.Error.Show()
}

// done closes the chooser, remembers the folder and hands over the path.
func (c *fileChooser) done(path string) {
	dir := path
	if c.mode != chooseDir {
		dir = filepath.Dir(path)
	}
	c.w.rememberFolder(dir)
	c.close()
	c.then(path)
}

func (c *fileChooser) onCancel() { c.close() }

func (c *fileChooser) close() {
	c.Dialog.Hide() // forgets it (showDialog) and clears w.Chooser (show)
}

// onNewFolder asks for a name and makes the folder in the one shown, then
// enters it.
func (c *fileChooser) onNewFolder() {
	t := c.w.t
	f := &newFolderForm{Name: newEntry(c.w), Error: widget.NewLabel("")}
	f.Name.SetText(t.tr("โฟลเดอร์ใหม่", "New folder"))
	f.Error.Importance = widget.DangerImportance
	f.Error.Hide()
	create := func() {
		name := strings.TrimSpace(f.Name.Text)
		switch {
		case name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\:*?"<>|`):
			f.Error.SetText(t.tr(`กรุณาพิมพ์ชื่อโฟลเดอร์ (ใช้อักขระ / \ : * ? " < > | ไม่ได้)`, `Type the folder's name (without / \ : * ? " < > |)`))
			f.Error.Show()
			return
		}
		dir := filepath.Join(c.Dir, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			if errors.Is(err, os.ErrExist) {
				f.Error.SetText(t.tr("มีโฟลเดอร์หรือไฟล์ชื่อนี้อยู่แล้ว", "Something already has this name"))
			} else {
				f.Error.SetText(t.tr("สร้างโฟลเดอร์ที่นี่ไม่ได้ (ไม่มีสิทธิ์เขียนในโฟลเดอร์นี้)", "Cannot make a folder here (no permission to write in this folder)"))
			}
			f.Error.Show()
			return
		}
		f.Dialog.Hide()
		c.w.forgetDialog(f.Dialog)
		c.Folder = nil
		c.open(dir)
	}
	f.Name.OnSubmitted = func(string) { create() }
	f.Create = widget.NewButton(t.tr("สร้าง", "Make"), create)
	f.Create.Importance = widget.HighImportance
	cancel := widget.NewButton(t.tr("ยกเลิก", "Cancel"), func() { f.Dialog.Hide(); c.w.forgetDialog(f.Dialog); c.Folder = nil })
	f.Dialog = dialog.NewCustomWithoutButtons(t.tr("สร้างโฟลเดอร์ใหม่", "New folder"),
		container.NewVBox(widget.NewLabel(t.tr("ชื่อโฟลเดอร์", "Folder name")), f.Name, f.Error, container.NewHBox(layout.NewSpacer(), cancel, f.Create)), c.w.Window)
	f.Dialog.Resize(fyne.NewSize(420, 180))
	c.Folder = f
	c.w.showDialog(f.Dialog)
	c.w.Window.Canvas().Focus(f.Name)
	f.Name.TypedShortcut(&fyne.ShortcutSelectAll{}) // typing replaces the suggested name
}

// chooserKey gives a key typed with nothing focused to the file chooser
// when it is the dialog on top.
func (w *MainWindow) chooserKey(k *fyne.KeyEvent) bool {
	c := w.Chooser
	if c == nil || len(w.dialogs) == 0 || w.dialogs[len(w.dialogs)-1].d != c.Dialog {
		return false
	}
	return c.onKey(k)
}

// chooserRow is a row of the list: an icon and the name. Its own tap
// handling tells a double click.
type chooserRow struct {
	widget.BaseWidget
	c    *fileChooser
	id   int
	icon *widget.Icon
	name *widget.Label
}

func newChooserRow(c *fileChooser) *chooserRow {
	r := &chooserRow{c: c, icon: widget.NewIcon(theme.FolderIcon()), name: widget.NewLabel("")}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.ExtendBaseWidget(r)
	return r
}

func (r *chooserRow) set(id int, e chooserEntry) {
	r.id = id
	if e.Dir {
		r.icon.SetResource(theme.FolderIcon())
	} else {
		r.icon.SetResource(theme.FileIcon())
	}
	r.name.SetText(e.Shown)
}

func (r *chooserRow) Tapped(*fyne.PointEvent) { r.c.onTapRow(r.id) }

func (r *chooserRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, r.icon, nil, r.name))
}

// chooserPlace is a place of the chooser's left column.
type chooserPlace struct {
	name string
	dir  string
	icon fyne.Resource
}

// chooserPlaces are the clerk's home, desktop, documents and downloads
// (those that exist), and the drives on Windows or the computer's root
// elsewhere.
func chooserPlaces(t texts) []chooserPlace {
	var out []chooserPlace
	isDir := func(p string) bool {
		st, err := os.Stat(p)
		return err == nil && st.IsDir()
	}
	if home, err := os.UserHomeDir(); err == nil && isDir(home) {
		out = append(out, chooserPlace{t.tr("หน้าหลัก", "Home"), home, theme.HomeIcon()})
		for _, p := range []struct{ th, en, dir string }{
			{"เดสก์ท็อป", "Desktop", "Desktop"},
			{"เอกสาร", "Documents", "Documents"},
			{"ดาวน์โหลด", "Downloads", "Downloads"},
		} {
			// Windows may keep the desktop and documents in OneDrive.
			for _, dir := range []string{filepath.Join(home, p.dir), filepath.Join(home, "OneDrive", p.dir)} {
				if isDir(dir) {
					out = append(out, chooserPlace{t.tr(p.th, p.en), dir, theme.FolderIcon()})
					break
				}
			}
		}
	}
	if runtime.GOOS == "windows" {
		for l := 'C'; l <= 'Z'; l++ {
			if d := string(l) + `:\`; isDir(d) {
				out = append(out, chooserPlace{d, d, theme.StorageIcon()})
			}
		}
	} else {
		out = append(out, chooserPlace{t.tr("คอมพิวเตอร์", "Computer"), "/", theme.ComputerIcon()})
	}
	return out
}

// chooserHidden tells whether a folder entry is hidden: a dot file, or a
// file marked hidden (Windows).
func chooserHidden(dir string, e os.DirEntry) bool {
	return strings.HasPrefix(e.Name(), ".") || hiddenFile(filepath.Join(dir, e.Name()), e)
}

// compareThai orders names as a Thai dictionary does: a leading vowel
// (เ แ โ ใ ไ) sorts after the consonant it is written before, tone marks
// count only between names otherwise equal, and Latin letters ignore case.
func compareThai(a, b string) int {
	ka, kb := thaiSortKey(a), thaiSortKey(b)
	if c := slices.Compare(ka.primary, kb.primary); c != 0 {
		return c
	}
	if c := slices.Compare(ka.full, kb.full); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

type sortKey struct{ primary, full []rune }

func thaiSortKey(s string) sortKey {
	r := []rune(data.ThaiToASCIIDigits(s))
	for i := 0; i+1 < len(r); i++ {
		if r[i] >= 0x0E40 && r[i] <= 0x0E44 && r[i+1] >= 0x0E01 && r[i+1] <= 0x0E2E {
			r[i], r[i+1] = r[i+1], r[i]
			i++
		}
	}
	var k sortKey
	for _, c := range r {
		c = unicode.ToLower(c)
		k.full = append(k.full, c)
		if c >= 0x0E48 && c <= 0x0E4C { // tone marks, thanthakhat
			continue
		}
		k.primary = append(k.primary, c)
	}
	return k
}
