package ui

import (
	"context"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/data"
)

// The database the window works on is the file in the clerk's data
// folder (the default, which cmd/qmdesk opens before the window), or the
// office's shared database on a PostgreSQL server, which the window opens
// itself, so that it can ask the clerk's password in its own dialog.

// Preference keys of the database the settings chose. No password is
// kept in them: the clerk types it, or the OS keyring keeps it.
const (
	prefDBKind = "db_kind" // dbKindServer: the server's; anything else: the file
	prefDBHost = "db_host"
	prefDBPort = "db_port"
	prefDBName = "db_name"
	prefDBRole = "db_role"
)

const dbKindServer = "postgres"

// Server is a database on a PostgreSQL server, as the settings keep it.
type Server struct {
	Host     string // a host name or address, or a Unix socket's folder (/…)
	Port     int    // 0: PostgreSQL's 5432
	Database string
	Role     string // the clerk's own database role
}

// DSN is the server's address as the store opens it:
// postgres://role@host:port/database, a Unix socket's folder given as
// the host parameter, with a connect_timeout of connectTimeout seconds
// (without one, a server that does not answer keeps the window on
// "connecting" for as long as the system waits, minutes).
func (s Server) DSN() string {
	port := strconv.Itoa(s.port())
	u := url.URL{Scheme: "postgres", User: url.User(s.Role), Path: "/" + s.Database}
	q := url.Values{"connect_timeout": {strconv.Itoa(connectTimeout)}}
	if strings.HasPrefix(s.Host, "/") {
		q.Set("host", s.Host)
		q.Set("port", port)
	} else {
		u.Host = net.JoinHostPort(s.Host, port)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// connectTimeout is how many seconds the window waits for a server to
// answer a connection.
const connectTimeout = 15

func (s Server) port() int {
	if s.Port == 0 {
		return 5432
	}
	return s.Port
}

// Label names the database for the clerk: host/database (role).
func (s Server) Label() string {
	host := s.Host
	if s.port() != 5432 {
		host += ":" + strconv.Itoa(s.port())
	}
	return host + "/" + s.Database + " (" + s.Role + ")"
}

// ParseServer reads a server's address (postgres://… or postgresql://…)
// into its parts; ok is false for anything else.
func ParseServer(dsn string) (s Server, ok bool) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return s, false
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return s, false
	}
	q := u.Query()
	s.Host = u.Hostname()
	if h := q.Get("host"); h != "" {
		s.Host = h
	}
	port := u.Port()
	if p := q.Get("port"); p != "" {
		port = p
	}
	if port != "" {
		if s.Port, err = strconv.Atoi(port); err != nil {
			return s, false
		}
	}
	s.Database = strings.TrimPrefix(u.Path, "/")
	if u.User != nil {
		s.Role = u.User.Username()
	}
	return s, true
}

// ChosenServer is the shared database the settings chose, if they chose
// one (else the file).
func ChosenServer(p fyne.Preferences) (Server, bool) {
	if p.String(prefDBKind) != dbKindServer {
		return Server{}, false
	}
	s := Server{Host: p.String(prefDBHost), Port: p.Int(prefDBPort), Database: p.String(prefDBName), Role: p.String(prefDBRole)}
	return s, s.Host != "" && s.Database != "" && s.Role != ""
}

// AskPassword asks the clerk the password of role on server; keep is her
// choice to keep it in the OS keyring once it has worked. It has the
// signature of data/postgres's Asker.
type AskPassword func(ctx context.Context, role, server string) (password string, keep bool, err error)

// onServer tells whether the window works on a server's database.
func (w *MainWindow) onServer() bool { return w.env.Server != "" }

// server is the server's database the window works on (or tries to).
func (w *MainWindow) server() Server {
	s, _ := ParseServer(w.env.Server)
	if r, ok := w.store.(interface{ Role() string }); ok && r.Role() != "" {
		s.Role = r.Role()
	}
	return s
}

