package data

import (
	"strconv"
	"strings"
)

// The glossary: every word qmdesk shows for a concept of the programme,
// in one place, so that the window, the command line, the meeting pack,
// the charts and every workbook say the same thing with the same word.
// The forms are the ministry letter's and shared/domain.md's. Old is what
// earlier versions of qmdesk and district workbooks wrote: read on import,
// never written. TestGlossaryIsTheOnlySource fails when one of these words
// is written anywhere else in the program.

// Term is one user-visible word, in Thai and English, with the spellings
// accepted on input.
type Term struct {
	Thai    string
	English string
	Old     []string // other spellings read on import, never written
	// Input are spellings read on import that are also everyday phrases
	// with other meanings ("ยังไม่เริ่ม" of a round): not policed.
	Input []string
	// Common marks a Thai word that is also everyday language ("ไฟล์",
	// "บ้าน"): the test does not police it, only the term's Old forms.
	Common bool
}

// Counting is the term as a column header of a count: "แก้ไขแล้ว (ปัญหา)".
func (t Term) Counting(unit Term) Term {
	return Term{Thai: t.Thai + " (" + unit.Thai + ")", English: t.English + " (" + unit.English + ")"}
}

// PercentSolvedHead is the header of WordPercentSolved with what it
// divides: "ร้อยละแก้ไขสำเร็จ ของ (เป้าหมาย - ยุติ)".
func PercentSolvedHead() Term {
	return Term{Thai: WordPercentSolved.Thai + " " + WordPercentOf.Thai, English: WordPercentSolved.English + " " + WordPercentOf.English}
}

// Units say what a figure counts.
var (
	UnitProblems   = Term{Thai: "ปัญหา", English: "problems", Common: true}
	UnitHouseholds = Term{Thai: "ครัวเรือน", English: "households", Common: true}
	UnitPercent    = Term{Thai: "ร้อยละ", English: "%"}
)

// Figures of a scope: the counters ministry dashboards show.
var (
	// WordHouseholds counts households with at least one problem.
	WordHouseholds = Term{Thai: "ครัวเรือนที่มีปัญหา (ครัวเรือน)", English: "Households with problems"}
	// WordTarget counts every problem of the round: it is never households.
	WordTarget = Term{Thai: "เป้าหมาย (ปัญหา)", English: "Target (problems)"}
	// WordSolvedTotal is แก้ไขแล้ว + แก้ไขได้ด้วยตนเอง, under its own name:
	// "แก้ไขแล้ว" is one status only.
	WordSolvedTotal = Term{Thai: "แก้ไขสำเร็จ", English: "Solved in all"}
	// WordSolvedTotalMeans says what WordSolvedTotal adds up.
	WordSolvedTotalMeans = Term{Thai: "แก้ไขสำเร็จ = แก้ไขแล้ว + แก้ไขได้ด้วยตนเอง", English: "solved in all = solved + solved by the household"}
	// WordPercentSolved is WordSolvedTotal over the target less closed.
	WordPercentSolved = Term{Thai: "ร้อยละแก้ไขสำเร็จ", English: "% solved in all"}
	// WordPercentOf is the denominator of WordPercentSolved.
	WordPercentOf = Term{Thai: "ของ (เป้าหมาย\u00a0-\u00a0ยุติ)", English: "of (target - closed)"} // no-break spaces: a line never starts with "- ยุติ"
	// WordPercentMeans says how WordPercentSolved is computed.
	WordPercentMeans = Term{Thai: "ร้อยละแก้ไขสำเร็จ = (แก้ไขแล้ว + แก้ไขได้ด้วยตนเอง) × 100 ÷ (เป้าหมาย - ยุติ)", English: "% solved in all = (solved + solved by the household) × 100 ÷ (target - closed)"}
	WordOpen         = Term{Thai: "ยังค้าง", English: "Open", Common: true} // not started + in progress
	WordOverdue      = Term{Thai: "เลยกำหนด", English: "Overdue", Common: true}
	WordUrgent       = Term{Thai: "เร่งด่วน", English: "Urgent", Common: true}
	// WordUrgentOpen counts urgent problems not yet solved or closed.
	WordUrgentOpen = Term{Thai: "เร่งด่วนที่ยังค้าง", English: "Urgent, open"}
	// WordSensitive stands in for a sensitive sub-problem on screens read
	// from a distance.
	WordSensitive = Term{Thai: "ปัญหาอ่อนไหว", English: "Sensitive problem"}
	// WordSmallCount stands in for a sensitive count the pack does not print.
	WordSmallCount = Term{Thai: "<5", English: "<5"}
	// WordDeadline is a round's last day; WordTargetDate a problem's own.
	WordDeadline   = Term{Thai: "ครบกำหนด", English: "Deadline", Common: true}
	WordTargetDate = Term{Thai: "กำหนดแล้วเสร็จ", English: "Target date", Old: []string{"เป้าหมายแล้วเสร็จ", "วันที่กำหนดแล้วเสร็จ", "วันที่เป้าหมาย"}}
	WordResolvedOn = Term{Thai: "วันที่แก้ไขเสร็จ", English: "Resolved on", Common: true}
	WordCategory   = Term{Thai: "ด้าน", English: "Category", Common: true}
	WordVillageNo  = Term{Thai: "หมู่ที่", English: "Village no.", Common: true} // never "หมู่ 10" or "ม.10"
	WordFile       = Term{Thai: "ไฟล์", English: "File", Old: []string{"แฟ้ม"}, Common: true}
)

