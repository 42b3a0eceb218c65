package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/jackc/pgx/v5"

	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/data/postgres"
	"qmdesk/data/postgres/pgtest"
	"qmdesk/ui"
)

// boltFiles makes and opens bbolt files as cmd/qmdesk's wiring does.
var boltFiles = app.Files{
	Create: func(path string, build func(data.Store) error) error {
		return bolt.Create(path, bolt.Options{Clock: clock}, func(s *bolt.Store) error { return build(s) })
	},
	Open: func(path string, readOnly bool) (data.Store, error) {
		s, err := bolt.Open(path, bolt.Options{ReadOnly: readOnly, Clock: clock})
		if err != nil {
			return nil, err
		}
		return s, nil
	},
}

// withFiles gives the window the file store's files, and the server's
// store its backup, as cmd/qmdesk does.
func withFiles(env *ui.Env) {
	env.Files = boltFiles
	open := env.OpenServer
	env.OpenServer = func(ctx context.Context, dsn string, ask ui.AskPassword) (ui.Store, error) {
		s, err := open(ctx, dsn, ask)
		if ps, ok := s.(*postgres.Store); ok {
			ps.SetBackup(func(ctx context.Context, s *postgres.Store, path string, progress func(done, total int64)) error {
				return app.BackupToFile(ctx, s, boltFiles, path, progress)
			})
		}
		return s, err
	}
}

