package data

import (
	"sort"
	"strings"
)

// Partner agencies (ภาคีเครือข่าย) are named freely on each action: the same
// agency arrives typed several ways ("อบต.บ้านใหม่", "อบต. บ้านใหม่",
// "องค์การบริหารส่วนตำบลบ้านใหม่"). AgencyKey gives every spelling of one
// name the same key; the clerk's merges (AgencyAliases) join the names the
// rules cannot tell apart. Actions keep the name as it was typed.

// agencyAbbrev are the abbreviations district workbooks use, with their
// full names, longest first so that "รพ.สต." is read before "รพ.".
var agencyAbbrev = []struct{ short, full string }{
	{"ธ.ก.ส.", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร"},
	{"รพ.สต.", "โรงพยาบาลส่งเสริมสุขภาพตำบล"},
	{"กศน.", "สำนักงานส่งเสริมการเรียนรู้"},
	{"กปภ.", "การประปาส่วนภูมิภาค"},
	{"พมจ.", "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด"},
	{"พอช.", "สถาบันพัฒนาองค์กรชุมชน"},
	{"อบต.", "องค์การบริหารส่วนตำบล"},
	{"อบจ.", "องค์การบริหารส่วนจังหวัด"},
	{"สสจ.", "สำนักงานสาธารณสุขจังหวัด"},
	{"สสอ.", "สำนักงานสาธารณสุขอำเภอ"},
	{"พช.", "สำนักงานพัฒนาชุมชน"},
	{"พม.", "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"},
	{"ทต.", "เทศบาลตำบล"},
	{"ทม.", WordTownMunicipality.Thai},
	{"ทน.", WordCityMunicipality.Thai},
	{"รพ.", "โรงพยาบาล"},
}

// ExpandAgency writes an agency's name with its abbreviations spelt out
// and its blanks cleaned: "อบต.บ้านใหม่" is "องค์การบริหารส่วนตำบลบ้านใหม่".
// An abbreviation is read at the start of a word, with its dots ("อบต.x")
// or as a whole word without them ("อบต x").
func ExpandAgency(name string) string {
	words := strings.Fields(ThaiToASCIIDigits(CleanText(name)))
	for i, w := range words {
		for _, a := range agencyAbbrev {
			if strings.HasPrefix(w, a.short) {
				words[i] = a.full + strings.TrimPrefix(w, a.short)
				break
			}
			if w == strings.ReplaceAll(a.short, ".", "") {
				words[i] = a.full
				break
			}
		}
	}
	return strings.Join(words, " ")
}

// AgencyKey is the form two spellings of one agency share: abbreviations
// spelt out, without blanks or dots. "" for a blank name.
func AgencyKey(name string) string {
	return strings.NewReplacer(" ", "", ".", "", "\u00a0", "").Replace(ExpandAgency(name))
}

// AgencyAliases are the clerk's merges: the key of a name (AgencyKey) to
// the name it was merged into.
type AgencyAliases map[string]string

// Resolve returns the key an agency's name counts under, following merges.
func (a AgencyAliases) Resolve(name string) string {
	k := AgencyKey(name)
	for i := 0; i < 16; i++ { // merges are checked for cycles; the bound is a guard
		into, ok := a[k]
		if !ok {
			break
		}
		k = AgencyKey(into)
	}
	return k
}

// Merge records that from counts as into; it refuses a blank name, a name
// merged into itself and a merge that would go round in a circle.
func (a AgencyAliases) Merge(from, into string) error {
	fk, ik := AgencyKey(from), AgencyKey(into)
	if fk == "" || ik == "" {
		return Messages(EINVALID, "กรุณาระบุชื่อ%sทั้งสองชื่อ", []any{HeaderAgency.Thai}, "merge needs two agency names")
	}
	if a.Resolve(into) == fk || fk == ik {
		return Messages(EINVALID, "'%s' และ '%s' นับเป็น%sเดียวกันอยู่แล้ว", []any{CleanText(from), CleanText(into), HeaderAgency.Thai}, "%q and %q already count as one agency", CleanText(from), CleanText(into))
	}
	a[fk] = ExpandAgency(into)
	return nil
}

// Unmerge takes back the merge of from: it counts under its own name
// again (names merged into it stay with it).
func (a AgencyAliases) Unmerge(from string) error {
	k := AgencyKey(from)
	if _, ok := a[k]; !ok {
		return Messages(ENOTFOUND, "'%s' ไม่ได้รวมไว้กับชื่ออื่น", []any{CleanText(from)}, "%q is not merged", CleanText(from))
	}
	delete(a, k)
	return nil
}

// Sorted lists the merges by the name merged.
func (a AgencyAliases) Sorted() [][2]string {
	out := make([][2]string, 0, len(a))
	for k, v := range a {
		out = append(out, [2]string{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
