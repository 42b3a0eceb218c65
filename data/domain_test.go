package data

import (
	"strings"
	"testing"
)

func TestParseCategory(t *testing.T) {
	for in, want := range map[string]Category{
		"4": 4, "ด้านที่ 4": 4, "ด้าน 4": 4, "๔": 4, "รายได้/อาชีพ": 4, "4. รายได้/อาชีพ": 4,
		"ความเดือดร้อนที่แก้ไขไม่ได้ด้วยตนเอง": 7, " บ้าน/ที่อยู่อาศัย ": 1,
		"ด้านรายได้": 4, "อาชีพ": 4, "ด้าน ที่อยู่อาศัย": 1, "น้ำดื่ม": 2, "ด้านน้ำใช้": 2, "บ้าน": 1,
	} {
		if got, err := ParseCategory(in); err != nil || got != want {
			t.Errorf("ParseCategory(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"8", "0", "", "อื่นๆ", "ด้าน", "/", "รายได้/"} {
		if _, err := ParseCategory(in); err == nil {
			t.Errorf("ParseCategory(%q) accepted", in)
		}
	}
	if Category(4).Thai() != "รายได้/อาชีพ" || len(Categories) != 7 {
		t.Error("category names wrong")
	}
}

func TestParseStatus(t *testing.T) {
	for _, s := range Statuses {
		if got, err := ParseStatus(s.Thai()); err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %v, %v", s.Thai(), got, err)
		}
	}
	if _, err := ParseStatus("เสร็จ?"); ErrorCode(err) != EINVALID {
		t.Error("unknown status accepted")
	}
	if !Solved.IsSolved() || !SelfSolved.IsSolved() || Closed.IsSolved() || !InProgress.Open() || Closed.Open() {
		t.Error("status predicates wrong")
	}
}

func TestProblemValidateClosingNeedsReason(t *testing.T) {
	p := Problem{HouseholdID: 1, RoundID: 1, Category: 5, SubProblem: "ยาเสพติด", Status: Closed, SurveyYear: 2567}
	if ErrorCode(p.Validate(NewDate(2024, 8, 1))) != EINVALID {
		t.Fatal("closing without a reason accepted")
	}
	p.CloseReason = "ย้ายออกนอกพื้นที่"
	if err := p.Validate(NewDate(2024, 8, 1)); err != nil {
		t.Fatal(err)
	}
}

func TestHouseholdValidate(t *testing.T) {
	h := Household{TambonCode: "410101", HouseCode: "41012345678", Origin: OriginSurvey2565}
	if err := h.Validate(); err != nil {
		t.Fatal(err)
	}
	good := validID("110170020345")
	h.Head.NationalID = good[:12] + string(rune('0'+(good[12]-'0'+1)%10)) // check digit fails
	if ErrorCode(h.Validate()) != EWARNING {
		t.Fatal("bad check digit not flagged")
	}
	h.IDCheckOverride = true
	if err := h.Validate(); err != nil {
		t.Fatal("override ignored:", err)
	}
	if ErrorCode((Household{TambonCode: "410101", Origin: 1}).Validate()) != EINVALID {
		t.Fatal("household without any key accepted")
	}
}

func TestDefaultSubProblems(t *testing.T) {
	l := SubProblemList(DefaultSubProblems())
	urgent := 0
	for _, s := range l {
		if err := s.Validate(); err != nil {
			t.Error(err)
		}
		if s.Urgent {
			urgent++
		}
	}
	if urgent != 3 {
		t.Errorf("want 3 urgent sub-problems (no home, drugs, drinking water), got %d", urgent)
	}
	if s, ok := l.Find(5, " ยาเสพติด "); !ok || !s.Sensitive || !s.Urgent {
		t.Errorf("Find ยาเสพติด = %+v, %v", s, ok)
	}
}

func FuzzParseCategory(f *testing.F) {
	for _, s := range []string{"4", "ด้านที่ ๗", "รายได้/อาชีพ", "9.", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c, err := ParseCategory(s); err == nil && !c.Valid() {
			t.Fatalf("%q gave invalid category %d", s, c)
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	f.Add("แก้ไขแล้ว")
	f.Fuzz(func(t *testing.T, s string) {
		if st, err := ParseStatus(s); err == nil && !st.Valid() {
			t.Fatalf("%q gave invalid status", s)
		}
	})
}

func FuzzParseReXRay(f *testing.F) {
	for _, s := range []string{"แก้ไขแล้ว", "แก้ไข บางส่วน", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := ParseReXRay(s); err == nil && (r < ReXRayNone || r > ReXRayUnsolved) {
			t.Fatalf("%q gave %d", s, r)
		}
	})
}

func TestColorRGB(t *testing.T) {
	if r, g, b, ok := ColorRGB("#009E73"); !ok || r != 0 || g != 0x9e || b != 0x73 {
		t.Errorf("#009E73: %d %d %d %v", r, g, b, ok)
	}
	if r, g, b, ok := ColorRGB("#d55e00"); !ok || r != 0xd5 || g != 0x5e || b != 0 {
		t.Errorf("#d55e00: %d %d %d %v", r, g, b, ok)
	}
	for _, bad := range []string{"", "#", "009E73", "#009E7", "#009E7G", "#009E733"} {
		if _, _, _, ok := ColorRGB(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, s := range Statuses {
		if _, _, _, ok := ColorRGB(StatusColor(s)); !ok {
			t.Errorf("status %v colour %q unreadable", s, StatusColor(s))
		}
	}
}

func FuzzSameWithoutBlanks(f *testing.F) {
	f.Add("ยังไม่ ได้แก้ไข", "ยังไม่ได้แก้ไข")
	f.Add(" a b ", "ab")
	f.Add("ab", "ab ")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, form, s string) {
		if got, want := sameWithoutBlanks(form, s), strings.ReplaceAll(form, " ", "") == s; got != want {
			t.Fatalf("sameWithoutBlanks(%q, %q) = %v, want %v", form, s, got, want)
		}
	})
}

// An action is something done: the day it was done cannot be after
// today, in the window as in a workbook's row.
func TestActionDateNotInTheFuture(t *testing.T) {
	today := NewDate(2026, 12, 2)
	a := Action{ProblemID: 1, Date: today, What: "เยี่ยมบ้าน"}
	if err := a.Validate(today); err != nil {
		t.Fatalf("an action dated today: %v", err)
	}
	a.Date = NewDate(2026, 12, 3)
	err := a.Validate(today)
	if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "3 ธ.ค. 2569 อยู่ในอนาคต (วันนี้ 2 ธ.ค. 2569)") {
		t.Fatalf("an action dated tomorrow: %v", err)
	}
}
