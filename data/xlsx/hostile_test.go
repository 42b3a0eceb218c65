package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/data"
)

// part is one zip entry of a workbook written by hand; body writes it, so
// that a part of gigabytes streams into the zip without being held.
type part struct {
	name string
	body func(w io.Writer)
}

func text(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }

// repeat writes s n times.
func repeat(s string, n int) func(io.Writer) {
	return func(w io.Writer) {
		chunk := strings.Repeat(s, max(1, (64<<10)/len(s)))
		per := len(chunk) / len(s)
		for ; n >= per; n -= per {
			io.WriteString(w, chunk)
		}
		io.WriteString(w, strings.Repeat(s, n))
	}
}

func seq(fs ...func(io.Writer)) func(io.Writer) {
	return func(w io.Writer) {
		for _, f := range fs {
			f(w)
		}
	}
}

const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

// skeleton is the rest of a workbook around its sheets (sheet1.xml …) and
// shared strings.
func skeleton(sheets ...string) []part {
	var wb, rels, types strings.Builder
	for i, name := range sheets {
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, name, i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
	}
	return []part{
		{"[Content_Types].xml", text(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` + types.String() + `</Types>`)},
		{"_rels/.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{"xl/workbook.xml", text(`<?xml version="1.0" encoding="UTF-8"?><workbook ` + ns + `><sheets>` + wb.String() + `</sheets></workbook>`)},
		{"xl/_rels/workbook.xml.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() +
			`<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)},
	}
}

// sheetXML wraps rows into a worksheet.
func sheetXML(rows func(io.Writer), extra string) func(io.Writer) {
	return seq(text(`<?xml version="1.0" encoding="UTF-8"?><worksheet `+ns+`><sheetData>`), rows, text(`</sheetData>`+extra+`</worksheet>`))
}

// stringsXML wraps shared strings.
func stringsXML(items func(io.Writer)) func(io.Writer) {
	return seq(text(`<?xml version="1.0" encoding="UTF-8"?><sst `+ns+`>`), items, text(`</sst>`))
}

// oneSheet is a workbook of one sheet "S" with these rows and shared
// strings.
func oneSheet(rows func(io.Writer), sst func(io.Writer)) []part {
	return append(skeleton("S"), part{"xl/worksheets/sheet1.xml", sheetXML(rows, "")}, part{"xl/sharedStrings.xml", stringsXML(sst)})
}

