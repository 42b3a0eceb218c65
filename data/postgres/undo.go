package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
)

// undoEntry is a row of import_undo.
type undoEntry struct {
	kind        string
	id, problem uint64 // the record, and an action's problem
	before      []byte // a household's or problem's JSON before the import
	after       time.Time
}

// UndoImport puts back every record an import touched, in one
// transaction, as the bbolt store does: what it created is removed, what
// it changed gets its earlier content (and stamps); its rows still
// waiting for review go with it. It refuses, changing nothing, when a
// later change touched one of those records, or when a row of a later
// import waits for review about one of its households. What the import
// kept for its undo is deleted with it.
func (s *Store) UndoImport(ctx context.Context, id uint64) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		rec, found, err := getImport(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !found {
			return data.Errorf(data.ENOTFOUND, "ไม่พบการนำเข้าครั้งที่ %d", "import %d not found", id)
		}
		if !rec.UndoneAt.IsZero() {
			return data.Errorf(data.ECONFLICT, "การนำเข้าครั้งที่ %d ถูกยกเลิกไปแล้วเมื่อ %s", "import %d already undone on %s", id, data.FormatBE(data.DateOf(rec.UndoneAt)))
		}
		if err := laterReviews(ctx, tx, &rec); err != nil {
			return err
		}
		entries, err := undoEntries(ctx, tx, id)
		if err != nil {
			return err
		}
		later := func(what string, rid uint64) error {
			english := map[string]string{"ปัญหา": "problem", "ครัวเรือน": "household"}[what]
			return data.Messages(data.ECONFLICT, "ยกเลิกการนำเข้าครั้งที่ %d ไม่ได้: %s เลขที่ %d ถูกแก้ไขภายหลังแล้ว (ยกเลิกการนำเข้าที่ใหม่กว่าก่อน หรือแก้ไขด้วยมือ)", []any{rec.ID, what, rid},
				"import %d: %s %d changed later", rec.ID, english, rid)
		}
		if err := s.putBack(ctx, tx, &rec, entries, later); err != nil {
			return err
		}
		if err := s.dropCreated(ctx, tx, id, later); err != nil {
			return err
		}
		// Rows of this import still waiting for review go with it: the
		// clerk took the file back, rows and all (its row fates, kept in
		// the ledger, still name them); the audit entry of the undo says
		// how many.
		tag, err := tx.Exec(ctx, `DELETE FROM reviews WHERE import_id = $1 AND decision = ''`, int64(id))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM import_undo WHERE import_id = $1`, int64(id)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM import_created WHERE import_id = $1`, int64(id)); err != nil {
			return err
		}
		rec.UndoneAt, rec.UndoneBy = s.now(), data.OperatorFrom(ctx)
		if _, err := tx.Exec(ctx, `UPDATE imports SET undone_at = $2, undone_by = $3 WHERE id = $1`, int64(id), rec.UndoneAt, rec.UndoneBy); err != nil {
			return err
		}
		note := rec.File
		if n := tag.RowsAffected(); n > 0 {
			note += fmt.Sprintf("; %d rows still waiting for review went with it", n)
		}
		return s.audit(ctx, tx, "undo", "import", id, nil, rec, note)
	})
}

