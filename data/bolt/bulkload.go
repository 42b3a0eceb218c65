package bolt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// keyUnfinishedLoad, in the meta bucket, marks a LoadAll under way: its
// value is the loadMark it started from.
var keyUnfinishedLoad = []byte("unfinished_load")

// loadMark is where a LoadAll started: the last household, problem and
// action IDs handed out before it. Everything it writes has a higher ID.
type loadMark struct {
	Households uint64    `json:"households"`
	Problems   uint64    `json:"problems"`
	Actions    uint64    `json:"actions"`
	Who        string    `json:"who"`
	At         time.Time `json:"at"`
	// SetUnits says the load set the municipalities; UnitsBefore is the
	// list it replaced, put back by a rollback.
	SetUnits    bool          `json:"set_units,omitempty"`
	UnitsHad    bool          `json:"units_had,omitempty"` // the file had a list (else none was ever kept)
	UnitsBefore data.UnitList `json:"units_before,omitempty"`
}

// LoadAll stores the households fill hands to load, batch by batch, each
// batch its own transaction, so that a province of a million households
// never sits in one transaction. It lands whole or not at all: the
// database carries a mark from the first batch until fill returns, and a
// failure, a cancel of ctx or a crash in between takes every batch back
// out (after a crash, Open does). One audit entry records the whole load
// once it is in, and the database is marked as demo data (Meta.Demo):
// only `qmdesk demo` loads this way. Nothing else may create records meanwhile: a rollback
// takes out every household, problem and action past the IDs the load
// started from.
func (s *Store) LoadAll(ctx context.Context, fill func(load func([]data.Bundle) error) error) error {
	return s.LoadAllUnits(ctx, nil, fill)
}

// LoadAllUnits is LoadAll that sets the municipalities (units, unless nil)
// with the load's mark, and puts the list back if the load is taken back.
func (s *Store) LoadAllUnits(ctx context.Context, units data.UnitList, fill func(load func([]data.Bundle) error) error) error {
	err := s.update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta.Get(keyUnfinishedLoad) != nil {
			return data.Errorf(data.ECONFLICT, "มีการใส่ข้อมูลชุดใหญ่ที่ยังไม่เสร็จอยู่แล้ว กรุณารอให้เสร็จก่อน", "another load is under way")
		}
		m := loadMark{Households: tx.Bucket(bucketHouseholds).Sequence(), Problems: tx.Bucket(bucketProblems).Sequence(),
			Actions: tx.Bucket(bucketActions).Sequence(), Who: data.OperatorFrom(ctx), At: s.Clock.Now().UTC()}
		if units != nil {
			had, err := getJSON(tx, bucketSubProblems, keyUnits, &m.UnitsBefore)
			if err != nil {
				return err
			}
			m.UnitsHad = had
			m.SetUnits = true
			if err := s.putUnits(ctx, tx, units); err != nil {
				return err
			}
		}
		return putJSON(tx, bucketMeta, keyUnfinishedLoad, m)
	})
	if err != nil {
		return err
	}
	var sum loadSummary
	err = fill(func(bundles []data.Bundle) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return s.update(func(tx *bbolt.Tx) error { return s.loadTx(ctx, tx, bundles, &sum) })
	})
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = s.update(func(tx *bbolt.Tx) error {
			if err := del(tx, bucketMeta, keyUnfinishedLoad); err != nil {
				return err
			}
			var m data.Meta
			if _, err := getJSON(tx, bucketMeta, keyMeta, &m); err != nil {
				return err
			}
			m.Demo = true // only the demo loads this way
			if err := putJSON(tx, bucketMeta, keyMeta, m); err != nil {
				return err
			}
			return s.audit(ctx, tx, "load", "household", 0, nil, sum.audit(), "")
		})
	}
	if err != nil {
		if rerr := s.rollbackLoad(); rerr != nil {
			return &data.Error{Code: data.EINTERNAL, Message: "ใส่ข้อมูลไม่สำเร็จ และยกเลิกส่วนที่ใส่ไปแล้วไม่สำเร็จ: เปิดโปรแกรมใหม่เพื่อให้ยกเลิกอัตโนมัติ", English: fmt.Sprintf("load failed (%v) and its rollback failed", err), Err: rerr}
		}
		return err
	}
	return nil
}

// loadUndoChunk is how many records one transaction of a rollback
// removes (a variable so that tests cross its boundary).
var loadUndoChunk = 10_000