// DatabaseLabel says which database the window works on, as its title
// shows it: "" for the file (the title stays as it always was), else
// "ฐานข้อมูลกลาง: host/database (role)".
func (w *MainWindow) DatabaseLabel() string {
	if !w.onServer() {
		return ""
	}
	return w.t.tr("ฐานข้อมูลกลาง: ", "Shared database: ") + w.server().Label()
}

// serverSearchIndex is where the register's search index of a server's
// database is kept between runs: in the clerk's cache folder, one file
// per server and database ("": none, when there is no cache folder or it
// cannot be made).
func serverSearchIndex(s Server) string {
	dir, err := os.UserCacheDir()
	if err != nil || dir == "" {
		return ""
	}
	dir = filepath.Join(dir, "qmdesk", "search")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Printf("no folder for the search index: %v", err)
		return ""
	}
	name := unsafeInName.ReplaceAllString(s.Host+"_"+strconv.Itoa(s.port())+"_"+s.Database, "_")
	return filepath.Join(dir, name+".search")
}

var unsafeInName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// errConnectCancelled is the password dialog's Cancel.
var errConnectCancelled = data.Errorf(data.EINVALID, "ยกเลิกการเชื่อมต่อฐานข้อมูลกลางแล้ว เชื่อมต่ออีกครั้ง หรือกลับไปใช้ไฟล์ในเครื่องนี้ได้ที่ปุ่มด้านล่าง",
	"connecting to the shared database was cancelled")

// passwordForm is the dialog asking the password of the clerk's database
// role, while it is open.
type passwordForm struct {
	Text     *widget.Label // whose password, on which server
	Password *widget.Entry
	Keep     *widget.Check // keep it in the OS keyring
	Connect  *widget.Button
	Cancel   *widget.Button
	d        dialog.Dialog
	answer   chan passwordAnswer
}

type passwordAnswer struct {
	password string
	keep     bool
	err      error
}

// askPassword is the window's AskPassword: it shows the password dialog
// on the UI thread and waits for the clerk's answer (or ctx's end). It
// runs off the UI thread, in the open.
func (w *MainWindow) askPassword(ctx context.Context, role, server string) (string, bool, error) {
	answer := make(chan passwordAnswer, 1)
	w.doAndWait(func() { w.showPasswordDialog(role, server, answer) })
	select {
	case a := <-answer:
		return a.password, a.keep, a.err
	case <-ctx.Done():
		w.do(func() {
			if w.Password != nil && w.Password.answer == answer {
				w.Password.d.Hide()
			}
		})
		return "", false, ctx.Err()
	}
}

func (w *MainWindow) showPasswordDialog(role, server string, answer chan passwordAnswer) {
	t := w.t
	f := &passwordForm{answer: answer}
	f.Text = widget.NewLabel(t.tr("รหัสผ่านฐานข้อมูลกลางของชื่อผู้ใช้ ", "The shared database's password of the role ") + role +
		t.tr(" ที่เซิร์ฟเวอร์ ", " on the server ") + server)
	f.Text.Wrapping = fyne.TextWrapWord
	f.Password = widget.NewPasswordEntry()
	f.Keep = widget.NewCheck(t.tr("จำรหัสผ่านไว้ในเครื่องนี้", "Keep the password on this computer"), nil)
	hint := widget.NewLabel(t.tr("เก็บไว้ในที่เก็บรหัสผ่านของระบบ (ไม่เขียนลงไฟล์การตั้งค่า) ครั้งหน้าจึงไม่ต้องพิมพ์",
		"In the system's password store (never in the settings file): not asked next time"))
	hint.Wrapping = fyne.TextWrapWord
	done := func(a passwordAnswer) {
		if w.Password != f {
			return
		}
		w.Password = nil
		f.d.Hide()
		f.answer <- a
	}
	f.Connect = widget.NewButton(t.tr("เชื่อมต่อ", "Connect"), func() {
		if f.Password.Text == "" {
			w.Window.Canvas().Focus(f.Password)
			return
		}
		done(passwordAnswer{password: f.Password.Text, keep: f.Keep.Checked})
	})
	f.Connect.Importance = widget.HighImportance
	f.Cancel = widget.NewButton(t.tr("ยกเลิก", "Cancel"), func() { done(passwordAnswer{err: errConnectCancelled}) })
	f.Password.OnSubmitted = func(string) { f.Connect.OnTapped() }
	box := container.NewVBox(f.Text, f.Password, f.Keep, hint)
	d := dialog.NewCustomWithoutButtons(t.tr("เชื่อมต่อฐานข้อมูลกลาง", "Connect to the shared database"), box, w.Window)
	d.SetButtons([]fyne.CanvasObject{f.Cancel, f.Connect})
	f.d = d
	f.d.Resize(fyne.NewSize(520, 260))
	w.Password = f
	w.showForm(f.d, f.Connect)
	// Escape (or any other close) is Cancel: the open waits for an answer.
	f.d.SetOnClosed(func() {
		w.forgetDialog(f.d)
		done(passwordAnswer{err: errConnectCancelled})
	})
	w.Window.Canvas().Focus(f.Password)
}

