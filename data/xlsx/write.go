package xlsx

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"qmdesk/data"
)

// Font is the font of every workbook qmdesk writes: the Thai government's
// standard face, which every provincial office PC has.
const (
	Font     = "TH SarabunPSK"
	FontSize = 16
	// Thai at 16 pt needs taller rows than Excel's default 15 pt, or the
	// upper and lower marks are cut off on screen and on paper.
	rowHeight   = 24
	titleHeight = 30
	// lineHeight is one wrapped line of a header or title: Thai at 16 pt
	// with its marks needs about 27 pt in Excel and LibreOffice alike.
	lineHeight = 27
)

// Table is one sheet to write: optional title lines, a header row and
// streamed rows. Every text cell is written as a string, never a formula;
// one that an office suite could take for a formula when it is typed
// again or saved as CSV (data.NeedsFormulaGuard: =HYPERLINK(…), +cmd…) is
// written after data.FormulaGuard, in a cell formatted as text.
type Table struct {
	Sheet  string
	Titles []string // lines above the header, merged across the table
	Header []string
	// HeaderColors fills header cells with a colour ("#009E73"; "" for the
	// default): the status colours the charts use.
	HeaderColors []string
	Widths       []float64 // per column; 0 keeps the default
	Text         []bool    // columns kept as text (IDs, codes): Excel must not turn them into numbers
	// Formats are number formats by column ("#,##0", "0.0%"): the cells
	// stay numbers a clerk can add up, shown with separators.
	Formats  []string
	Locked   []bool // columns a protected sheet does not let the district edit
	Hidden   []bool // columns hidden from view (qmdesk's own bookkeeping)
	Protect  bool   // protect the sheet (locked columns only; no password)
	Lists    map[int][]string
	ListRows int // rows the drop-downs cover (default RowCount): a blank template wants room
	RowCount int
	// Row returns row i's cells and which of them to highlight. The
	// rows are asked for in order, and a row's cells are written before
	// the next row is asked for: Row may hand back the same slices.
	Row func(i int) (cells []any, highlight []bool)
	// Bold rows (e.g. a totals line) by index.
	Bold func(i int) bool
	// Done, when set, is called once the table's lane is done with the
	// table: its rows written, or failed, or never begun after an earlier
	// table of the lane failed. (Not at all when Write fails before any
	// rows are written, setting up the sheets.)
	Done func()
	// Lane: the rows of tables of one lane are written one table after
	// the other, in order; lanes side by side. Tables whose Row functions
	// share anything (a stream read in turn) must be of one lane; the zero
	// lane is every table's that sets none.
	Lane int
}

