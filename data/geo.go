package data

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Place is a province, amphoe or tambon with its DOPA code.
type Place struct {
	Code    string // CC, CCAA or CCAATT
	Thai    string // name without prefix, as DOPA lists it
	English string
}

// EnglishName is the place's English name, or its Thai one in quotes
// when the list has none.
func (p Place) EnglishName() string {
	if p.English != "" {
		return p.English
	}
	return "'" + p.Thai + "'"
}

// Geography is the DOPA list of provinces, amphoe and tambon.
type Geography struct {
	provinces map[string]Place
	amphoes   map[string]Place
	tambons   map[string]Place
	children  map[string][]string            // parent code → child codes, sorted
	byName    map[string]map[string][]string // parent code ("" for provinces) → name key → codes
}

// LoadGeography reads the three JSON lists of the thailand-geography dataset.
func LoadGeography(provinces, districts, subdistricts []byte) (*Geography, error) {
	var ps []struct {
		Code int    `json:"provinceCode"`
		Th   string `json:"provinceNameTh"`
		En   string `json:"provinceNameEn"`
	}
	var ds []struct {
		Province int    `json:"provinceCode"`
		Code     int    `json:"districtCode"`
		Th       string `json:"districtNameTh"`
		En       string `json:"districtNameEn"`
	}
	var ss []struct {
		District int    `json:"districtCode"`
		Code     int    `json:"subdistrictCode"`
		Th       string `json:"subdistrictNameTh"`
		En       string `json:"subdistrictNameEn"`
	}
	for _, x := range []struct {
		b []byte
		v any
	}{{provinces, &ps}, {districts, &ds}, {subdistricts, &ss}} {
		if err := json.Unmarshal(x.b, x.v); err != nil {
			return nil, &Error{Code: EINTERNAL, Message: "ข้อมูลจังหวัด อำเภอ ตำบลในโปรแกรมเสียหาย", English: "geography list unreadable", Err: err}
		}
	}
	g := &Geography{
		provinces: map[string]Place{}, amphoes: map[string]Place{}, tambons: map[string]Place{},
		children: map[string][]string{}, byName: map[string]map[string][]string{},
	}
	add := func(m map[string]Place, parent string, p Place) {
		m[p.Code] = p
		g.children[parent] = append(g.children[parent], p.Code)
		if g.byName[parent] == nil {
			g.byName[parent] = map[string][]string{}
		}
		k := placeKey(p.Thai)
		g.byName[parent][k] = append(g.byName[parent][k], p.Code)
	}
	for _, p := range ps {
		add(g.provinces, "", Place{fmt.Sprintf("%02d", p.Code), CleanText(p.Th), p.En})
	}
	for _, d := range ds {
		add(g.amphoes, fmt.Sprintf("%02d", d.Province), Place{fmt.Sprintf("%04d", d.Code), CleanText(d.Th), d.En})
	}
	for _, s := range ss {
		add(g.tambons, fmt.Sprintf("%04d", s.District), Place{fmt.Sprintf("%06d", s.Code), CleanText(s.Th), s.En})
	}
	for _, c := range g.children {
		sort.Strings(c)
	}
	return g, nil
}

// Province, Amphoe and Tambon look a place up by code.
func (g *Geography) Province(code string) (Place, bool) { p, ok := g.provinces[code]; return p, ok }
func (g *Geography) Amphoe(code string) (Place, bool)   { p, ok := g.amphoes[code]; return p, ok }
func (g *Geography) Tambon(code string) (Place, bool)   { p, ok := g.tambons[code]; return p, ok }

// Provinces returns every province, by code.
func (g *Geography) Provinces() []Place { return g.list(g.provinces, "") }

// AmphoesOf returns the amphoe of a province, by code.
func (g *Geography) AmphoesOf(province string) []Place { return g.list(g.amphoes, province) }

// TambonsOf returns the tambon of an amphoe, by code.
func (g *Geography) TambonsOf(amphoe string) []Place { return g.list(g.tambons, amphoe) }

func (g *Geography) list(m map[string]Place, parent string) []Place {
	out := make([]Place, 0, len(g.children[parent]))
	for _, c := range g.children[parent] {
		out = append(out, m[c])
	}
	return out
}

// Name prefixes that workbooks put before place names. Longer first.
var placePrefixes = []string{"กิ่งอำเภอ", "จังหวัด", "อำเภอ", "ตำบล", "แขวง", "เขต", "กิ่งอ.", "จ.", "อ.", "ต."}

// placeKey reduces a place name to what identifies it: no blanks, no
// prefix (จังหวัด, อ., ต., เขต, ...), no trailing dot.
func placeKey(s string) string {
	s = strings.ReplaceAll(CleanText(s), " ", "")
	for _, p := range placePrefixes {
		if rest, ok := strings.CutPrefix(s, p); ok && rest != "" {
			s = rest
			break
		}
	}
	return s
}

// FindProvince finds a province by its Thai or English name, with or
// without "จังหวัด", or by its two-digit code.
func (g *Geography) FindProvince(name string) (Place, error) {
	n := CleanText(ThaiToASCIIDigits(name))
	if p, ok := g.provinces[n]; ok {
		return p, nil
	}
	switch strings.ReplaceAll(n, " ", "") {
	case "กทม.", "กทม", "กรุงเทพฯ", "กรุงเทพ":
		n = "กรุงเทพมหานคร"
	}
	codes := g.byName[""][placeKey(n)]
	if len(codes) == 0 {
		for _, p := range g.provinces {
			if strings.EqualFold(p.English, n) {
				return p, nil
			}
		}
		if th, en := g.provincesStarting(n); th != "" {
			return Place{}, Messages(ENOTFOUND, "ไม่พบจังหวัด '%s' หมายถึง %s ใช่ไหม (พิมพ์ชื่อเต็มหรือรหัสจังหวัด)", []any{CleanText(name), th}, "Province '%s' not found; did you mean %s? (type the whole name or the code)", CleanText(name), en)
		}
		return Place{}, Errorf(ENOTFOUND, "ไม่พบจังหวัด '%s'", "Province '%s' not found", CleanText(name))
	}
	return g.provinces[codes[0]], nil
}

