package app

import (
	"strconv"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// A cell that holds a formula whose result the file did not save (a
// workbook written by a program that does not calculate formulas, such as
// a script with openpyxl) reads as empty: a budget would come in as 0, a
// status or a date as not given. A row where a column the import reads
// holds one is refused with the cell's address and what to do (open the
// file in Excel or LibreOffice, save it, import it again); the report
// counts such rows (FileReport.Formulas), and a file where every row is
// so is refused as a whole, with that one message.

// formulaColumn returns the first of formulas (the columns of the row's
// cells that hold a formula without its result, from the reader) that
// the import reads, or 0 when there is none: a formula in the sequence
// column or in a column the import does not know is no reason to refuse
// the row.
func (l *layout) formulaColumn(formulas []int) int {
	for _, c := range formulas {
		for f := fSeq + 1; f < fieldCount; f++ {
			if l.Col[f] == c {
				return c
			}
		}
	}
	return 0
}

// formulaRow is the refusal of row for its cell in column c, which holds
// a formula without its result.
func formulaRow(l *layout, row, c int) rowInput {
	why := data.Sentencef("ช่อง %s (คอลัมน์ '%s') เป็นสูตรที่ไฟล์ไม่ได้บันทึกผลลัพธ์ไว้ (ไฟล์อาจสร้างจากโปรแกรมที่ไม่คำนวณสูตร) โปรแกรมจึงไม่รู้ค่าของช่องนี้: กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วกดบันทึก จากนั้นนำเข้าใหม่",
		"Cell %s (column '%s') holds a formula whose result was not saved in the file (it may have been made by a program that does not calculate formulas), so its value is unknown: open the file in Excel or LibreOffice, save it, and import it again",
		formulaCell(row, c), l.columnName(c))
	return rowInput{Sheet: l.Sheet, Row: row, Reject: &data.RowResult{Sheet: l.Sheet, Row: row, Fate: data.FateRejected, Column: l.columnName(c),
		Reason: why.Thai, ReasonEnglish: why.English}}
}

// formulaCell is a cell's address, e.g. H5.
func formulaCell(row, c int) string { return xlsx.ColumnName(c) + strconv.Itoa(row) }

// FormulaRows is what a dry run found of the rows refused for a formula
// without its result.
type FormulaRows struct {
	Rows   int    // how many
	Sheet  string // the first one's sheet,
	Cell   string // its cell (e.g. H5)
	Column string // and its column's header
}

// note counts the refusal of in, a formulaRow.
func (f *FormulaRows) note(in rowInput, c int) {
	if f.Rows == 0 {
		f.Sheet, f.Cell, f.Column = in.Sheet, formulaCell(in.Row, c), in.Reject.Column
	}
	f.Rows++
}

// allRows is the refusal of a file all of whose rows (n) hold a formula
// without its result.
func (f *FormulaRows) allRows(n int) error {
	return data.Errorf(data.EINVALID, "ไฟล์นี้มีสูตรที่ไม่ได้บันทึกผลลัพธ์ไว้ในทุกแถวข้อมูล (%s แถว เช่น ช่อง %s คอลัมน์ '%s') ไฟล์อาจสร้างจากโปรแกรมที่ไม่คำนวณสูตร โปรแกรมจึงไม่รู้ค่าของช่องเหล่านี้: กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วกดบันทึก จากนั้นนำเข้าใหม่",
		"every data row (%s) has a formula whose result was not saved in the file (e.g. cell %s, column '%s'): open it in Excel or LibreOffice, save it, and import it again",
		data.FormatNumber(int64(n)), f.Cell, f.Column)
}

// FormulaNote is the report's line about the rows refused for a formula
// without its result ("" when there are none), in English when english:
// they all have the one remedy, which each row's reason repeats.
func (r *FileReport) FormulaNote(english bool) string {
	f := r.Formulas
	if f.Rows == 0 {
		return ""
	}
	where := f.Cell
	if r.ImportedSheets() > 1 {
		if english {
			where += " of sheet '" + f.Sheet + "'"
		} else {
			where += " ของแผ่นงาน '" + f.Sheet + "'"
		}
	}
	s := data.Sentencef("ไม่รับ %s แถว เพราะมีช่องที่เป็นสูตรซึ่งไฟล์ไม่ได้บันทึกผลลัพธ์ไว้ (เช่น ช่อง %s คอลัมน์ '%s'): กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วกดบันทึก จากนั้นนำเข้าใหม่",
		"%s rows were rejected because a cell holds a formula whose result was not saved in the file (e.g. cell %s, column '%s'): open the file in Excel or LibreOffice, save it, and import it again",
		data.FormatNumber(int64(f.Rows)), where, f.Column)
	if english {
		return s.English
	}
	return s.Thai
}
