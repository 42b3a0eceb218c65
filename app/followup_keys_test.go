package app_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/data"
)

// idCol is the national ID's column of the template (1-based).
const idCol = 9

// withoutHouseCodes clears the house code of the first n households of
// amphoe 4101 that have open problems, as for homeless households.
func withoutHouseCodes(t *testing.T, fx *fixture, n int) []data.Household {
	t.Helper()
	hs, err := fx.store.Households(fx.ctx, data.HouseholdFilter{AreaCode: "4101"})
	if err != nil {
		t.Fatal(err)
	}
	var out []data.Household
	for _, h := range hs {
		ps, err := fx.store.ProblemsOf(fx.ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		open := false
		for _, p := range ps {
			open = open || p.Status.Open()
		}
		if !open || h.Head.NationalID == "" {
			continue
		}
		h.HouseCode = ""
		if err := fx.store.UpdateHousehold(fx.ctx, &h); err != nil {
			t.Fatal(err)
		}
		h, _ = fx.store.Household(fx.ctx, h.ID)
		if out = append(out, h); len(out) == n {
			return out
		}
	}
	t.Fatalf("only %d households with open problems", len(out))
	return nil
}

// A follow-up workbook carries no full national ID: masked IDs for
// households with a house code, the qmdesk key for those without; the
// import reads the key back, so the workbook round-trips, and a key this
// database does not have is rejected with the reason.
func TestFollowUpShowsNoFullNationalID(t *testing.T) {
	fx, e := demoFixture(t, 300)
	keyed := withoutHouseCodes(t, fx, 3)
	path := filepath.Join(fx.dir, "followup.xlsx")
	n, err := e.FollowUp(fx.ctx, "4101", path, false)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("ข้อมูล")
	// Not one cell of the workbook holds a full ID, in any grouping.
	hs, _ := fx.store.Households(fx.ctx, data.HouseholdFilter{})
	for _, sheet := range f.GetSheetList() {
		all, _ := f.GetRows(sheet)
		for r, row := range all {
			for c, v := range row {
				digits := strings.NewReplacer("-", "", " ", "").Replace(v)
				for _, h := range hs {
					if h.Head.NationalID != "" && strings.Contains(digits, h.Head.NationalID) {
						t.Errorf("%s row %d column %d: %q holds household %d's ID", sheet, r+1, c+1, v, h.ID)
					}
				}
			}
		}
	}
	if !strings.Contains(rows[1][0], "QM-") {
		t.Errorf("the title does not explain the QM keys: %q", rows[1][0])
	}
	found := map[uint64]int{}
	masked := regexp.MustCompile(`^x-xxxx-xxxxx-\d\d-\d$`)
	for i, row := range rows[3:] {
		id := row[idCol-1]
		if id, ok := data.ParseHouseholdKey(id); ok {
			found[id]++
			continue
		}
		if !masked.MatchString(id) {
			t.Errorf("row %d: ID shown as %q", i+4, id)
		}
	}
	for _, h := range keyed {
		if found[h.ID] == 0 {
			t.Errorf("household %d (no house code) has no row keyed %s", h.ID, data.HouseholdKey(h.ID))
		}
	}
	cell, _ := excelize.CoordinatesToCellName(idCol, 4)
	if typ, _ := f.GetCellType("ข้อมูล", cell); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
		t.Errorf("the ID cell is of type %v, not a string", typ)
	}

	// Left as it is, every row comes back to its household.
	rep := fx.commit(t, path)
	if c := rep.Counts(); c.Rows != n || c.Unchanged != n {
		t.Fatalf("unchanged follow-up: %+v (%v)", c, firstNotUnchanged(rep))
	}
	// The district solves a keyed household's problem; another row names
	// a key this database does not have.
	var keyedRow, strayRow int
	for i, row := range rows[3:] {
		if id, ok := data.ParseHouseholdKey(row[idCol-1]); ok && id == keyed[0].ID && keyedRow == 0 {
			keyedRow = i + 4
		} else if !ok && strayRow == 0 {
			strayRow = i + 4
		}
	}
	status, _ := excelize.CoordinatesToCellName(20, keyedRow)
	f.SetCellValue("ข้อมูล", status, "แก้ไขแล้ว")
	stray, _ := excelize.CoordinatesToCellName(idCol, strayRow)
	f.SetCellValue("ข้อมูล", stray, "QM-999999")
	edited := filepath.Join(fx.dir, "followup-back.xlsx")
	if err := f.SaveAs(edited); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rep = fx.commit(t, edited)
	if c := rep.Counts(); c.Updated != 1 || c.Rejected != 1 || c.Unchanged != n-2 {
		t.Fatalf("edited follow-up: %+v", c)
	}
	for r := range rep.Batch.RowResults() {
		if r.Fate == data.FateRejected && (r.Row != strayRow || r.Value != "QM-999999" || !strings.Contains(r.Reason, "ไม่พบครัวเรือน QM-999999")) {
			t.Errorf("rejected: %+v", r)
		}
	}
	ps, _ := fx.store.ProblemsOf(fx.ctx, keyed[0].ID)
	solved := 0
	for _, p := range ps {
		if p.Status == data.Solved {
			solved++
		}
	}
	if solved == 0 {
		t.Error("the keyed household's problem was not solved")
	}
}

// A workbook made before households without a house code got a key (or
// one unmasked on purpose) names them by their full ID: it still imports
// onto the same households.
func TestFollowUpWithFullIDsStillImports(t *testing.T) {
	fx, e := demoFixture(t, 200)
	keyed := withoutHouseCodes(t, fx, 2)
	path := filepath.Join(fx.dir, "followup-unmasked.xlsx")
	n, err := e.FollowUp(fx.ctx, "4101", path, true)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := excelize.OpenFile(path)
	rows, _ := f.GetRows("ข้อมูล")
	f.Close()
	ids := map[string]bool{}
	for _, row := range rows[3:] {
		ids[row[idCol-1]] = true
	}
	for _, h := range keyed {
		if !ids[h.Head.NationalID] {
			t.Errorf("unmasked: household %d's ID is not in the workbook", h.ID)
		}
	}
	rep := fx.commit(t, path)
	if c := rep.Counts(); c.Rows != n || c.Unchanged != n {
		t.Fatalf("unmasked follow-up: %+v (%v)", c, firstNotUnchanged(rep))
	}
}
