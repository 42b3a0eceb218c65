package data

import (
	"strings"
	"testing"
)

// TestRecordsRefuseOverlongText: every free-text field of a household, a
// problem and an action has a length fitting its meaning, which Validate
// holds for every write path.
func TestRecordsRefuseOverlongText(t *testing.T) {
	today := NewDate(2024, 8, 1)
	long := func(n int) string { return strings.Repeat("ก", n) }
	hh := func(change func(*Household)) error {
		h := Household{TambonCode: "410101", HouseCode: "41010000011", Origin: OriginSurvey2565}
		change(&h)
		return h.Validate()
	}
	pr := func(change func(*Problem)) error {
		p := Problem{HouseholdID: 1, RoundID: 1, Category: 4, SubProblem: "หนี้สิน", Status: NotStarted, SurveyYear: 2565}
		change(&p)
		return p.Validate(today)
	}
	ac := func(change func(*Action)) error {
		a := Action{Date: today, What: "เยี่ยมบ้าน"}
		change(&a)
		return a.Validate(today)
	}
	for name, c := range map[string]struct {
		ok, bad error
		want    string
	}{
		"first name": {hh(func(h *Household) { h.Head.FirstName = long(MaxName) }), hh(func(h *Household) { h.Head.FirstName = long(MaxName + 1) }), "ชื่อ ยาว 101 ตัวอักษร เกินที่รับได้ (100 ตัวอักษร)"},
		"phone":      {hh(func(h *Household) { h.Head.Phone = "081-234-5678, 042-123-456" }), hh(func(h *Household) { h.Head.Phone = strings.Repeat("0812345678 ", 5) }), "โทรศัพท์ ยาว 55 ตัวอักษร"},
		"house no":   {hh(func(h *Household) { h.HouseNo = "12/3" }), hh(func(h *Household) { h.HouseNo = long(41) }), "บ้านเลขที่ ยาว 41"},
		"detail":     {pr(func(p *Problem) { p.Detail = long(MaxDetail) }), pr(func(p *Problem) { p.Detail = long(32_767) }), "รายละเอียด ยาว 32,767 ตัวอักษร เกินที่รับได้ (2,000 ตัวอักษร)"},
		"what":       {ac(func(a *Action) { a.What = long(MaxDetail) }), ac(func(a *Action) { a.What = long(MaxDetail + 1) }), HeaderWhat.Thai + " ยาว 2,001"},
	} {
		if c.ok != nil {
			t.Errorf("%s: a value in bounds refused: %v", name, c.ok)
		}
		if !strings.Contains(ErrorMessage(c.bad), c.want) {
			t.Errorf("%s: %v, want %q", name, c.bad, c.want)
		}
	}
}
