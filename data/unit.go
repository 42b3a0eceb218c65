package data

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// A responsible unit besides the amphoe: a municipality (เทศบาลนคร or
// เทศบาลเมือง) that the ministry's letter asks to follow its households
// as the amphoe does. The clerk keeps the province's list; each unit
// covers tambon of the province, fully or partly.

// UnitType is the kind of municipality.
type UnitType string

const (
	UnitCity UnitType = "city" // เทศบาลนคร
	UnitTown UnitType = "town" // เทศบาลเมือง
)

// Term is the glossary's word for the type.
func (t UnitType) Term() Term {
	if t == UnitCity {
		return WordCityMunicipality
	}
	return WordTownMunicipality
}

// ParseUnitType reads a type as the clerk types it: "นคร", "เมือง",
// "เทศบาลนคร", "city", "town".
func ParseUnitType(s string) (UnitType, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "city", strings.ToLower(WordCityMunicipality.Thai), strings.TrimPrefix(WordCityMunicipality.Thai, WordMunicipality.Thai):
		return UnitCity, true
	case "town", strings.ToLower(WordTownMunicipality.Thai), strings.TrimPrefix(WordTownMunicipality.Thai, WordMunicipality.Thai):
		return UnitTown, true
	}
	return "", false
}

// UnitTambon is one tambon a unit covers.
type UnitTambon struct {
	Code string `json:"code"` // 6-digit DOPA code
	Full bool   `json:"full"` // the whole tambon lies in the unit
}

// Unit is one municipality.
type Unit struct {
	// Code is the unit's stable short code ("M" and 5 digits, given when
	// it is first stored): a household keeps it, so renaming the unit
	// orphans none. It never starts with a digit, so an area filter by
	// province, amphoe or tambon code never picks a unit's counters up.
	Code    string       `json:"code,omitempty"`
	Name    string       `json:"name"` // as the clerk writes it, e.g. "เทศบาลนครอุดรธานี"
	Type    UnitType     `json:"type"`
	Tambons []UnitTambon `json:"tambons"`
}

// Covers tells whether the unit covers the tambon, and fully.
func (u Unit) Covers(tambon string) (covered, full bool) {
	for _, t := range u.Tambons {
		if t.Code == tambon {
			return true, t.Full
		}
	}
	return false, false
}

// UnitList is the province's municipalities, by name.
type UnitList []Unit

// Find returns the unit of that name (spaces and case aside).
func (l UnitList) Find(name string) (Unit, bool) {
	k := unitKey(name)
	for _, u := range l {
		if unitKey(u.Name) == k {
			return u, true
		}
	}
	return Unit{}, false
}

// OfTambon returns the unit that covers the whole tambon: a household
// there belongs to it without anyone saying so. A partly covered tambon
// gives no unit (ok false, partly true): the household's own choice
// decides.
func (l UnitList) OfTambon(tambon string) (u Unit, ok, partly bool) {
	for _, x := range l {
		if covered, full := x.Covers(tambon); covered {
			if full {
				return x, true, false
			}
			partly = true
		}
	}
	return Unit{}, false, partly
}

func unitKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(CleanText(s)), "")) }

// Validate checks the list against the geography of the province: names
// given and unique, a known type, every tambon a tambon of the province,
// and a tambon fully covered by one unit at most (and then by no other).
func (l UnitList) Validate(g *Geography, province string) error {
	names, codes := map[string]bool{}, map[string]bool{}
	owner := map[string]string{} // tambon → unit covering it fully
	partly := map[string]string{}
	for i := range l {
		u := &l[i]
		u.Name = CleanText(u.Name)
		if u.Name == "" {
			return Messages(EINVALID, "กรุณาระบุชื่อ%s", []any{WordMunicipality.Thai}, "the municipality needs a name")
		}
		if names[unitKey(u.Name)] {
			return Errorf(EINVALID, "มี %s อยู่แล้ว", "%s is already in the list", u.Name)
		}
		names[unitKey(u.Name)] = true
		if u.Code != "" {
			if !IsUnitCode(u.Code) || codes[u.Code] {
				return Errorf(EINTERNAL, "%s: รหัส %s ไม่ถูกต้อง", "%s: bad or repeated code %s", u.Name, u.Code)
			}
			codes[u.Code] = true
		}
		if u.Type != UnitCity && u.Type != UnitTown {
			return Messages(EINVALID, "%s: ประเภทต้องเป็น %s หรือ %s", []any{u.Name, WordCityMunicipality.Thai, WordTownMunicipality.Thai}, "%s: the type must be city or town", u.Name)
		}
		if len(u.Tambons) == 0 {
			return Errorf(EINVALID, "%s: กรุณาระบุตำบลที่อยู่ในเขต", "%s: name the tambon it covers", u.Name)
		}
		seen := map[string]bool{}
		for _, t := range u.Tambons {
			p, ok := g.Tambon(t.Code)
			if !ok || !strings.HasPrefix(t.Code, province) {
				return Errorf(EINVALID, "%s: รหัสตำบล %s ไม่ใช่ตำบลของจังหวัดนี้", "%s: %s is not a tambon of this province", u.Name, t.Code)
			}
			if seen[t.Code] {
				return Errorf(EINVALID, "%s: ตำบล%s ซ้ำ", "%s: tambon %s twice", u.Name, p.Thai)
			}
			seen[t.Code] = true
			if o, ok := owner[t.Code]; ok {
				return Errorf(EINVALID, "ตำบล%s อยู่ในเขต %s ทั้งตำบลแล้ว", "tambon %s is already fully in %s", p.Thai, o)
			}
			if t.Full {
				if o, ok := partly[t.Code]; ok {
					return Errorf(EINVALID, "ตำบล%s อยู่ในเขต %s บางส่วนแล้ว", "tambon %s is already partly in %s", p.Thai, o)
				}
				owner[t.Code] = u.Name
			} else {
				partly[t.Code] = u.Name
			}
		}
		sort.Slice(u.Tambons, func(a, b int) bool { return u.Tambons[a].Code < u.Tambons[b].Code })
	}
	sort.SliceStable(l, func(a, b int) bool { return l[a].Name < l[b].Name })
	return nil
}

