package data_test

import (
	"strings"
	"testing"

	"qmdesk/assets"
	"qmdesk/data"
)

func geography(t testing.TB) *data.Geography {
	g, err := assets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGeographyCounts(t *testing.T) {
	g := geography(t)
	if n := len(g.Provinces()); n != 77 {
		t.Errorf("provinces = %d, want 77", n)
	}
	if n := len(g.AmphoesOf("41")); n != 20 {
		t.Errorf("amphoe of Udon Thani = %d, want 20", n)
	}
}

func TestFindPlaces(t *testing.T) {
	g := geography(t)
	for _, name := range []string{"อุดรธานี", "จังหวัดอุดรธานี", "จ.อุดรธานี", " จังหวัด อุดรธานี ", "41", "Udon Thani"} {
		if p, err := g.FindProvince(name); err != nil || p.Code != "41" {
			t.Errorf("FindProvince(%q) = %v, %v", name, p, err)
		}
	}
	// A name begun is not taken for the province (a workbook's "อุดร"
	// stays a refusal), but the message names it.
	if _, err := g.FindProvince("อุดร"); err == nil || !strings.Contains(data.ErrorMessage(err), "หมายถึง อุดรธานี (41) ใช่ไหม") {
		t.Errorf("อุดร: %v", err)
	}
	if _, err := g.FindProvince("นคร"); err == nil || strings.Contains(data.ErrorMessage(err), "หมายถึง") {
		t.Errorf("นคร begins more than three provinces' names: %v", err)
	}
	if p, err := g.FindProvince("กทม."); err != nil || p.Code != "10" {
		t.Errorf("กทม. = %v, %v", p, err)
	}
	for _, name := range []string{"เมือง", "อ.เมือง", "อำเภอเมือง", "เมืองอุดรธานี", "อำเภอเมืองอุดรธานี", "อ. เมืองอุดรธานี", "4101"} {
		if p, err := g.FindAmphoe("41", name); err != nil || p.Code != "4101" {
			t.Errorf("FindAmphoe(41, %q) = %v, %v", name, p, err)
		}
	}
	if p, err := g.FindAmphoe("41", "อ.กุดจับ"); err != nil || p.Code != "4102" {
		t.Errorf("อ.กุดจับ = %v, %v", p, err)
	}
	if p, err := g.FindAmphoe("10", "เขตพระนคร"); err != nil || p.Code != "1001" {
		t.Errorf("เขตพระนคร = %v, %v", p, err)
	}
	_, err := g.FindAmphoe("41", "เมืองอุดร")
	if data.ErrorCode(err) != data.ENOTFOUND || data.ErrorMessage(err) != "ไม่พบอำเภอ 'เมืองอุดร' ในจังหวัดอุดรธานี" {
		t.Errorf("เมืองอุดร must not be guessed: %v / %q", err, data.ErrorMessage(err))
	}
	tambons := g.TambonsOf("4101")
	if len(tambons) == 0 {
		t.Fatal("no tambon in 4101")
	}
	first := tambons[0]
	for _, name := range []string{first.Thai, "ตำบล" + first.Thai, "ต." + first.Thai, "ต. " + first.Thai} {
		if p, err := g.FindTambon("4101", name); err != nil || p.Code != first.Code {
			t.Errorf("FindTambon(%q) = %v, %v", name, p, err)
		}
	}
}

func TestFindTambonAmbiguous(t *testing.T) {
	g := geography(t)
	// Find a tambon name that two amphoe of one province share.
	for _, prov := range g.Provinces() {
		seen := map[string]string{}
		for _, a := range g.AmphoesOf(prov.Code) {
			for _, tb := range g.TambonsOf(a.Code) {
				if other, dup := seen[tb.Thai]; dup && other != a.Code {
					_, err := g.FindTambonInProvince(prov.Code, tb.Thai)
					if data.ErrorCode(err) != data.ECONFLICT {
						t.Fatalf("%s in %s: want ambiguous, got %v", tb.Thai, prov.Thai, err)
					}
					if p, err := g.FindTambon(a.Code, tb.Thai); err != nil || p.Code != tb.Code {
						t.Fatalf("with its amphoe it is found: %v, %v", p, err)
					}
					return
				}
				seen[tb.Thai] = a.Code
			}
		}
	}
	t.Fatal("no shared tambon name in the whole country? the list is wrong")
}

func FuzzFindAmphoe(f *testing.F) {
	g := geography(f)
	for _, s := range []string{"เมือง", "อ.กุดจับ", "อำเภอ", "อ.", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := g.FindAmphoe("41", s)
		if err == nil && p.Code[:2] != "41" {
			t.Fatalf("%q matched %v outside the province", s, p)
		}
		g.FindTambonInProvince("41", s)
		if p, err := g.FindProvince(s); err == nil && len(p.Code) != 2 {
			t.Fatalf("%q matched %v", s, p)
		}
	})
}
