package app

import (
	"context"
	"sort"
	"strings"
	"sync"
	"unicode"

	"qmdesk/data"
)

// Register is the household list's search index: a compact copy of what
// the list searches and filters on, held in memory, so that typing a name
// or ticking a filter answers from a province of 1,000,000 problems without
// reading the database. The window builds it once when it opens, refreshes
// one household after an edit and rebuilds it after an import or undo.
type Register struct {
	mu       sync.RWMutex
	rows     []registerRow // by household ID
	byID     map[uint64]int
	subNames []string          // interned sub-problem names
	subIndex map[string]uint16 // name → index in subNames
	tambons  map[string]string // each tambon's code, once
}

type registerRow struct {
	id         uint64
	houseCode  string
	nationalID string
	name       string // title + first name + " " + surname, as stored (Entry trims it)
	titleLen   uint16 // the title's bytes at the start of name, then the first name's:
	firstLen   uint16 // what the saved index (register_cache.go) splits name back into
	nameMask   uint64 // runeMask(nameKey)
	nameKey    string // canonical title, first name, surname; lower case, without blanks: what a search compares (headKey)
	tambon     string
	houseNo    string
	villageNo  int
	origin     data.Origin
	problems   []problemBrief
}

type problemBrief struct {
	round   uint64
	target  data.Date
	sub     uint16
	cat     data.Category
	status  data.Status
	urgent  bool
	carried bool // carried into a later round, where its continuation is counted
	fresh   bool // found in its round, not in the 2565 survey
}

// RegisterQuery is what the clerk typed and ticked. Zero fields do not
// filter. A household matches when its text matches and, if any problem
// filter is set, at least one of its problems passes all of them.
type RegisterQuery struct {
	Text   string // national ID, house code (digits, Thai or Arabic) or part of the head's name
	Area   string // amphoe (CCAA) or tambon (CCAATT)
	Origin data.Origin
	// NewProblems keeps the problems found in their round, not in the 2565
	// survey: with Origin เดิม, the ที่มา "ปัญหาใหม่" of the workbooks.
	NewProblems bool
	RoundID     uint64
	Category    data.Category
	SubProblem  string
	Status      data.Status
	OpenOnly    bool // not started or in progress
	UrgentOnly  bool
	Overdue     bool      // open past the target date on Today
	Today       data.Date // for Overdue
}

func (q RegisterQuery) filtersProblems() bool {
	return q.RoundID != 0 || q.Category != 0 || q.SubProblem != "" || q.Status != 0 || q.OpenOnly || q.UrgentOnly || q.Overdue || q.NewProblems
}

// RegisterEntry is one line of the household list.
type RegisterEntry struct {
	HouseholdID uint64
	HouseCode   string
	NationalID  string // full: the screen masks it
	Name        string
	Tambon      string
	HouseNo     string
	VillageNo   int
	Origin      data.Origin
	Problems    int // problems passing the query's problem filters (all when none)
	All         int // every problem of the household, as its page lists them
	Open        int
	Urgent      int // urgent and still open
	Overdue     int
}

// RegisterSource is what the register is built from: every household with
// its problems in one read (Walk), and one household again after a change.
type RegisterSource interface {
	Walk(ctx context.Context, fn func(h data.Household, problems []data.Problem) error) error
	Household(ctx context.Context, id uint64) (data.Household, error)
	Problems(ctx context.Context, f data.ProblemFilter) ([]data.Problem, error)
}

// RegisterStore is RegisterSource with what names the database's state
// and the changes since (RegisterStamp, CatchUpRegister): the schema, the
// audit log and its anchor, and the households a problem or an import
// touched.
type RegisterStore interface {
	RegisterSource
	Meta(ctx context.Context) (data.Meta, error)
	AuditAnchor(ctx context.Context, seq uint64) (data.AuditAnchor, error)
	Audit(ctx context.Context, afterSeq uint64, limit int) ([]data.AuditEntry, error)
	Problem(ctx context.Context, id uint64) (data.Problem, error)
	ImportHouseholds(ctx context.Context, id uint64) ([]uint64, error)
}

// BuildRegister reads every household once. progress, when not nil, is
// told the number of households read so far, every 10,000. When some
// records cannot be read (EDAMAGED), the register of all the others comes
// back with that error.
func BuildRegister(ctx context.Context, store RegisterSource, progress func(households int)) (*Register, error) {
	r := &Register{subIndex: map[string]uint16{}}
	// Rows are gathered in chunks and put together once: a growing slice
	// of 660,000 rows was copied over and over (a second of the build).
	const chunk = 1 << 14
	var chunks [][]registerRow
	rows := make([]registerRow, 0, chunk)
	n := 0
	err := store.Walk(ctx, func(h data.Household, ps []data.Problem) error {
		if len(rows) == chunk {
			chunks, rows = append(chunks, rows), make([]registerRow, 0, chunk)
		}
		rows = append(rows, r.rowOf(h, ps))
		if n++; progress != nil && n%10_000 == 0 {
			progress(n)
		}
		return nil
	})
	if err != nil && data.ErrorCode(err) != data.EDAMAGED {
		return nil, err
	}
	r.rows = make([]registerRow, 0, n)
	for _, c := range append(chunks, rows) {
		r.rows = append(r.rows, c...)
	}
	r.byID = make(map[uint64]int, n)
	r.reindex()
	return r, err
}

