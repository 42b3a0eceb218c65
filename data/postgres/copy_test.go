package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/data/postgres/pgtest"
)

// copyDump is a province read through the contract, stamps to the
// microsecond (what PostgreSQL keeps).
type copyDump struct {
	Meta        data.Meta
	Rounds      []data.Round
	SubProblems data.SubProblemList
	Units       data.UnitList
	Aliases     data.AgencyAliases
	Households  []data.Household
	Problems    []data.Problem
	Actions     []data.Action
	Sizes       data.Sizes
	Counts      []string // every counter of every round, in an order of their own
	Summaries   []app.Summary
	Audit       []data.AuditEntry // without seals or keys
}

type dumpable interface {
	app.CopyComparable
	SubProblems(ctx context.Context) (data.SubProblemList, error)
}

func micro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func dumpOf(t *testing.T, ctx context.Context, s dumpable, geo *data.Geography, clock data.Clock) copyDump {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var d copyDump
	var err error
	d.Meta, err = s.Meta(ctx)
	must(err)
	d.Meta.SchemaVersion, d.Meta.CreatedAt = 0, micro(d.Meta.CreatedAt)
	d.Rounds, err = s.Rounds(ctx)
	must(err)
	d.SubProblems, err = s.SubProblems(ctx)
	must(err)
	d.Units, err = s.Units(ctx)
	must(err)
	d.Aliases, err = s.AgencyAliases(ctx)
	must(err)
	must(s.Walk(ctx, func(h data.Household, ps []data.Problem) error {
		h.CreatedAt, h.UpdatedAt = micro(h.CreatedAt), micro(h.UpdatedAt)
		d.Households = append(d.Households, h)
		for _, p := range ps {
			p.CreatedAt, p.UpdatedAt = micro(p.CreatedAt), micro(p.UpdatedAt)
			d.Problems = append(d.Problems, p)
		}
		return nil
	}))
	must(s.WalkActions(ctx, func(a data.Action) error {
		a.RecordedAt = micro(a.RecordedAt)
		d.Actions = append(d.Actions, a)
		return nil
	}))
	d.Sizes, err = s.Sizes(ctx)
	must(err)
	for _, r := range d.Rounds {
		for _, read := range []func(context.Context, uint64, data.Date) (data.RoundCounts, error){s.Counts, s.UnitCounts} {
			c, err := read(ctx, r.ID, data.NewDate(2030, 1, 1))
			must(err)
			for _, part := range []any{c.Status, c.Households, c.Due, c.Carried, c.ReXRay, c.NewCases, c.ThaiQM} {
				b, _ := json.Marshal(part)
				var items []json.RawMessage
				json.Unmarshal(b, &items)
				for _, it := range items {
					d.Counts = append(d.Counts, r.Name+" "+string(it))
				}
			}
		}
		for _, read := range []func(context.Context, uint64) (data.RoundHistory, error){s.History, s.UnitHistory} {
			c, err := read(ctx, r.ID)
			must(err)
			b, _ := json.Marshal(c)
			d.Counts = append(d.Counts, r.Name+" history "+string(b))
		}
		sum, err := (&app.Progress{Store: s, Geo: geo, Clock: clock}).Summarize(ctx, r.ID, "")
		must(err)
		d.Summaries = append(d.Summaries, sum)
	}
	slices.Sort(d.Counts)
	d.Audit, err = s.Audit(ctx, 0, 0)
	must(err)
	for i := range d.Audit {
		d.Audit[i].Key = ""
	}
	return d
}

// sameProvince fails the test unless got holds want's province, and got's
// log is want's followed by the copy's own entries, the last "migrate".
func sameProvince(t *testing.T, step string, got, want copyDump) {
	t.Helper()
	if len(got.Audit) <= len(want.Audit) {
		t.Fatalf("%s: the copy's log has %d entries, the source's %d", step, len(got.Audit), len(want.Audit))
	}
	own := got.Audit[len(want.Audit):]
	if last := own[len(own)-1]; last.Op != "migrate" || last.Entity != "database" {
		t.Errorf("%s: the copy's last entry is %+v, not migrate", step, last)
	}
	got.Audit = got.Audit[:len(want.Audit)]
	for i := range want.Audit {
		want.Audit[i].At, got.Audit[i].At = want.Audit[i].At.UTC(), got.Audit[i].At.UTC()
	}
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < gv.NumField(); i++ {
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			t.Errorf("%s: %s differ:\ncopy   %+v\nsource %+v", step, gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface())
		}
	}
}

