// Package xlsx reads and writes workbooks with excelize. It knows about
// files, sheets and cells; what the columns mean is the importer's business.
package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"

	"qmdesk/data"
)

// Workbook is an open .xlsx file.
type Workbook struct {
	f    *excelize.File
	Name string
	path string
	// plain is the decrypted package of a password-protected workbook,
	// which exists only in memory; nil for a plain file, read from path.
	plain []byte
	ctx   context.Context
	lim   Limits
	tmp   string // this workbook's temporary folder
	read  int64  // bytes of cell text read so far
}

// Refusals of a whole file, each with one message a clerk can act on.
var (
	ErrLegacyXLS     = data.Errorf(data.EINVALID, "ไฟล์นี้เป็น Excel รุ่นเก่า (.xls) กรุณาเปิดใน Excel หรือ LibreOffice แล้วบันทึกเป็น .xlsx ก่อนนำเข้า", "legacy .xls workbook")
	ErrNeedPassword  = data.Errorf(data.EINVALID, "ไฟล์นี้มีรหัสผ่าน กรุณาใส่รหัสผ่านของไฟล์ (ขอจากอำเภอที่ส่งมา)", "workbook is password-protected")
	ErrWrongPassword = data.Errorf(data.EINVALID, "รหัสผ่านของไฟล์ไม่ถูกต้อง กรุณาตรวจสอบกับอำเภอที่ส่งไฟล์มา", "wrong workbook password")
	ErrNotWorkbook   = data.Errorf(data.EINVALID, "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) กรุณาตรวจสอบว่าเลือกไฟล์ถูกต้อง", "not an xlsx workbook")
	ErrODS           = data.Errorf(data.EINVALID, "ไฟล์นี้เป็น OpenDocument (.ods) กรุณาบันทึกเป็น .xlsx ก่อนนำเข้า", "OpenDocument spreadsheet")
	errChanged       = data.Errorf(data.EINVALID, "ไฟล์ถูกแก้ไขหรือแทนที่ระหว่างที่โปรแกรมอ่าน กรุณารอให้บันทึกหรือคัดลอกไฟล์เสร็จแล้วตรวจอีกครั้ง", "workbook changed while it was read")
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
	defer fh.Close()
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
			return nil, &data.Error{Code: data.EINVALID, Message: ErrNotWorkbook.Message, English: "not a zip", Err: err}
		}
		if isODS(z) {
			return nil, ErrODS
		}
	default:
		return nil, ErrNotWorkbook
	}
	if err := checkPackage(ctx, z, lim); err != nil {
		return nil, err
	}
	tmp, err := newTempDir()
	if err != nil {
		return nil, &data.Error{Code: data.EINTERNAL, Message: "สร้างโฟลเดอร์ชั่วคราวสำหรับอ่านไฟล์ไม่ได้ กรุณาตรวจสอบว่าดิสก์ยังมีที่ว่าง", English: "cannot make temporary folder", Err: err}
	}
	opts := excelize.Options{TmpDir: tmp, UnzipSizeLimit: lim.UnzipBytes, UnzipXMLSizeLimit: lim.XMLInMemory}
	var f *excelize.File
	if plain != nil {
		f, err = excelize.OpenReader(bytes.NewReader(plain), opts)
	} else {
		// excelize opens the path again; the file must still be the one
		// checked above.
		f, err = excelize.OpenFile(path, opts)
		if now, serr := os.Stat(path); err == nil && (serr != nil || !os.SameFile(fi, now) || now.Size() != fi.Size() || !now.ModTime().Equal(fi.ModTime())) {
			f.Close()
			os.RemoveAll(tmp)
			return nil, errChanged
		}
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		os.RemoveAll(tmp)
		if errors.Is(err, excelize.ErrWorkbookPassword) || password != "" && plain == nil {
			return nil, ErrWrongPassword
		}
		return nil, &data.Error{Code: data.EINVALID, Message: ErrNotWorkbook.Message, English: "excelize cannot open workbook", Err: err}
	}
	wb := &Workbook{f: f, Name: filepath.Base(path), path: path, plain: plain, ctx: ctx, lim: lim, tmp: tmp}
	if sheets := len(f.GetSheetList()); sheets == 0 || sheets > lim.Sheets {
		wb.Close()
		if sheets == 0 {
			return nil, ErrNotWorkbook
		}
		return nil, overLimit("มีแผ่นงาน "+data.FormatNumber(int64(sheets))+" แผ่น", " เกินกว่าที่โปรแกรมอ่าน ("+data.FormatNumber(int64(lim.Sheets))+")")
	}
	return wb, nil
}