// Write writes tables to path, through a new file of its own renamed into
// place (data.WriteFileAtomic), so a failure never leaves half a workbook
// under the name and names its cause. A non-empty password encrypts it.
func Write(path string, tables []Table, password string) error {
	f := excelize.NewFile()
	defer f.Close()
	// Deflate at its fastest (a 100,000-row sheet spent a quarter of its
	// time compressing at the default level, for a file a little smaller),
	// on every core (zipwriter.go).
	f.SetZipWriter(newParallelZip)
	if err := f.SetDefaultFont(Font); err != nil {
		return err
	}
	// When the workbook was made, in its properties (excelize would say
	// 16 Sep 2006): an import dates rows without an action date by it.
	now := time.Now().UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "qmdesk", Created: now, Modified: now}); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	// Every sheet is set up first, one after another (excelize's
	// workbook is not for two goroutines); then the rows, a lane a core
	// (excelize writes each sheet's stream on its own); then each sheet is
	// closed, in order.
	lists := 0
	writers := make([]*tableWriter, len(tables))
	for i, t := range tables {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", t.Sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(t.Sheet); err != nil {
			return err
		}
		tw, err := startTable(f, st, t, &lists)
		if err != nil {
			return fmt.Errorf("sheet %s: %w", t.Sheet, err)
		}
		writers[i] = tw
	}
	defer func() {
		for _, tw := range writers {
			if tw != nil {
				tw.data.close()
			}
		}
	}()
	lanes := map[int][]*tableWriter{}
	for _, tw := range writers {
		lanes[tw.t.Lane] = append(lanes[tw.t.Lane], tw)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(writers))
	for _, lane := range lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k, tw := range lane {
				err := tw.rows()
				if err == nil {
					err = tw.data.end()
				}
				if err != nil {
					errs[slices.Index(writers, tw)] = err
					for _, rest := range lane[k:] {
						rest.done()
					}
					return
				}
				tw.done()
			}
		}()
	}
	wg.Wait()
	for i, tw := range writers {
		err := errs[i]
		if err == nil {
			err = tw.sw.Flush()
		}
		if err != nil {
			return fmt.Errorf("sheet %s: %w", tw.t.Sheet, err)
		}
	}
	rows := map[string]*deflatedRows{}
	for _, tw := range writers {
		rows[tw.part()] = tw.data
	}
	return writeFileAtomic(path, 0o644, func(w io.Writer) error {
		if password == "" {
			// excelize builds the whole archive in memory and then copies
			// it to w (a province's export: 270 MB, which this machine took
			// seconds to get from the system); the archive goes to the
			// file instead and the buffer stays empty. Encrypted, the
			// archive is encrypted whole, from the buffer.
			f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return newSplicingZip(w, rows) })
		} else {
			f.SetZipWriter(func(buf io.Writer) excelize.ZipWriter { return newSplicingZip(buf, rows) })
		}
		return f.Write(w, excelize.Options{Password: password})
	})
}

// writeFileAtomic writes the workbook's file (a variable so that tests can
// put a full disk under it).
var writeFileAtomic = data.WriteFileAtomic

// cellBorder is the thin grey line around every cell of a table.
var cellBorder = []excelize.Border{{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1}, {Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1}}

type styles struct {
	mu sync.Mutex // the styles made while rows are written, in lanes side by side

	title, header, cell, text, locked, lockedText, bad, bold int

	colored   map[string]int // header styles by fill colour
	formatted map[string]int // cell styles by number format and boldness
	textOf    map[int]int    // each style formatted as text
}

// asText is style with the text number format (@): what is typed again
// into the cell stays text in Excel and LibreOffice.
func (st *styles) asText(f *excelize.File, style int) (int, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if id, ok := st.textOf[style]; ok {
		return id, nil
	}
	s, err := f.GetStyle(style)
	if err != nil {
		return 0, err
	}
	s.NumFmt, s.CustomNumFmt = 49, nil
	id, err := f.NewStyle(s)
	if err != nil {
		return 0, err
	}
	if st.textOf == nil {
		st.textOf = map[int]int{}
	}
	st.textOf[style] = id
	return id, nil
}

// numberStyle is the cell style (bold for a totals line) with a number
// format.
func (st *styles) numberStyle(f *excelize.File, format string, bold bool) (int, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	key := fmt.Sprint(format, bold)
	if id, ok := st.formatted[key]; ok {
		return id, nil
	}
	id, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: Font, Size: FontSize, Bold: bold}, Border: cellBorder,
		CustomNumFmt: &format, Protection: &excelize.Protection{Locked: false}})
	if err != nil {
		return 0, err
	}
	if st.formatted == nil {
		st.formatted = map[string]int{}
	}
	st.formatted[key] = id
	return id, nil
}

// charWidth estimates the width of s in a spreadsheet's column unit: Thai
// vowel and tone marks above and below take no width. A TH SarabunPSK
// letter at 16 pt is about one "0" of that font, which is Excel's unit;
// LibreOffice measures columns in its own default font, about a third
// narrower, so the estimate is generous enough for both.
func charWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r >= 0x0E00 && r <= 0x0E7F:
			w += 1.45
		default:
			w += 1.3
		}
	}
	return w
}

