package data

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

func pathError(errno syscall.Errno) error {
	return &fs.PathError{Op: "write", Path: "/อำเภอ/ติดตาม.xlsx", Err: errno}
}

func TestFileCauseOf(t *testing.T) {
	for _, c := range []struct {
		err  error
		want FileCause
	}{
		{nil, CauseUnknown},
		{errors.New("zip: not a valid zip file"), CauseUnknown},
		{pathError(syscall.ENOSPC), CauseDiskFull},
		{fmt.Errorf("sheet ข้อมูล: %w", pathError(syscall.ENOSPC)), CauseDiskFull},
		{&Error{Code: EINVALID, Err: pathError(syscall.ENOSPC)}, CauseDiskFull},
		{pathError(syscall.EACCES), CauseNoPermission},
		{pathError(syscall.EPERM), CauseNoPermission},
		{pathError(syscall.ENOENT), CauseNotFound},
		{fs.ErrNotExist, CauseNotFound},
		{fs.ErrPermission, CauseNoPermission},
	} {
		if got := FileCauseOf(c.err); got != c.want {
			t.Errorf("FileCauseOf(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	for c := CauseDiskFull; c <= CauseIsFolder; c++ {
		if tx := c.Text(); tx.Thai == "" || tx.English == "" {
			t.Errorf("cause %d has no sentence: %+v", c, tx)
		}
	}
}

// What the clerk is told about a file the system refused names the cause
// and what to do, whoever made the error: a raw error of the system, our
// Error that blamed the program, our Error that said no more than "cannot
// open".
func TestExplainNamesTheCause(t *testing.T) {
	full := pathError(diskFullErrno)
	raw := Explain(full)
	if raw.Code != EFILE || !strings.Contains(raw.Message, "พื้นที่ในดิสก์เต็ม") || !strings.Contains(raw.Message, "/อำเภอ/ติดตาม.xlsx") {
		t.Errorf("a raw disk-full error: %s %q", raw.Code, raw.Message)
	}
	if ErrorMessage(full) == ErrorMessage(errors.New("bug")) {
		t.Error("a full disk is told as an internal error")
	}
	internal := &Error{Code: EINTERNAL, Message: "ยกเลิกการนำเข้าที่ค้างอยู่ไม่สำเร็จ", English: "rollback failed", Err: full}
	if ErrorCode(internal) != EFILE || !strings.Contains(ErrorMessage(internal), "สาเหตุ: พื้นที่ในดิสก์เต็ม") {
		t.Errorf("our internal error over a full disk: %s %q", ErrorCode(internal), ErrorMessage(internal))
	}
	if internal.Message != "ยกเลิกการนำเข้าที่ค้างอยู่ไม่สำเร็จ" {
		t.Error("Explain changed the error it was given")
	}
	vague := &Error{Code: ENOTFOUND, Message: "เปิดไฟล์ a.xlsx ไม่ได้", English: "cannot read file", Err: pathError(inUseErrno)}
	if m := ErrorMessage(vague); !strings.HasPrefix(m, vague.Message+" สาเหตุ: ") || !strings.Contains(m, inUseWords) {
		t.Errorf("our vague error: %q", m)
	}
	plain := Errorf(EINVALID, "ไฟล์นี้ไม่ใช่ไฟล์ Excel", "not a workbook")
	if Explain(plain) != plain {
		t.Error("an error that is not about the system was changed")
	}
	if e := Explain(errors.New("bug")); e.Code != EINTERNAL || !strings.Contains(e.Message, "ภายในโปรแกรม") {
		t.Errorf("a bug: %+v", e)
	}
	if ErrorCode(nil) != "" || ErrorMessage(nil) != "" {
		t.Error("nil is not an error")
	}
}

func TestFileErrorMessages(t *testing.T) {
	e := FileError(SavingFile, "D:\\ส่งอำเภอ\\ติดตาม.xlsx", pathError(diskFullErrno))
	if e.Message != "บันทึกไฟล์ D:\\ส่งอำเภอ\\ติดตาม.xlsx ไม่ได้: "+CauseDiskFull.Text().Thai || strings.Contains(e.Message, "Excel") {
		t.Errorf("disk full: %q", e.Message)
	}
	if !errors.Is(e, diskFullErrno) {
		t.Error("the system's error is not kept for the log")
	}
	e = FileError(SavingFile, "a.xlsx", errors.New("something new"))
	if e.Code != EFILE || !strings.Contains(e.Message, "บันทึกไฟล์ a.xlsx ไม่ได้: ") || !strings.Contains(e.Message, "ผู้ดูแลระบบ") {
		t.Errorf("an unknown cause: %q", e.Message)
	}
}

// devFull is a writer onto /dev/full, which refuses every write as a full
// disk does (ENOSPC, from the system itself).
func devFull(t *testing.T) *os.File {
	t.Helper()
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full on this system:", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// A write that runs out of disk leaves the file as it was, removes what it
// wrote, and says the disk is full, not that the file is open in Excel.
func TestWriteFileAtomicOnAFullDisk(t *testing.T) {
	full := devFull(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "สรุป.xlsx")
	if err := os.WriteFile(path, []byte("last week's"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(path, 0o644, func(io.Writer) error {
		_, err := full.Write(make([]byte, 4096))
		return err
	})
	if ErrorCode(err) != EFILE || !strings.Contains(ErrorMessage(err), "พื้นที่ในดิสก์เต็ม") || strings.Contains(ErrorMessage(err), "Excel") {
		t.Fatalf("%s: %q", ErrorCode(err), ErrorMessage(err))
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("the system's error is lost: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "last week's" {
		t.Errorf("the old file became %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
}

// The new file is never a name another program could have prepared: a
// link planted as FILE.tmp (the name earlier versions wrote through) to
// another file leaves that file untouched.
func TestWriteFileAtomicIgnoresAPlantedLink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "out.xlsx")
	if err := os.Symlink(victim, path+".tmp"); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	for range 2 { // a new file, then one replaced
		if err := WriteFileAtomic(path, 0o644, func(w io.Writer) error {
			_, err := io.WriteString(w, "workbook")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the link's target became %q", b)
	}
	if b, _ := os.ReadFile(path); string(b) != "workbook" {
		t.Errorf("the file holds %q", b)
	}
	if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
		t.Errorf("the file: %v %v", fi.Mode(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("files: %v", entries)
	}
}

// A write that fails with our own Error passes it on as it is.
func TestWriteFileAtomicKeepsItsWritersError(t *testing.T) {
	dir := t.TempDir()
	own := Errorf(EINVALID, "ข้อมูลไม่ครบ", "incomplete")
	if err := WriteFileAtomic(filepath.Join(dir, "a.pdf"), 0o644, func(io.Writer) error { return own }); err != own {
		t.Errorf("got %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
	err := WriteFileAtomic(filepath.Join(dir, "no-such-folder", "a.pdf"), 0o644, func(io.Writer) error { return nil })
	if FileCauseOf(err) != CauseNotFound || !strings.Contains(ErrorMessage(err), "ไม่พบไฟล์หรือโฟลเดอร์") {
		t.Errorf("a missing folder: %q", ErrorMessage(err))
	}
}
