// Package xlsx reads and writes workbooks with excelize. It knows about
// files, sheets and cells; what the columns mean is the importer's business.
package xlsx

import (
	"archive/zip"
	"bytes"
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
	f        *excelize.File
	Name     string
	path     string
	password string
}

// Refusals of a whole file, each with one message a clerk can act on.
var (
	ErrLegacyXLS     = data.Errorf(data.EINVALID, "ไฟล์นี้เป็น Excel รุ่นเก่า (.xls) กรุณาเปิดใน Excel หรือ LibreOffice แล้วบันทึกเป็น .xlsx ก่อนนำเข้า", "legacy .xls workbook")
	ErrNeedPassword  = data.Errorf(data.EINVALID, "ไฟล์นี้มีรหัสผ่าน กรุณาใส่รหัสผ่านของไฟล์ (ขอจากอำเภอที่ส่งมา)", "workbook is password-protected")
	ErrWrongPassword = data.Errorf(data.EINVALID, "รหัสผ่านของไฟล์ไม่ถูกต้อง กรุณาตรวจสอบกับอำเภอที่ส่งไฟล์มา", "wrong workbook password")
	ErrNotWorkbook   = data.Errorf(data.EINVALID, "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) กรุณาตรวจสอบว่าเลือกไฟล์ถูกต้อง", "not an xlsx workbook")
	ErrODS           = data.Errorf(data.EINVALID, "ไฟล์นี้เป็น OpenDocument (.ods) กรุณาบันทึกเป็น .xlsx ก่อนนำเข้า", "OpenDocument spreadsheet")
)

var oleMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}

// Open opens the workbook at path. It tells a legacy .xls, a workbook that
// needs a password (or got the wrong one) and a file that is no workbook
// at all apart, instead of excelize's zip errors.
func Open(path, password string) (*Workbook, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, &data.Error{Code: data.ENOTFOUND, Message: "เปิดไฟล์ " + filepath.Base(path) + " ไม่ได้", English: "cannot open workbook", Err: err}
	}
	defer fh.Close()
	head := make([]byte, 8)
	n, _ := io.ReadFull(fh, head)
	head = head[:n]
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
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if isODS(path) {
			return nil, ErrODS
		}
	default:
		return nil, ErrNotWorkbook
	}
	f, err := excelize.OpenFile(path, excelize.Options{Password: password})
	if errors.Is(err, excelize.ErrWorkbookPassword) || (err != nil && password != "") {
		return nil, ErrWrongPassword
	} else if err != nil {
		return nil, &data.Error{Code: data.EINVALID, Message: ErrNotWorkbook.Message, English: "excelize cannot open workbook", Err: err}
	}
	if len(f.GetSheetList()) == 0 {
		f.Close()
		return nil, ErrNotWorkbook
	}
	return &Workbook{f: f, Name: filepath.Base(path), path: path, password: password}, nil
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

func isODS(path string) bool {
	z, err := zip.OpenReader(path)
	if err != nil {
		return false
	}
	defer z.Close()
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

// Close releases the workbook.
func (w *Workbook) Close() error { return w.f.Close() }

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

// Rows streams a sheet's rows to fn with their 1-based row numbers and raw
// cell values: numbers as stored (a date cell is its serial number), shared
// and inline strings as text, no number format applied. Empty rows are not
// passed. fn returning ErrStop ends the walk without error.
func (w *Workbook) Rows(sheet string, fn func(row int, cells []string) error) error {
	rows, err := w.f.Rows(sheet)
	if err != nil {
		return &data.Error{Code: data.EINVALID, Message: "อ่านแผ่นงาน '" + sheet + "' ไม่ได้", English: "cannot read sheet", Err: err}
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return &data.Error{Code: data.EINVALID, Message: "อ่านแถวที่ " + strconv.Itoa(n) + " ของแผ่นงาน '" + sheet + "' ไม่ได้", English: "cannot read row", Err: err}
		}
		if len(cells) == 0 {
			continue
		}
		if err := fn(n, cells); err != nil {
			if errors.Is(err, ErrStop) {
				return nil
			}
			return err
		}
	}
	return rows.Error()
}

// ErrStop ends a Rows walk early.
var ErrStop = errors.New("stop")
