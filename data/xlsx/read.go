// Package xlsx reads workbooks with a streaming reader of its own and
// writes them with excelize. It knows about files, sheets and cells; what
// the columns mean is the importer's business.
package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"

	"qmdesk/data"
)

// Workbook is an open .xlsx file, read by the package's own streaming
// reader: each sheet's XML is inflated and scanned as it is read, never
// held whole, and nothing is unpacked to disk. excelize only decrypts a
// password-protected workbook here (the reader then reads the decrypted
// bytes in memory).
type Workbook struct {
	Name   string
	z      *zip.Reader
	closer io.Closer
	ctx    context.Context
	lim    Limits
	sheets []sheetEntry
	saved  time.Time
	sst    *sharedStrings // read at the first sheet that needs it
	sstErr error
	sstOK  bool
	merged map[string][]Range // each sheet's merged ranges, once scanned
	// mergeErr is the refusal of a sheet whose merged ranges could not
	// be read by an optimistic read that had handed rows on (rows).
	mergeErr map[string]error
	read     int64 // bytes of cell text read so far
}

type sheetEntry struct {
	name   string
	hidden bool
	part   *zip.File // nil when the workbook names a part it does not hold
}

// Refusals of a whole file, each with one message a clerk can act on.
var (
	ErrLegacyXLS     = data.Errorf(data.EINVALID, "ไฟล์นี้เป็น Excel รุ่นเก่า (.xls) กรุณาเปิดใน Excel หรือ LibreOffice แล้วบันทึกเป็น .xlsx ก่อนนำเข้า", "legacy .xls workbook")
	ErrNeedPassword  = data.Errorf(data.EINVALID, "ไฟล์นี้มีรหัสผ่าน กรุณาใส่รหัสผ่านของไฟล์ (ขอจากอำเภอที่ส่งมา)", "workbook is password-protected")
	ErrWrongPassword = data.Errorf(data.EINVALID, "รหัสผ่านของไฟล์ไม่ถูกต้อง กรุณาตรวจสอบกับอำเภอที่ส่งไฟล์มา", "wrong workbook password")
	ErrNotWorkbook   = data.Errorf(data.EINVALID, "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) กรุณาตรวจสอบว่าเลือกไฟล์ถูกต้อง", "not an xlsx workbook")
	ErrODS           = data.Errorf(data.EINVALID, "ไฟล์นี้เป็น OpenDocument (.ods) กรุณาบันทึกเป็น .xlsx ก่อนนำเข้า", "OpenDocument spreadsheet")
	// ErrCutShort is a file that starts as a workbook but whose zip does
	// not end as one: most often a download or copy cut short.
	ErrCutShort = data.Errorf(data.EINVALID, "ไฟล์นี้เสียหายหรือไม่ครบ (เช่น ดาวน์โหลดหรือคัดลอกมาไม่ครบ) โปรแกรมจึงอ่านไม่ได้ กรุณาขอไฟล์ใหม่จากอำเภอที่ส่งมา", "damaged or truncated workbook")
)

var oleMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}

// Open opens the workbook at path; see OpenContext.
func Open(path, password string) (*Workbook, error) {
	return OpenContext(context.Background(), path, password)
}

