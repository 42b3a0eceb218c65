package data

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// Store is the household register: every record of one province's
// programme. With ImportLedger it is the whole contract a store
// implementation provides (the bbolt one lives in data/bolt); each part of
// the program takes a small interface of its own, of what it uses
// (app.ProgressStore, app.ImportStore, ui.Store, ...), which every Store
// with an ImportLedger satisfies (cmd/qmdesk checks it).
type Store interface {
	Meta(ctx context.Context) (Meta, error)
	// Init sets up a new database for a province with its first round.
	Init(ctx context.Context, province string, round Round) (Meta, error)

	Rounds(ctx context.Context) ([]Round, error)
	Round(ctx context.Context, id uint64) (Round, error)
	CreateRound(ctx context.Context, r *Round) error
	// SetCurrentRound makes a round the current one: the dashboard opens
	// on it and imports go into it.
	SetCurrentRound(ctx context.Context, id uint64) error
	// CarryOver continues every open problem of round from in round to:
	// a new problem with the same household, category and sub-problem,
	// its status, and CarriedFrom pointing at the old one, whose
	// CarriedTo points back; the old problem stays in its round as it was.
	// Problems already carried are skipped. All or nothing.
	CarryOver(ctx context.Context, from, to uint64) (int, error)
	// StartRound adds round r, makes it the current round and, when
	// carryFrom is not 0, carries that round's open problems into it, all
	// in one transaction. It returns how many problems were carried.
	StartRound(ctx context.Context, r *Round, carryFrom uint64) (int, error)

	SubProblems(ctx context.Context) (SubProblemList, error)
	SetSubProblems(ctx context.Context, l SubProblemList) error

	// Units returns the province's municipalities (UnitList); SetUnits
	// replaces the list, validated by the caller against the geography.
	Units(ctx context.Context) (UnitList, error)
	SetUnits(ctx context.Context, l UnitList) error

	CreateHousehold(ctx context.Context, h *Household) error
	Household(ctx context.Context, id uint64) (Household, error)
	// UpdateHousehold stores h. h.UpdatedAt is the household's stamp as the
	// caller read it: when the stored one is another (someone changed it
	// meanwhile), the change is refused with a StaleError and nothing is
	// changed, audit included. On success h is as stored, with a new
	// UpdatedAt (every change of a record gets one of its own, even on a
	// clock that has not moved).
	UpdateHousehold(ctx context.Context, h *Household) error
	Households(ctx context.Context, f HouseholdFilter) ([]Household, error)
	HouseholdsByHouseCode(ctx context.Context, code string) ([]Household, error)
	HouseholdsByNationalID(ctx context.Context, id string) ([]Household, error)
	// Walk calls fn for every household in ID order with its problems of
	// every round, inside one read transaction: a consistent snapshot for
	// building the register's search index. fn must not keep problems.
	Walk(ctx context.Context, fn func(h Household, problems []Problem) error) error
	// WalkActions calls fn for every action, by problem then in the order
	// recorded, inside one read transaction.
	WalkActions(ctx context.Context, fn func(a Action) error) error
	// Sizes counts the records, cheaply (from the file's pages, without
	// reading them).
	Sizes(ctx context.Context) (Sizes, error)

	CreateProblem(ctx context.Context, p *Problem) error
	Problem(ctx context.Context, id uint64) (Problem, error)
	// UpdateProblem stores p; a change of status also appends an action
	// that records it. A problem of a round that is not the current one
	// (or that was carried into a later round) is refused: its round keeps
	// the figures it ended with. p.UpdatedAt is checked, and set on
	// success, as UpdateHousehold does.
	UpdateProblem(ctx context.Context, p *Problem) error
	Problems(ctx context.Context, f ProblemFilter) ([]Problem, error)

	// AddAction appends an action; an action with a Result also moves the
	// problem to that status (closing needs the reason in a.Note). Refused
	// as UpdateProblem is for a problem of an earlier round. An action with
	// a Seen (the problem's UpdatedAt as the caller showed it) is refused
	// with a StaleError, nothing changed, when the problem changed since;
	// a zero Seen is not checked.
	AddAction(ctx context.Context, a *Action) error
	// MarkThaiQM marks problems' results, with their actions not yet
	// marked, as keyed into ThaiQM on a day (a zero day takes the
	// problems' marks off), each with its audit entry. Problems of an
	// earlier round are left as they are; it returns how many changed.
	MarkThaiQM(ctx context.Context, problemIDs []uint64, on Date) (int, error)
	// MarkActionThaiQM marks one action as keyed into ThaiQM on a day.
	MarkActionThaiQM(ctx context.Context, problemID, actionID uint64, on Date) error
	Actions(ctx context.Context, problemID uint64) ([]Action, error)

	// AgencyAliases returns the clerk's merges of agency names;
	// MergeAgency adds one (with its audit entry). Actions keep the name
	// they were recorded with: merges apply to the report only.
	AgencyAliases(ctx context.Context) (AgencyAliases, error)
	MergeAgency(ctx context.Context, from, into string) error
	// UnmergeAgency takes a merge back (with its audit entry).
	UnmergeAgency(ctx context.Context, from string) error
	// AgencyWork calls fn for each action naming an agency of the round's
	// problems in area ("": the province; an amphoe or tambon code), in
	// problem order, inside one read transaction.
	AgencyWork(ctx context.Context, roundID uint64, area string, fn func(w AgencyWork) error) error

	// Load stores many households with their problems and actions in one
	// transaction: all or nothing.
	Load(ctx context.Context, bundles []Bundle) error
	// LoadAll stores the households fill hands to load, each batch its own
	// transaction, whole or not at all: a failure, a cancel of ctx or a
	// crash before fill returns takes every batch back out (after a crash,
	// the next open does, before anyone reads). It is the demo's load: the
	// database is marked as demo data (Meta.Demo) once the load is in.
	LoadAll(ctx context.Context, fill func(load func([]Bundle) error) error) error
	// LoadAllUnits is LoadAll that also sets the province's
	// municipalities, in the load's first transaction, so the loaded
	// households find them; a load taken back puts the list back as it
	// was.
	LoadAllUnits(ctx context.Context, units UnitList, fill func(load func([]Bundle) error) error) error

	// Counts returns the running counters of a round, and open problems by
	// target date for dates before dueBefore (the overdue ones).
	Counts(ctx context.Context, roundID uint64, dueBefore Date) (RoundCounts, error)
	// History returns, for a round, how many problems entered the
	// programme and how many left the open statuses, by day and tambon.
	History(ctx context.Context, roundID uint64) (RoundHistory, error)
	// UnitCounts and UnitHistory are Counts and History by municipality:
	// a unit's code where those have a tambon. A household in a
	// municipality counts in both; never add the two together.
	UnitCounts(ctx context.Context, roundID uint64, dueBefore Date) (RoundCounts, error)
	UnitHistory(ctx context.Context, roundID uint64) (RoundHistory, error)

	// Log appends an audit entry for something that is not a change of a
	// record: an unmask, an export, a backup.
	Log(ctx context.Context, op, entity string, id uint64, note string) error
	Audit(ctx context.Context, afterSeq uint64, limit int) ([]AuditEntry, error)
	// AuditAnchor names entry seq of the audit log (0: the last one) by
	// its seal, as the file holds it now: printed on a meeting pack, it
	// lets a later check tell that the log still holds that entry.
	AuditAnchor(ctx context.Context, seq uint64) (AuditAnchor, error)

	Check(ctx context.Context) (CheckReport, error)
	// Repair copies the file into backupDir first, then mends the records
	// it cannot read where their own stamps tell the right value, sets
	// aside (quarantines) those it cannot mend, and rebuilds every index
	// and counter from the records, in one transaction.
	Repair(ctx context.Context, backupDir string) (RepairReport, error)
	// Backup copies the database, as it was at one committed moment, to
	// path while it stays open. The copy is checked for what was written
	// (read back, opened), not record by record, so that a database with
	// a damaged record can still be backed up. progress (nil: none) gets
	// the bytes of work done and in all; a cancelled ctx leaves no file.
	Backup(ctx context.Context, path string, progress func(done, total int64)) error
	Close() error
}