// rollbackLoad takes out what an unfinished LoadAll wrote, if the file
// carries its mark: the problems past the mark with their actions, index
// keys and counts, then the households past it with their index keys, a
// chunk a transaction, the mark staying until the last, so that a
// rollback cut short starts again where it stopped. The ID sequences go
// back to where they were, and an audit entry says what was taken out.
func (s *Store) rollbackLoad() error {
	var m loadMark
	if err := s.view(func(tx *bbolt.Tx) error {
		_, err := getJSON(tx, bucketMeta, keyUnfinishedLoad, &m)
		return err
	}); err != nil || m.At.IsZero() {
		return err
	}
	ctx := data.WithOperator(context.Background(), "qmdesk (กู้คืนการใส่ข้อมูลที่ค้าง)")
	for done := false; !done; {
		err := s.update(func(tx *bbolt.Tx) error {
			d := counterDelta{}
			clears := sumClears{}
			problems := idsAfter(tx.Bucket(bucketProblems), m.Problems, loadUndoChunk)
			for _, pid := range problems {
				var p data.Problem
				if err := getProblem(tx, pid, &p); err != nil {
					return err
				}
				for _, a := range actionIDsOf(tx, pid) {
					if err := clears.del(tx, bucketActions, key(pid, a)); err != nil {
						return err
					}
				}
				if err := deleteProblem(tx, d, clears, &p); err != nil {
					return err
				}
			}
			if err := clears.flush(tx); err != nil {
				return err
			}
			if err := d.flush(tx); err != nil || len(problems) > 0 {
				return err
			}
			households := idsAfter(tx.Bucket(bucketHouseholds), m.Households, loadUndoChunk)
			for _, hid := range households {
				var h data.Household
				if err := getHousehold(tx, hid, &h); err != nil {
					return err
				}
				if err := clears.del(tx, bucketHouseholds, itob(hid)); err != nil {
					return err
				}
				if err := replaceKeys(tx.Bucket(bucketHIdx), householdIndexKeys(&h), nil); err != nil {
					return err
				}
			}
			if err := clears.flush(tx); err != nil {
				return err
			}
			if len(households) > 0 {
				return nil
			}
			for _, seq := range []struct {
				bucket []byte
				n      uint64
			}{{bucketHouseholds, m.Households}, {bucketProblems, m.Problems}, {bucketActions, m.Actions}} {
				if err := tx.Bucket(seq.bucket).SetSequence(seq.n); err != nil {
					return err
				}
			}
			if m.SetUnits && m.UnitsHad {
				if err := s.putUnits(ctx, tx, m.UnitsBefore); err != nil {
					return err
				}
			} else if m.SetUnits { // the file kept no list before: none again
				if err := resettleUnits(tx, nil, nil); err != nil {
					return err
				}
				if err := del(tx, bucketSubProblems, keyUnits); err != nil {
					return err
				}
			}
			if err := del(tx, bucketMeta, keyUnfinishedLoad); err != nil {
				return err
			}
			done = true
			note := fmt.Sprintf("unfinished load rolled back: households after %d, problems after %d, actions after %d", m.Households, m.Problems, m.Actions)
			if m.SetUnits {
				// The load's start logged its municipalities as an update;
				// the log says they went too.
				note += "; its municipality list undone (the list before it put back, or none as before)"
			}
			return s.audit(ctx, tx, "rollback", "household", 0, nil, m, note)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// idsAfter returns up to n keys of b (8-byte IDs) after after, in order.
func idsAfter(b *bbolt.Bucket, after uint64, n int) (ids []uint64) {
	c := b.Cursor()
	for k, _ := c.Seek(itob(after + 1)); k != nil && len(ids) < n; k, _ = c.Next() {
		ids = append(ids, btoi(k))
	}
	return ids
}

// Create makes a new database at path whole, or not at all: build fills
// it in a temporary file beside path (path.new.tmp, written without a sync
// at each transaction, since a build cut short is thrown away), which is
// synced and only then renamed to path. path's swap lock is held
// exclusively from the start to the rename: an open of path meanwhile is
// refused as in use, a second Create too, and a temporary file found at
// the start is one a kill left, removed. So a build that fails, is
// cancelled or is killed leaves no database at path. It refuses
// (ECONFLICT) when path exists.
func Create(path string, opt Options, build func(*Store) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return &data.Error{Code: data.EINVALID, Message: fmt.Sprintf("สร้างโฟลเดอร์ของฐานข้อมูล %s ไม่ได้", filepath.Dir(path)), English: "cannot create database folder", Err: err}
	}
	deadline := time.Now().Add(LockTimeout)
	lock, err := lockSwap(path, true, deadline)
	if err != nil {
		return lockedError(path, err)
	}
	defer lock.release()
	if _, err := os.Lstat(path); err == nil {
		return data.Errorf(data.ECONFLICT, "มีไฟล์ %s อยู่แล้ว จึงไม่สร้างทับ: ใช้ --db ชี้ไปที่ไฟล์ใหม่", "%s exists", path)
	}
	tmp := path + ".new.tmp"
	os.Remove(tmp)
	s, err := openLocked(tmp, Options{NoSync: true, Clock: opt.Clock, AuditKeyDir: opt.AuditKeyDir}, deadline)
	if err != nil {
		return err
	}
	s.building = true
	err = build(s)
	if err == nil {
		err = s.db.Sync()
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if err = os.Rename(tmp, path); err != nil {
			err = &data.Error{Code: data.EINVALID, Message: fmt.Sprintf("ย้ายฐานข้อมูลที่สร้างเสร็จแล้วไปที่ %s ไม่ได้ (ไม่มีสิทธิ์เขียนในโฟลเดอร์นั้น?)", path), English: "cannot rename the new database into place", Err: err}
		}
	}
	// The build's anchors name the temporary file: they go, and the
	// database's own are written from its log now that it has its name.
	s.seal.dropAnchors(tmp)
	if err != nil {
		os.Remove(tmp)
		return err
	}
	data.SyncDir(filepath.Dir(path))
	final, err := openLocked(path, Options{Clock: opt.Clock, AuditKeyDir: opt.AuditKeyDir}, time.Now().Add(LockTimeout))
	if err != nil {
		return err
	}
	defer final.Close()
	return final.anchorNow()
}
