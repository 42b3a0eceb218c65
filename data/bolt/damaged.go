package bolt

import (
	"fmt"
	"strings"

	"qmdesk/data"
)

// recordName names a record by its bucket and key, in Thai for the clerk
// and in English for the log: "ปัญหาเลขที่ 12", "problem 12".
func recordName(bucket, k []byte) (thai, english string) {
	id := btoi(k)
	switch string(bucket) {
	case string(bucketHouseholds):
		return fmt.Sprintf("ครัวเรือนเลขที่ %d", id), fmt.Sprintf("household %d", id)
	case string(bucketProblems):
		return fmt.Sprintf("ปัญหาเลขที่ %d", id), fmt.Sprintf("problem %d", id)
	case string(bucketActions):
		if len(k) == 16 {
			return fmt.Sprintf("การช่วยเหลือเลขที่ %d ของปัญหาเลขที่ %d", idAtEnd(k), id), fmt.Sprintf("action %d of problem %d", idAtEnd(k), id)
		}
	case string(bucketRounds):
		return fmt.Sprintf("รอบที่ %d", id), fmt.Sprintf("round %d", id)
	case string(bucketImports):
		return fmt.Sprintf("ประวัติการนำเข้าครั้งที่ %d", id), fmt.Sprintf("import %d", id)
	case string(bucketReviews):
		return fmt.Sprintf("รายการรอตรวจสอบเลขที่ %d", id), fmt.Sprintf("review %d", id)
	case string(bucketAudit):
		return fmt.Sprintf("บันทึกการแก้ไขลำดับที่ %d", id), fmt.Sprintf("audit entry %d", id)
	case string(bucketImportUndo), string(bucketImportRows):
		return fmt.Sprintf("ข้อมูลการนำเข้าครั้งที่ %d", id), fmt.Sprintf("%s of import %d", bucket, id)
	}
	return fmt.Sprintf("ข้อมูล %s", bucket), fmt.Sprintf("%s %q", bucket, k)
}

// bucketThai names what a bucket holds, in Thai.
var bucketThai = map[string]string{
	string(bucketRounds): "รอบ", string(bucketHouseholds): "ครัวเรือน", string(bucketProblems): "ปัญหา",
	string(bucketActions): "การช่วยเหลือ", string(bucketAudit): "บันทึกการแก้ไข", string(bucketImports): "ประวัติการนำเข้า",
	string(bucketReviews): "รายการรอตรวจสอบ", string(bucketQuarantine): "ข้อมูลที่แยกเก็บ",
}

// repairAdvice is what a clerk does about a record that cannot be read.
var repairAdvice = "ใช้เมนู " + data.WordFile.Thai + " → ตรวจสอบและซ่อมแซมฐานข้อมูล (หรือคำสั่ง qmdesk repair): โปรแกรมจะสำรองไฟล์ไว้ก่อนซ่อม"

// corrupt is the error for a record that cannot be read.
func corrupt(bucket, k []byte, err error) error {
	thai, english := recordName(bucket, k)
	return &data.Error{Code: data.EDAMAGED, Message: thai + " ในฐานข้อมูลอ่านไม่ได้: " + repairAdvice, English: english + " cannot be read", Err: err}
}

// damage gathers the records a walk or a list could not read while it
// went on with the others.
type damage struct {
	thai, english []string
}

func (d *damage) add(bucket, k []byte, err error) {
	thai, english := recordName(bucket, k)
	d.thai = append(d.thai, thai)
	if err != nil {
		english += ": " + err.Error()
	}
	d.english = append(d.english, english)
}

// err returns nil when everything was read, else one EDAMAGED error that
// names the records (the first few) and says what to do.
func (d *damage) err() error {
	if len(d.thai) == 0 {
		return nil
	}
	names := d.thai
	if len(names) > 3 {
		names = append(append([]string{}, names[:3]...), fmt.Sprintf("และอีก %d รายการ", len(d.thai)-3))
	}
	return &data.Error{Code: data.EDAMAGED,
		Message: fmt.Sprintf("ข้อมูล %d รายการในฐานข้อมูลอ่านไม่ได้ (%s) ส่วนอื่นใช้งานได้ตามปกติ: %s", len(d.thai), strings.Join(names, ", "), repairAdvice),
		English: fmt.Sprintf("%d records cannot be read: %s", len(d.english), strings.Join(d.english, "; "))}
}