// writeZip writes parts into a zip at path, deflated.
func writeZip(t testing.TB, path string, parts []part) {
	t.Helper()
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(out)
	z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, p := range parts {
		w, err := z.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		p.body(w)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// lowLimits lowers the limits for one test, so that bombs can be small,
// and points the temporary files at a folder of the test's own.
func lowLimits(t testing.TB, change func(*Limits)) {
	old, oldRoot := Limit, TempRoot
	Limit = DefaultLimits
	change(&Limit)
	TempRoot = filepath.Join(t.TempDir(), "tmp")
	t.Cleanup(func() { Limit, TempRoot = old, oldRoot })
}

// noTempLeft fails when a workbook's temporary files stayed behind.
func noTempLeft(t testing.TB) {
	t.Helper()
	entries, _ := os.ReadDir(TempRoot)
	for _, e := range entries {
		t.Errorf("temporary files left: %s", e.Name())
	}
}

// refused opens path, reads every sheet, and wants a refusal for a broken
// limit whose Thai message says want: from Open for what the zip's
// directory and the small parts show, from Rows for what is inside a
// sheet or the shared strings.
func refused(t *testing.T, path, want string) {
	t.Helper()
	err := openAndRead(path, "")
	if err == nil {
		t.Fatalf("read; want a refusal saying %q", want)
	}
	if msg := data.ErrorMessage(err); !strings.Contains(msg, want) || data.ErrorCode(err) != data.EINVALID {
		t.Fatalf("refusal %q (%v), want %q", msg, err, want)
	}
	noTempLeft(t)
}

// openAndRead opens a workbook and reads all its sheets: the first error.
func openAndRead(path, password string) error {
	wb, err := OpenContext(context.Background(), path, password)
	if err != nil {
		return err
	}
	defer wb.Close()
	for _, s := range wb.Sheets() {
		if err := wb.Rows(s, func(int, []string) error { return nil }); err != nil {
			return err
		}
	}
	return nil
}

var plainRow = text(`<row r="1"><c r="A1" t="inlineStr"><is><t>ลำดับ</t></is></c><c r="B1" t="s"><v>0</v></c></row>`)

func TestOpenRefusesBombs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit func(*Limits)
		parts []part
		want  string
	}{
		{"one enormous shared string", func(l *Limits) { l.StringBytes = 64 << 10 },
			oneSheet(plainRow, seq(text(`<si><t>`), repeat("ก", 100_000), text(`</t></si>`))), "ข้อความเดียวยาวเกิน 64 KB"},
		{"a shared string in many runs", func(l *Limits) { l.StringBytes = 64 << 10 },
			oneSheet(plainRow, seq(text(`<si>`), repeat(`<r><t>กขค</t></r>`, 10_000), text(`</si>`))), "ข้อความเดียวยาวเกิน"},
		{"a sheet of whitespace", func(l *Limits) { l.TextBytes = 64 << 10 },
			oneSheet(seq(plainRow, repeat(" \n\t", 100_000)), text(`<si><t>x</t></si>`)), "ช่องว่างติดกันยาวเกิน"},
		{"more unpacked than allowed", func(l *Limits) { l.UnzipBytes = 1 << 20 },
			oneSheet(seq(plainRow, repeat(`<row><c><v>1</v></c></row>`, 60_000)), text(`<si><t>x</t></si>`)), "เมื่อคลายออกมีขนาดเกิน 1 MB"},
		{"parts kept in memory", func(l *Limits) { l.MemoryBytes = 1 << 20 },
			append(oneSheet(plainRow, text(`<si><t>x</t></si>`)), part{"xl/media/image1.png", repeat("\x89PNG", 300_000)}), "รูปภาพหรือส่วนอื่นรวมกันเกิน 1 MB"},
		{"one enormous row", func(l *Limits) { l.RowBytes = 256 << 10 },
			oneSheet(seq(text(`<row r="1">`), repeat(`<c/>`, 100_000), text(`</row>`)), text(`<si><t>x</t></si>`)), "แถวเดียวที่ข้อมูลยาวเกิน"},
		{"a value far to the right", nil,
			oneSheet(text(`<row r="1"><c r="XFD1"><v>1</v></c></row>`), text(`<si><t>x</t></si>`)), "มีข้อมูลที่คอลัมน์ XFD เลยคอลัมน์ IV"},
		{"a row of many cells at A1", nil,
			oneSheet(seq(text(`<row r="1">`), repeat(`<c r="A1" t="s"><v>0</v></c>`, 300), text(`</row>`)), text(`<si><t>x</t></si>`)), "เลยคอลัมน์ IV"},
		{"many shared strings", func(l *Limits) { l.SharedStrings = 1000 },
			oneSheet(plainRow, repeat(`<si><t>x</t></si>`, 1001)), "มีข้อความต่างกันเกิน 1,000 ข้อความ"},
		{"many merged ranges", func(l *Limits) { l.MergedRanges = 100 },
			append(skeleton("S"), part{"xl/worksheets/sheet1.xml", sheetXML(plainRow, "<mergeCells>"+strings.Repeat(`<mergeCell ref="A1:B2"/>`, 101)+"</mergeCells>")}), "ผสานกันเกิน 100 กลุ่ม"},
		{"a styles part of tiny elements", func(l *Limits) { l.Elements = 10_000 },
			append(oneSheet(plainRow, text(`<si><t>x</t></si>`)), part{"xl/styles.xml", seq(text(`<styleSheet `+ns+`><cellXfs>`), repeat(`<xf/>`, 10_001), text(`</cellXfs></styleSheet>`))}), "องค์ประกอบเกิน 10,000"},
		{"an attribute of megabytes", func(l *Limits) { l.TagBytes = 4 << 10 },
			oneSheet(seq(text(`<row r="1" x="`), repeat("a>", 10_000), text(`"><c><v>1</v></c></row>`)), text(`<si><t>x</t></si>`)), "แท็กยาวเกิน 4,096 ไบต์"},
		{"a DOCTYPE", nil,
			append(skeleton("S"), part{"xl/worksheets/sheet1.xml", text(`<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet ` + ns + `><sheetData/></worksheet>`)}), "DOCTYPE"},
		{"a row past Excel's last", nil,
			oneSheet(text(`<row r="1048577"><c><v>1</v></c></row>`), text(`<si><t>x</t></si>`)), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lowLimits(t, func(l *Limits) {
				if tc.limit != nil {
					tc.limit(l)
				}
			})
			path := filepath.Join(t.TempDir(), "bomb.xlsx")
			writeZip(t, path, tc.parts)
			if tc.want == "" { // refused when its rows are read
				wb, err := Open(path, "")
				if err != nil {
					t.Fatal(err)
				}
				err = wb.Rows("S", func(int, []string) error { return nil })
				wb.Close()
				if !errors.Is(err, ErrTooLarge) || !strings.Contains(data.ErrorMessage(err), "ขีดจำกัดของ Excel") {
					t.Fatalf("rows: %v", err)
				}
				noTempLeft(t)
				return
			}
			refused(t, path, tc.want)
		})
	}
}

