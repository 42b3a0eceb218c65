package data

import (
	"encoding/binary"
	"iter"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"
)

// An ImportBatch keeps its records encoded, one after another, in chunks
// of memory that hold no pointers: a province file's plan is a few hundred
// thousand households, problems, actions and row fates, which as structs
// (100 to 350 bytes each, a dozen separately allocated strings, and the
// slices that hold them copied whole as they grow) took 1,300 bytes a row
// and kept the collector busy scanning them. Encoded they take about a
// quarter of that, and the collector never looks inside. A record read
// back is a copy: a change is stored with Set, which encodes it again.

// batchChunk is the size of one chunk of a batch's encoded records.
const batchChunk = 256 << 10

// maxShared bounds the table of short strings a batch stores once (sheet
// names, sub-problems, tambon codes, who changed a record): strings that
// repeat row after row. Past it, every string is stored where it is used.
const maxShared = 4096

// records is a batch's encoded storage: the chunks, each record after its
// length, and the shared strings. A record changed is stored again; the
// old one stays, counted in size, until the batch is dropped. The oldest
// chunks go to a temporary file once those in memory outgrow BatchMemory
// (batch_spill.go).
type records struct {
	chunks      [][]byte // nil for a chunk in the file
	size        int64    // bytes of the chunks in use
	kept        int64    // bytes of the chunks in memory
	spilled     int      // chunks in the file: the first ones
	offs        []int64  // where each of those starts in the file
	file        *spill
	failed      bool  // the file could not be made or written: the rest stays in memory
	err         error // why
	memory      int64 // bytes of chunks kept in memory; 0 for BatchMemory
	shared      []string
	sharedBytes int64 // memory of shared and index
	index       map[string]int
	enc         encoder // the record being encoded
}

// put stores an encoded record, after its length, and returns where it
// starts.
func (r *records) put(enc []byte) uint64 {
	var head [binary.MaxVarintLen64]byte
	h := binary.PutUvarint(head[:], uint64(len(enc)))
	need := h + len(enc)
	last := len(r.chunks) - 1
	if last < 0 || len(r.chunks[last])+need > cap(r.chunks[last]) {
		r.spillOld()
		r.chunks = append(r.chunks, make([]byte, 0, max(batchChunk, need)))
		r.kept += int64(cap(r.chunks[last+1]))
		last++
	}
	c := r.chunks[last]
	at := uint64(last)<<32 | uint64(len(c))
	c = append(c, head[:h]...)
	r.chunks[last] = append(c, enc...)
	r.size += int64(need)
	return at
}

// at reads the record at pos.
func (r *records) at(pos uint64) decoder {
	if int(pos>>32) < r.spilled {
		b, _ := r.spilledAt(pos)
		return decoder{b: b, shared: r.shared}
	}
	b := r.chunks[pos>>32][uint32(pos):]
	n, h := binary.Uvarint(b)
	return decoder{b: b[h : h+int(n)], shared: r.shared}
}

// length is how many bytes the record at pos takes.
func (r *records) length(pos uint64) int64 {
	if int(pos>>32) < r.spilled {
		_, n := r.spilledAt(pos)
		return n
	}
	n, h := binary.Uvarint(r.chunks[pos>>32][uint32(pos):])
	return int64(n) + int64(h)
}

// start begins encoding a record; store keeps it.
func (r *records) start() *encoder {
	if r.index == nil {
		r.index = map[string]int{}
	}
	r.enc.b, r.enc.r = r.enc.b[:0], r
	return &r.enc
}

func (r *records) store(e *encoder) uint64 { return r.put(e.b) }

// encoder appends the fields of one record.
type encoder struct {
	b []byte
	r *records
}

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// text stores a string where it is used. Thai letters, three bytes each
// in UTF-8, take one: 0x81–0xFE stand for U+0E01–U+0E7E (ASCII stays as
// it is); anything else that is not ASCII is 0xFF, a count and the bytes
// as they were, so that every string, valid UTF-8 or not, reads back the
// same.
func (e *encoder) text(s string) {
	n := len(e.b)
	e.b = append(e.b, 0, 0, 0, 0, 0) // room for the length, filled below
	start := len(e.b)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			e.b = append(e.b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r > 0x0E00 && r < 0x0E7F && size == 3 {
			e.b = append(e.b, byte(0x80+r-0x0E00))
		} else {
			e.b = append(e.b, 0xFF, byte(size))
			e.b = append(e.b, s[i:i+size]...)
		}
		i += size
	}
	// The length in front, as a varint: move the text back over the room
	// the varint does not need.
	size := len(e.b) - start
	lenBytes := binary.PutUvarint(e.b[n:start], uint64(size))
	copy(e.b[n+lenBytes:], e.b[start:])
	e.b = e.b[:n+lenBytes+size]
}

