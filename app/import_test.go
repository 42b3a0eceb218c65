package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

// sheet is a workbook to write: title rows, header rows, data rows.
type sheet struct {
	Name   string
	Titles []string
	Header [][]string
	Rows   [][]any
	Merge  [][2]string // ranges to merge
}

// writeBook writes sheets to a real .xlsx file and returns its path.
func writeBook(t testing.TB, dir, name string, sheets ...sheet) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			f.SetSheetName("Sheet1", s.Name)
		} else {
			f.NewSheet(s.Name)
		}
		r := 1
		for _, title := range s.Titles {
			f.SetCellValue(s.Name, fmt.Sprintf("A%d", r), title)
			r++
		}
		for _, h := range s.Header {
			for c, v := range h {
				cell, _ := excelize.CoordinatesToCellName(c+1, r)
				f.SetCellValue(s.Name, cell, v)
			}
			r++
		}
		for _, row := range s.Rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r)
				f.SetCellValue(s.Name, cell, v)
			}
			r++
		}
		for _, m := range s.Merge {
			f.MergeCell(s.Name, m[0], m[1])
		}
	}
	path := filepath.Join(dir, name)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

var templateHeader = func() []string {
	var h []string
	for _, c := range app.TemplateHeaders {
		h = append(h, c.Header)
	}
	return h
}()

// templateRow fills the 25 template columns.
func templateRow(seq int, houseCode, nid, tambon, amphoe string, cat any, sub, status, date, note string) []any {
	return []any{seq, houseCode, "12/3", "ม.5", "บ้านโนนสว่าง", tambon, amphoe, "อุดรธานี", nid, "นาย", "สมชาย", "ใจดี", "0812345678", 4, "เดิม",
		cat, sub, "", "ยังไม่ได้แก้ไข", status, date, "", "", "", note}
}

type fixture struct {
	store *bolt.Store
	imp   *app.Importer
	dir   string
	ctx   context.Context
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	s, _ := openStore(t, data.NewDate(2024, 8, 1))
	geo, _ := assets.Geography()
	return &fixture{store: s, dir: t.TempDir(), ctx: data.WithOperator(context.Background(), "clerk"),
		imp: &app.Importer{Store: s, Geo: geo, Clock: fixedClock(data.NewDate(2024, 8, 1))}}
}

func (fx *fixture) plan(t *testing.T, path, password string) *app.FileReport {
	t.Helper()
	rep, err := fx.imp.Plan(fx.ctx, path, password)
	if err != nil {
		t.Fatal(err)
	}
	app.CheckReasonsInEnglish(t, rep.Batch)
	return rep
}