// connect opens the shared database at dsn off the UI thread, asking the
// password in the dialog, and builds the window on it (or says why not,
// with a way to try again or back to the file).
func (w *MainWindow) connect(dsn string) {
	w.env.Server, w.env.OpenErr = dsn, nil
	w.Window.SetTitle(w.title())
	w.Message = widget.NewLabel(w.t.tr("กำลังเชื่อมต่อ", "Connecting to the ") + w.DatabaseLabel() + "…")
	w.Window.SetContent(container.NewCenter(w.Message))
	if sz := w.Window.Canvas().Size(); sz.Width < 1000 || sz.Height < 600 {
		// The small message of a refusal: room for the password dialog.
		w.Window.Resize(fyne.NewSize(1280, 800))
	}
	if w.env.OpenServer == nil {
		w.useStore(nil, data.Errorf(data.EINVALID, "โปรแกรมรุ่นนี้เปิดฐานข้อมูลกลางบนเซิร์ฟเวอร์ไม่ได้", "this program opens the file only"))
		return
	}
	w.goBackground(func() {
		s, err := w.env.OpenServer(context.Background(), dsn, w.askPassword)
		w.doAndWait(func() {
			if w.env.Server != dsn { // the clerk went back to the file meanwhile
				closeStore(s)
				return
			}
			w.useStore(s, err)
		})
	})
}

// openFile opens the file in the clerk's data folder again: the way back
// from a server's database.
func (w *MainWindow) openFile() {
	w.env.Server = ""
	if w.env.OpenFile == nil {
		w.useStore(nil, data.Errorf(data.EINVALID, "เปิดไฟล์ฐานข้อมูลในเครื่องนี้ไม่ได้: กรุณาเปิดโปรแกรมใหม่", "no way to open the file"))
		return
	}
	w.useStore(w.env.OpenFile())
}

// useStore puts the window on s (nil: none, err says why), which it
// closes when it leaves it, and builds the screens again from it.
func (w *MainWindow) useStore(s Store, err error) {
	w.closeStore()
	w.store, w.env.Store, w.env.OpenErr = s, s, err
	w.progress, w.exporter = nil, nil
	if s != nil {
		w.progress = &app.Progress{Store: s, Geo: w.env.Geo, Clock: w.env.Clock}
		w.exporter = &app.Exporter{Store: s, Geo: w.env.Geo, Progress: w.progress, Digits: w.t.digits}
	}
	w.env.SearchIndex = w.fileIndex
	if w.onServer() {
		w.env.SearchIndex = serverSearchIndex(w.server())
	}
	w.register, w.registerAt, w.registerSource = nil, "", ""
	// build shows "opening" until the screens are made (the glfw window
	// takes no nil content).
	w.Tabs, w.Setup, w.Retry, w.UseFile = nil, nil, nil, nil
	w.loadSettings() // the operator: the role on a server
	w.build()
	w.startWatch() // other clerks' changes, on a store that tells them
	if s != nil {
		// From the small message of a database that could not be
		// opened, to the main window's size and place.
		w.Window.Resize(fyne.NewSize(1280, 800))
		w.FitScreen()
	}
}

