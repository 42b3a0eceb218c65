package data

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Fate is what became of one data row of an imported workbook. Every row
// ends in exactly one.
type Fate string

const (
	FateNewHousehold Fate = "new_household" // created a household (and its problem)
	FateNewProblem   Fate = "new_problem"   // added a problem to a known household
	FateUpdated      Fate = "updated"       // changed a household, problem or added an action
	FateUnchanged    Fate = "unchanged"     // everything in the row was already there
	FateReview       Fate = "review"        // ambiguous: waits for the clerk's decision
	FateRejected     Fate = "rejected"      // wrong data: Reason says what to fix
)

// Fates lists the fates in report order.
var Fates = []Fate{FateNewHousehold, FateNewProblem, FateUpdated, FateUnchanged, FateReview, FateRejected}

// Thai names the fate for the clerk.
func (f Fate) Thai() string {
	switch f {
	case FateNewHousehold:
		return WordNewHousehold.Thai
	case FateNewProblem:
		return WordNewProblem.Thai
	case FateUpdated:
		return "ปรับปรุง"
	case FateUnchanged:
		return "ไม่เปลี่ยนแปลง"
	case FateReview:
		return "รอตรวจสอบ"
	case FateRejected:
		return "ไม่รับ"
	}
	return string(f)
}

// English names the fate for a window in English.
func (f Fate) English() string {
	switch f {
	case FateNewHousehold:
		return WordNewHousehold.English
	case FateNewProblem:
		return WordNewProblem.English
	case FateUpdated:
		return "updated"
	case FateUnchanged:
		return "unchanged"
	case FateReview:
		return "to review"
	case FateRejected:
		return "rejected"
	}
	return string(f)
}

// RowResult is the fate of one row, with where and why when it was not
// taken.
type RowResult struct {
	Sheet  string `json:"sheet"`
	Row    int    `json:"row"` // 1-based, as the spreadsheet shows it
	Fate   Fate   `json:"fate"`
	Column string `json:"column,omitempty"` // header of the offending cell
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason,omitempty"` // Thai
	// ReasonEnglish is the reason in English, for a window in English;
	// empty in what older versions stored (the Thai is shown then).
	ReasonEnglish string `json:"reason_en,omitempty"`
	Problem       uint64 `json:"problem,omitempty"`
	// ForProvince marks a review row only the province can settle (the
	// row conflicts with a newer change in qmdesk): the rows sent back to
	// the district leave it out. Not kept in the ledger.
	ForProvince bool `json:"-"`
}

// Counts adds up the fates of an import's rows. The fates count rows: a
// row whose household is new counts as new_households only, although it
// creates its problem too; CreatedHouseholds and CreatedProblems count the
// records the rows add.
type Counts struct {
	Rows          int `json:"rows"`
	NewHouseholds int `json:"new_households"` // rows that created their household, and its problem
	NewProblems   int `json:"new_problems"`   // rows that added a problem to a household already there
	Updated       int `json:"updated"`
	Unchanged     int `json:"unchanged"`
	Review        int `json:"review"`
	Rejected      int `json:"rejected"`
}

// CreatedHouseholds is how many households the rows add: one per row
// whose fate is new_household.
func (c Counts) CreatedHouseholds() int { return c.NewHouseholds }

// CreatedProblems is how many problems the rows add: a new household's row
// adds its problem, and each new_problem row one more.
func (c Counts) CreatedProblems() int { return c.NewHouseholds + c.NewProblems }

// Add counts one fate.
func (c *Counts) Add(f Fate) {
	c.Rows++
	switch f {
	case FateNewHousehold:
		c.NewHouseholds++
	case FateNewProblem:
		c.NewProblems++
	case FateUpdated:
		c.Updated++
	case FateUnchanged:
		c.Unchanged++
	case FateReview:
		c.Review++
	case FateRejected:
		c.Rejected++
	}
}

// Change operations of a batch.
const (
	OpRef    = "ref"    // an existing record, unchanged, that others point at
	OpNew    = "new"    // create
	OpUpdate = "update" // replace; Seen is the UpdatedAt the plan was made against
)

// HouseholdChange is one household of a batch. AsOf, for a household the
// batch creates or changes, is the date of the information its rows carry
// (the latest row's; zero when a row has no date): the commit sets
// ChangedOn from it (see Household.ChangedOn).
type HouseholdChange struct {
	Op        string    `json:"op"`
	Household Household `json:"household"`
	Seen      time.Time `json:"seen,omitempty"`
	AsOf      Date      `json:"as_of,omitzero"`
}

