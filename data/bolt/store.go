package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	bbolt "go.etcd.io/bbolt"
	bberrors "go.etcd.io/bbolt/errors"

	"qmdesk/data"
)

// LockTimeout is how long Open waits for a database another program holds.
// bbolt would wait forever without it.
const LockTimeout = 1500 * time.Millisecond

// Store is the bbolt implementation of data.Store.
type Store struct {
	db   *bbolt.DB
	path string
	seal *sealer // the audit log's key and anchors

	mu      sync.Mutex
	damaged *data.Error // set once a damaged page is found: writes are refused

	// building: the store is the temporary file Create builds (CopyIn
	// writes only into one).
	building bool

	// Clock stamps records with the real time and tells the register's
	// day; the zero Clock is the real one. Tests and training set it.
	Clock data.Clock
}

var _ data.Store = (*Store)(nil)

// Options for Open.
type Options struct {
	ReadOnly bool
	// NoSync skips fsync; only for benchmarks and demo loading into a
	// throwaway file.
	NoSync bool
	// Clock is the program's clock (zero: the real one).
	Clock data.Clock
	// AuditKeyDir is the folder of the key that seals the audit log and
	// of its anchors (empty: the package's AuditKeyDir).
	AuditKeyDir string
	// Upgrading, when set, is told before a file of an older layout is
	// upgraded, once the file as it was has been copied (Upgrade.Copy),
	// so that the clerk hears what the wait is and where the copy is.
	Upgrading func(Upgrade)
}

// Open opens (creating if needed) the database at path. It fails within
// LockTimeout with an ELOCKED error if another program holds the file.
//
// A reader never sees what a crash left half written (an import or a load
// cut short between its transactions, a layout upgrade cut short) nor an
// older layout: a read-only open that finds one lets a writer's open mend
// the file first (it rolls back what was cut short, or upgrades), then
// reads; if the file cannot be written now, it refuses and says why.
//
// An existing file that is empty, not a database, cut short or damaged
// where bbolt would read it first is refused (inspectFile) with a message
// that says what to do; only a missing file is made new.
func Open(path string, opt Options) (*Store, error) {
	s, err := openOnce(path, opt)
	var nw *needsWriter
	if !errors.As(err, &nw) {
		return s, err
	}
	rw, err := openOnce(path, Options{NoSync: opt.NoSync, Clock: opt.Clock, AuditKeyDir: opt.AuditKeyDir, Upgrading: opt.Upgrading})
	if err != nil {
		return nil, nw.refusal(path, err)
	}
	rw.Close()
	if s, err = openOnce(path, opt); errors.As(err, &nw) {
		// Written again in between, by a program that stopped half way too.
		return nil, nw.refusal(path, &data.Error{Code: data.ELOCKED})
	}
	return s, err
}

// openOnce opens the database under its swap lock (swaplock.go), which it
// lets go of once bbolt holds the file.
func openOnce(path string, opt Options) (*Store, error) {
	deadline := time.Now().Add(LockTimeout)
	if !opt.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, &data.Error{Code: data.EINVALID, Message: fmt.Sprintf("สร้างโฟลเดอร์ของฐานข้อมูล %s ไม่ได้", filepath.Dir(path)), English: "cannot create database folder", Err: err}
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, &data.Error{Code: data.ENOTFOUND, Message: fmt.Sprintf("ไม่พบไฟล์ฐานข้อมูล %s", path), English: "database file not found", Err: err}
	}
	lock, err := lockSwap(path, !opt.ReadOnly, deadline)
	if err != nil {
		return nil, lockedError(path, err)
	}
	defer lock.release()
	s, err := openLocked(path, opt, deadline)
	if err == nil && !opt.ReadOnly {
		// No other program has the file open now (bbolt's lock is
		// exclusive): what a killed restore left beside it is garbage.
		removeLeftovers(path)
	}
	return s, err
}

// removeLeftovers deletes the temporary files a restore of path writes
// beside it (data.CreateBeside names: the new file, and the copy of the
// old one it keeps) when a kill stopped it before their rename.
func removeLeftovers(path string) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasSuffix(n, ".tmp") &&
			(strings.HasPrefix(n, "."+base+"-") || strings.HasPrefix(n, "."+base+".before-restore-")) {
			os.Remove(filepath.Join(dir, n))
		}
	}
}

func lockedError(path string, err error) error {
	return &data.Error{Code: data.ELOCKED, Message: "ฐานข้อมูลนี้กำลังถูกใช้โดยโปรแกรม qmdesk อีกตัวหนึ่ง (หน้าต่างโปรแกรมอีกหน้าต่าง หรือคำสั่งที่ยังทำงานไม่เสร็จ เช่น การนำเข้า การสำรองข้อมูล หรือการปรับรุ่นไฟล์): กรุณาปิดหน้าต่างนั้นหรือรอให้คำสั่งนั้นเสร็จ แล้วลองใหม่", English: "database is locked by another process: " + path, Err: err}
}

