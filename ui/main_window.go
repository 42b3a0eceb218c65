package ui

import (
	"context"
	"fmt"
	"log"
	"net/url"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
)

// Store is what the window works with of the database: what the use
// cases it runs read and write (progress, exports, imports, the search
// register, the agencies' report, ThaiQM marks, the backup before an
// import, the demo), and what its screens change and read themselves.
// The bbolt store is one (cmd/qmdesk).
type Store interface {
	app.ProgressStore
	app.ExportStore
	app.ImportStore
	app.RegisterStore
	app.ThaiQMStore
	app.BackupStore
	app.DemoStore

	Init(ctx context.Context, province string, round data.Round) (data.Meta, error) // the first start
	Rounds(ctx context.Context) ([]data.Round, error)
	StartRound(ctx context.Context, r *data.Round, carryFrom uint64) (int, error)
	SetSubProblems(ctx context.Context, l data.SubProblemList) error
	SetUnits(ctx context.Context, l data.UnitList) error
	UpdateHousehold(ctx context.Context, h *data.Household) error
	AddAction(ctx context.Context, a *data.Action) error
	MarkActionThaiQM(ctx context.Context, problemID, actionID uint64, on data.Date) error
	MergeAgency(ctx context.Context, from, into string) error
	UnmergeAgency(ctx context.Context, from string) error
	Reviews(ctx context.Context, pendingOnly bool) ([]data.Review, error)
	UndoImport(ctx context.Context, id uint64) error
	Check(ctx context.Context) (data.CheckReport, error)
	Repair(ctx context.Context, backupDir string) (data.RepairReport, error)
}

// Env is what the window works with. cmd/qmdesk fills it in; tests give a
// temporary database and a fixed clock.
type Env struct {
	Store    Store // nil when the database could not be opened; its opener closes it
	OpenErr  error // why not
	StartErr error // the program refused to start (a wrong QMDESK_TODAY): shown instead of the screens
	Geo      *data.Geography
	Clock    data.Clock // the real time and the register's day (training: a fixed day)
	DataDir  string     // the error log and the automatic backups go here
	Operator string     // the computer's user name, until the clerk gives a name
	// SearchIndex is the file beside the database where the register's
	// search index is kept between runs ("": built at every start).
	SearchIndex string
	// ShowFile opens a saved file, or a folder, in the system's program.
	// nil: the app's OpenURL.
	ShowFile func(path string) error
	// Screens lists the work areas of the screens, the primary first (nil:
	// the window keeps its designed size, as in tests); Native moves the
	// window and tells where it is (nil: the system places it).
	Screens func() []ScreenArea
	Native  NativeWindow
	// Trace, when set, is told how long the search index took to be
	// ready and each search of the list (timings and counts only, never
	// what was typed): for measuring on the clerk's PC (QMDESK_TRACE=1).
	Trace func(format string, args ...any)
	// Version is the program's version; KeyDir the folder of the audit
	// log's key (both for the About dialog).
	Version, KeyDir string
	// Notice, when set, is shown in a message once the database has been
	// read at start (the upgrade of a file of an older version, and
	// where the copy of the file as it was went).
	Notice data.Sentence

	// Server, when not "", is the address (postgres://…) of the office's
	// shared database, which the window opens instead of the file (Store
	// is nil then): named by --db or QMDESK_DB, or chosen in the
	// settings. The window opens it with OpenServer, asking the password
	// in its own dialog.
	Server string
	// Pinned tells that the database was named at start (--db or
	// QMDESK_DB): a database chosen in the settings is used from the next
	// start without them, not at once.
	Pinned bool
	// OpenServer opens the shared database at dsn, asking the password
	// with ask where neither the environment nor the OS keyring gives it
	// (nil: the program opens the file only).
	OpenServer func(ctx context.Context, dsn string, ask AskPassword) (Store, error)
	// OpenFile opens the file in the clerk's data folder: the way back
	// from a server's database (nil: none).
	OpenFile func() (Store, error)
	// Files makes and opens database files: a move from a server's
	// database into a new file (nil parts: no move into a file).
	Files app.Files
}

