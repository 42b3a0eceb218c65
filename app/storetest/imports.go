package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"qmdesk/data"
)

// base commits the first workbook of a province: household 1 with a
// problem of category 4 and household 2 with one of category 1.
func (e *env) base() {
	e.t.Helper()
	rep := e.commit(e.writeBook("base.xlsx",
		row(1, "หมากแข้ง", 4, "หนี้สิน", "", ""),
		row(2, "หมากแข้ง", 1, "ไม่มีที่อยู่อาศัย", "", ""),
	))
	if c := rep.Counts(); c != (data.Counts{Rows: 2, NewHouseholds: 2}) {
		e.t.Fatalf("base workbook: %+v %+v", c, slices.Collect(rep.Batch.RowResults()))
	}
}

// changes is a workbook whose rows update (household 1's problem solved
// today, the day of the base workbook's information), leave unchanged (household 2), create a household (3),
// add a problem to a household (1) and are rejected (an unknown tambon).
func (e *env) changes(name string) string {
	return e.writeBook(name,
		row(1, "หมากแข้ง", 4, "หนี้สิน", data.Solved.Thai(), "01/08/2567"),
		row(2, "หมากแข้ง", 1, "ไม่มีที่อยู่อาศัย", "", ""),
		row(3, "หมากแข้ง", 2, "ขาดแคลนน้ำดื่ม", "", ""),
		row(1, "หมากแข้ง", 3, "ขาดทุนการศึกษา", "", ""),
		row(4, "ไม่มีตำบลนี้", 4, "หนี้สิน", "", ""),
	)
}

var changesCounts = data.Counts{Rows: 5, Updated: 1, Unchanged: 1, NewHouseholds: 1, NewProblems: 1, Rejected: 1}