// TestOpenRefusesALyingDirectory writes a zip whose directory declares a
// part far smaller than it inflates to: the declared sizes pass every
// limit, and the zip reader stops the part at its declared size.
func TestOpenRefusesALyingDirectory(t *testing.T) {
	lowLimits(t, func(l *Limits) { l.UnzipBytes = 1 << 20 })
	path := filepath.Join(t.TempDir(), "liar.xlsx")
	var real bytes.Buffer
	sheetXML(seq(plainRow, repeat(" ", 4<<20)), "")(&real)
	var packed bytes.Buffer
	fw, _ := flate.NewWriter(&packed, flate.BestSpeed)
	fw.Write(real.Bytes())
	fw.Close()
	out, _ := os.Create(path)
	z := zip.NewWriter(out)
	for _, p := range oneSheet(plainRow, text(`<si><t>x</t></si>`)) {
		if p.name == "xl/worksheets/sheet1.xml" {
			w, err := z.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(real.Bytes()),
				CompressedSize64: uint64(packed.Len()), UncompressedSize64: 1000})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(packed.Bytes())
			continue
		}
		w, _ := z.Create(p.name)
		p.body(w)
	}
	z.Close()
	out.Close()
	err := openAndRead(path, "")
	if err == nil {
		t.Fatal("a part bigger than its declared size was read")
	}
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "แผ่นงาน 'S'") {
		t.Fatalf("refusal: %v", err)
	}
	noTempLeft(t)
}

// TestRowsBounds reads sheets that are within the zip limits but ask for
// more than a workbook may: a declared dimension and a merged range over
// the whole sheet, cells longer than Excel allows, more cell text than
// the budget, a cancelled context.
func TestRowsBounds(t *testing.T) {
	lowLimits(t, func(*Limits) {})
	dir := t.TempDir()
	long := strings.Repeat("ก", 40_000)
	path := filepath.Join(dir, "dims.xlsx")
	writeZip(t, path, append(skeleton("S"),
		part{"xl/worksheets/sheet1.xml", seq(text(`<?xml version="1.0"?><worksheet `+ns+`><dimension ref="A1:XFD1048576"/><sheetData>`),
			text(`<row r="1"><c r="A1" t="inlineStr"><is><t>`+long+`</t></is></c><c r="B1" t="s"><v>0</v></c></row>`),
			text(`<row r="3"><c r="A3"><v>3</v></c></row><row r="1048576"><c r="IV1048576"><v>4</v></c></row>`),
			text(`</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>`))},
		part{"xl/sharedStrings.xml", stringsXML(text(`<si><t>` + long + `x</t></si>`))}))
	wb, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	mf := NewMergeFiller(wb.MergedRanges("S"))
	var got []int
	err = wb.Rows("S", func(row int, cells []string) error {
		cells = mf.Fill(row, cells)
		if len(cells) > Limit.Columns {
			t.Errorf("row %d is %d cells wide", row, len(cells))
		}
		if row == 1 && (CellTooLong(cells[0]) != 40_000 || CellTooLong(cells[1]) != 40_001) {
			t.Errorf("long cells: %d, %d", CellTooLong(cells[0]), CellTooLong(cells[1]))
		}
		got = append(got, row)
		return nil
	})
	wb.Close()
	if err != nil || fmt.Sprint(got) != "[1 3 1048576]" {
		t.Fatalf("rows %v: %v", got, err)
	}
	if CellTooLong(strings.Repeat("ก", 32_767)) != 0 || CellTooLong(strings.Repeat("😀", 16_384)) != 32_768 {
		t.Error("CellTooLong does not count as Excel does")
	}

	// The cell text read from one workbook is bounded.
	lowLimits(t, func(l *Limits) { l.CellText = 100 << 10 })
	path = filepath.Join(dir, "text.xlsx")
	writeZip(t, path, oneSheet(repeat(`<row><c t="s"><v>0</v></c></row>`, 1000), text(`<si><t>`+strings.Repeat("ข", 1000)+`</t></si>`)))
	wb, err = Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	err = wb.Rows("S", func(int, []string) error { rows++; return nil })
	wb.Close()
	if !errors.Is(err, ErrTooLarge) || rows > 40 {
		t.Fatalf("after %d rows: %v", rows, err)
	}

	// A context ends the check and the walk.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := OpenContext(ctx, path, ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("open with a cancelled context: %v", err)
	}
	noTempLeft(t)
}

