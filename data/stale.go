package data

import (
	"errors"
	"time"
)

// Stale is what a store tells of a record that changed after the caller
// read it, when it refuses a change based on that read (UpdateHousehold
// and UpdateProblem with an UpdatedAt that is no longer the stored one,
// AddAction with a Seen that is not the problem's UpdatedAt): who made the
// change that is stored, when, and, when an import made it, from which
// workbook. A window shows the current values with it and asks the clerk
// to make her change again; nothing of hers was stored.
type Stale struct {
	Entity    string    // "household" or "problem"
	ID        uint64    // the record's ID
	ChangedBy string    // the record's ChangedBy: who changed it last (who ran the import, for one)
	ChangedAt time.Time // the record's UpdatedAt as stored now
	Workbook  string    // the file of the import that changed it last, "" when a clerk did
}

func (s *Stale) Error() string {
	return s.Entity + " changed since it was read"
}

// StaleError is a store's refusal of a change based on an old read: an
// ECONFLICT whose Thai message says which record, who changed it and when
// (from which workbook, for an import), and that the clerk should look at
// the current values and make her change again. It wraps s (StaleOf).
func StaleError(s Stale) *Error {
	what, whatEnglish := "ครัวเรือน", "household"
	if s.Entity == "problem" {
		what, whatEnglish = "ปัญหา", "problem"
	}
	by := s.ChangedBy
	if by == "" {
		by = "ไม่ระบุผู้ใช้"
	}
	var e *Error
	if s.Workbook != "" {
		e = Messages(ECONFLICT, "ยังไม่ได้บันทึก: %sเลขที่ %d ถูกแก้ไขหลังจากที่คุณเปิดดู (นำเข้าจาก '%s' โดย %s เมื่อ %s) กรุณาดูค่าปัจจุบันแล้วบันทึกการแก้ไขของคุณอีกครั้ง", []any{what, s.ID, s.Workbook, by, FormatStamp(s.ChangedAt)},
			"not saved: %s %d changed after it was read (imported from '%s' by '%s' on %s); look at the current values and make the change again", whatEnglish, s.ID, s.Workbook, by, FormatStampEnglish(s.ChangedAt))
	} else {
		e = Messages(ECONFLICT, "ยังไม่ได้บันทึก: %sเลขที่ %d ถูกแก้ไขหลังจากที่คุณเปิดดู (แก้ไขโดย %s เมื่อ %s) กรุณาดูค่าปัจจุบันแล้วบันทึกการแก้ไขของคุณอีกครั้ง", []any{what, s.ID, by, FormatStamp(s.ChangedAt)},
			"not saved: %s %d changed after it was read (by '%s' on %s); look at the current values and make the change again", whatEnglish, s.ID, by, FormatStampEnglish(s.ChangedAt))
	}
	e.Err = &s
	return e
}

// StaleOf returns what a refusal of a change based on an old read tells
// (StaleError), if err is one.
func StaleOf(err error) (*Stale, bool) {
	var s *Stale
	if errors.As(err, &s) {
		return s, true
	}
	return nil, false
}

// FormatStamp writes a time stamp for the clerk, in Thailand's time:
// "1 ธ.ค. 2569 10:15 น.", "-" for none.
func FormatStamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return FormatBE(DateOf(t)) + " " + t.In(ThaiTime).Format("15:04") + " น."
}

// FormatStampEnglish is FormatStamp in English: "2026-12-01 10:15".
func FormatStampEnglish(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return DateOf(t).String() + " " + t.In(ThaiTime).Format("15:04")
}

// StampAfter is the UpdatedAt of a change made now of a record last
// changed at last: now, or 1µs after last when the clock has not moved
// past it (a clock that ticks coarser than two changes come, or one set
// back). A microsecond, not a nanosecond: the finest step a PostgreSQL
// timestamp keeps, so both stores stamp the same changes alike.
func StampAfter(now, last time.Time) time.Time {
	if now.After(last) {
		return now
	}
	return last.Add(time.Microsecond)
}