// headerWidth is the narrowest a column can be without a header word
// breaking inside.
func headerWidth(h string) float64 { return data.LongestPiece(h, charWidth) + 2 }

// headerLines breaks a header into the lines it takes in a column of width
// w, between words: written with explicit line breaks, so that Excel and
// LibreOffice show the same lines and never break inside a Thai word.
func headerLines(h string, w float64) []string { return data.Wrap(h, w-2, charWidth) }

// coloredHeader is the header style with a fill, white text on a dark one.
func (st *styles) coloredHeader(f *excelize.File, hex string) (int, error) {
	if id, ok := st.colored[hex]; ok {
		return id, nil
	}
	r, g, b, ok := data.ColorRGB(hex)
	if !ok {
		return st.header, nil
	}
	text := "000000"
	if 0.2126*float64(r)+0.7152*float64(g)+0.0722*float64(b) < 140 {
		text = "FFFFFF"
	}
	id, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: Font, Size: FontSize, Bold: true, Color: text},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{strings.TrimPrefix(hex, "#")}}, Border: cellBorder,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Protection: &excelize.Protection{Locked: true}})
	if err != nil {
		return 0, err
	}
	if st.colored == nil {
		st.colored = map[string]int{}
	}
	st.colored[hex] = id
	return id, nil
}

func newStyles(f *excelize.File) (*styles, error) {
	font := &excelize.Font{Family: Font, Size: FontSize}
	unlocked := &excelize.Protection{Locked: false}
	locked := &excelize.Protection{Locked: true}
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EDEDED"}}
	// Text kept as text (codes, IDs) sits a little in from the left, so a
	// number right-aligned in the cell before it never reads as its start.
	indent := &excelize.Alignment{Horizontal: "left", Indent: 1}
	defs := []*excelize.Style{
		{Font: &excelize.Font{Family: Font, Size: FontSize + 2, Bold: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}},
		{Font: &excelize.Font{Family: Font, Size: FontSize, Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}, Border: cellBorder,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Protection: locked},
		{Font: font, Border: cellBorder, Protection: unlocked},
		{Font: font, Border: cellBorder, Protection: unlocked, NumFmt: 49, Alignment: indent},
		{Font: font, Border: cellBorder, Protection: locked, Fill: grey},
		{Font: font, Border: cellBorder, Protection: locked, Fill: grey, NumFmt: 49, Alignment: indent},
		{Font: font, Border: cellBorder, Protection: unlocked, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}, NumFmt: 49, Alignment: indent},
		{Font: &excelize.Font{Family: Font, Size: FontSize, Bold: true}, Border: cellBorder, Protection: unlocked},
	}
	ids := make([]int, len(defs))
	for i, d := range defs {
		id, err := f.NewStyle(d)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return &styles{title: ids[0], header: ids[1], cell: ids[2], text: ids[3], locked: ids[4], lockedText: ids[5], bad: ids[6], bold: ids[7]}, nil
}

// tableWriter writes one table: its titles and header through excelize's
// stream writer, its rows as sheet XML of its own (sheetwriter.go), which
// the zip writer puts into the sheet's part.
type tableWriter struct {
	f    *excelize.File
	st   *styles
	t    Table
	sw   *excelize.StreamWriter
	cols int
	row  int // the last row of the header
	data *deflatedRows
}

func (tw *tableWriter) done() {
	if tw.t.Done != nil {
		tw.t.Done()
	}
}

// part is the name of the sheet's part in the archive: excelize names a
// sheet's part by its sheet ID.
func (tw *tableWriter) part() string { return fmt.Sprintf("xl/worksheets/sheet%d.xml", tw.sw.SheetID) }