// openLocked opens the database while its caller holds the swap lock,
// waiting for bbolt's lock on the file until deadline at most.
func openLocked(path string, opt Options, deadline time.Time) (*Store, error) {
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, os.ErrNotExist) && !opt.ReadOnly
	fault, staleMeta := inspectFile(path)
	if fault != nil {
		return nil, faultError(path, fault)
	}
	db, err := openBolt(path, opt, time.Until(deadline))
	if err == nil && !opt.ReadOnly {
		db, err = trimUnusedTail(db, path, func() (*bbolt.DB, error) { return openBolt(path, opt, LockTimeout) })
	}
	if errors.Is(err, bberrors.ErrTimeout) {
		return nil, lockedError(path, err)
	} else if err != nil && data.FileCauseOf(err) == data.CauseNoPermission && !opt.ReadOnly {
		return nil, readOnlyDatabase(path, err)
	} else if err != nil && data.FileCauseOf(err) != data.CauseUnknown {
		// The system refused the file (a full disk, a drive pulled out):
		// the file itself may be sound, so never "damaged".
		return nil, data.FileError(data.ReadingFile, path, err)
	} else if errors.Is(err, errOpenPanicked) {
		return nil, &data.Error{Code: data.EDAMAGED, Message: fmt.Sprintf("ไฟล์ฐานข้อมูล %s เสียหาย เปิดไม่ได้ %s", filepath.Base(path), restoreAdvice), English: "cannot open database " + path, Err: err}
	} else if err != nil {
		return nil, &data.Error{Code: data.EINVALID, Message: fmt.Sprintf("เปิดไฟล์ %s ไม่ได้: ไม่ใช่ฐานข้อมูล qmdesk หรือไฟล์เสียหาย", filepath.Base(path)), English: "cannot open database " + path, Err: err}
	}
	s := &Store{db: db, path: path, Clock: opt.Clock, seal: newSealer(opt)}
	if created {
		// Anchors left by a file that was here before are not this one's.
		s.seal.dropAnchors(path)
	} else if !opt.ReadOnly {
		// Guarded: it reads the audit log, which may sit on a damaged
		// page. If it could not, the anchors are held as they are.
		if protect(func() error { s.seal.openForWriting(db, path); return nil }, func(string) error { return errOpenPanicked }) != nil {
			s.seal.held = true
		}
	}
	if !opt.ReadOnly {
		// Upgrade the layout, then roll back any import or load that a
		// crash left half written, before anything reads.
		if err := s.view(refuseForeign); err != nil {
			db.Close()
			return nil, err
		}
		// Before an upgrade rewrites the file, the file as it was is
		// copied whole into backups beside it; without the copy (no room
		// on the disk) the file is not upgraded, and stays as it was.
		from, err := s.pendingUpgrade()
		if err != nil {
			db.Close()
			return nil, err
		}
		var u Upgrade
		if from > 0 {
			u = Upgrade{From: from, To: SchemaVersion}
			if u.Copy, err = s.keepBeforeUpgrade(from); err != nil {
				db.Close()
				return nil, upgradeRefused(path, from, err)
			}
			if opt.Upgrading != nil {
				opt.Upgrading(u)
			}
		}
		if err := s.upgrade(); err != nil {
			db.Close()
			return nil, err
		}
		if err := s.view(checkVersion); err != nil {
			db.Close()
			return nil, err
		}
		if err := s.update(s.recoverImports); err != nil {
			db.Close()
			if data.ErrorCode(err) == data.EDAMAGED {
				return nil, err
			}
			return nil, &data.Error{Code: data.EINTERNAL, Message: "ยกเลิกการนำเข้าที่ค้างอยู่ไม่สำเร็จ กรุณาเรียกคืนจากไฟล์สำรอง", English: "rolling back an interrupted import failed", Err: err}
		}
		if err := s.rollbackLoad(); err != nil {
			db.Close()
			if data.ErrorCode(err) == data.EDAMAGED {
				return nil, err
			}
			return nil, &data.Error{Code: data.EINTERNAL, Message: "ยกเลิกการใส่ข้อมูลที่ค้างอยู่ไม่สำเร็จ กรุณาเรียกคืนจากไฟล์สำรอง", English: "rolling back an interrupted load failed", Err: err}
		}
		if staleMeta != "" {
			// bbolt has opened the file at its other meta page, and the
			// commits above made that the file's state: a damaged copy of
			// the newest would have lost the last change. Say so where it
			// stays (check no longer sees it).
			if err := s.Log(data.WithOperator(context.Background(), "qmdesk"), "recover", "database", 0, staleMeta); err != nil {
				db.Close()
				return nil, err
			}
		}
	} else if err := s.view(checkVersion); err != nil {
		db.Close()
		return nil, err
	} else if nw, err := s.unfinishedWrite(); nw != nil || err != nil {
		db.Close()
		if err != nil {
			return nil, err
		}
		return nil, nw
	}
	return s, nil
}

