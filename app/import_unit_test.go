package app_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
)

// A district workbook's municipality column places households in a
// partly covered tambon; a follow-up workbook carries the unit back, and
// re-importing it unchanged changes nothing; the unit's counters follow.
func TestImportReadsTheMunicipalityColumn(t *testing.T) {
	fx := newFixture(t)
	units := data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}, {Code: "410102"}}}}
	if err := fx.store.SetUnits(fx.ctx, units); err != nil {
		t.Fatal(err)
	}
	units, _ = fx.store.Units(fx.ctx)
	row := func(seq int, code, nid, tambon, unit string) []any {
		return append(templateRow(seq, code, nid, tambon, "เมืองอุดรธานี", 4, "หนี้สิน", "", "", ""), unit)
	}
	path := writeBook(t, fx.dir, "เทศบาล.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		row(1, "41010000071", id(71), "นิคมสงเคราะห์", "นครอุดรธานี"),    // partly covered: the row's choice
		row(2, "41010000072", id(72), "นิคมสงเคราะห์", ""),               // partly covered, no choice: none
		row(3, "41010000073", id(73), "หมากแข้ง", ""),                    // wholly covered: the unit without saying
		row(4, "41010000074", id(74), "บ้านเลื่อม", "เทศบาลนครอุดรธานี"), // not covered: refused
	}})
	rep := fx.commit(t, path)
	if c := rep.Counts(); c.Rejected != 1 {
		t.Fatalf("rejected %d rows, want the one outside the unit", c.Rejected)
	}
	want := map[string]string{"41010000071": units[0].Code, "41010000072": "", "41010000073": units[0].Code}
	for code, unit := range want {
		hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, code)
		if len(hs) != 1 || hs[0].Unit != unit {
			t.Errorf("household %s: %+v, want unit %q", code, hs, unit)
		}
	}
	rc, _ := fx.store.UnitCounts(fx.ctx, 1, data.NewDate(2024, 8, 1))
	var n int64
	for _, c := range rc.Status {
		n += c.N
	}
	if n != 2 {
		t.Errorf("the unit counts %d problems, want 2", n)
	}
}

// A municipality's follow-up workbook holds its households only, comes
// back unchanged without changing anything, and refuses, naming the row,
// a row of a household outside the unit.
func TestMunicipalityWorkbookTouchesOnlyItsHouseholds(t *testing.T) {
	fx := newFixture(t)
	units := data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}, {Code: "410102"}}}}
	if err := fx.store.SetUnits(fx.ctx, units); err != nil {
		t.Fatal(err)
	}
	seed := writeBook(t, fx.dir, "อำเภอ.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000081", id(81), "หมากแข้ง", "เมืองอุดรธานี", 4, "หนี้สิน", "", "", ""),
		templateRow(2, "41010000082", id(82), "นิคมสงเคราะห์", "เมืองอุดรธานี", 4, "หนี้สิน", "", "", ""),
		templateRow(3, "41010000083", id(83), "บ้านเลื่อม", "เมืองอุดรธานี", 4, "หนี้สิน", "", "", ""),
	}})
	fx.commit(t, seed)
	units, _ = fx.store.Units(fx.ctx)
	geo, _ := assets.Geography()
	e := &app.Exporter{Store: fx.store, Geo: geo, Progress: &app.Progress{Store: fx.store, Geo: geo, Clock: fixedClock(data.NewDate(2024, 8, 1))}}
	path := filepath.Join(fx.dir, "ติดตาม-เทศบาล.xlsx")
	n, err := e.FollowUpUnit(fx.ctx, units[0].Code, path, false)
	if err != nil || n != 1 {
		t.Fatalf("the unit's follow-up: %d rows (want the one household of its wholly covered tambon), %v", n, err)
	}
	if rep := fx.commit(t, path); rep.Counts().Unchanged != 1 || rep.Counts().Rejected != 0 {
		t.Errorf("unchanged re-import: %+v", rep.Counts())
	}
	// The district adds two rows: one of its own, one outside.
	f, _ := excelize.OpenFile(path)
	rows, _ := f.GetRows("ข้อมูล")
	next := len(rows) + 1
	for i, r := range [][]any{
		templateRow(2, "41010000084", id(84), "หมากแข้ง", "เมืองอุดรธานี", 4, "หนี้สิน", "", "", ""),
		templateRow(3, "41010000083", id(83), "บ้านเลื่อม", "เมืองอุดรธานี", 1, "ไม่มีห้องส้วมถูกสุขลักษณะ", "", "", ""),
	} {
		cell, _ := excelize.CoordinatesToCellName(1, next+i)
		f.SetSheetRow("ข้อมูล", cell, &r)
	}
	f.Save()
	f.Close()
	rep := fx.plan(t, path, "")
	if c := rep.Counts(); c.Rejected != 1 || c.NewHouseholds != 1 {
		t.Fatalf("counts %+v", c)
	}
	var found bool
	for r := range rep.Batch.RowResults() {
		if r.Fate == data.FateRejected {
			if r.Row == next+1 && r.Value == "บ้านเลื่อม" && strings.Contains(r.Reason, "นอกเขต") && strings.Contains(r.Reason, "เทศบาลนครอุดรธานี") {
				found = true
			} else {
				t.Errorf("rejected: %+v", r)
			}
		}
	}
	if !found {
		t.Error("the row outside the unit is not refused with its reason")
	}
}
