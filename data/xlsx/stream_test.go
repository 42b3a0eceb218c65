package xlsx

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qmdesk/data"
)

// TestReadIsOneStream: Read shows Choose every sheet's first rows (merged
// cells filled, long cells cut), then streams exactly the sheets chosen,
// in the order chosen; Done hears how each ended and decides whether the
// read goes on; an error of Choose ends it.
func TestReadIsOneStream(t *testing.T) {
	path := filepath.Join(t.TempDir(), "drift.xlsx")
	driftBook(t, path)
	var heads []Head
	var got []string
	var done []string
	err := Read(t.Context(), path, "", Reading{
		HeadRows: 4,
		Choose: func(saved time.Time, h []Head) ([]string, error) {
			heads = h
			if saved.IsZero() {
				t.Error("no saved date")
			}
			return []string{"Stream", "ข้อมูล"}, nil
		},
		Row: func(sheet string, row int, cells []string, _ []int) error {
			got = append(got, fmt.Sprintf("%s %d %d", sheet, row, len(cells)))
			if sheet == "Stream" && row == 2 {
				return ErrStop
			}
			return nil
		},
		Done: func(sheet string, err error) error {
			done = append(done, fmt.Sprintf("%s %v", sheet, err))
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range heads {
		names = append(names, fmt.Sprintf("%s hidden=%v rows=%d", h.Name, h.Hidden, len(h.Rows)))
	}
	if fmt.Sprint(names) != "[ข้อมูล hidden=false rows=3 ซ่อน hidden=true rows=1 Stream hidden=false rows=2]" {
		t.Errorf("heads %v", names)
	}
	if r := heads[0].Rows[0]; r.N != 1 || len(r.Cells) != 6 || r.Cells[5] != r.Cells[0] {
		t.Errorf("the title merged over A1:F1, filled: %+v", r)
	}
	// Row 6 of ข้อมูล holds nothing but a formula without its result
	// (F6): it comes without cells.
	if fmt.Sprint(got[:3]) != "[Stream 1 2 Stream 2 2 ข้อมูล 1 6]" || len(got) != 11 || got[6] != "ข้อมูล 6 0" {
		t.Errorf("rows %v", got)
	}
	if fmt.Sprint(done) != "[Stream <nil> ข้อมูล <nil>]" {
		t.Errorf("done %v", done)
	}

	// A long cell is cut for Choose, not for Row.
	long := filepath.Join(t.TempDir(), "long.xlsx")
	writeZip(t, long, oneSheet(text(`<row r="1"><c t="inlineStr"><is><t>`+strings.Repeat("ก", 1000)+`</t></is></c></row>`), text(`<si><t>x</t></si>`)))
	var head, row int
	Read(t.Context(), long, "", Reading{HeadRows: 30,
		Choose: func(_ time.Time, h []Head) ([]string, error) {
			head = len(h[0].Rows[0].Cells[0])
			return []string{"S"}, nil
		},
		Row: func(_ string, _ int, c []string, _ []int) error { row = len(c[0]); return nil }})
	if head > HeadCellBytes || row != 3000 {
		t.Errorf("cell of %d bytes seen as %d by Choose, %d by Row", 3000, head, row)
	}

	stop := errors.New("no")
	rows := 0
	err = Read(t.Context(), path, "", Reading{HeadRows: 30,
		Choose: func(time.Time, []Head) ([]string, error) { return []string{"ข้อมูล"}, stop },
		Row:    func(string, int, []string, []int) error { rows++; return nil }})
	if err != stop || rows != 0 {
		t.Errorf("Choose's error: %v, %d rows read", err, rows)
	}
}

// TestDamagedRowIsRefusedNotCut: a byte that is not UTF-8 in the third
// row (a file damaged on the way, or written by a tool in another
// encoding) refuses the sheet and names the row. excelize's Rows ended
// the sheet there without an error, so rows 3 and after were silently
// lost.
func TestDamagedRowIsRefusedNotCut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "damaged.xlsx")
	writeZip(t, path, oneSheet(text(`<row r="1"><c t="s"><v>0</v></c></row><row r="2"><c><v>2</v></c></row><row r="3"><c t="inlineStr"><is><t>bad`+"\xff"+`</t></is></c></row><row r="4"><c><v>4</v></c></row>`), text(`<si><t>หัว</t></si>`)))
	wb, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows := 0
	err = wb.Rows("S", func(int, []string) error { rows++; return nil })
	if err == nil || rows > 2 || !strings.Contains(data.ErrorMessage(err), "อ่านแถวที่ 3 ของแผ่นงาน 'S' ไม่ได้") {
		t.Fatalf("after %d rows: %v (%s)", rows, err, data.ErrorMessage(err))
	}
}

// TestMergeCellsAcrossReads: a mergeCell tag cut by the end of a read,
// with a prefix, is found; the plural <mergeCells> and the word in text
// are not ranges.
func TestMergeCellsAcrossReads(t *testing.T) {
	for _, cut := range []int{3, 12, 30} {
		head := `<x:worksheet><x:sheetData><x:row r="1"><x:c><x:v>mergeCell ref="A1:Z9"</x:v></x:c></x:row></x:sheetData>`
		plural := `<x:mergeCells count="2">`
		// The first read is 256 + 1 MiB: it ends cut bytes into the tag.
		pad := strings.Repeat(" ", 256+1<<20-cut-len(head)-len(plural))
		doc := head + pad + plural + `<x:mergeCell ref="B2:C3"/><mergeCell  ref='D4:D5' /></x:mergeCells></x:worksheet>`
		if at := strings.Index(doc, "<x:mergeCell "); at+cut != 256+1<<20 {
			t.Fatalf("the tag starts at %d", at)
		}
		got, err := scanMergeCells(t.Context(), strings.NewReader(doc), 10)
		if err != nil || fmt.Sprint(got) != "[{2 2 3 3} {4 4 5 4}]" {
			t.Errorf("cut %d bytes into the tag: %v, %v", cut, got, err)
		}
	}
}

// TestRowsHeldWhileMergesAreFound: the first read of a sheet holds its
// rows while another goroutine looks for its merged ranges; whether the
// rows wait for the ranges at once (a bound of one byte), part way or
// never (a bound above the sheet), they come out in order, filled as a
// read that found the ranges first fills them. A sheet whose ranges
// break a limit is refused before any row, even past a damaged row.
func TestRowsHeldWhileMergesAreFound(t *testing.T) {
	var rows strings.Builder
	for r := 1; r <= 300; r++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d"><v>%d</v></c><c r="C%d" t="inlineStr"><is><t>ก%d</t></is></c></row>`, r, r, r, r, r)
	}
	merges := `<mergeCells count="3"><mergeCell ref="A1:C1"/><mergeCell ref="A5:B40"/><mergeCell ref="A200:B260"/></mergeCells>`
	path := filepath.Join(t.TempDir(), "merged.xlsx")
	writeZip(t, path, append(skeleton("S"), part{"xl/worksheets/sheet1.xml", sheetXML(text(rows.String()), merges)}))
	read := func(bound int) string {
		old := heldBytes
		heldBytes = bound
		defer func() { heldBytes = old }()
		wb, err := Open(path, "")
		if err != nil {
			t.Fatal(err)
		}
		defer wb.Close()
		var out []string
		if err := wb.Rows("S", func(n int, cells []string) error { out = append(out, dumpRow(n, cells)); return nil }); err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, "\n")
	}
	// What the ranges make of the rows, found before the first row.
	wb, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	fill := NewMergeFiller(wb.MergedRanges("S"))
	var want []string
	if err := wb.Rows("S", func(n int, cells []string) error { want = append(want, dumpRow(n, fill.Fill(n, cells))); return nil }); err != nil {
		t.Fatal(err)
	}
	wb.Close()
	if len(want) != 300 || want[0] != `1: "1" "1" "ก1"` || want[9] != `10: "10" "5" "ก10"` || want[219] != `220: "220" "200" "ก220"` {
		t.Fatalf("the ranges were not filled: %q, %q", want[0], want[9])
	}
	for _, bound := range []int{1, 4 << 10, 1 << 30} {
		if got := read(bound); got != strings.Join(want, "\n") {
			t.Errorf("bound %d: rows differ from the ranges found first:\n%s", bound, got)
		}
	}

	// Too many ranges, and a damaged row: the ranges' refusal, no row.
	lowLimits(t, func(l *Limits) { l.MergedRanges = 2 })
	bad := filepath.Join(t.TempDir(), "bad.xlsx")
	writeZip(t, bad, append(skeleton("S"), part{"xl/worksheets/sheet1.xml", sheetXML(text(`<row r="1"><c><v>1</v></c></row><row r="2"><c t="inlineStr"><is><t>bad`+"\xff"+`</t></is></c></row>`), merges)}))
	for _, bound := range []int{1, 1 << 30} {
		old := heldBytes
		heldBytes = bound
		wb, err := Open(bad, "")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		err = wb.Rows("S", func(int, []string) error { n++; return nil })
		wb.Close()
		heldBytes = old
		if n != 0 || !strings.Contains(data.ErrorMessage(err), "มีช่องที่ผสานกันเกิน 2 กลุ่ม") {
			t.Errorf("bound %d: %d rows, %v", bound, n, data.ErrorMessage(err))
		}
	}
}

