package xlsx

import (
	"context"
	"io"

	kflate "github.com/klauspost/compress/flate"
)

// The chunks a readAhead inflates into, and how many of them there are:
// one being filled, the rest filled and waiting or being read. Bounded:
// what is inflated ahead of the scanner is at most aheadChunks of them.
const (
	aheadChunk  = 1 << 20
	aheadChunks = 4
)

// readAhead reads a part (inflates it) on a goroutine of its own into
// large chunks, which Read hands on in order: a worksheet's inflating
// runs beside its scanning instead of inside it. What Read returns is
// what the part's own Read would return, byte for byte; an error comes
// after every byte read before it. Close stops the goroutine and waits
// for it, so the part can be closed after it.
type readAhead struct {
	full  chan aheadChunkRead
	free  chan []byte
	stop  chan struct{}
	done  chan struct{}
	cur   []byte // what is left of the chunk being read
	buf   []byte // that chunk's buffer, given back when read
	err   error  // the error that ended the part, once every byte before it is read
	ended bool

	// find, when set, is fed every byte inflated, on the inflating
	// goroutine, and told how the part ended (finds, once done is closed):
	// a sheet's merged ranges found in the same inflating as its rows.
	find         *mergeFinder
	found        []Range
	findErr      error
	findFinished bool
}

type aheadChunkRead struct {
	b   []byte
	err error
}

// newReadAhead starts inflating src; find, when not nil, is fed every
// byte inflated.
func newReadAhead(src io.Reader, find *mergeFinder) *readAhead {
	r := &readAhead{
		find: find,
		full: make(chan aheadChunkRead, aheadChunks),
		free: make(chan []byte, aheadChunks),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	for range aheadChunks {
		r.free <- make([]byte, aheadChunk)
	}
	go func() {
		defer close(r.done)
		for {
			var b []byte
			select {
			case b = <-r.free:
			case <-r.stop:
				return
			}
			n, err := io.ReadFull(src, b)
			if r.find != nil {
				r.find.feed(b[:n])
				if err != nil {
					r.found, r.findErr = r.find.end(err)
					r.findFinished = true
				}
			}
			if err == io.ErrUnexpectedEOF {
				err = io.EOF // a short last chunk
			}
			select {
			case r.full <- aheadChunkRead{b[:n], err}:
			case <-r.stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return r
}

// Read copies the part's next bytes into p.
func (r *readAhead) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.ended {
			return 0, r.err
		}
		if r.buf != nil {
			r.free <- r.buf[:cap(r.buf)]
			r.buf = nil
		}
		c := <-r.full
		r.buf, r.cur = c.b, c.b
		if c.err != nil {
			r.ended, r.err = true, c.err
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// finish reads the rest of the part for its merged ranges (nothing more
// is handed on), checking ctx between chunks, and returns them as
// scanMergeCells would; ok is false when ctx ended it first (err is then
// ctx's). The part must have been read with a finder.
func (r *readAhead) finish(ctx context.Context) (ranges []Range, err error, ok bool) {
	for !r.ended {
		if err := ctx.Err(); err != nil {
			return nil, err, false
		}
		if r.buf != nil {
			r.free <- r.buf[:cap(r.buf)]
			r.buf = nil
		}
		c := <-r.full
		r.buf, r.cur = c.b, nil
		if c.err != nil {
			r.ended, r.err = true, c.err
		}
	}
	<-r.done // the goroutine has ended: found and findErr are set
	return r.found, r.findErr, r.findFinished
}

// Close stops the inflating and waits until it has stopped.
func (r *readAhead) Close() {
	close(r.stop)
	<-r.done
}

// inflater is the decompressor of the workbooks the reader opens:
// klauspost/compress's flate, which inflates a worksheet in two thirds of
// the time compress/flate takes (1,000,000-row sheet, 1.6 GB of XML:
// 1.9-2.3 s against 2.8-3.3 s), and a sheet is inflated once or twice
// (its rows, and, unless the import's one read finds them in the same
// inflating, its merged ranges beside them). It reads the same format and
// refuses a damaged stream as compress/flate does (an error, never a
// panic); the zip's checksum and declared size are checked around it as
// before.
func inflater(r io.Reader) io.ReadCloser { return kflate.NewReader(r) }