// OpenContext opens the workbook at path. It tells a legacy .xls, a
// workbook that needs a password (or got the wrong one) and a file that
// is no workbook at all apart, instead of excelize's zip errors. Only a
// regular file is read, and only within Limit: the zip is checked before
// excelize unpacks anything. ctx bounds the check and every later Rows.
func OpenContext(ctx context.Context, path, password string) (*Workbook, error) {
	RemoveStaleTemp()
	lim := Limit
	fh, fi, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	keep := false // the file stays open for the workbook
	defer func() {
		if !keep {
			fh.Close()
		}
	}()
	if fi.Size() > lim.FileBytes {
		return nil, tooMuch("ไฟล์ "+filepath.Base(path)+" ใหญ่ "+megabytes(fi.Size())+" เกินกว่าที่โปรแกรมนำเข้าได้ครั้งละไฟล์ ("+megabytes(lim.FileBytes)+"): กรุณาแบ่งเป็นไฟล์ละอำเภอแล้วนำเข้าทีละไฟล์",
			"file too large")
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(fh, head)
	head = head[:n]
	var plain []byte
	var z *zip.Reader
	switch {
	case bytes.Equal(head, oleMagic):
		kind, err := oleKind(fh)
		if err != nil || kind == "" {
			return nil, ErrNotWorkbook
		}
		if kind == "xls" {
			return nil, ErrLegacyXLS
		}
		if password == "" {
			return nil, ErrNeedPassword
		}
		if fi.Size() > lim.EncryptedBytes {
			return nil, tooMuch("ไฟล์ที่มีรหัสผ่านต้องถอดรหัสในหน่วยความจำ จึงรับได้ไม่เกิน "+megabytes(lim.EncryptedBytes)+" (ไฟล์นี้ "+megabytes(fi.Size())+"): กรุณาขอไฟล์ที่ไม่มีรหัสผ่าน หรือแบ่งเป็นไฟล์เล็กลง",
				"encrypted file too large")
		}
		raw, err := io.ReadAll(io.NewSectionReader(fh, 0, fi.Size()))
		if err != nil {
			return nil, &data.Error{Code: data.ENOTFOUND, Message: "อ่านไฟล์ " + filepath.Base(path) + " ไม่ได้", English: "cannot read workbook", Err: err}
		}
		if plain, err = excelize.Decrypt(raw, &excelize.Options{Password: password}); err != nil {
			return nil, ErrWrongPassword
		}
		if z, err = zip.NewReader(bytes.NewReader(plain), int64(len(plain))); err != nil {
			return nil, ErrWrongPassword
		}
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if z, err = zip.NewReader(fh, fi.Size()); err != nil {
			return nil, &data.Error{Code: data.EINVALID, Message: ErrCutShort.Message, English: "damaged zip", Err: err}
		}
		if isODS(z) {
			return nil, ErrODS
		}
	default:
		return nil, ErrNotWorkbook
	}
	z.RegisterDecompressor(zip.Deflate, inflater)
	if err := checkPackage(ctx, z, lim); err != nil {
		return nil, err
	}
	sheets, err := listSheets(z)
	if err != nil || len(sheets) == 0 {
		return nil, ErrNotWorkbook
	}
	if len(sheets) > lim.Sheets {
		return nil, overLimit("มีแผ่นงาน "+data.FormatNumber(int64(len(sheets)))+" แผ่น", " เกินกว่าที่โปรแกรมอ่าน ("+data.FormatNumber(int64(lim.Sheets))+")")
	}
	wb := &Workbook{Name: filepath.Base(path), z: z, closer: io.NopCloser(nil), ctx: ctx, lim: lim, sheets: sheets, saved: docSaved(z), merged: map[string][]Range{}, mergeErr: map[string]error{}}
	if plain == nil {
		// The zip reads from the file opened above, which stays open
		// until Close: what was checked is what is read.
		wb.closer, keep = fh, true
	}
	return wb, nil
}

// oleKind looks inside an OLE2 compound file: "encrypted" for an
// encrypted .xlsx, "xls" for a legacy workbook, "" for anything else.
func oleKind(r io.ReaderAt) (string, error) {
	doc, err := mscfb.New(r)
	if err != nil {
		return "", err
	}
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		switch e.Name {
		case "EncryptedPackage", "EncryptionInfo":
			return "encrypted", nil
		case "Workbook", "Book":
			return "xls", nil
		}
	}
	return "", nil
}

func isODS(z *zip.Reader) bool {
	for _, f := range z.File {
		if f.Name == "mimetype" {
			rc, err := f.Open()
			if err != nil {
				return false
			}
			b, _ := io.ReadAll(io.LimitReader(rc, 100))
			rc.Close()
			return strings.Contains(string(b), "opendocument")
		}
	}
	return false
}