// rowOf makes a household's row; the caller holds the write lock or owns r.
func (r *Register) rowOf(h data.Household, ps []data.Problem) registerRow {
	// The codes in one string of the row's own: a record read from the
	// store keeps all its strings in one allocation, which the index would
	// otherwise keep whole for the sake of these.
	codes := h.HouseCode + h.Head.NationalID + h.HouseNo
	a, b := len(h.HouseCode), len(h.HouseCode)+len(h.Head.NationalID)
	row := registerRow{
		id: h.ID, houseCode: codes[:a], nationalID: codes[a:b],
		name: h.Head.Title + h.Head.FirstName + " " + h.Head.LastName, titleLen: uint16(min(len(h.Head.Title), 1<<16-1)), firstLen: uint16(min(len(h.Head.FirstName), 1<<16-1)), tambon: r.tambon(h.TambonCode), houseNo: codes[b:], villageNo: h.VillageNo, origin: h.Origin,
		problems: make([]problemBrief, len(ps)),
	}
	row.nameKey = strings.Clone(headKey(h.Head.Title, h.Head.FirstName, h.Head.LastName)) // may be one of the record's strings
	r.finish(&row)
	for i, p := range ps {
		row.problems[i] = problemBrief{round: p.RoundID, target: p.TargetDate, sub: r.intern(p.SubProblem), cat: p.Category, status: p.Status, urgent: p.Urgent, carried: p.CarriedTo != 0,
			fresh: p.SurveyYear != 2565}
	}
	return row
}

// finish sets what a row derives cheaply from its stored fields, for a
// row made by rowOf and for one read from a saved index alike.
func (r *Register) finish(row *registerRow) { row.nameMask = runeMask(row.nameKey) }

// tambon is code as one string shared by every row of the tambon.
func (r *Register) tambon(code string) string {
	if t, ok := r.tambons[code]; ok {
		return t
	}
	if r.tambons == nil {
		r.tambons = map[string]string{}
	}
	code = strings.Clone(code)
	r.tambons[code] = code
	return code
}

func (r *Register) intern(name string) uint16 {
	if i, ok := r.subIndex[name]; ok {
		return i
	}
	if len(r.subNames) >= 1<<16-1 {
		return 1<<16 - 1 // an absurd number of names: the rest share one slot, which only weakens that filter
	}
	name = strings.Clone(name) // not the record it was read from
	r.subNames = append(r.subNames, name)
	r.subIndex[name] = uint16(len(r.subNames) - 1)
	return uint16(len(r.subNames) - 1)
}

func nameKey(s string) string {
	if plainKey(s) {
		return s
	}
	return strings.ToLower(strings.Join(strings.Fields(data.CleanText(s)), ""))
}

// plainKey tells a text nameKey leaves as it is: Thai with no mark typed
// twice in a row, and ASCII that is neither blank, control nor upper case.
// Most names are: building the index skips cleaning them.
func plainKey(s string) bool {
	var last rune
	for _, r := range s {
		switch {
		case r >= 0x0E01 && r <= 0x0E7F:
			if r == last && unicode.Is(unicode.Mn, r) {
				return false
			}
		case r <= ' ' || r >= 0x7F || r >= 'A' && r <= 'Z':
			return false
		}
		last = r
	}
	return true
}

// Refresh replaces one household's row (or removes it when the household
// is gone) after the window changed it.
func (r *Register) Refresh(ctx context.Context, store RegisterSource, id uint64) error {
	h, err := store.Household(ctx, id)
	gone := data.ErrorCode(err) == data.ENOTFOUND
	if err != nil && !gone {
		return err
	}
	var ps []data.Problem
	if !gone {
		if ps, err = store.Problems(ctx, data.ProblemFilter{HouseholdID: id}); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	i, known := r.byID[id]
	switch {
	case gone && known:
		r.rows = append(r.rows[:i], r.rows[i+1:]...)
		r.reindex()
	case gone:
	case known:
		r.rows[i] = r.rowOf(h, ps)
	default:
		r.rows = append(r.rows, r.rowOf(h, ps))
		sort.Slice(r.rows, func(a, b int) bool { return r.rows[a].id < r.rows[b].id })
		r.reindex()
	}
	return nil
}

func (r *Register) reindex() {
	clear(r.byID)
	for i, row := range r.rows {
		r.byID[row.id] = i
	}
}

// Len returns the number of households in the register.
func (r *Register) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.rows)
}

// SubProblemNames lists the sub-problems found in the register, sorted,
// for the filter's drop-down.
func (r *Register) SubProblemNames() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := append([]string(nil), r.subNames...)
	sort.Strings(out)
	return out
}

