package xlsx

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Reading is what Read does with a workbook: show the first rows of every
// sheet to Choose, then stream the rows of the sheets it chooses to Row.
type Reading struct {
	// HeadRows is how far down each sheet Choose sees.
	HeadRows int
	// Choose sees every sheet's first rows and when the workbook says it
	// was saved (zero when it does not say), and returns the sheets to
	// read in full, in order. Its error ends the read with it.
	Choose func(saved time.Time, heads []Head) ([]string, error)
	// Row receives each row of the chosen sheets in order, merged cells
	// filled; cells are Row's to keep. formulas are the columns (1-based,
	// in order; nil for most rows) of the row's cells that hold a formula
	// whose result the file did not save: such a cell is empty in cells,
	// or not there when nothing follows it; a row of nothing but such
	// cells comes with cells nil (its values are not known; it is not
	// among Head's Rows, its cells are in Head's Formulas). ErrStop ends
	// that sheet.
	Row func(sheet string, row int, cells []string, formulas []int) error
	// Done, when set, is told how each chosen sheet's read ended (nil, or
	// why not); what it returns ends the whole read, nil goes on to the
	// next sheet. Without it, the first error ends the read.
	Done func(sheet string, err error) error
	// Restart, when set, lets Read hand a sheet's rows on before its
	// merged ranges are known (they come after the rows in the sheet's
	// XML), so that the sheet is inflated once instead of twice: when the
	// ranges then turn out to change a row already handed on (or cannot be
	// read), Read calls Restart and reads the workbook again from the
	// start, the ranges known, and Choose, Row and Done see what they
	// would have seen had the ranges been known from the start. Restart
	// must forget all they were told before (which may be nothing); its
	// error ends the read with it. Without Restart, rows wait for the
	// ranges, found by inflating the sheet a second time beside them.
	// Only a workbook of one sheet is read so (readOne).
	Restart func() error
	// Recheck, when set with Restart, spares the read again when the
	// ranges change only rows among the first HeadRows of a sheet Choose
	// took alone: it is given what Choose would have seen had the ranges
	// been known (head), and those first rows as Row got them (was) and as
	// filled (now), and returns true when Choose and Row would have done
	// exactly the same with the filled rows (a title merged across the
	// sheet above the header). False reads again (Restart).
	Recheck func(head Head, was, now []HeadRow) bool
}

// Head is what Choose sees of a sheet.
type Head struct {
	Name   string
	Hidden bool
	// Rows are its rows up to HeadRows, merged cells filled, each cell
	// cut to HeadCellBytes: a long cell is no header, and thirty rows of
	// them must not be held.
	Rows []HeadRow
	// Formulas are the cells of those rows that hold a formula whose
	// result the file did not save (they are empty in Rows), in order;
	// nil for most sheets. A header written so is not known.
	Formulas []CellRef
	// Err is why the sheet's first rows could not be read (XML that is
	// not well-formed, a damaged part); a broken limit or the context
	// ends the whole read instead.
	Err error
}

// CellRef is where a cell is: its row and column, 1-based.
type CellRef struct{ Row, Col int }

// HeadRow is one of a sheet's first rows.
type HeadRow struct {
	N     int
	Cells []string
}

// HeadCellBytes is the most of a cell Choose sees.
const HeadCellBytes = 256

// Read opens the workbook at path and reads it once, as r says: open,
// choose the sheets from their first rows, stream their rows. Each
// sheet's XML is inflated and scanned on goroutines of their own (Rows)
// while Row runs on the caller's.
func Read(ctx context.Context, path, password string, r Reading) error {
	wb, err := OpenContext(ctx, path, password)
	if err != nil {
		return err
	}
	defer wb.Close()
	if len(wb.sheets) == 1 && onePass {
		return wb.readOne(ctx, r)
	}
	heads := make([]Head, 0, len(wb.sheets))
	for _, s := range wb.sheets {
		h := Head{Name: s.name, Hidden: s.hidden}
		err := wb.rows(s.name, r.HeadRows, false, func(row int, cells []string, formulas []int) error {
			if row > r.HeadRows {
				return ErrStop
			}
			h.noteFormulas(row, formulas)
			if cells == nil {
				return nil // formulas without their results only
			}
			kept := make([]string, len(cells))
			for i, c := range cells {
				kept[i] = clip(c, HeadCellBytes)
			}
			h.Rows = append(h.Rows, HeadRow{row, kept})
			return nil
		})
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, ErrTooLarge):
			return err
		case err != nil:
			h.Err = err
		}
		heads = append(heads, h)
	}
	chosen, err := r.Choose(wb.Saved(), heads)
	if err != nil {
		return err
	}
	return wb.readChosen(r, chosen)
}