// The partner agencies' report (ภาคีเครือข่าย): per agency and category.
var (
	WordAgencyReport = Term{Thai: "ผลงานภาคีเครือข่าย", English: "Partner agencies' work"}
	// WordProblemsHelped counts distinct problems with an action of the agency.
	WordProblemsHelped = Term{Thai: "ปัญหาที่ช่วยเหลือ (ปัญหา)", English: "Problems helped (problems)"}
	// WordAgencyMerge joins two spellings of one agency; the actions keep theirs.
	WordAgencyMerge = Term{Thai: "รวมชื่อหน่วยงาน", English: "Merge agency names"}
)

// Column headers of the district workbook that name programme concepts.
var (
	HeaderOrigin     = Term{Thai: "ที่มา", English: "Origin", Common: true}
	HeaderReXRay     = Term{Thai: "ผลการสำรวจซ้ำ (Re-X-Ray)", English: "Re-X-Ray result", Old: []string{"ผลการสำรวจซ้ำ", "ผล Re-X-Ray", "ผลการ Re-X-Ray", "ผลการตรวจสอบซ้ำ"}}
	HeaderStatus     = Term{Thai: "สถานะ", English: "Status", Common: true}
	HeaderActionDate = Term{Thai: "วันที่ดำเนินการ", English: "Action date"}
	HeaderAgency     = Term{Thai: "หน่วยงาน/ภาคีเครือข่าย", English: "Agency / partner", Old: []string{"หน่วยงานที่ช่วยเหลือ"}}
	HeaderWhat       = Term{Thai: "วิธีการแก้ไข", English: "What was done", Old: []string{"สิ่งที่ดำเนินการ", "แนวทางการแก้ไข"}}
	HeaderBudget     = Term{Thai: "งบประมาณ (บาท)", English: "Budget (baht)"}
)

// Recording in ThaiQM, the national system where districts key in every
// result: the mark qmdesk keeps of it, and what is not yet keyed.
var (
	HeaderThaiQM       = Term{Thai: "บันทึกใน ThaiQM แล้ว", English: "Keyed into ThaiQM", Old: []string{"บันทึกในระบบ ThaiQM แล้ว", "วันที่บันทึกใน ThaiQM", "บันทึก ThaiQM แล้ว"}}
	WordThaiQMNotKeyed = Term{Thai: "ยังไม่ได้บันทึกใน ThaiQM", English: "Not yet keyed into ThaiQM"}
)