func (fx *fixture) commit(t *testing.T, path string) *app.FileReport {
	t.Helper()
	rep := fx.plan(t, path, "")
	if rep.Refused != "" {
		t.Fatalf("refused: %s", rep.Refused)
	}
	if _, err := fx.imp.Commit(fx.ctx, rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestImportTemplateThenReimportChangesNothing(t *testing.T) {
	fx := newFixture(t)
	path := writeBook(t, fx.dir, "kutjap.xlsx", sheet{
		Name:   "ข้อมูล",
		Titles: []string{"แบบรายงานผลการแก้ไขปัญหาครัวเรือน อำเภอกุดจับ จังหวัดอุดรธานี", "ข้อมูล ณ วันที่ 1 ส.ค. 2567"},
		Header: [][]string{templateHeader},
		Rows: [][]any{
			templateRow(1, "41020000011", id(1), "ต.กุดจับ", "อ.กุดจับ", 4, "หนี้สิน", "", "", ""),
			templateRow(2, "41020000011", id(1), "กุดจับ", "กุดจับ", "ด้านที่ 2", "ขาดแคลนน้ำดื่ม", "อยู่ระหว่างดำเนินการ", "15/07/2567", ""),
			templateRow(3, "41020000022", id(2), "กุดจับ", "กุดจับ", "1", "ไม่มีที่อยู่อาศัย", "", "", ""),
			{nil},
			{"รวม", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, 3},
		},
		Merge: [][2]string{{"A1", "Y1"}},
	})
	rep := fx.commit(t, path)
	want := data.Counts{Rows: 3, NewHouseholds: 2, NewProblems: 1}
	if c := rep.Counts(); c != want {
		t.Fatalf("first import %+v, want %+v", c, want)
	}
	// The empty row is not in the file at all; the subtotal row is skipped.
	if rep.Sheet != "ข้อมูล" || rep.Skipped != 1 {
		t.Errorf("sheet %q, skipped %d", rep.Sheet, rep.Skipped)
	}
	hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41020000011")
	if len(hs) != 1 || hs[0].TambonCode != "410201" || hs[0].Head.FullName() != "นายสมชาย ใจดี" || hs[0].VillageNo != 5 {
		t.Fatalf("household: %+v", hs)
	}
	ps, _ := fx.store.ProblemsOf(fx.ctx, hs[0].ID)
	if len(ps) != 2 || !ps[1].Urgent || ps[1].Status != data.InProgress {
		t.Fatalf("problems: %+v", ps)
	}
	// The same file again: nothing changes, and the clerk hears it was seen.
	again := fx.commit(t, path)
	if c := again.Counts(); c != (data.Counts{Rows: 3, Unchanged: 3}) {
		t.Fatalf("second import %+v", c)
	}
	if len(again.Earlier) != 1 {
		t.Errorf("earlier imports of the same file: %d", len(again.Earlier))
	}
}

func TestImportAbsorbsDrift(t *testing.T) {
	fx := newFixture(t)
	// Columns in another order, header variants with line breaks and
	// blanks, an unknown column, a header over two rows, IDs as numbers,
	// Thai digits, dates as serial numbers and with BE typed in.
	header1 := []string{"ที่", "ข้อมูลครัวเรือน", "", "", "", "ที่อยู่", "", "สภาพปัญหา", "", "", "การช่วยเหลือ", "", "", "", "ผู้บันทึก"}
	header2 := []string{"", "เลขบัตรประจำตัวประชาชน\n13 หลัก", "รหัสประจำบ้าน", "ชื่อ-สกุล", "ที่มา", " ตำบล ", "อำเภอ/เขต", "ด้านปัญหา", "ปัญหา", "สถานะการแก้ไข", "วันที่ดำเนินการ", "หน่วยงานที่ช่วยเหลือ", "วิธีการแก้ไข", "งบประมาณ", "ผู้บันทึก"}
	serial := float64(data.NewDate(1899, 12, 30).DaysUntil(data.NewDate(2024, 7, 15)))
	beSerial := float64(data.NewDate(1899, 12, 30).DaysUntil(data.NewDate(2567, 7, 16)))
	nid := id(7)
	rows := [][]any{
		{1, 1.0 * mustFloat(nid), 41010000077.0, "นางสาวมาลี ศรีสุข", "ตกหล่น", "หมากแข้ง", "เมือง", "๔", "ไม่มีอาชีพ/ว่างงาน", "แก้ไขแล้ว", serial, "พัฒนาชุมชนอำเภอ", "ฝึกอาชีพ", "๑๒,๕๐๐", "สมศรี"},
		{2, data.ASCIIToThaiDigits(nid), "4101-0000077", "นางสาวมาลี ศรีสุข", "ตกหล่น", "ต.หมากแข้ง", "อ.เมืองอุดรธานี", "3", "ขาดทุนการศึกษา", "อยู่ระหว่างดำเนินการ", beSerial, "อบต.", "มอบทุน", "", "สมศรี"},
		{3, nid, "41010000077", "", "", "หมากแข้ง", "เมือง", "รายได้/อาชีพ", "หนี้สิน", "", "๒๐ ก.ค. ๖๗", "ธ.ก.ส.", "พักหนี้", "-", ""},
	}
	path := writeBook(t, fx.dir, "drift.xlsx", sheet{Name: "Sheet1", Titles: []string{"รายงาน"}, Header: [][]string{header1, header2}, Rows: rows})
	rep := fx.commit(t, path)
	if c := rep.Counts(); c != (data.Counts{Rows: 3, NewHouseholds: 1, NewProblems: 2}) {
		t.Fatalf("counts %+v rows %+v", c, slices.Collect(rep.Batch.RowResults()))
	}
	if len(rep.Unknown) == 0 || !strings.Contains(strings.Join(rep.Unknown, ","), "ผู้บันทึก") {
		t.Errorf("unknown columns not listed: %v", rep.Unknown)
	}
	hs, _ := fx.store.HouseholdsByNationalID(fx.ctx, nid)
	if len(hs) != 1 || hs[0].HouseCode != "41010000077" || hs[0].Origin != data.OriginMissed || hs[0].Head.Title != "นางสาว" || hs[0].Head.LastName != "ศรีสุข" {
		t.Fatalf("household %+v", hs)
	}
	ps, _ := fx.store.ProblemsOf(fx.ctx, hs[0].ID)
	if len(ps) != 3 {
		t.Fatalf("%d problems", len(ps))
	}
	acts, _ := fx.store.Actions(fx.ctx, ps[0].ID)
	if len(acts) != 1 || acts[0].Date != data.NewDate(2024, 7, 15) || acts[0].Budget != 1250000 || acts[0].Result != data.Solved {
		t.Errorf("first action %+v", acts)
	}
	acts, _ = fx.store.Actions(fx.ctx, ps[1].ID)
	if len(acts) != 1 || acts[0].Date != data.NewDate(2024, 7, 16) {
		t.Errorf("BE typed into a date cell: %+v", acts)
	}
	acts, _ = fx.store.Actions(fx.ctx, ps[2].ID)
	if len(acts) != 1 || acts[0].Date != data.NewDate(2024, 7, 20) {
		t.Errorf("Thai text date: %+v", acts)
	}
}

func mustFloat(s string) float64 {
	var f float64
	fmt.Sscan(s, &f)
	return f
}

func TestImportRejectsWithReasons(t *testing.T) {
	fx := newFixture(t)
	path := writeBook(t, fx.dir, "bad.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000011", id(11), "หมากแข้ง", "เมืองอุดร", 4, "หนี้สิน", "", "", ""),
		templateRow(2, "41010000012", id(12), "ไม่มีตำบลนี้", "เมือง", 4, "หนี้สิน", "", "", ""),
		templateRow(3, "41010000013", id(13), "หมากแข้ง", "เมือง", 9, "หนี้สิน", "", "", ""),
		templateRow(4, "41010000014", id(14), "หมากแข้ง", "เมือง", 5, "ยาเสพติด", "ยุติ", "", ""),
		templateRow(5, "4.10100E+10", id(15), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
		templateRow(6, "41010000016", "12345", "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
		templateRow(7, "41010000017", id(17), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "31/02/2567", ""),
		templateRow(8, "41010000018", id(18), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
	}})
	rep := fx.plan(t, path, "")
	c := rep.Counts()
	if c.Rows != 8 || c.Rejected != 7 || c.NewHouseholds != 1 {
		t.Fatalf("counts %+v: %+v", c, slices.Collect(rep.Batch.RowResults()))
	}
	reasons := map[int]data.RowResult{}
	for r := range rep.Batch.RowResults() {
		reasons[r.Row] = r
	}
	for row, want := range map[int]string{
		2: "ไม่พบอำเภอ 'เมืองอุดร' ในจังหวัดอุดรธานี",
		3: "ไม่พบตำบล 'ไม่มีตำบลนี้'",
		4: "ต้องเป็นเลข 1–7",
		5: "ต้องระบุเหตุผล",
		6: "ตัวเลขหายไปแล้ว",
		7: "เลขประจำตัวประชาชน '12345'",
		8: "ไม่มีวันที่ 31 ก.พ. 2567 (เดือนกุมภาพันธ์ 2567 มี 29 วัน)",
	} {
		r := reasons[row]
		if r.Fate != data.FateRejected || !strings.Contains(r.Reason, want) || r.Sheet != "S" || r.Column == "" {
			t.Errorf("row %d: %+v, want reason containing %q", row, r, want)
		}
	}
	if reasons[2].Column != "อำเภอ" || reasons[2].Value != "เมืองอุดร" {
		t.Errorf("row 2 names its cell: %+v", reasons[2])
	}
}

func TestImportSendsAmbiguousRowsToReview(t *testing.T) {
	fx := newFixture(t)
	first := writeBook(t, fx.dir, "a.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000021", id(21), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
		templateRow(2, "41010000022", id(22), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
	}})
	fx.commit(t, first)
	bad := id(23)
	bad = bad[:12] + string(rune('0'+(bad[12]-'0'+1)%10))
	second := writeBook(t, fx.dir, "b.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		// House code of household 21 with the ID of household 22.
		templateRow(1, "41010000021", id(22), "หมากแข้ง", "เมือง", 2, "ขาดแคลนน้ำใช้", "", "", ""),
		// A new household whose ID fails the check digit.
		templateRow(2, "41010000023", bad, "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
	}})
	rep := fx.commit(t, second)
	if c := rep.Counts(); c.Review != 2 || c.Rows != 2 {
		t.Fatalf("counts %+v", c)
	}
	reviews, _ := fx.store.Reviews(fx.ctx, true)
	if len(reviews) != 2 || len(reviews[0].Candidates) != 2 || reviews[0].ImportID != rep.ImportID {
		t.Fatalf("reviews %+v", reviews)
	}
	// Neither row created or merged anything.
	if hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41010000023"); len(hs) != 0 {
		t.Fatal("a review row created a household")
	}
	// The clerk confirms the odd ID: the household is created, with the override.
	if err := fx.imp.Decide(fx.ctx, reviews[1].ID, "new", 0); err != nil {
		t.Fatal(err)
	}
	hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41010000023")
	if len(hs) != 1 || !hs[0].IDCheckOverride {
		t.Fatalf("accepted review: %+v", hs)
	}
	// ... and merges the first into household 21.
	h21, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41010000021")
	if err := fx.imp.Decide(fx.ctx, reviews[0].ID, "merge", h21[0].ID); err != nil {
		t.Fatal(err)
	}
	if ps, _ := fx.store.ProblemsOf(fx.ctx, h21[0].ID); len(ps) != 2 {
		t.Fatalf("merged review: %d problems", len(ps))
	}
	if left, _ := fx.store.Reviews(fx.ctx, true); len(left) != 0 {
		t.Fatalf("still pending: %+v", left)
	}
}