// demoProvince is a small demo province in a bbolt file, with what a
// province gathers besides: a second round its open problems were
// carried into, an action, ThaiQM marks, an agencies' merge, a log entry.
// The clock has nanoseconds, which bbolt keeps and PostgreSQL does not.
func demoProvince(t *testing.T, ctx context.Context, path, keys string, geo *data.Geography, clock data.Clock) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(path, bolt.Options{Clock: clock, AuditKeyDir: keys})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Init(ctx, "41", data.DefaultRound())
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Round(ctx, m.DefaultRound)
	if err != nil {
		t.Fatal(err)
	}
	demo := app.Demo{Geo: geo, Province: "41", Round: r, Seed: 7, AsOf: clock.Today()}
	if err := demo.Fill(ctx, s, 150, 40, nil); err != nil {
		t.Fatal(err)
	}
	open, err := s.Problems(ctx, data.ProblemFilter{RoundID: r.ID, Status: data.InProgress, Limit: 3})
	if err != nil || len(open) < 3 {
		t.Fatalf("%d open problems, %v", len(open), err)
	}
	if err := s.AddAction(ctx, &data.Action{ProblemID: open[0].ID, Date: clock.Today(), Agency: "รพ.สต.", What: "เยี่ยมบ้าน", Result: data.Solved, Budget: 150000}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkThaiQM(ctx, []uint64{open[0].ID, open[1].ID}, clock.Today()); err != nil {
		t.Fatal(err)
	}
	if err := s.MergeAgency(ctx, "มูลนิธิในพื้นที่", "พัฒนาชุมชนอำเภอ"); err != nil {
		t.Fatal(err)
	}
	next := data.Round{Name: "รอบ 2568", SurveyYear: 2565, Start: data.NewDate(2024, time.October, 1), Deadline: data.NewDate(2025, time.September, 30)}
	if n, err := s.StartRound(ctx, &next, r.ID); err != nil || n == 0 {
		t.Fatalf("carried %d: %v", n, err)
	}
	if err := s.Log(ctx, "export", "database", 0, "a workbook for the meeting"); err != nil {
		t.Fatal(err)
	}
	return s
}

func geography(t *testing.T) *data.Geography {
	geo, err := assets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	return geo
}

