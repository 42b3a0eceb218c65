package bolt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

var today = time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)

// openTest opens a fresh database for province 41 and checks it whole when
// the test ends, as bbolt's own tests do.
func openTest(t testing.TB) (*Store, context.Context) {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "qm.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Clock = data.FixedClock(today)
	if _, err := s.Init(context.Background(), "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		rep, err := s.Check(context.Background())
		if err != nil || !rep.OK() {
			t.Errorf("check on cleanup: %v %v", err, rep.Problems)
		}
		s.Close()
	})
	return s, data.WithOperator(context.Background(), "tester")
}

func validID(n int) string {
	return data.WithCheckDigit(fmt.Sprintf("3%011d", n))
}

func newHousehold(n int, tambon string) *data.Household {
	return &data.Household{HouseCode: fmt.Sprintf("4101%07d", n), TambonCode: tambon, Origin: data.OriginSurvey2565,
		Head: data.Person{NationalID: validID(n), Title: "นาย", FirstName: "สมชาย", LastName: "ใจดี"}}
}

func TestHouseholdProblemActionLifecycle(t *testing.T) {
	s, ctx := openTest(t)
	h := newHousehold(1, "410101")
	if err := s.CreateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.HouseholdsByHouseCode(ctx, h.HouseCode); len(got) != 1 || got[0].ID != h.ID {
		t.Fatalf("by house code: %+v", got)
	}
	if got, _ := s.HouseholdsByNationalID(ctx, h.Head.NationalID); len(got) != 1 {
		t.Fatalf("by national ID: %+v", got)
	}
	p := &data.Problem{HouseholdID: h.ID, Category: 5, SubProblem: "ยาเสพติด", Urgent: true, Sensitive: true, SurveyYear: 2567}
	if err := s.CreateProblem(ctx, p); err != nil {
		t.Fatal(err)
	}
	if p.Status != data.NotStarted || p.TargetDate != data.DefaultRound().Deadline {
		t.Fatalf("defaults not applied: %+v", p)
	}
	// Closing without a reason is refused and changes nothing.
	p.Status = data.Closed
	if err := s.UpdateProblem(ctx, p); data.ErrorCode(err) != data.EINVALID {
		t.Fatalf("closing without reason: %v", err)
	}
	if got, _ := s.Problem(ctx, p.ID); got.Status != data.NotStarted {
		t.Fatal("refused change was stored")
	}
	// A status change writes an action.
	p.Status, p.CloseReason = data.InProgress, ""
	if err := s.UpdateProblem(ctx, p); err != nil {
		t.Fatal(err)
	}
	acts, _ := s.Actions(ctx, p.ID)
	if len(acts) != 1 || acts[0].Result != data.InProgress || acts[0].RecordedBy != "tester" {
		t.Fatalf("status change action: %+v", acts)
	}
	// An action with a result moves the status; closing takes the note as reason.
	a := &data.Action{ProblemID: p.ID, Date: data.NewDate(2024, 5, 2), Agency: "สถานีตำรวจ", What: "ส่งบำบัด", Budget: 150000, Result: data.Closed, Note: "ย้ายออกนอกพื้นที่"}
	if err := s.AddAction(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Problem(ctx, p.ID)
	if got.Status != data.Closed || got.CloseReason != "ย้ายออกนอกพื้นที่" {
		t.Fatalf("after closing action: %+v", got)
	}
	if acts, _ := s.Actions(ctx, p.ID); len(acts) != 2 {
		t.Fatalf("want 2 actions, got %d", len(acts))
	}
	// Moving the household moves its counters.
	h.TambonCode = "410102"
	if err := s.UpdateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	rc, _ := s.Counts(ctx, 1, data.DateOf(today))
	if len(rc.Status) != 1 || rc.Status[0].Tambon != "410102" || rc.Status[0].Status != data.Closed {
		t.Fatalf("counters after move: %+v", rc.Status)
	}
	// The move is in the audit log: who, when, before and after.
	entries, _ := s.Audit(ctx, 0, 0)
	last := entries[len(entries)-1]
	var before, after data.Household
	json.Unmarshal(last.Before, &before)
	json.Unmarshal(last.After, &after)
	if last.Op != "update" || last.Entity != "household" || last.Who != "tester" || !last.At.Equal(today) ||
		before.TambonCode != "410101" || after.TambonCode != "410102" {
		t.Fatalf("last audit entry: %+v", last)
	}
	ops := map[string]int{}
	for _, e := range entries {
		ops[e.Op+" "+e.Entity]++
	}
	if ops["create action"] != 2 || ops["update problem"] != 2 || ops["create problem"] != 1 {
		t.Fatalf("audit ops: %v", ops)
	}
}

func TestProblemsFilters(t *testing.T) {
	s, ctx := openTest(t)
	for i := range 20 {
		h := newHousehold(i+1, []string{"410101", "410201"}[i%2])
		p := data.Problem{Category: data.Category(i%7 + 1), SubProblem: "x", SurveyYear: 2567, Urgent: i%5 == 0}
		if i%3 == 0 {
			p.TargetDate = data.NewDate(2024, 4, 1)
		}
		if err := s.Load(ctx, []data.Bundle{{Household: *h, Problems: []data.ProblemBundle{{Problem: p}}}}); err != nil {
			t.Fatal(err)
		}
	}
	count := func(f data.ProblemFilter) int {
		ps, err := s.Problems(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	if n := count(data.ProblemFilter{}); n != 20 {
		t.Errorf("all = %d", n)
	}
	if n := count(data.ProblemFilter{AreaCode: "4102"}); n != 10 {
		t.Errorf("amphoe 4102 = %d", n)
	}
	if n := count(data.ProblemFilter{UrgentOnly: true}); n != 4 {
		t.Errorf("urgent = %d", n)
	}
	if n := count(data.ProblemFilter{OverdueOn: data.DateOf(today)}); n != 7 {
		t.Errorf("overdue = %d", n)
	}
	if n := count(data.ProblemFilter{Category: 1, AreaCode: "410101"}); n != 2 {
		t.Errorf("cat 1 in 410101 = %d", n)
	}
}

// TestCountersSurviveRandomOperations runs thousands of random writes and
// lets the cleanup's Check compare every counter and index with a recount.
func TestCountersSurviveRandomOperations(t *testing.T) {
	s, ctx := openTest(t)
	r := rand.New(rand.NewPCG(1, 2))
	tambons := []string{"410101", "410102", "410201", "410301"}
	var hhs []uint64
	var pids []uint64
	ops := 3000
	if testing.Short() {
		ops = 600
	}
	for i := range ops {
		switch op := r.IntN(10); {
		case op < 2 || len(hhs) == 0:
			h := newHousehold(i+1, tambons[r.IntN(len(tambons))])
			if err := s.CreateHousehold(ctx, h); err != nil {
				t.Fatal(err)
			}
			hhs = append(hhs, h.ID)
		case op < 5:
			p := &data.Problem{HouseholdID: hhs[r.IntN(len(hhs))], Category: data.Category(r.IntN(7) + 1), SubProblem: "x", SurveyYear: 2565, Urgent: r.IntN(4) == 0, ReXRay: data.ReXRay(r.IntN(4)),
				TargetDate: data.NewDate(2024, time.Month(r.IntN(9)+1), 1)}
			if err := s.CreateProblem(ctx, p); err != nil {
				t.Fatal(err)
			}
			pids = append(pids, p.ID)
		case op < 8 && len(pids) > 0:
			p, _ := s.Problem(ctx, pids[r.IntN(len(pids))])
			p.Status = data.Statuses[r.IntN(5)]
			p.CloseReason = "ซ้ำ"
			p.Urgent = r.IntN(4) == 0
			p.Category = data.Category(r.IntN(7) + 1)
			p.ReXRay = data.ReXRay(r.IntN(4))
			if err := s.UpdateProblem(ctx, &p); err != nil {
				t.Fatal(err)
			}
		case op < 9:
			h, _ := s.Household(ctx, hhs[r.IntN(len(hhs))])
			h.TambonCode = tambons[r.IntN(len(tambons))]
			if err := s.UpdateHousehold(ctx, &h); err != nil {
				t.Fatal(err)
			}
		case len(pids) > 0:
			a := &data.Action{ProblemID: pids[r.IntN(len(pids))], Date: data.NewDate(2024, 5, 1), What: "ติดตาม", Result: data.Statuses[r.IntN(4)]}
			if err := s.AddAction(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
	}
	rc, _ := s.Counts(ctx, 1, data.DateOf(today))
	var total int64
	for _, c := range rc.Status {
		total += c.N
	}
	if total != int64(len(pids)) {
		t.Fatalf("counters hold %d problems, %d were created", total, len(pids))
	}
}

func TestCheckFindsTamperedAudit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(b *bbolt.Bucket)
	}{
		{"edited", func(b *bbolt.Bucket) {
			v := append([]byte(nil), b.Get(itob(2))...)
			v[len(v)-3] ^= 1
			b.Put(itob(2), v)
		}},
		{"deleted", func(b *bbolt.Bucket) { b.Delete(itob(2)) }},
		{"tail cut", func(b *bbolt.Bucket) {
			k, _ := b.Cursor().Last()
			b.Delete(k)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "qm.db")
			s, _ := Open(path, Options{})
			ctx := context.Background()
			s.Init(ctx, "41", data.DefaultRound())
			for i := range 3 {
				s.CreateHousehold(ctx, newHousehold(i+1, "410101"))
			}
			if rep, _ := s.Check(ctx); !rep.OK() {
				t.Fatalf("clean database fails check: %v", rep.Problems)
			}
			s.db.Update(func(tx *bbolt.Tx) error { tc.tamper(tx.Bucket(bucketAudit)); return nil })
			rep, _ := s.Check(ctx)
			s.Close()
			if rep.OK() {
				t.Fatal("tampering not detected")
			}
		})
	}
}

func TestCheckFindsWrongCounter(t *testing.T) {
	s, ctx := openTest(t)
	h := newHousehold(1, "410101")
	s.CreateHousehold(ctx, h)
	s.CreateProblem(ctx, &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565})
	var k []byte
	s.db.Update(func(tx *bbolt.Tx) error {
		k, _ = tx.Bucket(bucketCounters).Cursor().First()
		k = append([]byte(nil), k...)
		return tx.Bucket(bucketCounters).Put(k, itob(5))
	})
	if rep, _ := s.Check(ctx); rep.OK() {
		t.Fatal("a wrong counter passed the check")
	}
	s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketCounters).Put(k, itob(1)) })
}

func TestOpenLockedFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qm.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	_, err = Open(path, Options{})
	if data.ErrorCode(err) != data.ELOCKED {
		t.Fatalf("second open: %v", err)
	}
	// Waiting LockTimeout is the design; the bound is far above it, so
	// only a hang crosses it, not a loaded machine.
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("locked open took %v", d)
	}
	// The holder may be the window or a command still running (an
	// import, a backup, an upgrade): the clerk is told both.
	if m := data.ErrorMessage(err); !strings.Contains(m, "หน้าต่าง") || !strings.Contains(m, "คำสั่งที่ยังทำงานไม่เสร็จ") {
		t.Fatalf("the clerk is not told what holds the file: %q", m)
	}
}

func TestOpenRefusesNewerSchemaAndNonDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qm.db")
	s, _ := Open(path, Options{})
	s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(SchemaVersion+1)) })
	s.Close()
	if _, err := Open(path, Options{}); data.ErrorCode(err) != data.EINVALID {
		t.Fatalf("newer schema: %v", err)
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("PK\x03\x04 this is a spreadsheet"), 0o600)
	if _, err := Open(junk, Options{}); data.ErrorCode(err) != data.EINVALID {
		t.Fatalf("junk file: %v", err)
	}
}

func TestBackupWhileWritingAndRestore(t *testing.T) {
	s, ctx := openTest(t)
	done := make(chan error)
	go func() {
		for i := range 200 {
			if err := s.CreateHousehold(ctx, newHousehold(i+1, "410101")); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	backup := filepath.Join(t.TempDir(), "backup.db")
	for range 5 {
		if err := s.Backup(ctx, backup, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	rep, err := checkFile(backup)
	if err != nil || !rep.OK() {
		t.Fatalf("backup check: %v %v", err, rep.Problems)
	}
	// Restore into a database that is closed: the current file is kept.
	target := filepath.Join(t.TempDir(), "live.db")
	live, _ := Open(target, Options{})
	live.Close()
	kept, err := Restore(ctx, backup, target, func() string { return "x" })
	if err != nil {
		t.Fatal(err)
	}
	if kept == "" {
		t.Fatal("the replaced database was not kept")
	}
	r, _ := Open(target, Options{ReadOnly: true})
	defer r.Close()
	if got, _ := r.Households(ctx, data.HouseholdFilter{}); int64(len(got)) != rep.Households {
		t.Fatalf("restored %d households, backup had %d", len(got), rep.Households)
	}
	// A damaged source is refused.
	bad := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(bad, []byte("not a database"), 0o600)
	if _, err := Restore(ctx, bad, target, func() string { return "y" }); err == nil {
		t.Fatal("restored from a broken file")
	}
	// Restoring over a database that is open elsewhere is refused.
	if _, err := Restore(ctx, backup, s.path, func() string { return "z" }); data.ErrorCode(err) != data.ELOCKED {
		t.Fatalf("restore over an open database: %v", err)
	}
}

// TestUpgradeFromEmptyFile runs the migrations on a bbolt file that has no
// qmdesk layout yet (schema version 0), as a future version will on a
// version-1 file.
func TestUpgradeFromEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw.Close()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, _ := s.Meta(context.Background())
	l, _ := s.SubProblems(context.Background())
	if m.SchemaVersion != SchemaVersion || len(l) != len(data.DefaultSubProblems()) {
		t.Fatalf("after upgrade: schema %d, %d sub-problems", m.SchemaVersion, len(l))
	}
}

func TestSubProblemsAreEditable(t *testing.T) {
	s, ctx := openTest(t)
	l, _ := s.SubProblems(ctx)
	l = append(l, data.SubProblem{Category: 2, Name: " น้ำท่วมขัง\u200b ", Urgent: true})
	if err := s.SetSubProblems(ctx, l); err != nil {
		t.Fatal(err)
	}
	got, _ := s.SubProblems(ctx)
	if sp, ok := got.Find(2, "น้ำท่วมขัง"); !ok || !sp.Urgent || sp.Name != "น้ำท่วมขัง" {
		t.Fatalf("edited list: %+v", sp)
	}
	if err := s.SetSubProblems(ctx, data.SubProblemList{{Category: 9, Name: "x"}}); data.ErrorCode(err) != data.EINVALID {
		t.Fatalf("invalid entry accepted: %v", err)
	}
	entries, _ := s.Audit(ctx, 0, 0)
	if e := entries[len(entries)-1]; e.Entity != "subproblems" || e.Before == nil || e.After == nil {
		t.Fatalf("edit not audited: %+v", e)
	}
}

// Walk hands every household, in ID order, with exactly its problems, over
// several of its decoding batches; an error from fn stops it and comes back.
func TestWalkInOrderWithProblems(t *testing.T) {
	s, ctx := openTest(t)
	var bundles []data.Bundle
	for i := 1; i <= 1300; i++ {
		b := data.Bundle{Household: *newHousehold(i, "410101")}
		for j := 0; j < i%4; j++ {
			b.Problems = append(b.Problems, data.ProblemBundle{Problem: data.Problem{Category: data.Category(j + 1), SubProblem: fmt.Sprint("p", i, "-", j), SurveyYear: 2565, Status: data.NotStarted}})
		}
		bundles = append(bundles, b)
	}
	if err := s.Load(ctx, bundles); err != nil {
		t.Fatal(err)
	}
	var last uint64
	n := 0
	err := s.Walk(ctx, func(h data.Household, ps []data.Problem) error {
		n++
		if h.ID <= last {
			t.Fatalf("household %d after %d", h.ID, last)
		}
		last = h.ID
		if len(ps) != n%4 {
			t.Fatalf("household %d has %d problems, want %d", h.ID, len(ps), n%4)
		}
		for j, p := range ps {
			if p.HouseholdID != h.ID || p.SubProblem != fmt.Sprint("p", n, "-", j) {
				t.Fatalf("household %d problem %d: %+v", h.ID, j, p)
			}
		}
		return nil
	})
	if err != nil || n != 1300 {
		t.Fatalf("walked %d: %v", n, err)
	}
	stop := errors.New("enough")
	n = 0
	err = s.Walk(ctx, func(data.Household, []data.Problem) error {
		if n++; n == 700 {
			return stop
		}
		return nil
	})
	if err != stop || n != 700 {
		t.Errorf("stopped walk: %d households, %v", n, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Walk(cctx, func(data.Household, []data.Problem) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled walk: %v", err)
	}
}

// History counts problems by the day they were found and resolved; a
// schema-2 file gets both days and the counters when it is opened.
func TestHistoryAndUpgradeFromSchema2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qm.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Clock = data.FixedClock(today)
	ctx := data.WithOperator(context.Background(), "tester")
	s.Init(ctx, "41", data.DefaultRound())
	jul := data.NewDate(2024, 5, 20)
	err = s.Load(ctx, []data.Bundle{
		{Household: *newHousehold(1, "410101"), Problems: []data.ProblemBundle{
			{Problem: data.Problem{Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565, Status: data.Solved},
				Actions: []data.Action{{Date: data.NewDate(2024, 4, 2), What: "เริ่ม", Result: data.InProgress}, {Date: jul, What: "เสร็จ", Result: data.Solved}}},
			{Problem: data.Problem{Category: 1, SubProblem: "ไม่มีที่อยู่อาศัย", SurveyYear: 2567, Status: data.NotStarted}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Closing a problem through an action resolves it on the action's day.
	ps, _ := s.Problems(ctx, data.ProblemFilter{HouseholdID: 1})
	if err := s.AddAction(ctx, &data.Action{ProblemID: ps[1].ID, Date: data.NewDate(2024, 5, 30), Result: data.Closed, Note: "ย้ายออก"}); err != nil {
		t.Fatal(err)
	}
	h, _ := s.History(ctx, 1)
	if len(h.Added) != 2 || h.Added[0].Date != (data.Date{}) || h.Added[1].Date != data.DateOf(today) {
		t.Errorf("added %+v", h.Added)
	}
	if len(h.Resolved) != 2 || h.Resolved[0].Date != data.NewDate(2024, 5, 30) || h.Resolved[1].Date != data.DateOf(today) {
		t.Errorf("resolved %+v (the loaded problem has no ResolvedOn of its own, so the load day)", h.Resolved)
	}
	// Make it a schema-2 file: records in JSON, no days in them, no
	// history counters.
	err = s.db.Update(func(tx *bbolt.Tx) error {
		legacyJSON(t, tx)
		for _, p := range ps {
			if err := getProblem(tx, p.ID, &p); err != nil {
				return err
			}
			p.FoundOn, p.ResolvedOn = data.Date{}, data.Date{}
			putLegacy(t, tx, bucketProblems, itob(p.ID), &p)
		}
		c := tx.Bucket(bucketCounters)
		var del [][]byte
		c.ForEach(func(k, _ []byte) error {
			if k[0] == 'A' || k[0] == 'R' {
				del = append(del, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range del {
			c.Delete(k)
		}
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(2))
	})
	if err != nil {
		t.Fatal(err)
	}
	// An upgrade cut short after its first chunk: counters of one problem
	// are in, the file still says version 2.
	err = s.db.Update(func(tx *bbolt.Tx) error {
		_, _, err := historyChunkOne(tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A reader (qmdesk summary, check) upgrades the file first, too; one
	// problem a transaction, to cross the chunks' boundaries.
	defer func(n int) { historyChunkSize = n }(historyChunkSize)
	historyChunkSize = 1
	s, err = Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check after upgrade: %v %v", err, rep.Problems)
	}
	p0, _ := s.Problem(ctx, ps[0].ID)
	p1, _ := s.Problem(ctx, ps[1].ID)
	if p0.ResolvedOn != jul || !p0.FoundOn.IsZero() || p1.ResolvedOn != data.NewDate(2024, 5, 30) || p1.FoundOn != data.DateOf(today) {
		t.Errorf("after upgrade: %v/%v and %v/%v", p0.FoundOn, p0.ResolvedOn, p1.FoundOn, p1.ResolvedOn)
	}
	if h, _ := s.History(ctx, 1); len(h.Resolved) != 2 || h.Resolved[0].Date != jul {
		t.Errorf("history after upgrade: %+v", h.Resolved)
	}
}

func historyChunkOne(tx *bbolt.Tx) (uint64, bool, error) {
	defer func(n int) { historyChunkSize = n }(historyChunkSize)
	historyChunkSize = 1
	return historyChunk(tx, map[uint64]string{1: "410101"}, 0)
}

// The store refuses, with nothing written, what it could not read back:
// the status change of issue 9 (a day of year 0 from a broken clock), an
// unknown round, invalid enums, dates out of any sane range.
func TestStoreRefusesWhatItCannotReadBack(t *testing.T) {
	s, ctx := openTest(t)
	h := newHousehold(1, "410101")
	if err := s.CreateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	p := &data.Problem{HouseholdID: h.ID, Category: 1, SubProblem: "บ้านทรุดโทรม/ไม่มั่นคงถาวร", SurveyYear: 2565}
	if err := s.CreateProblem(ctx, p); err != nil {
		t.Fatal(err)
	}
	year0 := data.Date{Year: -1, Month: time.November, Day: 30}
	for name, err := range map[string]error{
		"status change on year 0": s.AddAction(ctx, &data.Action{ProblemID: p.ID, Date: year0, What: "เปลี่ยนสถานะเป็น แก้ไขแล้ว", Result: data.Solved}),
		"action in 2567 CE":       s.AddAction(ctx, &data.Action{ProblemID: p.ID, Date: data.NewDate(2567, 3, 1), What: "ซ่อมบ้าน"}),
		"unknown round":           s.CreateProblem(ctx, &data.Problem{HouseholdID: h.ID, RoundID: 99, Category: 2, SubProblem: "ขาดแคลนน้ำใช้", SurveyYear: 2567}),
		"Re-X-Ray 9":              s.CreateProblem(ctx, &data.Problem{HouseholdID: h.ID, Category: 2, SubProblem: "ขาดแคลนน้ำใช้", SurveyYear: 2565, ReXRay: 9}),
		"target in 1900":          s.CreateProblem(ctx, &data.Problem{HouseholdID: h.ID, Category: 2, SubProblem: "ขาดแคลนน้ำใช้", SurveyYear: 2565, TargetDate: data.NewDate(1900, 1, 1)}),
		"round in BE as CE":       s.CreateRound(ctx, &data.Round{Name: "2568", Start: data.NewDate(2567, 10, 1), Deadline: data.NewDate(2568, 9, 30)}),
		"no household":            s.CreateProblem(ctx, &data.Problem{Category: 2, SubProblem: "ขาดแคลนน้ำใช้", SurveyYear: 2565}),
	} {
		if code := data.ErrorCode(err); code != data.EINVALID && code != data.ENOTFOUND {
			t.Errorf("%s: err = %v, want a refusal", name, err)
		}
	}
	got, err := s.Problem(ctx, p.ID)
	if err != nil || got.Status != data.NotStarted || !got.ResolvedOn.IsZero() {
		t.Errorf("problem after refused changes: %+v, %v", got, err)
	}
	if acts, err := s.Actions(ctx, p.ID); err != nil || len(acts) != 0 {
		t.Errorf("actions after refused changes: %+v, %v", acts, err)
	}
	if n, _ := s.Sizes(ctx); n.Problems != 1 {
		t.Errorf("%d problems stored, want 1", n.Problems)
	}
	if rs, _ := s.Rounds(ctx); len(rs) != 1 {
		t.Errorf("%d rounds stored, want 1", len(rs))
	}
}

func TestNewRoundCarriesOpenProblemsWithTheirHistory(t *testing.T) {
	s, ctx := openTest(t)
	h := newHousehold(1, "410101")
	s.CreateHousehold(ctx, h)
	open := &data.Problem{HouseholdID: h.ID, Category: 1, SubProblem: "บ้านทรุดโทรม/ไม่มั่นคงถาวร", SurveyYear: 2565, LeadAgency: "อบต."}
	done := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567}
	for _, p := range []*data.Problem{open, done} {
		if err := s.CreateProblem(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	s.AddAction(ctx, &data.Action{ProblemID: open.ID, Date: data.NewDate(2024, 5, 1), What: "สำรวจบ้าน", Result: data.InProgress})
	s.AddAction(ctx, &data.Action{ProblemID: done.ID, Date: data.NewDate(2024, 5, 2), What: "ฝึกอาชีพ", Result: data.Solved})
	before, _ := s.Counts(ctx, 1, data.DateOf(today))
	next := &data.Round{Name: "ติดตามต่อเนื่อง 2568", SurveyYear: 2565, Start: data.NewDate(2024, 10, 1), Deadline: data.NewDate(2025, 9, 30)}
	if err := s.CreateRound(ctx, next); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRound(ctx, &data.Round{Name: next.Name, Start: next.Start, Deadline: next.Deadline}); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("a second round of the same name: %v", err)
	}
	if err := s.SetCurrentRound(ctx, next.ID); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Meta(ctx); m.DefaultRound != next.ID {
		t.Errorf("current round %d, want %d", m.DefaultRound, next.ID)
	}
	n, err := s.CarryOver(ctx, 1, next.ID)
	if err != nil || n != 1 {
		t.Fatalf("carry over: %d, %v; want the one open problem", n, err)
	}
	if n, err := s.CarryOver(ctx, 1, next.ID); err != nil || n != 0 {
		t.Errorf("carrying twice: %d, %v; want nothing more", n, err)
	}
	old, _ := s.Problem(ctx, open.ID)
	carried, err := s.Problem(ctx, old.CarriedTo)
	if err != nil || carried.RoundID != next.ID || carried.CarriedFrom != open.ID || carried.Status != data.InProgress ||
		carried.TargetDate != next.Deadline || carried.LeadAgency != "อบต." || carried.SurveyYear != 2565 || !carried.FoundOn.IsZero() {
		t.Fatalf("carried problem %+v (%v) from %+v", carried, err, old)
	}
	after, _ := s.Counts(ctx, 1, data.DateOf(today))
	if want := []data.CarriedCount{{Tambon: "410101", Category: 1, N: 1}}; !reflect.DeepEqual(after.Carried, want) {
		t.Errorf("carried counter %+v, want %+v", after.Carried, want)
	}
	after.Carried = nil
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the old round's counters moved:\nbefore %+v\nafter  %+v", before, after)
	}
	if err := s.AddAction(ctx, &data.Action{ProblemID: open.ID, Date: data.NewDate(2024, 5, 3), What: "ซ่อม"}); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("an action on the carried problem: %v, want a refusal pointing at the new one", err)
	}
	if err := s.AddAction(ctx, &data.Action{ProblemID: done.ID, Date: data.NewDate(2024, 5, 3), What: "กลับมาเป็นหนี้", Result: data.InProgress}); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("reopening a problem of the old round: %v, want a refusal (the old round keeps its figures)", err)
	}
	if err := s.AddAction(ctx, &data.Action{ProblemID: carried.ID, Date: data.NewDate(2024, 5, 3), What: "ซ่อมบ้าน", Result: data.Solved}); err != nil {
		t.Errorf("an action on the problem in the new round: %v", err)
	}
	nc, _ := s.Counts(ctx, next.ID, data.DateOf(today))
	if len(nc.Status) != 1 || nc.Status[0].Status != data.Solved || nc.Status[0].N != 1 {
		t.Errorf("new round's counters: %+v", nc.Status)
	}
}

// Marking a sub-problem urgent reaches the problems of the current round
// that carry it, and their counters; unmarking takes it back.
func TestSubProblemFlagsReachCurrentProblems(t *testing.T) {
	s, ctx := openTest(t)
	h := newHousehold(1, "410101")
	if err := s.CreateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	p := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567}
	if err := s.CreateProblem(ctx, p); err != nil {
		t.Fatal(err)
	}
	urgentCount := func() int64 {
		rc, err := s.Counts(ctx, 1, data.DateOf(today))
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, c := range rc.Status {
			if c.Urgent {
				n += c.N
			}
		}
		return n
	}
	l, _ := s.SubProblems(ctx)
	for i := range l {
		if l[i].Name == "หนี้สิน" {
			l[i].Urgent, l[i].Sensitive = true, true
		}
	}
	if err := s.SetSubProblems(ctx, l); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Problem(ctx, p.ID); !got.Urgent || !got.Sensitive {
		t.Fatalf("flags not given to the stored problem: %+v", got)
	}
	if n := urgentCount(); n != 1 {
		t.Fatalf("urgent counter %d, want 1", n)
	}
	if k := l.UrgentKinds(); len(k) != 4 || k[2].Category != 4 || k[2].Name != "หนี้สิน" || !k[2].Sensitive {
		t.Fatalf("urgent kinds: %+v", k)
	}
	for i := range l {
		if l[i].Name == "หนี้สิน" {
			l[i].Urgent = false
		}
	}
	if err := s.SetSubProblems(ctx, l); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Problem(ctx, p.ID); got.Urgent || !got.Sensitive {
		t.Fatalf("after unmarking: %+v", got)
	}
	if n := urgentCount(); n != 0 {
		t.Fatalf("urgent counter %d after unmarking, want 0", n)
	}
}
