package bolt

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// Backup writes a consistent copy of the database to path while it stays
// open for other work: bbolt's read transaction sees one committed state.
// The copy goes to a temporary file first and is checked before it takes
// the name, so path is never a half-written backup.
func (s *Store) Backup(ctx context.Context, path string) error {
	if abs, _ := filepath.Abs(path); abs == mustAbs(s.path) {
		return data.Errorf(data.EINVALID, "ไฟล์สำรองต้องไม่ใช่ไฟล์ฐานข้อมูลที่ใช้งานอยู่", "backup target is the live database")
	}
	tmp := path + ".tmp"
	err := s.db.View(func(tx *bbolt.Tx) error { return writeFileSync(tmp, tx) })
	if err != nil {
		os.Remove(tmp)
		return &data.Error{Code: data.EINVALID, Message: fmt.Sprintf("เขียนไฟล์สำรอง %s ไม่ได้ (พื้นที่เต็มหรือไม่มีสิทธิ์เขียน?)", path), English: "backup write failed", Err: err}
	}
	if rep, err := checkFile(tmp); err != nil || !rep.OK() {
		os.Remove(tmp)
		return checkFailure(rep, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return &data.Error{Code: data.EINVALID, Message: fmt.Sprintf("บันทึกไฟล์สำรอง %s ไม่ได้", path), English: "backup rename failed", Err: err}
	}
	return s.Log(ctx, "backup", "database", 0, filepath.Base(path))
}

func mustAbs(p string) string {
	a, _ := filepath.Abs(p)
	return a
}

func writeFileSync(path string, w io.WriterTo) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := w.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// CheckFile opens a database file read-only and checks it.
func CheckFile(path string) (data.CheckReport, error) { return checkFile(path) }

func checkFile(path string) (data.CheckReport, error) {
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return data.CheckReport{}, err
	}
	defer s.Close()
	return s.Check(context.Background())
}

func checkFailure(rep data.CheckReport, err error) error {
	if err != nil {
		return err
	}
	return data.Errorf(data.EINVALID, "ไฟล์สำรองไม่ผ่านการตรวจสอบ (%s)", "backup failed its check: %s", strings.Join(rep.Problems, "; "))
}

// Restore puts the backup at src in place of the database at dst. It
// checks the backup first, refuses while another program holds dst, and
// keeps the current file beside it as dst.before-restore-<time>, so a
// restore can itself be undone. It returns the name of that kept file.
func Restore(ctx context.Context, src, dst string, now func() string) (kept string, err error) {
	rep, err := checkFile(src)
	if err != nil {
		return "", err
	}
	if !rep.OK() {
		return "", data.Errorf(data.EINVALID, "ไฟล์ %s ไม่ผ่านการตรวจสอบ จึงไม่นำมาใช้ (%s)", "restore source %s fails its check: %s", filepath.Base(src), strings.Join(rep.Problems, "; "))
	}
	// Holding dst open keeps any other qmdesk out while the files move.
	if _, statErr := os.Stat(dst); statErr == nil {
		cur, err := Open(dst, Options{})
		if err != nil {
			return "", err
		}
		kept = dst + ".before-restore-" + now()
		if err := cur.db.View(func(tx *bbolt.Tx) error { return writeFileSync(kept, tx) }); err != nil {
			cur.Close()
			return "", &data.Error{Code: data.EINVALID, Message: "เก็บสำเนาฐานข้อมูลปัจจุบันก่อนเรียกคืนไม่ได้ จึงยังไม่เรียกคืน", English: "cannot keep current database before restore", Err: err}
		}
		// Windows cannot rename over an open file: let go of it now.
		cur.Close()
	}
	in, err := Open(src, Options{ReadOnly: true})
	if err != nil {
		return kept, err
	}
	tmp := dst + ".restore.tmp"
	err = in.db.View(func(tx *bbolt.Tx) error { return writeFileSync(tmp, tx) })
	in.Close()
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
		return kept, &data.Error{Code: data.EINVALID, Message: "เรียกคืนข้อมูลไม่สำเร็จ ฐานข้อมูลเดิมยังอยู่ครบ", English: "restore failed", Err: err}
	}
	restored, err := Open(dst, Options{})
	if err != nil {
		return kept, err
	}
	defer restored.Close()
	return kept, restored.Log(ctx, "restore", "database", 0, filepath.Base(src))
}
