package data

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A batch keeps its newest encoded records in memory and writes the older
// chunks, whole and in order, to a temporary file: the plan of a workbook
// of a million rows takes some 400 MB encoded, more than an import may
// hold in memory, and the commit reads it back once, in order. A record
// read back from the file comes through a small cache of blocks, so that
// reading in order reads the file once and a record read at random costs
// one read of a block.

// SpillRoot is the folder of the files batches spill to, one file per
// batch, named after the process. Closing the batch removes its file, and
// so does the collector once the batch is dropped; the file of a process
// that was killed is removed by RemoveStaleSpills, which the next dry run
// of any qmdesk process calls.
var SpillRoot = filepath.Join(os.TempDir(), "qmdesk-plan")

// BatchMemory is how many bytes of encoded records a batch (or Records)
// keeps in memory; past it, its oldest chunks go to its file.
var BatchMemory int64 = 32 << 20

const (
	spillBlock  = 16 << 10 // bytes the cache reads at a time
	spillBlocks = 64       // blocks it keeps
	// staleSpill is the age at which a file is removed even when a process
	// of its number runs: numbers are reused, and no plan is kept this long.
	staleSpill = 24 * time.Hour
)

// spill is a batch's temporary file and the blocks of it last read.
type spill struct {
	mu      sync.Mutex
	f       *os.File
	path    string
	size    int64 // bytes written
	err     error // the first write or read that failed
	blocks  [spillBlocks]spillCached
	cleanup runtime.Cleanup
}

type spillCached struct {
	n int64 // block number + 1; 0 for none
	b []byte
}

// spillZeros is what a record that cannot be read back decodes from: every
// field zero, so that the decoders never read past their input. The
// batch's Err says why.
var spillZeros = make([]byte, 4096)

// spillOld writes the oldest chunks still in memory to the file until
// the chunks left, with one more, fit in the budget. The last chunk, the
// one records are added to, stays.
func (r *records) spillOld() {
	budget := r.memory
	if budget == 0 {
		budget = BatchMemory
	}
	for r.kept+batchChunk > budget && r.spilled < len(r.chunks) {
		if r.file == nil {
			if r.failed {
				return
			}
			f, err := newSpill()
			if err != nil {
				r.failed, r.err = true, err
				return
			}
			r.file = f
			f.cleanup = runtime.AddCleanup(r, (*spill).remove, f)
		}
		c := r.chunks[r.spilled]
		off, err := r.file.write(c)
		if err != nil { // the disk is full: keep the rest in memory, and say so
			r.failed, r.err = true, err
			return
		}
		r.offs = append(r.offs, off)
		r.chunks[r.spilled] = nil
		r.kept -= int64(cap(c))
		r.spilled++
	}
}

// spilledAt returns the record at pos of a chunk that is in the file
// (pos's chunk number < r.spilled): its encoded fields, and how many
// bytes it takes with its length in front.
func (r *records) spilledAt(pos uint64) ([]byte, int64) {
	return r.file.record(r.offs[pos>>32] + int64(uint32(pos)))
}

func newSpill() (*spill, error) {
	if err := os.MkdirAll(SpillRoot, 0o700); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(SpillRoot, strconv.Itoa(os.Getpid())+"-*.plan")
	if err != nil {
		return nil, err
	}
	return &spill{f: f, path: f.Name()}, nil
}

func (s *spill) write(c []byte) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return 0, os.ErrClosed
	}
	off := s.size
	if _, err := s.f.WriteAt(c, off); err != nil {
		return 0, err
	}
	s.size += int64(len(c))
	return off, nil
}

// record reads the record whose length starts at off.
func (s *spill) record(off int64) ([]byte, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	blk, err := s.block(off / spillBlock)
	if err == nil {
		i := off % spillBlock
		n, h := binary.Uvarint(blk[min(i, int64(len(blk))):])
		if h > 0 && i+int64(h)+int64(n) <= int64(len(blk)) {
			return blk[i+int64(h) : i+int64(h)+int64(n)], int64(h) + int64(n)
		}
		// Across the end of the block: read it on its own.
		var head [binary.MaxVarintLen64]byte
		var got int
		got, err = s.f.ReadAt(head[:], off)
		if n, h = binary.Uvarint(head[:got]); h > 0 {
			if n > uint64(s.size) {
				err = errors.New("record longer than the file")
			} else {
				b := make([]byte, n)
				if _, err = s.f.ReadAt(b, off+int64(h)); err == nil {
					return b, int64(h) + int64(n)
				}
			}
		} else if err == nil || err == io.EOF {
			err = errors.New("record past the end of the file")
		}
	}
	if s.err == nil {
		s.err = err
	}
	return spillZeros, 0
}

