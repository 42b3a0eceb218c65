package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
)

// The saved index answers every query exactly as the index built from the
// database, and only for the database's state it was saved from.
func TestSavedRegisterAnswersAsTheBuiltOne(t *testing.T) {
	fx, _ := demoFixture(t, 400)
	ctx := fx.ctx
	built, err := app.BuildRegister(ctx, fx.store, nil)
	if err != nil {
		t.Fatal(err)
	}
	stamp, err := app.RegisterStamp(ctx, fx.store)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(fx.dir, "qm.db.search")
	if err := app.SaveRegister(path, stamp, built); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved index: %v, mode %v (names and IDs: the user's only)", err, fi.Mode())
	}
	loaded, savedAt, ok := app.LoadRegister(path)
	if !ok || savedAt != stamp {
		t.Fatalf("the saved index was not read back (%v), or not with its state (%q, saved %q)", ok, savedAt, stamp)
	}
	today := data.NewDate(2024, 8, 1)
	for _, q := range []app.RegisterQuery{
		{}, {Text: "สม"}, {Text: "31"}, {Text: "4101"}, {Area: "4102", Category: 4},
		{UrgentOnly: true, Overdue: true, Today: today}, {RoundID: 1, OpenOnly: true},
		{Origin: data.OriginSurvey2565, NewProblems: true}, {SubProblem: built.SubProblemNames()[0]},
	} {
		a, b := built.Search(q), loaded.Search(q)
		if !slices.Equal(a, b) || len(a) == 0 && q.Text == "" {
			t.Fatalf("%+v: built finds %d, saved %d", q, len(a), len(b))
		}
		for _, id := range a[:min(len(a), 40)] {
			x, _ := built.Entry(id, q)
			y, _ := loaded.Entry(id, q)
			if x != y {
				t.Fatalf("%+v household %d: built %+v, saved %+v", q, id, x, y)
			}
		}
	}
	if !slices.Equal(built.SubProblemNames(), loaded.SubProblemNames()) || built.Len() != loaded.Len() {
		t.Error("sub-problem names or size differ")
	}

	// A change moves the stamp; the file still says the state it holds.
	if err := fx.store.Log(ctx, "unmask", "household", 1, "test"); err != nil {
		t.Fatal(err)
	}
	if now, _ := app.RegisterStamp(ctx, fx.store); now == stamp {
		t.Fatal("an audited change did not move the stamp")
	}
	if _, at, _ := app.LoadRegister(path); at != stamp {
		t.Errorf("the file says it holds %q, saved at %q", at, stamp)
	}
	// A damaged or cut file is not taken.
	b, _ := os.ReadFile(path)
	for _, cut := range []int{len(b) - 1, len(b) / 2, 30} {
		os.WriteFile(path, b[:cut], 0o600)
		if _, _, ok := app.LoadRegister(path); ok {
			t.Errorf("a file cut at %d of %d bytes was taken", cut, len(b))
		}
	}
	os.WriteFile(path, append(bytes.Clone(b), 0), 0o600)
	if _, _, ok := app.LoadRegister(path); ok {
		t.Error("a file with bytes after its end was taken")
	}
	if _, _, ok := app.LoadRegister(filepath.Join(fx.dir, "none")); ok {
		t.Error("a missing file was taken")
	}
}

// sameRegister fails t unless a and b answer every query alike.
func sameRegister(t *testing.T, what string, a, b *app.Register) {
	t.Helper()
	today := data.NewDate(2024, 8, 1)
	for _, q := range []app.RegisterQuery{
		{}, {Text: "สม"}, {Text: "4102"}, {Area: "4102", Category: 4}, {OpenOnly: true},
		{UrgentOnly: true, Overdue: true, Today: today}, {Origin: data.OriginMissed}, {NewProblems: true},
	} {
		x, y := a.Search(q), b.Search(q)
		if !slices.Equal(x, y) {
			t.Fatalf("%s: %+v finds %d households, the built index %d", what, q, len(x), len(y))
		}
		for _, id := range x {
			e, _ := a.Entry(id, q)
			f, _ := b.Entry(id, q)
			if e != f {
				t.Fatalf("%s: %+v household %d: %+v, built %+v", what, q, id, e, f)
			}
		}
	}
}

