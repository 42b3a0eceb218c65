package data

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date without time or zone. The zero Date means "none".
// It is stored and exchanged as ISO text (2024-09-30) and shown in BE.
type Date struct {
	Year  int // CE
	Month time.Month
	Day   int
}

// NewDate returns the Date of a CE year, month and day, normalising
// overflow the way time.Date does.
func NewDate(year int, month time.Month, day int) Date {
	return utcDate(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// ThaiTime is Thailand's time zone (UTC+7, no daylight saving): a day in
// the register is a Thai day, whatever the computer's zone.
var ThaiTime = time.FixedZone("ICT", 7*3600)

// DateOf returns the Thai calendar date of the instant t, whatever t's
// location: a day in the register is a Thai day, never the computer's.
func DateOf(t time.Time) Date {
	y, m, d := t.In(ThaiTime).Date()
	return Date{y, m, d}
}

func (d Date) IsZero() bool { return d == Date{} }

// Valid tells whether d is a real calendar day that ISO text can hold
// (years 1–9999): what String writes, ParseISODate reads back.
func (d Date) Valid() bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= time.January && d.Month <= time.December && d.Day >= 1 && NewDate(d.Year, d.Month, d.Day) == d
}

// EarliestDate is the first day the register accepts: 1 ม.ค. 2500. Nothing
// in the programme is older; an earlier date is a typing or reading error.
var EarliestDate = NewDate(1957, time.January, 1)

// CheckSane refuses a date of something that happened (an action, the
// day a problem was found or solved) that the register cannot mean: not a
// real day, before EarliestDate, or more than a year after today (BE typed
// as CE, a wrong clock). what names the date for the message
// ("วันที่ดำเนินการ"). The zero Date (none) passes.
func (d Date) CheckSane(what string, today Date) error {
	return d.CheckSaneOf(Term{Thai: what, English: what}, today)
}

// CheckSaneOf is CheckSane with the date named in Thai and in English.
func (d Date) CheckSaneOf(what Term, today Date) error { return d.checkRange(what, today, 1) }

// CheckPlanned is CheckSane for a date planned ahead (a target date, a
// round's start and deadline): it may lie up to three years after today,
// as the next fiscal year's round does when it is set up early.
func (d Date) CheckPlanned(what string, today Date) error {
	return d.CheckPlannedOf(Term{Thai: what, English: what}, today)
}

// CheckPlannedOf is CheckPlanned with the date named in Thai and in
// English.
func (d Date) CheckPlannedOf(what Term, today Date) error { return d.checkRange(what, today, 3) }

func (d Date) checkRange(what Term, today Date, years int) error {
	if d.IsZero() {
		return nil
	}
	if !d.Valid() {
		return Messages(EINVALID, "%s ไม่ใช่วันที่ที่มีอยู่จริง", []any{what.Thai}, "%s %04d-%02d-%02d is not a calendar day", what.English, d.Year, int(d.Month), d.Day)
	}
	latest := utcDate(today.Time().AddDate(years, 0, 0))
	if d.Before(EarliestDate) || (!today.IsZero() && d.After(latest)) {
		return Messages(EINVALID, "%s %s อยู่นอกช่วงที่เป็นไปได้ (ตั้งแต่ %s ถึง %s) กรุณาตรวจสอบปี พ.ศ.", []any{what.Thai, FormatBE(d), FormatBE(EarliestDate), FormatBE(latest)},
			"%s %s is outside the possible range (%s to %s): check the year (workbooks write it in the Buddhist era)", what.English, d, EarliestDate, latest)
	}
	return nil
}

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// utcDate is the calendar date of t in UTC, for the arithmetic on dates
// that Time and NewDate do at midnight UTC.
func utcDate(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{y, m, d}
}

// AddDays returns d shifted by n days.
func (d Date) AddDays(n int) Date { return utcDate(d.Time().AddDate(0, 0, n)) }

// DaysUntil returns the number of days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int {
	return int((e.Time().Unix() - d.Time().Unix()) / 86400)
}

func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }
func (d Date) After(e Date) bool  { return d.Compare(e) > 0 }

// Compare returns -1, 0 or 1.
func (d Date) Compare(e Date) int {
	a, b := d.Year*10000+int(d.Month)*100+d.Day, e.Year*10000+int(e.Month)*100+e.Day
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// String returns ISO 8601 (2024-09-30), or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Key returns the date as 8 sortable bytes (20240930); the zero Date sorts
// after every real date so that "no target date" is never overdue.
func (d Date) Key() string {
	if d.IsZero() {
		return "99999999"
	}
	return fmt.Sprintf("%04d%02d%02d", d.Year, int(d.Month), d.Day)
}

// ParseISODate reads 2024-09-30.
func ParseISODate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, Errorf(EINVALID, "วันที่ '%s' ไม่ถูกต้อง", "date %q is not ISO", s)
	}
	return utcDate(t), nil
}