// ThaiQMHeads are the heads of a ThaiQM table's figures, in problems: the
// results keyed, those not yet keyed, and the round's problems (target).
func ThaiQMHeads() []Term {
	return []Term{HeaderThaiQM.Counting(UnitProblems), WordThaiQMNotKeyed.Counting(UnitProblems), WordTarget}
}

// Categories: the letter's names, and a short form for narrow places that
// is a word, never a cut name.
var categoryTerms = [8]struct{ full, short Term }{
	{},
	{Term{Thai: "บ้าน/ที่อยู่อาศัย", English: "housing"}, Term{Thai: "บ้าน", English: "housing", Common: true}},
	{Term{Thai: "น้ำดื่ม/น้ำใช้", English: "drinking / household water"}, Term{Thai: "น้ำ", English: "water", Common: true}},
	{Term{Thai: "การศึกษา", English: "education", Common: true}, Term{Thai: "การศึกษา", English: "education", Common: true}},
	{Term{Thai: "รายได้/อาชีพ", English: "income / occupation"}, Term{Thai: "รายได้", English: "income", Common: true}},
	{Term{Thai: "ความปลอดภัย", English: "safety", Common: true}, Term{Thai: "ความปลอดภัย", English: "safety", Common: true}},
	{Term{Thai: "กลุ่มเปราะบาง", English: "vulnerable groups"}, Term{Thai: "เปราะบาง", English: "vulnerable", Common: true}},
	{Term{Thai: "ความเดือดร้อนที่แก้ไขไม่ได้ด้วยตนเอง", English: "troubles the household cannot solve itself"}, Term{Thai: "ความเดือดร้อน", English: "troubles", Common: true}},
}

// Term returns the category's name in the letter's words.
func (c Category) Term() Term {
	if !c.Valid() {
		return Term{}
	}
	return categoryTerms[c].full
}

// ShortTerm returns the category's short name.
func (c Category) ShortTerm() Term {
	if !c.Valid() {
		return Term{}
	}
	return categoryTerms[c].short
}

// Label is "ด้านที่ 4 รายได้/อาชีพ", the one way a category is named with
// its number.
func (c Category) Label() string {
	return "ด้านที่ " + strconv.Itoa(int(c)) + " " + c.Thai()
}

// ShortLabel is "ด้านที่ 4 รายได้", for chart axes and narrow columns.
func (c Category) ShortLabel() string {
	return "ด้านที่ " + strconv.Itoa(int(c)) + " " + c.ShortTerm().Thai
}

// Statuses in the words of domain.md; "แก้ไขแล้ว" is this status only.
var statusTerms = [6]Term{
	{},
	{Thai: "ยังไม่ได้ดำเนินการ", English: "not started", Old: []string{"ยังไม่ดำเนินการ", "ยังไม่ได้แก้ไข", "ยังไม่ทำ"}, Input: []string{"ยังไม่เริ่ม", "not_started"}},
	{Thai: "อยู่ระหว่างดำเนินการ", English: "in progress", Old: []string{"ระหว่างดำเนินการ", "อยู่ระหว่างการแก้ไข"}, Input: []string{"กำลังดำเนินการ", "กำลังทำ", "in_progress"}},
	{Thai: "แก้ไขแล้ว", English: "solved", Old: []string{"ช่วยเหลือแล้ว", "แก้ไขเสร็จแล้ว"}, Input: []string{"ดำเนินการแล้ว", "solved"}},
	{Thai: "แก้ไขได้ด้วยตนเอง", English: "solved by the household", Old: []string{"แก้ไขเอง", "แก้ไขได้เอง", "ครัวเรือนแก้ไขเอง"}, Input: []string{"self_solved"}},
	{Thai: "ยุติ", English: "closed", Old: []string{"ยุติการช่วยเหลือ", "ยุติการดำเนินการ"}, Input: []string{"closed"}},
}

// Term returns the status's words.
func (s Status) Term() Term {
	if !s.Valid() {
		return Term{}
	}
	return statusTerms[s]
}

