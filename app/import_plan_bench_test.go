package app_test

import (
	"context"
	"os"
	"testing"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data/bolt"
)

// BenchmarkPlanFile is the dry run of the workbook at $QMDESK_PLAN_BOOK
// (skipped without it) into a new database of Udon Thani, with the
// command line's memory settings: the plan's own cost, for profiles.
func BenchmarkPlanFile(b *testing.B) {
	path := os.Getenv("QMDESK_PLAN_BOOK")
	if path == "" {
		b.Skip("QMDESK_PLAN_BOOK not set")
	}
	s := newProvince(b, bolt.Options{NoSync: true})
	defer s.Close()
	ctx := context.Background()
	geo, _ := assets.Geography()
	imp := &app.Importer{Store: s, Geo: geo}
	defer app.HoldImportMemory(s, os.Getenv("GOMEMLIMIT") == "")()
	for b.Loop() {
		rep, err := imp.Plan(ctx, path, "")
		if err != nil || rep.Refused != "" {
			b.Fatal(err, rep.Refused)
		}
		rep.Close()
	}
}
