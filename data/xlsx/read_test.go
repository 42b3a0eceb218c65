package xlsx

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzOpen(f *testing.F) {
	for _, p := range []string{"../../app/testdata/district-excelize.xlsx", "../../app/testdata/district-legacy.xls"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
			f.Add(b[:len(b)/2])
		}
	}
	f.Add([]byte("PK\x03\x04"))
	f.Add(append([]byte{}, oleMagic...))
	f.Add([]byte("ลำดับ,รหัสบ้าน\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "fuzz.xlsx")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		wb, err := Open(path, "")
		if err != nil {
			return
		}
		defer wb.Close()
		for _, s := range wb.Sheets() {
			mf := NewMergeFiller(wb.MergedRanges(s))
			rows := 0
			wb.Rows(s, func(row int, cells []string) error {
				mf.Fill(row, cells)
				if rows++; rows > 1000 {
					return ErrStop
				}
				return nil
			})
		}
	})
}

func TestOpenTellsFilesApart(t *testing.T) {
	for path, want := range map[string]error{
		"../../app/testdata/district-legacy.xls": ErrLegacyXLS,
		"read.go":                                ErrNotWorkbook,
	} {
		if _, err := Open(path, ""); err != want {
			t.Errorf("%s: %v, want %v", path, err, want)
		}
	}
	wb, err := Open("../../app/testdata/district-libreoffice.xlsx", "")
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	var rows int
	wb.Rows(wb.Sheets()[0], func(int, []string) error { rows++; return nil })
	if rows != 5 {
		t.Errorf("LibreOffice fixture: %d rows", rows)
	}
}