// refuseForeign refuses a bbolt file made by another program: one that
// holds buckets but not ours. (A bbolt file with no bucket at all is a
// database whose first layout never committed: it is set up.)
func refuseForeign(tx *bbolt.Tx) error {
	if k, _ := tx.Cursor().First(); k != nil && tx.Bucket(bucketMeta) == nil {
		return data.Errorf(data.EINVALID, "ไฟล์นี้ไม่ใช่ฐานข้อมูล qmdesk (เป็นฐานข้อมูลของโปรแกรมอื่น) กรุณาตรวจสอบว่าเลือกไฟล์ถูก", "a bbolt file without qmdesk's buckets")
	}
	return nil
}

// upgrade brings the layout to SchemaVersion: the upgrades that fit one
// transaction in one (migrate), then each chunked one in its own
// transactions, and so on until the file is current; last, the rewrite of
// the records that the upgrade from 8 marked (recode.go), which goes on
// from its mark after a kill.
func (s *Store) upgrade() error {
	for {
		if err := s.update(s.migrate); err != nil {
			return err
		}
		var v int
		var unfinished bool
		if err := s.view(func(tx *bbolt.Tx) (err error) {
			v, err = schemaVersion(tx)
			unfinished = recoding(tx)
			return err
		}); err != nil {
			return err
		}
		if v >= SchemaVersion {
			if unfinished { // the records of schema 8 not all rewritten yet
				return s.recode()
			}
			return nil
		}
		step := chunkedMigrations[v]
		if step == nil {
			return fmt.Errorf("no upgrade from schema %d", v)
		}
		if err := step(s); err != nil {
			return err
		}
	}
}

// readOnlyDatabase is the refusal of a database that can be read but not
// written: a read-only file, folder or share, or one this user may not
// write. Its data are sound, so it says so, lest the clerk restore a
// backup over it.
func readOnlyDatabase(path string, err error) error {
	return &data.Error{Code: data.EFILE, Message: fmt.Sprintf("ไฟล์ฐานข้อมูล %s เขียนไม่ได้: ไฟล์หรือโฟลเดอร์ตั้งเป็นอ่านอย่างเดียว อยู่บนแผ่นดิสก์หรือโฟลเดอร์ที่ใช้ร่วมกันที่เขียนไม่ได้ หรือบัญชีผู้ใช้นี้ไม่มีสิทธิ์เขียน "+
		"ข้อมูลในไฟล์ไม่ได้เสียหาย ไม่ต้องเรียกคืนจากไฟล์สำรอง: เอาเครื่องหมาย 'อ่านอย่างเดียว' (Read-only) ออกในคุณสมบัติ (Properties) ของไฟล์ หรือคัดลอกไฟล์ไปไว้ในโฟลเดอร์ที่เขียนได้แล้วเปิดจากที่นั่น "+
		"(ระหว่างนี้ดูตัวเลขได้ด้วยคำสั่งที่อ่านอย่างเดียว เช่น qmdesk summary)", path),
		English: "database " + path + " is read-only", Err: err}
}

// needsWriter is what a read-only open found that a writer must mend
// before anything is read: thai says what, for the clerk.
type needsWriter struct{ thai, english string }

func (e *needsWriter) Error() string { return e.english }

// unfinishedWrite tells what in the file a writer must mend before it is
// read, or nil: an older layout (or an upgrade cut short, which keeps the
// older version number until its end, or the upgrade from 8 cut short,
// whose mark says so at any version), an import or a load cut short.
func (s *Store) unfinishedWrite() (nw *needsWriter, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		if v, _ := schemaVersion(tx); v < SchemaVersion || recoding(tx) {
			english := fmt.Sprintf("schema %d needs upgrading", v)
			if recoding(tx) {
				english = fmt.Sprintf("the upgrade from schema 8 was cut short (at schema %d)", v)
			}
			nw = &needsWriter{"ไฟล์นี้ยังเป็นรูปแบบของ qmdesk รุ่นก่อน ต้องปรับเป็นรูปแบบของรุ่นนี้ก่อนจึงจะอ่านได้", english}
			return nil
		}
		if imports := tx.Bucket(bucketImports); imports != nil {
			imports.ForEach(func(k, v []byte) error {
				var r data.ImportRecord
				if json.Unmarshal(v, &r) == nil && r.Committing {
					nw = &needsWriter{fmt.Sprintf("การนำเข้าไฟล์ %s ค้างไม่เสร็จ (โปรแกรมถูกปิดระหว่างบันทึก) ต้องยกเลิกส่วนที่บันทึกไปแล้วก่อนจึงจะอ่านได้ตัวเลขที่ถูกต้อง", r.File),
						fmt.Sprintf("import %d (%s) was interrupted", r.ID, r.File)}
				}
				return nil
			})
		}
		if nw == nil && tx.Bucket(bucketMeta).Get(keyUnfinishedLoad) != nil {
			nw = &needsWriter{"การใส่ข้อมูลครัวเรือนชุดใหญ่ (ข้อมูลตัวอย่าง) ค้างไม่เสร็จ (โปรแกรมถูกปิดระหว่างบันทึก) ต้องยกเลิกส่วนที่ใส่ไปแล้วก่อนจึงจะอ่านได้ตัวเลขที่ถูกต้อง", "a load was interrupted"}
		}
		return nil
	})
	return nw, err
}

