package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
)

// tableThai names, in Thai, the tables whose ID sequence Repair may set.
var tableThai = map[string]string{"rounds": "รอบ", "households": "ครัวเรือน", "problems": "ปัญหา", "actions": "การช่วยเหลือ",
	"imports": "ประวัติการนำเข้า", "reviews": "รายการรอตรวจสอบ"}

// rebuildSQL writes the household references and the counters the
// recount gives (recountSQL) into their tables, emptied before.
const rebuildSQL = recountSQL + `, r AS (
    INSERT INTO hh_refs (round_id, household_id, area, origin, category, fresh, n)
    SELECT round_id, household_id, area, origin, category, fresh, n FROM refs)
INSERT INTO counters (round_id, kind, area, category, code, urgent, day, n)
SELECT round_id, kind, area, category, code, urgent, day, n FROM want`

// errAuditTampered stops Repair's transaction before it writes anything.
var errAuditTampered = errors.New("audit log tampered")

// Repair rebuilds, in one transaction with its audit entry, what the
// records imply: the counters and household references, when any differs
// from the recount Check compares them with (then all are deleted and
// written anew from that recount: rebuildSQL), the summary's counters,
// when those or any counter differed (written anew as the counters' sum:
// summarySumSQL), and each ID sequence
// behind an ID in use (set to the highest ID, when the role may set it).
// The transaction takes the meta row's lock first, as every qmdesk
// writer's does (Store.write): no other qmdesk writer's change comes
// between the recount and the counters written from it. Rebuilt is set
// either way: after the repair the counters are the recount, rewritten
// or found equal to it. It changes no record: the records are typed columns,
// which cannot be unreadable as a bbolt file's can, and nothing is
// quarantined. What it cannot mend (a record that breaks a rule, a
// reference that does not hold, a sequence the role may not set) it
// leaves as it is; Remaining is what a Check after the repair finds.
//
// backupDir is not used and Backup stays empty: no copy is taken first.
// The repair changes only counters and sequences, which the records
// alone determine, and its one transaction either commits whole or
// changes nothing; Mended says so in Thai when counters were rebuilt.
//
// A database whose audit log fails its check (auditCheck, run in the
// repair's transaction) is left exactly as it is, with no counter
// rebuilt and no audit entry: the log is evidence, and the repair must
// not write after it. Repair then returns an error saying so, with what
// Check finds in Remaining.
func (s *Store) Repair(ctx context.Context, backupDir string) (data.RepairReport, error) {
	var rep data.RepairReport
	err := s.write(ctx, func(tx pgx.Tx) error {
		rep = data.RepairReport{}
		a, err := auditCheck(ctx, tx)
		if err != nil {
			return err
		}
		if a.check.Tampered {
			return errAuditTampered
		}
		_, differ, err := counterFindings(ctx, tx)
		if err != nil {
			return err
		}
		_, summaryDiffer, err := summaryFindings(ctx, tx)
		if err != nil {
			return err
		}
		faults, err := sequenceFaults(ctx, tx)
		if err != nil {
			return err
		}
		rep.Rebuilt = true
		if differ > 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM counters; DELETE FROM hh_refs`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, rebuildSQL); err != nil {
				return err
			}
		}
		if differ+summaryDiffer > 0 {
			// The summary's counters follow the counters' triggers, but
			// from what they were: written anew from the counters as they are.
			if _, err := tx.Exec(ctx, `DELETE FROM summary_counters`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO summary_counters (round_id, kind, area, category, code, urgent, day, n) `+summarySumSQL); err != nil {
				return err
			}
			differ += summaryDiffer
			rep.Mended = append(rep.Mended, fmt.Sprintf("ตัวนับของหน้าสรุปและรายงาน %s ค่าไม่ตรงกับข้อมูล: สร้างใหม่จากข้อมูลแล้ว "+
				"(การซ่อมนี้ไม่แก้ข้อมูลครัวเรือน ปัญหา หรือการช่วยเหลือ จึงไม่ได้สำรองข้อมูลไว้ก่อน)", data.FormatNumber(differ)))
		}
		raised := 0
		for _, f := range faults {
			var may bool
			if err := tx.QueryRow(ctx, `SELECT has_sequence_privilege($1::text, 'UPDATE')`, f.sequence).Scan(&may); err != nil {
				return err
			}
			if !may {
				continue // left for Remaining
			}
			if _, err := tx.Exec(ctx, `SELECT setval($1::text::regclass, $2)`, f.sequence, f.max); err != nil {
				return err
			}
			raised++
			what, ok := tableThai[f.table]
			if !ok {
				what = "ตาราง " + f.table
			}
			rep.Mended = append(rep.Mended, fmt.Sprintf("เลขที่ถัดไปของ%s (%d) ไม่เกินเลขที่ใช้ไปแล้ว (%d): ตั้งใหม่เป็น %d เพื่อให้บันทึกรายการใหม่ได้", what, f.next, f.max, f.max+1))
		}
		return s.audit(ctx, tx, "repair", "database", 0, nil, rep,
			fmt.Sprintf("counters rebuilt (%d differed), %d ID sequences raised, no backup taken", differ, raised))
	})
	if err != nil && !errors.Is(err, errAuditTampered) {
		return data.RepairReport{}, err
	}
	after, cerr := s.Check(ctx)
	if cerr != nil {
		return rep, cerr
	}
	rep.Remaining = after.Problems
	if err != nil {
		return rep, data.Errorf(data.EDAMAGED, "บันทึกการแก้ไข (ประวัติว่าใครแก้ไขอะไร เมื่อใด) บนฐานข้อมูลกลางถูกแก้ไข ตัดทอน หรือลบ โดยไม่ผ่านโปรแกรม qmdesk "+
			"จึงไม่ซ่อม และฐานข้อมูลยังเป็นอย่างเดิมเพื่อเก็บไว้เป็นหลักฐาน: แจ้งหัวหน้างานและผู้ดูแลเซิร์ฟเวอร์ ส่วนรายละเอียดทางเทคนิคดูได้ด้วยคำสั่ง qmdesk check",
			"the audit log fails its check: repair refused, nothing changed")
	}
	return rep, nil
}