// ledgerEntry is the import ledger's entry of import id (the row fates
// it keeps are read back in data/bolt's tests).
func ledgerEntry(t *testing.T, fx *fixture, id uint64) data.ImportRecord {
	t.Helper()
	recs, err := fx.store.Imports(fx.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("import %d is not in the ledger", id)
	return data.ImportRecord{}
}

func TestDryRunEqualsCommitAndUndoRestores(t *testing.T) {
	fx := newFixture(t)
	base := writeBook(t, fx.dir, "base.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000031", id(31), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
	}})
	fx.commit(t, base)
	before, _ := fx.store.Check(fx.ctx)
	sumBefore := summaryOf(t, fx)
	update := writeBook(t, fx.dir, "update.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000031", id(31), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "แก้ไขแล้ว", "", ""),
		templateRow(2, "41010000032", id(32), "หมากแข้ง", "เมือง", 1, "ไม่มีที่อยู่อาศัย", "", "", ""),
		templateRow(3, "41010000031", id(31), "หมากแข้ง", "เมือง", 2, "ขาดแคลนน้ำดื่ม", "", "", ""),
	}})
	dry := fx.plan(t, update, "")
	rep := fx.commit(t, update)
	if dry.Counts() != rep.Counts() || rep.Counts() != (data.Counts{Rows: 3, Updated: 1, NewHouseholds: 1, NewProblems: 1}) {
		t.Fatalf("dry run %+v, commit %+v", dry.Counts(), rep.Counts())
	}
	after, _ := fx.store.Check(fx.ctx)
	if after.Households != before.Households+1 || after.ProblemCount != before.ProblemCount+2 {
		t.Fatalf("commit did not do what the dry run said: %+v → %+v", before, after)
	}
	if rec := ledgerEntry(t, fx, rep.ImportID); rec.Counts != rep.Counts() {
		t.Fatalf("the ledger counts %+v, the commit %+v", rec.Counts, rep.Counts())
	}
	if err := fx.store.UndoImport(fx.ctx, rep.ImportID); err != nil {
		t.Fatal(err)
	}
	undone, _ := fx.store.Check(fx.ctx)
	if undone.Households != before.Households || undone.ProblemCount != before.ProblemCount || !undone.OK() {
		t.Fatalf("after undo %+v, before %+v", undone, before)
	}
	if got := summaryOf(t, fx); got != sumBefore {
		t.Fatalf("progress after undo %+v, before %+v", got, sumBefore)
	}
	if err := fx.store.UndoImport(fx.ctx, rep.ImportID); data.ErrorCode(err) != data.ECONFLICT {
		t.Fatalf("second undo: %v", err)
	}
}