// Origins of a household, and the third value of the workbook's ที่มา
// column: a known household with a problem new in this round.
var (
	originTerms = [3]Term{{}, {Thai: "เดิม", English: "surveyed 2565", Common: true}, {Thai: "ตกหล่น", English: "missed"}}
	// The responsible units of the letter besides the amphoe.
	WordMunicipality     = Term{Thai: "เทศบาล", English: "Municipality", Common: true}
	WordCityMunicipality = Term{Thai: "เทศบาลนคร", English: "City municipality"}
	WordTownMunicipality = Term{Thai: "เทศบาลเมือง", English: "Town municipality"}
	WordFullyCovered     = Term{Thai: "ทั้งตำบล", English: "whole tambon", Common: true}
	WordPartlyCovered    = Term{Thai: "บางส่วน", English: "part of the tambon", Common: true}
	// WordUnitsBesideAmphoe says that a municipality's figures are also
	// in its amphoe's: never add the two.
	WordUnitsBesideAmphoe = Term{Thai: "ครัวเรือนในเขตเทศบาลนับรวมอยู่ในอำเภอด้วย", English: "households in a municipality also count in their amphoe"}
	// WordNoUnit is a household in no municipality.
	WordNoUnit = Term{Thai: "ไม่อยู่ในเขตเทศบาล", English: "in no municipality"}
	// WordNewProblem is a problem new to the register: the ที่มา value of
	// a known household's new problem, and what the import report counts.
	WordNewProblem = Term{Thai: "ปัญหาใหม่", English: "new problem"}
	// WordNewHousehold is a household new to the register.
	WordNewHousehold = Term{Thai: "ครัวเรือนใหม่", English: "new household"}
)

// ParseOrigin reads the workbook's ที่มา column: a household's origin, or
// WordNewProblem, a known household's problem new in the round (newProblem;
// the origin is then เดิม). A blank cell is เดิม.
func ParseOrigin(s string) (o Origin, newProblem bool, err error) {
	t := ThaiToASCIIDigits(strings.ReplaceAll(CleanText(s), " ", ""))
	switch {
	case t == "" || strings.HasPrefix(t, "เดิม") || t == "ครัวเรือนเดิม" || t == "2565":
		return OriginSurvey2565, false, nil
	case strings.HasPrefix(t, "ตกหล่น") || t == "ครัวเรือนตกหล่น" || strings.Contains(t, "ครัวเรือนใหม่"):
		return OriginMissed, false, nil
	case strings.HasPrefix(t, "ปัญหาใหม่") || t == "ใหม่" || t == "2567":
		return OriginSurvey2565, true, nil
	}
	return 0, false, Messages(EINVALID, "ที่มาต้องเป็น %s, %s หรือ %s", []any{originTerms[1].Thai, originTerms[2].Thai, WordNewProblem.Thai},
		"The origin '%s' is not known: it must be %s, %s or %s (in the template's Thai words)", CleanText(s), originTerms[1].English, originTerms[2].English, WordNewProblem.English)
}

// Term returns the origin's words.
func (o Origin) Term() Term {
	if o < OriginSurvey2565 || o > OriginMissed {
		return Term{}
	}
	return originTerms[o]
}

// Re-X-Ray results in the letter's words, distinct from the status words.
var reXRayTerms = [4]Term{
	{},
	{Thai: "ได้รับการแก้ไขแล้ว", English: "solved", Old: []string{"แก้ไขครบถ้วน", "ได้รับการแก้ไขครบถ้วน"}, Input: []string{"แก้ไขแล้ว", "แก้ไขเสร็จ"}},
	{Thai: "แก้ไขไม่เสร็จ", English: "partly solved", Old: []string{"แก้ไขบางส่วน", "แก้ไขยังไม่เสร็จ"}},
	{Thai: "ยังไม่ได้รับการแก้ไข", English: "not solved", Old: []string{"ยังไม่ได้แก้ไข", "ยังไม่แก้ไข", "ไม่ได้รับการแก้ไข"}, Input: []string{"ไม่ได้แก้ไข"}},
}