// MainWindow is the program's window: a first-start screen until the
// database has a province, then the dashboard, the household register, the
// import and the export screens as tabs.
type MainWindow struct {
	Window fyne.Window
	Tabs   *container.AppTabs

	Setup      *setupScreen     // first start only
	Dashboard  *dashboardScreen // the others once there is a province
	Households *registerScreen
	Import     *importScreen
	Export     *exportScreen

	Message *widget.Label // the database could not be opened
	// Retry and UseFile, under the message, are the ways on from a
	// shared database that could not be opened.
	Retry, UseFile *widget.Button
	// Password is the password dialog of the shared database, while open.
	Password *passwordForm
	// Move is the move's question, then its result, while shown;
	// MoveLeft what a move that did not finish left, as last said.
	Move     *moveForm
	MoveLeft string
	// fileIndex is the file's search index (Env.SearchIndex at start).
	fileIndex string
	Damage    *damageBar // above the tabs when records cannot be read
	// RepairOffer, RepairDone and AuditAdvice are the texts of the
	// repair's question, its result and the rewritten audit log's
	// advice, as last shown.
	RepairOffer, RepairDone, AuditAdvice *widget.Label
	lastError                            string   // the last error shown, for tests and logs
	lastNotice                           string   // the start's notice (Env.Notice) as shown, for tests
	lastPack                             string   // the last meeting pack written
	lastCharts                           []string // the last charts saved

	MenuSearch, MenuImport, MenuPrint, MenuCharts, MenuSettings, MenuRepair *fyne.MenuItem
	Settings                                                                *settingsForm    // while the settings dialog is open
	SubProblems                                                             *subProblemsForm // while the sub-problem list is open
	MenuSubProblems                                                         *fyne.MenuItem
	Units                                                                   *unitsForm // while the municipalities dialog is open
	MenuUnits                                                               *fyne.MenuItem
	MenuQuit                                                                *fyne.MenuItem
	MenuBackup                                                              *fyne.MenuItem
	MenuAbout                                                               *fyne.MenuItem
	About                                                                   *widget.Label // the About dialog's text, once shown
	Chooser                                                                 *fileChooser  // while a file chooser is open
	settingsDialog                                                          dialog.Dialog

	app      fyne.App
	env      Env
	t        texts
	ctx      context.Context // carries the operator's name into the audit log
	store    Store
	progress *app.Progress
	exporter *app.Exporter
	register *app.Register // nil until built
	// registerAt is the database's state the register reflects
	// (app.RegisterStamp), from which the next change is caught up; ""
	// makes the next update a build. registerSource says how it was
	// made: "built" or "caught up".
	registerAt, registerSource string

	bg      *background
	Running *task // the task behind the progress dialog, if any
	dialogs []openDialog
	// facts are the records the screens were built from; afterBuild runs
	// once they are made again; pendingWorkbooks wait for them.
	facts            windowFacts
	afterBuild       func()
	pendingWorkbooks []string
	listeners        []func(registerChange)

	// OthersNote is the line at the bottom that says the screens show
	// another clerk's change, read again at othersAt; othersPending is
	// such a change not yet shown (a dialog held the window); stopWatch
	// ends the store's watch (nil: the store has none to keep).
	OthersNote    *widget.Label
	othersAt      time.Time
	othersPending bool
	stopWatch     context.CancelFunc
}

// NewMainWindow builds the window.
func NewMainWindow(a fyne.App, env Env) *MainWindow {
	a.Settings().SetTheme(NewTheme())
	w := &MainWindow{app: a, env: env, store: env.Store, bg: newBackground(serialUI), fileIndex: env.SearchIndex}
	if env.Server != "" {
		w.env.SearchIndex = serverSearchIndex(w.server())
	}
	w.loadSettings()
	useFyneLanguage(w.t.lang)
	w.Window = a.NewWindow(w.title())
	w.Window.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w.Window.Resize(fyne.NewSize(1280, 800))
	w.Window.Canvas().SetOnTypedKey(w.onTypedKey)
	w.Window.SetCloseIntercept(w.onQuit)
	if env.Store != nil {
		w.progress = &app.Progress{Store: env.Store, Geo: env.Geo, Clock: env.Clock}
		w.exporter = &app.Exporter{Store: env.Store, Geo: env.Geo, Progress: w.progress, Digits: w.t.digits}
	}
	if env.Server != "" && env.Store == nil && env.OpenErr == nil && env.StartErr == nil {
		w.Window.SetMainMenu(w.mainMenu(false))
		w.connect(env.Server) // starts the watch once the store is open (useStore)
	} else {
		w.build()
		w.startWatch()
	}
	return w
}