// word stores a string that repeats (a sheet, a sub-problem, a code) once
// per batch and refers to it.
func (e *encoder) word(s string) {
	if e.r == nil { // a record of the store (codec.go): no table, the string in place
		e.uint(0)
		e.text(s)
		return
	}
	if i, ok := e.r.index[s]; ok {
		e.uint(uint64(i) + 1)
		return
	}
	if len(e.r.shared) < maxShared && len(s) <= 256 {
		s = strings.Clone(s) // not a part of a longer string kept alive
		e.r.index[s] = len(e.r.shared)
		e.r.shared = append(e.r.shared, s)
		e.r.sharedBytes += int64(len(s)) + 64
		e.uint(uint64(len(e.r.shared)))
		return
	}
	e.uint(0)
	e.text(s)
}

func (e *encoder) date(d Date) {
	e.int(int64(d.Year))
	e.int(int64(d.Month))
	e.int(int64(d.Day))
}

// time keeps the instant and the zone's offset, as the store's JSON does,
// so that a record stored back after a change carries the same times as
// the one read.
func (e *encoder) time(t time.Time) {
	if t == (time.Time{}) {
		e.b = append(e.b, 0)
		return
	}
	bin, err := t.MarshalBinary()
	if err != nil { // a zone offset that is not whole minutes: keep the instant, in UTC
		bin, _ = t.UTC().MarshalBinary()
	}
	e.b = append(e.b, byte(len(bin)))
	e.b = append(e.b, bin...)
}

// decoder reads the fields of one record in the order they were written.
// Input that ends too soon or holds what no encoder writes (a store's
// record damaged on disk) makes it bad: every read after that gives zero
// values, and the caller asks bad once at the end, so that a damaged
// record is an error, never a panic.
type decoder struct {
	b      []byte
	shared []string
	bad    bool
	arena  []byte // room for the strings read (see text), or nil
}

func (d *decoder) fail() { d.b, d.bad = nil, true }

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bool() bool {
	if len(d.b) == 0 || d.b[0] > 1 {
		d.fail()
		return false
	}
	v := d.b[0] != 0
	d.b = d.b[1:]
	return v
}

// text reads what encoder.text wrote, made back into UTF-8: into the
// decoder's arena when it has one (a store's record: its strings share
// one allocation), else into one allocation of its own. The bytes under
// a string returned are never written again.
func (d *decoder) text() string {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	enc := d.b[:n]
	d.b = d.b[n:]
	if n == 0 {
		return ""
	}
	var out []byte
	if d.arena != nil {
		out = d.arena
	} else {
		wide := 0
		for _, c := range enc {
			if c >= utf8.RuneSelf {
				wide++
			}
		}
		if wide == 0 {
			return string(enc)
		}
		out = make([]byte, 0, len(enc)+2*wide)
	}
	for i := 0; i < len(enc); i++ {
		switch c := enc[i]; {
		case c < utf8.RuneSelf:
			out = append(out, c)
		case c == 0xFF:
			if i+1 >= len(enc) || i+2+int(enc[i+1]) > len(enc) {
				d.fail()
				return ""
			}
			size := int(enc[i+1])
			out = append(out, enc[i+2:i+2+size]...)
			i += 1 + size
		default: // U+0E01–U+0E7E: E0 B8 81 – E0 B9 BE
			r := 0x0E00 + int(c) - 0x80
			out = append(out, 0xE0, byte(0x80|r>>6&0x3F), byte(0x80|r&0x3F))
		}
	}
	if d.arena != nil {
		d.arena = out[len(out):]
	}
	if len(out) == 0 {
		return ""
	}
	return unsafe.String(&out[0], len(out))
}

func (d *decoder) skipText() {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail()
		return
	}
	d.b = d.b[n:]
}

