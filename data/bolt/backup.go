package bolt

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// Backup writes the database, as it was at one committed moment, to path
// while it stays open for other work: bbolt's read transaction sees one
// committed state, and its pages are copied as they are, byte for byte.
// Nothing is decoded, so a database holding a record that no longer reads
// can still be backed up (its repair needs that backup); a restore checks
// every record instead (Restore).
//
// The copy is checked, cheaply but for real: each MiB is summed (CRC-32C)
// as it is written, the file is synced, read back and summed again, and
// opened with bbolt (the meta pages, the transaction and the layout
// version must be the source's). The copy goes to a new file of its own
// beside path (data.CreateBeside: never a guessable path.tmp that a link
// could stand in for) and takes the name only once checked, so path is
// never a half-written backup. It is refused before writing when the disk
// has not room for it; a failure to write names its cause (a full disk,
// a read-only folder…).
// Beside it goes path.audit, the sealed end of the copy's audit log (see
// seal.go), when the log passes its check.
//
// progress, if not nil, is called with done and total bytes of work from
// time to time (about 200 times): the copy counts once written and once
// read back, so total is twice its size. When ctx is cancelled Backup
// stops, removes what it wrote and returns ctx's error.
func (s *Store) Backup(ctx context.Context, path string, progress func(done, total int64)) error {
	if abs, _ := filepath.Abs(path); abs == mustAbs(s.path) {
		return data.Errorf(data.EINVALID, "ไฟล์สำรองต้องไม่ใช่ไฟล์ฐานข้อมูลที่ใช้งานอยู่", "backup target is the live database")
	}
	removeStaleCopies(path, time.Hour)
	var src copyFacts
	var sums []uint32
	var rep *reporter
	tmp := ""
	v := s.verifier()
	var seal *anchor
	err := s.view(func(tx *bbolt.Tx) error {
		src = copyFacts{size: tx.Size(), txid: tx.ID()}
		src.version, _ = schemaVersion(tx)
		if err := roomFor(filepath.Dir(path), src.size); err != nil {
			return err
		}
		f, err := data.CreateBeside(path)
		if err != nil {
			return err
		}
		tmp = f.Name()
		rep = newReporter(2*src.size, progress)
		if sums, err = writeCopy(ctx, f, tx, rep); err == nil {
			seal = s.copyAnchor(tx, v)
		}
		return err
	})
	if err == nil {
		err = verifyCopy(ctx, tmp, src, sums, rep)
	}
	if err == nil {
		// An earlier backup's anchor must not stand beside this one.
		err = s.writeCopyAnchor(path, nil)
	}
	if err != nil {
		if tmp != "" {
			os.Remove(tmp)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var de *data.Error
		if errors.As(err, &de) {
			return err
		}
		return data.FileError(savingBackup, path, err)
	}
	if err := data.RenameInto(tmp, path); err != nil {
		return err
	}
	// The backup carries the end of its audit log beside it (PATH.audit).
	// Without it (the disk failed just now) the backup still restores; its
	// check says the end of its log cannot be confirmed.
	s.writeCopyAnchor(path, seal)
	// The backup is made: a cancel from now on does not undo it.
	return s.Log(context.WithoutCancel(ctx), "backup", "database", 0, filepath.Base(path))
}

// copyFacts is what the copy must show when opened: the source's size,
// transaction and layout version.
type copyFacts struct {
	size    int64
	version int
	txid    int
}

// sumBlock is the span of each checksum of a copy.
const sumBlock = 1 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// backupHeadroom is left free on the disk beyond the copy itself: the
// import that follows an automatic backup needs room too.
const backupHeadroom = 64 << 20

// freeSpace tells how many bytes the disk holding dir has free for this
// user, and whether it could tell. A variable for tests.
var freeSpace = diskFree

func roomFor(dir string, size int64) error {
	free, ok := freeSpace(dir)
	if !ok || free >= size+backupHeadroom {
		return nil
	}
	mb := func(b int64) string { return data.FormatNumber((b+1<<20-1)>>20) + " MB" }
	return data.Errorf(data.EINVALID,
		"พื้นที่ว่างในดิสก์ไม่พอสำหรับไฟล์สำรอง: ต้องใช้ประมาณ %s แต่ว่างอยู่ %s (โฟลเดอร์ %s) กรุณาลบหรือย้ายไฟล์ที่ไม่ใช้แล้ว เช่น ไฟล์สำรองเก่า แล้วลองใหม่",
		"not enough disk space for the backup: needs about %s, %s free in %s", mb(size+backupHeadroom), mb(free), dir)
}

// reporter calls progress when the work has moved by a 200th.
type reporter struct {
	done, total, next int64
	progress          func(done, total int64)
}

func newReporter(total int64, progress func(done, total int64)) *reporter {
	return &reporter{total: total, progress: progress}
}

func (r *reporter) add(n int64) {
	r.done += n
	if r.progress != nil && (r.done >= r.next || r.done == r.total) {
		r.progress(r.done, r.total)
		r.next = r.done + max(r.total/200, 1)
	}
}

// copyWriter writes the copy, summing each sumBlock as it goes and
// stopping when ctx is cancelled.
type copyWriter struct {
	ctx  context.Context
	f    *os.File
	off  int64
	crc  uint32
	sums []uint32
	rep  *reporter
}

func (w *copyWriter) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	for q := p; len(q) > 0; {
		n := min(len(q), int(sumBlock-w.off%sumBlock))
		w.crc = crc32.Update(w.crc, castagnoli, q[:n])
		w.off += int64(n)
		if w.off%sumBlock == 0 {
			w.sums = append(w.sums, w.crc)
			w.crc = 0
		}
		q = q[n:]
	}
	n, err := w.f.Write(p)
	w.rep.add(int64(n))
	return n, err
}

