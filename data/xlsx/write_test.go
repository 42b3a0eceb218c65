package xlsx

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"qmdesk/data"
)

func oneTable(rows int) []Table {
	return []Table{{Sheet: "ข้อมูล", Header: []string{"ชื่อ", "รายละเอียด"}, RowCount: rows,
		Row: func(i int) ([]any, []bool) {
			return []any{"สมชาย", strings.Repeat("ข้อความ ", 50)}, nil
		}}}
}

// A workbook written onto a full disk (the system's /dev/full, which
// refuses every write with ENOSPC) is refused with the Thai "disk full"
// sentence, never "the file is open in Excel", and last week's file
// stays as it was.
func TestWriteOnAFullDisk(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full on this system:", err)
	}
	defer full.Close()
	defer func(old func(string, fs.FileMode, func(io.Writer) error) error) { writeFileAtomic = old }(writeFileAtomic)
	writeFileAtomic = func(path string, perm fs.FileMode, write func(io.Writer) error) error {
		return data.WriteFileAtomic(path, perm, func(io.Writer) error { return write(full) })
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "สรุป.xlsx")
	if err := os.WriteFile(path, []byte("last week's"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = Write(path, oneTable(2000), "")
	msg := data.ErrorMessage(err)
	if data.ErrorCode(err) != data.EFILE || !strings.Contains(msg, "พื้นที่ในดิสก์เต็ม") || strings.Contains(msg, "Excel") {
		t.Fatalf("%s: %q", data.ErrorCode(err), msg)
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("not the system's ENOSPC: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "last week's" {
		t.Errorf("the old workbook became %d bytes", len(b))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
}

// A link planted under the name earlier versions wrote through
// (FILE.tmp) leaves its target untouched.
func TestWriteIgnoresAPlantedTmpLink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "qmdesk.db")
	if err := os.WriteFile(victim, []byte("the province's database"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ติดตาม.xlsx")
	if err := os.Symlink(victim, path+".tmp"); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := Write(path, oneTable(3), ""); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "the province's database" {
		t.Fatalf("the link's target was overwritten (%d bytes)", len(b))
	}
	wb, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if got := wb.Sheets(); len(got) == 0 || got[0] != "ข้อมูล" {
		t.Errorf("sheets %v", got)
	}
	if target, err := os.Readlink(path + ".tmp"); err != nil || target != victim {
		t.Errorf("the planted link: %q %v", target, err)
	}
}
