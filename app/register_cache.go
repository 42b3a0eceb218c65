package app

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"strings"
	"time"

	"qmdesk/data"
)

// Building the register's search index reads every household and problem
// of the database (seconds on a whole province). The window therefore
// keeps a copy of what the index is built from in a file beside the
// database, with the database's state it reflects (RegisterStamp), and at
// the next start reads that instead and catches up with the changes made
// since (CatchUpRegister). The file holds names and national IDs as the
// database does: it is readable by the user only and sits in the same
// folder. Any doubt (a log that does not say what changed, another
// version, a damaged file) means the index is built as before.

// registerCacheMagic starts the file; a change of layout changes it.
const registerCacheMagic = "qmdesk search index 3\n"

// maxCacheString bounds a string read back (a name, a code): a damaged
// length cannot make the reader allocate without end.
const maxCacheString = 4096

// RegisterStamp names the database's state: its schema and the audit
// log's last entry, which every change writes in the transaction of its
// records (so a later change always moves it, and the chain of seals
// names the whole history before it).
func RegisterStamp(ctx context.Context, store RegisterStore) (string, error) {
	m, err := store.Meta(ctx)
	if err != nil {
		return "", err
	}
	a, err := store.AuditAnchor(ctx, 0)
	if err != nil {
		return "", err
	}
	return registerState{m.SchemaVersion, a.Seq, a.Hash}.String(), nil
}

// SaveRegister writes what r was built from to path, whole or not at all,
// as the database in state stamp.
func SaveRegister(path, stamp string, r *Register) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return data.WriteFileAtomic(path, 0o600, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		e := cacheWriter{w: bw}
		e.str(registerCacheMagic)
		e.str(keyProbe())
		e.str(stamp)
		e.uint(uint64(len(r.subNames)))
		for _, s := range r.subNames {
			e.str(s)
		}
		e.uint(uint64(len(r.rows)))
		briefs := 0
		for i := range r.rows {
			briefs += len(r.rows[i].problems)
		}
		e.uint(uint64(briefs))
		for i := range r.rows {
			row := &r.rows[i]
			e.uint(row.id)
			for _, s := range []string{row.houseCode, row.nationalID, row.name, row.nameKey, row.tambon, row.houseNo} {
				e.str(s)
			}
			e.uint(uint64(row.titleLen))
			e.uint(uint64(row.firstLen))
			e.uint(uint64(row.villageNo))
			e.uint(uint64(row.origin))
			e.uint(uint64(len(row.problems)))
			for _, p := range row.problems {
				e.uint(p.round)
				e.date(p.target)
				e.uint(uint64(p.sub))
				var flags uint64
				for i, f := range []bool{p.urgent, p.carried, p.fresh} {
					if f {
						flags |= 1 << i
					}
				}
				e.uint(uint64(p.cat)<<16 | uint64(p.status)<<8 | flags)
			}
		}
		if e.err != nil {
			return e.err
		}
		return bw.Flush()
	})
}

// LoadRegister reads the index saved at path and the state of the
// database it was saved from (CatchUpRegister brings it to a later one).
// ok is false when there is no such file, it is of another layout, or it
// cannot be read whole: then the index is built from the database.
func LoadRegister(path string) (r *Register, stamp string, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", false
	}
	r, stamp, err = readRegister(string(b)) // one copy; every name and code below is a slice of it
	return r, stamp, err == nil
}

var errStale = errors.New("search index of another layout")

// keyProbe is what this build's rowOf makes of a few names: an index saved
// by a build that compared names otherwise is not taken.
func keyProbe() string {
	var r Register
	var b strings.Builder
	for _, p := range []data.Person{{Title: "นาย", FirstName: "สม ชาย", LastName: "ใจ\u200bดี"}, {Title: "น.ส.", FirstName: "Ann", LastName: "O'Neil-Smith"}, {FirstName: "๑๒", LastName: "เด็กหญิง"}} {
		row := r.rowOf(data.Household{Head: p}, nil)
		b.WriteString(row.nameKey)
		b.WriteByte(0)
	}
	return b.String()
}

