package bolt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// A copy of the whole province (data/copy.go): CopyOut streams this file
// out in one read transaction; CopyIn writes a copy into a new file that
// Create is building, which is how it lands whole or not at all.

// opMigrate is the audit entry a copy's destination adds after the
// entries it copied.
const opMigrate = "migrate"

// CopyOut hands w the whole province as it is at one moment: everything
// is read in one read transaction. The audit log is verified first, in
// that transaction, as Check verifies it (its chain, this computer's key,
// the anchors): a log that fails is refused, and nothing is handed on.
// A database never set up is refused too.
func (s *Store) CopyOut(ctx context.Context, w data.CopyWriter) error {
	v := s.verifier() // the anchors, read before the transaction (see verifier)
	return s.view(func(tx *bbolt.Tx) error {
		res := verifyAudit(tx, v)
		if res.check.Tampered {
			return data.Messages(data.EINVALID, "บันทึกการแก้ไขของฐานข้อมูลนี้ไม่ผ่านการตรวจสอบ จึงไม่คัดลอกไปที่อื่น: ตรวจด้วยคำสั่ง qmdesk check แล้วทำตามที่แนะนำก่อน", nil,
				"the audit log fails its check: %v", res.findings)
		}
		h := data.CopyHead{Source: "bbolt file " + mustAbs(s.path), AuditHead: res.check.Head, AuditEntries: res.n}
		if _, err := getJSON(tx, bucketMeta, keyMeta, &h.Meta); err != nil {
			return err
		}
		if h.Meta.Province == "" {
			return data.Errorf(data.EINVALID, "ฐานข้อมูล %s ยังไม่ได้ตั้งค่าจังหวัด จึงไม่มีข้อมูลให้คัดลอก", "database %s not initialised", s.path)
		}
		h.Meta.SchemaVersion, _ = schemaVersion(tx)
		if err := tx.Bucket(bucketRounds).ForEach(func(k, v []byte) error {
			var r data.Round
			if err := json.Unmarshal(v, &r); err != nil {
				return corrupt(bucketRounds, k, err)
			}
			h.Rounds = append(h.Rounds, r)
			return nil
		}); err != nil {
			return err
		}
		if _, err := getJSON(tx, bucketSubProblems, keySubProblems, &h.SubProblems); err != nil {
			return err
		}
		if _, err := getJSON(tx, bucketSubProblems, keyUnits, &h.Units); err != nil {
			return err
		}
		h.Aliases = data.AgencyAliases{}
		if _, err := getJSON(tx, bucketMeta, keyAgencyAliases, &h.Aliases); err != nil {
			return err
		}
		h.LastIDs = data.CopyIDs{Rounds: tx.Bucket(bucketRounds).Sequence(), Households: tx.Bucket(bucketHouseholds).Sequence(),
			Problems: tx.Bucket(bucketProblems).Sequence(), Actions: tx.Bucket(bucketActions).Sequence()}
		h.Sizes = data.Sizes{Households: tx.Bucket(bucketHouseholds).Stats().KeyN, Problems: tx.Bucket(bucketProblems).Stats().KeyN,
			Actions: tx.Bucket(bucketActions).Stats().KeyN}
		h.Imports = tx.Bucket(bucketImports).Stats().KeyN
		if err := tx.Bucket(bucketReviews).ForEach(func(k, v []byte) error {
			var r data.Review
			if err := json.Unmarshal(v, &r); err != nil {
				return corrupt(bucketReviews, k, err)
			}
			if r.Decision == "" {
				h.PendingReviews++
			}
			return nil
		}); err != nil {
			return err
		}
		if err := w.Head(ctx, h); err != nil {
			return err
		}
		if err := copyOutHouseholds(ctx, tx, w); err != nil {
			return err
		}
		return copyOutAudit(ctx, tx, w)
	})
}