// TestReadOneSheetInOnePass: Read of a workbook of one sheet, in one
// pass, shows Choose, Row and Done what reading the first rows, then the
// sheet again, shows them: whatever Choose takes, wherever Row stops or
// fails, wherever the sheet breaks, with merged ranges in the first rows
// and after.
func TestReadOneSheetInOnePass(t *testing.T) {
	dir := t.TempDir()
	book := func(name string, n, damaged int) string {
		var rows strings.Builder
		for r := 1; r <= n; r++ {
			v := fmt.Sprint(r)
			if r == damaged {
				v = "bad\xff"
			}
			formula := "" // a formula without its result, every seventh row
			if r%7 == 0 {
				formula = fmt.Sprintf(`<c r="B%d"><f>1+1</f></c>`, r)
			}
			fmt.Fprintf(&rows, `<row r="%d"><c r="A%d"><v>%d</v></c>%s<c r="C%d" t="inlineStr"><is><t>%s</t></is></c></row>`, r, r, r, formula, r, v)
		}
		path := filepath.Join(dir, name)
		writeZip(t, path, append(skeleton("S"), part{"xl/worksheets/sheet1.xml", sheetXML(text(rows.String()), `<mergeCells><mergeCell ref="A1:C1"/><mergeCell ref="A35:B40"/></mergeCells>`)}))
		return path
	}
	books := []string{book("fifty.xlsx", 50, 0), book("three.xlsx", 3, 0), book("early.xlsx", 50, 3), book("late.xlsx", 50, 40), book("cut.xlsx", 50, 31)}
	stopAt, failAt := errors.New("row failed"), errors.New("choose failed")
	events := func(path string, heads, stop, fail int, choice []string, chooseErr, withDone bool) string {
		var log []string
		r := Reading{HeadRows: heads,
			Choose: func(_ time.Time, h []Head) ([]string, error) {
				for _, x := range h {
					log = append(log, fmt.Sprintf("head %s %v %v", x.Name, x.Rows, x.Err))
				}
				if chooseErr {
					return nil, failAt
				}
				return choice, nil
			},
			Row: func(sheet string, row int, cells []string, formulas []int) error {
				log = append(log, "row "+sheet+" "+dumpRow(row, cells)+fmt.Sprint(" formulas ", formulas))
				switch row {
				case stop:
					return ErrStop
				case fail:
					return stopAt
				}
				return nil
			}}
		if withDone {
			r.Done = func(sheet string, err error) error {
				log = append(log, fmt.Sprintf("done %s %v", sheet, err))
				return nil
			}
		}
		err := Read(t.Context(), path, "", r)
		log = append(log, fmt.Sprintf("end %v", err))
		return strings.Join(log, "\n")
	}
	defer func() { onePass = true }()
	cases := 0
	for _, path := range books {
		for _, heads := range []int{2, 30, 100} {
			for _, c := range []struct {
				stop, fail int
				choice     []string
				chooseErr  bool
			}{{0, 0, []string{"S"}, false}, {2, 0, []string{"S"}, false}, {33, 0, []string{"S"}, false}, {0, 45, []string{"S"}, false}, {0, 1, []string{"S"}, false},
				{0, 0, nil, false}, {0, 0, []string{"S", "S"}, false}, {0, 0, nil, true}} {
				for _, withDone := range []bool{true, false} {
					onePass = false
					want := events(path, heads, c.stop, c.fail, c.choice, c.chooseErr, withDone)
					onePass = true
					if got := events(path, heads, c.stop, c.fail, c.choice, c.chooseErr, withDone); got != want {
						t.Fatalf("%s, %d head rows, %+v, Done %v: in one pass\n%s\nwant\n%s", filepath.Base(path), heads, c, withDone, got, want)
					}
					cases++
				}
			}
		}
	}
	t.Logf("%d cases", cases)
}

