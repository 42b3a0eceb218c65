package bolt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// Damaged files. bbolt reads its pages through a memory map and trusts
// them: a page number, a count or a length that a disk changed makes it
// panic (an index out of range, a failed assertion) or read outside the
// file, which is a fault that kills the program unless the goroutine asked
// for faults to be panics (debug.SetPanicOnFault). So every transaction
// of the store runs through view or update, which ask for that and turn
// the panic into an error, and a damaged file is refused or reported in
// Thai, never a crash. bbolt's View and Update close (roll back) their
// transaction in a deferred function, which runs before the panic reaches
// guard: a write cut short by a panic leaves nothing behind, and the
// database is free for the next transaction (TestPanicInAWriteRollsBack).
//
// A panic is not always a damaged file: it may be a fault of the program.
// guard tells them apart by walking the file's pages as committed
// (checkPages, which cannot fault): a damaged page makes the store
// refuse every write from then on (writing into a damaged tree spreads
// the damage); a sound file makes the panic a program fault (EINTERNAL,
// with the stack for the log).
//
// What is not covered: bbolt's cursor trusts a page's type and its page
// numbers as it goes down the tree, and a page number changed into that of
// a page above it in its own tree (or a page whose type was wiped: its
// first element leads, through the meta page, to page 4096, the page size
// read as a page number, which may be such a page) sends a cursor round
// that loop until memory runs out.
// Only a walk of every page finds that before a cursor meets it; Check,
// Repair and Restore do that walk first (0.25 s for a 370 MB file,
// measured), but at every open it would read the whole file at each
// start of the program. The flip test (flip_test.go), thousands of damaged
// files, has not met it.

// restoreAdvice is what a clerk does about a file whose pages are
// damaged: repair mends records, not pages.
const restoreAdvice = "กรุณาเรียกคืนจากไฟล์สำรองล่าสุดด้วยคำสั่ง qmdesk restore ตามด้วยชื่อไฟล์สำรอง (โปรแกรมสำรองไว้ให้อัตโนมัติก่อนนำเข้าทุกครั้ง ในโฟลเดอร์ backups ข้างไฟล์ฐานข้อมูล) ไฟล์ที่เสียหายจะถูกเก็บไว้ข้าง ๆ ไม่ถูกลบ"

// view runs a read transaction, guarded.
func (s *Store) view(fn func(tx *bbolt.Tx) error) error {
	return s.guard(func() error { return s.db.View(fn) })
}

// update runs a write transaction, guarded; it is refused once a damaged
// page has been found.
func (s *Store) update(fn func(tx *bbolt.Tx) error) error {
	if err := s.damagedPages(); err != nil {
		return err
	}
	return s.guard(func() error { return s.db.Update(fn) })
}

// guard runs run with faults on this goroutine's memory turned into
// panics, and any panic, its own or one a goroutine of the transaction
// passed back (guardGoroutine), into an error.
func (s *Store) guard(run func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = s.afterPanic(r, debug.Stack())
		}
	}()
	return s.judge(run())
}

// protect runs fn over a bbolt handle that is not the store's (a backup's
// copy being verified), guarded like the store's transactions: a panic or
// a fault is the error fail makes of it.
func protect(fn func() error, fail func(why string) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fail(fmt.Sprint("reading it failed: ", r))
		}
	}()
	return fn()
}

// guardGoroutine is guard's half for a goroutine a transaction starts
// (Walk's): it turns faults into panics on that goroutine and the panic
// into *errp. Use: defer guardGoroutine(&err)() at the goroutine's top.
func guardGoroutine(errp *error) func() {
	old := debug.SetPanicOnFault(true)
	return func() {
		if r := recover(); r != nil {
			*errp = &recovered{value: r, stack: debug.Stack()}
		}
		debug.SetPanicOnFault(old)
	}
}

// recovered carries a panic of another goroutine to the transaction's
// own, where s.afterPanic judges it.
type recovered struct {
	value any
	stack []byte
}

func (r *recovered) Error() string { return fmt.Sprint("panic: ", r.value) }

// judge turns an error that carries a recovered panic into the store's
// error for it; other errors pass unchanged.
func (s *Store) judge(err error) error {
	var r *recovered
	if errors.As(err, &r) {
		return s.afterPanic(r.value, r.stack)
	}
	return err
}

// afterPanic judges a recovered panic: a damaged page, or a fault of the
// program.
func (s *Store) afterPanic(r any, stack []byte) error {
	finding, err := s.pageFinding()
	if err != nil {
		finding = err.Error()
	}
	if finding == "" {
		// Sound pages, but a bucket gone (its name damaged): every
		// transaction that uses it fails on nil.
		s.db.View(func(tx *bbolt.Tx) error {
			if b := missingBucket(tx); b != nil {
				finding = fmt.Sprintf("bucket %s is missing", b)
			}
			return nil
		})
	}
	if finding == "" {
		return &data.Error{Code: data.EINTERNAL,
			Message: "เกิดข้อผิดพลาดภายในโปรแกรม (ตรวจแล้วไฟล์ฐานข้อมูลไม่เสียหาย) สิ่งที่กำลังทำไม่สำเร็จและไม่มีอะไรถูกบันทึกลงไฟล์ กรุณาแจ้งผู้ดูแลพร้อมไฟล์บันทึก (log)",
			English: fmt.Sprintf("panic in a transaction on a sound file: %v\n%s", r, stack)}
	}
	de := &data.Error{Code: data.EDAMAGED,
		Message: fmt.Sprintf("ไฟล์ฐานข้อมูล %s เสียหาย: บางหน้าในไฟล์อ่านไม่ได้ (โปรแกรมจะไม่บันทึกอะไรลงไฟล์นี้อีก) %s", filepath.Base(s.path), restoreAdvice),
		English: fmt.Sprintf("damaged database file: %s (%v)", finding, r)}
	s.mu.Lock()
	if s.damaged == nil {
		s.damaged = de
	}
	s.mu.Unlock()
	return de
}

