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

// Text a district wrote that an office suite could take for a formula
// reaches no workbook as one: a phone field holding a formula is refused
// with the reason; a name or a detail holding one is kept as written, and
// every workbook qmdesk writes shows it as a string cell, guarded, in a
// cell formatted as text, and reads it back as written.
func TestFormulasNeverReachAWorkbook(t *testing.T) {
	fx := newFixture(t)
	hyperlink := `=HYPERLINK("http://evil.example/","ดูรายละเอียด")`
	dde := "=cmd|' /C calc'!A0"
	bad := templateRow(1, "41020000011", id(1), "กุดจับ", "กุดจับ", 4, "หนี้สิน", "", "", "")
	bad[12] = hyperlink
	good := templateRow(2, "41020000022", id(2), "กุดจับ", "กุดจับ", 4, "หนี้สิน", "", "", "")
	good[4], good[10], good[12], good[17] = "@SUM(1)", dde, "+66 81 234 5678", "-ไม่มีรายได้ประจำ"
	path := writeBook(t, fx.dir, "kutjap.xlsx", sheet{Name: "ข้อมูล", Header: [][]string{templateHeader}, Rows: [][]any{bad, good}})
	rep := fx.commit(t, path)
	if c := rep.Counts(); c.Rows != 2 || c.Rejected != 1 {
		t.Fatalf("counts %+v", c)
	}
	for r := range rep.Batch.RowResults() {
		if r.Fate == data.FateRejected && (r.Row != 2 || r.Column != "โทรศัพท์" || r.Value != hyperlink || !strings.Contains(r.Reason, "อักขระที่ใช้ไม่ได้")) {
			t.Errorf("rejected: %+v", r)
		}
	}
	if hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41020000011"); len(hs) != 0 {
		t.Errorf("the row with a formula for a phone was taken: %+v", hs)
	}
	hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41020000022")
	if len(hs) != 1 || hs[0].Head.FirstName != dde || hs[0].VillageName != "@SUM(1)" || hs[0].Head.Phone != "+66 81 234 5678" {
		t.Fatalf("household %+v", hs)
	}

	geo, _ := assets.Geography()
	e := &app.Exporter{Store: fx.store, Geo: geo, Progress: &app.Progress{Store: fx.store, Geo: geo, Clock: fixedClock(data.NewDate(2024, 8, 1))}}
	follow := filepath.Join(fx.dir, "followup.xlsx")
	n, err := e.FollowUp(fx.ctx, "4102", follow, false)
	if err != nil || n != 1 {
		t.Fatalf("follow-up: %d rows, %v", n, err)
	}
	clerkSees(t, follow, "ข้อมูล", 4, map[int]string{5: "'@SUM(1)", 11: "'" + dde, 13: "+66 81 234 5678", 18: "'-ไม่มีรายได้ประจำ"})
	// Sent back as it was, it changes nothing: the guard is qmdesk's.
	if c := fx.commit(t, follow).Counts(); c.Unchanged != 1 {
		t.Errorf("follow-up sent back unchanged: %+v", c)
	}
	hs, _ = fx.store.HouseholdsByHouseCode(fx.ctx, "41020000022")
	if hs[0].Head.FirstName != dde {
		t.Errorf("after the round trip the name is %q", hs[0].Head.FirstName)
	}

	full := filepath.Join(fx.dir, "full.xlsx")
	if err := e.Full(fx.ctx, full, true, ""); err != nil {
		t.Fatal(err)
	}
	clerkSees(t, full, "ครัวเรือน", 2, map[int]string{5: "'@SUM(1)", 10: "'" + dde, 12: "+66 81 234 5678"})
	if err := e.Full(fx.ctx, full, false, ""); err != nil {
		t.Fatal(err)
	}
	clerkSees(t, full, "ครัวเรือน", 2, map[int]string{10: "'=*****************"})

	// The rows sent back to the district carry its own cells, guarded too.
	dir := filepath.Join(fx.dir, "back")
	out, err := app.WriteErrorWorkbook(fx.plan(t, path, ""), dir)
	if err != nil || out == "" {
		t.Fatalf("error workbook %q: %v", out, err)
	}
	clerkSees(t, out, "แถวที่ต้องแก้ไข", 3, map[int]string{13: "'" + hyperlink})
}

// clerkSees checks cells of row (1-based columns) as a clerk sees them:
// string cells, never formulas, and a guarded one formatted as text.
func clerkSees(t *testing.T, path, sheet string, row int, want map[int]string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for col, w := range want {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		got, _ := f.GetCellValue(sheet, cell)
		if got != w {
			t.Errorf("%s %s!%s = %q, want %q", filepath.Base(path), sheet, cell, got, w)
		}
		if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
			t.Errorf("%s %s!%s is a formula %q", filepath.Base(path), sheet, cell, formula)
		}
		if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s %s!%s is of type %v", filepath.Base(path), sheet, cell, typ)
		}
		id, _ := f.GetCellStyle(sheet, cell)
		if st, _ := f.GetStyle(id); strings.HasPrefix(w, "'") && st.NumFmt != 49 {
			t.Errorf("%s %s!%s is not formatted as text", filepath.Base(path), sheet, cell)
		}
	}
}