// ReadFrom copies the data pages (bbolt's WriteTo hands them over through
// io.Copy) in blocks of sumBlock instead of io.Copy's 32 KiB.
func (w *copyWriter) ReadFrom(r io.Reader) (int64, error) {
	buf := make([]byte, sumBlock)
	var total int64
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return total, nil
		} else if err != nil {
			return total, err
		}
	}
}

func (w *copyWriter) finish() []uint32 {
	if w.off%sumBlock != 0 {
		w.sums = append(w.sums, w.crc)
	}
	return w.sums
}

// savingBackup is what a failed backup was doing, for its message.
var savingBackup = data.FileAction{Thai: "เขียนไฟล์สำรอง", English: "write backup"}

// writeCopy writes tx's pages to f, syncs and closes it; it returns the
// sums of what it wrote.
func writeCopy(ctx context.Context, f *os.File, tx *bbolt.Tx, rep *reporter) ([]uint32, error) {
	w := &copyWriter{ctx: ctx, f: f, rep: rep}
	if _, err := tx.WriteTo(w); err != nil {
		f.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return w.finish(), f.Close()
}

// verifyCopy reads the copy at path back and compares it with the sums
// taken while writing, then opens it with bbolt.
func verifyCopy(ctx context.Context, path string, src copyFacts, sums []uint32, rep *reporter) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return err
	} else if fi.Size() != src.size {
		return badCopy(fmt.Sprintf("size %d, want %d", fi.Size(), src.size))
	}
	buf := make([]byte, sumBlock)
	for i := 0; ; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := io.ReadFull(f, buf)
		if n > 0 {
			if i >= len(sums) || crc32.Checksum(buf[:n], castagnoli) != sums[i] {
				return badCopy(fmt.Sprintf("bytes %d–%d read back differ from those written", int64(i)*sumBlock, int64(i)*sumBlock+int64(n)))
			}
			rep.add(int64(n))
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		} else if err != nil {
			return err
		}
	}
	f.Close()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: LockTimeout})
	if err != nil {
		return badCopy(err.Error())
	}
	defer db.Close()
	return protect(func() error {
		return db.View(func(tx *bbolt.Tx) error {
			v, _ := schemaVersion(tx)
			if tx.ID() != src.txid || tx.Size() != src.size || v != src.version {
				return badCopy(fmt.Sprintf("copy opens at transaction %d, %d bytes, layout %d; source %d, %d bytes, layout %d", tx.ID(), tx.Size(), v, src.txid, src.size, src.version))
			}
			return nil
		})
	}, badCopy)
}

func badCopy(why string) error {
	return data.Messages(data.EINVALID, "ไฟล์สำรองที่เขียนแล้วอ่านกลับมาไม่ตรงกับฐานข้อมูล จึงไม่ใช้ไฟล์นั้น (ดิสก์อาจมีปัญหา ลองสำรองไปที่ดิสก์อื่น)", nil, "backup copy failed its check: %s", why)
}

func mustAbs(p string) string {
	a, _ := filepath.Abs(p)
	return a
}

// writeCopyFile writes the pages of tx under a new name of its own
// beside path (data.CreateBeside), syncs it and only then gives it the
// name path, so that a copy cut short (a kill, a full disk) is never found
// under the name of a whole one, and nothing already lying under a
// guessable name is written through.
func writeCopyFile(path string, tx *bbolt.Tx) error {
	return data.WriteFileAtomic(path, 0o600, func(w io.Writer) error { _, err := tx.WriteTo(w); return err })
}

// checkFile opens a database file read-only and checks it.
func checkFile(path string) (data.CheckReport, error) {
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return data.CheckReport{}, err
	}
	defer s.Close()
	return s.Check(context.Background())
}