// AgencyWork is one action of an agency on a problem, with what the
// agencies' report needs of the problem.
type AgencyWork struct {
	ProblemID uint64
	Category  Category
	Solved    bool // แก้ไขแล้ว or แก้ไขได้ด้วยตนเอง now
	Agency    string
	Budget    int64 // satang
}

// Sizes is how many records a database holds.
type Sizes struct {
	Households, Problems, Actions int
}

// Meta describes a database.
type Meta struct {
	Province      string    `json:"province"` // CC
	SchemaVersion int       `json:"schema_version"`
	DefaultRound  uint64    `json:"default_round"`
	CreatedAt     time.Time `json:"created_at"`
	// Demo marks a database made by `qmdesk demo` (set by LoadAll): its
	// printouts say "ข้อมูลตัวอย่าง" on every page.
	Demo bool `json:"demo,omitempty"`
}

// Bundle is a household with its problems, for Load.
type Bundle struct {
	Household Household
	Problems  []ProblemBundle
}

// ProblemBundle is a problem with its actions, for Load.
type ProblemBundle struct {
	Problem Problem
	Actions []Action
}

// HouseholdFilter selects households: those with an ID after After, at
// most Limit (0: no limit). Without an AreaCode they come in ID order, so
// After pages through them; with one they come tambon by tambon in code
// order, each tambon's in ID order, so After skips by ID within each
// tambon and is no way to page (no caller pages by area).
type HouseholdFilter struct {
	AreaCode string // CC, CCAA or CCAATT prefix; "" for all
	After    uint64
	Limit    int
}