// OfHousehold is the municipality a household belongs to, for figures per
// unit: the unit covering its tambon wholly, else, in a partly covered
// tambon, the unit the household's own choice (h.Unit) names, if that
// unit still covers the tambon (partly true: the tambon is partly
// covered, so the clerk may choose).
func (l UnitList) OfHousehold(h Household) (u Unit, ok, partly bool) {
	u, ok, partly = l.OfTambon(h.TambonCode)
	if ok || !partly || h.Unit == "" {
		return u, ok, partly
	}
	if x, found := l.ByCode(h.Unit); found {
		if covered, _ := x.Covers(h.TambonCode); covered {
			return x, true, true
		}
	}
	return Unit{}, false, true
}

// SettleUnit sets h.Unit from the list: the unit of a wholly covered
// tambon, the household's own choice where the tambon is partly covered
// by the chosen unit, none elsewhere. It tells whether h.Unit changed.
func (l UnitList) SettleUnit(h *Household) bool {
	u, ok, _ := l.OfHousehold(*h)
	code := ""
	if ok {
		code = u.Code
	}
	if code == h.Unit {
		return false
	}
	h.Unit = code
	return true
}

// PartlyCovering lists the units that cover the tambon partly: the
// choices offered for a household there.
func (l UnitList) PartlyCovering(tambon string) (out []Unit) {
	for _, u := range l {
		if covered, full := u.Covers(tambon); covered && !full {
			out = append(out, u)
		}
	}
	return out
}

// ByCode returns the unit of that code.
func (l UnitList) ByCode(code string) (Unit, bool) {
	for _, u := range l {
		if u.Code == code && code != "" {
			return u, true
		}
	}
	return Unit{}, false
}

// Name is the unit's name for a code ("" for none, the code itself for
// a unit no longer in the list).
func (l UnitList) Name(code string) string {
	if code == "" {
		return ""
	}
	if u, ok := l.ByCode(code); ok {
		return u.Name
	}
	return code
}

// AssignCodes gives every unit without a code the next free one.
func (l UnitList) AssignCodes() {
	used := map[string]bool{}
	for _, u := range l {
		used[u.Code] = true
	}
	n := 1
	for i := range l {
		if l[i].Code != "" {
			continue
		}
		for used[fmt.Sprintf("M%05d", n)] {
			n++
		}
		l[i].Code = fmt.Sprintf("M%05d", n)
		used[l[i].Code] = true
	}
}

// IsUnitCode tells a unit's code ("M" and 5 characters) from an area code
// (digits).
func IsUnitCode(code string) bool { return len(code) == 6 && code[0] == 'M' }

// KeepAreas filters, in place, every slice field of the struct v points
// to (data.RoundCounts, data.RoundHistory, and whatever counts are added
// to them) whose elements carry a Tambon string: it keeps the units'
// entries (units true) or the tambon's (units false). The store keeps
// each problem's counters twice for a household in a municipality, once
// by its tambon and once by its unit, and a reader must never sum both.
func KeepAreas(v any, units bool) {
	s := reflect.ValueOf(v).Elem()
	for i := 0; i < s.NumField(); i++ {
		f := s.Field(i)
		if f.Kind() != reflect.Slice || f.Type().Elem().Kind() != reflect.Struct {
			continue
		}
		tf, ok := f.Type().Elem().FieldByName("Tambon")
		if !ok || tf.Type.Kind() != reflect.String {
			continue
		}
		n := 0
		for j := 0; j < f.Len(); j++ {
			if IsUnitCode(f.Index(j).FieldByIndex(tf.Index).String()) == units {
				f.Index(n).Set(f.Index(j))
				n++
			}
		}
		f.SetLen(n)
	}
}
