package app

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"os"
	"reflect"
	"slices"
	"time"

	"qmdesk/data"
)

// Moving a province from one store to another (qmdesk migrate), and the
// backup of a PostgreSQL database as a bbolt file: a copy of the whole
// province (data/copy.go), then a comparison of the two through the
// contract.

// CopySource is a store a province can be copied out of, in one read
// transaction (data.CopyWriter says in what order).
type CopySource interface {
	CopyOut(ctx context.Context, w data.CopyWriter) error
}

// CopyTarget is a database a province can be copied into: an empty one,
// never set up, which takes the copy whole or not at all.
type CopyTarget interface {
	CopyIn(ctx context.Context, fill func(w data.CopyWriter) error) (data.CopyReport, error)
}

// CopyProvince copies the province src holds into dst, whole or not at
// all. progress (nil: none) gets the records and audit entries copied so
// far and in all. A province with rows of an import waiting for review
// is refused before anything is written: a copy does not carry them.
func CopyProvince(ctx context.Context, src CopySource, dst CopyTarget, progress func(done, total int64)) (data.CopyReport, error) {
	return dst.CopyIn(ctx, func(w data.CopyWriter) error {
		return src.CopyOut(ctx, &copyGate{w: w, progress: progress})
	})
}

// copyGate passes a copy on, refusing what a copy cannot carry and
// telling the progress.
type copyGate struct {
	w           data.CopyWriter
	progress    func(done, total int64)
	done, total int64
}

// ErrPendingReviews is the refusal of a copy of a province with n rows
// of imports waiting for review: a copy does not carry them.
func ErrPendingReviews(n int) error {
	return data.Messages(data.EINVALID, "มีแถวที่รอตรวจสอบจากการนำเข้า %s แถว ซึ่งการย้ายฐานข้อมูลยังย้ายไปด้วยไม่ได้ จึงยังไม่ย้าย (ไม่ได้เขียนอะไรในฐานข้อมูลปลายทาง): ตัดสินแถวที่รอตรวจสอบให้ครบก่อน (qmdesk review) แล้วลองใหม่",
		[]any{data.FormatNumber(int64(n))},
		"%d rows of imports wait for review, which a copy does not carry", n)
}

// MigrateWarning is what a clerk reads before a province moves: what
// goes where (what: the move and the province, "ย้ายข้อมูลจังหวัด…"), and
// what cannot come along. The command line and the window say it.
func MigrateWarning(what, src, dst string) data.Sentence {
	return data.Sentence{
		Thai: fmt.Sprintf("จะ%sทั้งหมดจาก %s ไปที่ %s (ต้นทางไม่เปลี่ยนแปลง เก็บไว้เป็นสำรองได้)\n"+
			"หลังย้ายแล้ว การนำเข้าไฟล์ Excel ที่ทำก่อนย้ายจะยกเลิก (qmdesk undo) ไม่ได้อีก ประวัติการนำเข้ายังอยู่ในบันทึกการแก้ไข\n", what, src, dst),
		English: fmt.Sprintf("Everything (%s) is copied from %s to %s; the source stays as it is and can be kept as a backup.\n"+
			"After the move, imports of Excel files made before it can no longer be undone; their history stays in the audit log.\n", what, src, dst),
	}
}

// ErrServerChangedDuringMove is the comparison's difference (err) of a
// new file at path with the server's database it was copied from: a
// clerk may have written on the server meanwhile.
func ErrServerChangedDuringMove(path string, err error) error {
	return &data.Error{Code: data.EINTERNAL, Message: fmt.Sprintf("ไฟล์ใหม่ %s ไม่ตรงกับฐานข้อมูลบนเซิร์ฟเวอร์ในขณะนี้ อาจมีผู้ใช้บันทึกข้อมูลบนเซิร์ฟเวอร์ระหว่างย้าย: ให้ทุกคนหยุดใช้ฐานข้อมูลบนเซิร์ฟเวอร์ ลบไฟล์ %s แล้วย้ายใหม่ (ถ้ายังไม่ตรง แจ้งผู้ดูแลระบบ)", path, path),
		English: "the new file differs from the server's database now", Err: err}
}