// startTable sets up a table's sheet and writes its titles and header.
func startTable(f *excelize.File, st *styles, t Table, lists *int) (*tableWriter, error) {
	cols := len(t.Header)
	first := len(t.Titles) + 1 // header row
	last := first + t.RowCount
	lastCell, _ := excelize.CoordinatesToCellName(max(cols, 1), max(last, first))
	// Readers that trust the declared dimension (openpyxl read-only) see
	// one row of a stream-written sheet unless it is set first.
	if err := f.SetSheetDimension(t.Sheet, "A1:"+lastCell); err != nil {
		return nil, err
	}
	listRows := max(t.ListRows, t.RowCount)
	// In column order: the same tables make the same workbook.
	for _, col := range slices.Sorted(maps.Keys(t.Lists)) {
		values := t.Lists[col]
		if len(values) == 0 || listRows == 0 {
			continue
		}
		*lists++
		ref, err := listRange(f, *lists, values)
		if err != nil {
			return nil, err
		}
		dv := excelize.NewDataValidation(true)
		from, _ := excelize.CoordinatesToCellName(col+1, first+1)
		to, _ := excelize.CoordinatesToCellName(col+1, first+listRows)
		dv.Sqref = from + ":" + to
		dv.SetSqrefDropList(ref)
		dv.SetError(excelize.DataValidationErrorStyleWarning, "ค่าไม่อยู่ในรายการ", "กรุณาเลือกจากรายการ")
		if err := f.AddDataValidation(t.Sheet, dv); err != nil {
			return nil, err
		}
	}
	// Landscape, about twenty columns to a page width: the 25-column
	// template prints on one, the 37-column summary on two.
	landscape, fit, zero := "landscape", 1, 0
	if cols > 30 {
		fit = 2
	}
	if err := f.SetPageLayout(t.Sheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &fit, FitToHeight: &zero}); err != nil {
		return nil, err
	}
	fitToPage := true
	if err := f.SetSheetProps(t.Sheet, &excelize.SheetPropsOptions{FitToPage: &fitToPage}); err != nil {
		return nil, err
	}
	if t.Protect {
		if err := f.ProtectSheet(t.Sheet, &excelize.SheetProtectionOptions{
			FormatColumns: true, FormatRows: true, AutoFilter: true, Sort: true, SelectLockedCells: true, SelectUnlockedCells: true,
		}); err != nil {
			return nil, err
		}
	}
	sw, err := f.NewStreamWriter(t.Sheet)
	if err != nil {
		return nil, err
	}
	// Every column at least as wide as its header's longest word.
	widths := make([]float64, cols)
	for i := range widths {
		if i < len(t.Widths) {
			widths[i] = t.Widths[i]
		}
		if i < len(t.Header) {
			if widths[i] == 0 {
				widths[i] = 8.43 // Excel's default
			}
			widths[i] = max(widths[i], headerWidth(t.Header[i]))
		}
	}
	for i, w := range widths {
		if w > 0 {
			if err := sw.SetColWidth(i+1, i+1, w); err != nil {
				return nil, err
			}
		}
	}
	for i, hide := range t.Hidden {
		if hide {
			if err := sw.SetColVisible(i+1, i+1, false); err != nil {
				return nil, err
			}
		}
	}
	// Titles and header stay in view while the clerk scrolls.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: first, TopLeftCell: fmt.Sprintf("A%d", first+1), ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	row := 1
	for _, title := range t.Titles {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		// A title wider than the table wraps over the merged cells, between
		// words, and its row is as tall as its lines.
		var total float64
		for _, w := range widths {
			total += w
		}
		lines := headerLines(title, total*0.85) // the title's larger bold font
		if err := sw.SetRow(cell, []any{excelize.Cell{StyleID: st.title, Value: strings.Join(lines, "\n")}},
			excelize.RowOpts{Height: max(titleHeight, float64(len(lines)*(lineHeight+3)+4))}); err != nil {
			return nil, err
		}
		if cols > 1 {
			end, _ := excelize.CoordinatesToCellName(cols, row)
			if err := sw.MergeCell(cell, end); err != nil {
				return nil, err
			}
		}
		row++
	}
	head := make([]any, cols)
	lines := 1
	for i, h := range t.Header {
		style := st.header
		if i < len(t.HeaderColors) && t.HeaderColors[i] != "" {
			if style, err = st.coloredHeader(f, t.HeaderColors[i]); err != nil {
				return nil, err
			}
		}
		hl := headerLines(h, widths[i])
		head[i] = excelize.Cell{StyleID: style, Value: data.FormulaSafe(strings.Join(hl, "\n"))} // a district's own header comes back in an error workbook
		lines = max(lines, len(hl))
	}
	cell, _ := excelize.CoordinatesToCellName(1, row)
	if err := sw.SetRow(cell, head, excelize.RowOpts{Height: float64(lines*lineHeight + 6)}); err != nil {
		return nil, err
	}
	return &tableWriter{f: f, st: st, t: t, sw: sw, cols: cols, row: row, data: newDeflatedRows()}, nil
}

