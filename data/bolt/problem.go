package bolt

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// CreateProblem stores a new problem of an existing household.
func (s *Store) CreateProblem(ctx context.Context, p *data.Problem) error {
	return s.update(func(tx *bbolt.Tx) error {
		var h data.Household
		if err := getHousehold(tx, p.HouseholdID, &h); err != nil {
			return err
		}
		d := counterDelta{}
		p.CarriedFrom, p.CarriedTo = 0, 0 // only CarryOver links rounds
		if err := s.createProblem(ctx, tx, d, p, areaOf(&h), h.Origin, nil); err != nil {
			return err
		}
		if err := d.flush(tx); err != nil {
			return err
		}
		return s.audit(ctx, tx, "create", "problem", p.ID, nil, p, "")
	})
}

// createProblem stores a new problem of a household in tambon, of origin
// (0 when unknown: read when a new-case counter moves, which is slow in a
// bulk write).
func (s *Store) createProblem(ctx context.Context, tx *bbolt.Tx, d counterDelta, p *data.Problem, tambon string, origin data.Origin, buf *keyBuffer) error {
	if p.Status == 0 {
		p.Status = data.NotStarted
	}
	if p.RoundID == 0 {
		p.RoundID = defaultRound(tx)
	}
	r, err := buf.round(tx, p.RoundID) // a problem of an unknown round is refused
	if err != nil {
		return err
	}
	if err := p.PrepareNew(r, s.today()); err != nil {
		return err
	}
	b := tx.Bucket(bucketProblems)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	p.ID = id
	now := s.Clock.Now().UTC()
	p.CreatedAt, p.UpdatedAt = now, now
	p.ChangedOn, p.ChangedBy = s.today(), data.OperatorFrom(ctx)
	if err := writeProblem(tx, p); err != nil {
		return err
	}
	if buf != nil {
		buf.pidx = append(buf.pidx, problemIndexKeys(p, tambon)...)
	} else if err := replaceKeys(tx.Bucket(bucketPIdx), nil, problemIndexKeys(p, tambon)); err != nil {
		return err
	}
	return d.addProblemOf(tx, p, origin, tambon, +1)
}

func defaultRound(tx *bbolt.Tx) uint64 {
	var m data.Meta
	getJSON(tx, bucketMeta, keyMeta, &m)
	return m.DefaultRound
}

// Problem returns one problem.
func (s *Store) Problem(ctx context.Context, id uint64) (p data.Problem, err error) {
	err = s.view(func(tx *bbolt.Tx) error { return getProblem(tx, id, &p) })
	return p, err
}

func getProblem(tx *bbolt.Tx, id uint64, p *data.Problem) error {
	v := tx.Bucket(bucketProblems).Get(itob(id))
	if v == nil {
		return data.Errorf(data.ENOTFOUND, "ไม่พบปัญหาเลขที่ %d", "problem %d not found", id)
	}
	if err := decodeProblem(v, p); err != nil {
		return corrupt(bucketProblems, itob(id), err)
	}
	return nil
}

// UpdateProblem stores a changed problem. A change of status appends an
// action recording it, dated today; closing needs p.CloseReason.
// p.UpdatedAt is the stamp of the problem as the caller read it: when the
// stored one is another, the problem changed meanwhile and the change is
// refused (checkStale). On success p is the problem as stored, with its
// new UpdatedAt.
func (s *Store) UpdateProblem(ctx context.Context, p *data.Problem) error {
	return s.update(func(tx *bbolt.Tx) error {
		var old data.Problem
		if err := getProblem(tx, p.ID, &old); err != nil {
			return err
		}
		if err := checkStale(tx, "problem", p.ID, p.UpdatedAt, old.UpdatedAt, old.ChangedBy); err != nil {
			return err
		}
		data.SettleThaiQM(&old, p)
		if err := s.updateProblem(ctx, tx, &old, p, nil); err != nil {
			return err
		}
		if p.Status != old.Status {
			a := &data.Action{ProblemID: p.ID, Date: s.today(), Result: p.Status, What: "เปลี่ยนสถานะเป็น " + p.Status.Thai(), Note: p.CloseReason}
			if p.Status != data.Closed {
				a.Note = ""
			}
			return s.appendAction(ctx, tx, a)
		}
		return nil
	})
}

