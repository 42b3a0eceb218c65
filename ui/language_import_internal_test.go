package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
)

// The import's report table (each row's fate and reason, and the reason
// under it when a row is clicked), the rows to review and the note of
// each speak the window's language too: a workbook with rows rejected for
// many reasons and rows sent to review is checked, imported and reviewed
// in Thai and in English, and every text is looked at as the walk of
// TestEveryScreenSpeaksOneLanguage looks (the cell's column and value,
// and the data's words, left out).
func TestImportReasonsSpeakTheWindowsLanguage(t *testing.T) {
	for _, lang := range []Language{Thai, English} {
		name := map[Language]string{Thai: "Thai", English: "English"}[lang]
		t.Run(name, func(t *testing.T) {
			w, strip := languageWindow(t, lang)
			path, extra := reasonsBook(t, w)
			found := map[string]string{}
			// look checks s, leaving out the data's words: those of the
			// row (its cell's column and value), the workbook's, and what
			// a reason quotes of them ('โ', a letter of a phone number).
			look := func(where, s string, data ...string) {
				words := append(slices.Clone(extra), data...)
				clean := quoted.ReplaceAllStringFunc(s, func(q string) string {
					for _, x := range words {
						if len(q) > 2 && strings.Contains(x, q[1:len(q)-1]) {
							return " "
						}
					}
					return q
				})
				sort.Slice(words, func(i, j int) bool { return len(words[i]) > len(words[j]) }) // longest first
				for _, x := range words {
					if x != "" {
						clean = strings.ReplaceAll(clean, x, " ")
					}
				}
				if bad := foreign(lang, strip(clean)); bad != "" {
					if _, seen := found[s]; !seen {
						found[s] = where + ": " + bad
					}
				}
			}
			w.Tabs.SelectIndex(2)
			w.Import.Tabs.SelectIndex(0)
			// A file refused whole says why in the window's language too.
			notBook := filepath.Join(t.TempDir(), "notes.xlsx")
			if err := os.WriteFile(notBook, []byte("not a workbook"), 0o600); err != nil {
				t.Fatal(err)
			}
			w.Import.AddFiles([]string{notBook})
			w.WaitIdle()
			if r := w.Import.Reports[0]; r == nil || r.Refused == "" {
				t.Fatalf("a file that is no workbook was not refused: %+v", r)
			}
			look("refused file", strings.TrimPrefix(w.Import.Detail.Text, "notes.xlsx\n"))
			w.Import.onClear()
			w.Import.AddFiles([]string{path})
			w.WaitIdle()
			rep := w.Import.Reports[0]
			if rep == nil || rep.Refused != "" {
				t.Fatalf("dry run: %+v", rep)
			}
			// Every kind of reason the workbook means to raise is there.
			if c := rep.Counts(); c.Rejected < 18 || c.Review < 5 {
				t.Fatalf("counts %+v: %v", c, w.Import.Rows.Rows)
			}
			for i, row := range w.Import.Rows.Rows {
				where := "report row " + row[0]
				look(where+" fate", row[1])
				look(where+" reason", row[4], row[2], row[3])
				w.Import.Rows.OnRow(i)
				look(where+" detail", w.Import.RowDetail.Text, row[2], row[3])
			}
			// Imported, the rows to review wait on their tab.
			test.Tap(w.Import.Commit)
			w.WaitIdle()
			w.Import.Tabs.SelectIndex(1)
			if len(w.Import.PendingReviews) < 5 {
				t.Fatalf("%d rows to review: %s", len(w.Import.PendingReviews), w.LastError())
			}
			kinds := map[string]bool{}
			for i, r := range w.Import.PendingReviews {
				kinds[r.Kind] = true
				where := fmt.Sprintf("review row %d", r.Row)
				look(where+" reason", w.Import.Reviews.Rows[i][5])
				w.Import.Reviews.OnRow(i)
				w.WaitIdle()
				var values []string
				for _, c := range r.Conflicts {
					values = append(values, c.Workbook, c.Current)
				}
				look(where+" note", w.Import.ReviewNote.Text, values...)
			}
			if !kinds[data.ReviewMatch] || !kinds[data.ReviewConflict] || !kinds[data.ReviewSubProblem] || !kinds[data.ReviewCombination] {
				t.Errorf("the workbook should send rows to every kind of review: %v", kinds)
			}
			if len(found) > 0 {
				var lines []string
				for s, where := range found {
					lines = append(lines, where+" in "+strings.ReplaceAll(s, "\n", " ⏎ "))
				}
				sort.Strings(lines)
				t.Errorf("%d texts not in %s:\n%s", len(lines), name, strings.Join(lines, "\n"))
			}
		})
	}
}

