package bolt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"

	"qmdesk/data"
)

// The file's structure, read with ReadAt instead of through bbolt's map.
//
// bbolt trusts its pages: a page number, a count or a length that a damaged
// disk changed sends it outside the file (a fault on the map), into an
// index out of range, or round a loop of pages that never ends. Its own
// tx.Check reads the pages the same way, in a goroutine of its own where no
// recover can reach. The walk below reads the same format (bbolt v1.4:
// page header id, flags, count, overflow; branch elements pos, ksize, pgid;
// leaf elements flags, pos, ksize, vsize; a bucket value is its root page
// and sequence, then the page itself when the root is 0) from the file,
// with every offset checked before it is used and every page visited at
// most once, so no file can make it fault, panic or loop. Only once it
// finds the structure sound is bbolt's own check, or any cursor, run over
// the whole file (Store.Check).
//
// It also holds bbolt to how bbolt writes a page, which its readers rely
// on without checking: the elements packed one after the other behind the
// element array and the page exactly as many pages long as they need. A
// count or a length changed by one bit then no longer fits, where it would
// otherwise drop a record or shift the next one without a trace.
//
// Numbers are in the machine's byte order, as bbolt writes them.

const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	pageHeaderSize   = 16
	elementSize      = 16 // branch and leaf elements alike
	bucketHeaderSize = 16 // root page id, sequence
	metaSize         = 56 // up to the checksum
	noFreelist       = ^uint64(0)

	flagBranch   = 0x01
	flagLeaf     = 0x02
	flagMeta     = 0x04
	flagFreelist = 0x10

	bucketLeafFlag = 0x01

	// maxDepth bounds b+tree depth plus bucket nesting: a tree of pages
	// holding at least two keys each is far shallower even at 2^64 pages.
	maxDepth = 64
)

var native = binary.NativeEndian

// fileMeta is one of the file's two meta pages.
type fileMeta struct {
	pageSize  uint64
	root      uint64 // root bucket's page
	freelist  uint64
	highWater uint64 // pages in use: the file must be at least highWater × pageSize long
	txid      uint64
}

// parseMeta reads a meta page (its header included). magic tells whether
// it bears bbolt's mark at all; err says why it is not a valid meta.
func parseMeta(page []byte) (m fileMeta, magic bool, err error) {
	if len(page) < pageHeaderSize+metaSize+8 {
		return m, false, errors.New("too short for a meta page")
	}
	b := page[pageHeaderSize:]
	magic = native.Uint32(b[0:]) == boltMagic
	switch {
	case !magic:
		return m, false, errors.New("no bbolt mark")
	case native.Uint32(b[4:]) != boltVersion:
		return m, true, fmt.Errorf("bbolt format version %d", native.Uint32(b[4:]))
	}
	h := fnv.New64a()
	h.Write(b[:metaSize])
	if h.Sum64() != native.Uint64(b[metaSize:]) {
		return m, true, errors.New("checksum mismatch")
	}
	m = fileMeta{pageSize: uint64(native.Uint32(b[8:])), root: native.Uint64(b[16:]), freelist: native.Uint64(b[32:]),
		highWater: native.Uint64(b[40:]), txid: native.Uint64(b[48:])}
	if m.pageSize < 512 || m.pageSize > 1<<20 || m.pageSize&(m.pageSize-1) != 0 {
		return m, true, fmt.Errorf("page size %d", m.pageSize)
	}
	return m, true, nil
}

// fileMetas reads both meta pages: the first at 0, the second one page
// further, the page size taken from whichever is valid (the second is
// looked for where bbolt looks for it when the first is damaged). magic
// tells whether either bears bbolt's mark.
func fileMetas(f io.ReaderAt, size int64) (metas [2]fileMeta, errs [2]error, magic bool) {
	head := make([]byte, 4096)
	n, _ := f.ReadAt(head, 0)
	m0, magic0, err0 := parseMeta(head[:n])
	metas[0], errs[0], magic = m0, err0, magic0
	errs[1] = errors.New("not found")
	try := func(pos int64) bool {
		buf := make([]byte, pageHeaderSize+metaSize+8)
		if n, _ := f.ReadAt(buf, pos); n < len(buf) {
			return false
		}
		m, mg, err := parseMeta(buf)
		magic = magic || mg
		if err == nil && m.pageSize != uint64(pos) {
			err = fmt.Errorf("meta page at %d says pages are %d bytes", pos, m.pageSize)
		}
		if mg {
			metas[1], errs[1] = m, err
		}
		return err == nil
	}
	if err0 == nil {
		try(int64(m0.pageSize))
		return metas, errs, magic
	}
	for i := 0; i <= 14 && int64(1024)<<i < size; i++ {
		if try(int64(1024) << i) {
			break
		}
	}
	return metas, errs, magic
}

