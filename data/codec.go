package data

import (
	"errors"
	"fmt"
	"time"
)

// The store keeps households, problems and actions in the encoding an
// import's plan keeps them in (batch.go): varints, Thai letters in one
// byte, times as time.MarshalBinary writes them, fields in a fixed order.
// A stored record has no table of shared strings, so every string is in
// place, and it starts with recordEncoding, a byte JSON never starts with
// (a record of an older layout is JSON, which starts with '{'): a reader
// tells the two apart by the first byte. A new field, or a field changed,
// is a new version of that byte.
const recordEncoding = 1

// ErrRecordDay is what a decoded record's error wraps when the record
// was read whole but holds a date that is not a calendar day (a record
// written by a faulty version): repair salvages the record from there.
var ErrRecordDay = errors.New("a date that is not a calendar day")

// AppendHousehold appends the stored form of h to b. It refuses, as the
// store's JSON did, a record that would not read back the same: a date
// that is not a calendar day, a time out of the years 0–9999.
func AppendHousehold(b []byte, h *Household) ([]byte, error) {
	if err := storable([]Date{h.ChangedOn}, []time.Time{h.CreatedAt, h.UpdatedAt}); err != nil {
		return b, err
	}
	e := encoder{b: append(b, recordEncoding)}
	e.household(h)
	return e.b, nil
}

// AppendProblem appends the stored form of p to b (see AppendHousehold).
func AppendProblem(b []byte, p *Problem) ([]byte, error) {
	if err := storable([]Date{p.TargetDate, p.FoundOn, p.ResolvedOn, p.ChangedOn, p.ThaiQMOn}, []time.Time{p.CreatedAt, p.UpdatedAt}); err != nil {
		return b, err
	}
	e := encoder{b: append(b, recordEncoding)}
	e.problem(p)
	return e.b, nil
}

// AppendAction appends the stored form of a to b (see AppendHousehold).
func AppendAction(b []byte, a *Action) ([]byte, error) {
	if err := storable([]Date{a.Date, a.ThaiQMOn}, []time.Time{a.RecordedAt}); err != nil {
		return b, err
	}
	e := encoder{b: append(b, recordEncoding)}
	e.action(a)
	return e.b, nil
}

// DecodeHousehold reads a household written by AppendHousehold. Input cut
// short or damaged is an EDAMAGED error, never a panic; a date that is not
// a calendar day is one too, wrapping ErrRecordDay, with h read whole.
func DecodeHousehold(b []byte, h *Household) error {
	d, err := recordDecoder(b, "household")
	if err != nil {
		return err
	}
	d.room(b)
	*h = d.household()
	if err := d.end("household"); err != nil {
		return err
	}
	if err := stamps("household", h.CreatedAt, h.UpdatedAt); err != nil {
		return err
	}
	return days("household", householdDays, h.ChangedOn)
}

// DecodeProblem reads a problem written by AppendProblem (see
// DecodeHousehold).
func DecodeProblem(b []byte, p *Problem) error {
	d, err := recordDecoder(b, "problem")
	if err != nil {
		return err
	}
	d.room(b)
	*p = d.problem()
	if err := d.end("problem"); err != nil {
		return err
	}
	if err := stamps("problem", p.CreatedAt, p.UpdatedAt); err != nil {
		return err
	}
	return days("problem", problemDays, p.TargetDate, p.FoundOn, p.ResolvedOn, p.ChangedOn, p.ThaiQMOn)
}

// DecodeAction reads an action written by AppendAction (see
// DecodeHousehold).
func DecodeAction(b []byte, a *Action) error {
	d, err := recordDecoder(b, "action")
	if err != nil {
		return err
	}
	d.room(b)
	*a = d.action()
	if err := d.end("action"); err != nil {
		return err
	}
	if err := stamps("action", a.RecordedAt); err != nil {
		return err
	}
	return days("action", actionDays, a.Date, a.ThaiQMOn)
}

// ProblemWork reads, of a problem written by AppendProblem, only what the
// partner agencies' report needs: a million problems are read for it.
func ProblemWork(b []byte) (household, round uint64, cat Category, status Status, err error) {
	d, err := recordDecoder(b, "problem")
	if err != nil {
		return 0, 0, 0, 0, err
	}
	d.uint() // ID
	household, round = d.uint(), d.uint()
	cat = Category(d.int())
	d.skipWord() // sub-problem
	d.skipText() // detail
	d.bool()     // urgent
	d.bool()     // sensitive
	d.int()      // survey year
	d.int()      // Re-X-Ray
	status = Status(d.int())
	if d.bad {
		return 0, 0, 0, 0, damagedRecord("problem", len(b))
	}
	return household, round, cat, status, nil
}