// copyOutHouseholds hands w every household with its problems and their
// actions, data.CopyBatch households at a time.
func copyOutHouseholds(ctx context.Context, tx *bbolt.Tx, w data.CopyWriter) error {
	batch := make([]data.Bundle, 0, data.CopyBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		err := w.Households(ctx, batch)
		batch = batch[:0]
		return err
	}
	actions := tx.Bucket(bucketActions).Cursor()
	c := tx.Bucket(bucketHouseholds).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var b data.Bundle
		if err := decodeHousehold(v, &b.Household); err != nil {
			return corrupt(bucketHouseholds, k, err)
		}
		for _, pid := range problemIDsOf(tx, b.Household.ID) {
			var pb data.ProblemBundle
			if err := getProblem(tx, pid, &pb.Problem); err != nil {
				return err
			}
			pre := itob(pid)
			for ak, av := actions.Seek(pre); ak != nil && hasPrefix(ak, pre); ak, av = actions.Next() {
				var a data.Action
				if err := decodeAction(av, &a); err != nil {
					return corrupt(bucketActions, ak, err)
				}
				pb.Actions = append(pb.Actions, a)
			}
			b.Problems = append(b.Problems, pb)
		}
		batch = append(batch, b)
		if len(batch) == data.CopyBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// auditCopyBatch is how many audit entries a copy hands on at once.
const auditCopyBatch = 1000

// copyOutAudit hands w the audit log's entries in order.
func copyOutAudit(ctx context.Context, tx *bbolt.Tx, w data.CopyWriter) error {
	var batch []data.AuditEntry
	c := tx.Bucket(bucketAudit).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var e data.AuditEntry
		if len(v) < 32 || json.Unmarshal(v[32:], &e) != nil {
			return corrupt(bucketAudit, k, nil)
		}
		batch = append(batch, e)
		if len(batch) == auditCopyBatch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := w.Audit(ctx, batch); err != nil {
				return err
			}
			batch = nil
		}
	}
	if len(batch) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return w.Audit(ctx, batch)
}

// errNotBuilding: CopyIn is only for a file Create is building.
var errNotBuilding = errors.New("bolt: CopyIn writes only into a new file that Create is building")

// CopyIn writes the copy fill hands it into this store, which must be the
// new file Create is building (anything else is refused): it writes in
// transactions of its own, batch by batch, into Create's temporary file,
// which takes its name only once everything is in, so a failure or a
// cancel of ctx leaves no database. The records go in as they are, with
// their IDs and stamps, their index keys and counters written with them;
// the audit entries are sealed anew in this file's chain (plain SHA-256,
// as a log of older versions: the first entry this computer seals after
// them, the "migrate" entry's, pins them all), then CopyIn adds the
// "migrate" entry naming the source and what was copied.
func (s *Store) CopyIn(ctx context.Context, fill func(w data.CopyWriter) error) (data.CopyReport, error) {
	if !s.building {
		return data.CopyReport{}, errNotBuilding
	}
	w := &boltCopy{s: s}
	if err := fill(w); err != nil {
		return data.CopyReport{}, err
	}
	if !w.head {
		return data.CopyReport{}, errors.New("bolt: a copy without its head")
	}
	if err := ctx.Err(); err != nil {
		return data.CopyReport{}, err
	}
	err := s.update(func(tx *bbolt.Tx) error {
		for _, seq := range []struct {
			bucket []byte
			n      uint64
		}{{bucketRounds, w.last.Rounds}, {bucketHouseholds, w.last.Households}, {bucketProblems, w.last.Problems}, {bucketActions, w.last.Actions}} {
			if err := tx.Bucket(seq.bucket).SetSequence(seq.n); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, opMigrate, "database", 0, nil, w.rep, data.MigrateNote)
	})
	return w.rep, err
}

// boltCopy is CopyIn's writer.
type boltCopy struct {
	s    *Store
	head bool
	last data.CopyIDs // the sequences to set: the source's, or the highest ID written
	prev []byte       // the seal of the last entry written
	rep  data.CopyReport
}