// updateProblem writes p over old, changed now (stampAfter) and today by
// the operator, or, for an import (by), at the import's time and on the day
// of the row's information.
func (s *Store) updateProblem(ctx context.Context, tx *bbolt.Tx, old, p *data.Problem, by *importStamp) error {
	if err := editable(tx, old); err != nil {
		return err
	}
	if err := p.PrepareUpdate(old, s.today()); err != nil {
		return err
	}
	var h data.Household
	if err := getHousehold(tx, p.HouseholdID, &h); err != nil {
		return err
	}
	p.CreatedAt, p.UpdatedAt = old.CreatedAt, data.StampAfter(s.Clock.Now().UTC(), old.UpdatedAt)
	p.ChangedOn, p.ChangedBy = s.today(), data.OperatorFrom(ctx)
	if by != nil {
		p.UpdatedAt, p.ChangedOn = by.at, importDay(by.asOf, p.ChangedOn, old.ChangedOn)
	}
	if err := writeProblem(tx, p); err != nil {
		return err
	}
	if err := replaceKeys(tx.Bucket(bucketPIdx), problemIndexKeys(old, areaOf(&h)), problemIndexKeys(p, areaOf(&h))); err != nil {
		return err
	}
	d := counterDelta{}
	if err := d.addProblemOf(tx, old, h.Origin, areaOf(&h), -1); err != nil {
		return err
	}
	if err := d.addProblemOf(tx, p, h.Origin, areaOf(&h), +1); err != nil {
		return err
	}
	if err := d.flush(tx); err != nil {
		return err
	}
	return s.audit(ctx, tx, "update", "problem", p.ID, old, p, "")
}

// Problems lists problems of a round through the narrowest index the filter
// allows, then applies the rest of the filter to each record. A problem
// that cannot be read is left out and named in an EDAMAGED error that
// comes with the others.
func (s *Store) Problems(ctx context.Context, f data.ProblemFilter) (out []data.Problem, err error) {
	var bad damage
	err = s.view(func(tx *bbolt.Tx) error {
		if f.RoundID == 0 && f.HouseholdID == 0 {
			f.RoundID = defaultRound(tx)
		}
		var pre, stop []byte
		byArea := false
		switch {
		case f.HouseholdID != 0:
			pre = key(byte('h'), f.HouseholdID)
		case !f.OverdueOn.IsZero():
			pre, stop = key(byte('D'), f.RoundID), key(byte('D'), f.RoundID, f.OverdueOn.Key())
		case f.UrgentOnly:
			pre = key(byte('U'), f.RoundID)
		case f.AreaCode != "":
			pre, byArea = key(byte('A'), f.RoundID, f.AreaCode), true
		case f.Status != 0:
			pre = key(byte('S'), f.RoundID, byte(f.Status))
		case f.Category != 0:
			pre = key(byte('C'), f.RoundID, byte(f.Category))
		default:
			pre = key(byte('C'), f.RoundID)
		}
		for id := range indexIDs(tx.Bucket(bucketPIdx).Cursor(), pre, stop) {
			var p data.Problem
			if err := getProblem(tx, id, &p); data.ErrorCode(err) == data.EDAMAGED {
				bad.add(bucketProblems, itob(id), errors.Unwrap(err))
				continue
			} else if err != nil {
				return err
			}
			g := f
			if byArea {
				g.AreaCode = "" // the index already chose the area
			}
			if !matches(tx, &p, g) {
				continue
			}
			out = append(out, p)
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
		}
		return nil
	})
	if err == nil {
		err = bad.err()
	}
	return out, err
}