// ProblemFilter selects problems of a round. Zero fields do not filter.
type ProblemFilter struct {
	RoundID     uint64
	HouseholdID uint64
	AreaCode    string // amphoe or tambon code prefix
	Category    Category
	Status      Status
	UrgentOnly  bool
	OverdueOn   Date // open problems whose target date is before this day
	Limit       int
}

// StatusCount is one running counter: problems of a round in a tambon,
// category, status and urgency.
type StatusCount struct {
	Tambon   string
	Category Category
	Status   Status
	Urgent   bool
	N        int64
}

// HouseholdCount counts households with at least one problem of a round in
// a tambon and category (Category 0: any category).
type HouseholdCount struct {
	Tambon   string
	Category Category
	N        int64
}

// DueCount counts open problems of a round by target date.
type DueCount struct {
	Target   Date
	Tambon   string
	Category Category
	Urgent   bool
	N        int64
}

// CarriedCount counts open problems of a round in a tambon and category
// that were carried into a later round.
type CarriedCount struct {
	Tambon   string
	Category Category
	N        int64
}

// RoundCounts is everything progress reports need, read without touching
// a single record.
type RoundCounts struct {
	Status     []StatusCount
	Households []HouseholdCount
	Due        []DueCount
	Carried    []CarriedCount
	ReXRay     []ReXRayCount
	NewCases   []NewCaseCount
	ThaiQM     []ThaiQMCount
}

// ReXRayCount counts problems of a round in a tambon and category by their
// Re-X-Ray result (problems carried over from the 2565 survey that were
// re-checked; ReXRayNone is never counted).
type ReXRayCount struct {
	Tambon   string
	Category Category
	Result   ReXRay
	N        int64
}