// putBack undoes the changes of import rec, newest first, as the bbolt
// store's undo does them one by one: each household and problem must
// still carry the stamp the import left (else later: changed since), and
// gets back its content and stamps from before (restamp); a problem's
// change is audited as updateProblem audits it (stamped now, before the
// stamps are put back); the actions it appended to problems there before
// are deleted. The records are read in one query a kind and written in
// one statement a kind, so that an undo of thousands of changes takes
// seconds (the counters' statement trigger runs once a kind).
func (s *Store) putBack(ctx context.Context, tx pgx.Tx, rec *data.ImportRecord, entries []undoEntry, later func(string, uint64) error) error {
	var hids, pids, aids []int64
	for _, u := range entries {
		switch u.kind {
		case "household":
			hids = append(hids, int64(u.id))
		case "problem":
			pids = append(pids, int64(u.id))
		case "action":
			aids = append(aids, int64(u.id))
		}
	}
	households, err := householdsByID(ctx, tx, hids)
	if err != nil {
		return err
	}
	problems, err := problemsByID(ctx, tx, pids)
	if err != nil {
		return err
	}
	var units data.UnitList
	if len(hids) > 0 {
		if units, err = getUnits(ctx, tx); err != nil {
			return err
		}
	}
	var m data.Meta
	var rounds map[uint64]data.Round
	if len(pids) > 0 {
		if m, err = getMeta(ctx, tx, false); err != nil {
			return err
		}
		if rounds, err = allRounds(ctx, tx); err != nil {
			return err
		}
	}
	log := &auditBatch{s: s}
	hrows, prows := map[uint64][]any{}, map[uint64][]any{}
	damaged := func(what string, id uint64, err error) error {
		return data.Messages(data.EDAMAGED, "อ่านข้อมูลสำหรับยกเลิกการนำเข้าครั้งที่ %d ไม่ได้", []any{rec.ID}, "import %d: undo entry of %s %d cannot be read: %v", rec.ID, what, id, err)
	}
	for i := len(entries) - 1; i >= 0; i-- {
		u := entries[i]
		switch u.kind {
		case "problem":
			cur, ok := problems[u.id]
			if !ok {
				return data.Errorf(data.ENOTFOUND, "ไม่พบปัญหาเลขที่ %d", "problem %d not found", u.id)
			}
			if !cur.UpdatedAt.Equal(u.after) {
				return later("ปัญหา", u.id)
			}
			var p data.Problem
			if err := json.Unmarshal(u.before, &p); err != nil {
				return damaged("problem", u.id, err)
			}
			at, on, by := p.UpdatedAt, p.ChangedOn, p.ChangedBy
			// updateProblem's change, with its audit entry.
			if err := editableIn(&cur, m.DefaultRound, rounds); err != nil {
				return err
			}
			if err := p.PrepareUpdate(&cur, s.today()); err != nil {
				return err
			}
			p.CreatedAt, p.UpdatedAt = cur.CreatedAt, data.StampAfter(s.now(), cur.UpdatedAt)
			p.ChangedOn, p.ChangedBy = s.today(), data.OperatorFrom(ctx)
			if err := log.add("update", "problem", p.ID, cur, p, ""); err != nil {
				return err
			}
			restamp(&p.UpdatedAt, &p.ChangedOn, &p.ChangedBy, p.CreatedAt, at, on, by)
			problems[u.id] = p
			prows[p.ID] = append([]any{int64(p.ID)}, problemArgs(&p)...)
		case "household":
			cur, ok := households[u.id]
			if !ok {
				return data.Errorf(data.ENOTFOUND, "ไม่พบครัวเรือนเลขที่ %d", "household %d not found", u.id)
			}
			if !cur.UpdatedAt.Equal(u.after) {
				return later("ครัวเรือน", u.id)
			}
			var h data.Household
			if err := json.Unmarshal(u.before, &h); err != nil {
				return damaged("household", u.id, err)
			}
			at, on, by := h.UpdatedAt, h.ChangedOn, h.ChangedBy
			units.SettleUnit(&h)
			h.CreatedAt, h.UpdatedAt = cur.CreatedAt, data.StampAfter(s.now(), cur.UpdatedAt)
			h.ChangedOn, h.ChangedBy = s.today(), data.OperatorFrom(ctx)
			restamp(&h.UpdatedAt, &h.ChangedOn, &h.ChangedBy, h.CreatedAt, at, on, by)
			households[u.id] = h
			hrows[h.ID] = append([]any{int64(h.ID)}, householdArgs(&h)...)
		}
	}
	c := &importCommit{ctx: ctx, tx: tx}
	if err := deleteIDs(ctx, tx, "actions", aids); err != nil {
		return err
	}
	if err := c.updateFrom("problems", problemColumns, slices.Collect(maps.Values(prows))); err != nil {
		return err
	}
	if err := c.updateFrom("households", householdColumns, slices.Collect(maps.Values(hrows))); err != nil {
		return err
	}
	return s.flushAudit(ctx, tx, log)
}