func TestUndoRefusedAfterLaterChange(t *testing.T) {
	fx := newFixture(t)
	path := writeBook(t, fx.dir, "x.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000041", id(41), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
	}})
	rep := fx.commit(t, path)
	hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41010000041")
	ps, _ := fx.store.ProblemsOf(fx.ctx, hs[0].ID)
	ps[0].Status = data.InProgress
	time.Sleep(time.Millisecond)
	if err := fx.store.UpdateProblem(fx.ctx, &ps[0]); err != nil {
		t.Fatal(err)
	}
	err := fx.store.UndoImport(fx.ctx, rep.ImportID)
	if data.ErrorCode(err) != data.ECONFLICT || !strings.Contains(data.ErrorMessage(err), "ถูกแก้ไขภายหลัง") {
		t.Fatalf("undo after a later change: %v", err)
	}
	if got, _ := fx.store.ProblemsOf(fx.ctx, hs[0].ID); len(got) != 1 {
		t.Fatal("a refused undo changed something")
	}
}

func summaryOf(t *testing.T, fx *fixture) app.Tally {
	geo, _ := assets.Geography()
	p := &app.Progress{Store: fx.store, Geo: geo, Clock: fixedClock(data.NewDate(2024, 8, 1))}
	s, err := p.Summarize(fx.ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	return s.Area.Totals
}

func TestImportRefusesWholeFiles(t *testing.T) {
	fx := newFixture(t)
	good := writeBook(t, fx.dir, "good.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000051", id(51), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
	}})
	// Password-protected copy.
	f, _ := excelize.OpenFile(good)
	locked := filepath.Join(fx.dir, "locked.xlsx")
	if err := f.SaveAs(locked, excelize.Options{Password: "udon41"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	text := filepath.Join(fx.dir, "notes.xlsx")
	os.WriteFile(text, []byte("ลำดับ,รหัสบ้าน\n1,2\n"), 0o600)
	noHeader := writeBook(t, fx.dir, "noheader.xlsx", sheet{Name: "S", Rows: [][]any{{"สวัสดี", 1, 2}, {"x", "y"}}})
	whole, _ := os.ReadFile(noHeader)
	cut := filepath.Join(fx.dir, "cut.xlsx") // a download cut short
	os.WriteFile(cut, whole[:len(whole)/2], 0o600)
	other := writeBook(t, fx.dir, "khonkaen.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		{1, "40010000011", "", "", "", "ในเมือง", "เมืองขอนแก่น", "จ.ขอนแก่น", id(52), "", "", "", "", "", "", 4, "หนี้สิน"},
	}})
	for _, tc := range []struct {
		path, password, want string
	}{
		{locked, "", "มีรหัสผ่าน"},
		{locked, "wrong", "รหัสผ่านของไฟล์ไม่ถูกต้อง"},
		{text, "", "ไม่ใช่ไฟล์ Excel"},
		{cut, "", "เสียหายหรือไม่ครบ"},
		{noHeader, "", "ไม่พบแถวหัวตาราง"},
		{other, "", "ข้อมูลของจังหวัดขอนแก่น ไม่ใช่"},
		{filepath.Join(fx.dir, "missing.xlsx"), "", "เปิดไฟล์"},
	} {
		rep := fx.plan(t, tc.path, tc.password)
		if !strings.Contains(rep.Refused, tc.want) || rep.Batch != nil {
			t.Errorf("%s: refused %q, want %q", filepath.Base(tc.path), rep.Refused, tc.want)
		}
	}
	if rep := fx.plan(t, locked, "udon41"); rep.Refused != "" || rep.Counts().NewHouseholds != 1 {
		t.Errorf("with the password: %+v", rep)
	}
}

