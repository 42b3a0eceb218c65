package postgres

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/data/postgres/pgtest"
)

// ledger is the import ledger (data.ImportLedger) and the reads the
// importer makes besides implemented's.
type ledger interface {
	implemented
	data.ImportLedger
}

var (
	_ ledger = (*Store)(nil)
	_ ledger = (*bolt.Store)(nil)
)

// importTwin is a twin with an importer on each store.
type importTwin struct {
	*twin
	dir            string
	boltImp, pgImp *app.Importer
}

func newImportTwin(t *testing.T) *importTwin {
	w := newTwin(t, data.FixedClock(now))
	geo, err := assets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	clock := data.FixedClock(now)
	return &importTwin{twin: w, dir: t.TempDir(),
		boltImp: &app.Importer{Store: w.bolt, Geo: geo, Clock: clock},
		pgImp:   &app.Importer{Store: w.pg, Geo: geo, Clock: clock}}
}

// imp is the importer working on s.
func (w *importTwin) imp(s implemented) *app.Importer {
	if s == implemented(w.bolt) {
		return w.boltImp
	}
	return w.pgImp
}

// templateHeader is the province's template header (app.TemplateHeaders).
func templateHeader() []any {
	var h []any
	for _, c := range app.TemplateHeaders {
		h = append(h, c.Header)
	}
	return h
}

// bookRow fills the template's columns for one problem of household n
// in อ.เมืองอุดรธานี (as app/storetest's rows): its house code and a
// valid national ID follow from n; status and date may be "".
func bookRow(n int, tambon string, cat int, sub, status, date string) []any {
	return []any{n, fmt.Sprintf("4101%07d", n), "12/3", 5, "บ้านโนนสว่าง", tambon, "เมืองอุดรธานี", "อุดรธานี", bookID(n), "นาง", "มาลี", "ศรีสุข", "0812345678", 4, "เดิม",
		cat, sub, "", data.ReXRayUnsolved.Thai(), status, date, "", "", "", ""}
}

func bookID(n int) string { return data.WithCheckDigit(fmt.Sprintf("3412300%05d", n)) }