func matches(tx *bbolt.Tx, p *data.Problem, f data.ProblemFilter) bool {
	if (f.RoundID != 0 && p.RoundID != f.RoundID) || (f.HouseholdID != 0 && p.HouseholdID != f.HouseholdID) ||
		(f.Category != 0 && p.Category != f.Category) || (f.Status != 0 && p.Status != f.Status) ||
		(f.UrgentOnly && !p.Urgent) || (!f.OverdueOn.IsZero() && !p.Overdue(f.OverdueOn)) {
		return false
	}
	if f.AreaCode != "" {
		var h data.Household
		if getHousehold(tx, p.HouseholdID, &h) != nil || !hasPrefix([]byte(h.TambonCode), []byte(f.AreaCode)) {
			return false
		}
	}
	return true
}

// AddAction appends an action to a problem's history. An action with a
// Result moves the problem to that status; closing takes its reason from
// the action's Note. An action with a Seen (the problem's UpdatedAt as
// the caller showed it) is refused when the problem changed since
// (checkStale); a zero Seen checks nothing.
func (s *Store) AddAction(ctx context.Context, a *data.Action) error {
	return s.update(func(tx *bbolt.Tx) error { return s.addAction(ctx, tx, a) })
}

func (s *Store) addAction(ctx context.Context, tx *bbolt.Tx, a *data.Action) error {
	var p data.Problem
	if err := getProblem(tx, a.ProblemID, &p); err != nil {
		return err
	}
	a.Normalize()
	if err := a.Validate(s.today()); err != nil {
		return err
	}
	if err := editable(tx, &p); err != nil {
		return err
	}
	if !a.Seen.IsZero() {
		if err := checkStale(tx, "problem", p.ID, a.Seen, p.UpdatedAt, p.ChangedBy); err != nil {
			return err
		}
	}
	old := p
	if p.ApplyAction(a) {
		if err := s.updateProblem(ctx, tx, &old, &p, nil); err != nil {
			return err
		}
	}
	return s.appendAction(ctx, tx, a)
}

func (s *Store) appendAction(ctx context.Context, tx *bbolt.Tx, a *data.Action) error {
	b := tx.Bucket(bucketActions)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	a.ID = id
	a.RecordedBy = data.OperatorFrom(ctx)
	a.RecordedAt = s.Clock.Now().UTC()
	if err := writeAction(tx, key(a.ProblemID, id), a); err != nil {
		return err
	}
	return s.audit(ctx, tx, "create", "action", id, nil, a, "")
}

// Actions returns a problem's history, oldest first. An action that
// cannot be read is left out and named in an EDAMAGED error that comes
// with the others.
func (s *Store) Actions(ctx context.Context, problemID uint64) (out []data.Action, err error) {
	var bad damage
	err = s.view(func(tx *bbolt.Tx) error {
		pre := itob(problemID)
		c := tx.Bucket(bucketActions).Cursor()
		for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre); k, v = c.Next() {
			var a data.Action
			if err := decodeAction(v, &a); err != nil {
				bad.add(bucketActions, k, err)
				continue
			}
			out = append(out, a)
		}
		return nil
	})
	if err == nil {
		err = bad.err()
	}
	return out, err
}

// WalkActions reads every action in key order (problem, then sequence).
func (s *Store) WalkActions(ctx context.Context, fn func(a data.Action) error) error {
	return s.view(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketActions).Cursor()
		n := 0
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if n++; n%10_000 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			var a data.Action
			if err := decodeAction(v, &a); err != nil {
				return corrupt(bucketActions, k, err)
			}
			if err := fn(a); err != nil {
				return err
			}
		}
		return nil
	})
}

// Sizes counts the records from bbolt's page statistics.
func (s *Store) Sizes(ctx context.Context) (n data.Sizes, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		n.Households = tx.Bucket(bucketHouseholds).Stats().KeyN
		n.Problems = tx.Bucket(bucketProblems).Stats().KeyN
		n.Actions = tx.Bucket(bucketActions).Stats().KeyN
		return nil
	})
	return n, err
}

