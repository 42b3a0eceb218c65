package app

import (
	"strings"
	"testing"

	"qmdesk/assets"
	"qmdesk/data"
)

// The municipality column (เทศบาล, or a drifted header) names the
// household's unit: a unit of the list covering the row's tambon (by its
// name, with or without "เทศบาล"), or none; an unknown unit, a unit not
// covering the tambon, and "none" in a tambon a unit covers wholly are
// refused with the reason in Thai.
func TestRowUnitColumn(t *testing.T) {
	geo, _ := assets.Geography()
	units := data.UnitList{{Code: "M00001", Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}, {Code: "410102"}}}}
	imp := &Importer{Geo: geo, places: newPlaces(geo, "41"), subProblems: data.DefaultSubProblems(), units: units}
	t1, _ := geo.Tambon("410101")
	t2, _ := geo.Tambon("410102")
	t3, _ := geo.Tambon("410103")
	for _, header := range []string{"เทศบาล", "เขต เทศบาล", "ชื่อเทศบาล"} {
		l := matchHeader("S", [][]string{{"รหัสบ้าน", "ตำบล", "อำเภอ", "ด้าน", "ปัญหา", header}}, []int{1})
		if !l.has(fUnit) {
			t.Fatalf("header %q not read as the municipality", header)
		}
		for _, c := range []struct {
			tambon, unit, want, reason string
		}{
			{t2.Thai, "นครอุดรธานี", "M00001", ""},
			{t2.Thai, "เทศบาลนครอุดรธานี", "M00001", ""},
			{t2.Thai, "-", unitNone, ""},
			{t2.Thai, "", "", ""},
			{t1.Thai, "เทศบาลนครอุดรธานี", "M00001", ""},
			{t1.Thai, "นอกเขตเทศบาล", "", "ทั้งตำบล"},
			{t3.Thai, "เทศบาลนครอุดรธานี", "", "ไม่อยู่ในเขต เทศบาลนครอุดรธานี"},
			{t2.Thai, "เทศบาลเมืองอื่น", "", "ไม่พบเทศบาล 'เทศบาลเมืองอื่น'"},
		} {
			in := imp.parseRow(&l, 2, []string{"41010000011", c.tambon, "เมืองอุดรธานี", "4", "หนี้สิน", c.unit})
			switch {
			case c.reason != "":
				if in.Reject == nil || !strings.Contains(in.Reject.Reason, c.reason) || in.Reject.Column != header {
					t.Errorf("%s / %q: want refused (%s), got %+v", c.tambon, c.unit, c.reason, in.Reject)
				} else if bad := NotEnglish(in.Reject.ReasonEnglish, in.Reject.Column, in.Reject.Value); bad != "" {
					t.Errorf("%s / %q: the English of the reason (%s): %q", c.tambon, c.unit, bad, in.Reject.ReasonEnglish)
				}
			case in.Reject != nil:
				t.Errorf("%s / %q refused: %s", c.tambon, c.unit, in.Reject.Reason)
			case in.Household.Unit != c.want:
				t.Errorf("%s / %q: unit %q, want %q", c.tambon, c.unit, in.Household.Unit, c.want)
			}
		}
	}
}