// TestOpenRefusesWhatIsNotAFile: a folder, devices that never end, and
// (on Unix) a named pipe, each behind a workbook's name.
func TestOpenRefusesWhatIsNotAFile(t *testing.T) {
	lowLimits(t, func(*Limits) {})
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder.xlsx")
	os.Mkdir(folder, 0o700)
	cases := map[string]string{folder: "เป็นโฟลเดอร์"}
	for _, dev := range []string{"/dev/zero", "/dev/urandom"} {
		if _, err := os.Stat(dev); err == nil {
			link := filepath.Join(dir, filepath.Base(dev)+".xlsx")
			if err := os.Symlink(dev, link); err != nil {
				t.Fatal(err)
			}
			cases[link] = "อุปกรณ์หรือท่อของระบบ"
		}
	}
	if fifo := makeFifo(t, dir); fifo != "" {
		cases[fifo] = "อุปกรณ์หรือท่อของระบบ"
	}
	for path, want := range cases {
		done := make(chan error, 1)
		go func() {
			_, err := Open(path, "")
			done <- err
		}()
		err := <-done // a regression blocks here until the test binary's own timeout
		if msg := data.ErrorMessage(err); !strings.Contains(msg, want) || !strings.Contains(msg, filepath.Base(path)) {
			t.Errorf("%s: %q", path, msg)
		}
	}
	// A link to a real workbook is followed.
	link := filepath.Join(dir, "link.xlsx")
	abs, _ := filepath.Abs("../../app/testdata/district-excelize.xlsx")
	os.Symlink(abs, link)
	wb, err := Open(link, "")
	if err != nil {
		t.Fatalf("link to a workbook: %v", err)
	}
	wb.Close()
}

// TestEncryptedWorkbooksAreCheckedToo: a password-protected workbook is
// decrypted in memory and its package checked like any other; its merged
// ranges are read from the decrypted package.
func TestEncryptedWorkbooksAreCheckedToo(t *testing.T) {
	lowLimits(t, func(l *Limits) { l.StringBytes = 64 << 10 })
	dir := t.TempDir()
	write := func(name, long string) string {
		f := excelize.NewFile()
		defer f.Close()
		f.SetCellValue("Sheet1", "A1", "ลำดับ")
		f.SetCellValue("Sheet1", "A2", long)
		f.MergeCell("Sheet1", "B1", "C2")
		path := filepath.Join(dir, name)
		if err := f.SaveAs(path, excelize.Options{Password: "pw"}); err != nil {
			t.Fatal(err)
		}
		return path
	}
	small := write("small.xlsx", "x")
	wb, err := Open(small, "pw")
	if err != nil {
		t.Fatal(err)
	}
	if m := wb.MergedRanges("Sheet1"); len(m) != 1 || m[0] != (Range{1, 2, 2, 3}) {
		t.Errorf("merged ranges of an encrypted workbook: %v", m)
	}
	wb.Close()
	if _, err := Open(small, "wrong"); err != ErrWrongPassword {
		t.Errorf("wrong password: %v", err)
	}
	refusedWith := func(path, want string) {
		t.Helper()
		err := openAndRead(path, "pw")
		if err == nil {
			t.Fatalf("%s read", path)
		}
		if !strings.Contains(data.ErrorMessage(err), want) {
			t.Errorf("%s: %q, want %q", path, data.ErrorMessage(err), want)
		}
		noTempLeft(t)
	}
	refusedWith(write("long.xlsx", strings.Repeat("ก", 30_000)), "ข้อความเดียวยาวเกิน")
	Limit.EncryptedBytes = 1 << 10
	refusedWith(small, "ไฟล์ที่มีรหัสผ่านต้องถอดรหัสในหน่วยความจำ")
}