func (w *boltCopy) Head(ctx context.Context, h data.CopyHead) error {
	if w.head {
		return errors.New("bolt: a copy with two heads")
	}
	w.head, w.last = true, h.LastIDs
	w.rep = data.CopyReport{Source: h.Source, SourceHead: h.AuditHead, Imports: h.Imports}
	return w.s.update(func(tx *bbolt.Tx) error {
		var m data.Meta
		if _, err := getJSON(tx, bucketMeta, keyMeta, &m); err != nil {
			return err
		}
		used := m.Province != ""
		for _, b := range [][]byte{bucketRounds, bucketHouseholds, bucketProblems, bucketActions, bucketAudit, bucketImports, bucketReviews} {
			if k, _ := tx.Bucket(b).Cursor().First(); k != nil {
				used = true
			}
		}
		if used {
			return data.CopyDestNotEmpty(w.s.path)
		}
		m = h.Meta
		m.SchemaVersion = SchemaVersion
		for _, r := range h.Rounds {
			if err := putJSON(tx, bucketRounds, itob(r.ID), r); err != nil {
				return err
			}
			w.last.Rounds = max(w.last.Rounds, r.ID)
		}
		if err := putJSON(tx, bucketMeta, keyMeta, m); err != nil {
			return err
		}
		if h.SubProblems == nil {
			if err := del(tx, bucketSubProblems, keySubProblems); err != nil {
				return err
			}
		} else if err := putJSON(tx, bucketSubProblems, keySubProblems, h.SubProblems); err != nil {
			return err
		}
		if h.Units != nil {
			if err := putJSON(tx, bucketSubProblems, keyUnits, h.Units); err != nil {
				return err
			}
		}
		if len(h.Aliases) > 0 {
			return putJSON(tx, bucketMeta, keyAgencyAliases, h.Aliases)
		}
		return nil
	})
}

func (w *boltCopy) Households(ctx context.Context, batch []data.Bundle) error {
	if !w.head {
		return errors.New("bolt: households before the copy's head")
	}
	err := w.s.update(func(tx *bbolt.Tx) error {
		buf, d, refs := &keyBuffer{}, counterDelta{}, editRefs(tx)
		for i := range batch {
			h := &batch[i].Household
			if err := writeHousehold(tx, h); err != nil {
				return err
			}
			buf.hidx = append(buf.hidx, householdIndexKeys(h)...)
			area := areaOf(h)
			w.last.Households = max(w.last.Households, h.ID)
			for j := range batch[i].Problems {
				p := &batch[i].Problems[j].Problem
				if p.HouseholdID != h.ID {
					return fmt.Errorf("bolt: copy: problem %d of household %d handed with household %d", p.ID, p.HouseholdID, h.ID)
				}
				if err := writeProblem(tx, p); err != nil {
					return err
				}
				buf.pidx = append(buf.pidx, problemIndexKeys(p, area)...)
				if err := d.addProblemIn(tx, refs, p, h.Origin, area, +1); err != nil {
					return err
				}
				w.last.Problems = max(w.last.Problems, p.ID)
				for k := range batch[i].Problems[j].Actions {
					a := &batch[i].Problems[j].Actions[k]
					if a.ProblemID != p.ID {
						return fmt.Errorf("bolt: copy: action %d of problem %d handed with problem %d", a.ID, a.ProblemID, p.ID)
					}
					if err := writeAction(tx, key(p.ID, a.ID), a); err != nil {
						return err
					}
					w.last.Actions = max(w.last.Actions, a.ID)
				}
			}
		}
		if err := buf.flush(tx); err != nil {
			return err
		}
		if err := refs.flush(); err != nil {
			return err
		}
		return d.flush(tx)
	})
	if err == nil {
		w.rep.Tally(batch)
	}
	return err
}

func (w *boltCopy) Audit(ctx context.Context, entries []data.AuditEntry) error {
	if !w.head {
		return errors.New("bolt: audit entries before the copy's head")
	}
	return w.s.update(func(tx *bbolt.Tx) error {
		prev := w.prev
		for i := range entries {
			e := entries[i]
			e.Key = "" // sealed here by the plain chain (see CopyIn)
			h, err := w.s.appendEntry(tx, &e, prev, nil, "")
			if err != nil {
				return err
			}
			prev = h
		}
		w.prev = prev
		w.rep.AuditEntries += int64(len(entries))
		return nil
	})
}
