// Command qmdesk is the province's ThaiQM workbench: a window without
// arguments, a command line with them. This file only wires the parts.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	release "qmdesk"
	"qmdesk/app"
	"qmdesk/app/cli"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/data/postgres"
	"qmdesk/ui"
)

func main() {
	attachConsole()
	// The key that seals the audit log lives in the user's own settings
	// folder (%AppData%\qmdesk on Windows), never beside the database.
	if dir, err := os.UserConfigDir(); err == nil {
		bolt.AuditKeyDir = filepath.Join(dir, "qmdesk")
	}
	geo, err := assets.Geography()
	if err != nil {
		fmt.Fprintln(os.Stderr, data.ErrorMessage(err), err)
		os.Exit(cli.ExitFailure)
	}
	clock, clockErr := cli.ClockFromEnv(os.Getenv)
	env := cli.Env{
		Stdout: os.Stdout, Stderr: os.Stderr, Geo: geo, Clock: clock, ClockErr: clockErr, Operator: operator(), Version: release.Version,
		Open: func(path string, readOnly bool) (data.Store, error) {
			return bolt.Open(path, bolt.Options{ReadOnly: readOnly, Clock: clock, Upgrading: func(u bolt.Upgrade) {
				fmt.Fprintln(os.Stderr, u.Sentence().Thai)
			}})
		},
		Restore: func(ctx context.Context, src, dst string) (string, error) {
			return bolt.Restore(ctx, src, dst, func() string { return time.Now().In(data.ThaiTime).Format("20060102-150405") })
		},
		Create: func(path string, build func(data.Store) error) error {
			return bolt.Create(path, bolt.Options{Clock: clock}, func(s *bolt.Store) error { return build(s) })
		},
	}
	// A server's address in --db or QMDESK_DB opens the office's shared
	// database, with the clerk's password from PGPASSWORD, the OS keyring
	// or the terminal (never from the address or a settings file).
	// Its Backup (the window's; qmdesk backup writes the same copy
	// itself) is a consistent copy written as a new file.
	ask := env.AskDatabasePassword
	files := app.Files{Create: env.Create, Open: env.Open}
	env.OpenServer = func(ctx context.Context, dsn string) (data.Store, error) {
		s, err := postgres.OpenAsking(ctx, dsn, clock, postgres.OSKeyring{}, ask)
		if err != nil {
			return nil, err
		}
		s.SetBackup(serverBackup(files))
		return s, nil
	}
	// Ctrl+C cancels a command's context, so that an import rolls back
	// the file it is writing and says so; a second Ctrl+C ends the
	// program at once (the next open finishes the rollback). The window
	// keeps the default: Ctrl+C in its terminal closes it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		<-ctx.Done()
		stop()
	}()
	env.Window = func(path string, workbooks []string) error {
		stop()
		return window(path, workbooks, geo, clock, clockErr, files)
	}
	os.Exit(cli.Run(ctx, os.Args[1:], env))
}