// refusal is the error of a read-only open whose file a writer could not
// mend: cause is why the writer's open failed.
func (e *needsWriter) refusal(path string, cause error) error {
	name := filepath.Base(path)
	switch {
	case data.ErrorCode(cause) == data.ELOCKED:
		return &data.Error{Code: data.ELOCKED, Message: fmt.Sprintf("ยังอ่านฐานข้อมูล %s ไม่ได้: %s แต่ขณะนี้ไฟล์กำลังถูกใช้โดยโปรแกรม qmdesk อีกตัวหนึ่ง (หน้าต่างโปรแกรมอีกหน้าต่าง หรือคำสั่งที่ยังทำงานไม่เสร็จ): กรุณาปิดหน้าต่างนั้นหรือรอให้คำสั่งนั้นเสร็จ แล้วลองใหม่", name, e.thai),
			English: fmt.Sprintf("%s: %s, and the file is held by another process", path, e.english), Err: cause}
	case errors.Is(cause, fs.ErrPermission) || errors.Is(cause, syscall.EROFS):
		return &data.Error{Code: data.EINVALID, Message: fmt.Sprintf("ยังอ่านฐานข้อมูล %s ไม่ได้: %s แต่โปรแกรมเขียนไฟล์นี้ไม่ได้ (ไฟล์หรือโฟลเดอร์เป็นแบบอ่านอย่างเดียว หรือไม่มีสิทธิ์เขียน) กรุณาคัดลอกไฟล์ไปไว้ในโฟลเดอร์ที่เขียนได้ แล้วเปิดจากที่นั่น", name, e.thai),
			English: fmt.Sprintf("%s: %s, and the file cannot be written", path, e.english), Err: cause}
	}
	return cause
}

// errOpenPanicked: bbolt panicked or faulted opening the file.
var errOpenPanicked = errors.New("bbolt panicked opening the file")

// openBolt opens the file with bbolt, guarded like every transaction
// (guard.go): bbolt reads the meta pages and, to write, the free list. If
// it panics, the file it opened is closed, which lets go of its lock.
func openBolt(path string, opt Options, wait time.Duration) (db *bbolt.DB, err error) {
	size := int64(0)
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	}
	var file *os.File
	openFile := func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if file != nil {
				file.Close()
			}
			db, err = nil, fmt.Errorf("%w: %v", errOpenPanicked, r)
		}
	}()
	// bbolt waits forever on a zero Timeout; a tiny one tries once.
	return bbolt.Open(path, 0o600, &bbolt.Options{Timeout: max(wait, time.Nanosecond), ReadOnly: opt.ReadOnly, NoSync: opt.NoSync, InitialMmapSize: initialMmapSize(runtime.GOOS, size), OpenFile: openFile})
}

// initialMmapSize reserves room for the file to grow into. Each time a
// write transaction outgrows the map, bbolt copies every node it has
// touched to the heap before remapping: an import of 100,000 rows did that
// with 3 GB. On Linux and macOS the reservation is address space only.
// On Windows bbolt extends the file to the size it maps, so a reservation
// that follows the file's size doubles the file at every start (64 MiB →
// 8 TiB in 17 starts, measured under Wine): there the map is left to
// bbolt, which maps the file as it is and grows it by doubling (1 GiB steps
// past 1 GiB) only when the data needs it. The import writes in
// transactions of 5,000 records, so what a remap copies stays small.
func initialMmapSize(goos string, fileSize int64) int {
	if goos == "windows" {
		return 0
	}
	return int(max(2*fileSize, 1<<30))
}

// oversized tells whether a file is much larger than the data bbolt uses
// in it (its high-water mark): a file that an earlier version grew at each
// start on Windows. bbolt's own growth stays below it: at most twice the
// data on Windows, the data plus 16 MiB elsewhere.
func oversized(fileSize, used int64) bool {
	return used > 0 && fileSize > 2*used+64<<20
}