// Restore puts the backup at src in place of the database at dst. It
// checks the backup first, refuses while another program holds dst, and
// keeps the current file beside it as dst.before-restore-<time>, so a
// restore can itself be undone. It returns the name of that kept file.
//
// From before it lets go of the current file until the new one is in
// place and open, it holds dst's swap lock exclusively (swaplock.go), so
// no other program opens dst in between: an import started then waits
// and is refused as "open in another window", rather than writing into
// the file on its way out.
func Restore(ctx context.Context, src, dst string, now func() string) (kept string, err error) {
	if mustAbs(src) == mustAbs(dst) {
		return "", data.Errorf(data.EINVALID, "ไฟล์ %s คือฐานข้อมูลที่ใช้งานอยู่เอง จึงเรียกคืนทับตัวเองไม่ได้: เลือกไฟล์สำรอง (เช่นในโฟลเดอร์ backups ข้างฐานข้อมูล)", "restore source %s is the database itself", filepath.Base(src))
	}
	if fault, _ := inspectFile(src); fault != nil {
		return "", backupFault(src, fault)
	}
	rep, err := checkFile(src)
	if err != nil {
		return "", err
	}
	if !rep.OK() {
		return "", data.Errorf(data.EINVALID, "ไฟล์ %s ไม่ผ่านการตรวจสอบ จึงไม่นำมาใช้ (%s)", "restore source %s fails its check: %s", filepath.Base(src), strings.Join(rep.Problems, "; "))
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return "", &data.Error{Code: data.EINVALID, Message: fmt.Sprintf("สร้างโฟลเดอร์ของฐานข้อมูล %s ไม่ได้", filepath.Dir(dst)), English: "cannot create database folder", Err: err}
	}
	deadline := time.Now().Add(LockTimeout)
	lock, err := lockSwap(dst, true, deadline)
	if err != nil {
		return "", lockedError(dst, err)
	}
	defer lock.release()
	// Holding dst open first keeps out any program that opened it before
	// the swap lock was taken.
	if _, statErr := os.Stat(dst); statErr == nil {
		cur, err := openLocked(dst, Options{}, deadline)
		if err != nil {
			return "", err
		}
		kept = unusedName(dst + ".before-restore-" + now())
		if err := cur.db.View(func(tx *bbolt.Tx) error { return writeCopyFile(kept, tx) }); err != nil {
			cur.Close()
			return "", &data.Error{Code: data.EINVALID, Message: "เก็บสำเนาฐานข้อมูลปัจจุบันก่อนเรียกคืนไม่ได้ จึงยังไม่เรียกคืน", English: "cannot keep current database before restore", Err: err}
		}
		// Windows cannot rename over an open file: let go of it now (the
		// swap lock still keeps everyone out).
		cur.Close()
	}
	in, err := Open(src, Options{ReadOnly: true})
	if err != nil {
		return kept, err
	}
	// The new file is written whole under a name of its own beside dst
	// (data.CreateBeside), then takes dst's name.
	tmp := ""
	err = in.db.View(func(tx *bbolt.Tx) error {
		f, err := data.CreateBeside(dst)
		if err != nil {
			return err
		}
		tmp = f.Name()
		_, err = tx.WriteTo(f)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
	in.Close()
	if err == nil {
		// The anchors of the file being replaced would call the restored
		// log cut off; its first entry below ("restore") anchors it anew.
		err = newSealer(Options{}).dropAnchors(dst)
	}
	if err == nil {
		err = data.RenameInto(tmp, dst)
		tmp = ""
	}
	if err != nil {
		if tmp != "" {
			os.Remove(tmp)
		}
		return kept, &data.Error{Code: data.EINVALID, Message: "เรียกคืนข้อมูลไม่สำเร็จ ฐานข้อมูลเดิมยังอยู่ครบ", English: "restore failed", Err: err}
	}
	restored, err := openLocked(dst, Options{}, time.Now().Add(LockTimeout))
	if err != nil {
		return kept, err
	}
	defer restored.Close()
	return kept, restored.Log(ctx, "restore", "database", 0, filepath.Base(src))
}

// unusedName is name, or name-2, name-3 … if a file of that name exists:
// two restores in the same second must not keep their copies under one
// name (the second would overwrite the first, and with it what was
// imported in between). Restore calls it under the swap lock, so no other
// qmdesk takes the name meanwhile.
func unusedName(name string) string {
	for i, n := 2, name; ; i++ {
		if _, err := os.Lstat(n); errors.Is(err, fs.ErrNotExist) {
			return n
		}
		n = fmt.Sprintf("%s-%d", name, i)
	}
}

// removeStaleCopies deletes what a backup to path that was killed left
// beside it: its own temporary files (data.CreateBeside names), untouched
// for longer than age. A backup still being written touches its file all
// the time, so it is never taken for one.
func removeStaleCopies(path string, age time.Duration) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(n, "."+base+"-") || !strings.HasSuffix(n, ".tmp") {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > age {
			os.Remove(filepath.Join(dir, n))
		}
	}
}