// readChosen streams the sheets Choose chose, each read from its start.
func (wb *Workbook) readChosen(r Reading, chosen []string) error {
	for _, name := range chosen {
		err := wb.rows(name, 0, false, func(row int, cells []string, formulas []int) error { return r.Row(name, row, cells, formulas) })
		if err = r.done(name, err); err != nil {
			return err
		}
	}
	return nil
}

// done is what Done makes of how a sheet's read ended.
func (r Reading) done(sheet string, err error) error {
	if r.Done != nil {
		return r.Done(sheet, err)
	}
	return err
}

// onePass lets Read read a workbook of one sheet in one pass (readOne);
// tests turn it off to hold it to the two reads.
var onePass = true

// errChosen stops readOne's pass when Choose does not take its sheet
// alone, or fails.
var errChosen = errors.New("chosen")

// readOne is Read of a workbook of one sheet, in one pass: its first rows
// are shown to Choose and, when Choose takes that sheet alone, the read
// goes on from there (the first rows go to Row first), instead of
// starting again. The rows read and held while the sheet's merged ranges
// are looked for are then not read for nothing: the sheet is read ahead
// of Choose. What Choose, Row and Done see is what the read of the first
// rows, then of the sheet, would show them. With Restart, the rows go on
// before the sheet's merged ranges are known (rows, optimistic); when
// they turn out to change a row handed on (and Recheck does not find the
// change is nothing to Choose and Row), Restart is called and the sheet
// read again, once, the ranges known: what they see after it is then
// what they would have seen.
func (wb *Workbook) readOne(ctx context.Context, r Reading) error {
	read := wb.read // the cell text read before, to count this sheet's once
	err := wb.readOneSheet(ctx, r)
	if _, stale := err.(*staleRows); stale {
		wb.read = read
		if err := r.Restart(); err != nil {
			return err
		}
		return wb.readOneSheet(ctx, r) // the ranges now known: never stale
	}
	return err
}