// Load stores many households with their problems and actions in one
// transaction. It writes one audit entry for the whole load, with the ID
// ranges it created, rather than one per record.
func (s *Store) Load(ctx context.Context, bundles []data.Bundle) error {
	return s.update(func(tx *bbolt.Tx) error {
		var sum loadSummary
		if err := s.loadTx(ctx, tx, bundles, &sum); err != nil {
			return err
		}
		return s.audit(ctx, tx, "load", "household", 0, nil, sum.audit(), "")
	})
}

// loadSummary is what one or more loads wrote, for their audit entry.
type loadSummary struct {
	households, firstH, lastH, problems, actions uint64
}

func (l *loadSummary) audit() map[string]uint64 {
	return map[string]uint64{"households": l.households, "first_household": l.firstH, "last_household": l.lastH, "problems": l.problems, "actions": l.actions}
}

// loadTx stores bundles in tx, with their indexes and counters, and adds
// what it wrote to sum.
func (s *Store) loadTx(ctx context.Context, tx *bbolt.Tx, bundles []data.Bundle, sum *loadSummary) error {
	d := counterDelta{}
	buf := &keyBuffer{}
	for i := range bundles {
		h := &bundles[i].Household
		if err := s.createHousehold(ctx, tx, h, buf); err != nil {
			return withRow(err, i)
		}
		if sum.firstH == 0 {
			sum.firstH = h.ID
		}
		sum.lastH = h.ID
		sum.households++
		for j := range bundles[i].Problems {
			pb := &bundles[i].Problems[j]
			pb.Problem.HouseholdID = h.ID
			pb.Problem.CarriedFrom, pb.Problem.CarriedTo = 0, 0
			if err := s.createProblem(ctx, tx, d, &pb.Problem, areaOf(h), h.Origin, buf); err != nil {
				return withRow(err, i)
			}
			sum.problems++
			for k := range pb.Actions {
				a := &pb.Actions[k]
				a.ProblemID = pb.Problem.ID
				a.Normalize()
				if err := a.Validate(s.today()); err != nil {
					return withRow(err, i)
				}
				id, err := tx.Bucket(bucketActions).NextSequence()
				if err != nil {
					return err
				}
				a.ID, a.RecordedBy, a.RecordedAt = id, data.OperatorFrom(ctx), s.Clock.Now().UTC()
				if err := writeAction(tx, key(a.ProblemID, id), a); err != nil {
					return err
				}
				sum.actions++
			}
		}
	}
	if err := buf.flush(tx); err != nil {
		return err
	}
	return d.flush(tx)
}

func withRow(err error, i int) error {
	if e, ok := err.(*data.Error); ok {
		c := *e
		c.English = e.English + " (bundle " + strconv.Itoa(i) + ")"
		return &c
	}
	return err
}

// editable refuses a change to a problem of a round that is no longer the
// current one (an earlier round keeps the figures it ended with), naming
// the problem that carries its work on when there is one.
func editable(tx *bbolt.Tx, p *data.Problem) error {
	if p.CarriedTo != 0 {
		return data.Errorf(data.ECONFLICT, "ปัญหาเลขที่ %d ยกไปติดตามต่อในรอบใหม่แล้ว (ปัญหาเลขที่ %d): กรุณาบันทึกที่ปัญหาในรอบใหม่", "problem %d was carried over to problem %d", p.ID, p.CarriedTo)
	}
	if cur := defaultRound(tx); p.RoundID != cur {
		var r data.Round
		getRound(tx, p.RoundID, &r)
		return data.Errorf(data.ECONFLICT, "ปัญหาเลขที่ %d อยู่ในรอบ %s ซึ่งไม่ใช่รอบปัจจุบัน: รอบเก่าเก็บไว้ตามเดิม ถ้าปัญหากลับมาอีก ให้บันทึกเป็นปัญหาในรอบปัจจุบัน (หรือตั้งรอบนั้นเป็นรอบปัจจุบันก่อน: qmdesk round use)",
			"problem %d is in round %s, not the current one", p.ID, r.Name)
	}
	return nil
}