// rows writes the table's rows. Tables of different lanes write theirs at
// the same time: the styles made here are made under the styles' lock.
func (tw *tableWriter) rows() error {
	f, st, t, cols, row := tw.f, tw.st, tw.t, tw.cols, tw.row
	var err error
	x := newRows(tw)
	for i := 0; i < t.RowCount; i++ {
		row++
		x.start(row, rowHeight)
		cells, bad := t.Row(i)
		bold := t.Bold != nil && t.Bold(i)
		for c := 0; c < cols; c++ {
			var v any
			if c < len(cells) {
				v = cells[c]
			}
			text := c < len(t.Text) && t.Text[c]
			lock := t.Protect && c < len(t.Locked) && t.Locked[c]
			style := st.cell
			switch {
			case c < len(bad) && bad[c]:
				style = st.bad
			case bold:
				style = st.bold
			case lock && text:
				style = st.lockedText
			case lock:
				style = st.locked
			case text:
				style = st.text
			}
			if text {
				if v != nil {
					v = fmt.Sprint(v)
				}
			} else if c < len(t.Formats) && t.Formats[c] != "" && v != nil && !(c < len(bad) && bad[c]) {
				if style, err = st.numberStyle(f, t.Formats[c], bold); err != nil {
					return err
				}
			}
			if s, ok := v.(string); ok && data.NeedsFormulaGuard(s) {
				// Never a formula, now or when typed again: guarded, in
				// a cell formatted as text.
				v = data.FormulaGuard + s
				if style, err = st.asText(f, style); err != nil {
					return err
				}
			}
			if v == "" {
				v = nil // a blank cell, styled, without an empty string in it
			}
			if err := x.cell(c, style, v); err != nil {
				return err
			}
		}
		if err := x.end(); err != nil {
			return err
		}
	}
	return nil
}

// rowSink takes a table's rows, a cell at a time.
type rowSink interface {
	start(row int, height float64)
	cell(c, style int, v any) error
	end() error
}

// newRows is where a table's rows go: its rowXML, into its spool. (Tests
// put excelize's StreamWriter.SetRow here, the reference rowXML is held
// to.)
var newRows = func(tw *tableWriter) rowSink { return &spooledRows{newRowXML(tw.cols), tw.data} }

type spooledRows struct {
	*rowXML
	w io.Writer
}

func (r *spooledRows) end() error {
	_, err := r.w.Write(r.rowXML.end())
	return err
}

// listRange writes a drop-down's values into the hidden sheet of lists and
// returns the range formula: an inline list is limited to 255 characters,
// which the sub-problem names exceed.
func listRange(f *excelize.File, n int, values []string) (string, error) {
	const sheet = "รายการ"
	if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		if _, err := f.NewSheet(sheet); err != nil {
			return "", err
		}
		if err := f.SetSheetVisible(sheet, false); err != nil {
			return "", err
		}
	}
	for i, v := range values {
		cell, _ := excelize.CoordinatesToCellName(n, i+1)
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			return "", err
		}
	}
	colName, _ := excelize.ColumnNumberToName(n)
	return fmt.Sprintf("'%s'!$%s$1:$%s$%d", sheet, colName, colName, len(values)), nil
}
