package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

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
	loaded, ok := app.LoadRegister(path, stamp)
	if !ok {
		t.Fatal("the saved index was not read back")
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

	// A change moves the stamp: the saved index is no longer taken.
	if err := fx.store.Log(ctx, "unmask", "household", 1, "test"); err != nil {
		t.Fatal(err)
	}
	now, _ := app.RegisterStamp(ctx, fx.store)
	if now == stamp {
		t.Fatal("an audited change did not move the stamp")
	}
	if _, ok := app.LoadRegister(path, now); ok {
		t.Error("an index of an earlier state was taken")
	}
	// A damaged or cut file is not taken either.
	b, _ := os.ReadFile(path)
	for _, cut := range []int{len(b) - 1, len(b) / 2, 30} {
		os.WriteFile(path, b[:cut], 0o600)
		if _, ok := app.LoadRegister(path, stamp); ok {
			t.Errorf("a file cut at %d of %d bytes was taken", cut, len(b))
		}
	}
	os.WriteFile(path, append(bytes.Clone(b), 0), 0o600)
	if _, ok := app.LoadRegister(path, stamp); ok {
		t.Error("a file with bytes after its end was taken")
	}
	if _, ok := app.LoadRegister(filepath.Join(fx.dir, "none"), stamp); ok {
		t.Error("a missing file was taken")
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
	if err := app.SaveRegister(path, "s", reg); err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add(seed[:len(seed)/3])
	f.Add([]byte("qmdesk search index 1\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "x.search")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if r, ok := app.LoadRegister(p, "s"); ok {
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
	p := millionProvince(b)
	ctx := context.Background()
	reg := benchRegister(b, ctx, p)
	path := filepath.Join(b.TempDir(), "qm.db.search")
	stamp, err := app.RegisterStamp(ctx, p.Store)
	if err != nil {
		b.Fatal(err)
	}
	if err := app.SaveRegister(path, stamp, reg); err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(path)
	b.ResetTimer()
	for b.Loop() {
		now, err := app.RegisterStamp(ctx, p.Store)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := app.LoadRegister(path, now); !ok {
			b.Fatal("not taken")
		}
	}
	b.ReportMetric(float64(fi.Size())/(1<<20), "MB-file")
}
