package data

import "unicode/utf8"

// The longest text each field may hold, in characters (as a Go string
// counts them: a Thai vowel or tone mark is one). What a field means leaves
// room to spare: the longest Thai personal names are well under 50
// characters, a phone field may hold two numbers, a detail a few
// paragraphs.
// Beyond that the text was pasted into the wrong cell, or the file was
// made to fill the database, and the row is refused with the reason.
const (
	MaxTitle       = 40
	MaxName        = 100 // first or last name
	MaxPhone       = 50  // two or three numbers with an extension
	MaxHouseNo     = 40
	MaxVillageName = 100
	MaxSubProblem  = 200
	MaxDetail      = 2000 // a problem's detail, what was done
	MaxAgency      = 200
	MaxNote        = 1000 // a note, the reason a problem was closed
)

// CheckLength refuses text longer than most characters, naming the field
// (in Thai, or as a workbook's header names it) in the message; the
// English quotes it.
func CheckLength(field, text string, most int) error {
	if len(text) <= most { // checked before the field's names are made
		return nil
	}
	return CheckLengthOf(Term{Thai: field, English: "'" + field + "'"}, text, most)
}

// CheckLengthOf is CheckLength with the field named in Thai and in
// English.
func CheckLengthOf(field Term, text string, most int) error {
	if len(text) <= most { // a character takes at least one byte
		return nil
	}
	if n := utf8.RuneCountInString(text); n > most {
		return Messages(EINVALID, "%s ยาว %s ตัวอักษร เกินที่รับได้ (%s ตัวอักษร): กรุณาย่อให้สั้นลง หรือตรวจว่าไม่ได้วางข้อความผิดช่อง",
			[]any{field.Thai, FormatNumber(int64(n)), FormatNumber(int64(most))},
			"%s is %s characters long, more than the %s it may have: shorten it, or check that the text was not pasted into the wrong cell", field.English, FormatNumber(int64(n)), FormatNumber(int64(most)))
	}
	return nil
}

// checkLengths checks each field of a record against its limit, in order.
func checkLengths(fields ...lengthCheck) error {
	for _, f := range fields {
		if err := CheckLength(f.name, f.text, f.most); err != nil {
			return err
		}
	}
	return nil
}

type lengthCheck struct {
	name, text string
	most       int
}
