package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"runtime"
	"sync"

	"github.com/xuri/excelize/v2"
)

// parallelZip is the zip archive excelize writes a workbook into, each
// part deflated on every core: excelize deflates the parts one after
// another once every sheet is written, and a province's full export (two
// gigabytes of sheet XML) spent a fifth of its time there on one core.
//
// A part is cut into blocks of deflateBlock, each deflated on its own (at
// BestSpeed, whose matches reach 32 KB back: a block loses only the
// matches of its first 32 KB into the one before). Every block but the
// last ends with a sync flush, which ends its bytes on a byte boundary
// without ending the stream, and the last ends the stream: one after
// another they are one deflate stream, which any reader reads. The blocks
// are written in order as they are done, at most two a core in flight.
//
// A part named in rows gets the rows its function reads put in just
// before its </sheetData>: excelize writes a sheet's title and header
// rows, and the sheet's data rows come from rowXML (sheetwriter.go).
type parallelZip struct {
	zw      *zip.Writer
	part    *zipPart
	rows    map[string]*deflatedRows
	sheet   *bytes.Buffer // the part being written, when it takes rows
	spliced int           // parts that took their rows
}

// deflateBlock is how much of a part one core deflates at a time.
const deflateBlock = 1 << 20

func newParallelZip(w io.Writer) excelize.ZipWriter { return &parallelZip{zw: zip.NewWriter(w)} }

// newSplicingZip is newParallelZip putting rows into the parts they name.
func newSplicingZip(w io.Writer, rows map[string]*deflatedRows) excelize.ZipWriter {
	return &parallelZip{zw: zip.NewWriter(w), rows: rows}
}

// Create starts a part, after finishing the one before.
func (z *parallelZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	fh := &zip.FileHeader{Name: name, Method: zip.Deflate, Flags: 0x8, CreatorVersion: 20, ReaderVersion: 20}
	out, err := z.zw.CreateRaw(fh)
	if err != nil {
		return nil, err
	}
	z.part = &zipPart{fh: fh, out: out, buf: blocks.Get().([]byte)[:0]}
	if _, ok := z.rows[name]; ok {
		// The sheet without its data rows is small: it is held until it
		// is whole, and then written with its rows.
		z.sheet = new(bytes.Buffer)
		return z.sheet, nil
	}
	return z.part, nil
}

// deflatedRows are a sheet's rows, deflated on every core as they are
// written (ending on a byte boundary) into a spool, for a splicing zip
// writer to copy into the sheet's part as they are: deflated while the
// rows are made instead of after, and a tenth of the bytes spooled.
type deflatedRows struct {
	spool
	part  zipPart
	ended bool
}

func newDeflatedRows() *deflatedRows {
	d := &deflatedRows{}
	d.part = zipPart{out: &d.spool, buf: blocks.Get().([]byte)[:0]}
	return d
}

func (d *deflatedRows) Write(b []byte) (int, error) { return d.part.Write(b) }

// end deflates and spools the rest of the rows.
func (d *deflatedRows) end() error {
	if err := d.part.deflate(true, false); err != nil {
		return err
	}
	d.ended = true
	return nil
}

// crc32Combine is the CRC-32 (IEEE) of a ‖ b from that of a, that of b
// and the length of b (zlib's crc32_combine): each half of a part's
// checksum is taken where its bytes are.
func crc32Combine(crc1, crc2 uint32, len2 int64) uint32 {
	if len2 <= 0 {
		return crc1
	}
	var even, odd [32]uint32
	odd[0] = crc32.IEEE // the operator for one zero bit
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four
	for {
		// Apply len2 zero bytes to crc1, a power of two at a time.
		gf2Square(&even, &odd)
		if len2&1 != 0 {
			crc1 = gf2Times(&even, crc1)
		}
		if len2 >>= 1; len2 == 0 {
			break
		}
		gf2Square(&odd, &even)
		if len2&1 != 0 {
			crc1 = gf2Times(&odd, crc1)
		}
		if len2 >>= 1; len2 == 0 {
			break
		}
	}
	return crc1 ^ crc2
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for n := range 32 {
		square[n] = gf2Times(mat, mat[n])
	}
}

// sheetDataEnd ends the rows of a sheet. excelize escapes every '<' of a
// cell's text, so the first one in a sheet's part is the element's end.
var sheetDataEnd = []byte("</sheetData>")