// Close releases the workbook's file.
func (w *Workbook) Close() error { return w.closer.Close() }

// Saved returns when the workbook says it was last saved (its document
// properties), or the zero time when it does not say.
func (w *Workbook) Saved() time.Time { return w.saved }

// Sheets lists the sheet names in workbook order.
func (w *Workbook) Sheets() []string {
	out := make([]string, len(w.sheets))
	for i, s := range w.sheets {
		out[i] = s.name
	}
	return out
}

// Hidden tells whether a sheet is hidden from view.
func (w *Workbook) Hidden(sheet string) bool {
	for _, s := range w.sheets {
		if s.name == sheet {
			return s.hidden
		}
	}
	return false
}

// unreadableAdvice follows a sheet or row the reader cannot parse (text
// that is not UTF-8, XML a program other than Excel wrote wrongly, a file
// damaged on the way): what the clerk can do about it.
const unreadableAdvice = ": ไฟล์อาจเสียหายหรือมีอักขระที่อ่านไม่ได้ (เช่น ไฟล์ที่สร้างจากโปรแกรมอื่น) กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วบันทึกเป็น .xlsx ใหม่ก่อนนำเข้า หรือขอไฟล์ใหม่จากอำเภอ"

// Rows streams a sheet's rows to fn with their 1-based row numbers and raw
// cell values: numbers as stored (a date cell is its serial number), shared
// and inline strings as text, no number format applied, and the cells of
// merged ranges filled with the value of the range's first cell. Empty
// rows are not passed, nor trailing empty cells. fn returning ErrStop ends
// the walk without error.
//
// The sheet is inflated on one goroutine (readAhead, a few megabytes
// ahead) and scanned on another while fn runs on the caller's: inflating,
// scanning and what fn does with the rows share the cores. The rows read
// ahead are bounded in bytes as well as in number. cells are fn's to
// keep; they share one string per row.
//
// A sheet past Excel's last row, a row wider than Limit.Columns, more cell
// text in the workbook than Limit.CellText, or XML that breaks a limit or
// is not well-formed ends the walk with a refusal; so does the context
// OpenContext was given. A cell longer than Excel allows is passed as it
// is (CellTooLong tells it).
func (w *Workbook) Rows(sheet string, fn func(row int, cells []string) error) error {
	return w.rows(sheet, 0, false, func(row int, cells []string, _ []int) error {
		if cells == nil {
			return nil // formulas without their results only: no value
		}
		return fn(row, cells)
	})
}

// heldBytes bounds the rows Rows reads and holds while the sheet's merged
// ranges are still being looked for.
var heldBytes = 64 << 20 // a variable for the tests

