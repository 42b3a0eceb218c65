package ui_test

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"qmdesk/data"
)

// TestAgencyTabShowsAndMerges: the dashboard's agencies tab lists the
// demo's agencies (อบต. typed two ways, one row), switches to a category,
// and merges two names from its selects, with the report following.
func TestAgencyTabShowsAndMerges(t *testing.T) {
	h := newHarness(t, 300)
	w := h.w
	d := w.Dashboard
	d.SelectAgenciesTab()
	w.WaitIdle()
	a := d.Agencies
	if len(a.Table.Rows) == 0 || len(a.Table.Rows) != len(a.Lines()) {
		t.Fatalf("%d rows for %d agencies", len(a.Table.Rows), len(a.Lines()))
	}
	rows := 0
	for _, r := range a.Table.Rows {
		if data.AgencyKey(r[0]) == data.AgencyKey("อบต.") {
			rows++
		}
	}
	if rows != 1 {
		t.Fatalf("อบต. on %d rows: %v", rows, a.Table.Rows)
	}
	all := len(a.Table.Rows)
	a.Category.SetSelectedIndex(3) // การศึกษา
	if len(a.Table.Rows) == 0 || len(a.Table.Rows) > all {
		t.Errorf("category 3: %d rows", len(a.Table.Rows))
	}
	a.Category.SetSelectedIndex(0)
	test.Tap(a.Merge) // nothing chosen: refused, nothing stored
	w.WaitIdle()
	if al, _ := h.store.AgencyAliases(t.Context()); len(al) != 0 {
		t.Fatal("a merge without names was stored")
	}
	a.From.SetSelected(a.From.Options[0])
	a.Into.SetSelected(a.Into.Options[1])
	test.Tap(a.Merge)
	w.WaitIdle()
	if len(a.Table.Rows) != all-1 {
		t.Fatalf("%d rows after a merge of two, %d before", len(a.Table.Rows), all)
	}
	if al, _ := h.store.AgencyAliases(t.Context()); len(al) != 1 {
		t.Fatalf("aliases: %v", al)
	}
	if len(a.Merged.Options) != 1 {
		t.Fatalf("merges listed: %v", a.Merged.Options)
	}
	a.Merged.SetSelectedIndex(0)
	test.Tap(a.Unmerge)
	w.WaitIdle()
	if len(a.Table.Rows) != all || len(a.Merged.Options) != 0 {
		t.Fatalf("after the unmerge: %d rows (%d before the merge), merges %v", len(a.Table.Rows), all, a.Merged.Options)
	}
}