// writeBook writes a real .xlsx of one sheet, the template's header over
// rows, and returns its path.
func writeBook(t testing.TB, dir, name string, rows ...[]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "ข้อมูล"
	f.SetSheetName("Sheet1", sheet)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for r, cells := range append([][]any{templateHeader()}, rows...) {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := sw.SetRow(cell, cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// planned is what a dry run reports, as compared.
type planned struct {
	Counts data.Counts
	Rows   []data.RowResult
}

// importBook dry-runs and commits the workbook at path on both stores,
// comparing the dry runs and the commits.
func (w *importTwin) importBook(what, path string) data.ImportRecord {
	w.t.Helper()
	ctx := w.ctx
	reports := map[implemented]*app.FileReport{}
	same(w.twin, what+": dry run", func(s implemented) (planned, error) {
		rep, err := w.imp(s).Plan(ctx, path, "")
		if err != nil {
			return planned{}, err
		}
		if rep.Refused != "" {
			return planned{}, errors.New(rep.Refused)
		}
		reports[s] = rep
		return planned{rep.Counts(), slices.Collect(rep.Batch.RowResults())}, nil
	})
	return same(w.twin, what+": commit", func(s implemented) (data.ImportRecord, error) {
		if reports[s] == nil {
			return data.ImportRecord{}, errors.New("no dry run")
		}
		return w.imp(s).Commit(ctx, reports[s])
	})
}

// sameLedger compares the ledger, the rows waiting for review, the
// households each import touched, the register with its counters, and
// checks PostgreSQL's counters against a recount of its records.
func (w *importTwin) sameLedger(step string) {
	w.t.Helper()
	ctx := w.ctx
	l := same(w.twin, step+": Imports", func(s implemented) ([]data.ImportRecord, error) { return s.(ledger).Imports(ctx) })
	for _, r := range l {
		same(w.twin, fmt.Sprintf("%s: ImportHouseholds %d", step, r.ID), func(s implemented) ([]uint64, error) { return s.(ledger).ImportHouseholds(ctx, r.ID) })
		if r.SHA256 != "" {
			same(w.twin, fmt.Sprintf("%s: ImportsBySHA256 of %d", step, r.ID), func(s implemented) ([]data.ImportRecord, error) {
				return s.(ledger).ImportsBySHA256(ctx, r.SHA256)
			})
		}
	}
	same(w.twin, step+": ImportHouseholds of no import", func(s implemented) ([]uint64, error) { return s.(ledger).ImportHouseholds(ctx, 99) })
	same(w.twin, step+": Reviews", func(s implemented) ([]data.Review, error) { return s.(ledger).Reviews(ctx, false) })
	pending := same(w.twin, step+": Reviews pending", func(s implemented) ([]data.Review, error) { return s.(ledger).Reviews(ctx, true) })
	for _, r := range pending {
		same(w.twin, fmt.Sprintf("%s: Review %d", step, r.ID), func(s implemented) (data.Review, error) { return s.(ledger).Review(ctx, r.ID) })
	}
	hs := same(w.twin, step+": Households", func(s implemented) ([]data.Household, error) { return s.Households(ctx, data.HouseholdFilter{}) })
	for _, h := range append(hs, data.Household{ID: 999}) {
		ps := same(w.twin, fmt.Sprintf("%s: ProblemsOf %d", step, h.ID), func(s implemented) ([]data.Problem, error) { return s.(ledger).ProblemsOf(ctx, h.ID) })
		for _, p := range ps {
			same(w.twin, fmt.Sprintf("%s: Actions of %d", step, p.ID), func(s implemented) ([]data.Action, error) { return s.Actions(ctx, p.ID) })
		}
	}
	sz := same(w.twin, step+": Sizes", func(s implemented) (data.Sizes, error) { return s.Sizes(ctx) })
	for _, due := range []data.Date{{}, data.NewDate(2024, 6, 1), data.NewDate(2024, 9, 30)} {
		same(w.twin, fmt.Sprintf("%s: Counts due before %s", step, due), func(s implemented) (data.RoundCounts, error) { return s.Counts(ctx, 1, due) })
		same(w.twin, fmt.Sprintf("%s: UnitCounts due before %s", step, due), func(s implemented) (data.RoundCounts, error) { return s.UnitCounts(ctx, 1, due) })
	}
	same(w.twin, step+": History", func(s implemented) (data.RoundHistory, error) { return s.History(ctx, 1) })
	same(w.twin, step+": Walk", func(s implemented) ([]walked, error) { return walkAll(ctx, s) })
	if sz.Problems > 0 { // (checkRecount wants counters to recount)
		checkRecount(w.t, w.dsn)
	}
}

// The import ledger on PostgreSQL returns what the bbolt store returns,
// call for call: real workbooks dry-run and committed on both (new
// households, new problems, updates, unchanged and rejected rows, rows
// sent to review), the households each import touched, the reviews and
// the clerk's decisions on them (new, merge, keep, reject, a decision the
// register moved on from, renewed), undo and its refusals, and the audit
// entries all of it writes. A commit refused (a record changed since the
// dry run, a cancelled context) is refused alike, with what the stores
// legitimately differ in said where it is compared.
func TestSameAsBoltImports(t *testing.T) {
	w := newImportTwin(t)
	ctx := w.ctx
	same(w.twin, "Init", func(s implemented) (data.Meta, error) { return noVersion(s.Init(ctx, "41", data.DefaultRound())) })
	same(w.twin, "SetUnits", func(s implemented) (int, error) {
		return 0, s.SetUnits(ctx, data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}}}})
	})
	w.sameLedger("empty")
	same(w.twin, "UndoImport of no import", func(s implemented) (int, error) { return 0, s.(ledger).UndoImport(ctx, 1) })
	same(w.twin, "Review not there", func(s implemented) (data.Review, error) { return s.(ledger).Review(ctx, 1) })
	same(w.twin, "DecideReview not there", func(s implemented) (int, error) { return 0, s.(ledger).DecideReview(ctx, 1, "reject", nil) })
	same(w.twin, "RenewReview not there", func(s implemented) (int, error) {
		return 0, s.(ledger).RenewReview(ctx, 1, nil, data.Sentence{Thai: "ก", English: "a"})
	})

	// A district's workbook: many households, in several tambons, one
	// not in the province.
	tambons := []string{"หมากแข้ง", "หนองบัว", "บ้านเลื่อม", "หนองขอนกว้าง", "ไม่มีตำบลนี้"}
	subs := []struct {
		cat int
		sub string
	}{{4, "หนี้สิน"}, {1, "ไม่มีที่อยู่อาศัย"}, {2, "ขาดแคลนน้ำดื่ม"}, {3, "ขาดทุนการศึกษา"}}
	var rows [][]any
	for n := 1; n <= 60; n++ {
		sc := subs[n%len(subs)]
		status, date := "", ""
		if n%3 == 0 {
			status, date = data.InProgress.Thai(), "15/05/2567"
		}
		rows = append(rows, bookRow(n, tambons[n%len(tambons)], sc.cat, sc.sub, status, date))
		if n%7 == 0 { // a second problem of the household
			rows = append(rows, bookRow(n, tambons[n%len(tambons)], 3, "ขาดทุนการศึกษา", "", ""))
		}
	}
	base := w.importBook("base", writeBook(t, w.dir, "base.xlsx", rows...))
	if base.Counts.NewHouseholds == 0 || base.Counts.Rejected == 0 || base.Counts.NewProblems == 0 {
		t.Fatalf("the base workbook's counts: %+v", base.Counts)
	}
	w.sameLedger("after the base workbook")

	// Follow-up rows: problems solved and in progress (updates with
	// actions), one unchanged, a new household, a new problem of a
	// household, a rejected row.
	changes := writeBook(t, w.dir, "changes.xlsx",
		bookRow(1, "หนองบัว", 1, "ไม่มีที่อยู่อาศัย", data.Solved.Thai(), "01/06/2567"),
		bookRow(2, "บ้านเลื่อม", 2, "ขาดแคลนน้ำดื่ม", data.InProgress.Thai(), "01/06/2567"),
		bookRow(3, "หนองขอนกว้าง", 3, "ขาดทุนการศึกษา", data.Solved.Thai(), "01/06/2567"),
		bookRow(6, "หนองบัว", 2, "ขาดแคลนน้ำดื่ม", data.InProgress.Thai(), "15/05/2567"), // unchanged
		bookRow(61, "หมากแข้ง", 2, "ขาดแคลนน้ำดื่ม", "", ""),
		bookRow(8, "บ้านเลื่อม", 1, "ไม่มีที่อยู่อาศัย", "", ""),
		bookRow(62, "ไม่มีตำบลนี้", 4, "หนี้สิน", "", ""),
	)
	second := w.importBook("changes", changes)
	if second.Counts.Updated == 0 || second.Counts.NewHouseholds != 1 || second.Counts.NewProblems == 0 {
		t.Fatalf("the follow-up's counts: %+v", second.Counts)
	}
	w.sameLedger("after the follow-up")
	w.importBook("the follow-up again", changes)
	w.sameLedger("after the follow-up again")

	// Rows sent to review: a house code and a national ID of two
	// households, a national ID failing its check digit, a sub-problem
	// not in the list.
	crossed := func(house, id, cat int, sub string) []any {
		r := bookRow(house, "หมากแข้ง", cat, sub, "", "")
		r[8] = bookID(id)
		return r
	}
	odd := bookRow(70, "หมากแข้ง", 4, "หนี้สิน", "", "")
	odd[8] = bookID(70)[:12] + string(rune('0'+(bookID(70)[12]-'0'+1)%10))
	review := w.importBook("review rows", writeBook(t, w.dir, "review.xlsx",
		crossed(5, 10, 2, "ขาดแคลนน้ำใช้"), odd, crossed(10, 5, 3, "ขาดทุนการศึกษา"), bookRow(71, "หมากแข้ง", 4, "หนี้สินน", "", "")))
	if review.Counts.Review != 4 {
		t.Fatalf("review rows: %+v", review.Counts)
	}
	w.sameLedger("rows waiting for review")
	pending := same(w.twin, "pending", func(s implemented) ([]data.Review, error) { return s.(ledger).Reviews(ctx, true) })
	if len(pending) != 4 {
		t.Fatalf("pending %+v", pending)
	}
	// The undo of the base workbook waits for them.
	same(w.twin, "UndoImport while a later import's rows wait", func(s implemented) (int, error) { return 0, s.(ledger).UndoImport(ctx, base.ID) })
	decide := func(what string, r data.Review, decision string, into uint64) {
		same(w.twin, what, func(s implemented) (int, error) { return 0, w.imp(s).Decide(ctx, r.ID, decision, into) })
	}
	decidedID := pending[1].ID
	decide("Decide new", pending[1], "new", 0)
	decide("Decide merge", pending[0], "merge", pending[0].Candidates[0])
	decide("Decide accept", pending[3], "accept", 0)
	same(w.twin, "DecideReview, unknown decision", func(s implemented) (int, error) { return 0, s.(ledger).DecideReview(ctx, pending[2].ID, "maybe", nil) })
	decide("Decide reject", pending[2], "reject", 0)
	decide("Decide again", pending[2], "merge", pending[2].Candidates[0])
	w.sameLedger("after the decisions")

	// Conflicts: the clerk solves a problem after the district's rows were
	// made; "keep", a decision the register moved on from (renewed), then
	// merge.
	h1 := same(w.twin, "household 1", func(s implemented) ([]data.Household, error) { return s.HouseholdsByHouseCode(ctx, "41010000001") })
	h4 := same(w.twin, "household 11", func(s implemented) ([]data.Household, error) { return s.HouseholdsByHouseCode(ctx, "41010000011") })
	for _, h := range []data.Household{h1[0], h4[0]} {
		ps := same(w.twin, "ProblemsOf", func(s implemented) ([]data.Problem, error) { return s.(ledger).ProblemsOf(ctx, h.ID) })
		same(w.twin, "AddAction", func(s implemented) (data.Action, error) {
			a := data.Action{ProblemID: ps[0].ID, Date: data.NewDate(2024, 5, 31), What: "ติดตาม", Result: data.InProgress}
			err := s.AddAction(ctx, &a)
			return a, err
		})
	}
	w.importBook("old rows", writeBook(t, w.dir, "old.xlsx",
		bookRow(1, "หนองบัว", 1, "ไม่มีที่อยู่อาศัย", data.Solved.Thai(), "25/05/2567"),
		bookRow(11, "หนองบัว", 3, "ขาดทุนการศึกษา", data.Solved.Thai(), "25/05/2567")))
	pending = same(w.twin, "conflicts pending", func(s implemented) ([]data.Review, error) { return s.(ledger).Reviews(ctx, true) })
	if len(pending) != 2 || pending[0].Kind != data.ReviewConflict {
		t.Fatalf("conflicts: %+v", pending)
	}
	decide("Decide keep", pending[0], "keep", h1[0].ID)
	ps4 := same(w.twin, "ProblemsOf 11", func(s implemented) ([]data.Problem, error) { return s.(ledger).ProblemsOf(ctx, h4[0].ID) })
	same(w.twin, "AddAction closing", func(s implemented) (data.Action, error) {
		a := data.Action{ProblemID: ps4[0].ID, Date: data.NewDate(2024, 6, 1), What: "ปิด", Result: data.Closed, Note: "ย้ายออก"}
		err := s.AddAction(ctx, &a)
		return a, err
	})
	decide("Decide merge against a moved register", pending[1], "merge", h4[0].ID)
	w.sameLedger("after a renewed review")
	decide("Decide merge on the renewed review", pending[1], "merge", h4[0].ID)
	w.importBook("older rows", writeBook(t, w.dir, "older.xlsx", bookRow(1, "หนองบัว", 1, "ไม่มีที่อยู่อาศัย", data.Solved.Thai(), "26/05/2567")))
	pending = same(w.twin, "one pending", func(s implemented) ([]data.Review, error) { return s.(ledger).Reviews(ctx, true) })
	conflicts := []data.FieldConflict{{Field: "status", Name: "สถานะ", Workbook: "ก", Current: "ข", ChangedBy: "ผู้อื่น", ChangedAt: now}}
	same(w.twin, "RenewReview", func(s implemented) (int, error) {
		return 0, s.(ledger).RenewReview(ctx, pending[0].ID, conflicts, data.Sentence{Thai: "เปลี่ยนแล้ว", English: "changed"})
	})
	same(w.twin, "RenewReview, no conflicts", func(s implemented) (int, error) {
		return 0, s.(ledger).RenewReview(ctx, pending[0].ID, []data.FieldConflict{}, data.Sentence{Thai: "ไม่มี", English: "none"})
	})
	same(w.twin, "RenewReview of a decided review", func(s implemented) (int, error) {
		return 0, s.(ledger).RenewReview(ctx, decidedID, nil, data.Sentence{Thai: "ก", English: "a"})
	})
	w.sameLedger("after the conflicts")

	// Undo, newest first: the later imports go; the first two are
	// refused, a clerk having changed household 1's problem since.
	l := same(w.twin, "Imports", func(s implemented) ([]data.ImportRecord, error) { return s.(ledger).Imports(ctx) })
	for i := len(l) - 1; i >= 0; i-- {
		same(w.twin, fmt.Sprintf("UndoImport %d (%s)", l[i].ID, l[i].File), func(s implemented) (int, error) { return 0, s.(ledger).UndoImport(ctx, l[i].ID) })
		w.sameLedger(fmt.Sprintf("after undo %d", l[i].ID))
	}
	same(w.twin, "UndoImport of an import undone", func(s implemented) (int, error) { return 0, s.(ledger).UndoImport(ctx, l[len(l)-1].ID) })

	// A workbook of updates (a household's, problems' with their
	// actions), a new problem of a household there before and new
	// households, undone whole; imported again, its undo is refused
	// after a clerk's change of a household it created.
	moved := bookRow(6, "หนองบัว", 2, "ขาดแคลนน้ำดื่ม", data.Solved.Thai(), "01/06/2567")
	moved[13] = 6
	fresh := writeBook(t, w.dir, "fresh.xlsx",
		moved,
		bookRow(12, "บ้านเลื่อม", 4, "หนี้สิน", data.Solved.Thai(), "01/06/2567"),
		bookRow(13, "หนองขอนกว้าง", 1, "ไม่มีที่อยู่อาศัย", data.InProgress.Thai(), "01/06/2567"),
		bookRow(13, "หนองขอนกว้าง", 2, "ขาดแคลนน้ำดื่ม", data.InProgress.Thai(), "01/06/2567"),
		bookRow(90, "หมากแข้ง", 4, "หนี้สิน", data.InProgress.Thai(), "01/06/2567"),
		bookRow(91, "หนองบัว", 1, "ไม่มีที่อยู่อาศัย", "", ""),
	)
	rec := w.importBook("fresh", fresh)
	if c := rec.Counts; c.Updated != 3 || c.NewProblems != 1 || c.NewHouseholds != 2 {
		t.Fatalf("the fresh workbook's counts: %+v", c)
	}
	w.sameLedger("after the fresh workbook")
	same(w.twin, "UndoImport of the fresh workbook", func(s implemented) (int, error) { return 0, s.(ledger).UndoImport(ctx, rec.ID) })
	w.sameLedger("after its undo")
	same(w.twin, "UndoImport of it again", func(s implemented) (int, error) { return 0, s.(ledger).UndoImport(ctx, rec.ID) })
	rec = w.importBook("fresh again", fresh)
	hs := same(w.twin, "household 90", func(s implemented) ([]data.Household, error) { return s.HouseholdsByHouseCode(ctx, "41010000090") })
	if len(hs) != 1 {
		t.Fatalf("household 90: %+v", hs)
	}
	same(w.twin, "UpdateHousehold of one the import made", func(s implemented) (data.Household, error) {
		h := hs[0]
		h.Members = 9
		err := s.UpdateHousehold(ctx, &h)
		return h, err
	})
	same(w.twin, "UndoImport after a later change", func(s implemented) (int, error) { return 0, s.(ledger).UndoImport(ctx, rec.ID) })
	w.sameLedger("after a refused undo")

	// A commit planned before a change is refused, and one cancelled.
	// The bbolt store writes the ledger entry first, then rolls it back
	// and logs the rollback (an audit entry "rollback", and the import's
	// ID taken); PostgreSQL's one transaction leaves nothing (its audit
	// has no such entry: compared below without it).
	reports := map[implemented]*app.FileReport{}
	stale := writeBook(t, w.dir, "stale.xlsx", bookRow(2, "บ้านเลื่อม", 2, "ขาดแคลนน้ำดื่ม", data.Solved.Thai(), "01/06/2567"), bookRow(80, "หมากแข้ง", 4, "หนี้สิน", "", ""))
	same(w.twin, "dry run of a workbook", func(s implemented) (planned, error) {
		rep, err := w.imp(s).Plan(ctx, stale, "")
		if err != nil {
			return planned{}, err
		}
		reports[s] = rep
		return planned{rep.Counts(), slices.Collect(rep.Batch.RowResults())}, nil
	})
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	same(w.twin, "Commit with a cancelled context", func(s implemented) (data.ImportRecord, error) {
		_, err := w.imp(s).Commit(cancelled, reports[s])
		if !errors.Is(err, context.Canceled) {
			return data.ImportRecord{}, fmt.Errorf("not cancelled: %v", err)
		}
		return data.ImportRecord{}, nil
	})
	h2 := same(w.twin, "household 2", func(s implemented) ([]data.Household, error) { return s.HouseholdsByHouseCode(ctx, "41010000002") })
	ps2 := same(w.twin, "ProblemsOf 2", func(s implemented) ([]data.Problem, error) { return s.(ledger).ProblemsOf(ctx, h2[0].ID) })
	same(w.twin, "UpdateProblem after the dry run", func(s implemented) (data.Problem, error) {
		p := ps2[0]
		p.Detail = "เปลี่ยนหลังการตรวจไฟล์"
		err := s.UpdateProblem(ctx, &p)
		return p, err
	})
	same(w.twin, "Commit of a dry run made before a change", func(s implemented) (data.ImportRecord, error) {
		_, err := w.imp(s).Commit(ctx, reports[s])
		return data.ImportRecord{}, err
	})
	w.sameLedger("after refused commits")
	sameImportAudit(t, w)
}