func (d *decoder) skipWord() {
	if d.uint() == 0 {
		d.skipText()
	}
}

func (d *decoder) word() string {
	i := d.uint()
	if i == 0 {
		return d.text()
	}
	if i > uint64(len(d.shared)) {
		d.fail()
		return ""
	}
	return d.shared[i-1]
}

func (d *decoder) date() Date {
	y, m := d.int(), d.int()
	return Date{Year: int(y), Month: time.Month(m), Day: int(d.int())}
}

func (d *decoder) time() time.Time {
	if len(d.b) == 0 || int(d.b[0]) > len(d.b)-1 {
		d.fail()
		return time.Time{}
	}
	n := d.b[0]
	d.b = d.b[1:]
	if n == 0 {
		return time.Time{}
	}
	var t time.Time
	if t.UnmarshalBinary(d.b[:n]) != nil { // written by encoder.time
		d.fail()
		return time.Time{}
	}
	d.b = d.b[n:]
	return t
}

func (e *encoder) household(h *Household) {
	e.uint(h.ID)
	e.text(h.HouseCode)
	e.text(h.HouseNo)
	e.int(int64(h.VillageNo))
	e.word(h.VillageName)
	e.word(h.TambonCode)
	e.text(h.Head.NationalID)
	e.word(h.Head.Title)
	e.text(h.Head.FirstName)
	e.text(h.Head.LastName)
	e.text(h.Head.Phone)
	e.int(int64(h.Members))
	e.int(int64(h.Origin))
	e.time(h.CreatedAt)
	e.time(h.UpdatedAt)
	e.date(h.ChangedOn)
	e.word(h.ChangedBy)
	e.bool(h.IDCheckOverride)
	e.word(h.Unit)
}

func (d *decoder) household() (h Household) {
	h.ID = d.uint()
	h.HouseCode = d.text()
	h.HouseNo = d.text()
	h.VillageNo = int(d.int())
	h.VillageName = d.word()
	h.TambonCode = d.word()
	h.Head.NationalID = d.text()
	h.Head.Title = d.word()
	h.Head.FirstName = d.text()
	h.Head.LastName = d.text()
	h.Head.Phone = d.text()
	h.Members = int(d.int())
	h.Origin = Origin(d.int())
	h.CreatedAt = d.time()
	h.UpdatedAt = d.time()
	h.ChangedOn = d.date()
	h.ChangedBy = d.word()
	h.IDCheckOverride = d.bool()
	h.Unit = d.word()
	return h
}

func (e *encoder) problem(p *Problem) {
	e.uint(p.ID)
	e.uint(p.HouseholdID)
	e.uint(p.RoundID)
	e.int(int64(p.Category))
	e.word(p.SubProblem)
	e.text(p.Detail)
	e.bool(p.Urgent)
	e.bool(p.Sensitive)
	e.int(int64(p.SurveyYear))
	e.int(int64(p.ReXRay))
	e.int(int64(p.Status))
	e.text(p.CloseReason)
	e.date(p.TargetDate)
	e.word(p.LeadAgency)
	e.date(p.FoundOn)
	e.date(p.ResolvedOn)
	e.time(p.CreatedAt)
	e.time(p.UpdatedAt)
	e.date(p.ChangedOn)
	e.word(p.ChangedBy)
	e.uint(p.CarriedFrom)
	e.uint(p.CarriedTo)
	e.date(p.ThaiQMOn)
}

func (d *decoder) problem() (p Problem) {
	p.ID = d.uint()
	p.HouseholdID = d.uint()
	p.RoundID = d.uint()
	p.Category = Category(d.int())
	p.SubProblem = d.word()
	p.Detail = d.text()
	p.Urgent = d.bool()
	p.Sensitive = d.bool()
	p.SurveyYear = int(d.int())
	p.ReXRay = ReXRay(d.int())
	p.Status = Status(d.int())
	p.CloseReason = d.text()
	p.TargetDate = d.date()
	p.LeadAgency = d.word()
	p.FoundOn = d.date()
	p.ResolvedOn = d.date()
	p.CreatedAt = d.time()
	p.UpdatedAt = d.time()
	p.ChangedOn = d.date()
	p.ChangedBy = d.word()
	p.CarriedFrom = d.uint()
	p.CarriedTo = d.uint()
	p.ThaiQMOn = d.date()
	return p
}

