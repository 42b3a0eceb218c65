package ui_test

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"qmdesk/data"
)

// The clerk keeps the municipalities from the window: a unit needs a type
// and a tambon (refused in Thai without), a tambon wholly in one unit
// cannot be wholly in another, a unit can be removed, and the list saved
// is the store's, with its audit entry.
func TestUnitsDialogKeepsTheMunicipalities(t *testing.T) {
	h := newHarness(t, 50)
	w := h.w
	ctx := context.Background()
	// The demo keeps two municipalities: this test starts without any.
	if err := h.store.SetUnits(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if w.MenuUnits.Disabled {
		t.Fatal("the municipalities menu is greyed out")
	}
	w.MenuUnits.Action()
	w.WaitIdle() // the dialog shows once its records are read
	f := w.Units
	if f == nil {
		t.Fatal("no dialog")
	}
	f.Name.SetText("เทศบาลนครอุดรธานี")
	test.Tap(f.Add)
	if f.Error.Text == "" || len(f.Units) != 0 {
		t.Fatalf("a unit without type and tambon was added: %q", f.Error.Text)
	}
	f.Type.SetSelected(data.WordCityMunicipality.Thai)
	f.Amphoe.SetSelectedIndex(0) // อ.เมืองอุดรธานี
	f.Tambon.SetSelectedIndex(0)
	test.Tap(f.AddTambon)
	f.Full.SetChecked(false)
	f.Tambon.SetSelectedIndex(1)
	test.Tap(f.AddTambon)
	if !strings.Contains(f.Pending.Text, data.WordPartlyCovered.Thai) {
		t.Errorf("pending tambon: %q", f.Pending.Text)
	}
	test.Tap(f.Add)
	if len(f.Units) != 1 || f.Error.Text != "" {
		t.Fatalf("add: %+v %q", f.Units, f.Error.Text)
	}
	f.Name.SetText("เทศบาลเมืองซ้ำ")
	f.Type.SetSelected(data.WordTownMunicipality.Thai)
	f.Full.SetChecked(true)
	f.Tambon.SetSelectedIndex(0)
	test.Tap(f.AddTambon)
	test.Tap(f.Add)
	if len(f.Units) != 1 || !strings.Contains(f.Error.Text, data.WordFullyCovered.Thai) {
		t.Errorf("a tambon wholly in two units: %d units, %q", len(f.Units), f.Error.Text)
	}
	f.Name.SetText("เทศบาลเมืองชั่วคราว")
	test.Tap(f.Clear)
	f.Tambon.SetSelectedIndex(2)
	test.Tap(f.AddTambon)
	test.Tap(f.Add)
	if len(f.Units) != 2 || len(f.Remove) != 2 {
		t.Fatalf("second unit: %+v %q", f.Units, f.Error.Text)
	}
	test.Tap(f.Remove[1]) // sorted: เทศบาลนคร… then เทศบาลเมือง…
	test.Tap(f.Save)
	w.WaitIdle()
	if w.Units != nil {
		t.Fatalf("the dialog stayed open: %q", f.Error.Text)
	}
	l, err := h.store.Units(ctx)
	if err != nil || len(l) != 1 || l[0].Name != "เทศบาลนครอุดรธานี" || l[0].Type != data.UnitCity || len(l[0].Tambons) != 2 {
		t.Fatalf("stored: %+v %v", l, err)
	}
	if _, ok, _ := l.OfTambon(l[0].Tambons[0].Code); !ok {
		t.Errorf("the wholly covered tambon does not resolve: %+v", l)
	}
	entries, _ := h.store.Audit(ctx, 0, 0)
	if e := entries[len(entries)-1]; e.Entity != "units" || e.Who != "สมใจ ทดสอบ" {
		t.Errorf("not audited: %+v", e)
	}
}
