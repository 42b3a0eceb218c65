package bolt

import (
	"encoding/json"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// A change the window (or any caller) makes of a household or a problem is
// based on what it read: UpdateHousehold and UpdateProblem take the
// record's UpdatedAt as read, AddAction the problem's UpdatedAt as seen
// (data.Action.Seen, zero for no check). When the stored record has
// another UpdatedAt, someone changed it meanwhile and the change is
// refused (checkStale), whole: nothing is written, no audit entry either
// (the transaction is rolled back). Every change of a record gets an
// UpdatedAt of its own (stampAfter), so two changes are never taken for
// one, whatever the clock's resolution.

// checkStale refuses a change based on a read that saw the stamp seen of a
// record whose stored UpdatedAt is stored and ChangedBy by: a data.Stale
// error naming who changed it and when, and the workbook when an import
// did (the import whose time is the record's UpdatedAt, not undone).
func checkStale(tx *bbolt.Tx, entity string, id uint64, seen, stored time.Time, by string) error {
	if seen.Equal(stored) {
		return nil
	}
	s := data.Stale{Entity: entity, ID: id, ChangedBy: by, ChangedAt: stored}
	s.Workbook = importFileAt(tx, stored)
	return data.StaleError(s)
}

// importFileAt returns the file of the import, not undone, made at at (the
// stamp an import gives the records it changes), or "" when none was.
// Newest first: the ledger is short and this runs only for a refusal.
func importFileAt(tx *bbolt.Tx, at time.Time) string {
	if at.IsZero() {
		return ""
	}
	c := tx.Bucket(bucketImports).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		var r data.ImportRecord
		if json.Unmarshal(v, &r) != nil { // an entry that cannot be read names no file
			continue
		}
		if r.At.Equal(at) && r.UndoneAt.IsZero() {
			return r.File
		}
	}
	return ""
}