// sameImportAudit compares the audit entries one for one, as
// TestSameAsBolt does, without the bbolt store's entries of a rolled-back
// import, which PostgreSQL never has to write.
func sameImportAudit(t *testing.T, w *importTwin) {
	want, err := w.bolt.Audit(w.ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kept []data.AuditEntry
	rollbacks := 0
	for _, e := range want {
		switch {
		case e.Op == "rollback":
			rollbacks++
		case e.Entity != "audit":
			kept = append(kept, e)
		}
	}
	if rollbacks != 2 {
		t.Fatalf("the bbolt store logged %d rollbacks, want 2: the refused commits did not reach it", rollbacks)
	}
	got, err := w.pg.Audit(w.ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(kept) {
		t.Errorf("%d audit entries, bbolt %d", len(got), len(kept))
	}
	for i := range min(len(got), len(kept)) {
		if kept[i].Who != "สมศรี" || got[i].Who != pgtest.Superuser {
			t.Errorf("audit entry %d by %q in bbolt, %q in PostgreSQL", i, kept[i].Who, got[i].Who)
		}
		kept[i].Who, got[i].Who = "", ""
		if b, p := comparable(kept[i]), comparable(got[i]); !reflect.DeepEqual(b, p) {
			t.Errorf("audit entry %d:\nbbolt      %+v\npostgresql %+v", i, b, p)
		}
	}
}