// TestReadOptimisticIsTheSame: Read with Restart hands a one-sheet
// workbook's rows on before its merged ranges are known (at once with a
// bound of one byte, after some rows, or never with a bound above the
// sheet) and, when the ranges change a row handed on, says Restart and
// reads it again; what Choose, Row and Done saw after the last Restart is
// what they see without Restart (the ranges found before any row), for
// ranges at the start, in the middle and at the end of the sheet, none,
// ranges that fill nothing, ranges past the columns read, whatever
// Choose takes, wherever Row stops or fails and the sheet breaks. A
// sheet without ranges, or whose ranges change no row handed on, is
// inflated once and never restarted.
func TestReadOptimisticIsTheSame(t *testing.T) {
	dir := t.TempDir()
	book := func(name string, n, damaged int, merges string) string {
		var rows strings.Builder
		for r := 1; r <= n; r++ {
			v := fmt.Sprint(r)
			if r == damaged {
				v = "bad\xff"
			}
			fmt.Fprintf(&rows, `<row r="%d"><c r="A%d"><v>%d</v></c><c r="C%d" t="inlineStr"><is><t>%s</t></is></c></row>`, r, r, r, r, v)
		}
		path := filepath.Join(dir, name)
		writeZip(t, path, append(skeleton("S"), part{"xl/worksheets/sheet1.xml", sheetXML(text(rows.String()), merges)}))
		return path
	}
	ends := `<mergeCells><mergeCell ref="A1:C1"/><mergeCell ref="A35:B40"/><mergeCell ref="B48:C50"/></mergeCells>`
	type b struct {
		path    string
		changes bool // the ranges change a row
	}
	books := []b{
		{book("title.xlsx", 50, 0, `<mergeCells><mergeCell ref="A1:C1"/></mergeCells>`), true},
		{book("ends.xlsx", 50, 0, ends), true},
		{book("three.xlsx", 3, 0, ends), true},
		{book("early.xlsx", 50, 3, ends), true},
		{book("late.xlsx", 50, 40, ends), true},
		{book("cut.xlsx", 50, 31, ends), true},
		{book("none.xlsx", 50, 0, ``), false},
		{book("none-damaged.xlsx", 50, 31, ``), false},
		// One cell, and columns past the last one read (IV is the 256th):
		// nothing to fill.
		{book("nothing.xlsx", 50, 0, `<mergeCells><mergeCell ref="A5:A5"/><mergeCell ref="IW1:XFD9"/></mergeCells>`), false},
		{book("wide.xlsx", 50, 0, `<mergeCells><mergeCell ref="IW1:XFD9"/><mergeCell ref="C45:XFD46"/></mergeCells>`), true},
	}
	stopAt, failAt := errors.New("row failed"), errors.New("choose failed")
	events := func(path string, heads, stop, fail int, choice []string, chooseErr, withDone, restart bool) (string, int) {
		var log []string
		restarts := 0
		r := Reading{HeadRows: heads,
			Choose: func(_ time.Time, h []Head) ([]string, error) {
				for _, x := range h {
					log = append(log, fmt.Sprintf("head %s %v %v", x.Name, x.Rows, x.Err))
				}
				if chooseErr {
					return nil, failAt
				}
				return choice, nil
			},
			Row: func(sheet string, row int, cells []string, _ []int) error {
				log = append(log, "row "+sheet+" "+dumpRow(row, cells))
				switch row {
				case stop:
					return ErrStop
				case fail:
					return stopAt
				}
				return nil
			}}
		if withDone {
			r.Done = func(sheet string, err error) error {
				log = append(log, fmt.Sprintf("done %s %v", sheet, err))
				return nil
			}
		}
		if restart {
			r.Restart = func() error {
				log = nil
				restarts++
				return nil
			}
			// Asked, it finds that the rows matter.
			r.Recheck = func(Head, []HeadRow, []HeadRow) bool { return false }
		}
		err := Read(t.Context(), path, "", r)
		log = append(log, fmt.Sprintf("end %v", err))
		return strings.Join(log, "\n"), restarts
	}
	defer HoldRowsForTest(heldBytes)()
	cases, restarted := 0, 0
	for _, bk := range books {
		for _, heads := range []int{2, 30} {
			for _, c := range []struct {
				stop, fail int
				choice     []string
				chooseErr  bool
			}{{0, 0, []string{"S"}, false}, {2, 0, []string{"S"}, false}, {33, 0, []string{"S"}, false}, {0, 45, []string{"S"}, false}, {0, 1, []string{"S"}, false},
				{0, 0, nil, false}, {0, 0, []string{"S", "S"}, false}, {0, 0, nil, true}} {
				for _, withDone := range []bool{true, false} {
					heldBytes = 64 << 20
					want, _ := events(bk.path, heads, c.stop, c.fail, c.choice, c.chooseErr, withDone, false)
					for _, bound := range []int{1, 300, 1 << 30} {
						heldBytes = bound
						scans := mergeScans.Load()
						got, restarts := events(bk.path, heads, c.stop, c.fail, c.choice, c.chooseErr, withDone, true)
						if got != want {
							t.Fatalf("%s, %d head rows, %+v, Done %v, bound %d, %d restarts:\n%s\nwant\n%s", filepath.Base(bk.path), heads, c, withDone, bound, restarts, got, want)
						}
						if restarts > 1 || restarts == 1 && (!bk.changes || bound == 1<<30) {
							t.Errorf("%s, bound %d, %+v: %d restarts", filepath.Base(bk.path), bound, c, restarts)
						}
						if !bk.changes && len(c.choice) == 1 && !c.chooseErr && mergeScans.Load() != scans {
							t.Errorf("%s, bound %d, %+v: the sheet was inflated again for its ranges", filepath.Base(bk.path), bound, c)
						}
						restarted += restarts
						cases++
					}
				}
			}
		}
	}
	if restarted == 0 {
		t.Error("never restarted")
	}
	t.Logf("%d cases, %d restarted", cases, restarted)

	// Ranges that cannot be read (too many): refused before any row, as
	// without Restart, whenever rows were handed on.
	lowLimits(t, func(l *Limits) { l.MergedRanges = 2 })
	for _, bk := range books[1:3] {
		heldBytes = 64 << 20
		want, _ := events(bk.path, 30, 0, 0, []string{"S"}, false, true, false)
		if !strings.Contains(want, "มีช่องที่ผสานกันเกิน 2 กลุ่ม") || strings.Contains(want, "row ") {
			t.Fatalf("without Restart: %s", want)
		}
		for _, bound := range []int{1, 300, 1 << 30} {
			heldBytes = bound
			if got, _ := events(bk.path, 30, 0, 0, []string{"S"}, false, true, true); got != want {
				t.Errorf("%s, bound %d:\n%s\nwant\n%s", filepath.Base(bk.path), bound, got, want)
			}
		}
	}
}