// closeStore closes the database the window works on, if any.
func (w *MainWindow) closeStore() {
	w.endWatch()
	closeStore(w.store)
	w.store, w.env.Store = nil, nil
}

func closeStore(s Store) {
	if c, ok := s.(io.Closer); ok && s != nil {
		if err := c.Close(); err != nil {
			log.Printf("closing the database: %v", err)
		}
	}
}

// CloseStore closes the database the window works on, once the program's
// loop has ended.
func (w *MainWindow) CloseStore() { w.closeStore() }

// openErrorButtons are the ways on from a shared database that could not
// be opened: try again, or back to the file on this computer.
func (w *MainWindow) openErrorButtons() fyne.CanvasObject {
	t := w.t
	w.Retry = widget.NewButton(t.tr("เชื่อมต่ออีกครั้ง", "Try again"), func() { w.connect(w.env.Server) })
	w.Retry.Importance = widget.HighImportance
	w.UseFile = widget.NewButton(t.tr("กลับไปใช้ไฟล์ในเครื่องนี้", "Back to the file on this computer"), func() {
		w.app.Preferences().SetString(prefDBKind, "file")
		w.openFile()
	})
	return container.NewHBox(w.Retry, w.UseFile)
}

// databaseSection is the settings' database section, filled from the
// settings kept.
func (w *MainWindow) databaseSection(f *settingsForm) []*widget.FormItem {
	t := w.t
	p := w.app.Preferences()
	kinds := t.dbKinds()
	f.DBHost, f.DBPort, f.DBName, f.DBRole = newEntry(w), newEntry(w), newEntry(w), newEntry(w)
	f.DBHost.SetText(p.String(prefDBHost))
	f.DBHost.SetPlaceHolder(t.tr("ชื่อหรือที่อยู่ของเซิร์ฟเวอร์ เช่น 192.168.1.10", "The server's name or address"))
	if port := p.Int(prefDBPort); port != 0 {
		f.DBPort.SetText(strconv.Itoa(port))
	}
	f.DBPort.SetPlaceHolder("5432")
	f.DBName.SetText(p.String(prefDBName))
	f.DBName.SetPlaceHolder("qmdesk")
	f.DBRole.SetText(p.String(prefDBRole))
	f.DBRole.SetPlaceHolder(t.tr("ชื่อผู้ใช้ของท่านที่ผู้ดูแลระบบตั้งให้", "Your own role, from the administrator"))
	f.DBKind = widget.NewRadioGroup(kinds, func(s string) {
		for _, e := range []*entry{f.DBHost, f.DBPort, f.DBName, f.DBRole} {
			if s == kinds[1] {
				e.Enable()
			} else {
				e.Disable()
			}
		}
	})
	f.DBKind.Required = true
	if p.String(prefDBKind) == dbKindServer {
		f.DBKind.SetSelected(kinds[1])
	} else {
		f.DBKind.SetSelected(kinds[0])
	}
	note := t.tr("เมื่อบันทึก โปรแกรมจะปิดฐานข้อมูลที่เปิดอยู่แล้วเปิดฐานข้อมูลที่เลือก รหัสผ่านของฐานข้อมูลกลางจะถามเมื่อเชื่อมต่อ และไม่เก็บไว้ในการตั้งค่า",
		"On Save the window closes the database open and opens the one chosen. The shared database's password is asked when connecting, never kept in the settings")
	if w.env.Pinned {
		note = t.tr("ครั้งนี้โปรแกรมเปิดฐานข้อมูลที่ระบุไว้ในคำสั่งเปิดโปรแกรม ฐานข้อมูลที่เลือกที่นี่จะใช้เมื่อเปิดโปรแกรมครั้งหน้าโดยไม่ระบุฐานข้อมูลในคำสั่ง",
			"This time the program opened the database named at start (--db or QMDESK_DB): the one chosen here is used from the next start without it")
	}
	f.DBNote = widget.NewLabel(note)
	f.DBNote.Wrapping = fyne.TextWrapWord
	f.DBNote.SizeName = theme.SizeNameCaptionText
	// The entries sit in a container: a form greys the label of a
	// disabled widget once, when it is drawn, and would leave it grey
	// after the shared database is chosen and the entry enabled.
	items := []*widget.FormItem{
		widget.NewFormItem(t.tr("ฐานข้อมูล", "Database"), f.DBKind),
		widget.NewFormItem(t.tr("เซิร์ฟเวอร์", "Server"), container.NewStack(f.DBHost)),
		widget.NewFormItem(t.tr("พอร์ต", "Port"), container.NewStack(f.DBPort)),
		widget.NewFormItem(t.tr("ชื่อฐานข้อมูล", "Database name"), container.NewStack(f.DBName)),
		widget.NewFormItem(t.tr("ชื่อผู้ใช้ของฐานข้อมูล", "Database role"), container.NewStack(f.DBRole)),
		widget.NewFormItem("", f.DBNote),
	}
	if f.Move = w.moveButton(f); f.Move != nil {
		items = append(items, widget.NewFormItem(t.tr("ย้ายข้อมูล", "Move the data"), container.NewHBox(f.Move)))
	}
	return items
}