// DateCount counts problems of a tambon on a day. A zero Date in Added
// means "carried over from the survey": there from the round's start.
type DateCount struct {
	Date   Date
	Tambon string
	N      int64
}

// RoundHistory is what a chart of open problems over time needs, read
// from running counters.
type RoundHistory struct {
	Added    []DateCount
	Resolved []DateCount
	// Solved is the part of Resolved that left solved (แก้ไขแล้ว or
	// แก้ไขได้ด้วยตนเอง), not closed.
	Solved []DateCount
}

// AuditEntry is one line of the tamper-evident log.
type AuditEntry struct {
	Seq    uint64          `json:"seq"`
	At     time.Time       `json:"at"`
	Who    string          `json:"who"`
	Op     string          `json:"op"`     // create, update, status, action, load, unmask, export, backup, restore
	Entity string          `json:"entity"` // household, problem, action, round, subproblems, database
	ID     uint64          `json:"id,omitempty"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
	Note   string          `json:"note,omitempty"`
	// Key names the installation key that sealed the entry (the first
	// bytes of its hash); empty for entries of versions before the seal.
	Key string `json:"key,omitempty"`
}

// NewAuditEntry is an entry of the log before a store numbers and seals
// it: what was done (op) to which record, by whom and when, with the
// record before and after as JSON (nil: none).
func NewAuditEntry(at time.Time, who, op, entity string, id uint64, before, after any, note string) (AuditEntry, error) {
	e := AuditEntry{At: at, Who: who, Op: op, Entity: entity, ID: id, Note: note}
	var err error
	if before != nil {
		if e.Before, err = json.Marshal(before); err != nil {
			return e, err
		}
	}
	if after != nil {
		if e.After, err = json.Marshal(after); err != nil {
			return e, err
		}
	}
	return e, nil
}

// CheckReport is what Check found. OK is true when Problems is empty.
type CheckReport struct {
	Households   int64    `json:"households"`
	ProblemCount int64    `json:"problems"`
	Actions      int64    `json:"actions"`
	AuditEntries int64    `json:"audit_entries"`
	Problems     []string `json:"findings"`
	// Unreadable names, in Thai, the records that cannot be read (they
	// are among Problems too).
	Unreadable []string `json:"unreadable,omitempty"`
	// DamagedPages: the file's pages themselves are damaged (among
	// Problems); the records were not read, and only a backup mends it.
	DamagedPages bool `json:"damaged_pages,omitempty"`
	// Audit is what the check of the audit log established.
	Audit AuditCheck `json:"audit"`
	// StrandedReviews names, in Thai with what to do, the rows waiting
	// for review that name a household or a problem no longer in the
	// register (a database written before undo refused that can hold
	// them): the clerk settles them as rejected. They are not damage:
	// they do not fail the check, and a repair does not decide them.
	StrandedReviews []string `json:"stranded_reviews,omitempty"`
}

// AuditCheck is what the check of the audit log established.
type AuditCheck struct {
	Head AuditAnchor `json:"head"` // the last entry (zero: an empty log)
	// Tampered: entries were changed, removed, cut off or forged, or the
	// log disagrees with its anchor or with the import ledger. The
	// findings, in English, are among Problems; AuditTamperedAdvice says
	// in Thai what it means and what to do.
	Tampered bool `json:"tampered,omitempty"`
	// Unverified says, in Thai, what this computer could not verify and
	// why (a key of another computer, a missing anchor file). It is not a
	// fault found in the file and does not fail the check.
	Unverified []string `json:"unverified,omitempty"`
}

// AuditTamperedAdvice tells a clerk whose audit log failed its check what
// that means and what to do.
const AuditTamperedAdvice = "บันทึกการแก้ไข (ประวัติว่าใครแก้ไขอะไร เมื่อใด) ในไฟล์นี้ถูกแก้ไข ตัดทอน หรือลบ โดยไม่ผ่านโปรแกรม qmdesk " +
	"ประวัติในไฟล์นี้จึงเชื่อถือไม่ได้ สิ่งที่ต้องทำ: (1) อย่าลบหรือแก้ไขไฟล์ฐานข้อมูลและไฟล์ .audit ที่อยู่คู่กัน เก็บไว้เป็นหลักฐาน " +
	"(2) แจ้งหัวหน้างานและเจ้าหน้าที่ไอทีของจังหวัด (3) ตรวจไฟล์สำรองในโฟลเดอร์ backups ด้วยคำสั่ง qmdesk check --db ไฟล์สำรอง " +
	"หาฉบับล่าสุดที่ผ่านการตรวจ แล้วนำมาเทียบกับไฟล์นี้ " +
	"ถ้าคุณเพิ่งคัดลอกไฟล์สำรองมาวางแทนฐานข้อมูลด้วยตนเอง ให้เรียกคืนด้วยคำสั่ง qmdesk restore แทน แล้วตรวจใหม่"

// AuditTamperedAdviceServer is AuditTamperedAdvice for a shared
// database on a PostgreSQL server: no file, no .audit file, no backups
// folder; the server's administrator keeps and checks its copies.
const AuditTamperedAdviceServer = "บันทึกการแก้ไข (ประวัติว่าใครแก้ไขอะไร เมื่อใด) ในฐานข้อมูลกลางนี้ถูกแก้ไข ตัดทอน หรือลบ โดยไม่ผ่านโปรแกรม qmdesk " +
	"ประวัติในฐานข้อมูลนี้จึงเชื่อถือไม่ได้ สิ่งที่ต้องทำ: (1) อย่าลบหรือแก้ไขข้อมูลในฐานข้อมูลกลางนี้ เก็บไว้เป็นหลักฐาน " +
	"(2) แจ้งหัวหน้างานและผู้ดูแลเซิร์ฟเวอร์ (3) ให้ผู้ดูแลเซิร์ฟเวอร์ตรวจสำเนาสำรองของฐานข้อมูลกลางด้วยคำสั่ง qmdesk check " +
	"หาฉบับล่าสุดที่ผ่านการตรวจ แล้วนำมาเทียบกับฐานข้อมูลนี้"

// AuditAnchor names one entry of the audit log by its number and its
// seal (the 32-byte hash or HMAC that chains it to the entries before).
type AuditAnchor struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"` // hex
}