// A province moved from its bbolt file to PostgreSQL and back into a new
// bbolt file is the same province at each step, read through the
// contract (records with their IDs and stamps, round links, lists,
// merges, every counter, the summary of every round, the audit log's
// entries), each copy's log ends with its migrate entry, and the bbolt
// file made from PostgreSQL passes its check.
func TestMigrateThereAndBack(t *testing.T) {
	geo := geography(t)
	clock := data.FixedClock(time.Date(2024, 6, 1, 9, 0, 0, 123456789, time.UTC))
	ctx := data.WithOperator(context.Background(), "สมศรี")
	dir, keys := t.TempDir(), t.TempDir()
	src := demoProvince(t, ctx, filepath.Join(dir, "qm.db"), keys, geo, clock)
	defer src.Close()
	want := dumpOf(t, ctx, src, geo, clock)

	pg, err := Open(ctx, pgtest.DB(t), clock)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	var calls int
	var last [2]int64
	rep, err := app.CopyProvince(ctx, src, pg, func(done, total int64) { calls++; last = [2]int64{done, total} })
	if err != nil {
		t.Fatal(err)
	}
	if calls < 3 || last[0] != last[1] || last[1] != int64(want.Sizes.Households+len(want.Audit)) {
		t.Errorf("progress told %d times, last %v", calls, last)
	}
	if rep.Households != int64(want.Sizes.Households) || rep.Problems != int64(want.Sizes.Problems) || rep.Actions != int64(want.Sizes.Actions) ||
		rep.AuditEntries != int64(len(want.Audit)) || !strings.HasPrefix(rep.Source, "bbolt file ") || rep.SourceHead.Seq != uint64(len(want.Audit)) {
		t.Errorf("report %+v", rep)
	}
	if head, _ := src.AuditAnchor(ctx, 0); rep.SourceHead != head {
		t.Errorf("the report names the source's head %+v, the source has %+v", rep.SourceHead, head)
	}
	inPG := dumpOf(t, ctx, pg, geo, clock)
	sameProvince(t, "bbolt → PostgreSQL", inPG, want)
	if err := app.CompareCopy(ctx, src, pg, rep, geo, clock); err != nil {
		t.Errorf("CompareCopy: %v", err)
	}
	var migrated data.CopyReport
	if last := inPG.Audit[len(inPG.Audit)-1]; json.Unmarshal(last.After, &migrated) != nil || migrated != rep {
		t.Errorf("the migrate entry says %s, the copy %+v", last.After, rep)
	}
	// New records after the move take IDs after the source's.
	h := data.Household{HouseCode: "41010099999", TambonCode: "410101", Origin: data.OriginMissed}
	if err := pg.CreateHousehold(ctx, &h); err != nil || h.ID != uint64(want.Sizes.Households)+1 {
		t.Errorf("a new household after the move: ID %d, %v", h.ID, err)
	}

	back := filepath.Join(dir, "back.db")
	var rep2 data.CopyReport
	if err := bolt.Create(back, bolt.Options{Clock: clock, AuditKeyDir: keys}, func(s *bolt.Store) (err error) {
		rep2, err = app.CopyProvince(ctx, pg, s, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	b, err := bolt.Open(back, bolt.Options{ReadOnly: true, Clock: clock, AuditKeyDir: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	check, err := b.Check(ctx)
	if err != nil || !check.OK() || len(check.Audit.Unverified) > 0 {
		t.Errorf("check of the file made from PostgreSQL: %+v, %v", check, err)
	}
	inBack := dumpOf(t, ctx, b, geo, clock)
	sameProvince(t, "PostgreSQL → bbolt", inBack, dumpOf(t, ctx, pg, geo, clock))
	if err := app.CompareCopy(ctx, pg, b, rep2, geo, clock); err != nil {
		t.Errorf("CompareCopy: %v", err)
	}
	if !strings.HasPrefix(rep2.Source, "PostgreSQL ") || rep2.Households != int64(want.Sizes.Households)+1 {
		t.Errorf("report %+v", rep2)
	}

	// The comparison sees a difference.
	h.Members = 3
	if err := pg.UpdateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	if err := app.CompareCopy(ctx, pg, b, rep2, geo, clock); data.ErrorCode(err) != data.EINTERNAL || !strings.Contains(err.Error(), "households") {
		t.Errorf("CompareCopy of a changed copy: %v", err)
	}
}

// A copy stopped part way (its ctx cancelled) leaves its destination as
// it was, empty, a PostgreSQL database as a new bbolt file; a destination
// that holds a database is refused, with nothing written; a source whose
// log was rewritten is refused.
func TestMigrateLeavesNothing(t *testing.T) {
	geo := geography(t)
	clock := data.FixedClock(now)
	ctx := data.WithOperator(context.Background(), "สมศรี")
	dir, keys := t.TempDir(), t.TempDir()
	src := demoProvince(t, ctx, filepath.Join(dir, "qm.db"), keys, geo, clock)
	defer src.Close()
	dsn := pgtest.DB(t)
	pg, err := Open(ctx, dsn, clock)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	empty := func(step string) {
		t.Helper()
		m, err := pg.Meta(ctx)
		sizes, _ := pg.Sizes(ctx)
		entries, _ := pg.Audit(ctx, 0, 0)
		if err != nil || m.Province != "" || sizes != (data.Sizes{}) || len(entries) != 0 {
			t.Errorf("%s: the destination holds %+v, %+v, %d audit entries (%v)", step, m, sizes, len(entries), err)
		}
	}
	// Cancelled once the households are in, before the audit log.
	cut, cancel := context.WithCancel(ctx)
	_, err = app.CopyProvince(cut, src, pg, func(done, total int64) {
		if done > 0 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled copy: %v", err)
	}
	empty("after a cancelled copy")

	// A pending-free source into an empty database then goes in whole.
	rep, err := app.CopyProvince(ctx, src, pg, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Into a database that holds one: refused, nothing written.
	before, _ := pg.Audit(ctx, 0, 0)
	_, err = app.CopyProvince(ctx, src, pg, nil)
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "มีข้อมูลอยู่แล้ว") {
		t.Errorf("a copy into a database in use: %v", err)
	}
	if after, _ := pg.Audit(ctx, 0, 0); len(after) != len(before) {
		t.Errorf("the refused copy wrote %d audit entries", len(after)-len(before))
	}
	if err := app.CompareCopy(ctx, src, pg, rep, geo, clock); err != nil {
		t.Errorf("after the refused copy: %v", err)
	}

	// PostgreSQL into a new file, cancelled: no file.
	path := filepath.Join(dir, "backup.db")
	cut, cancel = context.WithCancel(ctx)
	err = bolt.Create(path, bolt.Options{Clock: clock, AuditKeyDir: keys}, func(s *bolt.Store) error {
		_, err := app.CopyProvince(cut, pg, s, func(done, total int64) {
			if done > 0 {
				cancel()
			}
		})
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled copy into a file: %v", err)
	}
	// (The swap lock's file, never removed, stays: see bolt's swaplock.go.)
	if left, _ := filepath.Glob(filepath.Join(dir, "backup.db*")); len(left) != 1 || left[0] != path+".lock" {
		t.Errorf("a cancelled copy left %v", left)
	}
	// Into a file that exists: refused, the file as it was.
	if err := os.WriteFile(path, []byte("not mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = bolt.Create(path, bolt.Options{Clock: clock, AuditKeyDir: keys}, func(s *bolt.Store) error {
		_, err := app.CopyProvince(ctx, pg, s, nil)
		return err
	})
	if b, _ := os.ReadFile(path); data.ErrorCode(err) != data.ECONFLICT || string(b) != "not mine" {
		t.Errorf("a copy onto a file: %v, the file holds %q", err, b)
	}
	// Into a bbolt store Create is not building: refused.
	if _, err := app.CopyProvince(ctx, pg, src, nil); err == nil {
		t.Error("a copy into an open bbolt file was not refused")
	}

	// A source whose log was rewritten outside qmdesk is refused.
	sqlExec(t, dsn, `UPDATE audit SET entry = replace(entry::text, 'สมศรี', 'สมชาย')::json WHERE seq = 2`)
	err = bolt.Create(filepath.Join(dir, "tampered.db"), bolt.Options{Clock: clock, AuditKeyDir: keys}, func(s *bolt.Store) error {
		_, err := app.CopyProvince(ctx, pg, s, nil)
		return err
	})
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(err.Error(), "entry 2 was changed") {
		t.Errorf("a copy of a rewritten log: %v", err)
	}
}

// A clerk's role (not the database's owner) may move a province into a
// database the administrator set up, and a later record of hers takes
// the next ID; she may copy it back out.
func TestMigrateAsClerk(t *testing.T) {
	geo := geography(t)
	clock := data.FixedClock(now)
	ctx := data.WithOperator(context.Background(), "สมศรี")
	dir, keys := t.TempDir(), t.TempDir()
	src := demoProvince(t, ctx, filepath.Join(dir, "qm.db"), keys, geo, clock)
	defer src.Close()
	dsn := pgtest.DB(t)
	admin, _ := openStore(t, dsn)
	admin.Close()
	_, clerkDSN := clerk(t, dsn, false)
	pg, _ := openStore(t, clerkDSN)
	rep, err := app.CopyProvince(ctx, src, pg, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := data.Household{HouseCode: "41010099999", TambonCode: "410101", Origin: data.OriginMissed}
	if err := pg.CreateHousehold(ctx, &h); err != nil || h.ID != uint64(rep.Households)+1 {
		t.Errorf("a new household after the move: ID %d, %v", h.ID, err)
	}
	if err := bolt.Create(filepath.Join(dir, "back.db"), bolt.Options{Clock: clock, AuditKeyDir: keys}, func(s *bolt.Store) error {
		_, err := app.CopyProvince(ctx, pg, s, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