// newest is the meta bbolt opens the file at: the valid one with the
// higher transaction.
func newest(metas [2]fileMeta, errs [2]error) (fileMeta, bool) {
	switch {
	case errs[0] == nil && (errs[1] != nil || metas[0].txid >= metas[1].txid):
		return metas[0], true
	case errs[1] == nil:
		return metas[1], true
	}
	return fileMeta{}, false
}

// pageWalk checks the pages reachable from one meta page. It stops at
// the first fault: one is enough to say the file is damaged, and pages
// past a wrong page number are not worth reading.
type pageWalk struct {
	f       io.ReaderAt
	m       fileMeta
	inUse   []bool // reachable pages, meta pages included
	free    []bool // pages on the free list
	finding string
}

// errPageFault unwinds a walk that found a fault (in w.finding).
var errPageFault = errors.New("page fault found")

func (w *pageWalk) fault(format string, args ...any) error {
	w.finding = fmt.Sprintf(format, args...)
	return errPageFault
}

// checkPages walks the whole file as meta m describes it: the free list,
// every bucket's tree, every page accounted for once. It returns the
// first fault, or "".
func checkPages(f io.ReaderAt, size int64, m fileMeta) string {
	w := &pageWalk{f: f, m: m}
	if w.bounds(size) != nil {
		return w.finding
	}
	w.inUse, w.free = make([]bool, m.highWater), make([]bool, m.highWater)
	w.inUse[0], w.inUse[1] = true, true
	if w.freelist() != nil || w.tree(m.root, nil, nil, 0) != nil {
		return w.finding
	}
	for id := range m.highWater {
		if !w.inUse[id] && !w.free[id] {
			w.fault("page %d is neither in use nor free", id)
			break
		}
	}
	return w.finding
}

// bounds checks what the meta page says against the file: the pages it
// counts must be in the file, its root and free list among them.
func (w *pageWalk) bounds(size int64) error {
	m := w.m
	if m.highWater < 4 || m.highWater > uint64(size)/m.pageSize {
		return w.fault("the file is %d bytes but holds %d pages of %d bytes: it was cut short", size, m.highWater, m.pageSize)
	}
	if m.root < 2 || m.root >= m.highWater {
		return w.fault("root page %d is outside the %d pages in use", m.root, m.highWater)
	}
	if m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.highWater) {
		return w.fault("free list page %d is outside the %d pages in use", m.freelist, m.highWater)
	}
	return nil
}

// read returns n bytes of the file from page id on.
func (w *pageWalk) read(id uint64, n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := w.f.ReadAt(b, int64(id*w.m.pageSize)); err != nil {
		return nil, w.fault("page %d cannot be read: %v", id, err)
	}
	return b, nil
}