// An index saved before changes catches up with them through the audit
// log and then answers as an index built afresh; changes the log does not
// name household by household make it be built anew.
func TestCatchUpFollowsTheLog(t *testing.T) {
	fx, e := demoFixture(t, 300)
	ctx := fx.ctx
	saved, err := app.BuildRegister(ctx, fx.store, nil)
	if err != nil {
		t.Fatal(err)
	}
	at, _ := app.RegisterStamp(ctx, fx.store)

	// The clerk's own changes: a name, a status, an action, a new household.
	h, _ := fx.store.Household(ctx, 7)
	h.Head.FirstName = "ประเสริฐ"
	if err := fx.store.UpdateHousehold(ctx, &h); err != nil {
		t.Fatal(err)
	}
	ps, _ := fx.store.ProblemsOf(ctx, 9)
	ps[0].Status = data.InProgress
	if err := fx.store.UpdateProblem(ctx, &ps[0]); err != nil {
		t.Fatal(err)
	}
	if err := fx.store.AddAction(ctx, &data.Action{ProblemID: ps[0].ID, Date: data.NewDate(2024, 8, 1), Agency: "อบต.", Note: "เยี่ยมบ้าน"}); err != nil {
		t.Fatal(err)
	}
	// A district's workbook: a status solved, and two new households.
	path := filepath.Join(fx.dir, "followup.xlsx")
	if _, err := e.FollowUp(ctx, "4102", path, false); err != nil {
		t.Fatal(err)
	}
	f, _ := excelize.OpenFile(path)
	f.SetCellValue("ข้อมูล", "T4", "แก้ไขแล้ว")
	f.SaveAs(path)
	f.Close()
	fx.commit(t, path)
	fx.commit(t, writeBook(t, fx.dir, "new.xlsx", sheet{Name: "ข้อมูล", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41020099011", id(9011), "กุดจับ", "กุดจับ", 4, "หนี้สิน", "", "", ""),
		templateRow(2, "41020099022", id(9022), "กุดจับ", "กุดจับ", 2, "ขาดแคลนน้ำดื่ม", "", "", ""),
	}}))
	now, _ := app.RegisterStamp(ctx, fx.store)
	n, ok, err := app.CatchUpRegister(ctx, fx.store, saved, at, now)
	if err != nil || !ok {
		t.Fatalf("catch-up: ok %v, %v", ok, err)
	}
	if n < 5 || n > 200 {
		t.Errorf("the catch-up read %d households again; the changes touched a handful and one amphoe's workbook", n)
	}
	built, _ := app.BuildRegister(ctx, fx.store, nil)
	sameRegister(t, "caught up", saved, built)
	if got := saved.Search(app.RegisterQuery{Text: "ประเสริฐ"}); !slices.Contains(got, 7) {
		t.Errorf("the renamed household is not found under its new name: %v", got)
	}
	// Already current: nothing to read.
	if n, ok, err := app.CatchUpRegister(ctx, fx.store, saved, now, now); n != 0 || !ok || err != nil {
		t.Errorf("catch-up to the same state: %d, %v, %v", n, ok, err)
	}
	// Looks at personal data, allowed or refused, change no record.
	for _, op := range []string{"unmask", app.OpUnmaskRefused} {
		if err := fx.store.Log(ctx, op, "household", 7, "household page"); err != nil {
			t.Fatal(err)
		}
	}
	looked, _ := app.RegisterStamp(ctx, fx.store)
	if n, ok, err := app.CatchUpRegister(ctx, fx.store, saved, now, looked); n != 0 || !ok || err != nil {
		t.Errorf("catch-up over unmasks: %d, %v, %v", n, ok, err)
	}
	now = looked

	// An undone import removes records without naming them: built anew.
	imports, _ := fx.store.Imports(ctx)
	if err := fx.store.UndoImport(ctx, imports[len(imports)-1].ID); err != nil {
		t.Fatal(err)
	}
	later, _ := app.RegisterStamp(ctx, fx.store)
	if _, ok, _ := app.CatchUpRegister(ctx, fx.store, saved, now, later); ok {
		t.Error("the catch-up took an undone import")
	}
	// So does a log that is not the one the index was made from (a
	// restored or replaced file), and a stamp that is not one.
	other, _ := demoFixture(t, 20)
	otherAt, _ := app.RegisterStamp(ctx, other.store)
	for _, from := range []string{otherAt, "", "s8/1/x", now + "0"} {
		if _, ok, _ := app.CatchUpRegister(ctx, fx.store, saved, from, later); ok {
			t.Errorf("the catch-up from %q was taken", from)
		}
	}
	// A state past the log's end (a stamp of a longer log) is not reached.
	parts := strings.Split(later, "/")
	seq, _ := strconv.Atoi(parts[1])
	beyond := parts[0] + "/" + strconv.Itoa(seq+1000) + "/" + parts[2]
	if _, ok, err := app.CatchUpRegister(ctx, fx.store, saved, later, beyond); ok || err != nil {
		t.Errorf("the catch-up to a state past the log: ok %v, %v", ok, err)
	}
}

// FuzzLoadRegister: whatever lies in the file, reading it answers without
// panicking or running away, and a file taken answers searches.
func FuzzLoadRegister(f *testing.F) {
	fx, _ := demoFixture(f, 20)
	reg, err := app.BuildRegister(context.Background(), fx.store, nil)
	if err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(f.TempDir(), "seed.search")
	stamp, _ := app.RegisterStamp(context.Background(), fx.store)
	if err := app.SaveRegister(path, stamp, reg); err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add(seed[:len(seed)/3])
	f.Add([]byte("qmdesk search index 3\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "x.search")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if r, _, ok := app.LoadRegister(p); ok {
			r.Search(app.RegisterQuery{Text: "สม", OpenOnly: true})
			for _, id := range r.Search(app.RegisterQuery{}) {
				r.Entry(id, app.RegisterQuery{})
			}
		}
	})
}

// BenchmarkLoadRegister1M is the window's start on a 1,000,000-problem
// province whose saved index is current: reading it instead of the
// database (BenchmarkBuildRegister1M).
func BenchmarkLoadRegister1M(b *testing.B) {
	millionProvince(b)
	ctx := context.Background()
	reg := benchRegister(b, ctx, benchStore)
	path := filepath.Join(b.TempDir(), "qm.db.search")
	stamp, err := app.RegisterStamp(ctx, benchStore)
	if err != nil {
		b.Fatal(err)
	}
	if err := app.SaveRegister(path, stamp, reg); err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(path)
	b.ResetTimer()
	for b.Loop() {
		now, err := app.RegisterStamp(ctx, benchStore)
		if err != nil {
			b.Fatal(err)
		}
		reg, at, ok := app.LoadRegister(path)
		if !ok {
			b.Fatal("not taken")
		}
		if _, ok, err := app.CatchUpRegister(ctx, benchStore, reg, at, now); !ok || err != nil {
			b.Fatal("not current", err)
		}
	}
	b.ReportMetric(float64(fi.Size())/(1<<20), "MB-file")
}
