package data

import (
	"errors"
	"fmt"
)

// Error codes. A code tells callers (CLI exit status, UI dialog kind) what
// happened; the messages tell people.
const (
	ECONFLICT = "conflict" // the change clashes with what is stored
	EINTERNAL = "internal" // a bug or a broken file: not the user's fault
	EINVALID  = "invalid"  // the input is wrong; the message says how
	ELOCKED   = "locked"   // the database is held by another program
	ENOTFOUND = "not_found"
	EWARNING  = "warning" // suspicious but acceptable when the clerk says so
	// EDAMAGED: a record in the file cannot be read (a damaged file, or one
	// written by a faulty version). Lists and walks that meet one go on
	// with the rest and return this with what they could read; repair
	// mends or sets aside what it names.
	EDAMAGED = "damaged"
)

// Error is an application error with a message for the clerk (Thai) and one
// for the log (English).
type Error struct {
	Code    string
	Message string // Thai, shown to the user
	English string // for logs
	Err     error  // underlying cause, if any
}

func (e *Error) Error() string {
	msg := e.English
	if msg == "" {
		msg = e.Message
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Messages builds an Error whose Thai and English messages take different
// arguments (the Thai one names things in the glossary's words).
func Messages(code, thai string, thaiArgs []any, english string, englishArgs ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(thai, thaiArgs...), English: fmt.Sprintf(english, englishArgs...)}
}

// Errorf builds an Error. thai is the user's message, english the log's.
func Errorf(code, thai, english string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(thai, args...), English: fmt.Sprintf(english, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors we did not make.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the Thai message for err; errors we did not make get a
// generic message, because their text means nothing to a clerk.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "เกิดข้อผิดพลาดภายในโปรแกรม กรุณาแจ้งผู้ดูแลพร้อมไฟล์บันทึก (log)"
}