// server is the shared database the section names, checked.
func (f *settingsForm) server() (Server, error) {
	s := Server{Host: strings.TrimSpace(f.DBHost.Text), Database: strings.TrimSpace(f.DBName.Text), Role: strings.TrimSpace(f.DBRole.Text)}
	if s.Host == "" || s.Database == "" || s.Role == "" {
		return s, data.Errorf(data.EINVALID, "กรุณากรอกเซิร์ฟเวอร์ ชื่อฐานข้อมูล และชื่อผู้ใช้ของฐานข้อมูลกลางให้ครบ (ขอได้จากผู้ดูแลระบบ) ฐานข้อมูลที่ใช้ยังเป็นอย่างเดิม",
			"the shared database needs its server, database name and role")
	}
	if port := strings.TrimSpace(data.ThaiToASCIIDigits(f.DBPort.Text)); port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return s, data.Errorf(data.EINVALID, "พอร์ตของเซิร์ฟเวอร์ต้องเป็นตัวเลข 1 ถึง 65535 (ปกติ 5432) ฐานข้อมูลที่ใช้ยังเป็นอย่างเดิม",
				"the server's port must be a number from 1 to 65535")
		}
		s.Port = n
	}
	return s, nil
}

// applyDatabase keeps the database the settings chose, and opens it when
// it is not the one open (at once, unless the database was named at
// start: then from the next start, which it says). It tells whether the
// window is being made again on another database.
func (w *MainWindow) applyDatabase(f *settingsForm) bool {
	t := w.t
	p := w.app.Preferences()
	dsn := ""
	if f.DBKind.Selected == t.dbKinds()[1] {
		s, err := f.server()
		if err != nil {
			w.showError(err)
			return false
		}
		p.SetString(prefDBKind, dbKindServer)
		p.SetString(prefDBHost, s.Host)
		p.SetInt(prefDBPort, s.Port)
		p.SetString(prefDBName, s.Database)
		p.SetString(prefDBRole, s.Role)
		dsn = s.DSN()
	} else {
		p.SetString(prefDBKind, "file")
	}
	if dsn == w.env.Server {
		return false
	}
	if w.env.Pinned {
		w.showDialog(dialog.NewInformation(t.tr("ฐานข้อมูล", "Database"), t.tr("บันทึกแล้ว ฐานข้อมูลที่เลือกจะใช้เมื่อเปิดโปรแกรมครั้งหน้าโดยไม่ระบุฐานข้อมูลในคำสั่ง ครั้งนี้โปรแกรมเปิดฐานข้อมูลที่ระบุไว้ในคำสั่งเปิดโปรแกรม",
			"Saved: the database chosen is used from the next start. This time the program opened the one named at start (--db or QMDESK_DB)"), w.Window))
		return false
	}
	w.closeStore()
	if dsn != "" {
		w.connect(dsn)
	} else {
		w.openFile()
	}
	return true
}
