package app

import (
	"context"
	"fmt"
	"math/rand/v2"

	"qmdesk/data"
)

// Demo makes a deterministic, realistic province for trying qmdesk out and
// for benchmarks: real amphoe and tambon, Thai names, valid national IDs,
// problems in all seven categories in the proportions of the national
// Re-X-Ray 2567 table, actions spread over the round, some urgent, some
// overdue.
type Demo struct {
	Geo      *data.Geography
	Province string
	Round    data.Round // its ID must be set
	Seed     uint64
	AsOf     data.Date // actions are dated up to this day
}

// nationalCounts is the Re-X-Ray 2567 table of the Ministry's letter.
var nationalCounts = [8]int{0, 133325, 239610, 95229, 2441098, 48824, 27949, 756613}

var (
	firstNamesMale   = []string{"สมชาย", "สมศักดิ์", "บุญมี", "ประเสริฐ", "สุรชัย", "วิชัย", "ทองดี", "สมบัติ", "อนันต์", "ชาตรี", "สุริยา", "บุญเลิศ", "คำปัน", "ไพโรจน์", "เกียรติศักดิ์"}
	firstNamesFemale = []string{"สมหญิง", "บุญเรือน", "คำแพง", "มาลี", "สุดา", "ทองใบ", "บัวผัน", "ประภา", "วันเพ็ญ", "จันทร์เพ็ญ", "นิตยา", "อรุณี", "สายสุนีย์", "พิมพ์ใจ", "ลำดวน"}
	lastNames        = []string{"ใจดี", "ศรีสุข", "บุญมา", "แก้วประเสริฐ", "พรหมวงศ์", "สุขสวัสดิ์", "ทองคำ", "ศรีทอง", "จันทร์แก้ว", "วงศ์ษา", "ภูมิสุข", "คำหอม", "พันธ์ศรี", "สีดา", "โคตรพันธ์", "ปัญญาดี", "หาญกล้า", "ชัยมงคล", "ดวงดี", "บุตรดี"}
	villageNames     = []string{"บ้านโนนสว่าง", "บ้านหนองบัว", "บ้านนาดี", "บ้านดอนแดง", "บ้านโคกสูง", "บ้านห้วยทราย", "บ้านสร้างแก้ว", "บ้านหนองแวง", "บ้านโพนงาม", "บ้านท่าลาด"}
	agencies         = []string{"อบต.", "พัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด", "สำนักงานเกษตรอำเภอ", "พัฒนาชุมชนอำเภอ", "โรงพยาบาลส่งเสริมสุขภาพตำบล", "สถานีตำรวจภูธร", "การประปาส่วนภูมิภาค", "สำนักงานเขตพื้นที่การศึกษา", "กศน.อำเภอ", "มูลนิธิในพื้นที่", "องค์การบริหารส่วนตำบล", "รพ.สต."} // one agency typed two ways, as districts do
	actionsByCat     = [8][]string{{},
		{"ซ่อมแซมบ้านตามโครงการบ้านพอเพียง", "สร้างบ้านใหม่ร่วมกับภาคีเครือข่าย", "ประสานจัดหาที่ดินทำกิน", "สร้างห้องส้วม"},
		{"ติดตั้งถังเก็บน้ำฝน", "ต่อท่อประปาหมู่บ้าน", "มอบเครื่องกรองน้ำ"},
		{"มอบทุนการศึกษา", "ประสานกลับเข้าเรียน", "ส่งเข้าเรียน กศน."},
		{"ฝึกอาชีพและมอบอุปกรณ์", "ส่งเสริมการปลูกผักสวนครัว", "ประสานกองทุนหมู่บ้าน", "แนะนำลงทะเบียนหางาน"},
		{"ส่งบำบัดยาเสพติด", "เยี่ยมบ้านและให้คำปรึกษา", "ติดตั้งไฟส่องสว่าง"},
		{"จัดอาสาสมัครดูแล", "ขึ้นทะเบียนคนพิการ", "มอบกายอุปกรณ์", "ประสานเบี้ยยังชีพ"},
		{"ช่วยเหลือเงินสงเคราะห์", "มอบถุงยังชีพ", "ประสานหน่วยงานที่เกี่ยวข้อง"},
	}
)

// Generate returns n households with their problems and actions. The same
// seed gives the same province.
func (d Demo) Generate(n int) ([]data.Bundle, error) {
	out := make([]data.Bundle, 0, n)
	err := d.Each(n, func(b data.Bundle) error { out = append(out, b); return nil })
	return out, err
}