// ProblemChange is one problem of a batch; HouseholdRef indexes the
// batch's Households. AsOf is as HouseholdChange's.
type ProblemChange struct {
	Op           string    `json:"op"`
	HouseholdRef int       `json:"household_ref"`
	Problem      Problem   `json:"problem"`
	Seen         time.Time `json:"seen,omitempty"`
	AsOf         Date      `json:"as_of,omitzero"`
}

// ActionChange is an action to append; ProblemRef indexes the batch's
// Problems.
type ActionChange struct {
	ProblemRef int    `json:"problem_ref"`
	Action     Action `json:"action"`
}

// ImportBatch is everything one workbook does to the register, computed
// by a dry run and applied by a commit whole or not at all. Its
// households, problems, actions, row fates and reviews are kept encoded
// (see batch.go): add and read them with the methods.
type ImportBatch struct {
	File   string
	SHA256 string
	Sheet  string
	Counts Counts

	recs                                         records
	households, problems, actions, rows, reviews []uint64 // where each record starts in recs
	lastReason                                   Sentence // of the last review added
}

// Review kinds: what the clerk decides about a row.
const (
	ReviewMatch       = ""            // which household (new, merge, reject)
	ReviewConflict    = "conflict"    // the row would undo a newer change (merge: take the workbook's, keep: keep qmdesk's, reject)
	ReviewSubProblem  = "subproblem"  // the sub-problem is not in the list (accept the suggestion, reject)
	ReviewCombination = "combination" // the row says what the domain does not allow together (accept as written, reject)
)

// Review is a row the importer would not decide alone: it matches several
// households, its house code and national ID point at different ones, its
// national ID fails the check digit, it would overwrite a record changed
// in qmdesk after the information in it (a conflict), or its sub-problem
// is not in the list (with the closest one suggested).
type Review struct {
	ID       uint64 `json:"id"`
	ImportID uint64 `json:"import_id"`
	Kind     string `json:"kind,omitempty"`
	Sheet    string `json:"sheet"`
	Row      int    `json:"row"`
	Reason   string `json:"reason"`
	// ReasonEnglish is the reason in English, for a window in English;
	// empty in reviews older versions stored (the Thai is shown then).
	ReasonEnglish string          `json:"reason_en,omitempty"`
	Conflicts     []FieldConflict `json:"conflicts,omitempty"`
	Written       string          `json:"written,omitempty"`    // the sub-problem as the row wrote it (the suggestion is in Problem)
	Candidates    []uint64        `json:"candidates,omitempty"` // households it could be
	Household     Household       `json:"household"`            // as the row gave it
	Problem       Problem         `json:"problem"`
	Action        *Action         `json:"action,omitempty"`
	Decision      string          `json:"decision,omitempty"` // "", "new", "merge", "reject"
	DecidedBy     string          `json:"decided_by,omitempty"`
	DecidedAt     time.Time       `json:"decided_at,omitempty"`
	Result        *RowResult      `json:"result,omitempty"`
	// AsOf is the date of the information the row carries, as the import
	// dated it (its action date, else its sheet title's date, else the
	// workbook's own date): a decision dates the records it changes by
	// it. Zero when the row had none, and in reviews older versions
	// stored (no as_of): the decision's day is the date then. An older
	// version reading a review with it passes over the field.
	AsOf Date `json:"as_of,omitzero"`
}

// FieldConflict is one value a row would overwrite although the record
// changed in qmdesk after the row's information: both values, and who
// made the change and when.
type FieldConflict struct {
	Field    string `json:"field"` // machine key (status, detail, phone, …)
	Name     string `json:"name"`  // Thai column name
	Workbook string `json:"workbook"`
	Current  string `json:"current"`
	// The name in English, and the values where they are words or dates
	// (a status, a target date) that English writes otherwise; empty
	// where the values are the same, and in older reviews.
	NameEnglish     string    `json:"name_en,omitempty"`
	WorkbookEnglish string    `json:"workbook_en,omitempty"`
	CurrentEnglish  string    `json:"current_en,omitempty"`
	ChangedBy       string    `json:"changed_by,omitempty"`
	ChangedAt       time.Time `json:"changed_at,omitempty"`
}

