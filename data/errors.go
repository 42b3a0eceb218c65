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
	// EFILE: the system refused to read or write a file (disk full,
	// read-only, in use by another program, not there); the message says
	// which and what to do. Not a fault of the program.
	EFILE = "file"
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
// An error that blames the program (EINTERNAL, or none of ours) but was
// the system refusing a file (disk full, read-only…) is EFILE.
func ErrorCode(err error) string {
	return Explain(err).Code
}

// ErrorSentence is err as the clerk is told it, in Thai and in English.
func ErrorSentence(err error) Sentence {
	e := Explain(err)
	return Sentence{Thai: e.Message, English: e.English}
}

// Sentencef builds a Sentence whose Thai and English take the same
// arguments.
func Sentencef(thai, english string, args ...any) Sentence {
	return Sentence{Thai: fmt.Sprintf(thai, args...), English: fmt.Sprintf(english, args...)}
}

// ErrorMessage returns the Thai message for err. Errors we did not make
// get the cause the system gave (a full disk, a read-only folder), or a
// generic message when it gave none a clerk can act on, because their text
// means nothing to a clerk.
func ErrorMessage(err error) string {
	return Explain(err).Message
}

// Explain is err as the clerk is told it. A file operation the system
// refused is named by its cause (a full disk, a read-only folder, a file
// open in Excel) and what to do: our Error for it gets the cause added to
// its message (EFILE instead of EINTERNAL: it is not a fault of the
// program), an error we did not make becomes a FileError. Any other error
// we did not make is EINTERNAL with a generic message.
func Explain(err error) *Error {
	var e *Error
	if err == nil {
		return &Error{}
	} else if !errors.As(err, &e) {
		if se, ok := systemError(err); ok {
			return se
		}
		return &Error{Code: EINTERNAL, Message: "เกิดข้อผิดพลาดภายในโปรแกรม กรุณาแจ้งผู้ดูแลพร้อมไฟล์บันทึก (log)", English: err.Error(), Err: err}
	}
	cause := FileCauseOf(e.Err)
	if e.Code == EFILE || cause == CauseUnknown {
		return e
	}
	out := *e
	if out.Code == EINTERNAL {
		out.Code = EFILE
	}
	t := cause.Text()
	out.Message += " สาเหตุ: " + t.Thai
	if out.English != "" {
		out.English += ": " + t.English
	}
	return &out
}