// trimUnusedTail gives back the unused tail of an oversized file. Pages
// past bbolt's high-water mark are referenced by nothing (a backup copies
// only the pages below it), so the file is cut there, never below. The
// store must be closed for that (Windows cannot shorten a mapped file):
// the caller holds the swap lock exclusively from before the close until
// the reopen, so no other qmdesk opens the file in between; the cut is
// also made under bbolt's own lock on the file, and only if the meta
// pages are still those read while bbolt held the file, that is, if
// nothing was committed in between. Whatever goes wrong, the database is
// reopened as it is.
func trimUnusedTail(db *bbolt.DB, path string, reopen func() (*bbolt.DB, error)) (*bbolt.DB, error) {
	var used int64
	if err := db.View(func(tx *bbolt.Tx) error { used = tx.Size(); return nil }); err != nil {
		return db, nil
	}
	fi, err := os.Stat(path)
	if err != nil || !oversized(fi.Size(), used) {
		return db, nil
	}
	metaSize := 2 * db.Info().PageSize
	meta, err := readHead(path, metaSize)
	if err != nil {
		return db, nil
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	cutFile(path, used, meta)
	return reopen()
}

func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, n)
	_, err = f.ReadAt(b, 0)
	return b, err
}

// cutFile truncates path to used bytes if its head is still meta and no
// other program holds it.
func cutFile(path string, used int64, meta []byte) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if lockFile(f) != nil {
		return false
	}
	defer unlockFile(f)
	now := make([]byte, len(meta))
	if _, err := f.ReadAt(now, 0); err != nil || !bytes.Equal(now, meta) {
		return false
	}
	if fi, err := f.Stat(); err != nil || fi.Size() <= used {
		return false
	}
	if f.Truncate(used) != nil {
		return false
	}
	return f.Sync() == nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// migrations[i] upgrades a file from schema version i to i+1. Version 0 is
