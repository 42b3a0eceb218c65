package ui_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2/test"

	"qmdesk/ui"
)

// A file the system refuses is told by its cause and what to do, not as
// a fault of the program: an export into a folder that is not there, a
// database on a full disk.
func TestFileRefusalsShowTheirCause(t *testing.T) {
	h := newHarness(t, 5)
	missing := filepath.Join(h.dir, "แฟลชไดรฟ์ที่ถอดออกแล้ว", "สรุป.xlsx")
	h.w.Export.ExportSummary(missing)
	h.w.WaitIdle()
	if !strings.Contains(h.w.LastError(), "ไม่พบไฟล์หรือโฟลเดอร์") || strings.Contains(h.w.LastError(), "ไม่คาดคิด") || strings.Contains(h.w.LastError(), "Excel") {
		t.Errorf("export into a missing folder: %q", h.w.LastError())
	}
	if _, err := os.Stat(filepath.Join(h.dir, "qmdesk-errors.log")); !os.IsNotExist(err) {
		t.Errorf("a refusal the clerk can act on went to the error log: %v", err)
	}

	if runtime.GOOS == "windows" {
		return // the system's own number for a full disk is tested in data
	}
	a := test.NewTempApp(t)
	full := &fs.PathError{Op: "write", Path: filepath.Join(h.dir, "qm.db"), Err: syscall.ENOSPC}
	w := ui.NewMainWindow(a, ui.Env{OpenErr: full, Geo: mustGeo()})
	if !strings.Contains(w.Message.Text, "พื้นที่ในดิสก์เต็ม") || strings.Contains(w.Message.Text, "ภายในโปรแกรม") {
		t.Errorf("a full disk: %q", w.Message.Text)
	}
}
