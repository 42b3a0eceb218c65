package xlsx

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"qmdesk/data"
)

// OpenRegular opens path for reading when it is a regular file (a link to
// one is followed). A named pipe, a device such as /dev/zero or
// /dev/urandom, or a folder is refused before it is opened: reading one
// never ends, or blocks until someone writes to it.
func OpenRegular(path string) (*os.File, os.FileInfo, error) {
	name := filepath.Base(path)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, &data.Error{Code: data.ENOTFOUND, Message: "เปิดไฟล์ " + name + " ไม่ได้: ไม่พบไฟล์หรือไม่มีสิทธิ์อ่าน กรุณาตรวจสอบว่าเลือกไฟล์ถูกต้อง", English: "cannot stat file", Err: err}
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, notRegular(name, fi.Mode())
	}
	// Opened without blocking: were the file swapped for a pipe since the
	// check, opening it would wait for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlocking, 0)
	if err != nil {
		return nil, nil, &data.Error{Code: data.ENOTFOUND, Message: "เปิดไฟล์ " + name + " ไม่ได้: ไม่มีสิทธิ์อ่านหรือไฟล์ถูกเปิดค้างในโปรแกรมอื่น", English: "cannot open file", Err: err}
	}
	opened, err := f.Stat()
	if err != nil || !opened.Mode().IsRegular() || !os.SameFile(fi, opened) {
		f.Close()
		mode := fi.Mode()
		if err == nil {
			mode = opened.Mode()
		}
		return nil, nil, notRegular(name, mode)
	}
	return f, opened, nil
}

func notRegular(name string, mode os.FileMode) error {
	what := "อุปกรณ์หรือท่อของระบบ ไม่ใช่ไฟล์"
	if mode.IsDir() {
		what = "โฟลเดอร์ ไม่ใช่ไฟล์"
	}
	return data.Messages(data.EINVALID, "'%s' เป็น%s จึงไม่เปิดอ่าน กรุณาเลือกไฟล์ .xlsx ที่อำเภอส่งมา", []any{name, what},
		"%q is not a regular file (mode %v)", name, mode)
}

// TempRoot is the folder where versions before the streaming reader had
// excelize unpack big worksheets while a workbook was open, one folder
// per open workbook named after the process. The reader writes nothing
// there; Open still removes what a killed process of such a version left.
var TempRoot = filepath.Join(os.TempDir(), "qmdesk-xlsx")

// staleAfter is the age at which a temporary folder is removed even when
// a process of the same number runs: numbers are reused, and no import
// kept a workbook open for anything like this long.
const staleAfter = 24 * time.Hour

// RemoveStaleTemp removes the temporary folders of processes that no
// longer run (an import killed while it read a workbook). Folders of
// running processes, this one included, are left alone.
func RemoveStaleTemp() {
	entries, err := os.ReadDir(TempRoot)
	if err != nil {
		return
	}
	for _, e := range entries {
		pidText, _, ok := strings.Cut(e.Name(), "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || !e.IsDir() {
			continue // not ours
		}
		old := false
		if info, err := e.Info(); err == nil {
			old = time.Since(info.ModTime()) > staleAfter
		}
		if pid == os.Getpid() || (data.ProcessRuns(pid) && !old) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(TempRoot, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			continue // held open on Windows: its process still runs
		}
	}
}
