package ui_test

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"qmdesk/assets"
	"qmdesk/ui"
)

// TestProvincePickerFindsAsTheClerkTypes: on the first start the clerk
// types part of the province's name (with or without จังหวัด, blanks and
// ZWSP ignored, Thai digits read) or its code, and the province is chosen
// at once; the arrows move the choice and Return keeps it and goes on.
func TestProvincePickerFindsAsTheClerkTypes(t *testing.T) {
	h := newHarness(t, 0)
	w := h.w
	p := w.Setup.Province
	if p.SelectedIndex() >= 0 || p.List.Length() != 77 {
		t.Fatalf("at first: chosen %d, %d listed", p.SelectedIndex(), p.List.Length())
	}
	chosen := func() string {
		if p.SelectedIndex() < 0 {
			return ""
		}
		text := p.Chosen.Text // "จังหวัดที่เลือก: อุดรธานี (41)"
		return text[strings.LastIndex(text, "(")+1 : len(text)-1]
	}
	for _, c := range []struct{ typed, want string }{
		{"อุดร", "41"},
		{"อุดรธานี", "41"},
		{"จังหวัดอุดรธานี", "41"},
		{"จังหวัด อุดร ธานี", "41"},
		{"อุด\u200bร", "41"},
		{"41", "41"},
		{"๔๑", "41"},
		{"ขอนแก่น", "40"},
		{"แก่น", "40"}, // inside the name
		{"เชียงใหม่", "50"},
		{"ไม่มีจังหวัดนี้", ""},
		{"", ""},
	} {
		p.Find.SetText("")
		test.Type(p.Find, c.typed)
		if got := chosen(); got != c.want {
			t.Errorf("%q chooses %q, want %q (%d listed)", c.typed, got, c.want, p.List.Length())
		}
	}

	// "ธานี" lists several; Down and Up move the choice, Return keeps it
	// and goes on to the round's name.
	p.Find.SetText("")
	w.Window.Canvas().Focus(p.Find)
	test.Type(p.Find, "ธานี")
	first := chosen()
	if p.List.Length() < 3 || first == "" {
		t.Fatalf("ธานี: %d listed, %q chosen", p.List.Length(), first)
	}
	p.Find.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	p.Find.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	second := chosen()
	p.Find.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	if chosen() == first || chosen() == second || second == first {
		t.Errorf("arrows: %q, %q, %q", first, second, chosen())
	}
	want := chosen()
	p.Find.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if chosen() != want || w.Window.Canvas().Focused() != w.Setup.RoundName {
		t.Errorf("Return: %q chosen, focus on %T", chosen(), w.Window.Canvas().Focused())
	}

	// And the province chosen is the one the database is made for.
	p.Find.SetText("")
	test.Type(p.Find, "อุดร")
	test.Tap(w.Setup.StartBtn)
	w.WaitIdle()
	if meta, err := h.store.Meta(context.Background()); err != nil || meta.Province != "41" {
		t.Errorf("database made for %q (%v)", meta.Province, err)
	}
}

// TestProvincePickerFindsEveryProvince: each of the 77 provinces is chosen
// by its code and by its full Thai name (the first match when one name
// holds another), and in the English window by its English name.
func TestProvincePickerFindsEveryProvince(t *testing.T) {
	h := newHarness(t, 0)
	p := h.w.Setup.Province
	geo, _ := assets.Geography()
	for _, pl := range geo.Provinces() {
		for _, typed := range []string{pl.Code, pl.Thai, "จังหวัด" + pl.Thai} {
			p.Find.SetText("")
			test.Type(p.Find, typed)
			if !strings.HasSuffix(p.Chosen.Text, "("+pl.Code+")") {
				t.Errorf("%q chooses %q", typed, p.Chosen.Text)
			}
		}
	}

	a := test.NewTempApp(t)
	a.Preferences().SetString("language", "en")
	w := ui.NewMainWindow(a, ui.Env{Store: h.store, Geo: geo, Clock: clock, DataDir: h.dir})
	w.WaitIdle() // the screens are made once the database is read
	p = w.Setup.Province
	for _, c := range []struct{ typed, want string }{{"udon", "(41)"}, {"Udon Thani", "(41)"}, {"khon", "(40)"}, {"อุดร", "(41)"}} {
		p.Find.SetText("")
		test.Type(p.Find, c.typed)
		if !strings.HasSuffix(p.Chosen.Text, c.want) || !strings.HasPrefix(p.Chosen.Text, "Province chosen") {
			t.Errorf("English, %q chooses %q", c.typed, p.Chosen.Text)
		}
	}
}