// rows is Rows, reading no further than the first row past most when
// most is not 0 (a row that would only be read to be stopped at), and
// telling fn which of the row's cells hold a formula whose result the
// file did not save (formulas: their columns, 1-based, in order; nil for
// most rows; such a cell is empty in cells, or not there when nothing
// follows it). A row of nothing but such cells is passed with cells nil
// (Rows does not pass it).
//
// A sheet's merged ranges come after its rows in its XML, and rows are
// filled as they stream: the first time a sheet is read, another
// goroutine inflates it once more and looks for its merged ranges while
// its rows are read and held (up to heldBytes, then the read waits); the
// rows go to fn, in order and filled, once the ranges are known. A sheet
// whose ranges cannot be read is refused as before any row, whatever the
// rows' reading met.
//
// When optimistic (and the sheet not read before), the ranges are looked
// for in the same inflating as the rows instead, so the sheet is inflated
// once: the rows are held up to heldBytes as above, and then handed on
// unfilled. If the ranges then found could change a row handed on
// unfilled (a range that fills a cell; or they cannot be read), rows
// ends with a *staleRows, the ranges (or why they cannot be read) now
// known to w: a read of the sheet again gives what fn should have seen.
// A sheet that ends within heldBytes never does (its rows are filled
// before any is handed on).
func (w *Workbook) rows(sheet string, most int, optimistic bool, fn func(row int, cells []string, formulas []int) error) error {
	var entry *sheetEntry
	for i := range w.sheets {
		if w.sheets[i].name == sheet {
			entry = &w.sheets[i]
		}
	}
	if entry == nil || entry.part == nil {
		return &data.Error{Code: data.EINVALID, Message: "อ่านแผ่นงาน '" + sheet + "' ไม่ได้" + unreadableAdvice, English: "cannot read sheet " + sheet + ": no such part"}
	}
	type scanned struct {
		ranges []Range
		err    error
	}
	var fill *MergeFiller  // nil until the ranges are known
	var found chan scanned // the ranges of a sheet not scanned before
	var find *mergeFinder  // or, when optimistic, found while the rows are read
	var scanErr error
	scannedOK := false
	var ranges []Range
	if r, ok := w.merged[sheet]; ok {
		fill = NewMergeFiller(r)
	} else if err, ok := w.mergeErr[sheet]; ok {
		return err // as the read that found it refused the sheet: before any row
	} else if optimistic {
		find = newMergeFinder(w.lim.MergedRanges)
	} else {
		found = make(chan scanned, 1)
		go func() {
			r, err := w.scanMerged(entry)
			found <- scanned{r, err}
		}()
	}
	// got takes the ranges found, or the refusal of the sheet if they
	// cannot be read.
	got := func(res scanned) error {
		if res.err != nil {
			scanErr = w.sheetError(sheet, 0, res.err)
			return scanErr
		}
		ranges, fill, scannedOK = res.ranges, NewMergeFiller(res.ranges), true
		return nil
	}
	// known tells whether the ranges are known (fill is set), receiving
	// them if they have come, or waiting for them when wait is set; the
	// refusal of the sheet if they cannot be read. An optimistic read's
	// ranges are known at the end of the part (settle), or, without
	// rows to read, by scanning the part as above (wait).
	known := func(wait bool) (bool, error) {
		if find != nil {
			if !wait {
				return false, nil
			}
			find = nil
			r, err := w.scanMerged(entry)
			if err := got(scanned{r, err}); err != nil {
				return false, err
			}
			return true, nil
		}
		if found == nil {
			return scanErr == nil, scanErr
		}
		var res scanned
		if wait {
			res = <-found
		} else {
			select {
			case res = <-found:
			default:
				return false, nil
			}
		}
		found = nil
		if err := got(res); err != nil {
			return false, err
		}
		return true, nil
	}
	stale := false // rows handed on unfilled may be wrong: *staleRows
	defer func() {
		// After the rows' goroutine has ended (or before it started).
		if scannedOK {
			w.merged[sheet] = ranges
		}
		if stale && scanErr != nil {
			w.mergeErr[sheet] = scanErr
		}
	}()
	sst, err := w.sharedStrings()
	if err != nil {
		if _, kerr := known(true); kerr != nil {
			return kerr
		}
		return err
	}
	rc, err := entry.part.Open()
	if err != nil {
		if _, kerr := known(true); kerr != nil {
			return kerr
		}
		return w.sheetError(sheet, 0, err)
	}
	defer rc.Close()
	ahead := newReadAhead(rc, find) // inflates beside the scanning
	defer ahead.Close()             // before rc's Close
	p := &sheetRows{x: newXMLScan(ahead, w.lim), sst: sst, lim: w.lim, name: sheet}
	err = pipeline(w.ctx, func(emit func(int, []string) bool) error {
		// The rows held, without pointers for the collector to follow:
		// their text one after another in text, their cells' ends in
		// ends, and for each its number and where its text and ends end.
		var held struct {
			text []byte
			ends []uint32
			rows []heldRow
		}
		handed := false // rows were handed on before the ranges were known
		// hold keeps the row just read, its first k cells.
		hold := func(k int) {
			if k > 0 {
				held.text = append(held.text, p.vals[:p.ends[k-1]]...)
			}
			for _, e := range p.ends[:k] {
				held.ends = append(held.ends, uint32(e))
			}
			held.rows = append(held.rows, heldRow{p.n, len(held.text), len(held.ends)})
		}
		// flush hands on the rows held, filled (as they are while fill
		// is nil); false when fn has stopped the read.
		flush := func() bool {
			text, ends := 0, 0
			for _, h := range held.rows {
				all := string(held.text[text:h.text])
				cells := make([]string, h.ends-ends)
				from := 0
				for i, e := range held.ends[ends:h.ends] {
					cells[i] = all[from:int(e)]
					from = int(e)
				}
				text, ends = h.text, h.ends
				if len(cells) == 0 {
					cells = nil // formulas without their results only: not filled
				} else {
					cells = fill.Fill(h.n, cells)
				}
				if !emit(h.n, cells) {
					return false
				}
			}
			held.text, held.ends, held.rows = nil, nil, nil
			return true
		}
		// pass hands the row just read (its first k cells) on, or holds
		// it while the ranges are not known; false when fn has stopped
		// the read.
		pass := func(k int) (bool, error) {
			if k == 0 && (fill != nil || handed) {
				return emit(p.n, nil), nil
			}
			if fill != nil {
				return emit(p.n, fill.Fill(p.n, p.cells(k))), nil
			}
			if handed {
				return emit(p.n, p.cells(k)), nil
			}
			hold(k)
			over := len(held.text)+4*len(held.ends)+24*len(held.rows) >= heldBytes
			if find != nil {
				if !over {
					return true, nil
				}
				handed = true
				return flush(), nil
			}
			if ok, err := known(over); !ok {
				return err == nil, err
			}
			return flush(), nil
		}
		// settle finds an optimistic read's ranges in the rest of the
		// part, and whether the rows handed on unfilled may be wrong.
		settle := func() error {
			if find == nil {
				return nil
			}
			find = nil
			r, err, ok := ahead.finish(w.ctx)
			if !ok {
				return err
			}
			if w.ctx.Err() != nil && errors.Is(err, w.ctx.Err()) {
				return err
			}
			err = got(scanned{r, err})
			stale = handed && (err != nil || fill.fills())
			return err
		}
		// end hands on the rows held, then ends the read with err.
		end := func(err error) error {
			if serr := settle(); serr != nil {
				return serr
			}
			if stale {
				return err
			}
			if _, kerr := known(true); kerr != nil {
				return kerr
			}
			if !flush() {
				return settle()
			}
			return err
		}
		for i := 0; ; i++ {
			if i%1024 == 0 {
				if err := w.ctx.Err(); err != nil {
					return end(err)
				}
			}
			ok, err := p.next()
			if err != nil {
				return end(w.sheetError(sheet, p.n, err))
			}
			if !ok {
				return end(nil)
			}
			if p.n > w.lim.Rows {
				return end(overLimit("แผ่นงาน '"+sheet+"' ", "มีแถวเกิน "+data.FormatNumber(int64(w.lim.Rows))+" แถว ซึ่งเกินขีดจำกัดของ Excel"))
			}
			// A row with nothing of its own is not passed, even where
			// a merged range covers it: what a range holds is filled into
			// the rows that are there. A row of nothing but formulas
			// without their results is passed with no cells (nil, never
			// filled), so that fn is told of them: the row's values are
			// not known, it may not be empty.
			k := len(p.ends)
			for k > 0 && p.ends[k-1] == p.cellStart(k-1) {
				k-- // an empty cell at the end
			}
			if k == 0 && !p.noResult.has(p.n) {
				continue
			}
			w.read += int64(len(p.vals))
			if w.read > w.lim.CellText {
				return end(tooMuch("ข้อความในไฟล์นี้รวมกันเกิน "+megabytes(w.lim.CellText)+" (ถึงแผ่นงาน '"+sheet+"' แถว "+strconv.Itoa(p.n)+") เกินกว่าที่โปรแกรมนำเข้าได้ครั้งละไฟล์: กรุณาแบ่งเป็นไฟล์ละอำเภอ หรือตรวจว่ามีช่องที่วางข้อความยาวผิดปกติ",
					"too much cell text"))
			}
			if most > 0 && p.n > most {
				return end(nil)
			}
			if ok, err := pass(k); err != nil || !ok {
				if err == nil && handed {
					// fn has stopped, having seen rows unfilled.
					err = settle()
				}
				return err
			}
		}
	}, func(row int, cells []string) error { return fn(row, cells, p.noResult.take(row, cells)) })
	if stale {
		return &staleRows{err}
	}
	return err
}