// TestImportMergedHouseholdCells reads a household whose cells are merged
// down over its three problem rows, as districts often format them.
func TestImportMergedHouseholdCells(t *testing.T) {
	fx := newFixture(t)
	row := func(seq any, cat int, sub string) []any {
		r := templateRow(0, "41010000081", id(81), "หมากแข้ง", "เมือง", cat, sub, "", "", "")
		r[0] = seq
		return r
	}
	path := writeBook(t, fx.dir, "merged.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		row(1, 4, "หนี้สิน"),
		{nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, 2, "ขาดแคลนน้ำใช้"},
		{nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, 3, "ขาดทุนการศึกษา"},
	}, Merge: func() [][2]string {
		var m [][2]string
		for c := 1; c <= 15; c++ {
			top, _ := excelize.CoordinatesToCellName(c, 2)
			bottom, _ := excelize.CoordinatesToCellName(c, 4)
			m = append(m, [2]string{top, bottom})
		}
		return m
	}()})
	rep := fx.commit(t, path)
	if c := rep.Counts(); c != (data.Counts{Rows: 3, NewHouseholds: 1, NewProblems: 2}) {
		t.Fatalf("merged household: %+v %+v", c, slices.Collect(rep.Batch.RowResults()))
	}
}

// TestSecondRowChangingAnUpdatedHouseholdIsUpdated: two rows of one known
// household, each changing a different field, are both "updated".
func TestSecondRowChangingAnUpdatedHouseholdIsUpdated(t *testing.T) {
	fx := newFixture(t)
	base := writeBook(t, fx.dir, "base.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{
		templateRow(1, "41010000091", id(91), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", ""),
		templateRow(2, "41010000091", id(91), "หมากแข้ง", "เมือง", 2, "ขาดแคลนน้ำใช้", "", "", ""),
	}})
	fx.commit(t, base)
	first := templateRow(1, "41010000091", id(91), "หมากแข้ง", "เมือง", 4, "หนี้สิน", "", "", "")
	first[12] = "0899999999" // a new phone
	second := templateRow(2, "41010000091", id(91), "หมากแข้ง", "เมือง", 2, "ขาดแคลนน้ำใช้", "", "", "")
	second[12], second[13] = "0899999999", 6 // and, on the next row, a new member count
	rep := fx.commit(t, writeBook(t, fx.dir, "change.xlsx", sheet{Name: "S", Header: [][]string{templateHeader}, Rows: [][]any{first, second}}))
	if c := rep.Counts(); c.Updated != 2 {
		t.Fatalf("counts %+v, want both rows updated", c)
	}
	hs, _ := fx.store.HouseholdsByHouseCode(fx.ctx, "41010000091")
	if hs[0].Members != 6 || hs[0].Head.Phone != "0899999999" {
		t.Fatalf("household %+v", hs[0])
	}
}
