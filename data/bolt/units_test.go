package bolt

import (
	"testing"

	"qmdesk/data"
)

// The municipalities are kept in the file with a checksum (check stays
// clean) and an audit entry per change; a file without any reads as none.
func TestUnitsStoredAndAudited(t *testing.T) {
	s, ctx := openTest(t)
	if l, err := s.Units(ctx); err != nil || len(l) != 0 {
		t.Fatalf("a new file: %v %v", l, err)
	}
	l := data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}}}}
	if err := s.SetUnits(ctx, l); err != nil {
		t.Fatal(err)
	}
	got, err := s.Units(ctx)
	if err != nil || len(got) != 1 || got[0].Name != l[0].Name || !got[0].Tambons[0].Full {
		t.Fatalf("read back: %+v %v", got, err)
	}
	if err := s.SetUnits(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Units(ctx); len(got) != 0 {
		t.Errorf("removed: %+v", got)
	}
	entries, err := s.Audit(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Entity == "units" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d audit entries for units, want 2", n)
	}
}