// Files makes and opens database files: the file store's, which app does
// not know (cmd's wiring gives it; cli.Env.Create and Open).
type Files struct {
	// Create makes a new database at path whole or not at all: build
	// fills it, and the file takes its name only once build returned nil.
	Create func(path string, build func(data.Store) error) error
	Open   func(path string, readOnly bool) (data.Store, error)
}

// CopyToFile copies the province src holds into a new file at path,
// which Files.Create makes whole or not at all: a failure or a cancel of
// ctx leaves no file at path. A path that exists is refused before
// anything is read.
func CopyToFile(ctx context.Context, src CopySource, files Files, path string, progress func(done, total int64)) (data.CopyReport, error) {
	if _, err := os.Lstat(path); err == nil {
		return data.CopyReport{}, data.Errorf(data.ECONFLICT, "มีไฟล์ %s อยู่แล้ว จึงไม่เขียนทับ: ใช้ชื่อไฟล์ใหม่ที่ยังไม่มี", "%s exists", path)
	}
	var rep data.CopyReport
	err := files.Create(path, func(s data.Store) error {
		dst, ok := s.(CopyTarget)
		if !ok {
			return errors.New("the new file's store cannot take a copy")
		}
		var err error
		rep, err = CopyProvince(ctx, src, dst, progress)
		return err
	})
	return rep, err
}

// CopyVerifiable is a store a copy is compared with and checked in.
type CopyVerifiable interface {
	CopyComparable
	Check(ctx context.Context) (data.CheckReport, error)
}

// VerifyCopy compares the copy dst with its source src as CompareCopy
// does (unless src is nil), then checks dst. A copy that fails its check
// is an EINTERNAL error; the check's report (its findings) comes with it.
func VerifyCopy(ctx context.Context, src, dst CopyVerifiable, rep data.CopyReport, geo *data.Geography, clock data.Clock) (data.CheckReport, error) {
	if src != nil {
		if err := CompareCopy(ctx, src, dst, rep, geo, clock); err != nil {
			return data.CheckReport{}, err
		}
	}
	check, err := dst.Check(ctx)
	if err != nil {
		return check, err
	}
	if !check.OK() {
		return check, data.Errorf(data.EINTERNAL, "ปลายทางไม่ผ่านการตรวจสอบ %d รายการ: ใช้ต้นทางต่อไปตามเดิม และแจ้งผู้ดูแลระบบพร้อมรายการข้างบน", "the copy fails its check: %d findings", len(check.Problems))
	}
	return check, nil
}

// BackupToFile writes a consistent copy of the province src holds (its
// CopyOut reads it at one moment) as a new file at path, made whole or
// not at all, then opens the file and checks it: the backup of a
// PostgreSQL database (qmdesk backup, the window's backup). It is not
// compared with src, which clerks may change meanwhile.
func BackupToFile(ctx context.Context, src CopySource, files Files, path string, progress func(done, total int64)) error {
	rep, err := CopyToFile(ctx, src, files, path, progress)
	if err != nil {
		return err
	}
	made, err := files.Open(path, true)
	if err != nil {
		return err
	}
	defer made.Close()
	_, err = VerifyCopy(ctx, nil, made, rep, nil, data.Clock{})
	return err
}

func (g *copyGate) Head(ctx context.Context, h data.CopyHead) error {
	if h.PendingReviews > 0 {
		return ErrPendingReviews(h.PendingReviews)
	}
	g.total = int64(h.Sizes.Households) + h.AuditEntries
	g.tell()
	return g.w.Head(ctx, h)
}

func (g *copyGate) Households(ctx context.Context, b []data.Bundle) error {
	if err := g.w.Households(ctx, b); err != nil {
		return err
	}
	g.done += int64(len(b))
	g.tell()
	return nil
}

func (g *copyGate) Audit(ctx context.Context, e []data.AuditEntry) error {
	if err := g.w.Audit(ctx, e); err != nil {
		return err
	}
	g.done += int64(len(e))
	g.tell()
	return nil
}