// MarshalJSON writes the ISO text, and refuses a date that ParseISODate
// could not read back, so that no record is stored unreadable.
func (d Date) MarshalJSON() ([]byte, error) {
	if !d.IsZero() && !d.Valid() {
		return nil, Errorf(EINVALID, "วันที่ %04d-%02d-%02d ไม่ถูกต้อง จึงบันทึกไม่ได้", "date %04d-%02d-%02d cannot be stored", d.Year, int(d.Month), d.Day)
	}
	return json.Marshal(d.String())
}

func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseISODate(s)
	*d = v
	return err
}

// Thai month names, abbreviated and full, January first.
var (
	ThaiMonthsShort = [12]string{"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."}
	ThaiMonthsFull  = [12]string{"มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"}
)

// FormatBE renders d as "30 ก.ย. 2567", the way letters and reports write it.
func FormatBE(d Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d", d.Day, ThaiMonthsShort[d.Month-1], d.Year+543)
}

// FormatBELong renders d as "30 กันยายน 2567".
func FormatBELong(d Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d", d.Day, ThaiMonthsFull[d.Month-1], d.Year+543)
}

// FormatBESlash renders d as 30/09/2567.
func FormatBESlash(d Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%d", d.Day, int(d.Month), d.Year+543)
}

// FiscalYearOf returns the first and last day of the Thai fiscal year d
// falls in: 1 Oct to 30 Sep.
func FiscalYearOf(d Date) (start, end Date) {
	y := d.Year
	if d.Month < time.October {
		y--
	}
	return NewDate(y, time.October, 1), NewDate(y+1, time.September, 30)
}

// FiscalYearBE returns the Thai fiscal year (1 Oct – 30 Sep) that d falls
// in, as a BE year: 1 Oct 2023 is in fiscal year 2567.
func FiscalYearBE(d Date) int {
	y := d.Year + 543
	if d.Month >= time.October {
		y++
	}
	return y
}

// monthNames maps every spelling we accept to a month: abbreviations with
// and without dots, full names.
var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{}
	for i := range 12 {
		mo := time.Month(i + 1)
		m[ThaiMonthsShort[i]] = mo
		m[strings.ReplaceAll(ThaiMonthsShort[i], ".", "")] = mo
		m[ThaiMonthsFull[i]] = mo
		m[strings.ToLower(mo.String())] = mo
		m[strings.ToLower(mo.String()[:3])] = mo
	}
	return m
}()

// ParseThaiDate reads the dates district workbooks contain: 15 มี.ค. 2567,
// 15 มีนาคม 2567, ๑๕ มี.ค. ๖๗, 15/03/2567, 15/3/67, 15-03-2024, 2024-03-15,
// 15 มี.ค. 67 and "วันที่ 15 เดือนมีนาคม พ.ศ. 2567". Years above 2400 are
// BE, two-digit years are BE (67 → 2567), others CE. The result is checked
// to be a real day: a day 1–31 that its month does not have (29 ก.พ. 2568,
// 31 เม.ย. 2568) is refused with a message that says so.
func ParseThaiDate(s string) (Date, error) {
	orig := CleanText(s)
	s = strings.ToLower(ThaiToASCIIDigits(orig))
	if s == "" {
		return Date{}, nil
	}
	bad := func() (Date, error) {
		return Date{}, Errorf(EINVALID, "อ่านวันที่ '%s' ไม่ได้ (ตัวอย่างที่ใช้ได้: 15 มี.ค. 2567 หรือ 15/03/2567)", "The date '%s' cannot be read (write it as day/month/year, e.g. 15/03/2567)", orig)
	}
	for _, noise := range []string{"วันที่", "เดือน", "พ.ศ.", "พ.ศ", "ค.ศ.", "ค.ศ", ","} {
		s = strings.ReplaceAll(s, noise, " ")
	}
	s = strings.TrimSpace(s)
	var parts []string
	if strings.ContainsAny(s, "/-") && !strings.ContainsAny(s, " ") {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' })
	} else {
		parts = splitDateWords(s)
	}
	if len(parts) != 3 {
		return bad()
	}
	var day, month, year int
	if len(parts[0]) == 4 && allDigits(parts[0]) { // 2024-03-15
		parts[0], parts[2] = parts[2], parts[0]
	}
	var err error
	if day, err = strconv.Atoi(parts[0]); err != nil {
		return bad()
	}
	if m, ok := monthNames[strings.TrimSuffix(parts[1], ".")]; ok {
		month = int(m)
	} else if m, ok := monthNames[parts[1]]; ok {
		month = int(m)
	} else if month, err = strconv.Atoi(parts[1]); err != nil {
		return bad()
	}
	if !allDigits(parts[2]) || len(parts[2]) > 4 {
		return bad()
	}
	year, _ = strconv.Atoi(parts[2])
	year, ok := normalizeYear(year, len(parts[2]))
	if !ok {
		return bad()
	}
	d := Date{year, time.Month(month), day}
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return bad()
	}
	if NewDate(year, time.Month(month), day) != d {
		return Date{}, noSuchDay(orig, d)
	}
	return d, nil
}