// testDryRunEqualsCommit: a dry run writes nothing; the commit writes
// exactly the records the dry run planned, and records the fates it
// counted; the same file again changes nothing.
func testDryRunEqualsCommit(t *testing.T, e *env) {
	e.base()
	path := e.changes("changes.xlsx")
	before := e.dump()
	dry := e.plan(path)
	if c := dry.Counts(); c != changesCounts {
		t.Fatalf("dry run %+v, want %+v: %+v", c, changesCounts, slices.Collect(dry.Batch.RowResults()))
	}
	e.sameDump("after a dry run", e.dump(), before)
	b := dry.Batch
	rec, err := e.imp.Commit(e.ctx, dry)
	e.must(err, "Commit")
	if rec.ID == 0 || rec.Counts != changesCounts || rec.SHA256 != dry.SHA256 || rec.Who != Operator || !rec.UndoneAt.IsZero() || rec.Committing {
		t.Fatalf("ledger entry %+v", rec)
	}
	after := e.dump()
	if n := len(after.Households) - len(before.Households); n != changesCounts.CreatedHouseholds() {
		t.Errorf("%d households created, the dry run said %d", n, changesCounts.CreatedHouseholds())
	}
	if n := len(after.Problems) - len(before.Problems); n != changesCounts.CreatedProblems() {
		t.Errorf("%d problems created, the dry run said %d", n, changesCounts.CreatedProblems())
	}
	if n := len(after.Actions) - len(before.Actions); n != b.NumActions() {
		t.Errorf("%d actions added, the dry run planned %d", n, b.NumActions())
	}
	// Every household and problem the dry run planned to create or
	// change is in the register as planned.
	hhOf := make([]data.Household, b.NumHouseholds())
	for i := range b.NumHouseholds() {
		hc := b.Household(i)
		var got data.Household
		switch hc.Op {
		case data.OpNew:
			l, err := e.s.HouseholdsByHouseCode(e.ctx, hc.Household.HouseCode)
			if err != nil || len(l) != 1 {
				t.Fatalf("planned new household %s: %+v %v", hc.Household.HouseCode, l, err)
			}
			got = l[0]
		default:
			got, err = e.s.Household(e.ctx, hc.Household.ID)
			e.must(err, "Household")
		}
		hhOf[i] = got
		if hc.Op == data.OpRef {
			continue
		}
		want := hc.Household
		want.ID, want.CreatedAt, want.UpdatedAt, want.ChangedOn, want.ChangedBy = got.ID, got.CreatedAt, got.UpdatedAt, got.ChangedOn, got.ChangedBy
		sameAs(t, "planned household "+hc.Op, got, want)
	}
	pidOf := make([]uint64, b.NumProblems())
	for i := range b.NumProblems() {
		pc := b.Problem(i)
		if pc.Op == data.OpRef {
			pidOf[i] = pc.Problem.ID
			continue
		}
		ps, err := e.s.ProblemsOf(e.ctx, hhOf[pc.HouseholdRef].ID)
		e.must(err, "ProblemsOf")
		j := slices.IndexFunc(ps, func(p data.Problem) bool {
			return (pc.Op == data.OpUpdate && p.ID == pc.Problem.ID) || (pc.Op == data.OpNew && p.Category == pc.Problem.Category && p.SubProblem == pc.Problem.SubProblem)
		})
		if j < 0 {
			t.Fatalf("planned problem %s %+v is not in the register: %+v", pc.Op, pc.Problem, ps)
		}
		got, want := ps[j], pc.Problem
		want.ID, want.HouseholdID, want.CreatedAt, want.UpdatedAt, want.ChangedOn, want.ChangedBy = got.ID, got.HouseholdID, got.CreatedAt, got.UpdatedAt, got.ChangedOn, got.ChangedBy
		if want.RoundID == 0 {
			want.RoundID = got.RoundID
		}
		if want.TargetDate.IsZero() {
			want.TargetDate = got.TargetDate
		}
		sameAs(t, "planned problem "+pc.Op, got, want)
		pidOf[i] = got.ID
	}
	// And every action it planned, on its problem.
	for i := range b.NumActions() {
		ac := b.Action(i)
		acts, err := e.s.Actions(e.ctx, pidOf[ac.ProblemRef])
		e.must(err, "Actions")
		if !slices.ContainsFunc(acts, func(a data.Action) bool {
			w := ac.Action
			w.ID, w.ProblemID, w.RecordedBy, w.RecordedAt = a.ID, a.ProblemID, a.RecordedBy, a.RecordedAt
			return a == w
		}) {
			t.Fatalf("planned action %+v is not among its problem's: %+v", ac.Action, acts)
		}
	}
	// The solved problem is solved on the row's day, by an action of it.
	h1, _ := e.s.HouseholdsByHouseCode(e.ctx, houseCode(1))
	ps, _ := e.s.ProblemsOf(e.ctx, h1[0].ID)
	if len(ps) != 2 || ps[0].Status != data.Solved || ps[0].ResolvedOn != Today {
		t.Fatalf("household 1's problems: %+v", ps)
	}
	if acts, _ := e.s.Actions(e.ctx, ps[0].ID); len(acts) != 1 || acts[0].Date != Today || acts[0].Result != data.Solved {
		t.Fatalf("the solving row's action: %+v", acts)
	}
	// The ledger finds the import by its file, and the households it touched.
	if l, err := e.s.ImportsBySHA256(e.ctx, dry.SHA256); err != nil || len(l) != 1 || l[0].ID != rec.ID {
		t.Fatalf("imports by SHA-256: %+v %v", l, err)
	}
	h3, _ := e.s.HouseholdsByHouseCode(e.ctx, houseCode(3))
	touched, err := e.s.ImportHouseholds(e.ctx, rec.ID)
	e.must(err, "ImportHouseholds")
	if !slices.Equal(touched, []uint64{h1[0].ID, h3[0].ID}) {
		t.Fatalf("households the import touched: %v, want %d and %d", touched, h1[0].ID, h3[0].ID)
	}
	e.checkCounters("after the commit")
	// The same file again: every row taken is unchanged.
	again := e.plan(path)
	if c := again.Counts(); c != (data.Counts{Rows: 5, Unchanged: 4, Rejected: 1}) {
		t.Fatalf("the same file again: %+v %+v", c, slices.Collect(again.Batch.RowResults()))
	}
	if len(again.Earlier) != 1 || again.Earlier[0].ID != rec.ID {
		t.Fatalf("earlier imports of the file: %+v", again.Earlier)
	}
}