func (g *copyGate) tell() {
	if g.progress != nil {
		g.progress(min(g.done, g.total), g.total)
	}
}

// CopyComparable is what the comparison of a copy with its source reads
// of each: every record, list and counter through the contract, and the
// progress (the summary).
type CopyComparable interface {
	ProgressStore
	Rounds(ctx context.Context) ([]data.Round, error)
	Walk(ctx context.Context, fn func(h data.Household, problems []data.Problem) error) error
	WalkActions(ctx context.Context, fn func(a data.Action) error) error
	Sizes(ctx context.Context) (data.Sizes, error)
	Audit(ctx context.Context, afterSeq uint64, limit int) ([]data.AuditEntry, error)
}

// CompareCopy tells whether dst holds the province src holds, as a copy
// leaves it (rep): the same description, rounds, lists and merges, the
// same households, problems and actions (stamps to the microsecond, what
// PostgreSQL keeps), the same counters of every round and the same
// summary of every round (Progress with geo and clock), and the source's
// audit entries first in dst's log, each the same but for its seal, then
// the copy's own. It reads both whole, a record at a time (digests, not
// copies, are kept). A difference is an EINTERNAL error naming what
// differs.
func CompareCopy(ctx context.Context, src, dst CopyComparable, rep data.CopyReport, geo *data.Geography, clock data.Clock) error {
	differ := func(what string) error {
		return data.Messages(data.EINTERNAL, "ข้อมูลในฐานข้อมูลปลายทางไม่ตรงกับต้นทาง (%s) กรุณาแจ้งผู้ดูแลระบบ และใช้ฐานข้อมูลต้นทางต่อไปตามเดิม", []any{what},
			"the copy differs from its source: %s", what)
	}
	a, err := digestOf(ctx, src)
	if err != nil {
		return err
	}
	b, err := digestOf(ctx, dst)
	if err != nil {
		return err
	}
	for _, part := range []string{"meta", "rounds", "lists", "households", "actions", "sizes", "counters"} {
		if a[part] != b[part] {
			return differ(part)
		}
	}
	rounds, err := src.Rounds(ctx)
	if err != nil {
		return err
	}
	for _, r := range rounds {
		sa, err := (&Progress{Store: src, Geo: geo, Clock: clock}).Summarize(ctx, r.ID, "")
		if err != nil {
			return err
		}
		sb, err := (&Progress{Store: dst, Geo: geo, Clock: clock}).Summarize(ctx, r.ID, "")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(sa, sb) {
			return differ("summary of round " + r.Name)
		}
		ga, err := Agencies(ctx, src, r.ID, "")
		if err != nil {
			return err
		}
		gb, err := Agencies(ctx, dst, r.ID, "")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(ga, gb) {
			return differ("agencies of round " + r.Name)
		}
	}
	// The audit log: the source's entries, then the copy's own (the
	// "migrate" entry, and any entry its store writes before it).
	var after, n uint64
	for {
		ea, err := src.Audit(ctx, after, 1000)
		if err != nil {
			return err
		}
		if len(ea) == 0 {
			break
		}
		eb, err := dst.Audit(ctx, n, len(ea))
		if err != nil {
			return err
		}
		if len(eb) != len(ea) {
			return differ("audit log")
		}
		for i := range ea {
			if !sameEntry(ea[i], eb[i]) {
				return differ(fmt.Sprintf("audit entry %d", ea[i].Seq))
			}
		}
		after, n = ea[len(ea)-1].Seq, n+uint64(len(eb))
	}
	if int64(n) != rep.AuditEntries {
		return differ("audit log")
	}
	rest, err := dst.Audit(ctx, n, 0)
	if err != nil {
		return err
	}
	if len(rest) == 0 || rest[len(rest)-1].Op != "migrate" || rest[len(rest)-1].Entity != "database" {
		return differ("audit log: no migrate entry")
	}
	return nil
}

// sameEntry tells whether two audit entries say the same, their seals
// and the key that sealed them aside.
func sameEntry(a, b data.AuditEntry) bool {
	return a.Seq == b.Seq && a.At.Equal(b.At) && a.Who == b.Who && a.Op == b.Op && a.Entity == b.Entity && a.ID == b.ID &&
		string(a.Before) == string(b.Before) && string(a.After) == string(b.After) && a.Note == b.Note
}

