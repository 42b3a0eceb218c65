package xlsx

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"qmdesk/data"
)

// Limits bounds what reading one workbook may cost, so that a damaged or
// hostile file (a zip bomb: a few megabytes that inflate to gigabytes) is
// refused in bounded time and memory instead of taking the machine down.
// A whole province's file (200,000 rows, about 300 MB of worksheet XML)
// stays well inside every one of them.
type Limits struct {
	FileBytes      int64 // the .xlsx file on disk
	EncryptedBytes int64 // a password-protected file, which is decrypted in memory
	// UnzipBytes bounds all parts together, as the zip's directory
	// declares their sizes: Go's zip reader fails a part that inflates
	// past its declared size, so a lying directory gains nothing.
	UnzipBytes int64
	// MemoryBytes bounds the parts that may be held in memory: all but
	// the worksheets, which are streamed.
	MemoryBytes int64
	Parts       int // entries in the zip
	Sheets      int

	// Raw XML, checked by reading every XML part once before excelize
	// opens the file.
	TagBytes      int // one tag with its attributes
	TextBytes     int // one run of text between two tags (whitespace included)
	RowBytes      int // one <row> of a worksheet
	StringBytes   int // one <si> of the shared strings
	SharedStrings int // entries of the shared strings
	Elements      int // elements of a part excelize decodes whole (styles, workbook, ...)
	MergedRanges  int // merged ranges of one worksheet

	// Cells as read.
	CellChars int   // Excel's own limit on a cell, in UTF-16 units as Excel counts
	Columns   int   // the columns read: the template has 25
	Rows      int   // Excel's last row
	CellText  int64 // bytes of cell text read from one workbook, all sheets together
}

// DefaultLimits are the limits of a real import.
var DefaultLimits = Limits{
	FileBytes:      512 << 20,
	EncryptedBytes: 32 << 20,
	UnzipBytes:     2 << 30,
	MemoryBytes:    128 << 20,
	Parts:          10_000,
	Sheets:         256,
	TagBytes:       64 << 10,
	TextBytes:      1 << 20,
	RowBytes:       4 << 20,
	StringBytes:    256 << 10,
	SharedStrings:  2_000_000,
	Elements:       1_000_000,
	MergedRanges:   1_000_000,
	CellChars:      32_767,
	Columns:        256,
	Rows:           1_048_576,
	CellText:       1 << 30,
}

// Limit is what Open applies; tests lower it to build small bombs.
var Limit = DefaultLimits

// ErrTooLarge is the code-independent sentinel wrapped by every refusal
// for a broken limit, for callers (and tests) that need to tell them.
var ErrTooLarge = errors.New("workbook exceeds a limit")

// overLimit is the refusal of a workbook that breaks a limit: where it
// breaks it (a sheet, the shared strings, the file) and what it holds.
func overLimit(where, what string) error {
	where, what = strings.TrimSpace(where), strings.TrimSpace(what)
	if what != "" {
		where += " "
	}
	return &data.Error{
		Code: data.EINVALID,
		Message: fmt.Sprintf("ไฟล์นี้ผิดปกติจึงไม่นำเข้า: %s%s: ไฟล์อาจเสียหาย หรือถูกทำให้พองจนโปรแกรมค้าง "+
			"กรุณาเปิดไฟล์ใน Excel แล้วบันทึกใหม่ หรือขอไฟล์ใหม่จากอำเภอ", where, what),
		English: "workbook exceeds a limit: " + where + what,
		Err:     ErrTooLarge,
	}
}

// tooMuch is the refusal of a workbook that holds more than one import
// takes, though it may be real data.
func tooMuch(thai, english string) error {
	return &data.Error{Code: data.EINVALID, Message: thai, English: english, Err: ErrTooLarge}
}

// megabytes writes a byte count for a message: "512 MB".
func megabytes(n int64) string {
	mb := (n + (1<<20 - 1)) >> 20
	return data.FormatNumber(mb) + " MB"
}

// utf16Len counts a string as Excel counts a cell: in UTF-16 units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// CellTooLong tells the length of a cell, as Excel counts it, when it is
// longer than Excel allows (32,767): such a cell did not come from Excel
// and the row holding it is refused. It returns 0 for a cell in bounds.
func CellTooLong(s string) int {
	if len(s) <= Limit.CellChars { // a UTF-16 unit takes at least one byte
		return 0
	}
	if n := utf16Len(s); n > Limit.CellChars {
		return n
	}
	return 0
}

// ColumnName gives a column's letters: 1 is A, 27 is AA.
func ColumnName(c int) string {
	name, _ := excelize.ColumnNumberToName(c)
	return name
}