// undoEntries reads what import id keeps of the records it changed, in
// the order it wrote them.
func undoEntries(ctx context.Context, tx pgx.Tx, id uint64) ([]undoEntry, error) {
	rows, err := tx.Query(ctx, `SELECT kind, record_id, coalesce(problem_id, 0), before::text, after FROM import_undo WHERE import_id = $1 ORDER BY seq`, int64(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []undoEntry
	for rows.Next() {
		var u undoEntry
		var rid, pid int64
		var before *string
		var after *time.Time
		if err := rows.Scan(&u.kind, &rid, &pid, &before, &after); err != nil {
			return nil, err
		}
		u.id, u.problem = uint64(rid), uint64(pid)
		if before != nil {
			u.before = []byte(*before)
		}
		if after != nil {
			u.after = after.UTC()
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// deleteIDs deletes the records of table with those IDs, in one
// statement.
func deleteIDs(ctx context.Context, tx pgx.Tx, table string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE id = ANY($1)`, ids)
	return err
}

// restamp gives a record the undo put back the time stamps it had before
// the import, as the bbolt store's restamp: a stamp the record cannot have
// had (none, or before it was created) is left as now; it tells whether
// it changed them.
func restamp(updated *time.Time, changedOn *data.Date, changedBy *string, created, at time.Time, on data.Date, by string) bool {
	if at.IsZero() || at.Before(created) {
		return false
	}
	*updated, *changedOn, *changedBy = at, on, by
	return true
}

// dropCreated deletes the problems (with their actions) and the
// households import id created, refusing (later) a problem changed or
// carried into a later round since, one with an action the import did
// not add, and a household changed since or with a problem left.
func (s *Store) dropCreated(ctx context.Context, tx pgx.Tx, id uint64, later func(string, uint64) error) error {
	var hf, hl, pf, pl, af, al *int64
	err := tx.QueryRow(ctx, `SELECT households_first, households_last, problems_first, problems_last, actions_first, actions_last FROM import_created WHERE import_id = $1`, int64(id)).
		Scan(&hf, &hl, &pf, &pl, &af, &al)
	if err == pgx.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	if pf != nil {
		// Each problem in ID order, as the bbolt store checks them.
		rows, err := tx.Query(ctx, `SELECT p.id, p.updated_at = p.created_at AND p.carried_to IS NULL,
				NOT EXISTS (SELECT FROM actions a WHERE a.problem_id = p.id AND NOT (a.id BETWEEN coalesce($3, 0) AND coalesce($4, -1)))
			FROM problems p WHERE p.id BETWEEN $1 AND $2 ORDER BY p.id`, *pf, *pl, af, al)
		if err != nil {
			return err
		}
		type check struct {
			id                  int64
			unchanged, ownActed bool
		}
		checks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (c check, err error) {
			err = r.Scan(&c.id, &c.unchanged, &c.ownActed)
			return c, err
		})
		if err != nil {
			return err
		}
		for _, c := range checks {
			if !c.unchanged || !c.ownActed {
				return later("ปัญหา", uint64(c.id))
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM actions WHERE problem_id BETWEEN $1 AND $2`, *pf, *pl); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM problems WHERE id BETWEEN $1 AND $2`, *pf, *pl); err != nil {
			return err
		}
	}
	if hf != nil {
		var bad *int64
		if err := tx.QueryRow(ctx, `SELECT min(h.id) FROM households h WHERE h.id BETWEEN $1 AND $2
			AND (h.updated_at <> h.created_at OR EXISTS (SELECT FROM problems p WHERE p.household_id = h.id))`, *hf, *hl).Scan(&bad); err != nil {
			return err
		}
		if bad != nil {
			return later("ครัวเรือน", uint64(*bad))
		}
		if _, err := tx.Exec(ctx, `DELETE FROM households WHERE id BETWEEN $1 AND $2`, *hf, *hl); err != nil {
			return err
		}
	}
	return nil
}

// reviewHouseholds returns the register's households a review names: its
// candidates, and the household of the row's household or problem where
// these carry an ID of the register (problem: the problem's household).
func reviewHouseholds(ctx context.Context, tx pgx.Tx, r *data.Review) ([]uint64, error) {
	out := slices.Clone(r.Candidates)
	if r.Household.ID != 0 {
		out = append(out, r.Household.ID)
	}
	if r.Problem.HouseholdID != 0 {
		out = append(out, r.Problem.HouseholdID)
	}
	if r.Problem.ID != 0 {
		var hh int64
		err := tx.QueryRow(ctx, `SELECT household_id FROM problems WHERE id = $1`, int64(r.Problem.ID)).Scan(&hh)
		if err == nil {
			out = append(out, uint64(hh))
		} else if err != pgx.ErrNoRows {
			return nil, err
		}
	}
	return out, nil
}

// laterReviews refuses the undo of import rec, as the bbolt store does,
// when a row of a later import waits for review about a household rec
// created or changed (a problem or an action of it counts).
func laterReviews(ctx context.Context, tx pgx.Tx, rec *data.ImportRecord) error {
	rows, err := tx.Query(ctx, `SELECT `+reviewColumns+` FROM reviews WHERE decision = '' AND import_id > $1 ORDER BY id`, int64(rec.ID))
	if err != nil {
		return err
	}
	waiting, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (v data.Review, err error) {
		err = scanReview(r, &v)
		return v, err
	})
	if err != nil {
		return err
	}
	if len(waiting) == 0 { // most undos: the households need not be listed
		return nil
	}
	touched, err := householdsOf(ctx, tx, rec.ID)
	if err != nil {
		return err
	}
	byImport := map[uint64]int{}
	var imports []uint64
	for i := range waiting {
		w := &waiting[i]
		hhs, err := reviewHouseholds(ctx, tx, w)
		if err != nil {
			return err
		}
		for _, hh := range hhs {
			if _, found := slices.BinarySearch(touched, hh); found {
				if byImport[w.ImportID] == 0 {
					imports = append(imports, w.ImportID)
				}
				byImport[w.ImportID]++
				break
			}
		}
	}
	if len(imports) == 0 {
		return nil
	}
	slices.Sort(imports)
	n := 0
	var later []data.ImportRecord
	for _, id := range imports {
		n += byImport[id]
		r := data.ImportRecord{ID: id}
		if got, found, err := getImport(ctx, tx, id, false); err != nil {
			return err
		} else if found {
			r.File = got.File
		}
		later = append(later, r)
	}
	return data.UndoBlockedByReviews(rec.ID, n, later)
}
