package app

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// titleLabels begin the title line that gives the date of a sheet's
// information: the template's "ข้อมูล ณ วันที่ ...................." and
// what districts write instead. They are matched at the start of a cell,
// blanks ignored: qmdesk's own follow-up and ThaiQM workbooks say
// "· ข้อมูล ณ <the day of the export>" inside a longer title, the date of
// the register's information when they were made, not the district's.
var titleLabels = []string{"ข้อมูลณวันที่", "ข้อมูลณ", "ณวันที่"}

// titleDate finds the date of the information in rows, the title rows of
// a sheet above its header (row numbers before header): in the first
// cell that begins with a label, the date written after the label (up to
// a bracket, as the template's hint follows it) or, when only the label
// is there, the next cell of the row that is not the label again (a
// merged title repeats it). written is what was written there, "" when
// no row has the label or the date is still the template's dots.
func (imp *Importer) titleDate(rows []xlsx.HeadRow, header int) (written string, d data.Date, err error) {
	for _, r := range rows {
		if r.N >= header {
			break
		}
		for i, c := range r.Cells {
			text := data.CleanText(c)
			rest, ok := "", false
			for _, l := range titleLabels {
				if rest, ok = cutLabel(text, l); ok {
					break
				}
			}
			if !ok {
				continue
			}
			written = titleValue(rest)
			for _, next := range r.Cells[i+1:] {
				if written != "" {
					break
				}
				if next = data.CleanText(next); next != text {
					written = titleValue(next)
				}
			}
			if written == "" {
				return "", data.Date{}, nil
			}
			d, err = imp.readTitleDate(strings.Trim(written, " .…_"))
			return written, d, err
		}
	}
	return "", data.Date{}, nil
}

// cutLabel returns what follows label (written without blanks) at the
// start of s, blanks ignored.
func cutLabel(s, label string) (string, bool) {
	i := 0
	for _, r := range label {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		n := utf8.RuneLen(r)
		if i+n > len(s) || s[i:i+n] != string(r) {
			return "", false
		}
		i += n
	}
	return s[i:], true
}

// titleValue is the date part of what follows a title's label, as
// written: up to a bracket, without a colon, blanks or the template's
// dots ("..", "…", "__") around it; "" when nothing else is there.
func titleValue(s string) string {
	if i := strings.IndexAny(s, "(["); i >= 0 {
		s = s[:i]
	}
	if strings.Trim(s, " :.…_") == "" {
		return ""
	}
	s = strings.Trim(s, " :")
	// A run of dots goes, a single one stays: it ends "พ.ย.".
	for _, run := range []string{"..", "…", "_"} {
		if strings.HasPrefix(s, run) {
			s = strings.TrimLeft(s, " :.…_")
		}
		if strings.HasSuffix(s, run) {
			s = strings.TrimRight(s, " :.…_")
		}
	}
	return strings.Trim(s, " :")
}

// readTitleDate reads the date a title wrote: the whole of it, else its
// first word ("20/11/2569 อำเภอเมือง") or first three ("20 พ.ย. 2569
// อำเภอเมือง"); the error is the whole text's.
func (imp *Importer) readTitleDate(s string) (data.Date, error) {
	d, err := imp.readDate(s)
	if err == nil {
		return d, nil
	}
	words := strings.Fields(s)
	for _, n := range []int{3, 1} {
		if len(words) > n {
			if d, e := imp.readDate(strings.Join(words[:n], " ")); e == nil {
				return d, nil
			}
		}
	}
	return data.Date{}, err
}