func (e *encoder) action(a *Action) {
	e.uint(a.ID)
	e.uint(a.ProblemID)
	e.date(a.Date)
	e.word(a.Agency)
	e.text(a.What)
	e.int(a.Budget)
	e.int(int64(a.Result))
	e.text(a.Note)
	e.word(a.RecordedBy)
	e.time(a.RecordedAt)
	e.date(a.ThaiQMOn)
}

func (d *decoder) action() (a Action) {
	a.ID = d.uint()
	a.ProblemID = d.uint()
	a.Date = d.date()
	a.Agency = d.word()
	a.What = d.text()
	a.Budget = d.int()
	a.Result = Status(d.int())
	a.Note = d.text()
	a.RecordedBy = d.word()
	a.RecordedAt = d.time()
	a.ThaiQMOn = d.date()
	return a
}

// row stores a row's fate; review, when not 0, is 1 + the review whose
// reason is the row's, stored there only.
func (e *encoder) row(r *RowResult, review int) {
	e.word(r.Sheet)
	e.int(int64(r.Row))
	e.word(string(r.Fate))
	e.word(r.Column)
	e.text(r.Value)
	e.uint(uint64(review))
	if review == 0 {
		e.text(r.Reason)
		e.text(r.ReasonEnglish)
	}
	e.uint(r.Problem)
	e.bool(r.ForProvince)
}

func (d *decoder) row(b *ImportBatch) (r RowResult) {
	r.Sheet = d.word()
	r.Row = int(d.int())
	r.Fate = Fate(d.word())
	r.Column = d.word()
	r.Value = d.text()
	if review := d.uint(); review == 0 {
		r.Reason = d.text()
		r.ReasonEnglish = d.text()
	} else {
		rd := b.recs.at(b.reviews[review-1])
		r.Reason = rd.text()
		r.ReasonEnglish = rd.text()
	}
	r.Problem = d.uint()
	r.ForProvince = d.bool()
	return r
}

// review stores a row sent to review, its reason first, in Thai then in
// English (a row's fate reads it from there).
func (e *encoder) review(r *Review) {
	e.text(r.Reason)
	e.text(r.ReasonEnglish)
	e.uint(r.ID)
	e.uint(r.ImportID)
	e.word(r.Kind)
	e.word(r.Sheet)
	e.int(int64(r.Row))
	e.uint(uint64(len(r.Conflicts)))
	for i := range r.Conflicts {
		c := &r.Conflicts[i]
		e.word(c.Field)
		e.word(c.Name)
		e.text(c.Workbook)
		e.text(c.Current)
		e.word(c.ChangedBy)
		e.time(c.ChangedAt)
		e.word(c.NameEnglish)
		e.text(c.WorkbookEnglish)
		e.text(c.CurrentEnglish)
	}
	e.text(r.Written)
	e.uint(uint64(len(r.Candidates)))
	for _, c := range r.Candidates {
		e.uint(c)
	}
	e.household(&r.Household)
	e.problem(&r.Problem)
	e.bool(r.Action != nil)
	if r.Action != nil {
		e.action(r.Action)
	}
	e.date(r.AsOf)
	e.word(r.Decision)
	e.word(r.DecidedBy)
	e.time(r.DecidedAt)
	e.bool(r.Result != nil)
	if r.Result != nil {
		e.row(r.Result, 0)
	}
}

func (d *decoder) review(b *ImportBatch) (r Review) {
	r.Reason = d.text()
	r.ReasonEnglish = d.text()
	r.ID = d.uint()
	r.ImportID = d.uint()
	r.Kind = d.word()
	r.Sheet = d.word()
	r.Row = int(d.int())
	if n := d.uint(); n > 0 {
		r.Conflicts = make([]FieldConflict, n)
		for i := range r.Conflicts {
			c := &r.Conflicts[i]
			c.Field = d.word()
			c.Name = d.word()
			c.Workbook = d.text()
			c.Current = d.text()
			c.ChangedBy = d.word()
			c.ChangedAt = d.time()
			c.NameEnglish = d.word()
			c.WorkbookEnglish = d.text()
			c.CurrentEnglish = d.text()
		}
	}
	r.Written = d.text()
	if n := d.uint(); n > 0 {
		r.Candidates = make([]uint64, n)
		for i := range r.Candidates {
			r.Candidates[i] = d.uint()
		}
	}
	r.Household = d.household()
	r.Problem = d.problem()
	if d.bool() {
		a := d.action()
		r.Action = &a
	}
	r.AsOf = d.date()
	r.Decision = d.word()
	r.DecidedBy = d.word()
	r.DecidedAt = d.time()
	if d.bool() {
		res := d.row(b)
		r.Result = &res
	}
	return r
}