// Each makes n households one at a time and hands each to f, so a large
// demo never sits in memory whole.
func (d Demo) Each(n int, f func(data.Bundle) error) error {
	amphoes := d.Geo.AmphoesOf(d.Province)
	if len(amphoes) == 0 {
		return data.Errorf(data.EINVALID, "ไม่พบจังหวัดรหัส '%s'", "no province %q", d.Province)
	}
	var tambons []data.Place
	for _, a := range amphoes {
		tambons = append(tambons, d.Geo.TambonsOf(a.Code)...)
	}
	subs := data.DefaultSubProblems()
	r := rand.New(rand.NewPCG(d.Seed, 2567))
	totalWeight := 0
	for _, c := range nationalCounts {
		totalWeight += c
	}
	pickCategory := func() data.Category {
		x := r.IntN(totalWeight)
		for c, w := range nationalCounts {
			if x < w {
				return data.Category(c)
			}
			x -= w
		}
		return 4
	}
	asOf := d.AsOf
	if asOf.IsZero() || asOf.After(d.Round.Deadline) {
		asOf = d.Round.Deadline
	}
	span := d.Round.Start.DaysUntil(asOf)
	if span < 1 {
		span = 1
	}
	for i := range n {
		tb := tambons[r.IntN(len(tambons))]
		female := r.IntN(2) == 0
		head := data.Person{NationalID: demoID(r, i), LastName: lastNames[r.IntN(len(lastNames))], Phone: fmt.Sprintf("08%d-%03d-%04d", r.IntN(10), r.IntN(1000), r.IntN(10000))}
		if female {
			head.Title, head.FirstName = []string{"นาง", "นางสาว"}[r.IntN(2)], firstNamesFemale[r.IntN(len(firstNamesFemale))]
		} else {
			head.Title, head.FirstName = "นาย", firstNamesMale[r.IntN(len(firstNamesMale))]
		}
		h := data.Household{
			HouseCode: fmt.Sprintf("%s%07d", tb.Code[:4], i+1), HouseNo: fmt.Sprintf("%d", r.IntN(300)+1),
			VillageNo: r.IntN(15) + 1, VillageName: villageNames[r.IntN(len(villageNames))],
			TambonCode: tb.Code, Head: head, Members: r.IntN(7) + 1, Origin: data.OriginSurvey2565,
		}
		if r.IntN(100) < 12 {
			h.Origin = data.OriginMissed
		}
		if r.IntN(200) == 0 { // a homeless household has no house code
			h.HouseCode, h.HouseNo = "", ""
		}
		if i%2 == 0 { // half the households of a partly covered tambon chose the city
			h.Unit = demoUnitChoice(d.DemoUnits(), tb.Code)
		}
		b := data.Bundle{Household: h}
		seen := map[string]bool{}
		for range demoProblemCount(r) {
			cat := pickCategory()
			var choices []data.SubProblem
			for _, s := range subs {
				if s.Category == cat {
					choices = append(choices, s)
				}
			}
			sp := choices[r.IntN(len(choices))]
			if sp.Urgent && r.IntN(3) != 0 { // urgent problems are rarer than their siblings
				sp = choices[(r.IntN(len(choices)-1)+1)%len(choices)]
			}
			if seen[sp.Name] {
				continue
			}
			seen[sp.Name] = true
			b.Problems = append(b.Problems, d.problem(r, h, sp, span))
		}
		if err := f(b); err != nil {
			return err
		}
	}
	return nil
}

func demoProblemCount(r *rand.Rand) int {
	switch x := r.IntN(100); {
	case x < 55:
		return 1
	case x < 83:
		return 2
	case x < 96:
		return 3
	default:
		return 4
	}
}

