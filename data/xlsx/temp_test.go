package xlsx

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// bigSheetBook writes a workbook whose sheet is far bigger than a read.
func bigSheetBook(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "big.xlsx")
	writeZip(t, path, oneSheet(seq(plainRow, repeat(`<row><c t="s"><v>0</v></c></row>`, 200_000)), text(`<si><t>x</t></si>`)))
	return path
}

func tempFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	filepath.Walk(TempRoot, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestReadingWritesNoTempFiles: the reader streams a big sheet from the
// zip; nothing is unpacked to disk while it is open or read.
func TestReadingWritesNoTempFiles(t *testing.T) {
	lowLimits(t, func(l *Limits) {})
	path := bigSheetBook(t)
	wb, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	err = wb.Rows("S", func(int, []string) error {
		if rows++; rows == 100_000 {
			if left := tempFiles(t); len(left) > 0 {
				t.Errorf("temporary files while reading: %v", left)
			}
		}
		return nil
	})
	wb.Close()
	if err != nil || rows != 200_001 {
		t.Fatalf("%d rows: %v", rows, err)
	}
	noTempLeft(t)
}

// TestStaleTempIsRemoved: the folders earlier versions unpacked sheets
// into are removed at the next Open when their process no longer runs; a
// running process's folder stays.
func TestStaleTempIsRemoved(t *testing.T) {
	lowLimits(t, func(*Limits) {})
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(TempRoot, strconv.Itoa(cmd.Process.Pid)+"-old")
	mine := filepath.Join(TempRoot, strconv.Itoa(os.Getpid())+"-running")
	for _, dir := range []string{dead, mine} {
		os.MkdirAll(dir, 0o700)
		os.WriteFile(filepath.Join(dir, "excelize-1"), []byte("x"), 0o600)
	}
	wb, err := Open(bigSheetBook(t), "")
	if err != nil {
		t.Fatal(err)
	}
	wb.Close()
	left := tempFiles(t)
	if len(left) != 1 || filepath.Dir(left[0]) != mine {
		t.Fatalf("after the next open: %v", left)
	}
}
