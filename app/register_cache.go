package app

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"qmdesk/data"
)

// Building the register's search index reads every household and problem
// of the database (seconds on a whole province). The window therefore
// keeps a copy of what the index is built from in a file beside the
// database, named by the database's state (RegisterStamp), and at the next
// start reads that instead when the database is still in that state. The
// file holds names and national IDs as the database does: it is readable
// by the user only and sits in the same folder. Any doubt (another state,
// another version, a damaged file) means the index is built as before.

// registerCacheMagic starts the file; a change of layout changes it.
const registerCacheMagic = "qmdesk search index 1\n"

// maxCacheString bounds a string read back (a name, a code): a damaged
// length cannot make the reader allocate without end.
const maxCacheString = 4096

// RegisterStamp names the database's state: the audit log's last entry,
// which every change writes in its own transaction (so a later change
// always moves it), and the record counts.
func RegisterStamp(ctx context.Context, store data.Store) (string, error) {
	a, err := store.AuditAnchor(ctx, 0)
	if err != nil {
		return "", err
	}
	n, err := store.Sizes(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d/%s/%d/%d/%d", a.Seq, a.Hash, n.Households, n.Problems, n.Actions), nil
}

// cachedHousehold is what the index is built from, for one household.
type cachedHousehold struct {
	h  data.Household
	ps []data.Problem
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
		e.str(stamp)
		e.uint(uint64(len(r.subNames)))
		for _, s := range r.subNames {
			e.str(s)
		}
		e.uint(uint64(len(r.rows)))
		for i := range r.rows {
			row := &r.rows[i]
			e.uint(row.id)
			title, first, last := row.nameParts()
			for _, s := range []string{row.houseCode, row.nationalID, title, first, last, row.tambon, row.houseNo} {
				e.str(s)
			}
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

// LoadRegister reads the index saved at path when it was saved from the
// database in state stamp. ok is false when there is no such file, it is
// of another state or layout, or it cannot be read whole: then the index
// is built from the database.
func LoadRegister(path, stamp string) (r *Register, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	r, err = readRegister(bufio.NewReaderSize(f, 1<<20), stamp)
	return r, err == nil
}

var errStale = errors.New("search index of another state")

func readRegister(br *bufio.Reader, stamp string) (*Register, error) {
	d := cacheReader{r: br}
	if d.str() != registerCacheMagic || d.err != nil {
		return nil, errStale
	}
	if d.str() != stamp || d.err != nil {
		return nil, errStale
	}
	r := &Register{byID: map[uint64]int{}, subIndex: map[string]uint16{}}
	subs := make([]string, d.count(1<<16))
	for i := range subs {
		subs[i] = d.str()
	}
	n := d.count(1 << 26)
	r.rows = make([]registerRow, 0, min(n, 1<<20))
	for i := 0; i < n && d.err == nil; i++ {
		var c cachedHousehold
		c.h.ID = d.uint()
		for _, s := range []*string{&c.h.HouseCode, &c.h.Head.NationalID, &c.h.Head.Title, &c.h.Head.FirstName, &c.h.Head.LastName, &c.h.TambonCode, &c.h.HouseNo} {
			*s = d.str()
		}
		c.h.VillageNo = int(d.uint())
		c.h.Origin = data.Origin(d.uint())
		c.ps = make([]data.Problem, d.count(1<<16))
		for j := range c.ps {
			p := &c.ps[j]
			p.RoundID = d.uint()
			p.TargetDate = d.date()
			if sub := d.uint(); sub < uint64(len(subs)) {
				p.SubProblem = subs[sub]
			} else {
				d.fail()
			}
			v := d.uint()
			p.Category, p.Status = data.Category(v>>16&0xff), data.Status(v>>8&0xff)
			p.Urgent = v&1 != 0
			if v&2 != 0 {
				p.CarriedTo = 1 // the index keeps only that it was carried
			}
			if v&4 == 0 {
				p.SurveyYear = 2565
			}
		}
		if i > 0 && c.h.ID <= r.rows[len(r.rows)-1].id {
			d.fail() // the rows are in ID order, as a build makes them
		}
		if d.err == nil {
			r.byID[c.h.ID] = len(r.rows)
			r.rows = append(r.rows, r.rowOf(c.h, c.ps))
		}
	}
	if d.err == nil {
		if _, err := br.ReadByte(); err != io.EOF {
			d.fail() // more than was written
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
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
	r   *bufio.Reader
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
	v, err := binary.ReadUvarint(d.r)
	if err != nil {
		d.fail()
	}
	return v
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

func (d *cacheReader) str() string {
	n := d.count(maxCacheString)
	if d.err != nil || n == 0 {
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.fail()
		return ""
	}
	return string(b)
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

// nameParts splits the row's name back into the head's title, first name
// and surname.
func (row *registerRow) nameParts() (title, first, last string) {
	a, b := int(row.titleLen), int(row.titleLen)+int(row.firstLen)
	if b+1 > len(row.name) {
		return "", "", row.name // cannot happen for a row rowOf made
	}
	return row.name[:a], row.name[a:b], row.name[b+1:]
}
