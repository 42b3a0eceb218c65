package app

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// addThaiQMColumn adds the optional บันทึกใน ThaiQM แล้ว column after the
// template's columns: left blank for the district to write the day it
// keyed the row's result into ThaiQM (a date in any form the workbook's
// other date columns take). It is never pre-filled: a date the province
// exported would come back after a later change and mark it again.
func addThaiQMColumn(t *xlsx.Table) {
	n := len(t.Header)
	grow := func(b []bool, v bool) []bool {
		if len(b) == 0 {
			return b
		}
		return append(append(append([]bool{}, b...), make([]bool, max(0, n-len(b)))...), v)
	}
	t.Header = append(append([]string{}, t.Header...), data.HeaderThaiQM.Thai)
	if len(t.Widths) > 0 {
		t.Widths = append(append(append([]float64{}, t.Widths...), make([]float64, max(0, n-len(t.Widths)))...), 18)
	}
	t.Text = grow(t.Text, true)
	t.Locked = grow(t.Locked, false)
}

// SummarySheetThaiQM is the summary workbook's sheet of what is keyed into
// ThaiQM: a row per amphoe and category (ทุกด้าน first), then the
// province's rows.
const SummarySheetThaiQM = "ThaiQM"

// thaiQMSheet is the summary workbook's ThaiQM sheet, from the same
// summary as its other sheets.
func (e *Exporter) thaiQMSheet(s Summary) xlsx.Table {
	var lines []areaCategoryLine
	for _, a := range s.ThaiQM.Parts {
		lines = appendArea(lines, a.Name, a.Totals, a.Categories)
	}
	lines = appendArea(lines, "รวมทั้งจังหวัด", s.ThaiQM.Totals, s.ThaiQM.Categories)
	for _, u := range s.ThaiQM.Units { // under the total: their households count in their amphoe too
		lines = appendArea(lines, u.Name, u.Totals, u.Categories)
	}
	return e.areaCategorySheet(SummarySheetThaiQM, data.ThaiQMHeads(), 18, lines,
		fmt.Sprintf("การบันทึกผลในระบบ ThaiQM จังหวัด%s รอบ %s", s.ProvinceName, s.Round.Name),
		fmt.Sprintf("ข้อมูล ณ %s · นับเป็น%s · ผลที่แก้ไขหรือมีการช่วยเหลือเพิ่มหลังบันทึก นับเป็น \"%s\" อีกครั้ง", data.FormatBELong(s.AsOf), data.UnitProblems.Thai, data.WordThaiQMNotKeyed.Thai))
}