// window opens the program's window. startErr, when set, is a refusal at
// start (a wrong QMDESK_TODAY): the window says it instead of opening the
// database, so that a clerk who started the program from its icon sees why.
//
// The database is opened off the main goroutine, which Fyne needs for its
// loop. An open done within splashAfter (the usual case) shows the main
// window at once, as before. A longer one (an upgrade of an older layout,
// the rollback of an import cut short, a file another program holds) shows
// a small window saying what is happening, and the main window replaces it
// once the open is done: without it nothing is on the screen meanwhile,
// and a clerk starts the program again or takes it for broken. Closing the
// small window ends the program as Ctrl+C does; the next open finishes
// what this one began.
func window(path string, workbooks []string, geo *data.Geography, clock data.Clock, startErr error, files app.Files) error {
	a := fyneapp.NewWithID(appID)
	if runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return data.Errorf(data.EINVALID, "ไม่พบหน้าจอ (DISPLAY) สำหรับเปิดหน้าต่าง ใช้คำสั่งย่อย เช่น qmdesk summary แทนได้", "no display to open the window on")
	}
	// A computer that cannot draw the window is told so before the
	// database is opened, instead of a program running without a window.
	if err := probeGraphics(); err != nil {
		dir := filepath.Dir(path)
		if cli.IsServerAddress(path) {
			dir = filepath.Dir(cli.DefaultFilePath())
		}
		return cannotDraw(dir, err)
	}
	// The database: a server's address given at start (--db or
	// QMDESK_DB), else a file given at start, else what the settings
	// chose: the shared database on a server, or (the default) the file
	// in the clerk's data folder. The window opens a server's database
	// itself, to ask the password in its dialog; the file stays the one
	// the window goes back to, and its folder the data folder.
	// The file is the data folder's, unless a move back from a server
	// made another that the settings keep (ui.ChosenFile), while it is
	// there.
	path, defaultFile := chosenFile(path, os.Getenv("QMDESK_DB"), cli.DefaultFilePath(), ui.ChosenFile(a.Preferences()))
	server, file, pinned := chooseDatabase(path, os.Getenv("QMDESK_DB"), defaultFile, func() (ui.Server, bool) { return ui.ChosenServer(a.Preferences()) })
	env := ui.Env{Geo: geo, Clock: clock, DataDir: filepath.Dir(file), Operator: operator(), SearchIndex: file + ".search", Screens: screens, Native: nativeWindow,
		Version: release.Version, KeyDir: bolt.AuditKeyDir, Server: server, Pinned: pinned, Files: files,
		OpenServer: func(ctx context.Context, dsn string, ask ui.AskPassword) (ui.Store, error) {
			s, err := postgres.OpenAsking(ctx, dsn, clock, postgres.OSKeyring{}, postgres.Asker(ask))
			if err != nil {
				return nil, err
			}
			s.SetBackup(serverBackup(files))
			return s, nil
		},
		OpenFile: func() (ui.Store, error) {
			if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
				return nil, data.FileError(data.CreatingFolder, filepath.Dir(file), err)
			}
			s, err := bolt.Open(file, bolt.Options{Clock: clock, Upgrading: func(u bolt.Upgrade) { log.Print(u.Sentence().English) }})
			if err != nil {
				return nil, err
			}
			return s, nil
		},
	}
	if os.Getenv("QMDESK_TRACE") == "1" {
		env.Trace = log.New(os.Stderr, "qmdesk: ", log.Ltime|log.Lmicroseconds).Printf
	}
	var opening chan openResult // nil: no database to open
	var upgrading upgradeNews
	if startErr != nil {
		env.StartErr = startErr
	} else if server != "" {
		// The window connects to the server itself, once it is up.
	} else if err := os.MkdirAll(env.DataDir, 0o700); err != nil {
		env.OpenErr = data.FileError(data.CreatingFolder, env.DataDir, err)
	} else {
		opening = make(chan openResult, 1)
		go func() {
			var r openResult
			r.store, r.err = bolt.Open(path, bolt.Options{Clock: clock, Upgrading: func(u bolt.Upgrade) {
				// The main window is not up yet: the log says it now,
				// the small window if it is shown, the main window once
				// it opens.
				log.Print(u.Sentence().English)
				r.notice = u.Done()
				upgrading.tell(u.Sentence())
			}})
			opening <- r
		}()
	}
	// opened puts the result of the open into env; the main window closes
	// the store (MainWindow.CloseStore), as it does any other it opens.
	opened := func(r openResult) {
		if r.err != nil {
			env.OpenErr = r.err
		} else {
			env.Store, env.Notice = r.store, r.notice
		}
	}
	// show makes the main window and shows it.
	show := func() *ui.MainWindow {
		w := ui.NewMainWindow(a, env)
		w.Window.SetOnClosed(func() { w.Close() })
		a.Lifecycle().SetOnExitedForeground(w.SavePlace)
		w.OpenWorkbooks(workbooks)
		w.Window.Show()
		return w
	}
	if opening != nil {
		wait := time.NewTimer(splashAfter)
		select {
		case r := <-opening:
			opened(r)
			opening = nil
		case <-wait.C:
		}
		wait.Stop()
	}
	if opening == nil {
		// Opened at once (or nothing to open): the main window only.
		w := show()
		defer w.CloseStore()
		if !windowOpened(w.Window) {
			return cannotDraw(env.DataDir, errors.New("no window from Fyne"))
		}
		// The window fits the screen it opens on once it is there (its
		// scale is known then), at the place it had when it was last
		// closed.
		a.Lifecycle().SetOnStarted(func() { fyne.Do(w.FitScreen) })
		a.Run()
		return nil
	}
	splash := ui.NewSplash(a, path)
	splash.Show()
	if !windowOpened(splash.Window) {
		if r := <-opening; r.store != nil {
			r.store.Close()
		}
		return cannotDraw(env.DataDir, errors.New("no window from Fyne"))
	}
	if env.Trace != nil {
		env.Trace("the database is not open after %v: a small window says so", splashAfter)
	}
	upgrading.listen(func(s data.Sentence) { fyne.Do(func() { splash.Upgrading(s) }) })
	var drawErr error
	var shown *ui.MainWindow
	go func() {
		r := <-opening
		fyne.Do(func() {
			// On the main goroutine, in Fyne's loop: what is set here
			// is read after a.Run returns, on the same goroutine.
			opened(r)
			w := show()
			shown = w
			if !windowOpened(w.Window) {
				drawErr = cannotDraw(env.DataDir, errors.New("no window from Fyne"))
				a.Quit()
				return
			}
			w.FitScreen()
			splash.Close()
			if env.Trace != nil {
				env.Trace("the database is open: the main window replaces the small one")
			}
		})
	}()
	a.Run()
	// A store the main window got is closed; one still opening when the
	// small window was closed is left to the end of the program (bbolt's
	// file stays sound, and the next open finishes what this one began).
	if shown != nil {
		shown.CloseStore()
	}
	return drawErr
}