// daysIn returns the number of days of a month of a CE year.
func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// noSuchDay is the error for a written date whose day the month does not
// have (29 ก.พ. 2568, 31 เม.ย. 2568): d holds the day, month and CE year
// as written, orig the text as the workbook wrote it.
func noSuchDay(orig string, d Date) *Error {
	n := daysIn(d.Year, d.Month)
	be := d.Year + 543
	return Messages(EINVALID, "วันที่ '%s' ไม่มีอยู่จริง: ไม่มีวันที่ %d %s %d (เดือน%s %d มี %d วัน) กรุณาตรวจสอบวันที่กับต้นฉบับหรือสอบถามผู้กรอก",
		[]any{orig, d.Day, ThaiMonthsShort[d.Month-1], be, ThaiMonthsFull[d.Month-1], be, n},
		"The date '%s' does not exist: there is no %d %s %d (%d BE); %s %d has %d days. Check the date with the original or the person who wrote it",
		orig, d.Day, d.Month, d.Year, be, d.Month, d.Year, n)
}

// normalizeYear turns a written year into CE: BE years (> 2400) lose 543,
// two-digit years are BE of the 2500s (67 → 2567 → 2024).
func normalizeYear(y, digits int) (int, bool) {
	switch {
	case digits <= 2:
		return y + 2500 - 543, true
	case y > 2400 && y < 2700:
		return y - 543, true
	case y > 1900 && y < 2200:
		return y, true
	}
	return 0, false
}

// splitDateWords splits "15 มี.ค. 2567" and "15มี.ค.2567" into day, month,
// year: digits and non-digits form separate words.
func splitDateWords(s string) []string {
	var parts []string
	var cur strings.Builder
	digit := false
	flush := func() {
		if w := strings.TrimSpace(cur.String()); w != "" {
			parts = append(parts, w)
		}
		cur.Reset()
	}
	for _, r := range s {
		isD := r >= '0' && r <= '9'
		if r == ' ' || r == '/' || r == '-' || (cur.Len() > 0 && isD != digit) {
			flush()
		}
		if r != ' ' && r != '/' && r != '-' {
			cur.WriteRune(r)
		}
		digit = isD
	}
	flush()
	return parts
}

// DateFromSerial converts a spreadsheet serial day number (1900 date system)
// to a Date. A year past 2400 means the clerk typed a BE year into a date
// cell, which the spreadsheet took as CE: it is brought back by 543 years.
func DateFromSerial(serial float64) (Date, error) {
	if serial < 1 || serial > 400000 {
		return Date{}, Errorf(EINVALID, "ค่าวันที่ %v ไม่ใช่วันที่", "The date value %v is not a date", serial)
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	d := utcDate(base.AddDate(0, 0, int(serial)))
	if d.Year > 2400 && d.Month == time.February && d.Day == 29 && daysIn(d.Year-543, d.Month) == 28 {
		// 29/02/2568 typed into a date cell: the sheet took 2568 as CE, a
		// leap year, but 2568 BE (2025) has no 29 Feb.
		written := Date{d.Year - 543, d.Month, d.Day}
		return Date{}, noSuchDay(FormatBESlash(written), written)
	}
	d = FixBEInCE(d)
	if d.Year < 1900 || d.Year > 2200 {
		return Date{}, Errorf(EINVALID, "วันที่ในเซลล์ (ปี %d) ไม่สมเหตุสมผล", "The date in the cell (year %d BE) is not plausible", d.Year+543)
	}
	return d, nil
}

// FixBEInCE brings a date whose year is really BE (2567 read as CE) back to
// CE. 29 Feb of a year that is a leap year read as CE but not as BE
// (2568) has no CE twin: it becomes 1 Mar. DateFromSerial refuses that
// day before it gets here, as the day that does not exist that it is.
func FixBEInCE(d Date) Date {
	if d.Year > 2400 {
		return NewDate(d.Year-543, d.Month, d.Day)
	}
	return d
}
