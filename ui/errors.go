package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2/dialog"

	"qmdesk/data"
)

// expected tells whether err is one the clerk can act on (a wrong file, a
// locked database, a missing reason), as opposed to a fault of the program.
func expected(err error) bool {
	switch data.ErrorCode(err) {
	case "", data.EINTERNAL, data.EDAMAGED:
		return false
	case data.EFILE:
		// The system refused a file for a reason qmdesk cannot name: the
		// log keeps the system's own words for IT support.
		return data.FileCauseOf(err) != data.CauseUnknown
	}
	return true
}

// showError tells the clerk what went wrong and what to do. Faults of the
// program are written, in English with the time, to the error log in the
// data folder, and the message says where, so the clerk can pass it on.
func (w *MainWindow) showError(err error) {
	if err == nil {
		return
	}
	msg := w.t.errorText(err)
	if !expected(err) {
		// A fault of the store says what to do (restore a backup); any
		// other fault gets one plain sentence, not the raw error.
		var e *data.Error
		if !errors.As(err, &e) || e.Message == "" {
			msg = w.t.tr("เกิดข้อผิดพลาดที่โปรแกรมไม่คาดคิด กรุณาลองอีกครั้ง", "Something unexpected went wrong. Please try again.")
		}
		if logPath := w.logError(err); logPath != "" {
			msg += w.t.tr("\n\nถ้ายังเกิดซ้ำ กรุณาส่งไฟล์นี้ให้ผู้ดูแลระบบ:\n", "\n\nIf it happens again, please send this file to IT support:\n") + logPath
		}
	}
	w.lastError = msg
	w.showDialog(dialog.NewInformation(w.t.tr("เกิดข้อผิดพลาด", "Error"), msg, w.Window))
}

// logError appends err to qmdesk-errors.log in the data folder and returns
// the file's path ("" when even that failed).
func (w *MainWindow) logError(err error) string {
	return AppendErrorLog(w.env.DataDir, err)
}

// AppendErrorLog appends err, in English with the time, to
// qmdesk-errors.log in dir and returns the file's path ("" when dir is
// empty or the file cannot be written).
func AppendErrorLog(dir string, err error) string {
	if dir == "" {
		return ""
	}
	path := filepath.Join(dir, "qmdesk-errors.log")
	f, ferr := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if ferr != nil {
		return ""
	}
	defer f.Close()
	english := err.Error()
	var e *data.Error
	if errors.As(err, &e) && e.English != "" {
		english = e.English
		if e.Err != nil {
			english += ": " + e.Err.Error()
		}
	}
	fmt.Fprintf(f, "%s %s\n", time.Now().Format(time.RFC3339), english)
	return path
}