// chooseDatabase decides what the window opens, from path (--db, else
// QMDESK_DB, else the data folder's file), QMDESK_DB's value, the data
// folder's file and the settings' choice: server is the shared
// database's address ("": the file), file the database file (the data
// folder's when path is a server's address: the way back), and pinned
// whether the database was named at start (--db or QMDESK_DB), which the
// settings' choice does not override.
func chooseDatabase(path, qmdeskDB, defaultFile string, chosen func() (ui.Server, bool)) (server, file string, pinned bool) {
	pinned = qmdeskDB != "" || path != defaultFile
	if cli.IsServerAddress(path) {
		return path, defaultFile, pinned
	}
	if s, ok := chosen(); ok && !pinned {
		return s.DSN(), path, false
	}
	return "", path, pinned
}

// chosenFile is the file the window takes for the data folder's
// (defaultFile): chosen, the file a move back from a server made and the
// settings keep, when the database was not named at start (path is the
// default, no QMDESK_DB) and chosen is there; else path and defaultFile
// as they are.
func chosenFile(path, qmdeskDB, defaultFile, chosen string) (string, string) {
	if chosen == "" || path != defaultFile || qmdeskDB != "" {
		return path, defaultFile
	}
	if _, err := os.Stat(chosen); err != nil {
		return path, defaultFile
	}
	return chosen, chosen
}

// serverBackup is the backup of a server's database: a consistent copy
// (CopyOut reads it at one moment) written as a new file, then checked.
func serverBackup(files app.Files) postgres.BackupFunc {
	return func(ctx context.Context, s *postgres.Store, path string, progress func(done, total int64)) error {
		return app.BackupToFile(ctx, s, files, path, progress)
	}
}

// splashAfter is how long the database may take to open before the small
// window saying so is shown: an open within it (the usual case) shows the
// main window alone, without a window flashing before it.
const splashAfter = 300 * time.Millisecond

// openResult is what the open of the database gave the window.
type openResult struct {
	store  *bolt.Store
	err    error
	notice data.Sentence // the upgrade made, if any
}

// upgradeNews carries the upgrade the open announces, from the goroutine
// that opens to the small window, whichever of the two comes first.
type upgradeNews struct {
	mu   sync.Mutex
	news *data.Sentence
	to   func(data.Sentence)
}

// tell passes s to the listener, or keeps it for the one to come.
func (n *upgradeNews) tell(s data.Sentence) {
	n.mu.Lock()
	n.news = &s
	to := n.to
	n.mu.Unlock()
	if to != nil {
		to(s)
	}
}

// listen passes to f the news told already, and any told later.
func (n *upgradeNews) listen(f func(data.Sentence)) {
	n.mu.Lock()
	n.to = f
	news := n.news
	n.mu.Unlock()
	if news != nil {
		f(*news)
	}
}

// operator names who is working, for the audit log: the name the clerk
// gave in the window (kept in its settings), else the computer's account.
func operator() string {
	if name := windowOperator(); name != "" {
		return name
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, v := range []string{"USERNAME", "USER"} {
		if s := os.Getenv(v); s != "" {
			return s
		}
	}
	return ""
}

// appID is the program's ID (FyneApp.toml): Fyne keeps its settings under
// it.
const appID = "th.go.dopa.qmdesk"

// windowOperator is the clerk's name the window keeps in its settings
// (Fyne's preferences file of this program), or "". The command line does
// not start Fyne, so it reads the file where Fyne keeps it.
func windowOperator() string {
	var root string
	switch runtime.GOOS {
	case "windows":
		home, _ := os.UserHomeDir()
		root = filepath.Join(home, "AppData", "Roaming", "fyne")
	case "darwin":
		home, _ := os.UserHomeDir()
		root = filepath.Join(home, "Library", "Preferences", "fyne")
	default:
		dir, _ := os.UserConfigDir()
		root = filepath.Join(dir, "fyne")
	}
	b, err := os.ReadFile(filepath.Join(root, appID, "preferences.json"))
	if err != nil {
		return ""
	}
	var prefs struct {
		Operator string `json:"operator"`
	}
	if json.Unmarshal(b, &prefs) != nil {
		return ""
	}
	return strings.TrimSpace(prefs.Operator)
}
