package app

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// maxDataRows bounds the data rows of one file, all sheets together: as
// many as one sheet of Excel holds under its header row. A whole
// province's file is about 200,000 rows; the plan of a file keeps only
// data.BatchMemory of its records in memory, the rest in a temporary file
// until the commit.
var maxDataRows = 1_048_575

// maxPlanBytes bounds what a dry run holds until the commit, in memory and
// in its temporary files: the batch's encoded records and row fates, and
// the stored problems and actions read to compare the rows with
// (data.ImportBatch.Bytes, data.Records.Bytes). A million rows of the
// template take about 180 MB; a file whose rows are mostly long texts, or
// mostly wait for review with long reasons, can need more disk than an
// import should take, and is refused as soon as it does.
var maxPlanBytes int64 = 1 << 30

// importTimeBudget bounds the dry run of one file, reading and matching:
// a province's file takes under a minute on the office's machines, so a
// file still being read after this is broken or hostile.
var importTimeBudget = 10 * time.Minute

// errTimeBudget is the cause of a dry run stopped by importTimeBudget.
var errTimeBudget = errors.New("import time budget spent")

func timeBudgetRefusal() error {
	return &data.Error{Code: data.EINVALID,
		Message: fmt.Sprintf("ตรวจไฟล์นี้นานเกิน %s นาทีจึงหยุด ไม่ได้บันทึกอะไร: ไฟล์อาจใหญ่เกินไปหรือผิดปกติ กรุณาแบ่งเป็นไฟล์ละอำเภอ หรือเปิดใน Excel แล้วบันทึกใหม่",
			data.FormatNumber(int64(importTimeBudget.Minutes()))),
		English: "dry run exceeded its time budget of " + importTimeBudget.String(), Err: errTimeBudget}
}

func tooManyRows() error {
	return data.Messages(data.EINVALID, "ไฟล์นี้มีข้อมูลเกิน %s แถว เกินกว่าที่นำเข้าได้ครั้งละไฟล์ (ไฟล์ของทั้งจังหวัดมีราว 200,000 แถว): กรุณาแบ่งเป็นไฟล์ละอำเภอแล้วนำเข้าทีละไฟล์",
		[]any{data.FormatNumber(int64(maxDataRows))}, "more than %d data rows", maxDataRows)
}

func planTooLarge(sheet string, row int) error {
	return data.Messages(data.EINVALID, "ข้อมูลที่ต้องตรวจจากไฟล์นี้รวมกันเกิน %s MB (ถึงแผ่นงาน '%s' แถว %s) เกินกว่าที่นำเข้าได้ครั้งละไฟล์: กรุณาแบ่งเป็นไฟล์ละอำเภอแล้วนำเข้าทีละไฟล์ หรือตรวจว่ามีช่องที่วางข้อความยาวผิดปกติ",
		[]any{data.FormatNumber(maxPlanBytes >> 20), sheet, data.FormatNumber(int64(row))}, "the plan of the file outgrew %d MB at sheet %q row %d", maxPlanBytes>>20, sheet, row)
}

// SheetReport is what became of one sheet of a workbook: every sheet has
// one, so that no sheet is passed over without a word.
type SheetReport struct {
	Name     string
	Imported bool     // its rows are in the plan
	Header   []int    // header row numbers, when a header was found
	Unknown  []string // columns ignored
	// Rows counts the data rows planned (Imported), or the rows with
	// something in them that were not read (under the header, when the
	// sheet has one).
	Rows    int
	Skipped int    // blank and subtotal rows under the header (Imported)
	Why     string // Thai: why the sheet was not imported
	WhyEn   string // the same in English, for the window's English
	Hidden  bool
	// Dated is the date of the information its title gives ("ข้อมูล ณ
	// วันที่ 20 พ.ย. 2569" above the header), which its rows without an
	// action date carry instead of the workbook's own; zero when the
	// title gives none that can be used. Title is the date as the title
	// wrote it, "" for none (or the template's dots); TitleWhy says why
	// it was not used, when it was not (dateByTitles).
	Dated    data.Date
	Title    string
	TitleWhy data.Sentence

	layout *layout
	// formulaHead: not read because its header, or its first rows when
	// no header was found, hold a formula whose result the file did not
	// save (Why says which cell).
	formulaHead bool
}