// quoted is a text a reason quotes.
var quoted = regexp.MustCompile(`'[^']*'`)

// reasonsBook writes a district workbook whose rows are rejected, or sent
// to review, each for another reason, over the window's demo province;
// extra are more of the data's own words it uses.
func reasonsBook(t *testing.T, w *MainWindow) (string, []string) {
	t.Helper()
	ctx := w.ctx
	// Two demo households with a house code and an ID, and an open
	// problem changed after the round started (the row's action, dated
	// the round's first day, is older: a conflict).
	round, err := w.env.Store.Round(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var hs []data.Household
	var conflict data.Problem
	var conflictHH data.Household
	err = w.env.Store.Walk(ctx, func(h data.Household, ps []data.Problem) error {
		if h.HouseCode == "" || h.Head.NationalID == "" {
			return nil
		}
		if len(hs) < 2 {
			hs = append(hs, h)
		}
		for _, p := range ps {
			if conflict.ID == 0 && p.Status.Open() && p.Category != 7 && p.ReXRay == data.ReXRayNone && p.ChangedOn.After(round.Start) && h.ID != hs[0].ID {
				conflict, conflictHH = p, h
			}
		}
		return nil
	})
	if err != nil || len(hs) < 2 || conflict.ID == 0 {
		t.Fatalf("the demo lacks the households this test needs: %v", err)
	}
	subs, _ := w.env.Store.SubProblems(ctx)
	seven := ""
	for _, s := range subs {
		if s.Category == 7 && seven == "" {
			seven = s.Name
		}
	}
	tambon := func(h data.Household) string { return texts{lang: Thai}.placeName(w.env.Geo.Tambon, h.TambonCode) }
	amphoe := func(h data.Household) string { return texts{lang: Thai}.placeName(w.env.Geo.Amphoe, h.TambonCode[:4]) }
	nid := func(n int) string { return data.WithCheckDigit(fmt.Sprintf("1410100%05d", n)) }
	bad := nid(700)
	bad = bad[:12] + string(rune('0'+(bad[12]-'0'+1)%10))
	start := data.FormatBE(round.Start)
	// Each row: the header's cells it fills over a good row of its own.
	rows := []map[string]any{
		{"ตำบล": "ไม่มีตำบลนี้"},
		{"อำเภอ": "ไม่มีอำเภอนี้"},
		{"ตำบล": ""},
		{"ด้าน": 9},
		{"สถานะ": "ยุติ"},
		{"รหัสบ้าน": "4.10100E+10"},
		{"เลขประจำตัวประชาชน": "12345"},
		{"รหัสบ้าน": "", "เลขประจำตัวประชาชน": ""},
		{"วันที่ดำเนินการ": "31/02/2567", "หน่วยงาน/ภาคีเครือข่าย": "อบต."},
		{"วันที่ดำเนินการ": "1/1/2590", "หน่วยงาน/ภาคีเครือข่าย": "อบต."},
		{"วันที่ดำเนินการ": "15/02/2567", "หน่วยงาน/ภาคีเครือข่าย": "อบต."},
		{"หน่วยงาน/ภาคีเครือข่าย": "อบต."},
		{"โทรศัพท์": "โทรหาผู้ใหญ่บ้าน"},
		{"จำนวนสมาชิก": "หลายคน"},
		{"หมู่ที่": "หมู่ห้า"},
		{"ปัญหา": "ปัญหาแปลกประหลาด"},
		{"ปัญหา": ""},
		{"สถานะ": "เสร็จแล้วมั้ง"},
		{"ผลการสำรวจซ้ำ (Re-X-Ray)": "ดีขึ้น"},
		{"ที่มา": "ย้ายมา"},
		{"เทศบาล": "เทศบาลที่ไม่มีจริง"},
		{"รายละเอียด": strings.Repeat("ยาวมาก", 200)},
		{"งบประมาณ (บาท)": "ห้าพัน", "วันที่ดำเนินการ": start, "หน่วยงาน/ภาคีเครือข่าย": "อบต."},
		// To review: the ID's check digit, a sub-problem not in the list,
		// what may not go together, house code and ID of two households,
		// a conflict with a newer change.
		{"เลขประจำตัวประชาชน": bad},
		{"ด้าน": 1, "ปัญหา": "บ้านทรุดโทรม"},
		{"ด้าน": 7, "ปัญหา": seven, "สถานะ": data.SelfSolved.Thai()},
		{"รหัสบ้าน": hs[0].HouseCode, "เลขประจำตัวประชาชน": hs[1].Head.NationalID, "ตำบล": tambon(hs[0]), "อำเภอ": amphoe(hs[0])},
		{"รหัสบ้าน": conflictHH.HouseCode, "เลขประจำตัวประชาชน": conflictHH.Head.NationalID, "ตำบล": tambon(conflictHH), "อำเภอ": amphoe(conflictHH),
			"ด้าน": int(conflict.Category), "ปัญหา": conflict.SubProblem, "สถานะ": data.Solved.Thai(), "ที่มา": "",
			"วันที่ดำเนินการ": start, "หน่วยงาน/ภาคีเครือข่าย": "อบต.", "วิธีการแก้ไข": "ให้คำแนะนำ"},
	}
	f := excelize.NewFile()
	defer f.Close()
	col := map[string]int{}
	for c, h := range app.TemplateHeaders {
		col[h.Header] = c + 1
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		f.SetCellValue("Sheet1", cell, h.Header)
	}
	for r, over := range rows {
		row := map[string]any{"ลำดับ": r + 1, "รหัสบ้าน": fmt.Sprintf("419999%05d", r+1), "ตำบล": "หมากแข้ง", "อำเภอ": "เมืองอุดรธานี",
			"จังหวัด": "อุดรธานี", "เลขประจำตัวประชาชน": nid(r + 1), "คำนำหน้า": "นาย", "ชื่อ": "สมมุติ", "นามสกุล": "ตัวอย่าง",
			"ที่มา": "ตกหล่น", "ด้าน": 4, "ปัญหา": "หนี้สิน"}
		for k, v := range over {
			if _, ok := col[k]; !ok {
				t.Fatalf("no column %q", k)
			}
			row[k] = v
		}
		for k, v := range row {
			cell, _ := excelize.CoordinatesToCellName(col[k], r+2)
			f.SetCellValue("Sheet1", cell, v)
		}
	}
	path := filepath.Join(t.TempDir(), "reasons.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	// The data's words the reasons quote, beside the rows' own cells: the
	// row's people and what it wrote, the name of no operator a record
	// changed by the demo keeps, a command and the word a phone number
	// writes before an extension.
	return path, []string{"reasons.xlsx", "นาย", "สมมุติ", "ตัวอย่าง", "อบต.", "ให้คำแนะนำ", "บ้านทรุดโทรม", "ปัญหาแปลกประหลาด", conflict.SubProblem, seven,
		data.OperatorFrom(context.Background()), "qmdesk unit add", "'ต่อ'"}
}

// A reason kept before the program kept its English (a review stored by
// an older version) shows in Thai in an English window: there is no other.
func TestReasonWithoutEnglishShowsTheThai(t *testing.T) {
	th, en := texts{lang: Thai}, texts{lang: English}
	for _, c := range []struct {
		t                  texts
		thai, english, out string
	}{
		{th, "ไม่ได้ระบุตำบล", "The tambon is not given", "ไม่ได้ระบุตำบล"},
		{en, "ไม่ได้ระบุตำบล", "The tambon is not given", "The tambon is not given"},
		{en, "ไม่ได้ระบุตำบล", "", "ไม่ได้ระบุตำบล"},
		{th, "", "", ""},
	} {
		if got := c.t.reason(c.thai, c.english); got != c.out {
			t.Errorf("reason(%q, %q) in %v = %q, want %q", c.thai, c.english, c.t.lang, got, c.out)
		}
	}
	if en.fate(data.FateReview) != "to review" || th.fate(data.FateReview) != "รอตรวจสอบ" {
		t.Errorf("fate: %q, %q", en.fate(data.FateReview), th.fate(data.FateReview))
	}
}