// page checks page id's header, marks it and its overflow pages in use,
// and reads it whole. want is flagFreelist, or flagBranch|flagLeaf for
// either. A page longer than one is read only as far as its own elements
// say it reaches, and they must need exactly its length, so a damaged
// header cannot make the walk read the whole file into memory.
func (w *pageWalk) page(id uint64, want uint16) ([]byte, error) {
	if id < 2 || id >= w.m.highWater {
		return nil, w.fault("page %d is outside the %d pages in use", id, w.m.highWater)
	}
	ps := int(w.m.pageSize)
	p, err := w.read(id, ps)
	if err != nil {
		return nil, err
	}
	hid, flags, count, overflow := native.Uint64(p), native.Uint16(p[8:]), int(native.Uint16(p[10:])), uint64(native.Uint32(p[12:]))
	switch {
	case hid != id:
		return nil, w.fault("page %d calls itself page %d", id, hid)
	case want == flagFreelist && flags != flagFreelist:
		return nil, w.fault("page %d has type %#x where the free list belongs", id, flags)
	case want != flagFreelist && flags != flagBranch && flags != flagLeaf:
		return nil, w.fault("page %d has type %#x where a branch or leaf page belongs", id, flags)
	case id+overflow >= w.m.highWater:
		return nil, w.fault("page %d runs over %d more pages, past the %d in use", id, overflow, w.m.highWater)
	}
	for i := id; i <= id+overflow; i++ {
		if w.inUse[i] {
			return nil, w.fault("page %d is used twice (reached again within page %d)", i, id)
		}
		if w.free[i] {
			return nil, w.fault("page %d is in use and on the free list", i)
		}
		w.inUse[i] = true
	}
	if overflow == 0 {
		return p, nil
	}
	span := (int(overflow) + 1) * ps
	if flags == flagFreelist {
		// bbolt sizes the free list's pages before it knows the final
		// list, so they may be longer than it: read only the list.
		first, n := 0, uint64(count)
		if count == 0xFFFF {
			first, n = 1, native.Uint64(p[pageHeaderSize:])
		}
		if n > uint64(span-pageHeaderSize)/8-uint64(first) {
			return nil, w.fault("free list page %d: %d entries do not fit its %d pages", id, n, overflow+1)
		}
		return w.read(id, pageHeaderSize+(first+int(n))*8)
	}
	if need := pageHeaderSize + count*elementSize; need > ps {
		if need > span {
			return nil, w.fault("page %d: %d elements do not fit its %d pages", id, count, overflow+1)
		}
		if p, err = w.read(id, need); err != nil {
			return nil, err
		}
	}
	end := pageHeaderSize + count*elementSize
	for i := range count {
		e := p[pageHeaderSize+i*elementSize:]
		if flags == flagLeaf {
			end += int(native.Uint32(e[8:])) + int(native.Uint32(e[12:]))
		} else {
			end += int(native.Uint32(e[4:]))
		}
	}
	if pages := (end + ps - 1) / ps; pages != int(overflow)+1 {
		return nil, w.fault("page %d spans %d pages but its elements need %d", id, overflow+1, pages)
	}
	return w.read(id, span)
}

// element is one entry of a branch or leaf page.
type element struct {
	key, value []byte // value: leaves only
	flags      uint32 // leaves only: bucketLeafFlag for a bucket
	child      uint64 // branches only
}

// elements reads a branch or leaf page's elements, checking that they are
// packed as bbolt writes them (each key right after the element array or
// the value before it, the page exactly as many pages long as they need)
// and that the keys rise strictly within [lo, hi). id 0 is an inline
// bucket's page, which is exactly as long as its elements.
func (w *pageWalk) elements(id uint64, p []byte, lo, hi []byte) ([]element, error) {
	count := int(native.Uint16(p[10:]))
	leaf := native.Uint16(p[8:]) == flagLeaf
	if !leaf && count == 0 {
		return nil, w.fault("page %d: a branch with no elements", id)
	}
	if pageHeaderSize+count*elementSize > len(p) {
		return nil, w.fault("page %d: %d elements do not fit it", id, count)
	}
	next := pageHeaderSize + count*elementSize
	out := make([]element, count)
	var prev []byte
	for i := range out {
		at := pageHeaderSize + i*elementSize
		e := p[at:]
		var pos, ksize, vsize int
		if leaf {
			out[i].flags = native.Uint32(e)
			pos, ksize, vsize = int(native.Uint32(e[4:])), int(native.Uint32(e[8:])), int(native.Uint32(e[12:]))
		} else {
			pos, ksize = int(native.Uint32(e)), int(native.Uint32(e[4:]))
			out[i].child = native.Uint64(e[8:])
		}
		switch {
		case at+pos != next:
			return nil, w.fault("page %d: element %d's key is at byte %d, not right after what comes before it (%d)", id, i, at+pos, next)
		case ksize == 0:
			return nil, w.fault("page %d: element %d has an empty key", id, i)
		case next+ksize+vsize > len(p):
			return nil, w.fault("page %d: element %d runs past the page", id, i)
		case out[i].flags&^bucketLeafFlag != 0:
			return nil, w.fault("page %d: element %d has unknown flags %#x", id, i, out[i].flags)
		}
		k := p[next : next+ksize]
		out[i].key, out[i].value = k, p[next+ksize:next+ksize+vsize]
		next += ksize + vsize
		switch {
		case prev != nil && bytes.Compare(prev, k) >= 0:
			return nil, w.fault("page %d: key %d (%x) does not come after key %d (%x)", id, i, k, i-1, prev)
		case lo != nil && bytes.Compare(k, lo) < 0:
			return nil, w.fault("page %d: key %d (%x) is below its parent's key %x", id, i, k, lo)
		case hi != nil && bytes.Compare(k, hi) >= 0:
			return nil, w.fault("page %d: key %d (%x) is not below the parent's next key %x", id, i, k, hi)
		}
		prev = k
	}
	ps := int(w.m.pageSize)
	if id == 0 && next != len(p) {
		return nil, w.fault("inline bucket: %d bytes but its elements end at byte %d", len(p), next)
	}
	if id != 0 && len(p) != (next+ps-1)/ps*ps {
		return nil, w.fault("page %d is %d bytes long but its elements need %d pages", id, len(p), (next+ps-1)/ps)
	}
	return out, nil
}

