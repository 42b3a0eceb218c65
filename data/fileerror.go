package data

import (
	"errors"
	"io/fs"
	"syscall"
)

// FileCause is why the system refused to read or write a file, in terms a
// clerk can act on. FileCauseOf tells it from the system's error number,
// the same way on every system qmdesk runs on.
type FileCause int

const (
	CauseUnknown  FileCause = iota
	CauseDiskFull           // no space left (or the user's quota is used up)
	// CauseNoPermission: the file, its folder or its disk is read-only, or
	// this user has no right to it.
	CauseNoPermission
	CauseInUse    // another program holds the file (Windows: Excel does)
	CauseNotFound // the file, a folder on its path or its drive is not there
	CauseTooLarge // the disk's format takes no file so large (FAT32: 4 GB)
	// CauseDevice: the disk, flash drive or network share stopped
	// answering (pulled out, disconnected, failing).
	CauseDevice
	CauseNameTooLong
	CauseBadName  // characters Windows does not allow in a name
	CauseIsFolder // a folder where a file was meant
)

// causeTexts are each cause's sentence: what is wrong and what to do.
var causeTexts = map[FileCause]Sentence{
	CauseDiskFull: {"พื้นที่ในดิสก์เต็ม กรุณาลบหรือย้ายไฟล์ที่ไม่ใช้แล้วออกจากดิสก์นั้น (เช่น ไฟล์สำรองเก่าในโฟลเดอร์ backups) หรือเลือกดิสก์อื่น แล้วลองใหม่",
		"the disk is full"},
	CauseNoPermission: {"ไฟล์ โฟลเดอร์ หรือดิสก์นี้เป็นแบบอ่านอย่างเดียว หรือบัญชีผู้ใช้นี้ไม่มีสิทธิ์: เลือกโฟลเดอร์ที่เขียนได้ (เช่น Documents) หรือให้ผู้ดูแลเครื่องเปิดสิทธิ์ให้ แล้วลองใหม่",
		"read-only or permission denied"},
	CauseInUse: {"ไฟล์นี้เปิดอยู่ในโปรแกรมอื่น (เช่น Excel): ปิดไฟล์ในโปรแกรมนั้นแล้วลองใหม่ หรือบันทึกเป็นชื่ออื่น",
		"the file is in use by another program"},
	CauseNotFound: {"ไม่พบไฟล์หรือโฟลเดอร์นี้: ตรวจชื่อและที่อยู่ หรือเสียบแฟลชไดรฟ์/เชื่อมต่อโฟลเดอร์ที่ใช้ร่วมกันอีกครั้ง แล้วลองใหม่",
		"not found"},
	CauseTooLarge: {"ไฟล์ใหญ่เกินกว่าที่ดิสก์นี้รับได้ (แฟลชไดรฟ์แบบ FAT32 รับไฟล์ได้ไม่เกิน 4 GB): เลือกดิสก์อื่น หรือฟอร์แมตแฟลชไดรฟ์เป็น exFAT หรือ NTFS",
		"file too large for the disk's format"},
	CauseDevice: {"ดิสก์ แฟลชไดรฟ์ หรือโฟลเดอร์ที่ใช้ร่วมกันในเครือข่ายไม่ตอบสนอง (อาจถูกถอดออกหรือขาดการเชื่อมต่อ): ตรวจการเชื่อมต่อแล้วลองใหม่",
		"the device or network share stopped answering"},
	CauseNameTooLong: {"ชื่อไฟล์หรือที่อยู่ยาวเกินไป: ใช้ชื่อที่สั้นลง หรือบันทึกในโฟลเดอร์ที่อยู่ใกล้ต้นไดรฟ์ เช่น D:\\qmdesk",
		"name too long"},
	CauseBadName: {"ชื่อไฟล์มีอักขระที่ใช้ไม่ได้ (\\ / : * ? \" < > |): เปลี่ยนชื่อแล้วลองใหม่",
		"invalid file name"},
	CauseIsFolder: {"ชื่อนี้เป็นโฟลเดอร์ ไม่ใช่ไฟล์: เลือกหรือพิมพ์ชื่อไฟล์",
		"is a folder"},
}

// Sentence is a message in Thai for the clerk and in English for the log
// and for a window in English.
type Sentence struct{ Thai, English string }

// Text is the cause's sentence: for the clerk what is wrong and what to
// do, for the log what is wrong. The unknown cause has none.
func (c FileCause) Text() Sentence { return causeTexts[c] }

// FileCauseOf tells why the system refused a file operation; CauseUnknown
// for an error that does not carry a system error number it knows.
func FileCauseOf(err error) FileCause {
	if err == nil {
		return CauseUnknown
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if c := systemCause(errno); c != CauseUnknown {
			return c
		}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return CauseNotFound
	case errors.Is(err, fs.ErrPermission):
		return CauseNoPermission
	}
	return CauseUnknown
}

// FileAction is what qmdesk was doing with a file, for a message.
type FileAction Sentence

var (
	ReadingFile    = FileAction{"เปิดไฟล์", "open"}
	SavingFile     = FileAction{"บันทึกไฟล์", "write"}
	CreatingFolder = FileAction{"สร้างโฟลเดอร์", "create folder"}
)

// FileError is the Error for a file operation the system refused: what
// failed, on which path, why in the clerk's words and what to do. A cause
// qmdesk cannot tell still says what failed and that the clerk may try
// another folder; the system's own words go to the log.
func FileError(doing FileAction, path string, err error) *Error {
	return fileError(doing, path, FileCauseOf(err), err)
}

func fileError(doing FileAction, path string, cause FileCause, err error) *Error {
	where := ""
	if path != "" {
		where = " " + path
	}
	t := cause.Text()
	if t.Thai == "" {
		t = Sentence{"ระบบปฏิเสธโดยไม่บอกสาเหตุที่โปรแกรมรู้จัก ลองใหม่อีกครั้งหรือเลือกโฟลเดอร์อื่น ถ้ายังไม่ได้ กรุณาแจ้งผู้ดูแลระบบพร้อมรายละเอียดข้อผิดพลาด", "refused"}
	}
	return &Error{Code: EFILE, Message: doing.Thai + where + " ไม่ได้: " + t.Thai, English: "cannot " + doing.English + where + ": " + t.English, Err: err}
}

// FileInUseError is the Error for replacing a file that a rename was
// refused on although its folder took a new file: on Windows that is a
// file another program holds (Excel denies access to the one it has open)
// or one marked read-only.
func FileInUseError(path string, err error) *Error {
	e := fileError(SavingFile, path, CauseInUse, err)
	e.Message = SavingFile.Thai + " " + path + " ไม่ได้: ไฟล์เดิมชื่อนี้เปิดอยู่ในโปรแกรมอื่น (เช่น Excel) หรือตั้งเป็นอ่านอย่างเดียว: ปิดไฟล์นั้นแล้วลองใหม่ หรือบันทึกเป็นชื่ออื่น"
	return e
}

// systemError is the Error for a failure of a file operation that reached
// the clerk without a message of its own (a raw error from the system or
// a library), if the system's error number says what it was.
func systemError(err error) (*Error, bool) {
	c := FileCauseOf(err)
	if c == CauseUnknown {
		return nil, false
	}
	var pe *fs.PathError
	path := ""
	if errors.As(err, &pe) {
		path = pe.Path
	}
	return fileError(FileAction{"อ่านหรือเขียนไฟล์", "read or write"}, path, c, err), true
}
