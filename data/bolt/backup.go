package bolt

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"

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
// version must be the source's). The copy goes to path.tmp and takes the
// name only once checked, so path is never a half-written backup. It is
// refused before writing when the disk has not room for it.
//
// progress, if not nil, is called with done and total bytes of work from
// time to time (about 200 times): the copy counts once written and once
// read back, so total is twice its size. When ctx is cancelled Backup
// stops, removes what it wrote and returns ctx's error.
func (s *Store) Backup(ctx context.Context, path string, progress func(done, total int64)) error {
	if abs, _ := filepath.Abs(path); abs == mustAbs(s.path) {
		return data.Errorf(data.EINVALID, "ไฟล์สำรองต้องไม่ใช่ไฟล์ฐานข้อมูลที่ใช้งานอยู่", "backup target is the live database")
	}
	tmp := path + ".tmp"
	var src copyFacts
	var sums []uint32
	var rep *reporter
	err := s.view(func(tx *bbolt.Tx) error {
		src = copyFacts{size: tx.Size(), txid: tx.ID()}
		src.version, _ = schemaVersion(tx)
		if err := roomFor(filepath.Dir(path), src.size); err != nil {
			return err
		}
		rep = newReporter(2*src.size, progress)
		var err error
		sums, err = writeCopy(ctx, tmp, tx, rep)
		return err
	})
	if err == nil {
		err = verifyCopy(ctx, tmp, src, sums, rep)
	}
	if err == nil {
		err = os.Rename(tmp, path)
		if err != nil {
			err = &data.Error{Code: data.EINVALID, Message: fmt.Sprintf("บันทึกไฟล์สำรอง %s ไม่ได้", path), English: "backup rename failed", Err: err}
		}
	}
	if err != nil {
		os.Remove(tmp)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var de *data.Error
		if errors.As(err, &de) {
			return err
		}
		return &data.Error{Code: data.EINVALID, Message: fmt.Sprintf("เขียนไฟล์สำรอง %s ไม่ได้ (พื้นที่เต็มหรือไม่มีสิทธิ์เขียน?)", path), English: "backup write failed", Err: err}
	}
	syncDir(filepath.Dir(path))
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

// writeCopy writes tx's pages to path and syncs it; it returns the sums
// of what it wrote.
func writeCopy(ctx context.Context, path string, tx *bbolt.Tx, rep *reporter) ([]uint32, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
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
	return data.Errorf(data.EINVALID, "ไฟล์สำรองที่เขียนแล้วอ่านกลับมาไม่ตรงกับฐานข้อมูล จึงไม่ใช้ไฟล์นั้น (ดิสก์อาจมีปัญหา ลองสำรองไปที่ดิสก์อื่น)", "backup copy failed its check: %s", why)
}

// syncDir makes a rename in dir durable where the system allows it
// (Windows does not open folders for that; NTFS logs the rename itself).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func mustAbs(p string) string {
	a, _ := filepath.Abs(p)
	return a
}

func writeFileSync(path string, w io.WriterTo) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := w.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// CheckFile opens a database file read-only and checks it.
func CheckFile(path string) (data.CheckReport, error) { return checkFile(path) }

func checkFile(path string) (data.CheckReport, error) {
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return data.CheckReport{}, err
	}
	defer s.Close()
	return s.Check(context.Background())
}

func checkFailure(rep data.CheckReport, err error) error {
	if err != nil {
		return err
	}
	return data.Errorf(data.EINVALID, "ไฟล์สำรองไม่ผ่านการตรวจสอบ (%s)", "backup failed its check: %s", strings.Join(rep.Problems, "; "))
}

// Restore puts the backup at src in place of the database at dst. It
// checks the backup first, refuses while another program holds dst, and
// keeps the current file beside it as dst.before-restore-<time>, so a
// restore can itself be undone. It returns the name of that kept file.
func Restore(ctx context.Context, src, dst string, now func() string) (kept string, err error) {
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
	// Holding dst open keeps any other qmdesk out while the files move.
	if _, statErr := os.Stat(dst); statErr == nil {
		cur, err := Open(dst, Options{})
		if err != nil {
			return "", err
		}
		kept = dst + ".before-restore-" + now()
		if err := cur.db.View(func(tx *bbolt.Tx) error { return writeFileSync(kept, tx) }); err != nil {
			cur.Close()
			return "", &data.Error{Code: data.EINVALID, Message: "เก็บสำเนาฐานข้อมูลปัจจุบันก่อนเรียกคืนไม่ได้ จึงยังไม่เรียกคืน", English: "cannot keep current database before restore", Err: err}
		}
		// Windows cannot rename over an open file: let go of it now.
		cur.Close()
	}
	in, err := Open(src, Options{ReadOnly: true})
	if err != nil {
		return kept, err
	}
	tmp := dst + ".restore.tmp"
	err = in.db.View(func(tx *bbolt.Tx) error { return writeFileSync(tmp, tx) })
	in.Close()
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
		return kept, &data.Error{Code: data.EINVALID, Message: "เรียกคืนข้อมูลไม่สำเร็จ ฐานข้อมูลเดิมยังอยู่ครบ", English: "restore failed", Err: err}
	}
	restored, err := Open(dst, Options{})
	if err != nil {
		return kept, err
	}
	defer restored.Close()
	return kept, restored.Log(ctx, "restore", "database", 0, filepath.Base(src))
}