// Short is the anchor's seal as printed on paper: its first 16 hex digits
// in groups of four, enough that no one can make another log match it.
func (a AuditAnchor) Short() string {
	h := a.Hash
	if len(h) > 16 {
		h = h[:16]
	}
	var b strings.Builder
	for i := 0; i < len(h); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(h[i:min(i+4, len(h))])
	}
	return b.String()
}

func (r CheckReport) OK() bool { return len(r.Problems) == 0 }

// RepairReport is what Repair did. Remaining lists what it could not
// mend (a damaged page of the file, a broken audit chain): for those, a
// backup must be restored.
type RepairReport struct {
	Backup      string   `json:"backup"`
	Mended      []string `json:"mended"`      // records whose unreadable fields were mended, and how
	Quarantined []string `json:"quarantined"` // records set aside (kept in the file, out of the register)
	Rebuilt     bool     `json:"rebuilt"`     // indexes and counters rebuilt from the records
	Remaining   []string `json:"remaining"`   // faults Check still finds
}

type operatorKey struct{}

// WithOperator returns a context that records who is working: every change
// made under it is logged with this name.
func WithOperator(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, operatorKey{}, name)
}

// OperatorFrom returns the operator's name, or "ไม่ระบุผู้ใช้" when none was
// given, so the log never holds an empty name.
func OperatorFrom(ctx context.Context) string {
	if s, ok := ctx.Value(operatorKey{}).(string); ok && CleanText(s) != "" {
		return CleanText(s)
	}
	return "ไม่ระบุผู้ใช้"
}
