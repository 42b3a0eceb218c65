package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"qmdesk/data"
)

// The household page names the household's municipality; in a tambon a
// municipality covers partly, the clerk chooses it there, the choice is
// stored (and audited), and the unit's figures on the dashboard follow.
func TestHouseholdPageChoosesTheMunicipality(t *testing.T) {
	h := newHarness(t, 400)
	w, ctx := h.w, context.Background()
	units, _ := h.store.Units(ctx)
	var city data.Unit
	var partly string
	for _, u := range units {
		for _, tb := range u.Tambons {
			if !tb.Full {
				city, partly = u, tb.Code
			}
		}
	}
	if partly == "" {
		t.Fatal("the demo has no partly covered tambon")
	}
	hs, _ := h.store.Households(ctx, data.HouseholdFilter{AreaCode: partly})
	if len(hs) == 0 {
		t.Fatal("no household in the partly covered tambon")
	}
	hh := hs[0]
	// Its choice is turned the other way: into the city, or out of it.
	name, want, step := data.WordNoUnit.Thai, "", int64(-1)
	if hh.Unit == "" {
		name, want, step = city.Name, city.Code, +1
	}
	w.Households.Open(hh.ID)
	w.WaitIdle()
	u := w.Households.Page.Unit
	if u.Choice.Hidden || u.Label.Text != data.WordMunicipality.Thai+": "+units.Name(hh.Unit) && u.Label.Text != data.WordMunicipality.Thai+": "+data.WordNoUnit.Thai {
		t.Fatalf("label %q, choice %q (hidden %v)", u.Label.Text, u.Choice.Selected, u.Choice.Hidden)
	}
	before := w.Dashboard.Units.Units[0].Totals.Households
	u.Choice.SetSelected(name)
	w.WaitIdle()
	got, _ := h.store.Household(ctx, hh.ID)
	if got.Unit != want || u.Label.Text != data.WordMunicipality.Thai+": "+name {
		t.Fatalf("stored unit %q, label %q", got.Unit, u.Label.Text)
	}
	w.Dashboard.Refresh()
	w.WaitIdle()
	ps, _ := h.store.Problems(ctx, data.ProblemFilter{HouseholdID: hh.ID})
	if after := w.Dashboard.Units.Units[0].Totals.Households; len(ps) > 0 && after != before+step {
		t.Errorf("the city's households: %d before the choice, %d after", before, after)
	}
	// A household of a wholly covered tambon has its unit without a choice.
	for _, tb := range city.Tambons {
		if tb.Full {
			hs, _ := h.store.Households(ctx, data.HouseholdFilter{AreaCode: tb.Code, Limit: 1})
			w.Households.Open(hs[0].ID)
			w.WaitIdle()
			if !u.Choice.Hidden || u.Label.Text != data.WordMunicipality.Thai+": "+city.Name {
				t.Errorf("wholly covered: label %q, choice hidden %v", u.Label.Text, u.Choice.Hidden)
			}
		}
	}
}

// The export screen offers each municipality's follow-up workbook after
// the amphoe's, and writes it.
func TestExportScreenOffersTheMunicipalities(t *testing.T) {
	h := newHarness(t, 400)
	w, ctx := h.w, context.Background()
	units, _ := h.store.Units(ctx)
	e := w.Export
	opts := e.FollowAmphoe.Options
	if len(units) != 2 || opts[len(opts)-2] != units[0].Name || opts[len(opts)-1] != units[1].Name {
		t.Fatalf("choices end with %v, units %+v", opts[len(opts)-2:], units)
	}
	path := filepath.Join(h.dir, "unit.xlsx")
	e.ExportFollowUpUnit(units[0].Code, path)
	w.WaitIdle()
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Errorf("the unit's follow-up workbook: %v (%s)", err, w.LastError())
	}
}
