package bolt

import (
	"context"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// thaiQMKey is the counter of a problem whose result is keyed into
// ThaiQM: 'Q' round + tambon + category; nil for one not keyed. The
// problems not yet keyed are the round's problems ('S') less these.
func thaiQMKey(p *data.Problem, tambon string) []byte {
	if p.ThaiQMOn.IsZero() {
		return nil
	}
	return key(byte('Q'), p.RoundID, tambon, byte(p.Category))
}

// thaiQMCounts reads a round's ThaiQM counters.
func thaiQMCounts(c *bbolt.Cursor, roundID uint64) (out []data.ThaiQMCount) {
	pre := key(byte('Q'), roundID)
	for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre); k, v = c.Next() {
		r := k[len(pre):] // tambon(6) cat
		if len(r) != 7 {
			continue
		}
		out = append(out, data.ThaiQMCount{Tambon: string(r[:6]), Category: data.Category(r[6]), N: int64(btoi(v))})
	}
	return out
}

// MarkThaiQM marks problems' results, and their actions not yet marked,
// as keyed into ThaiQM on a day; a zero day takes the problems' marks off
// (the actions keep theirs). Each problem changed has its audit entry,
// each action marked one too. A problem carried into a later round or of
// a round that is not the current one is skipped, as are those already
// marked that day. One transaction: all or nothing.
func (s *Store) MarkThaiQM(ctx context.Context, ids []uint64, on data.Date) (n int, err error) {
	err = s.update(func(tx *bbolt.Tx) error {
		n = 0
		var r data.Round
		if err := getRound(tx, defaultRound(tx), &r); err != nil {
			return err
		}
		if err := data.CheckThaiQMDate(on, r, s.today()); err != nil {
			return err
		}
		for _, id := range ids {
			var old data.Problem
			if err := getProblem(tx, id, &old); err != nil {
				return err
			}
			if editable(tx, &old) != nil {
				continue
			}
			if !on.IsZero() {
				if err := s.markActions(ctx, tx, id, on); err != nil {
					return err
				}
			}
			if old.ThaiQMOn == on {
				continue
			}
			p := old
			p.ThaiQMOn = on
			if err := s.updateProblem(ctx, tx, &old, &p, nil); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// markActions marks a problem's actions not yet marked as keyed on a day.
func (s *Store) markActions(ctx context.Context, tx *bbolt.Tx, problemID uint64, on data.Date) error {
	pre := itob(problemID)
	type found struct {
		k []byte
		a data.Action
	}
	var todo []found
	c := tx.Bucket(bucketActions).Cursor()
	for k, v := c.Seek(pre); k != nil && hasPrefix(k, pre); k, v = c.Next() {
		var a data.Action
		if err := decodeAction(v, &a); err != nil {
			return data.Messages(data.EDAMAGED, "อ่านการช่วยเหลือของปัญหาเลขที่ %d ไม่ได้ กรุณาใช้คำสั่งตรวจสอบ (qmdesk check)", []any{problemID}, "action %x unreadable: %v", k, err)
		}
		if a.ThaiQMOn.IsZero() {
			todo = append(todo, found{append([]byte(nil), k...), a})
		}
	}
	for _, f := range todo {
		before := f.a
		f.a.ThaiQMOn = on
		if err := writeAction(tx, f.k, &f.a); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, "thaiqm", "action", f.a.ID, before, f.a, ""); err != nil {
			return err
		}
	}
	return nil
}

// MarkActionThaiQM marks one action as keyed into ThaiQM on a day (a zero
// day takes the mark off), with its audit entry.
func (s *Store) MarkActionThaiQM(ctx context.Context, problemID, actionID uint64, on data.Date) error {
	return s.update(func(tx *bbolt.Tx) error {
		var p data.Problem
		if err := getProblem(tx, problemID, &p); err != nil {
			return err
		}
		if err := editable(tx, &p); err != nil {
			return err
		}
		var r data.Round
		if err := getRound(tx, p.RoundID, &r); err != nil {
			return err
		}
		if err := data.CheckThaiQMDate(on, r, s.today()); err != nil {
			return err
		}
		k := key(problemID, actionID)
		var a data.Action
		if found, err := readAction(tx, k, &a); err != nil {
			return err
		} else if !found {
			return data.Errorf(data.ENOTFOUND, "ไม่พบการช่วยเหลือเลขที่ %d", "action %d not found", actionID)
		}
		if a.ThaiQMOn == on {
			return nil
		}
		before := a
		a.ThaiQMOn = on
		if err := writeAction(tx, k, &a); err != nil {
			return err
		}
		return s.audit(ctx, tx, "thaiqm", "action", actionID, before, a, "")
	})
}