// Search returns the IDs of the matching households in ID order.
func (r *Register) Search(q RegisterQuery) []uint64 {
	m := r.matcher(q)
	r.mu.RLock()
	defer r.mu.RUnlock()
	sub := -1
	if q.SubProblem != "" {
		i, ok := r.subIndex[q.SubProblem]
		if !ok {
			return nil
		}
		sub = int(i)
	}
	out := make([]uint64, 0, 1024)
	for i := range r.rows {
		row := &r.rows[i]
		if !m.household(row) {
			continue
		}
		if q.filtersProblems() && m.problems(row, sub) == 0 {
			continue
		}
		out = append(out, row.id)
	}
	return out
}

// Entry returns one line of the list for a household found by Search, with
// its problems counted under the same query. ok is false when the household
// has gone since.
func (r *Register) Entry(id uint64, q RegisterQuery) (RegisterEntry, bool) {
	m := r.matcher(q)
	r.mu.RLock()
	defer r.mu.RUnlock()
	i, ok := r.byID[id]
	if !ok {
		return RegisterEntry{}, false
	}
	row := &r.rows[i]
	e := RegisterEntry{HouseholdID: row.id, HouseCode: row.houseCode, NationalID: row.nationalID, Name: strings.TrimSpace(row.name),
		Tambon: row.tambon, HouseNo: row.houseNo, VillageNo: row.villageNo, Origin: row.origin, All: len(row.problems)}
	sub := -1
	if j, ok := r.subIndex[q.SubProblem]; ok && q.SubProblem != "" {
		sub = int(j)
	}
	for _, p := range row.problems {
		if q.filtersProblems() && !m.problem(p, sub) || q.RoundID == 0 && p.carried {
			continue
		}
		e.Problems++
		if p.status.Open() {
			e.Open++
			if p.urgent {
				e.Urgent++
			}
			if !q.Today.IsZero() && !p.target.IsZero() && p.target.Before(q.Today) {
				e.Overdue++
			}
		}
	}
	return e, true
}

// matcher holds a query prepared once: the text split into what it can be.
type matcher struct {
	q      RegisterQuery
	digits string     // the text as ASCII digits, when it is only digits (and dashes, blanks)
	name   *nameQuery // the text as a name
}

func (r *Register) matcher(q RegisterQuery) matcher {
	m := matcher{q: q}
	t := strings.TrimSpace(data.ThaiToASCIIDigits(q.Text))
	if t == "" {
		return m
	}
	clean := strings.NewReplacer("-", "", " ", "").Replace(t)
	if clean != "" && strings.Trim(clean, "0123456789") == "" {
		m.digits = clean
	} else {
		nq := parseNameQuery(t)
		m.name = &nq
	}
	return m
}

func (m matcher) household(row *registerRow) bool {
	if m.q.Area != "" && !strings.HasPrefix(row.tambon, m.q.Area) {
		return false
	}
	if m.q.Origin != 0 && row.origin != m.q.Origin {
		return false
	}
	switch {
	case m.digits != "":
		// An ID or a house code is typed from its start; a short run of
		// digits may also be the middle of one (the last digits of an ID).
		return strings.Contains(row.nationalID, m.digits) || strings.Contains(row.houseCode, m.digits)
	case m.name != nil:
		return m.name.matches(row.nameKey, row.nameMask)
	}
	return true
}

func (m matcher) problems(row *registerRow, sub int) int {
	n := 0
	for _, p := range row.problems {
		if m.problem(p, sub) {
			n++
		}
	}
	return n
}

func (m matcher) problem(p problemBrief, sub int) bool {
	q := m.q
	switch {
	case q.RoundID != 0 && p.round != q.RoundID,
		q.RoundID == 0 && p.carried, // all rounds: the problem counts once, where its work goes on
		q.Category != 0 && p.cat != q.Category,
		sub >= 0 && int(p.sub) != sub,
		q.Status != 0 && p.status != q.Status,
		q.OpenOnly && !p.status.Open(),
		q.UrgentOnly && !p.urgent,
		q.NewProblems && !p.fresh:
		return false
	case q.Overdue:
		return p.status.Open() && !p.target.IsZero() && p.target.Before(q.Today)
	}
	return true
}

// NarrowsProblems tells whether the query filters problems, not only
// households: then a household's page puts the problems it matches first.
func (q RegisterQuery) NarrowsProblems() bool { return q.filtersProblems() }

// MatchesProblem tells whether one problem passes the query's problem
// filters, exactly as Search and Entry count it: the problems a list line
// counts are the ones the household's page puts first.
func (q RegisterQuery) MatchesProblem(p data.Problem) bool {
	if q.SubProblem != "" && p.SubProblem != q.SubProblem {
		return false
	}
	b := problemBrief{round: p.RoundID, target: p.TargetDate, cat: p.Category, status: p.Status, urgent: p.Urgent,
		carried: p.CarriedTo != 0, fresh: p.SurveyYear != 2565}
	return matcher{q: q}.problem(b, -1)
}
