package app

import (
	"strings"
	"testing"
	"unicode/utf8"

	"qmdesk/assets"
	"qmdesk/data"
)

// cellsOf splits a fuzz string into rows (newline) of cells (tab).
func cellsOf(s string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(s, "\n") {
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}

func FuzzFindLayout(f *testing.F) {
	f.Add("แบบรายงาน\nลำดับ\tรหัสบ้าน\tตำบล\tด้าน\tปัญหา\n1\t41010000011\tหมากแข้ง\t4\tหนี้สิน")
	f.Add("ที่\tข้อมูล\t\t\n\tเลขบัตร\nประชาชน\tชื่อ-สกุล\tด้านปัญหา\tสถานะการแก้ไข")
	f.Add("\t\t\n")
	f.Add("ชื่อ\tชื่อ\tชื่อ\tชื่อ")
	f.Fuzz(func(t *testing.T, s string) {
		rows := cellsOf(s)
		if len(rows) > 40 {
			rows = rows[:40]
		}
		nums := make([]int, len(rows))
		for i := range nums {
			nums[i] = i + 1
		}
		l, header, ok := findLayout("S", rows, nums)
		if !ok {
			return
		}
		if l.Known < 3 || header < 1 || header > len(rows) {
			t.Fatalf("layout with %d known columns, header row %d of %d", l.Known, header, len(rows))
		}
		for f := field(1); f < fieldCount; f++ {
			if c := l.Col[f]; c < 0 || c > len(l.Header) {
				t.Fatalf("field %d at column %d of %d", f, c, len(l.Header))
			}
		}
	})
}

func FuzzParseRow(f *testing.F) {
	geo, err := assets.Geography()
	if err != nil {
		f.Fatal(err)
	}
	units := data.UnitList{{Code: "M00001", Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}, {Code: "410102"}}}}
	imp := &Importer{Geo: geo, places: newPlaces(geo, "41"), subProblems: data.DefaultSubProblems(), units: units}
	var header []string
	for _, h := range TemplateHeaders {
		header = append(header, h.Header)
	}
	l := matchHeader("S", [][]string{header}, []int{1})
	f.Add("1\t41010000011\t12/3\tม.5\t\tหมากแข้ง\tเมือง\tอุดรธานี\t1101700203451\tนาย\tสมชาย\tใจดี\t081\t4\tเดิม\t4\tหนี้สิน\t\t\tแก้ไขแล้ว\t15 ก.ค. 2567\tอบต.\tฝึกอาชีพ\t12,500\t")
	f.Add("\t4.1012345678E+10\t\t๕\t\tต.หมากแข้ง\t\t\t\t\t\t\t\t\tตกหล่น\tด้านที่ ๒\tขาดแคลนน้ำดื่ม\t\t\tยุติ\t45366\t\t\t\tย้ายออก")
	f.Add("\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t")
	// The municipality column: a unit partly covering the tambon, one
	// that does not cover it, none where a unit covers it wholly.
	f.Add("1\t41010000011\t\t\t\tนิคมสงเคราะห์\tเมือง\t\t1101700203451\t\t\t\t\t\t\t4\tหนี้สิน\t\t\t\t\t\t\t\t\tนครอุดรธานี")
	f.Add("1\t41010000011\t\t\t\tบ้านเลื่อม\tเมือง\t\t1101700203451\t\t\t\t\t\t\t4\tหนี้สิน\t\t\t\t\t\t\t\t\tเทศบาลนครอุดรธานี")
	f.Add("1\t41010000011\t\t\t\tหมากแข้ง\tเมือง\t\t1101700203451\t\t\t\t\t\t\t4\tหนี้สิน\t\t\t\t\t\t\t\t\t-")
	f.Add("1\t41010000011\t\t\t\tหมากแข้ง\t\t\t\t\t" + strings.Repeat("สม", 60) + "\t\t\t\t\t4\tหนี้สิน\t" + strings.Repeat("ก", 1200))
	f.Fuzz(func(t *testing.T, s string) {
		cells := strings.Split(s, "\t")
		in := imp.parseRow(&l, 2, cells)
		if in.Reject != nil {
			if in.Reject.Reason == "" || in.Reject.ReasonEnglish == "" || in.Reject.Fate != data.FateRejected {
				t.Fatalf("rejection without a reason in Thai and in English: %+v", in.Reject)
			}
			if n := utf8.RuneCountInString(in.Reject.Value); n > 130 {
				t.Fatalf("a rejection carries %d characters of its value", n)
			}
			return
		}
		h, p := in.Household, in.Problem
		// A unit taken is "none" or one of the list covering the row's tambon.
		if h.Unit != "" && h.Unit != unitNone {
			u, ok := units.ByCode(h.Unit)
			if covered, _ := u.Covers(h.TambonCode); !ok || !covered {
				t.Fatalf("unit %q taken for tambon %s", h.Unit, h.TambonCode)
			}
		}
		if _, whole, _ := units.OfTambon(h.TambonCode); whole && h.Unit == unitNone {
			t.Fatalf("none taken in wholly covered tambon %s", h.TambonCode)
		}
		// What is taken fits the records' limits, so that storing it
		// cannot fail on a length the row did not refuse.
		for _, s := range []struct {
			text string
			most int
		}{{h.Head.Title, data.MaxTitle}, {h.Head.FirstName, data.MaxName}, {h.Head.LastName, data.MaxName}, {h.Head.Phone, data.MaxPhone},
			{h.HouseNo, data.MaxHouseNo}, {h.VillageName, data.MaxVillageName},
			{p.SubProblem, data.MaxSubProblem}, {p.Detail, data.MaxDetail / 2}, {p.CloseReason, data.MaxNote}, {p.LeadAgency, data.MaxAgency}} {
			if n := utf8.RuneCountInString(s.text); n > s.most {
				t.Fatalf("accepted %d characters where %d fit: %q", n, s.most, s.text)
			}
		}
		if h.HouseCode == "" && h.Head.NationalID == "" {
			t.Fatal("accepted a row without a key")
		}
		if len(h.TambonCode) != 6 || h.TambonCode[:2] != "41" {
			t.Fatalf("accepted tambon %q", h.TambonCode)
		}
		if !p.Category.Valid() || p.SubProblem == "" {
			t.Fatalf("accepted problem %+v", p)
		}
		if p.Status == data.Closed && p.CloseReason == "" {
			t.Fatal("accepted closing without a reason")
		}
		if in.Action != nil {
			if err := in.Action.Validate(data.NewDate(2024, 8, 1)); err != nil && in.Action.Date.IsZero() {
				t.Fatalf("accepted an action without a date: %+v", in.Action)
			}
		}
	})
}