// staleRows ends an optimistic read of a sheet (rows) that handed rows on
// unfilled when its merged ranges could change them, or cannot be read:
// what was handed on may differ from the sheet's rows, and the sheet must
// be read again (its ranges, or their refusal, are now known, so the next
// read fills its rows as they come). err is how the read ended besides.
type staleRows struct{ err error }

func (e *staleRows) Error() string { return "rows handed on before the merged ranges were known" }

// cells makes the first k cells of the row just read into strings: one
// string holds all their values, and each cell is a slice of it.
func (p *sheetRows) cells(k int) []string {
	if k == 0 {
		return nil
	}
	all := string(p.vals[:p.ends[k-1]])
	out := make([]string, k)
	from := 0
	for i, end := range p.ends[:k] {
		out[i] = all[from:end]
		from = end
	}
	return out
}

// cellStart is where cell i of the row just read starts in p.vals.
func (p *sheetRows) cellStart(i int) int {
	if i == 0 {
		return 0
	}
	return p.ends[i-1]
}

// heldRow is a row Rows holds: its number, and where its text and its
// cells' ends end in the held rows' text and ends.
type heldRow struct{ n, text, ends int }

// sheetError is the refusal of a sheet the reader cannot go on with, at
// row n (0 before the first): a broken limit, XML that is not
// well-formed, a damaged zip.
func (w *Workbook) sheetError(sheet string, n int, err error) error {
	var odd *oddPart
	switch {
	case errors.As(err, &odd):
		return overLimit("แผ่นงาน '"+sheet+"' ", odd.what)
	case errors.Is(err, ErrTooLarge), w.ctx.Err() != nil && errors.Is(err, w.ctx.Err()):
		return err
	case n > 0:
		return &data.Error{Code: data.EINVALID, Message: "อ่านแถวที่ " + strconv.Itoa(n) + " ของแผ่นงาน '" + sheet + "' ไม่ได้" + unreadableAdvice, English: "cannot read row", Err: err}
	}
	return &data.Error{Code: data.EINVALID, Message: "อ่านแผ่นงาน '" + sheet + "' ไม่ได้" + unreadableAdvice, English: "cannot read sheet", Err: err}
}