// emptyDatabase makes the database name on srv with qmdesk's tables and
// no province.
func emptyDatabase(t *testing.T, srv *pgtest.Server, name string) {
	t.Helper()
	ctx := context.Background()
	if err := srv.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	s, err := postgres.Open(ctx, srv.DSN(name), clock)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// provinceOf is the province and the number of households of the
// database name on srv (the superuser reads it).
func provinceOf(t *testing.T, srv *pgtest.Server, name string) (string, int) {
	t.Helper()
	ctx := context.Background()
	s, err := postgres.Open(ctx, srv.DSN(name), clock)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, err := s.Meta(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sz, err := s.Sizes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return m.Province, sz.Households
}

// moveToServer opens the settings, names the database name on srv and
// presses the move, giving the password.
func moveToServer(t *testing.T, w *ui.MainWindow, srv *pgtest.Server, name string) {
	t.Helper()
	w.MenuSettings.Action()
	f := w.Settings
	if f.Move == nil || f.Move.Text != "ย้ายข้อมูลไปฐานข้อมูลกลาง…" {
		t.Fatalf("the file's settings offer no move to the server: %v", f.Move)
	}
	f.DBKind.SetSelected("ฐานข้อมูลกลางของสำนักงาน (PostgreSQL)")
	f.DBHost.SetText(srv.Socket())
	f.DBName.SetText(name)
	f.DBRole.SetText("somsri")
	test.Tap(f.Move)
	if !w.WaitForPassword() {
		t.Fatalf("no password asked: %q", w.LastError())
	}
	w.Password.Password.SetText("pw-1")
	test.Tap(w.Password.Connect)
	w.WaitIdle()
}

// The file's settings move the province to an empty database on the
// server: the command line's warning and a question first, then the copy
// compared and checked, then the window on the server if the clerk says
// so. The file stays as it was. A database that is not empty is refused.
func TestMoveFileToServer(t *testing.T) {
	srv := officeServer(t, 5)
	emptyDatabase(t, srv, "moved")
	w, file, p := fileAndServerWindowWith(t, 30, false, withFiles)
	moveToServer(t, w, srv, "moved")
	if w.Move == nil || w.Move.Go == nil {
		t.Fatalf("no question before the move: %q", w.LastError())
	}
	warn := app.MigrateWarning("ย้ายข้อมูลจังหวัดอุดรธานี", "ไฟล์ในเครื่องนี้", srv.Socket()+"/moved (somsri)").Thai
	if !strings.Contains(w.Move.Text.Text, warn) || !strings.Contains(w.Move.Text.Text, "ยกเลิก (qmdesk undo) ไม่ได้อีก") {
		t.Errorf("the warning: %q, want it to hold %q", w.Move.Text.Text, warn)
	}
	if prov, _ := provinceOf(t, srv, "moved"); prov != "" {
		t.Fatalf("the server was written before the clerk said yes: %q", prov)
	}
	test.Tap(w.Move.Go)
	w.WaitIdle()
	if w.Move == nil || w.Move.Use == nil {
		t.Fatalf("no result: %q", w.LastError())
	}
	if !strings.Contains(w.Move.Text.Text, "ครัวเรือน 30") || !strings.Contains(w.Move.Text.Text, "ตรวจเทียบแล้ว") {
		t.Errorf("the result: %q", w.Move.Text.Text)
	}
	if prov, n := provinceOf(t, srv, "moved"); prov != "41" || n != 30 {
		t.Errorf("the server holds province %q, %d households", prov, n)
	}
	test.Tap(w.Move.Use)
	w.WaitIdle()
	if w.Tabs == nil || w.Dashboard.Households.Value.Text != "30" || !strings.Contains(w.Window.Title(), "ฐานข้อมูลกลาง: "+srv.Socket()+"/moved (somsri)") {
		t.Fatalf("the window is not on the server: %q, %q", w.Window.Title(), w.LastError())
	}
	if p.String("db_kind") != "postgres" || p.String("db_name") != "moved" || p.String("db_role") != "somsri" {
		t.Errorf("the settings kept: %q %q %q", p.String("db_kind"), p.String("db_name"), p.String("db_role"))
	}
	// The file as it was: its households, no migrate entry.
	w.CloseStore()
	s, err := bolt.Open(file, bolt.Options{ReadOnly: true, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	sz, _ := s.Sizes(ctx)
	log, _ := s.Audit(ctx, 0, 0)
	if sz.Households != 30 || len(log) == 0 || log[len(log)-1].Op == "migrate" {
		t.Errorf("the file changed: %d households, %d audit entries", sz.Households, len(log))
	}

	// A database that holds a province is refused before any question.
	other, _, _ := fileAndServerWindowWith(t, 3, false, withFiles)
	moveToServer(t, other, srv, "qm")
	if other.Move != nil || !strings.Contains(other.LastError(), "มีข้อมูลอยู่แล้ว") {
		t.Errorf("a database holding a province: question %v, error %q", other.Move != nil, other.LastError())
	}
	if prov, n := provinceOf(t, srv, "qm"); prov != "41" || n != 5 {
		t.Errorf("the refused database changed: %q, %d households", prov, n)
	}
}

// Cancel during the copy leaves the server's database empty, and the
// window says so; Cancel at the question writes nothing either.
func TestMoveCancelledLeavesTheServerEmpty(t *testing.T) {
	srv := officeServer(t, 5)
	emptyDatabase(t, srv, "moved")
	w, _, _ := fileAndServerWindowWith(t, 400, false, withFiles)
	// Cancel at the password: nothing said, nothing asked.
	w.MenuSettings.Action()
	f := w.Settings
	f.DBKind.SetSelected("ฐานข้อมูลกลางของสำนักงาน (PostgreSQL)")
	f.DBHost.SetText(srv.Socket())
	f.DBName.SetText("moved")
	f.DBRole.SetText("somsri")
	test.Tap(f.Move)
	if !w.WaitForPassword() {
		t.Fatalf("no password asked: %q", w.LastError())
	}
	test.Tap(w.Password.Cancel)
	w.WaitIdle()
	if w.Move != nil || w.LastError() != "" || w.OpenDialogs() != 0 {
		t.Fatalf("after Cancel at the password: question %v, error %q, %d dialogs", w.Move != nil, w.LastError(), w.OpenDialogs())
	}

	moveToServer(t, w, srv, "moved")
	if w.Move == nil {
		t.Fatalf("no question: %q", w.LastError())
	}
	test.Tap(w.Move.Stay)
	w.WaitIdle()
	if prov, _ := provinceOf(t, srv, "moved"); prov != "" || w.Move != nil {
		t.Fatalf("Cancel at the question: province %q", prov)
	}

	moveToServer(t, w, srv, "moved")
	test.Tap(w.Move.Go)
	if w.Running == nil {
		t.Fatal("the move does not run as a job")
	}
	test.Tap(w.Running.Cancel)
	w.WaitIdle()
	if prov, n := provinceOf(t, srv, "moved"); prov != "" || n != 0 {
		t.Errorf("after a cancel the server holds %q, %d households", prov, n)
	}
	if !strings.Contains(w.MoveLeft, "ยกเลิกการย้ายข้อมูลแล้ว") || !strings.Contains(w.MoveLeft, "ฐานข้อมูลกลางยังว่างเหมือนเดิม") {
		t.Errorf("the window says %q", w.MoveLeft)
	}
	if strings.Contains(w.Window.Title(), "ฐานข้อมูลกลาง") || w.Dashboard.Households.Value.Text != "400" {
		t.Errorf("the window left the file: %q", w.Window.Title())
	}
}

// execIn runs sql in the database name of srv as its superuser.
func execIn(t *testing.T, srv *pgtest.Server, name, sql string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, srv.DSN(name))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
}

// serverWindow is a window opened on the database qm of srv, with the
// file store's files and the server's backup as cmd/qmdesk wires them.
func serverWindow(t *testing.T, srv *pgtest.Server) (*ui.MainWindow, fyne.Preferences) {
	t.Helper()
	dsn := (ui.Server{Host: srv.Socket(), Database: "qm", Role: "somsri"}).DSN()
	var fileStore ui.Store
	w, _, p := fileAndServerWindowWith(t, 10, false, func(env *ui.Env) {
		withFiles(env)
		fileStore = env.Store
		env.Store, env.Server = nil, dsn
	})
	t.Cleanup(func() { closeIt(fileStore) })
	if !w.WaitForPassword() {
		t.Fatalf("no password asked at start: %q", w.Message.Text)
	}
	w.Password.Password.SetText("pw-1")
	test.Tap(w.Password.Connect)
	w.WaitIdle()
	if w.Tabs == nil {
		t.Fatalf("the window on the server: %q", w.Message.Text)
	}
	return w, p
}

// A server's settings move the province back into a new file the clerk
// names; the window then works on that file, also at the next start
// (ui.ChosenFile). The server stays as it was.
func TestMoveServerToFile(t *testing.T) {
	srv := officeServer(t, 20)
	w, p := serverWindow(t, srv)
	w.MenuSettings.Action()
	f := w.Settings
	if f.Move == nil || f.Move.Text != "ย้ายข้อมูลกลับมาเป็นไฟล์ในเครื่องนี้…" {
		t.Fatalf("the server's settings offer no move back: %v", f.Move)
	}
	test.Tap(f.Move)
	if w.Chooser == nil {
		t.Fatal("no file chooser")
	}
	path := filepath.Join(t.TempDir(), "กลับมา.db")
	w.Chooser.Name.SetText(path)
	test.Tap(w.Chooser.Confirm)
	w.WaitIdle()
	if w.Move == nil || w.Move.Go == nil || !strings.Contains(w.Move.Text.Text, "ไปที่ "+path) || !strings.Contains(w.Move.Text.Text, "ต้นทางไม่เปลี่ยนแปลง") {
		t.Fatalf("the question: %v %q", w.Move != nil, w.LastError())
	}
	test.Tap(w.Move.Go)
	w.WaitIdle()
	if w.Move == nil || w.Move.Use == nil || !strings.Contains(w.Move.Text.Text, "ครัวเรือน 20") {
		t.Fatalf("no result: %q", w.LastError())
	}
	test.Tap(w.Move.Use)
	w.WaitIdle()
	if w.Tabs == nil || w.Dashboard.Households.Value.Text != "20" || strings.Contains(w.Window.Title(), "ฐานข้อมูลกลาง") {
		t.Fatalf("the window is not on the new file: %q %q", w.Window.Title(), w.LastError())
	}
	if ui.ChosenFile(p) != path || p.String("db_kind") != "file" {
		t.Errorf("the next start opens %q (%q)", ui.ChosenFile(p), p.String("db_kind"))
	}
	if prov, n := provinceOf(t, srv, "qm"); prov != "41" || n != 20 {
		t.Errorf("the server changed: %q, %d households", prov, n)
	}
}

// Backup from the window on a server writes a qmdesk file that opens
// and passes its check.
func TestBackupOnTheServer(t *testing.T) {
	srv := officeServer(t, 12)
	w, _ := serverWindow(t, srv)
	dismissUnfinished(t, w)
	w.MenuBackup.Action()
	if w.Chooser == nil {
		t.Fatal("no file chooser")
	}
	path := filepath.Join(t.TempDir(), "สำรอง.db")
	w.Chooser.Name.SetText(path)
	test.Tap(w.Chooser.Confirm)
	w.WaitIdle()
	if w.LastError() != "" {
		t.Fatalf("the backup failed: %q", w.LastError())
	}
	s, err := bolt.Open(path, bolt.Options{ReadOnly: true, Clock: clock})
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	m, _ := s.Meta(ctx)
	sz, _ := s.Sizes(ctx)
	check, err := s.Check(ctx)
	if m.Province != "41" || sz.Households != 12 || err != nil || !check.OK() {
		t.Errorf("the backup: province %q, %d households, check %v %v", m.Province, sz.Households, check.Problems, err)
	}
	if _, err := os.Stat(path + ".new.tmp"); err == nil {
		t.Error("a temporary file is left")
	}
}

// On a server, the repair's question and result say what the server's
// repair does (counters rebuilt in one transaction, no copy taken, no
// record set aside), and a rewritten audit log's advice names no file.
func TestRepairWordsOnTheServer(t *testing.T) {
	srv := officeServer(t, 8)
	w, _ := serverWindow(t, srv)
	dismissUnfinished(t, w)
	execIn(t, srv, "qm", `UPDATE counters SET n = n + 7 WHERE ctid = (SELECT ctid FROM counters LIMIT 1)`)
	w.MenuRepair.Action()
	w.WaitIdle()
	if w.RepairOffer == nil {
		t.Fatalf("no repair offered: %q", w.LastError())
	}
	offer := w.RepairOffer.Text
	if strings.Contains(offer, "สำรองไฟล์") || strings.Contains(offer, "แยกเก็บ") || !strings.Contains(offer, "ไม่ได้สำรองข้อมูลไว้ก่อน") {
		t.Errorf("the question on a server: %q", offer)
	}
	w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	w.RepairDatabase()
	w.WaitIdle()
	if w.RepairDone == nil {
		t.Fatalf("no result: %q", w.LastError())
	}
	done := w.RepairDone.Text
	if strings.Contains(done, "สำรองไฟล์") || strings.Contains(done, "ไฟล์สำรอง") || !strings.Contains(done, "ตัวนับของหน้าสรุป") || !strings.Contains(done, "ถูกต้องครบถ้วน") {
		t.Errorf("the result on a server: %q", done)
	}

	execIn(t, srv, "qm", `UPDATE audit SET who = 'someone else' WHERE seq = 1`)
	w.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	w.MenuRepair.Action()
	w.WaitIdle()
	if w.OpenDialogs() != 1 || w.AuditAdvice == nil || !strings.Contains(w.AuditAdvice.Text, data.AuditTamperedAdviceServer) || strings.Contains(w.AuditAdvice.Text, ".audit") {
		t.Errorf("the advice on a server: %v", w.AuditAdvice)
	}
}

// A file with rows of an import waiting for review is not moved: the
// window says so before it connects, and the server stays empty.
func TestMoveRefusedWhileRowsWaitForReview(t *testing.T) {
	srv := officeServer(t, 5)
	emptyDatabase(t, srv, "moved")
	w, _, _ := fileAndServerWindowWith(t, 10, false, func(env *ui.Env) {
		withFiles(env)
		ctx := data.WithOperator(context.Background(), "สมใจ ทดสอบ")
		b := &data.ImportBatch{File: "เมือง.xlsx", SHA256: "review"}
		b.AddReview(data.Review{Kind: data.ReviewConflict, Sheet: "S", Row: 2, Reason: "ขัดกับข้อมูลในโปรแกรม", Candidates: []uint64{1}})
		b.AddRow(data.RowResult{Sheet: "S", Row: 2, Fate: data.FateReview, Reason: "ขัดกับข้อมูลในโปรแกรม"})
		b.Counts.Add(data.FateReview)
		if _, err := env.Store.CommitImport(ctx, b); err != nil {
			t.Fatal(err)
		}
	})
	w.MenuSettings.Action()
	f := w.Settings
	f.DBKind.SetSelected("ฐานข้อมูลกลางของสำนักงาน (PostgreSQL)")
	f.DBHost.SetText(srv.Socket())
	f.DBName.SetText("moved")
	f.DBRole.SetText("somsri")
	test.Tap(f.Move)
	if w.WaitForPassword() {
		test.Tap(w.Password.Cancel)
		w.WaitIdle()
		t.Fatal("the window connected to move a file with rows waiting for review")
	}
	w.WaitIdle()
	if w.Move != nil || !strings.Contains(w.LastError(), "มีแถวที่รอตรวจสอบจากการนำเข้า 1 แถว") {
		t.Errorf("question %v, error %q", w.Move != nil, w.LastError())
	}
	if prov, _ := provinceOf(t, srv, "moved"); prov != "" {
		t.Errorf("the server was written: %q", prov)
	}
}

// Cancel during the copy into a new file leaves no database file
// (bolt.Create names it only once the copy is whole; the file store's
// lock file beside it stays, as it does beside every database), and the
// window says so.
func TestMoveToFileCancelledLeavesNoFile(t *testing.T) {
	srv := officeServer(t, 400)
	w, _ := serverWindow(t, srv)
	w.MenuSettings.Action()
	test.Tap(w.Settings.Move)
	path := filepath.Join(t.TempDir(), "กลับมา.db")
	w.Chooser.Name.SetText(path)
	test.Tap(w.Chooser.Confirm)
	w.WaitIdle()
	if w.Move == nil {
		t.Fatalf("no question: %q", w.LastError())
	}
	test.Tap(w.Move.Go)
	if w.Running == nil {
		t.Fatal("the move does not run as a job")
	}
	test.Tap(w.Running.Cancel)
	w.WaitIdle()
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*"))
	if len(left) > 1 || len(left) == 1 && left[0] != path+".lock" {
		t.Errorf("after a cancel the folder holds %v", left)
	}
	if !strings.Contains(w.MoveLeft, "ยกเลิกการย้ายข้อมูลแล้ว") || !strings.Contains(w.MoveLeft, "ไม่มีไฟล์ฐานข้อมูลใหม่เกิดขึ้น") {
		t.Errorf("the window says %q", w.MoveLeft)
	}
	if !strings.Contains(w.Window.Title(), "ฐานข้อมูลกลาง") {
		t.Errorf("the window left the server: %q", w.Window.Title())
	}
}