// The programme and the province's centre that drives it, as the
// ministry's letter names them, and the mark of a demo database's pages.
var (
	WordProgramme = Term{Thai: "การขจัดความยากจนและพัฒนาคนทุกช่วงวัยอย่างยั่งยืน ตามหลักปรัชญาของเศรษฐกิจพอเพียง",
		English: "Sustainable poverty eradication and human development at every age under the Sufficiency Economy philosophy"}
	// WordProvinceCentre is followed by the province's name.
	WordProvinceCentre = Term{Thai: "ศูนย์อำนวยการขับเคลื่อนการแก้ไขปัญหาความยากจนและพัฒนาคนทุกช่วงวัยอย่างยั่งยืน ตามหลักปรัชญาของเศรษฐกิจพอเพียง จังหวัด",
		English: "The province's centre for poverty eradication and human development under the Sufficiency Economy philosophy, "}
	WordProvinceCentreShort = Term{Thai: "ศจพ.จ.", English: "the provincial centre"}
	WordDemoData            = Term{Thai: "ข้อมูลตัวอย่าง", English: "Demo data", Common: true}
)

// WordReXRayChecked heads the carried-over problems re-checked: the three
// Re-X-Ray results together.
var WordReXRayChecked = Term{Thai: "ปัญหาเดิมที่สำรวจซ้ำแล้ว", English: "carried-over problems re-checked"}

// ReXRayHeads are the heads of a Re-X-Ray table's figures, in problems:
// each result in the letter's words, then the three together.
func ReXRayHeads() []Term {
	return []Term{reXRayTerms[1].Counting(UnitProblems), reXRayTerms[2].Counting(UnitProblems), reXRayTerms[3].Counting(UnitProblems), WordReXRayChecked.Counting(UnitProblems)}
}

// Term returns the result's words.
func (r ReXRay) Term() Term {
	if !r.Valid() || r == ReXRayNone {
		return Term{}
	}
	return reXRayTerms[r]
}

// The letter's new cases, counted in households: missed households
// (origin ตกหล่น) and known households (origin เดิม) with a problem found
// in the round.
var (
	WordNewCases            = Term{Thai: "ครัวเรือนตกหล่นและครัวเรือนเดิมที่มีปัญหาใหม่", English: "Missed households and known households with new problems"}
	WordNewCasesTab         = Term{Thai: "ครัวเรือนตกหล่น/ปัญหาใหม่", English: "New cases"}
	WordMissedHouseholds    = Term{Thai: "ครัวเรือนตกหล่น", English: "missed households"}
	WordKnownNewProblems    = Term{Thai: "ครัวเรือนเดิมที่มีปัญหาใหม่", English: "known households with new problems"}
	WordNewCasesSheet       = Term{Thai: "ตกหล่นและปัญหาใหม่", English: "New cases"}
	WordNewCasesCountedOnce = Term{Thai: "นับเป็นครัวเรือน: ครัวเรือนที่มีปัญหาหลายข้อในด้านเดียวกันนับครั้งเดียวในด้านนั้น และครั้งเดียวในรวมทุกด้าน",
		English: "Counted in households: a household with several problems in a category counts once there, and once in all categories"}
)

// NewCaseHeads are the heads of a new-case table's figures, in households.
func NewCaseHeads() []Term {
	return []Term{WordMissedHouseholds.Counting(UnitHouseholds), WordKnownNewProblems.Counting(UnitHouseholds)}
}

// Term returns the new-case group's words.
func (g NewCase) Term() Term {
	switch g {
	case NewCaseMissed:
		return WordMissedHouseholds
	case NewCaseKnown:
		return WordKnownNewProblems
	}
	return Term{}
}