func (d Demo) problem(r *rand.Rand, h data.Household, sp data.SubProblem, span int) data.ProblemBundle {
	p := data.Problem{RoundID: d.Round.ID, Category: sp.Category, SubProblem: sp.Name, Urgent: sp.Urgent, Sensitive: sp.Sensitive,
		SurveyYear: 2565, TargetDate: d.Round.Deadline, Status: data.NotStarted}
	if h.Origin == data.OriginMissed || r.IntN(100) < 20 {
		p.SurveyYear = 2567
	} else {
		p.ReXRay = []data.ReXRay{data.ReXRayPartly, data.ReXRayUnsolved, data.ReXRayUnsolved}[r.IntN(3)]
	}
	if sp.Urgent { // urgent problems get an earlier target
		p.TargetDate = d.Round.Start.AddDays(90)
	} else if r.IntN(10) == 0 {
		p.TargetDate = d.Round.Start.AddDays(60 + r.IntN(120))
	}
	x := r.IntN(100)
	switch {
	case x < 42:
		p.Status = data.Solved
	case x < 52 && sp.Category != 7: // category 7 is what a household cannot solve itself
		p.Status = data.SelfSolved
	case x < 52:
		p.Status = data.Solved
	case x < 76:
		p.Status = data.InProgress
	case x < 96:
		p.Status = data.NotStarted
	default:
		p.Status, p.CloseReason = data.Closed, []string{"ย้ายออกนอกพื้นที่", "เสียชีวิต", "ปฏิเสธความช่วยเหลือ", "ข้อมูลซ้ำ"}[r.IntN(4)]
	}
	if p.ReXRay != data.ReXRayNone && x < 8 { // some the Re-X-Ray found solved already (no draw: the rest stays as it was)
		p.ReXRay = data.ReXRaySolved
	}
	pb := data.ProblemBundle{Problem: p}
	if p.Status == data.NotStarted {
		if p.SurveyYear != 2565 {
			pb.Problem.FoundOn = d.Round.Start.AddDays(r.IntN(span + 1))
		}
		return pb
	}
	steps := 1 + r.IntN(3)
	day := r.IntN(span/2 + 1)
	if p.SurveyYear != 2565 { // a new problem is found before the first step taken on it
		pb.Problem.FoundOn = d.Round.Start.AddDays(day / 2)
	}
	for i := range steps {
		a := data.Action{Date: d.Round.Start.AddDays(day), Agency: agencies[r.IntN(len(agencies))], What: actionsByCat[sp.Category][r.IntN(len(actionsByCat[sp.Category]))]}
		if r.IntN(3) == 0 {
			a.Budget = int64(500+r.IntN(40)*500) * 100
		}
		if i == steps-1 {
			a.Result = p.Status
			if p.Status == data.Closed {
				a.What, a.Note = "เปลี่ยนสถานะเป็น "+data.Closed.Thai(), p.CloseReason
			}
		} else {
			a.Result = data.InProgress
		}
		pb.Actions = append(pb.Actions, a)
		if a.Result == p.Status && !p.Status.Open() {
			pb.Problem.ResolvedOn = a.Date
		}
		day += 1 + r.IntN(span/(steps+1)+1)
		if day > span {
			day = span
		}
	}
	d.keyThaiQM(h, &pb)
	return pb
}

// demoID makes a valid national ID that no real person has the pattern of:
// type 8 (non-Thai with a house) would be misleading, so the demo uses the
// ordinary type 3 prefix with a sequence, and computes the check digit.
func demoID(r *rand.Rand, i int) string {
	return data.WithCheckDigit(fmt.Sprintf("3%04d%07d", 4100+r.IntN(99), i))
}

// DemoStore is what the demo loads its households with
// (data.Store.LoadAllUnits).
type DemoStore interface {
	LoadAllUnits(ctx context.Context, units data.UnitList, fill func(load func([]data.Bundle) error) error) error
}

// Fill generates n households and loads them in batches of batch, each
// batch one transaction, all or nothing: a failure or a cancel of ctx
// takes back out what was loaded, and so does the next open of the
// database after a crash (data.Store.LoadAll). progress, if set, is told
// how many are done.
func (d Demo) Fill(ctx context.Context, store DemoStore, n, batch int, progress func(done int)) error {
	return store.LoadAllUnits(ctx, d.DemoUnits(), func(load func([]data.Bundle) error) error {
		var pending []data.Bundle
		done := 0
		flush := func() error {
			if err := load(pending); err != nil {
				return err
			}
			done += len(pending)
			pending = pending[:0]
			if progress != nil {
				progress(done)
			}
			return nil
		}
		err := d.Each(n, func(b data.Bundle) error {
			if pending = append(pending, b); len(pending) >= batch {
				return flush()
			}
			return nil
		})
		if err == nil && len(pending) > 0 {
			err = flush()
		}
		return err
	})
}

// DemoUnits are the demo province's municipalities: a city covering the
// first tambon of its first amphoe wholly and the second partly, and a
// town covering the first tambon of the second amphoe wholly.
func (d Demo) DemoUnits() data.UnitList {
	amphoes := d.Geo.AmphoesOf(d.Province)
	prov, _ := d.Geo.Province(d.Province)
	var l data.UnitList
	if len(amphoes) > 0 {
		if ts := d.Geo.TambonsOf(amphoes[0].Code); len(ts) > 1 {
			l = append(l, data.Unit{Code: "M00001", Name: data.WordCityMunicipality.Thai + prov.Thai, Type: data.UnitCity,
				Tambons: []data.UnitTambon{{Code: ts[0].Code, Full: true}, {Code: ts[1].Code}}})
		}
	}
	if len(amphoes) > 1 {
		if ts := d.Geo.TambonsOf(amphoes[1].Code); len(ts) > 0 {
			l = append(l, data.Unit{Code: "M00002", Name: data.WordTownMunicipality.Thai + ts[0].Thai, Type: data.UnitTown,
				Tambons: []data.UnitTambon{{Code: ts[0].Code, Full: true}}})
		}
	}
	return l
}

// demoUnitChoice is the unit partly covering the tambon, if one does.
func demoUnitChoice(l data.UnitList, tambon string) string {
	if us := l.PartlyCovering(tambon); len(us) > 0 {
		return us[0].Code
	}
	return ""
}
