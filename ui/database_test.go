package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/data/postgres"
	"qmdesk/data/postgres/pgtest"
	"qmdesk/ui"
)

// officeServer starts a PostgreSQL server of its own that asks every
// connection for its password (as an office's does), with a database qm
// of province 41 holding households demo households, and the clerk
// somsri (password pw-1) among qmdesk's clerks. It skips the test where
// PostgreSQL cannot start, or fails it with QMDESK_PG_REQUIRED=1.
func officeServer(t *testing.T, households int) *pgtest.Server {
	t.Helper()
	srv, err := pgtest.StartWith(pgtest.Options{Password: "admin-pw"})
	if err != nil {
		if os.Getenv(pgtest.RequiredEnv) == "1" {
			t.Fatalf("PostgreSQL is required but cannot start: %v", err)
		}
		t.Skipf("PostgreSQL cannot start: %v", err)
	}
	t.Cleanup(func() { srv.Stop() })
	ctx := context.Background()
	for _, sql := range []string{`CREATE ROLE somsri LOGIN PASSWORD 'pw-1'`, `CREATE DATABASE qm`} {
		if err := srv.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	s, err := postgres.Open(ctx, srv.DSN("qm"), clock) // the superuser: tables and qmdesk's roles
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := srv.Exec(ctx, `GRANT qmdesk_clerk TO somsri`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	round, _ := s.Round(ctx, 1)
	if err := (app.Demo{Geo: mustGeo(), Province: "41", Round: round, Seed: 3, AsOf: today}).Fill(ctx, s, households, 500, nil); err != nil {
		t.Fatal(err)
	}
	return srv
}

// fileAndServerWindow is a window on a bbolt file of province 41 with
// fileHouseholds demo households, which can open the shared database as
// cmd/qmdesk does (postgres.OpenAsking with the OS keyring, here go-keyring's
// mock) and go back to the file. The search index of the file is beside
// it; a server's, in the cache folder (XDG_CACHE_HOME, a temporary one).
func fileAndServerWindow(t *testing.T, fileHouseholds int, pinned bool) (*ui.MainWindow, string, fyne.Preferences) {
	return fileAndServerWindowWith(t, fileHouseholds, pinned, nil)
}

// fileAndServerWindowWith is fileAndServerWindow with the window's
// environment changed by tweak first.
func fileAndServerWindowWith(t *testing.T, fileHouseholds int, pinned bool, tweak func(*ui.Env)) (*ui.MainWindow, string, fyne.Preferences) {
	t.Helper()
	keyring.MockInit()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(t.TempDir(), "cache"))
	a := test.NewTempApp(t)
	a.Preferences().SetString("operator", "สมใจ ทดสอบ")
	dir := t.TempDir()
	file := filepath.Join(dir, "qm.db")
	openFile := func() (ui.Store, error) {
		s, err := bolt.Open(file, bolt.Options{NoSync: true, Clock: clock})
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	s, err := openFile()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
	round, _ := s.Round(ctx, 1)
	if err := (app.Demo{Geo: mustGeo(), Province: "41", Round: round, Seed: 3, AsOf: today}).Fill(ctx, s, fileHouseholds, 500, nil); err != nil {
		t.Fatal(err)
	}
	env := ui.Env{Store: s, Geo: mustGeo(), Clock: clock, DataDir: dir, Operator: "os-user", SearchIndex: file + ".search", Pinned: pinned,
		OpenServer: func(ctx context.Context, dsn string, ask ui.AskPassword) (ui.Store, error) {
			s, err := postgres.OpenAsking(ctx, dsn, clock, postgres.OSKeyring{}, postgres.Asker(ask))
			if err != nil {
				return nil, err
			}
			return s, nil
		},
		OpenFile: openFile,
	}
	if tweak != nil {
		tweak(&env)
	}
	w := ui.NewMainWindow(a, env)
	if env.Server == "" {
		w.WaitIdle()
	}
	t.Cleanup(func() {
		w.WaitIdle()
		w.CloseStore()
	})
	return w, file, a.Preferences()
}

// chooseServer fills the settings' database section with the shared
// database qm of srv, as somsri, and saves.
func chooseServer(t *testing.T, w *ui.MainWindow, srv *pgtest.Server) {
	t.Helper()
	w.MenuSettings.Action()
	f := w.Settings
	f.DBKind.SetSelected("ฐานข้อมูลกลางของสำนักงาน (PostgreSQL)")
	if f.DBHost.Disabled() || f.DBRole.Disabled() {
		t.Fatal("the server's fields stay greyed out once the shared database is chosen")
	}
	f.DBHost.SetText(srv.Socket())
	f.DBPort.SetText("๕๔๓๒")
	f.DBName.SetText("qm")
	f.DBRole.SetText("somsri")
	w.ApplySettings()
}

// dismissUnfinished closes a message of what the PostgreSQL store does
// not do yet (errUnfinished's words; data/postgres/unfinished.go is gone,
// so none is expected); any other message fails the test.
func dismissUnfinished(t *testing.T, w *ui.MainWindow) {
	t.Helper()
	for i := 0; w.Window.Canvas().Overlays().Top() != nil && i < 5; i++ {
		if !strings.Contains(w.LastError(), "ยังทำสิ่งนี้ไม่ได้") {
			t.Fatalf("a message on the shared database: %q", w.LastError())
		}
		w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	}
}

// The settings' database section opens the office's shared database: the
// password dialog names the role and server, a wrong password says so
// with a way to try again, the right one opens the window on the server
// (its title says which, the clerk is her role) and, kept, is not asked
// the next time; back to the file, the window is on the file again.
func TestSettingsOpenTheSharedDatabase(t *testing.T) {
	srv := officeServer(t, 20)
	w, file, p := fileAndServerWindow(t, 30, false)
	if got := w.Dashboard.Households.Value.Text; got != "30" {
		t.Fatalf("the file's dashboard: %q households", got)
	}
	w.MenuSettings.Action()
	f := w.Settings
	if f.DBKind.Selected != "ไฟล์ในเครื่องนี้" || !f.DBHost.Disabled() || !f.DBPort.Disabled() || !f.DBName.Disabled() || !f.DBRole.Disabled() {
		t.Errorf("the default is the file, the server's fields greyed out: %q", f.DBKind.Selected)
	}
	if f.Operator.Disabled() || f.Operator.Text != "สมใจ ทดสอบ" {
		t.Errorf("on the file the clerk's name is typed: %q", f.Operator.Text)
	}
	w.ApplySettings()
	w.WaitIdle()
	if strings.Contains(w.Window.Title(), "ฐานข้อมูลกลาง") || w.Tabs == nil {
		t.Fatalf("saving the file's settings changed the database: %q", w.Window.Title())
	}

	chooseServer(t, w, srv)
	if p.String("db_kind") != "postgres" || p.String("db_host") != srv.Socket() || p.Int("db_port") != 5432 || p.String("db_name") != "qm" || p.String("db_role") != "somsri" {
		t.Errorf("the settings kept: %q %q %d %q %q", p.String("db_kind"), p.String("db_host"), p.Int("db_port"), p.String("db_name"), p.String("db_role"))
	}
	if !w.WaitForPassword() {
		t.Fatalf("no password dialog; the window says %q", w.Message.Text)
	}
	if !strings.Contains(w.Password.Text.Text, "somsri") || !strings.Contains(w.Password.Text.Text, srv.Socket()) || w.Password.Keep.Checked {
		t.Errorf("the dialog: %q, keep %v", w.Password.Text.Text, w.Password.Keep.Checked)
	}
	w.Password.Password.SetText("wrong")
	test.Tap(w.Password.Connect)
	w.WaitIdle()
	if w.Tabs != nil || w.Retry == nil || w.UseFile == nil || !strings.Contains(w.Message.Text, "รหัสผ่านไม่ถูกต้อง") {
		t.Fatalf("a wrong password: %q", w.Message.Text)
	}
	test.Tap(w.Retry)
	if !w.WaitForPassword() {
		t.Fatalf("Try again asked no password: %q", w.Message.Text)
	}
	w.Password.Password.SetText("pw-1")
	w.Password.Keep.SetChecked(true)
	test.Tap(w.Password.Connect)
	w.WaitIdle()
	if w.Tabs == nil {
		t.Fatalf("the window is not open on the shared database: %q", w.Message.Text)
	}
	if got := w.Dashboard.Households.Value.Text; got != "20" {
		t.Errorf("the shared database's dashboard: %q households", got)
	}
	want := "ฐานข้อมูลกลาง: " + srv.Socket() + "/qm (somsri)"
	if !strings.Contains(w.Window.Title(), want) || w.DatabaseLabel() != want {
		t.Errorf("title %q, label %q, want %q", w.Window.Title(), w.DatabaseLabel(), want)
	}
	if w.Operator() != "somsri" {
		t.Errorf("the clerk is %q, not her role", w.Operator())
	}
	if len(w.Households.IDs) != 20 {
		t.Errorf("the register lists %d households", len(w.Households.IDs))
	}
	// The register's search index of the server is kept in the cache
	// folder, not beside the file.
	index, _ := filepath.Glob(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "qmdesk", "search", "*qm.search"))
	if len(index) != 1 {
		t.Errorf("the server's search index: %v", index)
	}
	if kept, err := (postgres.OSKeyring{}).Get("somsri@" + srv.Socket() + ":5432/qm"); err != nil || kept != "pw-1" {
		t.Errorf("the keyring keeps %q %v", kept, err)
	}
	// The settings name the clerk by her role, which she cannot change.
	dismissUnfinished(t, w)
	w.MenuAbout.Action()
	if w.About == nil || !strings.Contains(w.About.Text, want) {
		t.Errorf("About does not name the shared database: %v", w.About)
	}
	w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	w.MenuSettings.Action()
	if f := w.Settings; !f.Operator.Disabled() || f.Operator.Text != "somsri" || f.DBKind.Selected != "ฐานข้อมูลกลางของสำนักงาน (PostgreSQL)" || f.DBHost.Text != srv.Socket() {
		t.Errorf("settings on the server: operator %q (disabled %v), kind %q, host %q", f.Operator.Text, f.Operator.Disabled(), f.DBKind.Selected, f.DBHost.Text)
	}
	// Back to the file.
	w.Settings.DBKind.SetSelected("ไฟล์ในเครื่องนี้")
	w.ApplySettings()
	w.WaitIdle()
	if w.Tabs == nil || w.Dashboard.Households.Value.Text != "30" || strings.Contains(w.Window.Title(), "ฐานข้อมูลกลาง") || w.Operator() != "สมใจ ทดสอบ" {
		t.Fatalf("back on the file: %q households, title %q, operator %q", w.Dashboard.Households.Value.Text, w.Window.Title(), w.Operator())
	}
	if p.String("operator") != "สมใจ ทดสอบ" {
		t.Errorf("the name typed for the file became %q", p.String("operator"))
	}
	if _, err := os.Stat(file + ".search"); err != nil {
		t.Errorf("the file's search index: %v", err)
	}
	// The server again: the kept password opens it without asking.
	chooseServer(t, w, srv)
	if w.WaitForPassword() {
		test.Tap(w.Password.Cancel)
		w.WaitIdle()
		t.Fatal("the kept password was not used: the password was asked again")
	}
	w.WaitIdle()
	if w.Tabs == nil || w.Dashboard.Households.Value.Text != "20" {
		t.Errorf("the kept password did not open the shared database: %v", w.Tabs != nil)
	}
}

// Cancel in the password dialog leaves the window saying so, with the
// way back to the file, which the settings then keep; a database named at
// start (--db) is not replaced by the settings until the next start.
func TestPasswordCancelledBackToTheFile(t *testing.T) {
	srv := officeServer(t, 5)
	w, _, p := fileAndServerWindow(t, 30, false)
	chooseServer(t, w, srv)
	if !w.WaitForPassword() {
		t.Fatalf("no password dialog: %q", w.Message.Text)
	}
	test.Tap(w.Password.Cancel)
	w.WaitIdle()
	if w.Tabs != nil || w.UseFile == nil || !strings.Contains(w.Message.Text, "ยกเลิกการเชื่อมต่อ") {
		t.Fatalf("after Cancel: %q", w.Message.Text)
	}
	test.Tap(w.UseFile)
	w.WaitIdle()
	if w.Tabs == nil || w.Dashboard.Households.Value.Text != "30" || p.String("db_kind") != "file" {
		t.Fatalf("back to the file: tabs %v, kind %q", w.Tabs != nil, p.String("db_kind"))
	}

	pinned, _, pp := fileAndServerWindow(t, 10, true)
	chooseServer(t, pinned, srv)
	pinned.WaitIdle()
	if pinned.Password != nil || pinned.Tabs == nil || pinned.Dashboard.Households.Value.Text != "10" || strings.Contains(pinned.Window.Title(), "ฐานข้อมูลกลาง") {
		t.Errorf("a database named at start was replaced at once")
	}
	if pp.String("db_kind") != "postgres" {
		t.Errorf("the choice was not kept for the next start")
	}
}

// A window started on a server's address (--db postgres://…, QMDESK_DB,
// or the settings at the last start: cmd/qmdesk gives Env.Server and no
// store) asks the password at once and opens on the server; the file
// stays closed until the clerk goes back to it.
func TestWindowStartsOnTheServer(t *testing.T) {
	srv := officeServer(t, 5)
	dsn := (ui.Server{Host: srv.Socket(), Database: "qm", Role: "somsri"}).DSN()
	var fileStore ui.Store
	w, _, _ := fileAndServerWindowWith(t, 10, true, func(env *ui.Env) {
		fileStore = env.Store
		env.Store, env.Server = nil, dsn
	})
	t.Cleanup(func() { closeIt(fileStore) })
	if !w.WaitForPassword() {
		t.Fatalf("no password asked at start: %q", w.Message.Text)
	}
	if !strings.Contains(w.Window.Title(), "ฐานข้อมูลกลาง: "+srv.Socket()+"/qm (somsri)") {
		t.Errorf("while connecting, the title says %q", w.Window.Title())
	}
	w.Password.Password.SetText("pw-1")
	test.Tap(w.Password.Connect)
	w.WaitIdle()
	if w.Tabs == nil || w.Dashboard.Households.Value.Text != "5" || w.Operator() != "somsri" {
		t.Fatalf("the window on the server: tabs %v, message %q", w.Tabs != nil, w.Message.Text)
	}
}

func closeIt(s ui.Store) {
	if c, ok := s.(interface{ Close() error }); ok {
		c.Close()
	}
}