// sharedStrings reads the workbook's shared strings, once.
func (w *Workbook) sharedStrings() (*sharedStrings, error) {
	if w.sstOK {
		return w.sst, w.sstErr
	}
	w.sstOK = true
	for _, f := range w.z.File {
		if kindOf(f.Name) != partStrings {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			w.sstErr = &data.Error{Code: data.EINVALID, Message: ErrNotWorkbook.Message, English: "cannot read shared strings", Err: err}
			return nil, w.sstErr
		}
		w.sst, err = readSharedStrings(newXMLScan(rc, w.lim), w.lim)
		rc.Close()
		if err != nil {
			var odd *oddPart
			if errors.As(err, &odd) {
				w.sstErr = overLimit(partWhere(w.z, f.Name), odd.what)
			} else {
				w.sstErr = &data.Error{Code: data.EINVALID, Message: "อ่านตารางข้อความ (sharedStrings) ของไฟล์ไม่ได้" + unreadableAdvice, English: "cannot read shared strings", Err: err}
			}
		}
		return w.sst, w.sstErr
	}
	return nil, nil
}

// pipeline runs read on a goroutine of its own and hands what it emits to
// fn on this one, in order, in batches bounded in rows and bytes. fn
// returning ErrStop ends it without error; its other errors end it with
// them.
func pipeline(ctx context.Context, read func(emit func(int, []string) bool) error, fn func(int, []string) error) error {
	type raw struct {
		row   int
		cells []string
	}
	const batchSize = 256
	const aheadBytes = 8 << 20
	type batch struct {
		rows  []raw
		bytes int
	}
	batches := make(chan batch, 8)
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	var mu sync.Mutex
	room := sync.NewCond(&mu)
	ahead, stopped := 0, false // bytes sent and not yet taken; the consumer has stopped
	go func() {
		defer close(batches)
		b := batch{rows: make([]raw, 0, batchSize)}
		send := func() bool {
			mu.Lock()
			for ahead > 0 && ahead+b.bytes > aheadBytes && !stopped {
				room.Wait()
			}
			ahead += b.bytes
			mu.Unlock()
			select {
			case batches <- b:
				b = batch{rows: make([]raw, 0, batchSize)}
				return true
			case <-stop:
				return false
			}
		}
		err := read(func(row int, cells []string) bool {
			b.rows = append(b.rows, raw{row, cells})
			for _, c := range cells {
				b.bytes += len(c) + 16
			}
			if len(b.rows) == batchSize || b.bytes >= aheadBytes/8 {
				return send()
			}
			return true
		})
		if len(b.rows) > 0 {
			send() // the rows before an error too: fn sees every row read before it
		}
		readErr <- err
	}()
	halt := func() {
		mu.Lock()
		stopped = true
		mu.Unlock()
		room.Broadcast()
		close(stop)
	}
	var err error
	for b := range batches {
		mu.Lock()
		ahead -= b.bytes
		mu.Unlock()
		room.Signal()
		if err != nil {
			continue // drain so the reader can finish
		}
		if err = ctx.Err(); err != nil {
			halt()
			continue
		}
		for _, r := range b.rows {
			if err = fn(r.row, r.cells); err != nil {
				halt()
				break
			}
		}
	}
	rerr := <-readErr
	if errors.Is(err, ErrStop) {
		return nil
	}
	if err == nil {
		err = rerr
	}
	return err
}