// TestReadRecheckSparesTheReadAgain: ranges that change only the first
// rows of a sheet Choose took alone are put to Recheck, with what Choose
// would have seen, and the first rows as Row got them and filled; when it
// says they change nothing, the read is not done again. Ranges that
// change a later row are not put to it.
func TestReadRecheckSparesTheReadAgain(t *testing.T) {
	dir := t.TempDir()
	var rows strings.Builder
	for r := 1; r <= 50; r++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d"><v>%d</v></c><c r="C%d" t="inlineStr"><is><t>%d</t></is></c></row>`, r, r, r, r, r)
	}
	title, later := filepath.Join(dir, "title.xlsx"), filepath.Join(dir, "later.xlsx")
	writeZip(t, title, append(skeleton("S"), part{"xl/worksheets/sheet1.xml", sheetXML(text(rows.String()), `<mergeCells><mergeCell ref="A1:D2"/><mergeCell ref="C5:D5"/></mergeCells>`)}))
	writeZip(t, later, append(skeleton("S"), part{"xl/worksheets/sheet1.xml", sheetXML(text(rows.String()), `<mergeCells><mergeCell ref="A1:D2"/><mergeCell ref="A30:B31"/></mergeCells>`)}))
	defer HoldRowsForTest(1)()
	read := func(path string, spare bool) (restarts int, asked []string, rowLog []string) {
		err := Read(t.Context(), path, "", Reading{HeadRows: 10,
			Choose: func(time.Time, []Head) ([]string, error) { return []string{"S"}, nil },
			Row: func(_ string, n int, cells []string, _ []int) error {
				rowLog = append(rowLog, dumpRow(n, cells))
				return nil
			},
			Restart: func() error { restarts++; rowLog = nil; return nil },
			Recheck: func(head Head, was, now []HeadRow) bool {
				for i := range was {
					asked = append(asked, dumpRow(was[i].N, was[i].Cells)+" | "+dumpRow(now[i].N, now[i].Cells)+" | "+dumpRow(head.Rows[i].N, head.Rows[i].Cells))
				}
				return spare
			}})
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	restarts, asked, log := read(title, true)
	if restarts != 0 || len(asked) != 10 || len(log) != 50 {
		t.Fatalf("spared: %d restarts, asked %v, %d rows", restarts, asked, len(log))
	}
	for i, want := range []string{
		`1: "1" "" "1" | 1: "1" "1" "1" "1" | 1: "1" "1" "1" "1"`,
		`2: "2" "" "2" | 2: "2" "1" "2" "1" | 2: "2" "1" "2" "1"`,
		`3: "3" "" "3" | 3: "3" "" "3" | 3: "3" "" "3"`,
		`5: "5" "" "5" | 5: "5" "" "5" "5" | 5: "5" "" "5" "5"`,
	} {
		if got := asked[[]int{0, 1, 2, 4}[i]]; got != want {
			t.Errorf("asked %s, want %s", got, want)
		}
	}
	if log[0] != `1: "1" "" "1"` {
		t.Errorf("spared, Row got %s", log[0])
	}
	restarts, asked, log = read(title, false)
	if len(asked) != 10 {
		t.Errorf("not spared: asked %v", asked)
	}
	if restarts != 1 || log[0] != `1: "1" "1" "1" "1"` {
		t.Errorf("not spared: %d restarts, Row got %s", restarts, log[0])
	}
	if restarts, asked, log = read(later, true); restarts != 1 || asked != nil || log[29] != `30: "30" "30" "30"` || log[30] != `31: "31" "30" "31"` {
		t.Errorf("a later row: %d restarts, asked %v, Row got %s, %s", restarts, asked, log[29], log[30])
	}
}