// provincesStarting names, in Thai and in English, the provinces whose
// Thai name begins with a name that matched none (as a clerk types
// "อุดร"), with their codes, for the message; "" when none or more than
// three do.
func (g *Geography) provincesStarting(n string) (thai, english string) {
	n = placeKey(n)
	if n == "" {
		return "", ""
	}
	var th, en []string
	for _, p := range g.Provinces() {
		if strings.HasPrefix(placeKey(p.Thai), n) {
			th = append(th, p.Thai+" ("+p.Code+")")
			en = append(en, p.EnglishName()+" ("+p.Code+")")
		}
	}
	if len(th) == 0 || len(th) > 3 {
		return "", ""
	}
	return strings.Join(th, " หรือ "), strings.Join(en, " or ")
}

// FindAmphoe finds an amphoe of a province by name: "อำเภอกุดจับ", "อ.กุดจับ",
// "กุดจับ", "เขตพระนคร", and the capital district written "เมือง", "อ.เมือง"
// or "อำเภอเมืองอุดรธานี". A name that matches nothing says so; it is never
// guessed ("เมืองอุดร" is not เมืองอุดรธานี).
func (g *Geography) FindAmphoe(province, name string) (Place, error) {
	prov, ok := g.provinces[province]
	if !ok {
		return Place{}, Errorf(ENOTFOUND, "ไม่พบรหัสจังหวัด '%s'", "no province code %q", province)
	}
	n := CleanText(ThaiToASCIIDigits(name))
	if a, ok := g.amphoes[n]; ok && strings.HasPrefix(n, province) {
		return a, nil
	}
	k := placeKey(n)
	if k == "เมือง" {
		k = "เมือง" + placeKey(prov.Thai)
	}
	if codes := g.byName[province][k]; len(codes) == 1 {
		return g.amphoes[codes[0]], nil
	} else if len(codes) > 1 {
		return Place{}, Messages(ECONFLICT, "ชื่ออำเภอ '%s' ตรงกับหลายอำเภอในจังหวัด%s", []any{CleanText(name), prov.Thai},
			"The amphoe name '%s' matches more than one amphoe of %s province", CleanText(name), prov.EnglishName())
	}
	return Place{}, Messages(ENOTFOUND, "ไม่พบอำเภอ '%s' ในจังหวัด%s", []any{CleanText(name), prov.Thai},
		"Amphoe '%s' not found in %s province", CleanText(name), prov.EnglishName())
}

// FindTambon finds a tambon of an amphoe by name ("ตำบลนาดี", "ต.นาดี",
// "แขวงบางรัก", "นาดี").
func (g *Geography) FindTambon(amphoe, name string) (Place, error) {
	a, ok := g.amphoes[amphoe]
	if !ok {
		return Place{}, Errorf(ENOTFOUND, "ไม่พบรหัสอำเภอ '%s'", "no amphoe code %q", amphoe)
	}
	n := CleanText(ThaiToASCIIDigits(name))
	if t, ok := g.tambons[n]; ok && strings.HasPrefix(n, amphoe) {
		return t, nil
	}
	if codes := g.byName[amphoe][placeKey(n)]; len(codes) == 1 {
		return g.tambons[codes[0]], nil
	} else if len(codes) > 1 {
		return Place{}, Messages(ECONFLICT, "ชื่อตำบล '%s' ตรงกับหลายตำบลในอำเภอ%s", []any{CleanText(name), a.Thai},
			"The tambon name '%s' matches more than one tambon of amphoe %s", CleanText(name), a.EnglishName())
	}
	return Place{}, Messages(ENOTFOUND, "ไม่พบตำบล '%s' ในอำเภอ%s", []any{CleanText(name), a.Thai},
		"Tambon '%s' not found in amphoe %s", CleanText(name), a.EnglishName())
}

// FindTambonInProvince finds a tambon by name when the amphoe is unknown. A
// name shared by tambon of several amphoe is reported as ambiguous, with
// the amphoe it could be.
func (g *Geography) FindTambonInProvince(province, name string) (Place, error) {
	prov, ok := g.provinces[province]
	if !ok {
		return Place{}, Errorf(ENOTFOUND, "ไม่พบรหัสจังหวัด '%s'", "no province code %q", province)
	}
	k := placeKey(name)
	var found []Place
	for _, a := range g.children[province] {
		for _, c := range g.byName[a][k] {
			found = append(found, g.tambons[c])
		}
	}
	switch len(found) {
	case 0:
		return Place{}, Messages(ENOTFOUND, "ไม่พบตำบล '%s' ในจังหวัด%s", []any{CleanText(name), prov.Thai},
			"Tambon '%s' not found in %s province", CleanText(name), prov.EnglishName())
	case 1:
		return found[0], nil
	}
	var names, english []string
	for _, t := range found {
		a := g.amphoes[t.Code[:4]]
		names, english = append(names, "อ."+a.Thai), append(english, a.EnglishName())
	}
	return Place{}, Messages(ECONFLICT, "ตำบล '%s' มีหลายแห่งในจังหวัด%s (%s): กรุณาระบุอำเภอ", []any{CleanText(name), prov.Thai, strings.Join(names, ", ")},
		"There is more than one tambon '%s' in %s province (amphoe %s): give the amphoe", CleanText(name), prov.EnglishName(), strings.Join(english, ", "))
}