func (s *Store) damagedPages() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.damaged == nil {
		return nil
	}
	return s.damaged
}

// pageFinding walks the pages of the state a new read transaction sees
// (it pins them while the walk reads the file) and returns the first
// damaged page, or "". (A damaged meta page is no cause of a panic: bbolt
// reads the other.)
func (s *Store) pageFinding() (string, error) {
	tx, err := s.db.Begin(false)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	_, pageFinding, err := s.checkFile(uint64(tx.ID()))
	return pageFinding, err
}

// checkFile walks the file's pages as transaction txid sees them, read
// from the file itself; the caller holds a transaction at txid, so that
// no page of it is reused meanwhile. metaFinding says a meta page is
// damaged (bbolt then works from the other, and a commit writes it anew;
// but bbolt's own check asserts both pages' headers, so it must not run);
// pageFinding is the first damaged page (only a backup mends that).
func (s *Store) checkFile(txid uint64) (metaFinding, pageFinding string, err error) {
	f, err := os.Open(s.path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", "", err
	}
	metas, errs, _ := fileMetas(f, fi.Size())
	// Which page holds which transaction depends on how the file was
	// written (a copy has the newest at page 0): look for it.
	at := -1
	for i := range metas {
		if errs[i] == nil && metas[i].txid == txid {
			at = i
		}
	}
	switch {
	case at < 0 && (errs[0] != nil || errs[1] != nil):
		return "", fmt.Sprintf("the meta page of transaction %d, which the open database reads, is damaged now (%v; %v)", txid, errs[0], errs[1]), nil
	case at < 0:
		return "", "", errors.New("the file was written while it was being checked: check it again")
	case errs[1-at] != nil:
		metaFinding = fmt.Sprintf("meta page %d is damaged (%v): bbolt works from the other copy, of transaction %d; if the damaged one was newer, the last change saved is missing", 1-at, errs[1-at], txid)
	}
	ps := int64(metas[at].pageSize)
	for i := range int64(2) {
		head := make([]byte, pageHeaderSize)
		f.ReadAt(head, i*ps)
		if id, flags := native.Uint64(head), native.Uint16(head[8:]); metaFinding == "" && (id != uint64(i) || flags != flagMeta) {
			metaFinding = fmt.Sprintf("meta page %d: its header says page %d of type %#x", i, id, flags)
		}
	}
	return metaFinding, checkPages(f, fi.Size(), metas[at]), nil
}

// reason says, in Thai, what is wrong with the file.
func (f *fileFault) reason() string {
	switch {
	case f.empty:
		return "ไฟล์ว่างเปล่า (0 ไบต์)"
	case f.foreign && (f.kind == "xlsx" || f.kind == "xls"):
		return "เป็นไฟล์ Excel ไม่ใช่ฐานข้อมูล qmdesk"
	case f.foreign:
		return "ไม่ใช่ฐานข้อมูล qmdesk"
	}
	return f.thai
}

// backupFault is the clerk's message for a backup inspectFile refused.
func backupFault(path string, f *fileFault) error {
	return &data.Error{Code: data.EINVALID, English: fmt.Sprintf("restore source %s: %s", path, f.english), Message: fmt.Sprintf(
		"ใช้ไฟล์ %s เรียกคืนไม่ได้ เพราะ%s ฐานข้อมูลปัจจุบันยังอยู่ครบไม่เปลี่ยนแปลง กรุณาเลือกไฟล์สำรองอื่น (ไฟล์สำรองอัตโนมัติอยู่ในโฟลเดอร์ backups ข้างไฟล์ฐานข้อมูล)",
		filepath.Base(path), f.reason())}
}

// faultError is the clerk's message for a file inspectFile refused.
func faultError(path string, f *fileFault) error {
	name := filepath.Base(path)
	english := fmt.Sprintf("cannot open database %s: %s", path, f.english)
	switch {
	case f.empty:
		return &data.Error{Code: data.EDAMAGED, English: english, Message: fmt.Sprintf(
			"ไฟล์ฐานข้อมูล %s ว่างเปล่า (0 ไบต์) จึงไม่เปิด: ถ้าเคยมีข้อมูลอยู่ %s ถ้าเพิ่งเริ่มใช้โปรแกรมและยังไม่มีข้อมูล ให้ลบไฟล์นี้แล้วเปิดโปรแกรมใหม่", name, restoreAdvice)}
	case f.foreign && (f.kind == "xlsx" || f.kind == "xls"):
		return &data.Error{Code: data.EINVALID, English: english, Message: fmt.Sprintf(
			"ไฟล์ %s เป็นไฟล์ Excel ไม่ใช่ฐานข้อมูล qmdesk: ไฟล์ Excel ของอำเภอให้นำเข้าด้วยเมนูนำเข้าข้อมูลหรือคำสั่ง qmdesk import ส่วนฐานข้อมูลคือไฟล์ .db ที่โปรแกรมสร้าง", name)}
	case f.foreign:
		return &data.Error{Code: data.EINVALID, English: english, Message: fmt.Sprintf(
			"ไฟล์ %s ไม่ใช่ฐานข้อมูล qmdesk กรุณาตรวจสอบว่าเลือกไฟล์ถูก (ฐานข้อมูลคือไฟล์ .db ที่โปรแกรม qmdesk สร้าง)", name)}
	}
	return &data.Error{Code: data.EDAMAGED, English: english, Message: fmt.Sprintf(
		"ไฟล์ฐานข้อมูล %s เปิดไม่ได้ เพราะ%s %s", name, f.thai, restoreAdvice)}
}