// A BatchPart is one list of a batch, in the order a commit writes them:
// the records, then the rows sent to review and the fates of the rows.
type BatchPart int

const (
	PartHouseholds BatchPart = iota
	PartProblems
	PartActions
	PartReviews
	PartRows
)

// Parts lists the parts of a batch in the order a commit writes them.
var Parts = []BatchPart{PartHouseholds, PartProblems, PartActions, PartReviews, PartRows}

func (b *ImportBatch) list(p BatchPart) []uint64 {
	switch p {
	case PartHouseholds:
		return b.households
	case PartProblems:
		return b.problems
	case PartActions:
		return b.actions
	case PartReviews:
		return b.reviews
	case PartRows:
		return b.rows
	}
	return nil
}

// Len is how many entries part p holds.
func (b *ImportBatch) Len(p BatchPart) int { return len(b.list(p)) }

// ChunkEnd is where a chunk of part p that starts at from ends: after at
// most most entries, and, past the first, before the chunk's entries
// take more than size bytes as encoded (about a third of their JSON when
// their text is Thai).
func (b *ImportBatch) ChunkEnd(p BatchPart, from, most int, size int64) int {
	l := b.list(p)
	end := min(from+most, len(l))
	var n int64
	for i := from; i < end; i++ {
		n += b.recs.length(l[i])
		if p == PartRows {
			if r := b.rowReview(i); r > 0 { // its reason is stored with the review, and written with the row
				n += b.recs.length(b.reviews[r-1])
			}
		}
		if n > size && i > from {
			return i
		}
	}
	return end
}

// rowReview is 1 + the review whose reason row i's is, or 0.
func (b *ImportBatch) rowReview(i int) int {
	d := b.recs.at(b.rows[i])
	d.skipWord() // sheet
	d.int()      // row
	d.skipWord() // fate
	d.skipWord() // column
	d.skipText() // value
	return int(d.uint())
}

// NumHouseholds is how many households the batch refers to.
func (b *ImportBatch) NumHouseholds() int { return len(b.households) }

// Household returns household i of the batch.
func (b *ImportBatch) Household(i int) HouseholdChange {
	d := b.recs.at(b.households[i])
	hc := HouseholdChange{Op: d.word()}
	hc.Seen = d.time()
	hc.Household = d.household()
	hc.AsOf = d.date()
	return hc
}

// AddHousehold adds a household to the batch and returns its index, which
// problems refer to (ProblemChange.HouseholdRef).
func (b *ImportBatch) AddHousehold(hc HouseholdChange) int {
	b.households = append(b.households, b.encodeHousehold(&hc))
	return len(b.households) - 1
}

// SetHousehold replaces household i.
func (b *ImportBatch) SetHousehold(i int, hc HouseholdChange) {
	b.households[i] = b.encodeHousehold(&hc)
}

func (b *ImportBatch) encodeHousehold(hc *HouseholdChange) uint64 {
	e := b.recs.start()
	e.word(hc.Op)
	e.time(hc.Seen)
	e.household(&hc.Household)
	e.date(hc.AsOf)
	return b.recs.store(e)
}

// NumProblems is how many problems the batch refers to.
func (b *ImportBatch) NumProblems() int { return len(b.problems) }

// Problem returns problem i of the batch.
func (b *ImportBatch) Problem(i int) ProblemChange {
	d := b.recs.at(b.problems[i])
	pc := ProblemChange{Op: d.word(), HouseholdRef: int(d.int())}
	pc.Seen = d.time()
	pc.Problem = d.problem()
	pc.AsOf = d.date()
	return pc
}

// AddProblem adds a problem to the batch and returns its index, which
// actions refer to (ActionChange.ProblemRef).
func (b *ImportBatch) AddProblem(pc ProblemChange) int {
	b.problems = append(b.problems, b.encodeProblem(&pc))
	return len(b.problems) - 1
}

