package data_test

import (
	"strings"
	"testing"

	"qmdesk/data"
)

// The municipalities are checked against the province's geography: a
// tambon of another province, a tambon fully in two units, a name twice or
// a missing type are refused in Thai; a fully covered tambon gives its
// unit, a partly covered one none (the household decides).
func TestUnitListValidate(t *testing.T) {
	g := geography(t)
	tambons := g.TambonsOf("4101")
	a, b := tambons[0].Code, tambons[1].Code
	city := data.Unit{Name: " เทศบาลนคร  อุดรธานี ", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: a, Full: true}, {Code: b}}}
	town := data.Unit{Name: "เทศบาลเมืองหนองสำโรง", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: b}}}
	l := data.UnitList{town, city}
	if err := l.Validate(g, "41"); err != nil {
		t.Fatal(err)
	}
	if l[0].Name != "เทศบาลนคร อุดรธานี" {
		t.Errorf("sorted and cleaned: %+v", l)
	}
	if u, ok, _ := l.OfTambon(a); !ok || u.Name != l[0].Name {
		t.Errorf("fully covered tambon %s: %v %v", a, u, ok)
	}
	if _, ok, partly := l.OfTambon(b); ok || !partly {
		t.Errorf("partly covered tambon %s: %v %v", b, ok, partly)
	}
	if u, ok, _ := l.OfHousehold(data.Household{TambonCode: a}); !ok || u.Type != data.UnitCity {
		t.Errorf("a household of the wholly covered tambon: %v %v", u, ok)
	}
	if _, ok, partly := l.OfHousehold(data.Household{TambonCode: tambons[3].Code}); ok || partly {
		t.Errorf("a household outside every unit: %v %v", ok, partly)
	}
	if _, ok := l.Find("เทศบาลนครอุดรธานี"); !ok {
		t.Error("Find ignores spaces")
	}
	for name, bad := range map[string]data.UnitList{
		"another province": {{Name: "x", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: "100101", Full: true}}}},
		"unknown tambon":   {{Name: "x", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: "419999", Full: true}}}},
		"no type":          {{Name: "x", Tambons: []data.UnitTambon{{Code: a, Full: true}}}},
		"no tambon":        {{Name: "x", Type: data.UnitCity}},
		"no name":          {{Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: a, Full: true}}}},
		"name twice":       {city, {Name: "เทศบาลนครอุดรธานี", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: tambons[2].Code}}}},
		"full twice":       {city, {Name: "y", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: a, Full: true}}}},
		"full and partly":  {city, {Name: "y", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: a}}}},
		"partly then full": {town, {Name: "y", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: b, Full: true}}}},
	} {
		err := bad.Validate(g, "41")
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if msg := data.ErrorMessage(err); !strings.ContainsFunc(msg, func(r rune) bool { return r >= 0x0E00 && r <= 0x0E7F }) {
			t.Errorf("%s: %q is not Thai", name, msg)
		}
	}
	for in, want := range map[string]data.UnitType{"นคร": data.UnitCity, "เทศบาลเมือง": data.UnitTown, "town": data.UnitTown} {
		if got, ok := data.ParseUnitType(in); !ok || got != want {
			t.Errorf("ParseUnitType(%q) = %v %v", in, got, ok)
		}
	}
}