// dateByTitles reads the title date of each sheet read (sheets, as
// surveySheets made them of heads): a date of the round up to today dates
// the sheet's rows without an action date instead of the workbook's own
// (pl.fileDate); one that is not (not a date, in the future, before the
// round's recording started) is not used, and the sheet's report says
// why. The template's dots are no date and say nothing.
func (pl *planner) dateByTitles(imp *Importer, sheets []SheetReport, heads []xlsx.Head) {
	for i := range sheets {
		s := &sheets[i]
		if !s.Imported || s.layout == nil || i >= len(heads) || heads[i].Name != s.Name {
			continue
		}
		written, d, err := imp.titleDate(heads[i].Rows, s.layout.HeaderRows[0])
		if written == "" {
			continue
		}
		s.Title = written
		switch {
		case err != nil:
			s.TitleWhy = data.Sentence{
				Thai:    fmt.Sprintf("วันที่ของข้อมูลที่หัวตาราง '%s' อ่านเป็นวันที่ไม่ได้ จึงไม่ได้ใช้ (เขียนได้เช่น ข้อมูล ณ วันที่ %s)", written, data.FormatBE(pl.today)),
				English: fmt.Sprintf("The date of the information in the title, '%s', cannot be read as a date, so it was not used (write it e.g. ข้อมูล ณ วันที่ %s)", written, data.FormatBE(pl.today))}
		case d.After(pl.today):
			s.TitleWhy = data.Sentence{
				Thai:    fmt.Sprintf("วันที่ของข้อมูลที่หัวตาราง %s อยู่ในอนาคต (วันนี้ %s) จึงไม่ได้ใช้: กรุณาตรวจสอบวันที่และปี พ.ศ.", data.FormatBE(d), data.FormatBE(pl.today)),
				English: fmt.Sprintf("The date of the information in the title, %s, is in the future (today is %s), so it was not used: check the date and its year (workbooks write it in the Buddhist era)", d, pl.today)}
		case d.Before(pl.roundStart):
			s.TitleWhy = data.Sentence{
				Thai:    fmt.Sprintf("วันที่ของข้อมูลที่หัวตาราง %s อยู่ก่อนวันเริ่มบันทึกผลของรอบ (%s) จึงไม่ได้ใช้: อาจเป็นหัวตารางที่ค้างมาจากไฟล์รอบก่อน กรุณาตรวจสอบวันที่และปี พ.ศ.", data.FormatBE(d), data.FormatBE(pl.roundStart)),
				English: fmt.Sprintf("The date of the information in the title, %s, is before the round's recording started (%s), so it was not used: the title may be left from an earlier round's file; check the date and its year", d, pl.roundStart)}
		default:
			s.Dated = d
			if pl.titleDates == nil {
				pl.titleDates = map[string]data.Date{}
			}
			pl.titleDates[s.Name] = d
		}
	}
}

// DateLines says, of each sheet read whose title gives the date of its
// information, which date its rows without an action date were given:
// the title's, when it is not the workbook's own (the day it was saved,
// else the day of the import), or why the title's was not used. Nothing
// is said of a title the district left as the template's dots.
func (r *FileReport) DateLines() []string { return r.DateLinesIn(false) }

// DateLinesIn is DateLines, in English when english.
func (r *FileReport) DateLinesIn(english bool) []string {
	fallback, fallbackEn := fmt.Sprintf("วันที่บันทึกไฟล์ %s", data.FormatBE(r.FileDate)), fmt.Sprintf("the day the file was saved, %s", r.FileDate)
	given := r.FileDate
	if given.IsZero() {
		given = r.today
		fallback = fmt.Sprintf("วันนำเข้า %s (ไฟล์ไม่ได้บอกวันที่บันทึก หรือวันที่บันทึกไม่อยู่ในช่วงของรอบนี้)", data.FormatBE(r.today))
		fallbackEn = fmt.Sprintf("the day of the import, %s (the file does not say when it was saved, or its saved date is not within the round)", r.today)
	}
	actionDateEn := strings.ToLower(data.HeaderActionDate.English)
	several := r.ImportedSheets() > 1
	var out []string
	for _, s := range r.Sheets {
		if !s.Imported || s.Title == "" || s.Dated == given {
			continue
		}
		// What the title wrote, when it is not the date as said (a date
		// cell's serial number is not shown).
		as := ""
		if _, err := strconv.ParseFloat(s.Title, 64); err != nil && s.Title != data.FormatBE(s.Dated) {
			as = " ('" + s.Title + "')"
		}
		var line string
		switch {
		case english && !s.Dated.IsZero():
			line = fmt.Sprintf("Rows without an %s are taken as information as of %s, the date in the title%s, not %s", actionDateEn, s.Dated, as, fallbackEn)
		case english:
			line = fmt.Sprintf("%s · rows without an %s are taken as information as of %s", s.TitleWhy.English, actionDateEn, fallbackEn)
		case !s.Dated.IsZero():
			line = fmt.Sprintf("แถวที่ไม่มี%sถือเป็นข้อมูล ณ %s ตามวันที่ที่หัวตาราง%s ไม่ใช่%s", data.HeaderActionDate.Thai, data.FormatBE(s.Dated), as, fallback)
		default:
			line = fmt.Sprintf("%s · แถวที่ไม่มี%sจึงถือเป็นข้อมูล ณ %s", s.TitleWhy.Thai, data.HeaderActionDate.Thai, fallback)
		}
		if several && english {
			line = fmt.Sprintf("sheet '%s': %s", s.Name, line)
		} else if several {
			line = fmt.Sprintf("แผ่นงาน '%s': %s", s.Name, line)
		}
		out = append(out, line)
	}
	return out
}
