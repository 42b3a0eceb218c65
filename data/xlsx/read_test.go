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

// FuzzScanner feeds the same XML to the limit scanner whole and in two
// pieces cut anywhere: what it finds must not depend on where reads end.
func FuzzScanner(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0"?><sst><si><t>ก</t></si><!-- a > b ' --><si><r><t><![CDATA[x>y]]></t></r></si></sst>`), uint16(7), uint8(partStrings))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="IW1" t="s"><v>0</v></c></row></sheetData></worksheet>`), uint16(30), uint8(partSheet))
	f.Add([]byte(`<styleSheet><xf a=">'"/><xf/><xf/></styleSheet>`), uint16(3), uint8(partXML))
	f.Fuzz(func(t *testing.T, b []byte, cut uint16, kind uint8) {
		lim := DefaultLimits
		lim.TagBytes, lim.TextBytes, lim.RowBytes, lim.StringBytes, lim.Elements, lim.SharedStrings, lim.MergedRanges, lim.Columns = 40, 30, 60, 50, 4, 2, 2, 3
		k := partKind(kind%3 + 1)
		whole := scanner{lim: lim, kind: k}
		odd1 := whole.feed(b)
		at := int(cut) % (len(b) + 1)
		split := scanner{lim: lim, kind: k}
		odd2 := split.feed(b[:at])
		if odd2 == nil {
			odd2 = split.feed(b[at:])
		}
		if (odd1 == nil) != (odd2 == nil) {
			t.Fatalf("whole: %v; cut at %d: %v", odd1, at, odd2)
		}
	})
}