// title is the window's title in its language.
func (w *MainWindow) title() string {
	title := w.t.tr("qmdesk — ติดตามการแก้ไขปัญหาครัวเรือน ThaiQM", "qmdesk — ThaiQM household follow-up")
	if d, training := w.env.Clock.Training(); training {
		title += w.t.tr(" — วันที่จำลองสำหรับฝึกอบรม ", " — training day ") + w.t.date(d)
	}
	if l := w.DatabaseLabel(); l != "" {
		title += " — " + l
	}
	return title
}

// build lays out the window for the state of the database.
func (w *MainWindow) build() {
	w.Window.SetTitle(w.title()) // a new language is in the title at once
	// Until the main screens exist, the menu's items that need them are
	// greyed out rather than doing nothing.
	w.Window.SetMainMenu(w.mainMenu(false))
	if w.env.StartErr != nil {
		w.Message = widget.NewLabel(w.t.tr("เริ่มโปรแกรมไม่ได้\n\n", "The program cannot start\n\n") + w.t.errorText(w.env.StartErr))
		w.Message.Wrapping = fyne.TextWrapWord
		w.Window.SetContent(container.NewPadded(w.Message))
		w.Window.Resize(fyne.NewSize(720, 240))
		return
	}
	if w.env.OpenErr != nil || w.store == nil {
		w.Message = widget.NewLabel(w.t.tr("เปิดฐานข้อมูลไม่ได้\n\n", "The database could not be opened\n\n") + w.t.errorText(w.env.OpenErr))
		w.Message.Wrapping = fyne.TextWrapWord
		if w.onServer() {
			w.Message.SetText(w.t.tr("เปิดฐานข้อมูลกลางไม่ได้ ", "The shared database could not be opened: ") + w.server().Label() + "\n\n" + w.t.errorText(w.env.OpenErr))
			w.Window.SetContent(container.NewPadded(container.NewVBox(w.Message, w.openErrorButtons())))
		} else {
			w.Window.SetContent(container.NewPadded(w.Message))
		}
		w.Window.Resize(fyne.NewSize(720, 240))
		return
	}
	// The few records every screen is built from are read off the UI
	// thread; the screens are made once they are back.
	if w.Window.Content() == nil || w.Tabs == nil && w.Setup == nil {
		w.Window.SetContent(container.NewCenter(widget.NewLabel(w.t.tr("กำลังเปิดฐานข้อมูล…", "Opening the database…"))))
	}
	w.goBackground(func() {
		f, err := readFacts(w.ctx, w.store)
		w.doAndWait(func() { w.buildWith(f, err) })
	})
}

// windowFacts are the records every screen is built from.
type windowFacts struct {
	meta   data.Meta
	rounds []data.Round
	subs   data.SubProblemList
	units  data.UnitList
}

// factsReader is what readFacts reads.
type factsReader interface {
	Meta(ctx context.Context) (data.Meta, error)
	Rounds(ctx context.Context) ([]data.Round, error)
	SubProblems(ctx context.Context) (data.SubProblemList, error)
	Units(ctx context.Context) (data.UnitList, error)
}

func readFacts(ctx context.Context, store factsReader) (f windowFacts, err error) {
	if f.meta, err = store.Meta(ctx); err != nil || f.meta.Province == "" {
		return f, err
	}
	if f.rounds, err = store.Rounds(ctx); err != nil {
		return f, err
	}
	if f.subs, err = store.SubProblems(ctx); err != nil {
		return f, err
	}
	f.units, err = store.Units(ctx)
	return f, err
}