// SetProblem replaces problem i.
func (b *ImportBatch) SetProblem(i int, pc ProblemChange) {
	b.problems[i] = b.encodeProblem(&pc)
}

func (b *ImportBatch) encodeProblem(pc *ProblemChange) uint64 {
	e := b.recs.start()
	e.word(pc.Op)
	e.int(int64(pc.HouseholdRef))
	e.time(pc.Seen)
	e.problem(&pc.Problem)
	e.date(pc.AsOf)
	return b.recs.store(e)
}

// NumActions is how many actions the batch appends.
func (b *ImportBatch) NumActions() int { return len(b.actions) }

// Action returns action i of the batch.
func (b *ImportBatch) Action(i int) ActionChange {
	d := b.recs.at(b.actions[i])
	return ActionChange{ProblemRef: int(d.int()), Action: d.action()}
}

// AddAction adds an action to the batch.
func (b *ImportBatch) AddAction(ac ActionChange) int {
	e := b.recs.start()
	e.int(int64(ac.ProblemRef))
	e.action(&ac.Action)
	b.actions = append(b.actions, b.recs.store(e))
	return len(b.actions) - 1
}

// NumRows is how many row fates the batch holds.
func (b *ImportBatch) NumRows() int { return len(b.rows) }

// Row returns the fate of row i of the batch (in the order they were
// added, not the spreadsheet's row number).
func (b *ImportBatch) Row(i int) RowResult {
	d := b.recs.at(b.rows[i])
	return d.row(b)
}

// AddRow adds the fate of a row. The reason of a row sent to review is
// the review's (added just before), stored once.
func (b *ImportBatch) AddRow(r RowResult) {
	review := 0
	if r.Fate == FateReview && len(b.reviews) > 0 && (Sentence{r.Reason, r.ReasonEnglish}) == b.lastReason {
		review = len(b.reviews)
	}
	e := b.recs.start()
	e.row(&r, review)
	b.rows = append(b.rows, b.recs.store(e))
}

// RowResults yields the fate of every row, in the order they were added.
func (b *ImportBatch) RowResults() iter.Seq[RowResult] {
	return func(yield func(RowResult) bool) {
		for i := range b.rows {
			if !yield(b.Row(i)) {
				return
			}
		}
	}
}

// NumReviews is how many rows wait for the clerk's decision.
func (b *ImportBatch) NumReviews() int { return len(b.reviews) }

// Review returns review i of the batch.
func (b *ImportBatch) Review(i int) Review {
	d := b.recs.at(b.reviews[i])
	return d.review(b)
}

// AddReview adds a row that waits for the clerk's decision.
func (b *ImportBatch) AddReview(r Review) {
	e := b.recs.start()
	e.review(&r)
	b.reviews = append(b.reviews, b.recs.store(e))
	b.lastReason = Sentence{r.Reason, r.ReasonEnglish}
}

// Bytes is about how much the batch's records take, in memory and in its
// temporary file: what a plan holds until it is committed (InMemory is the
// part in memory).
func (b *ImportBatch) Bytes() int64 {
	return b.recs.bytes() + int64(8*(len(b.households)+len(b.problems)+len(b.actions)+len(b.rows)+len(b.reviews)))
}

func (r *records) bytes() int64 { return r.size + r.sharedBytes }

// Records keeps problems and actions read from the store encoded, as a
// batch keeps its own: a dry run that matches a province's households
// holds the stored problems of each, and the actions of those a row adds
// to, to compare the rows with. Add returns where a record is, for
// reading it back.
type Records struct{ recs records }

// AddProblem stores a problem.
func (r *Records) AddProblem(p Problem) uint64 {
	e := r.recs.start()
	e.problem(&p)
	return r.recs.store(e)
}

// Problem reads back the problem stored at pos.
func (r *Records) Problem(pos uint64) Problem {
	d := r.recs.at(pos)
	return d.problem()
}

// AddAction stores an action.
func (r *Records) AddAction(a Action) uint64 {
	e := r.recs.start()
	e.action(&a)
	return r.recs.store(e)
}

// Action reads back the action stored at pos.
func (r *Records) Action(pos uint64) Action {
	d := r.recs.at(pos)
	return d.action()
}

// Bytes is about how much the records take, in memory and in their
// temporary file.
func (r *Records) Bytes() int64 { return r.recs.bytes() }