// zip opens the workbook's package again, for reading a part directly.
func (w *Workbook) zip() (*zip.Reader, io.Closer, error) {
	if w.plain != nil {
		z, err := zip.NewReader(bytes.NewReader(w.plain), int64(len(w.plain)))
		return z, io.NopCloser(nil), err
	}
	z, err := zip.OpenReader(w.path)
	if err != nil {
		return nil, nil, err
	}
	return &z.Reader, z, nil
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

// Close releases the workbook and removes its temporary files.
func (w *Workbook) Close() error {
	err := w.f.Close()
	if rerr := os.RemoveAll(w.tmp); err == nil {
		err = rerr
	}
	return err
}

// Saved returns when the workbook says it was last saved (its document
// properties), or the zero time when it does not say.
func (w *Workbook) Saved() time.Time {
	p, err := w.f.GetDocProps()
	if err != nil || p == nil {
		return time.Time{}
	}
	for _, s := range []string{p.Modified, p.Created} {
		if t, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
			return t
		}
	}
	return time.Time{}
}

// Sheets lists the sheet names in workbook order.
func (w *Workbook) Sheets() []string { return w.f.GetSheetList() }

// unreadableAdvice follows a sheet or row the reader cannot parse (text
// that is not UTF-8, XML a program other than Excel wrote wrongly, a file
// damaged on the way): what the clerk can do about it.
const unreadableAdvice = ": ไฟล์อาจเสียหายหรือมีอักขระที่อ่านไม่ได้ (เช่น ไฟล์ที่สร้างจากโปรแกรมอื่น) กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วบันทึกเป็น .xlsx ใหม่ก่อนนำเข้า หรือขอไฟล์ใหม่จากอำเภอ"

// Rows streams a sheet's rows to fn with their 1-based row numbers and raw
// cell values: numbers as stored (a date cell is its serial number), shared
// and inline strings as text, no number format applied. Empty rows are not
// passed, nor trailing empty cells. fn returning ErrStop ends the walk
// without error.
//
// A sheet past Excel's last row, a row wider than Limit.Columns, or more
// cell text in the workbook than Limit.CellText ends the walk with a
// refusal; so does the context OpenContext was given. A cell longer than
// Excel allows is passed as it is (CellTooLong tells it).
func (w *Workbook) Rows(sheet string, fn func(row int, cells []string) error) error {
	rows, err := w.f.Rows(sheet)
	if err != nil {
		return &data.Error{Code: data.EINVALID, Message: "อ่านแผ่นงาน '" + sheet + "' ไม่ได้" + unreadableAdvice, English: "cannot read sheet", Err: err}
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		if n%1024 == 0 {
			if err := w.ctx.Err(); err != nil {
				return err
			}
		}
		if n > w.lim.Rows {
			return overLimit("แผ่นงาน '"+sheet+"' ", "มีแถวเกิน "+data.FormatNumber(int64(w.lim.Rows))+" แถว ซึ่งเกินขีดจำกัดของ Excel")
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return &data.Error{Code: data.EINVALID, Message: "อ่านแถวที่ " + strconv.Itoa(n) + " ของแผ่นงาน '" + sheet + "' ไม่ได้" + unreadableAdvice, English: "cannot read row", Err: err}
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) == 0 {
			continue
		}
		if len(cells) > w.lim.Columns {
			col, _ := excelize.ColumnNumberToName(len(cells))
			last, _ := excelize.ColumnNumberToName(w.lim.Columns)
			return overLimit("แผ่นงาน '"+sheet+"' แถว "+strconv.Itoa(n)+" ", "มีข้อมูลที่คอลัมน์ "+col+" เลยคอลัมน์ "+last+" ซึ่งเป็นคอลัมน์สุดท้ายที่โปรแกรมอ่าน")
		}
		for _, c := range cells {
			w.read += int64(len(c))
		}
		if w.read > w.lim.CellText {
			return tooMuch("ข้อความในไฟล์นี้รวมกันเกิน "+megabytes(w.lim.CellText)+" (ถึงแผ่นงาน '"+sheet+"' แถว "+strconv.Itoa(n)+") เกินกว่าที่โปรแกรมนำเข้าได้ครั้งละไฟล์: กรุณาแบ่งเป็นไฟล์ละอำเภอ หรือตรวจว่ามีช่องที่วางข้อความยาวผิดปกติ",
				"too much cell text")
		}
		if err := fn(n, cells); err != nil {
			if errors.Is(err, ErrStop) {
				return nil
			}
			return err
		}
	}
	if errors.Is(rows.Error(), excelize.ErrMaxRows) {
		return overLimit("แผ่นงาน '"+sheet+"' ", "มีแถวเกิน "+data.FormatNumber(int64(excelize.TotalRows))+" แถว ซึ่งเกินขีดจำกัดของ Excel")
	}
	if err := rows.Error(); err != nil {
		return &data.Error{Code: data.EINVALID, Message: "อ่านแผ่นงาน '" + sheet + "' ไม่ได้ ไฟล์อาจเสียหาย", English: "cannot read sheet", Err: err}
	}
	return w.ctx.Err()
}

// Hidden tells whether a sheet is hidden from view.
func (w *Workbook) Hidden(sheet string) bool {
	visible, err := w.f.GetSheetVisible(sheet)
	return err == nil && !visible
}

// ErrStop ends a Rows walk early.
var ErrStop = errors.New("stop")