// digestOf reads a store through the contract into digests, by part.
func digestOf(ctx context.Context, s CopyComparable) (map[string]string, error) {
	out := map[string]string{}
	sum := func(part string, h hash.Hash) { out[part] = fmt.Sprintf("%x", h.Sum(nil)) }
	add := func(h hash.Hash, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		h.Write(b)
		h.Write([]byte{'\n'})
		return nil
	}
	m, err := s.Meta(ctx)
	if err != nil {
		return nil, err
	}
	m.SchemaVersion = 0 // each store its own
	m.CreatedAt = stamp(m.CreatedAt)
	h := sha256.New()
	if err := add(h, m); err != nil {
		return nil, err
	}
	sum("meta", h)
	rounds, err := s.Rounds(ctx)
	if err != nil {
		return nil, err
	}
	h = sha256.New()
	if err := add(h, rounds); err != nil {
		return nil, err
	}
	sum("rounds", h)
	h = sha256.New()
	sub, err := s.SubProblems(ctx)
	if err != nil {
		return nil, err
	}
	units, err := s.Units(ctx)
	if err != nil {
		return nil, err
	}
	aliases, err := s.AgencyAliases(ctx)
	if err != nil {
		return nil, err
	}
	if err := add(h, []any{sub, units, aliases}); err != nil {
		return nil, err
	}
	sum("lists", h)
	h = sha256.New()
	if err := s.Walk(ctx, func(hh data.Household, ps []data.Problem) error {
		hh.CreatedAt, hh.UpdatedAt = stamp(hh.CreatedAt), stamp(hh.UpdatedAt)
		if len(ps) == 0 {
			ps = nil // a store's walk may give an empty slice, another nil
		}
		for i := range ps {
			ps[i].CreatedAt, ps[i].UpdatedAt = stamp(ps[i].CreatedAt), stamp(ps[i].UpdatedAt)
		}
		return add(h, []any{hh, ps})
	}); err != nil {
		return nil, err
	}
	sum("households", h)
	h = sha256.New()
	if err := s.WalkActions(ctx, func(a data.Action) error {
		a.RecordedAt = stamp(a.RecordedAt)
		return add(h, a)
	}); err != nil {
		return nil, err
	}
	sum("actions", h)
	h = sha256.New()
	sizes, err := s.Sizes(ctx)
	if err != nil {
		return nil, err
	}
	if err := add(h, sizes); err != nil {
		return nil, err
	}
	sum("sizes", h)
	h = sha256.New()
	due := data.NewDate(2100, 1, 1) // every open problem with a target date
	for _, r := range rounds {
		for _, read := range []func(context.Context, uint64, data.Date) (data.RoundCounts, error){s.Counts, s.UnitCounts} {
			c, err := read(ctx, r.ID, due)
			if err != nil {
				return nil, err
			}
			if err := add(h, []any{sortedJSON(c.Status), sortedJSON(c.Households), sortedJSON(c.Due), sortedJSON(c.Carried),
				sortedJSON(c.ReXRay), sortedJSON(c.NewCases), sortedJSON(c.ThaiQM)}); err != nil {
				return nil, err
			}
		}
		for _, read := range []func(context.Context, uint64) (data.RoundHistory, error){s.History, s.UnitHistory} {
			c, err := read(ctx, r.ID)
			if err != nil {
				return nil, err
			}
			if err := add(h, []any{sortedJSON(c.Added), sortedJSON(c.Resolved), sortedJSON(c.Solved)}); err != nil {
				return nil, err
			}
		}
	}
	sum("counters", h)
	return out, nil
}

// sortedJSON is the counters of a kind in an order of their own: each
// store gives them in the order of its keys.
func sortedJSON[T any](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		b, _ := json.Marshal(x)
		out[i] = string(b)
	}
	slices.Sort(out)
	return out
}

// stamp is a time stamp as both stores keep it: in UTC, to the
// microsecond.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