// testImportConflictAllOrNothing: a record the dry run planned against
// that changed before the commit makes the store refuse the whole file
// (ECONFLICT), which leaves the register and the ledger exactly as they
// were, and the audit log's entries as they were (sameUpToLog).
func testImportConflictAllOrNothing(t *testing.T, e *env) {
	e.base()
	dry := e.plan(e.changes("changes.xlsx"))
	// Household 2's problem, which the workbook leaves unchanged, and
	// household 1's, which it solves: a clerk changes the latter now.
	h1, _ := e.s.HouseholdsByHouseCode(e.ctx, houseCode(1))
	ps, _ := e.s.ProblemsOf(e.ctx, h1[0].ID)
	ps[0].Detail = "เปลี่ยนหลังการตรวจไฟล์"
	e.must(e.s.UpdateProblem(e.ctx, &ps[0]), "UpdateProblem")
	before := e.dump()
	_, err := e.imp.Commit(e.ctx, dry)
	e.wantCode(err, data.ECONFLICT, "commit of a file planned before a change")
	e.sameUpToLog("after a refused commit", e.dump(), before)
	e.checkCounters("after a refused commit")
	// Planned again, it commits.
	rep := e.commit(e.changes("changes.xlsx"))
	if rep.Counts().Updated != 1 {
		t.Fatalf("planned again: %+v", rep.Counts())
	}
	e.checkCounters("after the commit")
}

// testImportCancelledIsAllOrNothing: a commit under a cancelled context
// fails and leaves the register and the ledger as they were, and the
// audit log's entries as they were (sameUpToLog).
func testImportCancelledAllOrNothing(t *testing.T, e *env) {
	e.base()
	dry := e.plan(e.changes("changes.xlsx"))
	before := e.dump()
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	_, err := e.imp.Commit(ctx, dry)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("commit under a cancelled context: %v", err)
	}
	e.sameUpToLog("after a cancelled commit", e.dump(), before)
	e.checkCounters("after a cancelled commit")
}

// testUndoRestores: undoing an import restores every record it touched,
// with the counters, to the state before it; the ledger keeps it as
// undone by whom; a second undo is refused. Undoing the earlier import
// then empties the register.
func testUndoRestores(t *testing.T, e *env) {
	empty := e.dump().register()
	e.base()
	imports, _ := e.s.Imports(e.ctx)
	first := imports[0].ID
	before := e.dump().register()
	rep := e.commit(e.changes("changes.xlsx"))
	e.must(e.s.UndoImport(e.ctx, rep.ImportID), "UndoImport")
	e.sameDump("after undo", e.dump().register(), before)
	e.checkCounters("after undo")
	imports, _ = e.s.Imports(e.ctx)
	i := slices.IndexFunc(imports, func(r data.ImportRecord) bool { return r.ID == rep.ImportID })
	if i < 0 || imports[i].UndoneAt.IsZero() || imports[i].UndoneBy != Operator {
		t.Fatalf("the ledger after undo: %+v", imports)
	}
	e.wantCode(e.s.UndoImport(e.ctx, rep.ImportID), data.ECONFLICT, "a second undo")
	if _, err := e.s.ImportHouseholds(e.ctx, rep.ImportID); data.ErrorCode(err) != data.ENOTFOUND {
		t.Fatalf("households of an undone import: %v", err)
	}
	// The file can be imported again after its undo, and undone again.
	rep = e.commit(e.changes("changes.xlsx"))
	if c := rep.Counts(); c != changesCounts {
		t.Fatalf("imported again after undo: %+v", c)
	}
	e.must(e.s.UndoImport(e.ctx, rep.ImportID), "UndoImport")
	e.must(e.s.UndoImport(e.ctx, first), "UndoImport of the first")
	e.sameDump("after undoing both", e.dump().register(), empty)
	e.checkCounters("after undoing both")
}

// testUndoRefusedAfterLaterChange: an undo is refused (ECONFLICT) when a
// record the import wrote changed since, and then changes nothing.
func testUndoRefusedAfterLaterChange(t *testing.T, e *env) {
	e.base()
	rep := e.commit(e.changes("changes.xlsx"))
	h3, _ := e.s.HouseholdsByHouseCode(e.ctx, houseCode(3))
	ps, _ := e.s.ProblemsOf(e.ctx, h3[0].ID)
	ps[0].Status = data.InProgress
	e.must(e.s.UpdateProblem(e.ctx, &ps[0]), "UpdateProblem")
	before := e.dump()
	e.wantCode(e.s.UndoImport(e.ctx, rep.ImportID), data.ECONFLICT, "undo after a later change")
	e.sameDump("after a refused undo", e.dump(), before)
	e.checkCounters("after a refused undo")
}