// ActionWork reads, of an action written by AppendAction, its agency and
// budget; intern keeps each agency's name as one string (a province
// types a few hundred over a million actions).
func ActionWork(b []byte, intern map[string]string) (agency string, budget int64, err error) {
	d, err := recordDecoder(b, "action")
	if err != nil {
		return "", 0, err
	}
	d.uint() // ID
	d.uint() // problem
	d.date()
	if d.uint() != 0 { // the agency: a word, in place (shared: none)
		return "", 0, damagedRecord("action", len(b))
	}
	before := d.b
	d.skipText()
	raw := before[:len(before)-len(d.b)] // the agency as encoded
	if s, ok := intern[string(raw)]; ok {
		agency = s
	} else {
		name := decoder{b: raw}
		if agency = name.text(); name.bad {
			return "", 0, damagedRecord("action", len(b))
		}
		intern[string(raw)] = agency
	}
	d.skipText() // what was done
	budget = d.int()
	if d.bad {
		return "", 0, damagedRecord("action", len(b))
	}
	return agency, budget, nil
}

func recordDecoder(b []byte, what string) (decoder, error) {
	if len(b) == 0 || b[0] != recordEncoding {
		first := -1
		if len(b) > 0 {
			first = int(b[0])
		}
		return decoder{}, Messages(EDAMAGED, "ข้อมูลเสียหาย อ่านไม่ได้", nil, "%s record of an unknown encoding (first byte %d)", what, first)
	}
	return decoder{b: b[1:]}, nil
}

// room gives the decoder of record b room for every string of the record
// in one allocation: a byte of text becomes at most three (a Thai letter;
// an escaped byte counts its escape).
func (d *decoder) room(b []byte) {
	wide := 0
	for _, c := range b {
		if c >= 0x80 {
			wide++
		}
	}
	d.arena = make([]byte, 0, len(b)+2*wide)
}

// end is the error of a record read: nil when every byte was read, as
// written.
func (d *decoder) end(what string) error {
	if d.bad || len(d.b) != 0 {
		return damagedRecord(what, len(d.b))
	}
	return nil
}

func damagedRecord(what string, left int) error {
	return Messages(EDAMAGED, "ข้อมูลเสียหาย อ่านไม่ได้", nil, "%s record cut short or damaged (%d bytes left over)", what, left)
}

// The names of the records' dates, in the order days reads them.
var (
	householdDays = []string{"changed_on"}
	problemDays   = []string{"target_date", "found_on", "resolved_on", "changed_on", "thaiqm_on"}
	actionDays    = []string{"date", "thaiqm_on"}
)

// days refuses a record whose date (named by names) is not a calendar
// day.
func days(what string, names []string, ds ...Date) error {
	for i, d := range ds {
		if !calendarDay(d) {
			return &Error{Code: EDAMAGED, Message: "ข้อมูลมีวันที่ที่ไม่มีอยู่จริง อ่านไม่ได้",
				English: fmt.Sprintf("%s %s %04d-%02d-%02d", what, names[i], d.Year, int(d.Month), d.Day), Err: ErrRecordDay}
		}
	}
	return nil
}

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// calendarDay is zero or Valid, without Valid's time arithmetic: every
// record read checks every date.
func calendarDay(d Date) bool {
	if d == (Date{}) {
		return true
	}
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	n := monthDays[d.Month]
	if d.Month == time.February && d.Year%4 == 0 && (d.Year%100 != 0 || d.Year%400 == 0) {
		n = 29
	}
	return d.Day <= n
}

// storable refuses the dates and times the store could not read back,
// with the refusal the store's JSON gave (Date.MarshalJSON).
func storable(dates []Date, times []time.Time) error {
	for _, d := range dates {
		if !calendarDay(d) {
			return Errorf(EINVALID, "วันที่ %04d-%02d-%02d ไม่ถูกต้อง จึงบันทึกไม่ได้", "date %04d-%02d-%02d cannot be stored", d.Year, int(d.Month), d.Day)
		}
	}
	for _, t := range times {
		if !storableTime(t) {
			return Errorf(EINVALID, "เวลา %s อยู่นอกช่วงที่บันทึกได้ (นาฬิกาของเครื่องอาจผิด)", "time %s cannot be stored", t.Format(time.RFC3339))
		}
	}
	return nil
}

// storableTime refuses what time.MarshalJSON refuses, and the offsets
// MarshalBinary cannot write (between -1 and -2 minutes).
func storableTime(t time.Time) bool {
	if t == (time.Time{}) {
		return true
	}
	_, off := t.Zone()
	y := t.Year()
	return y >= 0 && y <= 9999 && off > -24*3600 && off < 24*3600 && off/60 != -1
}

// stamps refuses a record read whose time the encoding would not have
// written: it is damaged.
func stamps(what string, ts ...time.Time) error {
	for _, t := range ts {
		if !storableTime(t) {
			return Messages(EDAMAGED, "ข้อมูลเสียหาย อ่านไม่ได้", nil, "%s record: a time out of range", what)
		}
	}
	return nil
}