// Line says in one Thai sentence what became of the sheet.
func (s SheetReport) Line() string {
	switch {
	case s.Imported:
		line := fmt.Sprintf("แผ่นงาน '%s': หัวตารางแถว %s · %s แถวข้อมูล", s.Name, joinRows(s.Header), data.FormatNumber(int64(s.Rows)))
		if s.Skipped > 0 {
			line += " · ข้ามแถวว่างหรือแถวรวมยอด " + data.FormatNumber(int64(s.Skipped))
		}
		return line
	case s.Rows > 0 && len(s.Header) > 0:
		return fmt.Sprintf("แผ่นงาน '%s' มีข้อมูล %s แถวแต่ไม่ได้นำเข้า: %s", s.Name, data.FormatNumber(int64(s.Rows)), s.Why)
	case s.Rows > 0: // no header: instructions, a list, a note
		return fmt.Sprintf("แผ่นงาน '%s' ไม่ได้นำเข้า: %s (มีข้อความ %s แถว)", s.Name, s.Why, data.FormatNumber(int64(s.Rows)))
	}
	return fmt.Sprintf("แผ่นงาน '%s' ไม่ได้นำเข้า: %s", s.Name, s.Why)
}

// LineEnglish is Line in English, for the window's English (the sheet's
// and the columns' names are the workbook's own).
func (s SheetReport) LineEnglish() string {
	switch {
	case s.Imported:
		line := fmt.Sprintf("sheet '%s': header on row %s · %d data rows", s.Name, joinRows(s.Header), s.Rows)
		if s.Skipped > 0 {
			line += fmt.Sprintf(" · %d blank or total rows skipped", s.Skipped)
		}
		return line
	case s.Rows > 0 && len(s.Header) > 0:
		return fmt.Sprintf("sheet '%s' has %d rows of data but was not imported: %s", s.Name, s.Rows, s.WhyEn)
	case s.Rows > 0:
		return fmt.Sprintf("sheet '%s' not imported: %s (%d rows with text)", s.Name, s.WhyEn, s.Rows)
	}
	return fmt.Sprintf("sheet '%s' not imported: %s", s.Name, s.WhyEn)
}

func joinRows(rows []int) string {
	var s []string
	for _, n := range rows {
		s = append(s, data.FormatNumber(int64(n)))
	}
	return strings.Join(s, "–")
}

// SheetLines says what became of each sheet, in workbook order, when
// there is more than the one sheet read: the report's lines about sheets.
func (r *FileReport) SheetLines() []string { return r.SheetLinesIn(false) }

// SheetLinesIn is SheetLines, in English when english.
func (r *FileReport) SheetLinesIn(english bool) []string {
	if len(r.Sheets) == 1 && r.Sheets[0].Imported {
		return nil
	}
	var out []string
	for _, s := range r.Sheets {
		if english {
			out = append(out, s.LineEnglish())
		} else {
			out = append(out, s.Line())
		}
	}
	return out
}

// ImportedSheets counts the sheets whose rows are in the plan.
func (r *FileReport) ImportedSheets() int {
	n := 0
	for _, s := range r.Sheets {
		if s.Imported {
			n++
		}
	}
	return n
}

// RowPlace names a row for the report: its number, and its sheet when
// the rows come from more than one.
func (r *FileReport) RowPlace(rr data.RowResult) string {
	if r.ImportedSheets() > 1 {
		return fmt.Sprintf("แผ่นงาน '%s' แถว %d", rr.Sheet, rr.Row)
	}
	return fmt.Sprintf("แถว %d", rr.Row)
}

// missing names the columns without which no row of the sheet can be
// taken.
func (l *layout) missing() []string {
	var out []string
	if !l.has(fHouseCode) && !l.has(fNationalID) {
		out = append(out, fieldNames[fHouseCode]+" หรือ "+fieldNames[fNationalID])
	}
	for _, f := range []field{fTambon, fCategory, fSubProblem} {
		if !l.has(f) {
			out = append(out, fieldNames[f])
		}
	}
	return out
}

const noHeader = "ไม่พบแถวหัวตาราง (ต้องมีหัวคอลัมน์อย่างน้อย 3 คอลัมน์ เช่น รหัสบ้าน, ตำบล, ด้าน, ปัญหา)"

