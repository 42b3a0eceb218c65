package app_test

import (
	"archive/zip"
	"compress/flate"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// rawCells writes a row of inline-string cells, as some tools write them.
func rawCells(cells ...any) string {
	var b strings.Builder
	b.WriteString("<row>")
	for _, c := range cells {
		switch v := c.(type) {
		case nil:
			b.WriteString("<c/>")
		case sharedRef:
			fmt.Fprintf(&b, `<c t="s"><v>%d</v></c>`, int(v))
		default:
			b.WriteString(`<c t="inlineStr"><is><t>`)
			xml.EscapeText(&b, []byte(fmt.Sprint(v)))
			b.WriteString(`</t></is></c>`)
		}
	}
	b.WriteString("</row>")
	return b.String()
}

// sharedRef is a cell that refers to a shared string by its index.
type sharedRef int

// rawBook writes a one-sheet workbook by hand, with archive/zip: what
// excelize itself would never write (cells longer than Excel allows, a
// zip bomb). sheetData and sst write the parts' content, streaming.
func rawBook(t testing.TB, path string, sheetData, sst func(w io.Writer)) {
	t.Helper()
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	parts := []struct {
		name string
		body func(io.Writer)
	}{
		{"[Content_Types].xml", str(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)},
		{"_rels/.rels", str(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{"xl/workbook.xml", str(`<?xml version="1.0" encoding="UTF-8"?><workbook ` + ns + `><sheets><sheet name="ข้อมูล" sheetId="1" r:id="rId1"/></sheets></workbook>`)},
		{"xl/_rels/workbook.xml.rels", str(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)},
		{"xl/worksheets/sheet1.xml", func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet `+ns+`><sheetData>`)
			sheetData(w)
			io.WriteString(w, `</sheetData></worksheet>`)
		}},
		{"xl/sharedStrings.xml", func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst `+ns+`>`)
			sst(w)
			io.WriteString(w, `</sst>`)
		}},
	}
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
	out.Close()
}

func str(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }

// repeatWriter writes s n times without holding more than 64 KiB of it.
func repeatWriter(s string, n int64) func(io.Writer) {
	return func(w io.Writer) {
		per := max(1, (64<<10)/len(s))
		chunk := strings.Repeat(s, per)
		for ; n >= int64(per); n -= int64(per) {
			io.WriteString(w, chunk)
		}
		io.WriteString(w, strings.Repeat(s, int(n)))
	}
}

// headerCells is the template's header as cells.
func headerCells() []any {
	var out []any
	for _, h := range templateHeader {
		out = append(out, h)
	}
	return out
}

// ownTemp points the workbooks' temporary files at a folder of the test's
// own, and lowers the limits as change says, until the test ends.
func ownTemp(t *testing.T, change func(*xlsx.Limits)) {
	oldRoot, oldLimit := xlsx.TempRoot, xlsx.Limit
	xlsx.TempRoot = filepath.Join(t.TempDir(), "tmp")
	if change != nil {
		change(&xlsx.Limit)
	}
	t.Cleanup(func() { xlsx.TempRoot, xlsx.Limit = oldRoot, oldLimit })
}

func noTempLeft(t *testing.T) {
	t.Helper()
	entries, _ := os.ReadDir(xlsx.TempRoot)
	for _, e := range entries {
		t.Errorf("temporary files left behind: %s", e.Name())
	}
}

// TestImportRefusesBombs: workbooks that unpack to far more than they
// weigh are refused with the reason before anything big is unpacked, and
// leave no temporary file. The limits are lowered so that the bombs are
// small; TestRealSizeBombs runs them at full size.
func TestImportRefusesBombs(t *testing.T) {
	fx := newFixture(t)
	ownTemp(t, func(l *xlsx.Limits) {
		l.StringBytes, l.TextBytes, l.UnzipBytes = 64<<10, 128<<10, 8<<20
	})
	row := rawCells(append([]any{1, "41010000011"}, make([]any, 23)...)...)
	for name, c := range map[string]struct {
		sheet, sst func(io.Writer)
		want       string
	}{
		"a shared string of megabytes": {str(rawCells(headerCells()...) + rawCells(sharedRef(0))),
			func(w io.Writer) {
				io.WriteString(w, "<si><t>")
				repeatWriter("ก", 1<<20)(w)
				io.WriteString(w, "</t></si>")
			}, "ตารางข้อความ (sharedStrings) มีข้อความเดียวยาวเกิน 64 KB"},
		"a sheet of whitespace": {func(w io.Writer) {
			io.WriteString(w, rawCells(headerCells()...))
			repeatWriter(" ", 4<<20)(w)
			io.WriteString(w, row)
		},
			str(""), "แผ่นงาน 'ข้อมูล' มีข้อความหรือช่องว่างติดกันยาวเกิน"},
		"more than the zip may unpack": {func(w io.Writer) { io.WriteString(w, rawCells(headerCells()...)); repeatWriter(row, 80_000)(w) },
			str(""), "เมื่อคลายออกมีขนาดเกิน 8 MB"},
	} {
		path := filepath.Join(fx.dir, name+".xlsx")
		rawBook(t, path, c.sheet, c.sst)
		rep := fx.plan(t, path, "")
		if !strings.Contains(rep.Refused, c.want) || rep.Batch != nil {
			t.Errorf("%s: refused %q, want %q", name, rep.Refused, c.want)
		}
		noTempLeft(t)
	}
}

// TestOverlongCellsAndFieldsAreRejectedWithTheReason: a cell longer than
// Excel allows (inline or shared) and fields longer than their meaning
// allows reject their row, saying which column and why; the other rows
// are taken, and the report does not carry the whole text.
func TestOverlongCellsAndFieldsAreRejectedWithTheReason(t *testing.T) {
	fx := newFixture(t)
	ownTemp(t, nil)
	long := strings.Repeat("ข", 40_000)
	good := templateRow(1, "41010000011", id(1), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", "")
	inline := templateRow(2, "41010000022", id(2), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", "")
	inline[17] = long // รายละเอียด
	shared := templateRow(3, "41010000033", id(3), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", "")
	shared[24] = sharedRef(0) // หมายเหตุ
	name := templateRow(4, "41010000044", id(4), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", "")
	name[10] = strings.Repeat("สม", 75)
	phone := templateRow(5, "41010000055", id(5), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", "")
	phone[12] = strings.Repeat("0812345678 ", 5)
	path := filepath.Join(fx.dir, "long.xlsx")
	rawBook(t, path, str(rawCells(headerCells()...)+rawCells(good...)+rawCells(inline...)+rawCells(shared...)+rawCells(name...)+rawCells(phone...)),
		str("<si><t>"+long+"ค</t></si>"))
	rep := fx.plan(t, path, "")
	if rep.Refused != "" {
		t.Fatal(rep.Refused)
	}
	if c := rep.Counts(); c.Rows != 5 || c.NewHouseholds != 1 || c.Rejected != 4 {
		t.Fatalf("counts %+v", c)
	}
	want := map[int][2]string{
		3: {"รายละเอียด", "ช่องนี้ยาว 40,000 ตัวอักษร เกินที่ Excel รับได้ (32,767 ตัวอักษร)"},
		4: {"หมายเหตุ", "ช่องนี้ยาว 40,001 ตัวอักษร"},
		5: {"ชื่อ", "ชื่อ ยาว 150 ตัวอักษร เกินที่รับได้ (100 ตัวอักษร)"},
		6: {"โทรศัพท์", "โทรศัพท์ ยาว 54 ตัวอักษร เกินที่รับได้ (50 ตัวอักษร)"},
	}
	for r := range rep.Batch.RowResults() {
		w, ok := want[r.Row]
		if !ok {
			continue
		}
		if r.Fate != data.FateRejected || r.Column != w[0] || !strings.Contains(r.Reason, w[1]) {
			t.Errorf("row %d: %s %q %q", r.Row, r.Fate, r.Column, r.Reason)
		}
		if len([]rune(r.Value)) > 130 {
			t.Errorf("row %d carries %d characters into the report", r.Row, len([]rune(r.Value)))
		}
	}
	// The rows to send back go out as the district wrote them, as far as
	// a workbook can hold them.
	out, err := app.WriteErrorWorkbook(rep, filepath.Join(fx.dir, "back"))
	if err != nil || out == "" {
		t.Fatalf("error workbook %q: %v", out, err)
	}
	noTempLeft(t)
}

// TestImportRefusesWhatIsNotAFile: a named pipe, a link to the endless
// zero or random device, or a folder, named like a workbook, is refused
// at once with a Thai reason instead of being read forever.
func TestImportRefusesWhatIsNotAFile(t *testing.T) {
	fx := newFixture(t)
	ownTemp(t, nil)
	paths := map[string]string{}
	for _, dev := range []string{"/dev/zero", "/dev/urandom"} {
		if _, err := os.Stat(dev); err == nil {
			link := filepath.Join(fx.dir, filepath.Base(dev)+".xlsx")
			os.Symlink(dev, link)
			paths[link] = "อุปกรณ์หรือท่อของระบบ"
		}
	}
	if fifo := makeFifo(t, fx.dir); fifo != "" {
		paths[fifo] = "อุปกรณ์หรือท่อของระบบ"
	}
	folder := filepath.Join(fx.dir, "folder.xlsx")
	os.Mkdir(folder, 0o700)
	paths[folder] = "เป็นโฟลเดอร์"
	for path, want := range paths {
		rep := fx.plan(t, path, "") // a regression blocks here until the test binary's timeout
		if !strings.Contains(rep.Refused, want) {
			t.Errorf("%s: %q", filepath.Base(path), rep.Refused)
		}
	}
	noTempLeft(t)
}

// TestImportBoundsRowsAndTime: a file with more data rows than one import
// takes is refused, and so is a dry run that outlives its time budget
// (the importer's own deadline stops the reading).
func TestImportBoundsRowsAndTime(t *testing.T) {
	fx := newFixture(t)
	ownTemp(t, func(*xlsx.Limits) {})
	path := filepath.Join(fx.dir, "big.xlsx")
	bigBook(t, path, 3000)

	defer app.SetImportLimitsForTest(2999, time.Hour)()
	rep := fx.plan(t, path, "")
	if !strings.Contains(rep.Refused, "ไฟล์นี้มีข้อมูลเกิน 2,999 แถว") {
		t.Errorf("row bound: %q", rep.Refused)
	}
	noTempLeft(t)

	app.SetImportLimitsForTest(3000, 20*time.Millisecond)
	rep = fx.plan(t, path, "")
	if !strings.Contains(rep.Refused, "ตรวจไฟล์นี้นานเกิน") || rep.Batch != nil {
		t.Errorf("time budget: %q", rep.Refused)
	}
	noTempLeft(t)

	// The caller's own cancellation is not a refusal of the file.
	app.SetImportLimitsForTest(3000, time.Hour)
	ctx, cancel := context.WithCancel(fx.ctx)
	cancel()
	if _, err := fx.imp.Plan(ctx, path, ""); err == nil {
		t.Error("a cancelled dry run reported no error")
	}
	noTempLeft(t)
}

// TestRowBoundCountsEverySheet: the bound on data rows is the file's, all
// sheets together: sheets each under it are refused once their rows
// together pass it.
func TestRowBoundCountsEverySheet(t *testing.T) {
	fx := newFixture(t)
	rows := func(first int) [][]any {
		var out [][]any
		for i := first; i < first+20; i++ {
			out = append(out, templateRow(i, fmt.Sprintf("4101%07d", i), bigID(i), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""))
		}
		return out
	}
	path := writeBook(t, fx.dir, "two.xlsx", sheet{Name: "เมือง 1", Header: [][]string{templateHeader}, Rows: rows(1)},
		sheet{Name: "เมือง 2", Header: [][]string{templateHeader}, Rows: rows(21)})
	restore := app.SetImportLimitsForTest(30, time.Hour)
	rep := fx.plan(t, path, "")
	restore()
	if !strings.Contains(rep.Refused, "ไฟล์นี้มีข้อมูลเกิน 30 แถว") {
		t.Errorf("two sheets of 20 rows under a bound of 30: %q", rep.Refused)
	}
	defer app.SetImportLimitsForTest(40, time.Hour)()
	if rep = fx.plan(t, path, ""); rep.Refused != "" || rep.Counts().Rows != 40 {
		t.Errorf("two sheets of 20 rows under a bound of 40: %q, %+v", rep.Refused, rep.Counts())
	}
}

// TestImportBoundsThePlan: a file whose dry run would hold more than an
// import may (its rows' records and fates, kept until the commit) is
// refused, naming where it stopped; under the bound it is read whole.
func TestImportBoundsThePlan(t *testing.T) {
	fx := newFixture(t)
	ownTemp(t, nil) // other test binaries' workbooks are not this one's to count
	path := filepath.Join(fx.dir, "big.xlsx")
	bigBook(t, path, 3000)
	rep := fx.plan(t, path, "")
	if rep.Refused != "" || rep.Batch.Bytes() < 300_000 {
		t.Fatalf("refused %q, %d bytes", rep.Refused, rep.Batch.Bytes())
	}
	defer app.SetPlanLimitForTest(rep.Batch.Bytes() / 2)()
	rep = fx.plan(t, path, "")
	if !strings.Contains(rep.Refused, "ข้อมูลที่ต้องตรวจจากไฟล์นี้รวมกันเกิน") || !strings.Contains(rep.Refused, "แผ่นงาน 'Sheet1' แถว 1,") || rep.Batch != nil {
		t.Errorf("plan bound: %q", rep.Refused)
	}
	noTempLeft(t)
}

// TestRealSizeBombs builds the bombs at full size (a 1 GiB shared string
// in about 1 MB, 4 GiB of whitespace in about 4 MB, ...) and checks that
// the real limits refuse them. It writes the files into QMDESK_BOMBS and
// keeps them there, for measuring the command line on them (see
// docs/performance.md); without that variable it is skipped.
func TestRealSizeBombs(t *testing.T) {
	dir := os.Getenv("QMDESK_BOMBS")
	if dir == "" {
		t.Skip("set QMDESK_BOMBS=folder to build the full-size bombs there")
	}
	os.MkdirAll(dir, 0o755)
	fx := newFixture(t)
	ownTemp(t, nil)
	header := str(rawCells(headerCells()...))
	row := func(i int) string {
		return rawCells(templateRow(i, fmt.Sprintf("4101%07d", i), bigID(i), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", "")...)
	}
	for _, b := range []struct {
		name       string
		sheet, sst func(io.Writer)
		want       string
	}{
		{"shared-string-1GiB", func(w io.Writer) {
			header(w)
			r := templateRow(1, "41010000011", id(1), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", "")
			r[10] = sharedRef(0)
			io.WriteString(w, rawCells(r...))
		}, func(w io.Writer) {
			io.WriteString(w, "<si><t>")
			repeatWriter("a", 1<<30)(w)
			io.WriteString(w, "</t></si>")
		}, "ข้อความเดียวยาวเกิน"},
		{"whitespace-4GiB", func(w io.Writer) { header(w); repeatWriter(" ", 4<<30)(w); io.WriteString(w, row(1)) }, str(""), "เมื่อคลายออกมีขนาดเกิน"},
		{"whitespace-1.5GiB", func(w io.Writer) { header(w); repeatWriter(" ", 3<<29)(w); io.WriteString(w, row(1)) }, str(""), "ช่องว่างติดกันยาวเกิน"},
		{"shared-strings-3M", func(w io.Writer) { header(w); io.WriteString(w, row(1)) }, repeatWriter("<si><t>x</t></si>", 3_000_000), "มีข้อความต่างกันเกิน"},
		{"wide-rows", func(w io.Writer) {
			header(w)
			repeatWriter(`<row>`+strings.Repeat(`<c t="s"><v>0</v></c>`, 300)+`</row>`, 100_000)(w)
		}, str("<si><t>" + strings.Repeat("ก", 30_000) + "</t></si>"), "เลยคอลัมน์ IV"},
		{"long-cells-everywhere", func(w io.Writer) {
			header(w)
			repeatWriter(`<row>`+strings.Repeat(`<c t="s"><v>0</v></c>`, 256)+`</row>`, 100_000)(w)
		}, str("<si><t>" + strings.Repeat("ก", 30_000) + "</t></si>"), "รวมกันเกิน"},
		// One row more than Excel's sheet holds under its header: a file
		// of a single sheet never reaches maxDataRows, Excel's own bound.
		{"rows-past-excel", func(w io.Writer) { header(w); repeatWriter(row(1), 1_048_576)(w) }, str(""), "มีแถวเกิน 1,048,576 แถว ซึ่งเกินขีดจำกัดของ Excel"},
		// Within the limits, for the memory they cost: the most shared
		// strings allowed, each row pointing at the last one.
		{"shared-strings-2M", func(w io.Writer) {
			header(w)
			r := templateRow(1, "41010000011", id(1), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", "")
			r[17] = sharedRef(1_999_999)
			repeatWriter(rawCells(r...), 1000)(w)
		}, repeatWriter("<si><t>x</t></si>", 1_999_999), ""},
		{"blank-rows-1M", func(w io.Writer) {
			header(w)
			repeatWriter(`<row><c t="inlineStr"><is><t> </t></is></c></row>`, 1_048_000)(w)
		}, str(""), "ไม่พบข้อมูลใต้หัวตาราง"},
	} {
		path := filepath.Join(dir, b.name+".xlsx")
		rawBook(t, path, b.sheet, b.sst)
		fi, _ := os.Stat(path)
		start := time.Now()
		rep := fx.plan(t, path, "")
		t.Logf("%s: %s MB, %v: %s", b.name, data.FormatNumber(fi.Size()>>20), time.Since(start).Round(time.Millisecond), rep.Refused)
		if ok := b.want == "" && rep.Refused == "" || b.want != "" && strings.Contains(rep.Refused, b.want); !ok {
			t.Errorf("%s: %q, want %q", b.name, rep.Refused, b.want)
		}
		noTempLeft(t)
	}
}

// TestComposedFieldsStayWithinTheRecordLimits: a full name split into its
// parts is held to each part's limit, and a problem name not in the list
// put in front of a detail of the longest a row may give still makes a
// record the store takes: the commit never fails on a length the dry run
// did not refuse.
func TestComposedFieldsStayWithinTheRecordLimits(t *testing.T) {
	fx := newFixture(t)
	header := []string{"รหัสบ้าน", "ตำบล", "อำเภอ", "ชื่อ-สกุล", "ด้าน", "ปัญหา", "รายละเอียด"}
	detail := strings.Repeat("ค", data.MaxDetail/2)
	path := writeBook(t, fx.dir, "composed.xlsx", sheet{Name: "ข้อมูล", Header: [][]string{header}, Rows: [][]any{
		{"41010000011", "หมากแข้ง", "เมือง", "นาย" + strings.Repeat("สม", 75) + " ใจดี", 4, "หนี้สิน", ""},
		{"41010000022", "หมากแข้ง", "เมือง", "นางมาลี ดีใจ", 7, "ปัญหาที่ไม่มีในรายการของจังหวัด " + strings.Repeat("ง", 150), detail},
	}})
	rep := fx.plan(t, path, "")
	if rep.Refused != "" {
		t.Fatal(rep.Refused)
	}
	if c := rep.Counts(); c.Rejected != 1 || c.NewHouseholds != 1 {
		t.Fatalf("counts %+v: %+v", c, slices.Collect(rep.Batch.RowResults()))
	}
	if r := rep.Batch.Row(0); r.Column != "ชื่อ-สกุล" || !strings.Contains(r.Reason, "ชื่อ ยาว 150 ตัวอักษร") {
		t.Errorf("full name: %+v", r)
	}
	if _, err := fx.imp.Commit(fx.ctx, rep); err != nil {
		t.Fatalf("commit: %v", err)
	}
	hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41010000022")
	ps, _ := fx.store.ProblemsOf(fx.ctx, hs[0].ID)
	if len(ps) != 1 || !strings.HasSuffix(ps[0].Detail, detail) || !strings.Contains(ps[0].Detail, "ปัญหาที่ไม่มีในรายการ") {
		t.Errorf("problem %+v", ps)
	}
}