func readRegister(b string) (*Register, string, error) {
	d := cacheReader{b: b}
	if d.str() != registerCacheMagic || d.err != nil || d.str() != keyProbe() || d.err != nil {
		return nil, "", errStale
	}
	stamp := d.str()
	if _, ok := parseRegisterState(stamp); !ok || d.err != nil {
		return nil, "", errStale
	}
	r := &Register{byID: map[uint64]int{}, subIndex: map[string]uint16{}}
	r.subNames = make([]string, d.count(1<<16-1))
	for i := range r.subNames {
		r.subNames[i] = d.str()
		if _, dup := r.subIndex[r.subNames[i]]; dup {
			d.fail()
		}
		r.subIndex[r.subNames[i]] = uint16(i)
	}
	n := d.count(1 << 26)
	briefs := d.count(1 << 28) // all the problems, in one slice the rows share
	r.rows = make([]registerRow, 0, min(n, len(b)/8))
	r.byID = make(map[uint64]int, min(n, len(b)/8))
	all := make([]problemBrief, 0, min(briefs, len(b)/4))
	for i := 0; i < n && d.err == nil; i++ {
		row := registerRow{id: d.uint()}
		row.houseCode, row.nationalID, row.name, row.nameKey, row.tambon, row.houseNo = d.str(), d.str(), d.str(), d.str(), d.str(), d.str()
		row.titleLen, row.firstLen = uint16(d.count(1<<16-1)), uint16(d.count(1<<16-1))
		if int(row.titleLen)+int(row.firstLen)+1 > len(row.name) {
			d.fail()
		}
		row.villageNo = d.count(1 << 20)
		row.origin = data.Origin(d.count(255))
		k := d.count(1 << 16)
		if len(all)+k > briefs {
			d.fail()
			break
		}
		from := len(all)
		for j := 0; j < k && d.err == nil; j++ {
			p := problemBrief{round: d.uint(), target: d.date()}
			if sub := d.uint(); sub < uint64(len(r.subNames)) {
				p.sub = uint16(sub)
			} else {
				d.fail()
			}
			v := d.uint()
			p.cat, p.status = data.Category(v>>16&0xff), data.Status(v>>8&0xff)
			p.urgent, p.carried, p.fresh = v&1 != 0, v&2 != 0, v&4 != 0
			all = append(all, p)
		}
		row.problems = all[from:len(all):len(all)]
		if i > 0 && row.id <= r.rows[len(r.rows)-1].id {
			d.fail() // the rows are in ID order, as a build makes them
		}
		r.finish(&row)
		r.byID[row.id] = len(r.rows)
		r.rows = append(r.rows, row)
	}
	if d.err == nil && d.i != len(b) {
		d.fail() // more than was written
	}
	if d.err != nil {
		return nil, "", d.err
	}
	return r, stamp, nil
}

type cacheWriter struct {
	w   *bufio.Writer
	buf [binary.MaxVarintLen64]byte
	err error
}

func (e *cacheWriter) uint(v uint64) {
	if e.err == nil {
		_, e.err = e.w.Write(e.buf[:binary.PutUvarint(e.buf[:], v)])
	}
}

func (e *cacheWriter) str(s string) {
	e.uint(uint64(len(s)))
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

// date is the day count since 1 Jan 1 CE plus one (0: no date).
func (e *cacheWriter) date(d data.Date) {
	if d.IsZero() {
		e.uint(0)
		return
	}
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	e.uint(uint64(t.Sub(cacheEpoch)/(24*time.Hour)) + 1)
}

var cacheEpoch = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

type cacheReader struct {
	b   string
	i   int
	err error
}

var errDamagedCache = errors.New("damaged search index file")

func (d *cacheReader) fail() {
	if d.err == nil {
		d.err = errDamagedCache
	}
}

func (d *cacheReader) uint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		if d.i >= len(d.b) {
			break
		}
		c := d.b[d.i]
		d.i++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	d.fail()
	return 0
}

// count reads a length, at most limit.
func (d *cacheReader) count(limit int) int {
	v := d.uint()
	if v > uint64(limit) {
		d.fail()
		return 0
	}
	return int(v)
}

// str is the next string, a slice of the file's one copy.
func (d *cacheReader) str() string {
	n := d.count(maxCacheString)
	if d.err != nil {
		return ""
	}
	if n > len(d.b)-d.i {
		d.fail()
		return ""
	}
	s := d.b[d.i : d.i+n]
	d.i += n
	return s
}

func (d *cacheReader) date() data.Date {
	v := d.uint()
	if v == 0 || d.err != nil {
		return data.Date{}
	}
	if v > 3_700_000 { // past 9999 CE
		d.fail()
		return data.Date{}
	}
	return data.DateOf(cacheEpoch.Add(time.Duration(v-1) * 24 * time.Hour))
}
