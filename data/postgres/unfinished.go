package postgres

import (
	"context"

	"qmdesk/data"
)

// The methods below are the part of the contract the PostgreSQL store
// does not do yet. Each refuses with errUnfinished and changes nothing, so
// that the store meets the whole contract (cmd's wiring and the
// conformance suite take it) while the rest is written. Each method moves
// out of this file into its own once it is done.

// errUnfinished says, in the clerk's words, that the shared database cannot
// do this yet.
func errUnfinished(what string) error {
	return data.Messages(data.EINVALID,
		"ฐานข้อมูลกลาง (PostgreSQL) ยังทำสิ่งนี้ไม่ได้: %s ใช้ไฟล์ฐานข้อมูลในเครื่องสำหรับงานนี้", []any{what},
		"the shared PostgreSQL database cannot do this yet: %s", what)
}

func (s *Store) Backup(ctx context.Context, path string, progress func(done, total int64)) error {
	return errUnfinished("สำรองข้อมูล")
}
