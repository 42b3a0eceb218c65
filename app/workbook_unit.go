package app

import (
	"context"
	"strings"

	"qmdesk/data"
)

// unitNone is a row's household in no municipality, as the plan carries
// it (an empty unit cell changes nothing).
const unitNone = "-"

// unitOfRow reads a row's municipality cell for a household of tambon:
// the unit's code, unitNone for "not in a municipality" ("-",
// ไม่อยู่ในเขตเทศบาล, นอกเขตเทศบาล), or the reason to refuse the row: a
// unit not in the province's list, a unit that does not cover the tambon,
// or none where a unit covers the whole tambon.
func (imp *Importer) unitOfRow(v, tambon string) (code string, why data.Sentence) {
	tname, tenglish := tambon, tambon
	if p, ok := imp.Geo.Tambon(tambon); ok {
		tname, tenglish = p.Thai, p.EnglishName()
	}
	whole, wholly, _ := imp.units.OfTambon(tambon)
	switch headerKey(v) {
	case headerKey(unitNone), headerKey(data.WordNoUnit.Thai), headerKey("นอกเขต" + data.WordMunicipality.Thai):
		if wholly {
			return "", data.Sentence{Thai: "ตำบล" + tname + " อยู่ในเขต " + whole.Name + " ทั้งตำบล จึงระบุว่า" + data.WordNoUnit.Thai + "ไม่ได้",
				English: "Tambon " + tenglish + " lies wholly in '" + whole.Name + "', so the household cannot be " + data.WordNoUnit.English}
		}
		return unitNone, data.Sentence{}
	}
	u, ok := imp.units.Find(v)
	if !ok {
		for _, x := range imp.units { // "นครอุดรธานี" for "เทศบาลนครอุดรธานี"
			if headerKey(data.WordMunicipality.Thai+v) == headerKey(x.Name) {
				u, ok = x, true
			}
		}
	}
	if !ok {
		return "", data.Sentence{Thai: "ไม่พบ" + data.WordMunicipality.Thai + " '" + v + "' ในรายการของจังหวัด (เพิ่มได้ที่เมนูไฟล์ หรือด้วยคำสั่ง qmdesk unit add)",
			English: "The " + strings.ToLower(data.WordMunicipality.English) + " '" + v + "' is not in the province's list (add it in the File menu, or with the command qmdesk unit add)"}
	}
	if covered, _ := u.Covers(tambon); !covered {
		return "", data.Sentence{Thai: "ตำบล" + tname + " ไม่อยู่ในเขต " + u.Name, English: "Tambon " + tenglish + " is not within '" + u.Name + "'"}
	}
	return u.Code, data.Sentence{}
}

// noteUnitTitle reads a title row above the header: a municipality's
// workbook (its follow-up workbook, or its own report) names the unit
// there, and then imports like an amphoe's, only its own households.
func (pl *planner) noteUnitTitle(units data.UnitList, cells []string) {
	if pl.unit.Code != "" {
		return
	}
	for _, c := range cells {
		text := headerKey(c)
		if text == "" {
			continue
		}
		for _, u := range units {
			if strings.Contains(text, headerKey(u.Name)) {
				pl.unit = u
				return
			}
		}
	}
}

// outsideUnit is the reason to refuse a row of a municipality's workbook
// whose household (as the row leaves it) is not the unit's; none (the
// zero Sentence) when it is.
func (pl *planner) outsideUnit(ref int, in rowInput) data.Sentence {
	var h data.Household
	if ref >= 0 {
		h = pl.hhAt(ref).Household
		mergeHousehold(&h, in.Household, false)
	} else {
		h = in.Household
	}
	if h.Unit == unitNone {
		h.Unit = ""
	}
	pl.units.SettleUnit(&h)
	if h.Unit == pl.unit.Code {
		return data.Sentence{}
	}
	return data.Sentence{
		Thai: "ไฟล์นี้เป็นของ " + pl.unit.Name + " (ตามชื่อที่หัวตาราง) นำเข้าได้เฉพาะครัวเรือนในเขต " + pl.unit.Name + ": ครัวเรือนในแถวนี้อยู่นอกเขต (หากเป็นครัวเรือนในตำบลที่อยู่ในเขตบางส่วน ให้ระบุชื่อ" + data.WordMunicipality.Thai + "ในคอลัมน์ " + data.WordMunicipality.Thai + ")",
		English: "This file belongs to '" + pl.unit.Name + "' (by the name in its title), so only households within '" + pl.unit.Name + "' can be imported from it: this row's household is outside " +
			"(for a household of a tambon the municipality covers in part, give the municipality's name in the " + data.WordMunicipality.English + " column)"}
}

// FollowUpUnit writes a municipality's follow-up workbook: the open
// problems of its households (those of its wholly covered tambon, and of
// its partly covered ones those that belong to it), like an amphoe's. Its
// title names the unit, so that the workbook imports back as the unit's:
// only rows of its own households.
func (e *Exporter) FollowUpUnit(ctx context.Context, code, path string, unmask bool) (int, error) {
	meta, err := e.Store.Meta(ctx)
	if err != nil {
		return 0, err
	}
	units, err := e.Store.Units(ctx)
	if err != nil {
		return 0, err
	}
	u, ok := units.ByCode(code)
	if !ok {
		return 0, data.Messages(data.ENOTFOUND, "ไม่พบ%sรหัส %s", []any{data.WordMunicipality.Thai, code}, "no municipality %s", code)
	}
	var areas []string
	for _, t := range u.Tambons {
		areas = append(areas, t.Code)
	}
	return e.followUp(ctx, meta, followScope{areas: areas, unit: u.Code, name: u.Name, log: u.Code}, path, unmask)
}