// buildWith makes the screens for the database's state, once its facts
// are read: the first start, or the main tabs.
func (w *MainWindow) buildWith(f windowFacts, err error) {
	if err != nil {
		w.Message = widget.NewLabel(w.t.errorText(err))
		w.Window.SetContent(w.Message)
		w.showError(err)
		return
	}
	w.facts = f
	if n := w.env.Notice; n.Thai != "" {
		w.env.Notice = data.Sentence{} // once, not at every rebuild
		w.lastNotice = w.t.tr(n.Thai, n.English)
		w.showDialog(dialog.NewInformation(w.t.tr("ปรับรูปแบบฐานข้อมูลแล้ว", "Database upgraded"), w.lastNotice, w.Window))
	}
	meta := f.meta
	if meta.Province == "" {
		w.Setup = newSetupScreen(w)
		w.Window.SetContent(w.Setup.Box)
		w.Window.Canvas().Focus(w.Setup.Province.Find) // the clerk types the province at once
		return
	}
	w.Setup = nil
	w.listeners = nil
	w.Damage = newDamageBar(w)
	w.Dashboard = newDashboardScreen(w)
	w.Households = newRegisterScreen(w)
	w.Import = newImportScreen(w)
	w.Export = newExportScreen(w)
	w.Tabs = container.NewAppTabs(
		container.NewTabItem(w.t.tr("ภาพรวม", "Dashboard"), w.Dashboard.Box),
		container.NewTabItem(w.t.tr("ทะเบียนครัวเรือน", "Households"), w.Households.Box),
		container.NewTabItem(w.t.tr("นำเข้าไฟล์จากอำเภอ", "Import"), w.Import.Box),
		container.NewTabItem(w.t.tr("ส่งออกไฟล์", "Export"), w.Export.Box),
	)
	w.Window.SetContent(container.NewBorder(w.Damage.Box, w.newOthersNote(), nil, nil, w.Tabs))
	w.Window.SetMainMenu(w.mainMenu(true))
	w.Window.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { w.onDropped(uris) })
	w.Dashboard.Refresh()
	if w.register == nil {
		w.rebuildRegister()
	} else {
		w.Households.onQueryChanged() // a redraw (new settings) keeps the index
	}
	if w.afterBuild != nil {
		then := w.afterBuild
		w.afterBuild = nil
		then()
	}
	if len(w.pendingWorkbooks) > 0 {
		paths := w.pendingWorkbooks
		w.pendingWorkbooks = nil
		w.OpenWorkbooks(paths)
	}
}

// rebuild makes the screens again (a new language, round or sub-problem
// list), then runs then on the new ones.
func (w *MainWindow) rebuild(then func()) {
	w.afterBuild = then
	w.build()
}

func (w *MainWindow) mainMenu(ready bool) *fyne.MainMenu {
	ctrl := fyne.KeyModifierShortcutDefault
	w.MenuSearch = fyne.NewMenuItem(w.t.tr("ค้นหาครัวเรือน", "Find a household"), w.onSearch)
	w.MenuSearch.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: ctrl}
	w.MenuImport = fyne.NewMenuItem(w.t.tr("นำเข้าไฟล์…", "Import workbooks…"), w.onImportShortcut)
	w.MenuImport.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: ctrl}
	w.MenuPrint = fyne.NewMenuItem(w.t.tr("พิมพ์เอกสารประชุม…", "Print the meeting pack…"), w.onPrint)
	w.MenuPrint.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: ctrl}
	w.MenuSettings = fyne.NewMenuItem(w.t.tr("ตั้งค่า…", "Settings…"), w.onSettings)
	w.MenuSubProblems = fyne.NewMenuItem(w.t.tr("รายการปัญหา (เร่งด่วน/อ่อนไหว)…", "Sub-problems (urgent/sensitive)…"), w.onSubProblems)
	w.MenuUnits = fyne.NewMenuItem(w.t.tr(data.WordMunicipality.Thai+"ในจังหวัด (นคร/เมือง)…", "Municipalities of the province…"), w.onUnits)
	w.MenuCharts = fyne.NewMenuItem(w.t.tr("บันทึกกราฟเป็นภาพสำหรับสไลด์…", "Save the charts for slides…"), w.onSaveCharts)
	backup := fyne.NewMenuItem(w.t.tr("สำรองฐานข้อมูล…", "Back up the database…"), w.onBackup)
	w.MenuBackup = backup
	w.MenuRepair = fyne.NewMenuItem(w.t.tr("ตรวจสอบและซ่อมแซมฐานข้อมูล…", "Check and repair the database…"), func() {
		if w.ready() {
			w.onCheckAndRepair()
		}
	})
	for _, item := range []*fyne.MenuItem{w.MenuSearch, w.MenuImport, w.MenuPrint, w.MenuCharts, backup, w.MenuRepair, w.MenuSubProblems, w.MenuUnits} {
		item.Disabled = !ready
	}
	// A shortcut pressed while a dialog or a job holds the window does
	// nothing, as a click on the screens behind it does nothing.
	for _, item := range []*fyne.MenuItem{w.MenuSearch, w.MenuImport, w.MenuPrint, w.MenuCharts, backup, w.MenuRepair, w.MenuSubProblems, w.MenuUnits, w.MenuSettings} {
		item.Action = w.unlessModal(item.Action)
	}
	// Our own Quit, so that it speaks the window's language and asks
	// before it cuts a job short or drops a form (Fyne's would do neither).
	w.MenuQuit = fyne.NewMenuItem(w.t.tr("ออกจากโปรแกรม", "Quit"), w.onQuit)
	w.MenuQuit.IsQuit = true
	w.MenuQuit.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: ctrl}
	w.MenuAbout = fyne.NewMenuItem(w.t.tr("เกี่ยวกับ qmdesk…", "About qmdesk…"), w.unlessModal(w.onAbout))
	sep := fyne.NewMenuItemSeparator
	return fyne.NewMainMenu(
		fyne.NewMenu(w.t.term(data.WordFile), w.MenuImport, w.MenuPrint, w.MenuCharts, sep(), backup, w.MenuRepair, sep(), w.MenuSubProblems, w.MenuUnits, w.MenuSettings, sep(), w.MenuQuit),
		fyne.NewMenu(w.t.tr("ค้นหา", "Find"), w.MenuSearch),
		fyne.NewMenu(w.t.tr("ช่วยเหลือ", "Help"), w.MenuAbout),
	)
}