// listSheets reads the sheets from workbook.xml, in order, with their
// parts through the workbook's relationships.
func listSheets(z *zip.Reader) ([]sheetEntry, error) {
	files := map[string]*zip.File{}
	for _, f := range z.File {
		files[strings.ReplaceAll(f.Name, "\\", "/")] = f
	}
	var wb struct {
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readXML(files["xl/workbook.xml"], &wb); err != nil {
		return nil, err
	}
	readXML(files["xl/_rels/workbook.xml.rels"], &rels)
	var out []sheetEntry
	for _, s := range wb.Sheets {
		e := sheetEntry{name: s.Name, hidden: s.State != "" && s.State != "visible"}
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				t := r.Target
				if strings.HasPrefix(t, "/") {
					t = strings.TrimPrefix(t, "/")
				} else {
					t = path.Join("xl", t)
				}
				e.part = files[t]
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// docSaved reads when the workbook was last saved (or created) from its
// document properties; the zero time when it does not say.
func docSaved(z *zip.Reader) time.Time {
	var core struct {
		Created  string `xml:"created"`
		Modified string `xml:"modified"`
	}
	for _, f := range z.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), "docProps/core.xml") {
			if readXML(f, &core) != nil {
				return time.Time{}
			}
		}
	}
	for _, s := range []string{core.Modified, core.Created} {
		if t, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
			return t
		}
	}
	return time.Time{}
}

// ErrStop ends a Rows walk early.
var ErrStop = errors.New("stop")

// HoldRowsForTest bounds the rows a read holds while a sheet's merged
// ranges are not known (64 MB otherwise) until restore is called: callers'
// tests make a small sheet hand rows on before its ranges are known, as
// only a sheet of more than 64 MB of rows does.
func HoldRowsForTest(bytes int) (restore func()) {
	old := heldBytes
	heldBytes = bytes
	return func() { heldBytes = old }
}