// block returns block n of the file, from the cache or read into it. A
// block read replaces the one in its place by a new slice: a decoder may
// still be reading the old one.
func (s *spill) block(n int64) ([]byte, error) {
	c := &s.blocks[n%spillBlocks]
	if c.n == n+1 {
		return c.b, nil
	}
	if s.f == nil {
		return nil, os.ErrClosed
	}
	b := make([]byte, min(spillBlock, s.size-n*spillBlock))
	if _, err := s.f.ReadAt(b, n*spillBlock); err != nil {
		return nil, err
	}
	c.n, c.b = n+1, b
	return b, nil
}

// remove closes and removes the file; it runs once, from Close or from
// the collector.
func (s *spill) remove() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return
	}
	s.f.Close()
	os.Remove(s.path)
	s.f, s.blocks = nil, [spillBlocks]spillCached{}
}

// close removes the records' file, if they have one, and lets go of their
// memory: the records cannot be read afterwards.
func (r *records) close() {
	if r.file != nil {
		r.file.cleanup.Stop()
		r.file.remove()
	}
	*r = records{}
}

// err is the first failure to write the records' file or read it back.
func (r *records) fileErr() error {
	if r.err != nil {
		return r.err
	}
	if r.file == nil {
		return nil
	}
	r.file.mu.Lock()
	defer r.file.mu.Unlock()
	return r.file.err
}

// Close removes the batch's temporary file, if it has one, and lets go of
// its records: the batch cannot be read afterwards. Closing it again does
// nothing.
func (b *ImportBatch) Close() {
	b.recs.close()
	b.households, b.problems, b.actions, b.rows, b.reviews = nil, nil, nil, nil, nil
}

// Err tells that the batch's records could not all be kept: its temporary
// file could not be written (a full disk), or read back. A batch with an
// error must not be committed; what was read back reads as zero values.
func (b *ImportBatch) Err() error {
	return spillError(b.recs.fileErr())
}

// Close removes the records' temporary file, if they have one.
func (r *Records) Close() { r.recs.close() }

// KeepInMemory sets how many bytes of the records stay in memory (instead
// of BatchMemory); the older go to their file.
func (r *Records) KeepInMemory(n int64) { r.recs.memory = max(n, 1) }

// Err is ImportBatch.Err for records read from the store.
func (r *Records) Err() error {
	return spillError(r.recs.fileErr())
}

// spillError says that the file of a batch failed (the system's reason
// is added by Explain).
func spillError(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: EINTERNAL, Message: "เขียนหรืออ่านไฟล์ชั่วคราวของการตรวจไฟล์ในโฟลเดอร์ " + SpillRoot + " ไม่ได้ จึงหยุด ไม่ได้บันทึกอะไร: กรุณาตรวจที่ว่างบนดิสก์แล้วตรวจไฟล์ใหม่",
		English: "the plan's temporary file in " + SpillRoot + " failed", Err: err}
}

// InMemory is about how much memory the batch's records take; Bytes
// counts those in its file too.
func (b *ImportBatch) InMemory() int64 {
	return b.recs.kept + b.recs.sharedBytes + int64(8*(len(b.households)+len(b.problems)+len(b.actions)+len(b.rows)+len(b.reviews)))
}

// RemoveStaleSpills removes the files of batches of processes that no
// longer run (a dry run killed, or the machine turned off). Files of
// running processes, this one included, are left alone.
func RemoveStaleSpills() {
	entries, err := os.ReadDir(SpillRoot)
	if err != nil {
		return
	}
	for _, e := range entries {
		pidText, _, ok := strings.Cut(e.Name(), "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".plan") || !e.Type().IsRegular() {
			continue // not ours
		}
		old := false
		if info, err := e.Info(); err == nil {
			old = time.Since(info.ModTime()) > staleSpill
		}
		if pid == os.Getpid() || (ProcessRuns(pid) && !old) {
			continue
		}
		os.Remove(filepath.Join(SpillRoot, e.Name())) // held open on Windows: its process still runs
	}
}
