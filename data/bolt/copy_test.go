package bolt_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

// A province copied from one file into a new one (the copy's file side,
// without a server): the new file checks OK, its log anchored, and reads
// the same through the contract (app.CompareCopy); a store Create is not
// building refuses a copy.
func TestCopyFileToFile(t *testing.T) {
	geo, err := assets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	clock := data.FixedClock(time.Date(2024, 6, 1, 9, 0, 0, 123456789, time.UTC))
	ctx := data.WithOperator(context.Background(), "สมศรี")
	dir, keys := t.TempDir(), t.TempDir()
	src, err := bolt.Open(filepath.Join(dir, "qm.db"), bolt.Options{Clock: clock, AuditKeyDir: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	m, err := src.Init(ctx, "41", data.DefaultRound())
	if err != nil {
		t.Fatal(err)
	}
	r, _ := src.Round(ctx, m.DefaultRound)
	if err := (app.Demo{Geo: geo, Province: "41", Round: r, Seed: 2, AsOf: clock.Today()}).Fill(ctx, src, 120, 50, nil); err != nil {
		t.Fatal(err)
	}
	next := data.Round{Name: "รอบ 2568", Start: data.NewDate(2024, time.October, 1), Deadline: data.NewDate(2025, time.September, 30)}
	if _, err := src.StartRound(ctx, &next, r.ID); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "copy.db")
	var rep data.CopyReport
	if err := bolt.Create(path, bolt.Options{Clock: clock, AuditKeyDir: keys}, func(s *bolt.Store) (err error) {
		rep, err = app.CopyProvince(ctx, src, s, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	dst, err := bolt.Open(path, bolt.Options{ReadOnly: true, Clock: clock, AuditKeyDir: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if c, err := dst.Check(ctx); err != nil || !c.OK() || len(c.Audit.Unverified) > 0 || c.Households != 120 {
		t.Errorf("check of the copy: %+v, %v", c, err)
	}
	if err := app.CompareCopy(ctx, src, dst, rep, geo, clock); err != nil {
		t.Error(err)
	}
	if _, err := app.CopyProvince(ctx, src, src, nil); err == nil {
		t.Error("a copy into an open file was not refused")
	}
}
