package data

import "context"

// A copy of a whole province, store to store: `qmdesk migrate` moves a
// province from its bbolt file to a PostgreSQL database and back, and the
// backup of a PostgreSQL database is such a copy written as a bbolt file.
// A store that can be copied from streams the copy out (CopyOut) in one
// read transaction, one consistent moment, into a CopyWriter; a store
// that can be copied into writes it into an empty database that was never
// set up (CopyIn), whole or not at all. The records keep their IDs and
// stamps; the audit log keeps its entries in order, sealed anew by the
// destination in its own chain, after which the destination adds one
// entry, "migrate", that names the source (CopyReport). These methods are
// not part of Store: the use case (app/migrate.go) finds them by type.
//
// What a copy does not carry (this version): the import ledger (what an
// undo of an import needs) and the rows waiting for review. A copy is
// refused while rows wait for review (CopyHead.PendingReviews); the
// imports made before it are in the copied audit log only, and cannot be
// undone in the destination.

// CopyHead is what comes first in a copy: everything of the province but
// its households, problems, actions and audit entries, as the source held
// it at the copy's moment.
type CopyHead struct {
	// Source names the database copied, for the destination's "migrate"
	// entry: "bbolt file PATH" or "PostgreSQL HOST:PORT/DATABASE" (never
	// a password).
	Source      string
	Meta        Meta
	Rounds      []Round
	SubProblems SubProblemList // nil: none kept
	Units       UnitList       // nil: none kept
	Aliases     AgencyAliases
	// LastIDs are the last IDs the source handed out: the destination
	// hands out IDs after them (and after every ID it was given), so that
	// a record removed in the source (an undone import) never has its ID
	// given to another one after the move.
	LastIDs CopyIDs
	// Sizes and AuditEntries are how many records and entries follow.
	Sizes        Sizes
	AuditEntries int64
	// AuditHead is the source's last audit entry as the source holds it,
	// which the source verifies (its chain up to it) within the copy's
	// transaction: a source whose log fails the check refuses the copy.
	AuditHead AuditAnchor
	// Imports is how many workbooks the source's ledger holds;
	// PendingReviews how many rows of them wait for the clerk's decision.
	Imports        int
	PendingReviews int
}

// CopyIDs are the last IDs handed out, by kind of record.
type CopyIDs struct {
	Rounds, Households, Problems, Actions uint64
}

// CopyWriter takes a copy in the order a source hands it: Head once, then
// Households in batches (households in ID order, each whole in one batch
// with its problems in ID order and each problem's actions in the order
// recorded), then Audit in batches (entries in order). The records are as
// stored: IDs, stamps, round links and marks included. Any error stops the
// copy.
type CopyWriter interface {
	Head(ctx context.Context, h CopyHead) error
	Households(ctx context.Context, b []Bundle) error
	Audit(ctx context.Context, entries []AuditEntry) error
}

// CopyReport says what a copy wrote: the After of the destination's
// "migrate" audit entry.
type CopyReport struct {
	Source       string      `json:"source"`
	SourceHead   AuditAnchor `json:"source_audit_head"`
	Households   int64       `json:"households"`
	Problems     int64       `json:"problems"`
	Actions      int64       `json:"actions"`
	AuditEntries int64       `json:"audit_entries"` // copied, the "migrate" entry not counted
	Imports      int         `json:"imports"`       // in the source's ledger, not copied
}

// Tally adds a batch of households to the report's counts.
func (r *CopyReport) Tally(b []Bundle) {
	for _, x := range b {
		r.Households++
		for _, p := range x.Problems {
			r.Problems++
			r.Actions += int64(len(p.Actions))
		}
	}
}

// MigrateNote is the note of the destination's "migrate" audit entry.
const MigrateNote = "province copied from another database (qmdesk migrate); the entries before this one are the source's log, sealed anew here; imports before it cannot be undone"

// CopyBatch is how many households a source hands the writer at once.
const CopyBatch = 2000

// CopyDestNotEmpty is the refusal of a destination that already holds a
// database, with what to do.
func CopyDestNotEmpty(where string) error {
	return Errorf(EINVALID, "ฐานข้อมูลปลายทาง %s มีข้อมูลอยู่แล้ว จึงไม่ย้ายข้อมูลทับ: ใช้ฐานข้อมูลว่างที่ยังไม่เคยตั้งค่าจังหวัด (ไฟล์ใหม่ หรือฐานข้อมูลบนเซิร์ฟเวอร์ที่เพิ่งสร้าง)",
		"the destination %s already holds a database", where)
}