// tree walks the b+tree of pages under page id, whose keys lie in
// [lo, hi), and the buckets its leaves hold.
func (w *pageWalk) tree(id uint64, lo, hi []byte, depth int) error {
	if depth > maxDepth {
		return w.fault("page %d: pages nest deeper than %d", id, maxDepth)
	}
	p, err := w.page(id, flagBranch|flagLeaf)
	if err != nil {
		return err
	}
	els, err := w.elements(id, p, lo, hi)
	if err != nil {
		return err
	}
	if native.Uint16(p[8:]) == flagBranch {
		for i, e := range els {
			next := hi
			if i+1 < len(els) {
				next = els[i+1].key
			}
			if err := w.tree(e.child, e.key, next, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	for _, e := range els {
		if e.flags&bucketLeafFlag == 0 {
			continue
		}
		if len(e.value) < bucketHeaderSize {
			return w.fault("page %d: bucket %q has a %d-byte header", id, e.key, len(e.value))
		}
		if root := native.Uint64(e.value); root != 0 {
			err = w.tree(root, nil, nil, depth+1)
		} else {
			err = w.inline(e.key, e.value[bucketHeaderSize:])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// inline checks a bucket small enough to live in its parent's value: one
// leaf page, without buckets of its own, that bbolt never gives an id.
func (w *pageWalk) inline(name, p []byte) error {
	if len(p) < pageHeaderSize {
		return w.fault("inline bucket %q: %d bytes", name, len(p))
	}
	if id, flags, overflow := native.Uint64(p), native.Uint16(p[8:]), native.Uint32(p[12:]); id != 0 || flags != flagLeaf || overflow != 0 {
		return w.fault("inline bucket %q: page header id %d, type %#x, overflow %d", name, id, flags, overflow)
	}
	els, err := w.elements(0, p, nil, nil)
	if err != nil {
		return err
	}
	for _, e := range els {
		if e.flags&bucketLeafFlag != 0 {
			return w.fault("inline bucket %q holds bucket %q", name, e.key)
		}
	}
	return nil
}

// freelist reads the free list and marks its pages: each between the meta
// pages and the high-water mark, listed once, in order.
func (w *pageWalk) freelist() error {
	if w.m.freelist == noFreelist {
		// bbolt's NoFreelistSync, which this program never sets: nothing
		// to account the unused pages with.
		for i := range w.free {
			w.free[i] = true
		}
		return nil
	}
	id := w.m.freelist
	p, err := w.page(id, flagFreelist)
	if err != nil {
		return err
	}
	first, count := 0, uint64(native.Uint16(p[10:]))
	if count == 0xFFFF {
		first, count = 1, native.Uint64(p[pageHeaderSize:])
	}
	if count > uint64(len(p)-pageHeaderSize)/8-uint64(first) {
		return w.fault("free list page %d: %d entries do not fit it", id, count)
	}
	var prev uint64
	for i := range count {
		f := native.Uint64(p[pageHeaderSize+(uint64(first)+i)*8:])
		switch {
		case f < 2 || f >= w.m.highWater:
			return w.fault("free list: page %d is outside the %d pages in use", f, w.m.highWater)
		case i > 0 && f <= prev:
			return w.fault("free list: page %d listed after page %d", f, prev)
		case w.inUse[f]:
			return w.fault("free list: page %d is in use", f)
		}
		w.free[f] = true
		prev = f
	}
	return nil
}

// fileFault is what is wrong with a database file as a whole, found
// before bbolt is let near it.
type fileFault struct {
	empty   bool   // 0 bytes
	foreign bool   // no bbolt mark: not a database at all
	kind    string // for a foreign file, what it looks like: "xlsx", "xls", "sqlite" or ""
	thai    string // what is wrong, for a damaged file
	english string
}

// inspectFile checks a database file before bbolt opens it: not empty,
// bbolt's mark and a valid meta page, every page the meta page counts
// inside the file (a file cut short faults when read through the map),
// the root page sound and the free list sound (bbolt reads it whole when
// it opens a file for writing, and trusts every entry). It reads the meta
// pages, the root page and the free list, nothing more: the walk of every
// page is Check's. A file that does not exist is no fault (a new
// database is made there).
//
// staleMeta, when not "", says that one meta page is damaged: bbolt opens
// the file at the other, which may be one transaction older.
func inspectFile(path string) (fault *fileFault, staleMeta string) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "" // bbolt says why
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, ""
	}
	size := fi.Size()
	if size == 0 {
		return &fileFault{empty: true, english: "the file is empty (0 bytes)"}, ""
	}
	metas, errs, magic := fileMetas(f, size)
	if !magic {
		return &fileFault{foreign: true, kind: looksLike(f), english: "not a bbolt file"}, ""
	}
	m, ok := newest(metas, errs)
	if !ok {
		return &fileFault{thai: "ส่วนหัวของไฟล์เสียหายทั้งสองชุด", english: fmt.Sprintf("both meta pages are damaged (%v; %v)", errs[0], errs[1])}, ""
	}
	if err := errs[0]; err != nil || errs[1] != nil {
		if err == nil {
			err = errs[1]
		}
		staleMeta = fmt.Sprintf("a meta page was damaged (%v): opened at transaction %d; if the damaged one was newer, the change saved last before is missing", err, m.txid)
	}
	return inspectMeta(f, m, size), staleMeta
}

// inspectMeta checks what meta m says against the file: its pages inside
// it, its free list and its root page sound.
func inspectMeta(f io.ReaderAt, m fileMeta, size int64) *fileFault {
	w := &pageWalk{f: f, m: m}
	if w.bounds(size) != nil {
		if m.highWater > uint64(size)/m.pageSize {
			return &fileFault{thai: fmt.Sprintf("ไฟล์ไม่ครบ: มีขนาด %s ไบต์ แต่ข้อมูลในไฟล์ต้องยาวถึง %s ไบต์ (ไฟล์อาจถูกตัดระหว่างคัดลอก หรือดิสก์เต็มระหว่างบันทึก)",
				data.FormatNumber(size), data.FormatNumber(int64(m.highWater*m.pageSize))), english: w.finding}
		}
		return &fileFault{thai: "ส่วนหัวของไฟล์ชี้ไปนอกไฟล์", english: w.finding}
	}
	w.inUse, w.free = make([]bool, m.highWater), make([]bool, m.highWater)
	w.inUse[0], w.inUse[1] = true, true
	if w.freelist() != nil {
		return &fileFault{thai: "รายการหน้าว่างในไฟล์เสียหาย", english: w.finding}
	}
	if p, err := w.page(m.root, flagBranch|flagLeaf); err == nil {
		w.elements(m.root, p, nil, nil)
	}
	if w.finding != "" {
		return &fileFault{thai: "หน้าสารบัญของข้อมูลในไฟล์เสียหาย", english: w.finding}
	}
	return nil
}

// looksLike tells what a file that is not a database seems to be, from
// its first bytes.
func looksLike(f io.ReaderAt) string {
	head := make([]byte, 16)
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "xlsx"
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")):
		return "xls"
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return "sqlite"
	}
	return ""
}