// readOneSheet is readOne's read; a *staleRows when it must be read again.
func (wb *Workbook) readOneSheet(ctx context.Context, r Reading) error {
	sheet := wb.sheets[0]
	h := Head{Name: sheet.name, Hidden: sheet.hidden}
	type firstRow struct {
		n        int
		cells    []string
		formulas []int
	}
	var first []firstRow // the first rows as Row gets them
	var seen []HeadRow   // a copy of them, for Recheck
	var chosen []string
	var chooseErr error
	chose, alone := false, false
	choose := func() {
		chose = true
		chosen, chooseErr = r.Choose(wb.Saved(), []Head{h})
		alone = chooseErr == nil && len(chosen) == 1 && chosen[0] == sheet.name
	}
	// replay hands the first rows to Row.
	replay := func() error {
		for _, f := range first {
			if err := r.Row(sheet.name, f.n, f.cells, f.formulas); err != nil {
				return err
			}
		}
		return nil
	}
	err := wb.rows(sheet.name, 0, r.Restart != nil, func(row int, cells []string, formulas []int) error {
		if alone {
			return r.Row(sheet.name, row, cells, formulas)
		}
		if row <= r.HeadRows {
			h.noteFormulas(row, formulas)
		}
		if cells == nil {
			// Formulas without their results only: Row's, not
			// Choose's (a row of nothing is not shown to Choose).
			first = append(first, firstRow{row, cells, formulas})
			return nil
		}
		if row <= r.HeadRows {
			kept := make([]string, len(cells))
			for i, c := range cells {
				kept[i] = clip(c, HeadCellBytes)
			}
			h.Rows = append(h.Rows, HeadRow{row, kept})
			first = append(first, firstRow{row, cells, formulas})
			if r.Recheck != nil {
				seen = append(seen, HeadRow{row, slices.Clone(cells)})
			}
			return nil
		}
		if choose(); !alone {
			return errChosen
		}
		if err := replay(); err != nil {
			return err
		}
		return r.Row(sheet.name, row, cells, formulas)
	})
	if st, stale := err.(*staleRows); stale {
		if !alone || r.Recheck == nil || !wb.headsOnly(r, sheet, h, seen) {
			return err
		}
		err = st.err // what the ranges change was seen to change nothing
	}
	switch {
	case chooseErr != nil:
		return chooseErr
	case alone:
		if errors.Is(err, ErrStop) {
			err = nil
		}
		return r.done(sheet.name, err)
	case chose:
		return wb.readChosen(r, chosen)
	}
	// The sheet ended, or broke, within its first rows.
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, ErrTooLarge):
		return err
	case err != nil:
		h.Err = err
	}
	if choose(); chooseErr != nil {
		return chooseErr
	}
	if !alone {
		return wb.readChosen(r, chosen)
	}
	// What the read of the sheet would pass: its rows up to where the
	// first read ended, and how it ended.
	if rerr := replay(); rerr != nil {
		if errors.Is(rerr, ErrStop) {
			rerr = nil
		}
		return r.done(sheet.name, rerr)
	}
	return r.done(sheet.name, err)
}

// headsOnly tells whether the sheet's merged ranges, found after its rows
// were handed on unfilled, change only its first rows (seen, as they were
// handed on), and Recheck finds that what Choose and Row did with them
// stands (h is what Choose was shown).
func (wb *Workbook) headsOnly(r Reading, sheet sheetEntry, h Head, seen []HeadRow) bool {
	ranges, ok := wb.merged[sheet.name]
	if !ok {
		return false // they could not be read
	}
	fill := NewMergeFiller(ranges)
	for _, rs := range fill.byStart {
		for _, g := range rs {
			if g.Row2 > r.HeadRows {
				return false // a row past the first ones may change
			}
		}
	}
	if len(seen) != len(h.Rows) {
		return false
	}
	now := make([]HeadRow, len(seen))
	head := Head{Name: h.Name, Hidden: h.Hidden, Err: h.Err, Rows: make([]HeadRow, len(seen))}
	changed := false
	for i, s := range seen {
		cells := fill.Fill(s.N, slices.Clone(s.Cells))
		changed = changed || !slices.Equal(cells, s.Cells)
		now[i] = HeadRow{s.N, cells}
		kept := make([]string, len(cells))
		for j, c := range cells {
			kept[j] = clip(c, HeadCellBytes)
		}
		head.Rows[i] = HeadRow{s.N, kept}
	}
	// The formulas without their results, less the cells now filled.
	for _, f := range h.Formulas {
		i := slices.IndexFunc(now, func(r HeadRow) bool { return r.N == f.Row })
		if i < 0 || f.Col > len(now[i].Cells) || now[i].Cells[f.Col-1] == "" {
			head.Formulas = append(head.Formulas, f)
		}
	}
	return !changed || r.Recheck(head, seen, now)
}

// noteFormulas notes the cells of row that hold a formula without its
// result (formulas: their columns).
func (h *Head) noteFormulas(row int, formulas []int) {
	for _, c := range formulas {
		h.Formulas = append(h.Formulas, CellRef{row, c})
	}
}

// clip cuts s to at most n bytes, at a character's start, into a string
// of its own (a slice of s would keep the whole row alive).
func clip(s string, n int) string {
	if len(s) <= n {
		return strings.Clone(s)
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.Clone(s[:n])
}