// an empty file.
var migrations = []func(tx *bbolt.Tx) error{
	func(tx *bbolt.Tx) error { // 0 → 1: the register
		for _, b := range allBuckets[:11] {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return putJSON(tx, bucketSubProblems, keySubProblems, data.SubProblemList(data.DefaultSubProblems()))
	},
	func(tx *bbolt.Tx) error { // 1 → 2: the import ledger and review list
		for _, b := range allBuckets[11:16] {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	},
	nil,             // 2 → 3: Store.migrateHistory, in chunks of its own
	nil,             // 3 → 4: Store.migrateSums, in chunks of its own
	countReXRay,     // 4 → 5: the Re-X-Ray counters
	countNewCases,   // 5 → 6: the new cases (newcases.go)
	countUnits,      // 6 → 7: the households' municipalities and their counters
	countSolvedDays, // 7 → 8: the days problems were solved, apart from closed
	nil,             // 8 → 9: Store.migrateRecords, its records rewritten in chunks once at SchemaVersion (recode.go)
	nil,             // 9 → 10: Store.migrateRefs, one transaction of its own (schema10_refs.go)
	nil,             // 10 → 11: Store.migrateBlockSums, one transaction of its own (schema11_sums.go)
	nil,             // 11 → 12: Store.migratePostings, one transaction of its own (schema12_pidx.go)
}

// countReXRay counts every problem's Re-X-Ray result ('X' counters). It
// reads every record but writes only the counters (a few per tambon and
// category), so one transaction holds a large province too.
func countReXRay(tx *bbolt.Tx) error {
	tambons := map[uint64]string{}
	if err := tx.Bucket(bucketHouseholds).ForEach(func(k, v []byte) error {
		var h data.Household
		if err := decodeHousehold(v, &h); err != nil {
			return corrupt(bucketHouseholds, k, err)
		}
		tambons[h.ID] = h.TambonCode
		return nil
	}); err != nil {
		return err
	}
	d := counterDelta{}
	if err := tx.Bucket(bucketProblems).ForEach(func(k, v []byte) error {
		var p data.Problem
		if err := decodeProblem(v, &p); err != nil {
			return corrupt(bucketProblems, k, err)
		}
		if t, ok := tambons[p.HouseholdID]; ok {
			if key := reXRayKey(&p, t); key != nil {
				d[string(key)]++
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return d.flush(tx)
}

// chunkedMigrations are the upgrades that write in transactions of their
// own (a nil entry of migrations), by the version they upgrade from.
var chunkedMigrations = map[int]func(s *Store) error{2: (*Store).migrateHistory, 3: (*Store).migrateSums, 8: (*Store).migrateRecords, 9: (*Store).migrateRefs, 10: (*Store).migrateBlockSums, 11: (*Store).migratePostings}

// migrateHistory gives every problem its FoundOn (new problems: the day
// they were recorded) and, when it is no longer open, its ResolvedOn (the
// date of the last action that moved it out of the open statuses, else the
// day it was last changed), and counts them. It runs in transactions of
// historyChunkSize problems, so that a province of a million problems upgrades
// without holding them all: the counters are first cleared, and the file
// stays at version 2 until the last chunk, so an upgrade cut short starts
// again from the beginning and counts nothing twice (dates already filled
// are kept).
func (s *Store) migrateHistory() error {
	tambons := map[uint64]string{}
	err := s.update(func(tx *bbolt.Tx) error {
		if err := tx.Bucket(bucketHouseholds).ForEach(func(k, v []byte) error {
			var h data.Household
			if err := decodeHousehold(v, &h); err != nil {
				return corrupt(bucketHouseholds, k, err)
			}
			tambons[h.ID] = h.TambonCode
			return nil
		}); err != nil {
			return err
		}
		var stale [][]byte
		c := tx.Bucket(bucketCounters).Cursor()
		for _, kind := range []byte{'A', 'R'} {
			for k, _ := c.Seek([]byte{kind}); k != nil && k[0] == kind; k, _ = c.Next() {
				stale = append(stale, append([]byte(nil), k...))
			}
		}
		for _, k := range stale {
			if err := tx.Bucket(bucketCounters).Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	for after := uint64(0); err == nil; {
		var done bool
		err = s.update(func(tx *bbolt.Tx) error {
			var last uint64
			last, done, err = historyChunk(tx, tambons, after)
			after = last
			return err
		})
		if done {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("migrating schema 2 → 3: %w", err)
	}
	return s.update(func(tx *bbolt.Tx) error { return put(tx, bucketMeta, keySchemaVersion, itob(3)) })
}

// historyChunkSize is how many problems one upgrade transaction rewrites
// (a variable so that tests cross its boundary).
var historyChunkSize = 20_000

// historyChunk is the schema-3 upgrade of the problems after ID after, up
// to historyChunkSize of them; done is true when none are left.
func historyChunk(tx *bbolt.Tx, tambons map[uint64]string, after uint64) (last uint64, done bool, err error) {
	var changed []data.Problem
	d := counterDelta{}
	actions := tx.Bucket(bucketActions).Cursor()
	c := tx.Bucket(bucketProblems).Cursor()
	for k, v := c.Seek(itob(after + 1)); k != nil; k, v = c.Next() {
		if len(changed) == historyChunkSize {
			break
		}
		var p data.Problem
		if err := decodeProblem(v, &p); err != nil {
			return 0, false, corrupt(bucketProblems, k, err)
		}
		if p.SurveyYear != 2565 && p.FoundOn.IsZero() {
			p.FoundOn = data.DateOf(p.CreatedAt)
		}
		if !p.Status.Open() && p.ResolvedOn.IsZero() {
			p.ResolvedOn = data.DateOf(p.UpdatedAt)
			pre := itob(p.ID)
			for ak, av := actions.Seek(pre); ak != nil && hasPrefix(ak, pre); ak, av = actions.Next() {
				var a data.Action
				if decodeAction(av, &a) == nil && a.Result != 0 && !a.Result.Open() && !a.Date.IsZero() {
					p.ResolvedOn = a.Date
				}
			}
		}
		for _, hk := range historyKeys(&p, tambons[p.HouseholdID]) {
			d[string(hk)]++
		}
		changed = append(changed, p)
	}
	if len(changed) == 0 {
		return after, true, nil
	}
	for i := range changed {
		if err := writeProblem(tx, &changed[i]); err != nil {
			return 0, false, err
		}
	}
	return changed[len(changed)-1].ID, false, d.flush(tx)
}

func (s *Store) today() data.Date { return s.Clock.Today() }

func (s *Store) migrate(tx *bbolt.Tx) error {
	v, err := schemaVersion(tx)
	if err != nil {
		return err
	}
	for ; v < SchemaVersion; v++ {
		if migrations[v] == nil {
			return nil // a chunked upgrade: Open runs it next
		}
		if err := migrations[v](tx); err != nil {
			return fmt.Errorf("migrating schema %d → %d: %w", v, v+1, err)
		}
		if err := put(tx, bucketMeta, keySchemaVersion, itob(uint64(v+1))); err != nil {
			return err
		}
	}
	return nil
}

// checkVersion refuses a file that is not a qmdesk database, or is of a
// newer program, or of this layout but without one of its buckets (the
// program would fail on it at every step).
func checkVersion(tx *bbolt.Tx) error {
	v, err := schemaVersion(tx)
	if err == nil && v == 0 {
		return data.Errorf(data.EINVALID, "ไฟล์นี้ไม่ใช่ฐานข้อมูล qmdesk", "not a qmdesk database")
	}
	if b := missingBucket(tx); err == nil && v == SchemaVersion && b != nil {
		return data.Messages(data.EDAMAGED, "ไฟล์ฐานข้อมูลเสียหาย: ข้อมูลส่วน %s หายไปทั้งส่วน %s", []any{b, restoreAdvice}, "bucket %s is missing", b)
	}
	return err
}

// missingBucket is the first bucket of the layout the file has not got.
// The sums are not among them: without them every read and write works
// (put skips them), Check says they are gone, and Repair writes them anew.
func missingBucket(tx *bbolt.Tx) []byte {
	for _, b := range allBuckets {
		if tx.Bucket(b) == nil && !bytes.Equal(b, bucketSums) {
			return b
		}
	}
	return nil
}

func schemaVersion(tx *bbolt.Tx) (int, error) {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0, nil
	}
	v := int(btoi(b.Get(keySchemaVersion)))
	if v > SchemaVersion {
		return v, data.Errorf(data.EINVALID, "ฐานข้อมูลนี้สร้างด้วย qmdesk รุ่นใหม่กว่า (โครงสร้างรุ่น %d ส่วนโปรแกรมนี้รู้จักถึงรุ่น %d) กรุณาปรับปรุงโปรแกรมก่อนเปิด", "database schema %d is newer than this program's %d", v, SchemaVersion)
	}
	return v, nil
}

// Meta returns the database's description.
func (s *Store) Meta(ctx context.Context) (m data.Meta, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		_, err := getJSON(tx, bucketMeta, keyMeta, &m)
		m.SchemaVersion, _ = schemaVersion(tx)
		return err
	})
	return m, err
}

// Init sets the province of a new database and creates the default round.
// It refuses a database that already belongs to a province.
func (s *Store) Init(ctx context.Context, province string, round data.Round) (data.Meta, error) {
	var m data.Meta
	err := s.update(func(tx *bbolt.Tx) error {
		if found, err := getJSON(tx, bucketMeta, keyMeta, &m); err != nil {
			return err
		} else if found && m.Province != "" {
			return data.Errorf(data.ECONFLICT, "ฐานข้อมูลนี้เป็นของจังหวัดรหัส %s อยู่แล้ว", "database already set up for province %s", m.Province)
		}
		if err := data.CheckProvinceCode(province); err != nil {
			return err
		}
		if err := round.Validate(s.today()); err != nil {
			return err
		}
		if err := s.createRound(ctx, tx, &round); err != nil {
			return err
		}
		m = data.Meta{Province: province, SchemaVersion: SchemaVersion, DefaultRound: round.ID, CreatedAt: s.Clock.Now().UTC()}
		if err := putJSON(tx, bucketMeta, keyMeta, m); err != nil {
			return err
		}
		return s.audit(ctx, tx, "create", "database", 0, nil, m, "")
	})
	return m, err
}

// Rounds returns every round, oldest first.
func (s *Store) Rounds(ctx context.Context) (rounds []data.Round, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketRounds).ForEach(func(k, v []byte) error {
			var r data.Round
			if err := json.Unmarshal(v, &r); err != nil {
				return corrupt(bucketRounds, k, err)
			}
			rounds = append(rounds, r)
			return nil
		})
	})
	return rounds, err
}

// Round returns one round.
func (s *Store) Round(ctx context.Context, id uint64) (r data.Round, err error) {
	err = s.view(func(tx *bbolt.Tx) error { return getRound(tx, id, &r) })
	return r, err
}

func getRound(tx *bbolt.Tx, id uint64, r *data.Round) error {
	if found, err := getJSON(tx, bucketRounds, itob(id), r); err != nil {
		return err
	} else if !found {
		return data.Errorf(data.ENOTFOUND, "ไม่พบรอบที่ %d", "round %d not found", id)
	}
	return nil
}

// CreateRound adds a round; old rounds stay as they are.
func (s *Store) CreateRound(ctx context.Context, r *data.Round) error {
	r.Name = data.CleanText(r.Name)
	if err := r.Validate(s.today()); err != nil {
		return err
	}
	return s.update(func(tx *bbolt.Tx) error { return s.createRound(ctx, tx, r) })
}

func (s *Store) createRound(ctx context.Context, tx *bbolt.Tx, r *data.Round) error {
	b := tx.Bucket(bucketRounds)
	dup := b.ForEach(func(k, v []byte) error {
		var o data.Round
		if json.Unmarshal(v, &o) == nil && o.Name == r.Name {
			return data.Errorf(data.ECONFLICT, "มีรอบชื่อ '%s' อยู่แล้ว กรุณาตั้งชื่ออื่น", "a round named %q exists", r.Name)
		}
		return nil
	})
	if dup != nil {
		return dup
	}
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	r.ID = id
	if err := putJSON(tx, bucketRounds, itob(id), r); err != nil {
		return err
	}
	return s.audit(ctx, tx, "create", "round", id, nil, r, "")
}

// SetCurrentRound makes round id the one the dashboard opens on and
// imports go into.
func (s *Store) SetCurrentRound(ctx context.Context, id uint64) error {
	return s.update(func(tx *bbolt.Tx) error { return s.setCurrentRound(ctx, tx, id) })
}

func (s *Store) setCurrentRound(ctx context.Context, tx *bbolt.Tx, id uint64) error {
	var r data.Round
	if err := getRound(tx, id, &r); err != nil {
		return err
	}
	var m data.Meta
	if _, err := getJSON(tx, bucketMeta, keyMeta, &m); err != nil {
		return err
	}
	before := m
	m.DefaultRound = id
	if err := putJSON(tx, bucketMeta, keyMeta, m); err != nil {
		return err
	}
	return s.audit(ctx, tx, "update", "database", 0, before, m, "current round: "+r.Name)
}

// SubProblems returns the editable sub-problem list.
func (s *Store) SubProblems(ctx context.Context) (l data.SubProblemList, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		_, err := getJSON(tx, bucketSubProblems, keySubProblems, &l)
		return err
	})
	return l, err
}

// SetSubProblems replaces the sub-problem list. A change of an entry's
// urgent or sensitive flag reaches the problems of that sub-problem in the
// current round, with their counters, in the same transaction (earlier
// rounds keep the figures they ended with); the audit entry says how many.
func (s *Store) SetSubProblems(ctx context.Context, l data.SubProblemList) error {
	for i := range l {
		l[i].Name = data.CleanText(l[i].Name)
		if err := l[i].Validate(); err != nil {
			return err
		}
	}
	return s.update(func(tx *bbolt.Tx) error {
		var before data.SubProblemList
		if _, err := getJSON(tx, bucketSubProblems, keySubProblems, &before); err != nil {
			return err
		}
		if err := putJSON(tx, bucketSubProblems, keySubProblems, l); err != nil {
			return err
		}
		n, err := s.reflag(ctx, tx, before, l)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, "update", "subproblems", 0, before, l, fmt.Sprintf("flags changed on %d problems of the current round", n))
	})
}

// reflag gives the current round's problems the urgent and sensitive
// flags of their entry in the new list, where those changed.
func (s *Store) reflag(ctx context.Context, tx *bbolt.Tx, before, after data.SubProblemList) (int, error) {
	var changed data.SubProblemList
	categories := map[data.Category]bool{}
	for _, e := range after {
		if old, ok := before.Find(e.Category, e.Name); ok && old.Urgent == e.Urgent && old.Sensitive == e.Sensitive {
			continue
		}
		changed = append(changed, e)
		categories[e.Category] = true
	}
	if len(changed) == 0 {
		return 0, nil
	}
	round := defaultRound(tx)
	d := counterDelta{}
	n := 0
	tambons, origins := map[uint64]string{}, map[uint64]data.Origin{}
	for c := range categories {
		ids := slices.Collect(indexIDs(tx.Bucket(bucketPIdx).Cursor(), key(byte('C'), round, byte(c)), nil))
		for _, id := range ids {
			var p data.Problem
			if err := getProblem(tx, id, &p); err != nil {
				return n, err
			}
			entry, ok := changed.Find(p.Category, p.SubProblem)
			if !ok || p.CarriedTo != 0 || (p.Urgent == entry.Urgent && p.Sensitive == entry.Sensitive) {
				continue
			}
			tambon, known := tambons[p.HouseholdID]
			if !known {
				var h data.Household
				if err := getHousehold(tx, p.HouseholdID, &h); err != nil {
					return n, err
				}
				tambon, tambons[p.HouseholdID], origins[p.HouseholdID] = areaOf(&h), areaOf(&h), h.Origin
			}
			old := p
			p.Urgent, p.Sensitive = entry.Urgent, entry.Sensitive
			p.UpdatedAt, p.ChangedOn, p.ChangedBy = data.StampAfter(s.Clock.Now().UTC(), old.UpdatedAt), s.today(), data.OperatorFrom(ctx)
			if err := writeProblem(tx, &p); err != nil {
				return n, err
			}
			if err := replaceKeys(tx.Bucket(bucketPIdx), problemIndexKeys(&old, tambon), problemIndexKeys(&p, tambon)); err != nil {
				return n, err
			}
			if err := d.addProblemOf(tx, &old, origins[p.HouseholdID], tambon, -1); err != nil {
				return n, err
			}
			if err := d.addProblemOf(tx, &p, origins[p.HouseholdID], tambon, +1); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, d.flush(tx)
}

func getJSON(tx *bbolt.Tx, bucket, k []byte, v any) (bool, error) {
	buf := tx.Bucket(bucket).Get(k)
	if buf == nil {
		return false, nil
	}
	if err := json.Unmarshal(buf, v); err != nil {
		return true, corrupt(bucket, k, err)
	}
	return true, nil
}