// DecisionThai names a review decision for the clerk.
func DecisionThai(d string) string {
	switch d {
	case "new":
		return "เพิ่มเป็น" + WordNewHousehold.Thai
	case "merge":
		return "รวม/ใช้ค่าจากไฟล์"
	case "keep":
		return "คงค่าในโปรแกรม"
	case "accept":
		return "รับชื่อปัญหาที่แนะนำ"
	case "reject":
		return "ไม่รับ"
	}
	return d
}

// ImportRecord is a ledger entry: one committed workbook.
type ImportRecord struct {
	ID       uint64    `json:"id"`
	File     string    `json:"file"`
	SHA256   string    `json:"sha256"`
	Sheet    string    `json:"sheet"`
	Who      string    `json:"who"`
	At       time.Time `json:"at"`
	Counts   Counts    `json:"counts"`
	UndoneAt time.Time `json:"undone_at,omitempty"`
	UndoneBy string    `json:"undone_by,omitempty"`
	// Committing is set while the import is being written in chunks; an
	// import found so on opening was interrupted and is rolled back.
	Committing bool `json:"committing,omitempty"`
}

// ImportLedger is the part of the store that commits workbooks and keeps
// their ledger.
type ImportLedger interface {
	// CommitImport applies a batch and records it, whole or not at all:
	// a large batch is written in several transactions, and a cancel of
	// ctx, a failure or a crash between them rolls back what was written.
	// It refuses (ECONFLICT) when a record the batch was planned against
	// has changed since.
	CommitImport(ctx context.Context, b *ImportBatch) (ImportRecord, error)
	Imports(ctx context.Context) ([]ImportRecord, error)
	// ImportHouseholds lists, in ID order, the households an import
	// created or changed (a problem or an action of theirs counts), read
	// from what the import keeps for its undo. An undone import keeps
	// nothing: ENOTFOUND.
	ImportHouseholds(ctx context.Context, id uint64) ([]uint64, error)
	ImportsBySHA256(ctx context.Context, sum string) ([]ImportRecord, error)
	// UndoImport restores the records an import touched to their state
	// before it and drops its rows still waiting for review, refusing
	// when a later change touched them too or a row of a later import
	// waits for review about one of its households.
	UndoImport(ctx context.Context, id uint64) error
	Reviews(ctx context.Context, pendingOnly bool) ([]Review, error)
	Review(ctx context.Context, id uint64) (Review, error)
	// DecideReview records the clerk's decision and, for "new" or "merge",
	// applies the batch made from the row.
	DecideReview(ctx context.Context, id uint64, decision string, b *ImportBatch) error
	// RenewReview replaces what a row still waiting for review shows of
	// the register (its conflicts and its reason), after the register
	// changed since it was made; a decided row is refused (ECONFLICT).
	RenewReview(ctx context.Context, id uint64, conflicts []FieldConflict, reason Sentence) error
	// ProblemsOf returns a household's problems, any round.
	ProblemsOf(ctx context.Context, householdID uint64) ([]Problem, error)
}

// UndoBlockedByReviews refuses the undo of import id while rows rows of
// the later imports (each named by its number and, when known, its file)
// wait for review about households it created or changed. Both stores
// refuse with it, before changing anything.
func UndoBlockedByReviews(id uint64, rows int, later []ImportRecord) error {
	var thai, english []string
	for _, r := range later {
		name := ""
		if r.File != "" {
			name = " (" + r.File + ")"
		}
		thai = append(thai, fmt.Sprintf("ครั้งที่ %d%s", r.ID, name))
		english = append(english, fmt.Sprintf("%d%s", r.ID, name))
	}
	return Messages(ECONFLICT,
		"ยกเลิกการนำเข้าครั้งที่ %d ไม่ได้: มีแถวรอตรวจสอบ %d แถวจากการนำเข้า%s ที่อ้างถึงครัวเรือนซึ่งการนำเข้าครั้งที่ %d เพิ่มหรือแก้ไข (ตัดสินแถวเหล่านั้นก่อน ที่แถบ \"แถวที่รอตรวจสอบ\" หรือคำสั่ง qmdesk review หรือยกเลิกการนำเข้าที่ใหม่กว่าก่อน) ข้อมูลทั้งหมดยังอยู่ครบไม่เปลี่ยนแปลง",
		[]any{id, rows, strings.Join(thai, ", "), id},
		"import %d: %d row(s) of later import(s) %s wait for review about households it created or changed (settle them first, or undo the later import first); nothing was changed",
		id, rows, strings.Join(english, ", "))
}
