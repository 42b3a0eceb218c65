package cli_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"qmdesk/app"
	"qmdesk/data"
)

// TestAgencyListMergeAndSummaryJSON: the demo types one agency two ways
// (อบต. and องค์การบริหารส่วนตำบล): it counts once; merging two agencies
// joins them in `agency list` and in summary --json, with an audit entry.
func TestAgencyListMergeAndSummaryJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qm.db")
	if r := qmdesk(t, "demo", "--province", "41", "--households", "300", "--db", db); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	agencies := func() []app.AgencyLine {
		t.Helper()
		r := qmdesk(t, "summary", "--json", "--db", db)
		var got struct {
			Agencies []app.AgencyLine `json:"agencies"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
			t.Fatal(err, r)
		}
		return got.Agencies
	}
	before := agencies()
	find := func(lines []app.AgencyLine, name string) (app.AgencyLine, bool) {
		for _, l := range lines {
			if data.AgencyKey(l.Name) == data.AgencyKey(name) {
				return l, true
			}
		}
		return app.AgencyLine{}, false
	}
	obt, ok := find(before, "อบต.")
	if !ok || len(obt.Spellings) != 2 || obt.Totals.Problems == 0 {
		t.Fatalf("อบต. typed two ways: %+v in %+v", obt, before)
	}
	police, ok := find(before, "สถานีตำรวจภูธร")
	if !ok {
		t.Fatal("no police station line")
	}
	r := qmdesk(t, "agency", "list", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, data.WordAgencyReport.Thai) || !strings.Contains(r.stdout, "องค์การบริหารส่วนตำบล") {
		t.Fatalf("agency list: %+v", r)
	}
	if r := qmdesk(t, "agency", "merge", "สถานีตำรวจภูธร", "--db", db); r.code == 0 {
		t.Fatalf("merge with one name: %+v", r)
	}
	if r := qmdesk(t, "agency", "merge", "สถานีตำรวจภูธร", "อบต.", "--db", db); r.code != 0 {
		t.Fatalf("merge: %+v", r)
	}
	after := agencies()
	if len(after) != len(before)-1 {
		t.Fatalf("%d agencies after a merge of two, %d before", len(after), len(before))
	}
	merged, _ := find(after, "อบต.")
	if merged.Totals.Budget != obt.Totals.Budget+police.Totals.Budget || merged.Totals.Problems > obt.Totals.Problems+police.Totals.Problems || merged.Totals.Problems < obt.Totals.Problems {
		t.Fatalf("merged %+v from %+v and %+v", merged.Totals, obt.Totals, police.Totals)
	}
	if r := qmdesk(t, "agency", "list", "--db", db); !strings.Contains(r.stdout, "สถานีตำรวจภูธร →") {
		t.Fatalf("the merge is not listed: %s", r.stdout)
	}
	if r := qmdesk(t, "agency", "unmerge", "สถานีตำรวจภูธร", "--db", db); r.code != 0 {
		t.Fatalf("unmerge: %+v", r)
	}
	if again := agencies(); len(again) != len(before) {
		t.Fatalf("%d agencies after the unmerge, %d before the merge", len(again), len(before))
	}
}