// ready tells whether the main screens exist (a province is set up).
func (w *MainWindow) ready() bool { return w.Tabs != nil }

func (w *MainWindow) onSearch() {
	if !w.ready() {
		return
	}
	w.Tabs.SelectIndex(1)
	w.Window.Canvas().Focus(w.Households.Search)
}

func (w *MainWindow) onImportShortcut() {
	if !w.ready() {
		return
	}
	w.Tabs.SelectIndex(2)
	w.Import.onChooseFile()
}

// onBackup copies the database, while it is open, to a file the clerk
// names.
func (w *MainWindow) onBackup() {
	if !w.ready() {
		return
	}
	name := "qmdesk-backup-" + w.now().In(data.ThaiTime).Format("20060102-1504") + ".db"
	w.chooseSavePath(name, []string{".db"}, func(path string) {
		w.run(w.t.tr("กำลังสำรองฐานข้อมูล", "Backing up"), func(ctx context.Context, progress report) error {
			progress(0, w.t.tr("กำลังคัดลอกและอ่านตรวจสำเนา…", "Copying and reading the copy back…"))
			return w.store.Backup(ctx, path, func(done, total int64) { progress(float64(done)/float64(total), "") })
		}, func(err error) {
			if err == nil {
				w.showSaved(w.t.tr("สำรองฐานข้อมูลแล้ว", "Backup saved"), path)
			}
		})
	})
}

func (w *MainWindow) onDropped(uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	if len(paths) > 0 {
		w.Tabs.SelectIndex(2)
		w.Import.AddFiles(paths)
	}
}

// now is the real time (file names of backups).
func (w *MainWindow) now() time.Time { return w.env.Clock.Now() }

// today is the register's day.
func (w *MainWindow) today() data.Date { return w.env.Clock.Today() }

// showSaved says a file was saved and offers to open it or its folder.
func (w *MainWindow) showSaved(title, path string) {
	var d dialog.Dialog
	open := widget.NewButton(w.t.tr("เปิดไฟล์", "Open the file"), func() { w.showFile(path); d.Hide() })
	folder := widget.NewButton(w.t.tr("เปิดโฟลเดอร์", "Show in folder"), func() { w.showFile(filepath.Dir(path)); d.Hide() })
	msg := widget.NewLabel(w.t.tr("บันทึกไว้ที่\n", "Saved to\n") + path)
	msg.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustom(title, w.t.tr("ปิด", "Close"), container.NewVBox(msg, container.NewHBox(open, folder)), w.Window)
	d.Resize(fyne.NewSize(560, 200))
	w.showClosable(d)
}

// showFile opens a file or folder the program saved in the system's
// program. When none can be started, the clerk hears that the file is
// saved and where, not of an unexpected fault.
func (w *MainWindow) showFile(path string) {
	var err error
	if w.env.ShowFile != nil {
		err = w.env.ShowFile(path)
	} else {
		err = w.app.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(path)})
	}
	if err != nil {
		w.showError(&data.Error{Code: data.EFILE,
			Message: "เปิด " + path + " ด้วยโปรแกรมของเครื่องนี้ไม่ได้ (อาจยังไม่มีโปรแกรมสำหรับเปิดไฟล์ชนิดนี้) ไฟล์ยังอยู่ครบที่เดิม เปิดเองได้จากโฟลเดอร์นั้น",
			English: "no program of this computer could open " + path + " (there may be none for this kind of file); the file is there, open it from its folder", Err: err})
	}
}