// ThaiQMWorkbook writes the workbook of the results not yet keyed into
// ThaiQM, a sheet per amphoe (area: one amphoe or tambon; "" every amphoe
// with something to key), for each district to key in: the household,
// the problem with its status (and the reason of a closed one) and
// Re-X-Ray result, the actions not yet keyed, and an empty บันทึกใน
// ThaiQM แล้ว column. Its headers are the
// template's, so the sheet comes back through the import: a day written
// in that column marks the row's result keyed. National IDs are masked
// (a household without a house code shows its qmdesk key) unless unmask.
// It returns the number of rows.
func (e *Exporter) ThaiQMWorkbook(ctx context.Context, path, area string, unmask bool) (int, error) {
	if unmask {
		if err := MayUnmask(ctx, e.Store, "export", 0, "thaiqm "+area+" with national IDs: "+filepath.Base(path)); err != nil {
			return 0, err
		}
	}
	meta, err := e.Store.Meta(ctx)
	if err != nil {
		return 0, err
	}
	prov, _ := e.Geo.Province(meta.Province)
	// A municipality's (area its code) are found among the province's.
	unit := ""
	if data.IsUnitCode(area) {
		unit, area = area, ""
	}
	units, err := e.Store.Units(ctx)
	if err != nil {
		return 0, err
	}
	problems, err := ThaiQMToKey(ctx, e.Store, area, data.Date{})
	if err != nil {
		return 0, err
	}
	households, err := e.Store.Households(ctx, data.HouseholdFilter{AreaCode: area})
	if err != nil {
		return 0, err
	}
	byID := make(map[uint64]*data.Household, len(households))
	for i := range households {
		byID[households[i].ID] = &households[i]
	}
	type line struct {
		h       *data.Household
		p       data.Problem
		actions string
	}
	byAmphoe, byUnit := map[string][]line{}, map[string][]line{}
	listed := 0
	for _, p := range problems {
		h := byID[p.HouseholdID]
		if h == nil {
			continue
		}
		acts, err := e.Store.Actions(ctx, p.ID)
		if err != nil {
			return 0, err
		}
		var todo []string
		for _, a := range acts {
			if a.ThaiQMOn.IsZero() {
				s := data.FormatBE(a.Date)
				for _, part := range []string{a.Agency, a.What} {
					if part != "" {
						s += " · " + part
					}
				}
				if a.Budget > 0 {
					s += " · " + data.FormatBaht(a.Budget) + " บาท"
				}
				todo = append(todo, s)
			}
		}
		l := line{h, p, strings.Join(todo, "\n")}
		if unit == "" || h.Unit == unit {
			listed++ // each problem once, on however many sheets
		}
		if unit == "" {
			byAmphoe[h.AmphoeCode()] = append(byAmphoe[h.AmphoeCode()], l)
		}
		if h.Unit != "" && (unit == "" && area == "" || h.Unit == unit) {
			byUnit[h.Unit] = append(byUnit[h.Unit], l)
		}
	}
	// The follow-up's columns a district recognises, then the actions to
	// key and the column to fill.
	cols := []field{fSeq, fHouseCode, fHouseNo, fVillageNo, fTambon, fAmphoe, fProvince, fNationalID, fTitle, fFirstName, fLastName, fOrigin, fCategory, fSubProblem, fReXRay, fStatus, fNote}
	header := make([]string, 0, len(cols)+3)
	for _, f := range cols {
		header = append(header, fieldNames[f])
	}
	header = append(header, data.WordResolvedOn.Thai, "การช่วยเหลือที่ยังไม่ได้บันทึก", data.HeaderThaiQM.Thai)
	widths := []float64{6, 14, 10, 7, 16, 16, 12, 18, 9, 14, 14, 10, 22, 30, 18, 18, 20, 14, 48, 16}
	text := make([]bool, len(header))
	for i, f := range cols {
		text[i] = f == fHouseCode || f == fNationalID || f == fHouseNo
	}
	text[len(text)-1] = true
	// One sheet per amphoe, then one per municipality: the unit that keys
	// its results finds them on a sheet of its own (a municipality's
	// households are on their amphoe's sheet too: each is keyed once).
	type group struct {
		sheet, scope, note string
		lines              []line
	}
	var groups []group
	for _, a := range e.Geo.AmphoesOf(meta.Province) {
		groups = append(groups, group{a.Thai, "อำเภอ" + a.Thai, "", byAmphoe[a.Code]})
	}
	for _, u := range units {
		groups = append(groups, group{u.Name, u.Name, " · ครัวเรือนในเขต" + data.WordMunicipality.Thai + "อยู่ในแผ่นงานของอำเภอด้วย บันทึกเพียงครั้งเดียว", byUnit[u.Code]})
	}
	var tables []xlsx.Table
	rows := 0
	for _, g := range groups {
		lines := g.lines
		if len(lines) == 0 {
			continue
		}
		rows += len(lines)
		tables = append(tables, xlsx.Table{
			Sheet: g.sheet, Header: header, Widths: widths, Text: text, RowCount: len(lines),
			Titles: e.titles(fmt.Sprintf("%s %s จังหวัด%s %s ปัญหา · ข้อมูล ณ %s", data.WordThaiQMNotKeyed.Thai, g.scope, prov.Thai, data.FormatNumber(int64(len(lines))), data.FormatBE(e.Progress.Today())),
				"เมื่อบันทึกแต่ละแถวลงระบบ ThaiQM แล้ว ใส่วันที่ในคอลัมน์ "+data.HeaderThaiQM.Thai+" (พ.ศ.) แล้วส่งไฟล์กลับจังหวัด: นำเข้าแล้วจะนับเป็นบันทึกแล้ว"+g.note),
			Row: func(i int) ([]any, []bool) {
				l := lines[i]
				h, p := l.h, l.p
				tb, _ := e.Geo.Tambon(h.TambonCode)
				a, _ := e.Geo.Amphoe(h.AmphoeCode())
				id, origin, village := rowKey(h, unmask), rowOrigin(h, &p), villageCell(h)
				resolved := ""
				if !p.ResolvedOn.IsZero() {
					resolved = data.FormatBE(p.ResolvedOn)
				}
				return []any{i + 1, h.HouseCode, h.HouseNo, village, tb.Thai, a.Thai, prov.Thai, id, h.Head.Title, h.Head.FirstName, h.Head.LastName, origin,
					p.Category.ShortLabel(), p.SubProblem, p.ReXRay.Thai(), p.Status.Thai(), p.CloseReason, resolved, l.actions, nil}, nil
			},
		})
	}
	if len(tables) == 0 {
		return 0, data.Messages(data.ENOTFOUND, "ไม่มีผลที่%sในพื้นที่นี้", []any{data.WordThaiQMNotKeyed.Thai}, "nothing left to key into ThaiQM in %q", area)
	}
	if err := xlsx.Write(path, tables, ""); err != nil {
		return 0, err
	}
	note := fmt.Sprintf("thaiqm %s: %d problems in %d rows → %s", cmp.Or(unit, area), listed, rows, filepath.Base(path))
	if unmask {
		note += " (national IDs unmasked)"
	}
	return listed, e.Store.Log(ctx, "export", "thaiqm", 0, note)
}