// CarryOver continues round from's open problems in round to, in one
// transaction (see carryTx).
func (s *Store) CarryOver(ctx context.Context, from, to uint64) (n int, err error) {
	err = s.update(func(tx *bbolt.Tx) error {
		n, err = s.carryTx(ctx, tx, from, to)
		return err
	})
	return n, err
}

// StartRound adds a round, makes it current and carries the open problems
// of round carryFrom (0: none) into it, in one transaction.
func (s *Store) StartRound(ctx context.Context, r *data.Round, carryFrom uint64) (n int, err error) {
	r.Name = data.CleanText(r.Name)
	if err := r.Validate(s.today()); err != nil {
		return 0, err
	}
	err = s.update(func(tx *bbolt.Tx) error {
		if err := s.createRound(ctx, tx, r); err != nil {
			return err
		}
		if err := s.setCurrentRound(ctx, tx, r.ID); err != nil {
			return err
		}
		if carryFrom != 0 {
			n, err = s.carryTx(ctx, tx, carryFrom, r.ID)
		}
		return err
	})
	return n, err
}

// carryTx continues round from's open problems in round to: for each, a
// new problem in the new round (same household, category, sub-problem,
// detail, flags, survey year, Re-X-Ray result, status and lead agency;
// target date the new round's deadline; counted from the round's start),
// pointing back at the old one, which gets CarriedTo and stays in its
// round as it was.
func (s *Store) carryTx(ctx context.Context, tx *bbolt.Tx, from, to uint64) (int, error) {
	if from == to {
		return 0, data.Errorf(data.EINVALID, "ยกปัญหาไปรอบเดิมไม่ได้", "carry over needs two rounds")
	}
	n := 0
	var src, dst data.Round
	if err := getRound(tx, from, &src); err != nil {
		return 0, err
	}
	if err := getRound(tx, to, &dst); err != nil {
		return 0, err
	}
	var open []uint64
	c := tx.Bucket(bucketPIdx).Cursor()
	for _, st := range []data.Status{data.NotStarted, data.InProgress} {
		open = slices.AppendSeq(open, indexIDs(c, key(byte('S'), from, byte(st)), nil))
	}
	slices.Sort(open)
	d := counterDelta{}
	buf := &keyBuffer{}
	tambons, origins := map[uint64]string{}, map[uint64]data.Origin{}
	for _, id := range open {
		var old data.Problem
		if err := getProblem(tx, id, &old); err != nil {
			return 0, err
		}
		if old.CarriedTo != 0 {
			continue
		}
		tambon, ok := tambons[old.HouseholdID]
		if !ok {
			var h data.Household
			if err := getHousehold(tx, old.HouseholdID, &h); err != nil {
				return 0, err
			}
			tambon, tambons[old.HouseholdID], origins[old.HouseholdID] = areaOf(&h), areaOf(&h), h.Origin
		}
		p := data.Problem{HouseholdID: old.HouseholdID, RoundID: to, Category: old.Category, SubProblem: old.SubProblem,
			Detail: old.Detail, Urgent: old.Urgent, Sensitive: old.Sensitive, SurveyYear: old.SurveyYear, ReXRay: old.ReXRay,
			Status: old.Status, TargetDate: dst.Deadline, LeadAgency: old.LeadAgency, CarriedFrom: old.ID}
		if err := s.createProblem(ctx, tx, d, &p, tambon, origins[old.HouseholdID], buf); err != nil {
			return 0, err
		}
		old.CarriedTo = p.ID
		if err := writeProblem(tx, &old); err != nil { // a pointer and the carried counter: nothing else of its round moves
			return 0, err
		}
		for _, a := range areasOf(tambon) {
			d[string(carriedKey(&old, a))]++
		}
		n++
	}
	if err := buf.flush(tx); err != nil {
		return 0, err
	}
	if err := d.flush(tx); err != nil {
		return 0, err
	}
	return n, s.audit(ctx, tx, "carry", "round", to, nil, map[string]any{"from": from, "to": to, "problems": n}, fmt.Sprintf("%d open problems of %s carried into %s", n, src.Name, dst.Name))
}