// splice writes the sheet held for the part being written, with its data
// rows before its </sheetData>.
func (z *parallelZip) splice() error {
	sheet, name := z.sheet.Bytes(), z.part.fh.Name
	z.sheet = nil
	at := bytes.Index(sheet, sheetDataEnd)
	if at < 0 {
		return fmt.Errorf("xlsx: %s has no </sheetData> to put its rows before", name)
	}
	rows := z.rows[name]
	if !rows.ended {
		return fmt.Errorf("xlsx: the rows of %s are not all deflated", name)
	}
	deflated, err := rows.reader()
	if err != nil {
		return err
	}
	// The sheet before its rows, deflated up to a byte boundary; the
	// rows' deflated blocks as they are; the rest of the sheet.
	p := z.part
	if _, err := p.Write(sheet[:at]); err != nil {
		return err
	}
	if err := p.deflate(true, false); err != nil {
		return err
	}
	n, err := io.Copy(p.out, deflated)
	if err != nil {
		return err
	}
	if n != rows.part.written {
		return fmt.Errorf("xlsx: %d bytes of the rows of %s deflated, %d read back", rows.part.written, name, n)
	}
	p.crc = crc32Combine(p.crc, rows.part.crc, rows.part.size)
	p.size += rows.part.size
	p.written += n
	if _, err := p.Write(sheet[at:]); err != nil {
		return err
	}
	z.spliced++
	return nil
}

func (z *parallelZip) AddFS(fsys fs.FS) error {
	if err := z.finish(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

func (z *parallelZip) Close() error {
	if err := z.finish(); err != nil {
		return err
	}
	if z.spliced != len(z.rows) {
		// Never a workbook without some sheet's rows.
		return fmt.Errorf("xlsx: rows of %d sheets written into %d", len(z.rows), z.spliced)
	}
	return z.zw.Close()
}

// finish writes the rest of the part being written and its checksum and
// sizes (written after it, in the data descriptor the header's flag 0x8
// announces, and in the central directory).
func (z *parallelZip) finish() error {
	p := z.part
	if p == nil {
		return nil
	}
	if z.sheet != nil {
		if err := z.splice(); err != nil {
			z.part = nil
			return err
		}
	}
	z.part = nil
	if err := p.deflate(true, true); err != nil {
		return err
	}
	fh := p.fh
	fh.CRC32, fh.UncompressedSize64, fh.CompressedSize64 = p.crc, uint64(p.size), uint64(p.written)
	// archive/zip's central directory still writes the 32-bit sizes of
	// a raw entry from these fields.
	//lint:ignore SA1019 read by archive/zip for a raw entry
	fh.CompressedSize, fh.UncompressedSize = uint32(min(fh.CompressedSize64, math.MaxUint32)), uint32(min(fh.UncompressedSize64, math.MaxUint32))
	if fh.CompressedSize64 >= math.MaxUint32 || fh.UncompressedSize64 >= math.MaxUint32 {
		fh.ReaderVersion = 45 // zip64
	}
	return nil
}

// zipPart is one part being written: the block being filled, and the
// blocks being deflated, oldest first.
type zipPart struct {
	fh       *zip.FileHeader
	out      io.Writer
	buf      []byte
	crc      uint32
	size     int64
	written  int64
	inflight []chan deflated
	err      error
}

type deflated struct {
	b   *bytes.Buffer
	err error
}

func (p *zipPart) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n := len(b)
	p.crc = crc32.Update(p.crc, crc32.IEEETable, b)
	p.size += int64(n)
	for len(b) > 0 {
		k := min(len(b), deflateBlock-len(p.buf))
		p.buf, b = append(p.buf, b[:k]...), b[k:]
		if len(p.buf) == deflateBlock {
			if err := p.deflate(false, false); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// The deflaters, the blocks and the deflated blocks are used again: a
// province's export is two thousand blocks.
var (
	deflaters = sync.Pool{New: func() any { w, _ := flate.NewWriter(nil, flate.BestSpeed); return w }}
	blocks    = sync.Pool{New: func() any { return make([]byte, 0, deflateBlock) }}
	outputs   = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// deflate sends the block being filled to a core, and writes the blocks
// done, in order, while too many are in flight or, at the end, all. The
// last block of the part ends the deflate stream when final, and else
// ends on a sync flush, on a byte boundary: what follows is more of the
// stream.
func (p *zipPart) deflate(end, final bool) error {
	block := p.buf
	p.buf = blocks.Get().([]byte)[:0]
	done := make(chan deflated, 1)
	p.inflight = append(p.inflight, done)
	go func() {
		out := outputs.Get().(*bytes.Buffer)
		out.Reset()
		fw := deflaters.Get().(*flate.Writer)
		fw.Reset(out)
		_, err := fw.Write(block)
		if err == nil && final {
			err = fw.Close()
		} else if err == nil {
			err = fw.Flush()
		}
		deflaters.Put(fw)
		//lint:ignore SA6002 a block is 1 MiB; the slice header's allocation is nothing beside it
		blocks.Put(block[:0])
		done <- deflated{out, err}
	}()
	for len(p.inflight) > 2*runtime.GOMAXPROCS(0) || end && len(p.inflight) > 0 {
		d := <-p.inflight[0]
		p.inflight = p.inflight[1:]
		if d.err == nil {
			_, d.err = p.out.Write(d.b.Bytes())
		}
		if d.err != nil && p.err == nil {
			p.err = d.err
		}
		p.written += int64(d.b.Len())
		outputs.Put(d.b)
	}
	return p.err
}
