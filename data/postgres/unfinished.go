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

func (s *Store) CommitImport(ctx context.Context, b *data.ImportBatch) (data.ImportRecord, error) {
	return data.ImportRecord{}, errUnfinished("นำเข้าไฟล์ Excel")
}

func (s *Store) Imports(ctx context.Context) ([]data.ImportRecord, error) {
	return nil, errUnfinished("ประวัติการนำเข้า")
}

func (s *Store) ImportHouseholds(ctx context.Context, id uint64) ([]uint64, error) {
	return nil, errUnfinished("ประวัติการนำเข้า")
}

func (s *Store) ImportsBySHA256(ctx context.Context, sum string) ([]data.ImportRecord, error) {
	return nil, errUnfinished("ประวัติการนำเข้า")
}

func (s *Store) UndoImport(ctx context.Context, id uint64) error {
	return errUnfinished("ยกเลิกการนำเข้า")
}

func (s *Store) Reviews(ctx context.Context, pendingOnly bool) ([]data.Review, error) {
	return nil, errUnfinished("แถวที่รอตรวจ")
}

func (s *Store) Review(ctx context.Context, id uint64) (data.Review, error) {
	return data.Review{}, errUnfinished("แถวที่รอตรวจ")
}

func (s *Store) DecideReview(ctx context.Context, id uint64, decision string, b *data.ImportBatch) error {
	return errUnfinished("ตัดสินแถวที่รอตรวจ")
}

func (s *Store) RenewReview(ctx context.Context, id uint64, conflicts []data.FieldConflict, reason data.Sentence) error {
	return errUnfinished("แถวที่รอตรวจ")
}

func (s *Store) ProblemsOf(ctx context.Context, householdID uint64) ([]data.Problem, error) {
	return nil, errUnfinished("ปัญหาของครัวเรือน")
}

func (s *Store) Backup(ctx context.Context, path string, progress func(done, total int64)) error {
	return errUnfinished("สำรองข้อมูล")
}