// rebuildRegister brings the household list's search index up to the
// database in the background. At the window's first build the index
// saved beside the database is read and caught up with the changes made
// since it was saved (app.CatchUpRegister); later, after a change that
// may touch any household (an import, a decision), the index in use is
// caught up the same way, while the list goes on answering from it. Only
// when the log does not say which households changed (an undo, a repair,
// a carry-over) or there is no index is it built anew, which takes
// seconds on a province: the list says so while it waits. A start that
// built the index or caught up saves it for the next start.
func (w *MainWindow) rebuildRegister() {
	first := w.register == nil && w.registerAt == ""
	cur, curAt := w.register, w.registerAt
	if cur == nil {
		w.Households.setBuilding(true)
	}
	w.goBackground(func() {
		// The state is read first: what is read after it may be newer
		// than the stamp says (caught up again next time), never older.
		started := time.Now()
		stamp, err := app.RegisterStamp(w.ctx, w.store)
		reg, at, source := cur, curAt, "caught up"
		stamped := time.Now()
		if first && w.env.SearchIndex != "" {
			var ok bool
			if reg, at, ok = app.LoadRegister(w.env.SearchIndex); !ok {
				reg = nil
			}
		}
		loaded := time.Now()
		changed := 0
		if reg != nil && err == nil {
			// A catch-up that fails for any reason (a record it cannot
			// read included) gives way to a build, which keeps what it
			// can read and names the rest.
			var ok bool
			var cerr error
			if changed, ok, cerr = app.CatchUpRegister(w.ctx, w.store, reg, at, stamp); !ok || cerr != nil {
				reg = nil
			}
		}
		if reg == nil && err == nil {
			source = "built"
			w.do(func() { w.Households.setBuilding(true) })
			reg, err = app.BuildRegister(w.ctx, w.store, func(n int) {
				w.do(func() { w.Households.setBuildingCount(n) })
			})
		}
		if w.env.Trace != nil && reg != nil {
			ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
			read := fmt.Sprintf("%d households read again", changed)
			if source == "built" {
				read = "every household read"
			}
			w.env.Trace("search index %s (%s) in %v (state %v, saved index %v, rest %v); %d households", source, read,
				ms(time.Since(started)), ms(stamped.Sub(started)), ms(loaded.Sub(stamped)), ms(time.Since(loaded)), reg.Len())
		}
		// Kept for the next start once the list uses it (about 1 s for
		// 100 MB at 1,000,000 problems): searches take only its read lock.
		if reg != nil && (first && changed > 0 || source == "built") && w.env.SearchIndex != "" {
			defer func() {
				if serr := app.SaveRegister(w.env.SearchIndex, stamp, reg); serr != nil {
					log.Printf("search index not saved: %v", serr)
				}
			}()
		}
		w.doAndWait(func() {
			// Records that cannot be read leave the rest of the register
			// usable: the bar above the tabs says which and offers repair.
			if damaged := w.noteDamage(err); err != nil && !damaged {
				w.Households.setBuildingFailed()
				w.showError(err)
				return
			}
			w.register, w.registerAt, w.registerSource = reg, stamp, source
			if err != nil {
				w.registerAt = "" // some records unread: build again next time
			}
			w.Households.setBuilding(false)
			w.Households.onQueryChanged()
		})
	})
}

// OpenWorkbooks puts workbooks named on the command line on the import
// screen and checks them.
func (w *MainWindow) OpenWorkbooks(paths []string) {
	if len(paths) == 0 {
		return
	}
	if !w.ready() { // the screens are still being made: once they are
		w.pendingWorkbooks = append(w.pendingWorkbooks, paths...)
		return
	}
	abs := make([]string, len(paths))
	for i, p := range paths {
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
		abs[i] = p
	}
	w.Tabs.SelectIndex(2)
	w.Import.AddFiles(abs)
}

// Close keeps the window's place for the next start and cancels a
// running task when the window closes. It does not wait:
// the task needs the UI thread to finish, and closing the database after
// the window waits for its transaction anyway (an import cut short is
// rolled back whole). It ends the watch of other clerks' changes. The
// search index is not saved here: the next start catches the saved one
// up with the changes from the audit log.
func (w *MainWindow) Close() {
	w.SavePlace()
	w.endWatch()
	if w.Running != nil {
		w.Running.cancel()
	}
}

// newImporter is an importer for one job, telling progress (when not nil)
// how many rows a dry run has read: each job its own, so no job changes
// what another is using.
func (w *MainWindow) newImporter(progress func(rows int)) *app.Importer {
	return &app.Importer{Store: w.store, Geo: w.env.Geo, Clock: w.env.Clock, Progress: progress}
}