// surveySheets looks at the first rows of every sheet and decides which
// are read: each sheet whose header names the columns a row needs. The
// others get the reason they are not. When no sheet has those columns,
// the best header found is read all the same, so that its rows are
// refused one by one with what they lack.
func surveySheets(heads []xlsx.Head) []SheetReport {
	var out []SheetReport
	fallback := -1
	for _, h := range heads {
		s := SheetReport{Name: h.Name, Hidden: h.Hidden}
		if h.Err != nil {
			s.Why, s.WhyEn = data.ErrorMessage(h.Err), data.Explain(h.Err).English
			out = append(out, s)
			continue
		}
		first, nums := make([][]string, len(h.Rows)), make([]int, len(h.Rows))
		for i, r := range h.Rows {
			first[i], nums[i] = r.Cells, r.N
		}
		l, _, found := findLayout(h.Name, first, nums)
		if found {
			s.Header, s.Unknown, s.layout = l.HeaderRows, l.Unknown, &l
		}
		var lacks []string
		if found {
			lacks = l.missing()
		}
		// A cell of the header (of the first rows, without a header)
		// that holds a formula without its result: the header is not
		// known.
		formulaCell := ""
		for _, f := range h.Formulas {
			if !found || slices.Contains(l.HeaderRows, f.Row) {
				formulaCell = xlsx.ColumnName(f.Col) + strconv.Itoa(f.Row)
				break
			}
		}
		switch {
		case len(first) == 0:
			s.Why, s.WhyEn = "แผ่นงานว่าง", "the sheet is empty"
		case s.Hidden && found && len(lacks) == 0:
			s.Why, s.WhyEn = "แผ่นงานนี้ถูกซ่อนไว้ ถ้าต้องการนำเข้า ให้เลิกซ่อนแผ่นงานใน Excel แล้วบันทึกใหม่", "the sheet is hidden; to import it, unhide it in Excel and save again"
		case s.Hidden:
			s.Why, s.WhyEn = "แผ่นงานที่ซ่อนไว้และไม่มีหัวตารางของข้อมูล (เช่น รายการสำหรับเลือกในช่อง)", "a hidden sheet without a data header (e.g. the lists of a drop-down)"
		case found && formulaCell != "":
			w := data.Sentencef("แถวหัวตาราง (แถว %s) มีช่องที่เป็นสูตรซึ่งไฟล์ไม่ได้บันทึกผลลัพธ์ไว้ (เช่น ช่อง %s) โปรแกรมจึงไม่รู้ชื่อคอลัมน์: กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วกดบันทึก จากนั้นนำเข้าใหม่",
				"the header (row %s) has a cell holding a formula whose result was not saved in the file (e.g. cell %s), so a column's name is unknown: open the file in Excel or LibreOffice, save it, and import it again",
				joinRows(l.HeaderRows), formulaCell)
			s.Why, s.WhyEn, s.formulaHead = w.Thai, w.English, true
		case !found && formulaCell != "":
			w := data.Sentencef("ไม่พบแถวหัวตาราง และแถวบนของแผ่นงานมีช่องที่เป็นสูตรซึ่งไฟล์ไม่ได้บันทึกผลลัพธ์ไว้ (เช่น ช่อง %s) หัวตารางอาจเป็นสูตรเหล่านี้: กรุณาเปิดไฟล์ใน Excel หรือ LibreOffice แล้วกดบันทึก จากนั้นนำเข้าใหม่",
				"no header row found, and the sheet's first rows have cells holding a formula whose result was not saved in the file (e.g. cell %s), which may be the header: open the file in Excel or LibreOffice, save it, and import it again",
				formulaCell)
			s.Why, s.WhyEn, s.formulaHead = w.Thai, w.English, true
		case !found:
			s.Why, s.WhyEn = noHeader, "no header row found (it needs at least 3 known columns, e.g. house code, tambon, category, problem)"
		case len(lacks) > 0:
			s.Why, s.WhyEn = "หัวตารางไม่มีคอลัมน์ "+strings.Join(lacks, ", "), "the header lacks the columns "+strings.Join(lacks, ", ")
			if fallback < 0 || l.Known > out[fallback].layout.Known {
				fallback = len(out)
			}
		default:
			s.Imported = true
		}
		out = append(out, s)
	}
	imported := false
	for _, s := range out {
		imported = imported || s.Imported
	}
	if !imported && fallback >= 0 {
		out[fallback].Imported, out[fallback].Why, out[fallback].WhyEn = true, "", ""
	}
	return out
}

// countRow counts a row of a sheet not read if it has something in it:
// under its header when it has one.
func (s *SheetReport) countRow(row int, cells []string) {
	last := 0
	if len(s.Header) > 0 {
		last = s.Header[len(s.Header)-1]
	}
	if row <= last || isBlankRow(cells) || (s.layout != nil && s.layout.isSubtotalRow(cells)) {
		return
	}
	s.Rows++
}