// TestMergeFinderAsScan: the finder fed a part in pieces of any size finds
// what scanMergeCells finds reading it, tags cut by its buffer included,
// and refuses as it does (too many ranges; a stream that breaks).
func TestMergeFinderAsScan(t *testing.T) {
	var docs []string
	for _, cut := range []int{3, 12, 30, 300} {
		head := `<x:worksheet><x:sheetData><x:row r="1"><x:c><x:v>mergeCell ref="A1:Z9"</x:v></x:c></x:row></x:sheetData>`
		plural := `<x:mergeCells count="2">`
		pad := strings.Repeat(" ", 256+1<<20-cut-len(head)-len(plural))
		tags := strings.Repeat(`<x:mergeCell ref="B2:C3"/><mergeCell  ref='D4:D5' />`, 1+cut/10)
		docs = append(docs, head+pad+plural+tags+`</x:mergeCells>`+strings.Repeat(" ", cut*1000)+`</x:worksheet>`)
	}
	// A tag longer than the tail kept, across the first buffer's end: it
	// is lost, as scanMergeCells loses it.
	long := `<mergeCell ref="E6:F7" note="` + strings.Repeat("x", 400) + `"/>`
	docs = append(docs, strings.Repeat(" ", 256+1<<20-300)+long+`<mergeCell ref="A1:B1"/>`)
	for _, doc := range docs {
		for _, most := range []int{2, 100} {
			want, werr := scanMergeCells(t.Context(), strings.NewReader(doc), most)
			for _, piece := range []int{1 << 20, 7, 4000, 4096, 1<<20 + 3, len(doc)} {
				f := newMergeFinder(most)
				for b := []byte(doc); len(b) > 0; {
					n := min(piece, len(b))
					f.feed(b[:n])
					b = b[n:]
				}
				got, gerr := f.end(io.EOF)
				if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
					t.Errorf("%d bytes, most %d, pieces of %d: %v %v, want %v %v", len(doc), most, piece, got, gerr, want, werr)
				}
			}
		}
		broken := errors.New("broken")
		f := newMergeFinder(100)
		f.feed([]byte(doc[:1000]))
		if _, err := f.end(broken); err != broken {
			t.Errorf("a broken stream: %v", err)
		}
	}
}