// Terms lists every term of the glossary, for the test that keeps their
// words (but the Common ones) out of the rest of the program.
func Terms() []Term {
	out := []Term{UnitProblems, UnitHouseholds, UnitPercent, WordHouseholds, WordTarget, WordSolvedTotal, WordSolvedTotalMeans, WordPercentSolved, WordPercentOf, WordPercentMeans,
		WordOpen, WordOverdue, WordUrgent, WordUrgentOpen, WordSensitive, WordDeadline, WordTargetDate, WordCategory, WordVillageNo, WordFile,
		HeaderOrigin, HeaderReXRay, WordReXRayChecked, WordProgramme, WordProvinceCentre, WordProvinceCentreShort, WordDemoData, HeaderStatus, HeaderActionDate, HeaderAgency, HeaderWhat, HeaderBudget, WordNewProblem, WordNewHousehold,
		WordMunicipality, WordCityMunicipality, WordTownMunicipality, WordFullyCovered, WordPartlyCovered, WordUnitsBesideAmphoe, WordNoUnit, HeaderThaiQM, WordThaiQMNotKeyed,
		WordNewCases, WordNewCasesTab, WordMissedHouseholds, WordKnownNewProblems, WordNewCasesSheet, WordNewCasesCountedOnce}
	for _, c := range Categories {
		out = append(out, c.Term(), c.ShortTerm())
	}
	for _, s := range Statuses {
		out = append(out, s.Term())
	}
	out = append(out, originTerms[OriginSurvey2565], originTerms[OriginMissed])
	for r := ReXRaySolved; r <= ReXRayUnsolved; r++ {
		out = append(out, r.Term())
	}
	return out
}

// thaiWords are the words of the glossary, the headers, the default
// sub-problems and the pack, for Wrap (linebreak.go) to break lines
// between; longest match picks "ดำเนินการ" over "ดำเนิน".
var thaiWords = strings.Fields(`
กลางคัน กลุ่ม กรรมสิทธิ์ การ การศึกษา กำหนด เกณฑ์ ขาด ขาดแคลน ขวา ของ ครบ ครอบครัว ครั้ง ครัวเรือน ความ
ความ ความเดือดร้อน ความปลอดภัย ความรุนแรง ค้าง คน คนพิการ คอลัมน์ คำนำหน้า เครือข่าย จริง จังหวัด จำนวน จปฐ. ชื่อ
ชีวิต ซ้ำ ซึ่ง ด้าน ด้วย ดำเนิน ดำเนินการ ดื่ม ดูแล ได้ ตกหล่น ต่อ ต่ำกว่า ตนเอง ตรวจสอบ ตำบล ติดตาม ติดเตียง ถาวร
ถูก ทรัพย์สิน ทรุดโทรม ทอดทิ้ง ทั้ง ทุก ทุน ที่ ที่ดิน ที่มา ที่อยู่อาศัย ทั้งหมด นับ นามสกุล นำเข้า น้ำ 
บ้าน บันทึก บาท ประกอบ ประจำตัว ประชาชน ประเภท ปรับปรุง ปลอดภัย ป่วย ปัญหา ปี เปราะบาง เป็น
เปลี่ยน เป้าหมาย แปลง ผล ผู้ ผู้ดูแล ผู้ป่วย ผู้สูงอายุ ผู้อื่น พบ พิการ ไฟล์ ภาคบังคับ ภาคี ภาษาไทย มั่นคง มี ไม่
ไม่ได้ ไม่มี ยก ยอด ยัง ยังค้าง ยาเสพติด ยุติ เยาวชน รวม รหัส ระบุ ระหว่าง รับ รอ รอบ ร้อยละ ราย รายได้ รายละเอียด เรียน
เร่งด่วน เรื้อรัง ลำดับ เลข เลขที่ เลย วัน วันที่ ว่างงาน วิธีการ สถานะ สมาชิก สะอาด สัปดาห์ สำรวจ สำเร็จ สุขลักษณะ
หนี้สิน หน่วยงาน หมายเหตุ หมู่ หมู่ที่ หมู่บ้าน หลัก หลัง ห้องส้วม อ่อนไหว อาชีพ อาศัย อำเภอ อุปกรณ์ อยู่ อื่น ออก
อ่าน เขียน เงินทุน เด็ก เดิม เดือดร้อน เหตุผล แก้ไข แถว แยก แล้ว โทรศัพท์ ใช้ ใหม่ งบประมาณ งาน แสดง
`)
