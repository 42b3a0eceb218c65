// Package data holds qmdesk's domain: the records of the ThaiQM programme,
// how their values are read and written, and the interfaces of the store.
// It imports only the standard library.
package data

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Category is one of the seven problem categories (ด้าน), fixed by the
// Ministry's letter.
type Category int

// Categories lists the seven categories in their official order.
var Categories = []Category{1, 2, 3, 4, 5, 6, 7}

func (c Category) Valid() bool { return c >= 1 && c <= 7 }

// Thai returns the category's Thai name (the glossary's).
func (c Category) Thai() string { return c.Term().Thai }

// English returns the category's English name.
func (c Category) English() string { return c.Term().English }

// ParseCategory reads "4", "ด้านที่ 4", "ด้าน 4", "๔" or a Thai category
// name, whole or one half of it ("ด้านรายได้", "อาชีพ").
func ParseCategory(s string) (Category, error) {
	t := ThaiToASCIIDigits(CleanText(s))
	t = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(t, "ด้านที่"), "ด้าน"))
	t = strings.TrimSuffix(t, ".")
	if n, err := strconv.Atoi(t); err == nil && Category(n).Valid() {
		return Category(n), nil
	}
	bare := strings.ReplaceAll(t, " ", "")
	for _, c := range Categories {
		if bare == strings.ReplaceAll(c.Thai(), " ", "") {
			return c, nil
		}
	}
	// One half of a name with a slash ("ด้านรายได้", "อาชีพ", "น้ำดื่ม",
	// "ที่อยู่อาศัย"): no half is another category's.
	for _, c := range Categories {
		if halves := strings.Split(c.Thai(), "/"); len(halves) > 1 && bare != "" && slices.Contains(halves, bare) {
			return c, nil
		}
	}
	// "4 รายได้/อาชีพ" and "4. รายได้": a leading number decides.
	if f := strings.FieldsFunc(t, func(r rune) bool { return r == ' ' || r == '.' }); len(f) > 1 {
		if n, err := strconv.Atoi(f[0]); err == nil && Category(n).Valid() {
			return Category(n), nil
		}
	}
	return 0, Messages(EINVALID, "ด้าน '%s' ต้องเป็นเลข 1–7 (เช่น '%s')", []any{CleanText(s), Category(4).Label()},
		"Category '%s' must be a number from 1 to 7 (e.g. '4')", CleanText(s))
}

// Status is the current state of a problem, as ministry dashboards count it.
type Status int

const (
	NotStarted Status = iota + 1 // ยังไม่ได้ดำเนินการ
	InProgress                   // อยู่ระหว่างดำเนินการ
	Solved                       // แก้ไขแล้ว (ช่วยเหลือแล้ว)
	SelfSolved                   // แก้ไขได้ด้วยตนเอง
	Closed                       // ยุติ: closed without solving; needs a reason
)

// Statuses lists every status in dashboard order.
var Statuses = []Status{NotStarted, InProgress, Solved, SelfSolved, Closed}

var statusKey = [6]string{"", "not_started", "in_progress", "solved", "self_solved", "closed"}

func (s Status) Valid() bool { return s >= NotStarted && s <= Closed }

// Thai returns the status in the glossary's words.
func (s Status) Thai() string { return s.Term().Thai }

// Key returns the status's stable English key (JSON, logs).
func (s Status) Key() string {
	if !s.Valid() {
		return ""
	}
	return statusKey[s]
}

// Open tells whether the problem still needs work.
func (s Status) Open() bool { return s == NotStarted || s == InProgress }

// IsSolved tells whether s counts as solved in progress percentages.
func (s Status) IsSolved() bool { return s == Solved || s == SelfSolved }

// ParseStatus reads a status in the spellings districts use (the
// glossary's, current and old).
func ParseStatus(s string) (Status, error) {
	t := strings.ReplaceAll(CleanText(s), " ", "")
	for _, st := range Statuses {
		if termMatches(st.Term(), t) {
			return st, nil
		}
	}
	names, english := make([]string, len(Statuses)), make([]string, len(Statuses))
	for i, st := range Statuses {
		names[i], english[i] = st.Thai(), st.Term().English
	}
	return 0, Messages(EINVALID, "สถานะ '%s' ไม่อยู่ในรายการ (%s)", []any{CleanText(s), strings.Join(names, ", ")},
		"Status '%s' is not one of the statuses (%s)", CleanText(s), strings.Join(english, ", "))
}

// termMatches tells whether t, without blanks, is one of the term's forms.
func termMatches(term Term, t string) bool {
	if sameWithoutBlanks(term.Thai, t) {
		return true
	}
	for _, forms := range [2][]string{term.Old, term.Input} {
		for _, form := range forms {
			if sameWithoutBlanks(form, t) {
				return true
			}
		}
	}
	return false
}

// sameWithoutBlanks tells whether form, its spaces taken out, is t
// (strings.ReplaceAll(form, " ", "") == t, without making the string).
func sameWithoutBlanks(form, t string) bool {
	j := 0
	for i := 0; i < len(form); i++ {
		if form[i] == ' ' {
			continue
		}
		if j == len(t) || t[j] != form[i] {
			return false
		}
		j++
	}
	return j == len(t)
}

// Origin tells how a household came into the programme.
type Origin int

const (
	OriginSurvey2565 Origin = iota + 1 // เดิม: surveyed in 2565
	OriginMissed                       // ตกหล่น: missed, added in 2567
)

// Thai returns the origin in the glossary's words.
func (o Origin) Thai() string { return o.Term().Thai }

// ReXRay is the result of re-checking a problem carried over from 2565.
type ReXRay int

const (
	ReXRayNone     ReXRay = iota // not re-checked (new problems)
	ReXRaySolved                 // แก้ไขแล้ว
	ReXRayPartly                 // แก้ไขบางส่วน
	ReXRayUnsolved               // ยังไม่ได้แก้ไข
)

// Valid tells a result the register knows (ReXRayNone included).
func (r ReXRay) Valid() bool { return r >= ReXRayNone && r <= ReXRayUnsolved }

// Thai returns the result in the letter's words (the glossary's).
func (r ReXRay) Thai() string { return r.Term().Thai }

// ParseReXRay reads a Re-X-Ray result; an empty cell is ReXRayNone.
func ParseReXRay(s string) (ReXRay, error) {
	t := strings.ReplaceAll(CleanText(s), " ", "")
	if t == "" {
		return ReXRayNone, nil
	}
	names, english := []string{}, []string{}
	for r := ReXRaySolved; r <= ReXRayUnsolved; r++ {
		if termMatches(r.Term(), t) {
			return r, nil
		}
		names, english = append(names, r.Thai()), append(english, r.Term().English)
	}
	return 0, Messages(EINVALID, "%s '%s' ไม่อยู่ในรายการ (%s)", []any{HeaderReXRay.Thai, CleanText(s), strings.Join(names, ", ")},
		"%s '%s' is not one of the results (%s)", HeaderReXRay.English, CleanText(s), strings.Join(english, ", "))
}

// Round is a programme round: Re-X-Ray 2567 runs from 1 Mar 2567 to its
// deadline 30 Sep 2567. Old rounds stay readable when a new one is added.
type Round struct {
	ID         uint64 `json:"id"`
	Name       string `json:"name"`
	SurveyYear int    `json:"survey_year"` // BE year of the survey it re-checks (2565)
	Start      Date   `json:"start"`       // results recording starts
	Deadline   Date   `json:"deadline"`    // everything solved by
}

// DefaultRound is the round of the Ministry's letter.
func DefaultRound() Round {
	return Round{Name: "Re-X-Ray 2567", SurveyYear: 2565, Start: NewDate(2024, time.March, 1), Deadline: NewDate(2024, time.September, 30)}
}

// Validate checks a round before it is stored; today bounds its dates.
func (r Round) Validate(today Date) error {
	if strings.TrimSpace(r.Name) == "" {
		return Errorf(EINVALID, "กรุณาระบุชื่อรอบ", "round needs a name")
	}
	if r.Start.IsZero() || r.Deadline.IsZero() {
		return Errorf(EINVALID, "กรุณาระบุวันเริ่มบันทึกผลและวันครบกำหนดของรอบ", "round needs a start and a deadline")
	}
	if err := r.Start.CheckPlanned("วันเริ่มบันทึกผล", today); err != nil {
		return err
	}
	if err := r.Deadline.CheckPlanned("วันครบกำหนด", today); err != nil {
		return err
	}
	if !r.Start.Before(r.Deadline) {
		return Errorf(EINVALID, "วันเริ่มบันทึกผลต้องมาก่อนวันครบกำหนด", "round start must precede its deadline")
	}
	if r.SurveyYear != 0 && (r.SurveyYear < 2500 || r.SurveyYear > 2700) {
		return Errorf(EINVALID, "ปีที่สำรวจ %d ไม่ถูกต้อง (ใช้ปี พ.ศ. เช่น 2565)", "round survey year %d invalid", r.SurveyYear)
	}
	return nil
}

// Person is the head of a household.
type Person struct {
	NationalID string `json:"national_id,omitempty"` // 13 digits
	Title      string `json:"title,omitempty"`
	FirstName  string `json:"first_name,omitempty"`
	LastName   string `json:"last_name,omitempty"`
	Phone      string `json:"phone,omitempty"`
}

// FullName returns "นายสมชาย ใจดี".
func (p Person) FullName() string {
	return strings.TrimSpace(p.Title + p.FirstName + " " + p.LastName)
}

// Household is a household in the programme.
type Household struct {
	ID          uint64 `json:"id"`
	HouseCode   string `json:"house_code,omitempty"` // 11 digits; homeless households have none
	HouseNo     string `json:"house_no,omitempty"`
	VillageNo   int    `json:"village_no,omitempty"`
	VillageName string `json:"village_name,omitempty"`
	TambonCode  string `json:"tambon"` // CCAATT; amphoe and province are its prefixes
	Head        Person `json:"head"`
	Members     int    `json:"members,omitempty"`
	Origin      Origin `json:"origin"`
	// Unit is the code of the municipality (data.Unit) the household
	// belongs to, "" for none: set by the store from the unit list for a
	// wholly covered tambon, the clerk's choice in a partly covered one.
	Unit      string    `json:"unit,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// ChangedOn is the date of the information the record holds: the day
	// of a clerk's change in qmdesk (the clock's Today, a training day
	// included), or, for a change an import made, the date of the
	// information its row carried (the row's action date, else the
	// workbook's own date; never after the import's day, which it is
	// when the row has neither), kept when the record already held a
	// later one. ChangedBy is who made the last change (for an import,
	// who ran it; the import itself is the ledger entry whose At is the
	// record's UpdatedAt). A workbook's older information is compared
	// with ChangedOn.
	ChangedOn Date   `json:"changed_on"`
	ChangedBy string `json:"changed_by,omitempty"`

	// IDCheckOverride records that the clerk accepted a national ID whose
	// check digit fails.
	IDCheckOverride bool `json:"id_check_override,omitempty"`
}

// AmphoeCode returns CCAA.
func (h Household) AmphoeCode() string { return prefix(h.TambonCode, 4) }

// ProvinceCode returns CC.
func (h Household) ProvinceCode() string { return prefix(h.TambonCode, 2) }

func prefix(s string, n int) string {
	if len(s) < n {
		return s
	}
	return s[:n]
}

// Normalize cleans free text, as every write path must before Validate.
func (h *Household) Normalize() {
	h.HouseNo = ThaiToASCIIDigits(CleanText(h.HouseNo))
	h.VillageName = CleanText(h.VillageName)
	h.Head.Title = CleanText(h.Head.Title)
	h.Head.FirstName = CleanText(h.Head.FirstName)
	h.Head.LastName = CleanText(h.Head.LastName)
	h.Head.Phone = ThaiToASCIIDigits(CleanText(h.Head.Phone))
}

// Validate checks a household before it is stored.
func (h Household) Validate() error {
	if len(h.TambonCode) != 6 || !allDigits(h.TambonCode) {
		return Messages(EINVALID, "ครัวเรือนต้องระบุตำบล", nil, "household needs a 6-digit tambon code, got %q", h.TambonCode)
	}
	if h.HouseCode != "" && (len(h.HouseCode) != 11 || !allDigits(h.HouseCode)) {
		return Errorf(EINVALID, "รหัสบ้าน '%s' ต้องเป็นตัวเลข 11 หลัก", "house code %q is not 11 digits", h.HouseCode)
	}
	if id := h.Head.NationalID; id != "" {
		if len(id) != 13 || !allDigits(id) {
			return Errorf(EINVALID, "เลขประจำตัวประชาชน '%s' ต้องเป็นตัวเลข 13 หลัก", "national ID %q is not 13 digits", id)
		}
		if !NationalIDCheckOK(id) && !h.IDCheckOverride {
			return ErrCheckDigit
		}
	}
	if h.HouseCode == "" && h.Head.NationalID == "" {
		return Errorf(EINVALID, "ครัวเรือนต้องมีรหัสบ้านหรือเลขประจำตัวประชาชนของหัวหน้าครัวเรือนอย่างน้อยหนึ่งอย่าง", "household needs a house code or a national ID")
	}
	if h.Origin != OriginSurvey2565 && h.Origin != OriginMissed {
		return Messages(EINVALID, "ที่มาของครัวเรือนต้องเป็น %s หรือ %s", []any{OriginSurvey2565.Thai(), OriginMissed.Thai()}, "household origin %d invalid", h.Origin)
	}
	if h.Members < 0 || h.Members > 100 {
		return Errorf(EINVALID, "จำนวนสมาชิก %d ไม่สมเหตุสมผล", "members %d out of range", h.Members)
	}
	if h.VillageNo < 0 || h.VillageNo > 999 {
		return Errorf(EINVALID, "หมู่ที่ %d ไม่สมเหตุสมผล", "village number %d out of range", h.VillageNo)
	}
	return checkLengths(lengthCheck{"คำนำหน้า", h.Head.Title, MaxTitle}, lengthCheck{"ชื่อ", h.Head.FirstName, MaxName},
		lengthCheck{"นามสกุล", h.Head.LastName, MaxName}, lengthCheck{"โทรศัพท์", h.Head.Phone, MaxPhone},
		lengthCheck{"บ้านเลขที่", h.HouseNo, MaxHouseNo}, lengthCheck{"ชื่อหมู่บ้าน", h.VillageName, MaxVillageName})
}

// noPhone are what districts write for a household without a phone, kept
// as written.
var noPhone = []string{"-", "ไม่มี", "ไม่มีเบอร์", "ไม่มีโทรศัพท์"}

// NormalizePhone reads a phone field as a district writes it: one or more
// numbers in figures (Thai digits become Arabic), with spaces, dashes, a
// leading +, commas, slashes, dots, brackets and the word ต่อ for an
// extension, or a word for none. Anything else is refused with what may be
// written: a phone field is no place for words, and text such as
// =HYPERLINK(…) must never reach a workbook.
func NormalizePhone(s string) (string, error) {
	s = ThaiToASCIIDigits(CleanText(s))
	if s == "" || slices.Contains(noPhone, s) {
		return s, nil
	}
	digits := 0
	for _, r := range strings.ReplaceAll(s, "ต่อ", "") {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" -+,/.()", r):
		default:
			return "", Errorf(EINVALID, "เบอร์โทรศัพท์ '%s' มีอักขระที่ใช้ไม่ได้ (%c): ใส่ได้เฉพาะตัวเลข เว้นวรรค ขีด (-) เครื่องหมาย + จุลภาค (,) ทับ (/) วงเล็บ และคำว่า ต่อ เช่น 081-234-5678, 042-123456 ต่อ 12",
				"The phone number '%s' holds a character that cannot be used ('%c'): write only figures, spaces, dashes (-), +, commas (,), slashes (/), brackets and the word 'ต่อ' before an extension, e.g. 081-234-5678", s, r)
		}
	}
	if n := utf8.RuneCountInString(s); n > MaxPhone {
		return "", Errorf(EINVALID, "ช่องโทรศัพท์ยาว %d ตัวอักษร เกิน %d: ใส่เฉพาะเบอร์ที่ใช้ติดต่อ คั่นด้วยจุลภาค (,)", "The phone field is %d characters long, more than %d: write only the numbers to call, separated by commas (,)", n, MaxPhone)
	}
	if digits < 3 {
		return "", Errorf(EINVALID, "เบอร์โทรศัพท์ '%s' ไม่มีตัวเลขพอเป็นเบอร์: ใส่เบอร์เป็นตัวเลข เช่น 081-234-5678 หรือเว้นว่างถ้าไม่มี", "The phone number '%s' has too few figures for a number: write it in figures, e.g. 081-234-5678, or leave the cell empty when there is none", s)
	}
	return s, nil
}

// Problem is one problem of a household in one category, followed until it
// is solved or closed.
type Problem struct {
	ID          uint64   `json:"id"`
	HouseholdID uint64   `json:"household_id"`
	RoundID     uint64   `json:"round_id"`
	Category    Category `json:"category"`
	SubProblem  string   `json:"sub_problem"`
	Detail      string   `json:"detail,omitempty"`
	Urgent      bool     `json:"urgent,omitempty"`
	Sensitive   bool     `json:"sensitive,omitempty"`
	SurveyYear  int      `json:"survey_year"` // 2565 carried over, 2567 new
	ReXRay      ReXRay   `json:"rexray,omitempty"`
	Status      Status   `json:"status"`
	CloseReason string   `json:"close_reason,omitempty"`
	TargetDate  Date     `json:"target_date"`
	LeadAgency  string   `json:"lead_agency,omitempty"`
	// FoundOn is the day the problem entered the programme; empty for a
	// problem carried over from the survey, which counts from the round's
	// start. ResolvedOn is the day it left the open statuses (solved,
	// solved by the household, closed); empty while it is open. The store
	// fills both when they are missing; progress over time is counted
	// from them.
	FoundOn    Date      `json:"found_on"`
	ResolvedOn Date      `json:"resolved_on"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	ChangedOn  Date      `json:"changed_on"` // as Household.ChangedOn
	ChangedBy  string    `json:"changed_by,omitempty"`
	// CarriedFrom is the problem of an earlier round this one continues
	// (its history is that problem's actions, then this one's);
	// CarriedTo, set on that earlier problem, is where its work went on.
	// A carried problem stays in its round as it was, read-only.
	CarriedFrom uint64 `json:"carried_from,omitempty"`
	CarriedTo   uint64 `json:"carried_to,omitempty"`
	// ThaiQMOn is the day the problem's result was keyed into ThaiQM
	// (HeaderThaiQM); empty while it is not, or since a later change of
	// its result (SettleThaiQM).
	ThaiQMOn Date `json:"thaiqm_on,omitzero"`
}

// NewInRoundYear is the survey year of a problem found during round r
// (not carried over from the survey): the Thai fiscal year the round
// starts in, 2567 for Re-X-Ray 2567.
func NewInRoundYear(r Round) int { return FiscalYearBE(r.Start) }

// Overdue tells whether the problem is still open past its target date.
// Contradiction says, in Thai and in English, what of the problem the
// programme does not allow together for a household of origin, nothing
// (the zero Sentence) when nothing: the letter's
// category 7 is troubles the household cannot solve itself, so it is never
// solved by the household itself; the Re-X-Ray re-checks the problems of
// the 2565 survey only, so a problem found later has no result; a missed
// household was not in that survey, so none of its problems is from it.
func (p Problem) Contradiction(origin Origin) Sentence {
	switch {
	case p.Category == 7 && p.Status == SelfSolved:
		return Sentence{fmt.Sprintf("%s จึงมีสถานะ '%s' ไม่ได้", Category(7).Label(), SelfSolved.Thai()),
			fmt.Sprintf("Category 7 (%s) cannot have the status '%s'", Category(7).English(), SelfSolved.Term().English)}
	case p.ReXRay != ReXRayNone && p.SurveyYear != 2565:
		return Sentence{fmt.Sprintf("%s ใช้กับปัญหาจากการสำรวจปี 2565 เท่านั้น แต่ปัญหานี้พบปี %d", HeaderReXRay.Thai, p.SurveyYear),
			fmt.Sprintf("A %s is only for problems of the 2565 survey, but this problem was found in %d", HeaderReXRay.English, p.SurveyYear)}
	case origin == OriginMissed && p.SurveyYear == 2565:
		return Sentence{fmt.Sprintf("ครัวเรือน%sไม่ได้อยู่ในการสำรวจปี 2565 จึงไม่มีปัญหาจากการสำรวจนั้น", OriginMissed.Thai()),
			"A missed household was not in the 2565 survey, so none of its problems is from that survey"}
	}
	return Sentence{}
}

func (p Problem) Overdue(today Date) bool {
	return p.Status.Open() && !p.TargetDate.IsZero() && p.TargetDate.Before(today)
}

// Normalize cleans free text.
func (p *Problem) Normalize() {
	p.SubProblem = CleanText(p.SubProblem)
	p.Detail = CleanText(p.Detail)
	p.CloseReason = CleanText(p.CloseReason)
	p.LeadAgency = CleanText(p.LeadAgency)
}

// Validate checks a problem before it is stored; today bounds its dates.
func (p Problem) Validate(today Date) error {
	if !p.Category.Valid() {
		return Errorf(EINVALID, "ด้านต้องเป็นเลข 1–7 ไม่ใช่ %d", "category %d invalid", p.Category)
	}
	if p.SubProblem == "" {
		return Errorf(EINVALID, "กรุณาระบุปัญหา", "problem needs a sub-problem")
	}
	if !p.Status.Valid() {
		return Messages(EINVALID, "สถานะไม่ถูกต้อง", nil, "status %d invalid", p.Status)
	}
	if p.Status == Closed && p.CloseReason == "" {
		return Messages(EINVALID, "สถานะ '%s' ต้องระบุเหตุผล (เช่น ย้ายออก เสียชีวิต ปฏิเสธความช่วยเหลือ ข้อมูลซ้ำ)", []any{Closed.Thai()}, "closing needs a reason")
	}
	if p.SurveyYear != 2565 && p.SurveyYear != 2567 && (p.SurveyYear < 2560 || p.SurveyYear > 2700) {
		return Errorf(EINVALID, "ปีที่สำรวจพบปัญหา %d ไม่ถูกต้อง", "survey year %d invalid", p.SurveyYear)
	}
	if p.HouseholdID == 0 || p.RoundID == 0 {
		return Errorf(EINVALID, "ปัญหาต้องอยู่ในครัวเรือนและรอบ", "problem needs a household and a round")
	}
	if !p.ReXRay.Valid() {
		return Messages(EINVALID, "%sไม่ถูกต้อง", []any{HeaderReXRay.Thai}, "Re-X-Ray result %d invalid", p.ReXRay)
	}
	if err := p.TargetDate.CheckPlannedOf(WordTargetDate, today); err != nil {
		return err
	}
	if err := p.FoundOn.CheckSane("วันที่พบปัญหา", today); err != nil {
		return err
	}
	if err := p.ResolvedOn.CheckSaneOf(WordResolvedOn, today); err != nil {
		return err
	}
	if err := p.ThaiQMOn.CheckSaneOf(HeaderThaiQM, today); err != nil {
		return err
	}
	return checkLengths(lengthCheck{"ปัญหา", p.SubProblem, MaxSubProblem}, lengthCheck{"รายละเอียด", p.Detail, MaxDetail},
		lengthCheck{"เหตุผลที่" + Closed.Thai(), p.CloseReason, MaxNote}, lengthCheck{"หน่วยงานหลัก", p.LeadAgency, MaxAgency})
}

// Action is one step taken on a problem. Actions are append-only: a mistake
// is corrected by a new action, never by editing an old one.
type Action struct {
	ID         uint64    `json:"id"`
	ProblemID  uint64    `json:"problem_id"`
	Date       Date      `json:"date"`
	Agency     string    `json:"agency,omitempty"`
	What       string    `json:"what,omitempty"`
	Budget     int64     `json:"budget_satang,omitempty"` // satang: 1 baht = 100
	Result     Status    `json:"result,omitempty"`        // the status it led to, if any
	Note       string    `json:"note,omitempty"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
	ThaiQMOn   Date      `json:"thaiqm_on,omitzero"` // keyed into ThaiQM on (HeaderThaiQM)
	// Seen is the problem's UpdatedAt as the caller showed it when the
	// clerk chose this action: AddAction refuses the action (data.Stale)
	// when the problem changed since. Zero: no check (imports, the
	// program's own actions). Never stored: neither the store's record
	// nor an import's plan keeps it, nor JSON.
	Seen time.Time `json:"-"`
}

// Normalize cleans free text.
func (a *Action) Normalize() {
	a.Agency = CleanText(a.Agency)
	a.What = CleanText(a.What)
	a.Note = CleanText(a.Note)
}

// Validate checks an action before it is stored; today bounds its date.
func (a Action) Validate(today Date) error {
	if a.Date.IsZero() {
		return Messages(EINVALID, "กรุณาระบุ%s", []any{HeaderActionDate.Thai}, "action needs a date")
	}
	if err := a.Date.CheckSaneOf(HeaderActionDate, today); err != nil {
		return err
	}
	// An action is something done: a date after today is a slip (often
	// of the year), which a workbook's row is refused for too.
	if !today.IsZero() && a.Date.After(today) {
		return Messages(EINVALID, "%s %s อยู่ในอนาคต (วันนี้ %s): กรุณาตรวจสอบวันที่และปี พ.ศ.", []any{HeaderActionDate.Thai, FormatBE(a.Date), FormatBE(today)},
			"%s %s is in the future (today is %s): check the date and its year (Buddhist era)", HeaderActionDate.English, a.Date, today)
	}
	if err := a.ThaiQMOn.CheckSaneOf(HeaderThaiQM, today); err != nil {
		return err
	}
	if a.Budget < 0 {
		return Errorf(EINVALID, "งบประมาณติดลบไม่ได้", "negative budget")
	}
	if a.Result != 0 && !a.Result.Valid() {
		return Messages(EINVALID, "สถานะหลังดำเนินการไม่ถูกต้อง", nil, "result status %d invalid", a.Result)
	}
	if a.What == "" && a.Agency == "" && a.Result == 0 && a.Note == "" {
		return Messages(EINVALID, "กรุณาระบุ%sหรือ%s", []any{HeaderWhat.Thai, HeaderAgency.Thai}, "empty action")
	}
	return checkLengths(lengthCheck{HeaderAgency.Thai, a.Agency, MaxAgency}, lengthCheck{HeaderWhat.Thai, a.What, MaxDetail}, lengthCheck{"หมายเหตุ", a.Note, MaxNote})
}

// SameAs tells whether two actions record the same step, so that a
// workbook read twice adds it once.
func (a Action) SameAs(b Action) bool {
	return a.Date == b.Date && a.Agency == b.Agency && a.What == b.What && a.Budget == b.Budget && a.Result == b.Result && a.Note == b.Note
}

// SettleDates fills the problem's FoundOn and ResolvedOn when the writer
// left them out, as every store does before it writes a problem: found
// today unless carried over from the survey or from an earlier round
// (those count from the round's start), resolved today when it leaves
// the open statuses; an open problem has no ResolvedOn. old is the stored
// problem, nil for a new one.
func (p *Problem) SettleDates(old *Problem, today Date) {
	if p.FoundOn.IsZero() && p.SurveyYear != 2565 && p.CarriedFrom == 0 {
		if old != nil {
			p.FoundOn = old.FoundOn
		}
		if p.FoundOn.IsZero() {
			p.FoundOn = today
		}
	}
	switch {
	case p.Status.Open():
		p.ResolvedOn = Date{}
	case !p.ResolvedOn.IsZero():
	case old != nil && !old.Status.Open() && !old.ResolvedOn.IsZero():
		p.ResolvedOn = old.ResolvedOn
	default:
		p.ResolvedOn = today
	}
}

// CheckProvinceCode refuses a province code that is not two digits, as a
// store's Init does.
func CheckProvinceCode(code string) error {
	if len(code) != 2 || strings.Trim(code, "0123456789") != "" {
		return Errorf(EINVALID, "รหัสจังหวัด '%s' ต้องเป็นตัวเลข 2 หลัก", "province code %q is not 2 digits", code)
	}
	return nil
}

// PrepareNew makes a new problem of round r ready to store, as every store
// does: the round's deadline as its target date when it has none, its text
// cleaned, its found and resolved days settled for today, then checked.
func (p *Problem) PrepareNew(r Round, today Date) error {
	if p.TargetDate.IsZero() {
		p.TargetDate = r.Deadline
	}
	p.Normalize()
	p.SettleDates(nil, today)
	return p.Validate(today)
}

// PrepareUpdate makes p, a change of the stored problem old, ready to
// store, as every store does: the links between rounds kept (only a
// carry-over sets them), its text cleaned, no close reason unless closed,
// its days settled for today, then checked; a problem never moves to
// another household or round.
func (p *Problem) PrepareUpdate(old *Problem, today Date) error {
	p.CarriedFrom, p.CarriedTo = old.CarriedFrom, old.CarriedTo
	p.Normalize()
	if p.Status != Closed {
		p.CloseReason = ""
	}
	p.SettleDates(old, today)
	if err := p.Validate(today); err != nil {
		return err
	}
	if p.HouseholdID != old.HouseholdID || p.RoundID != old.RoundID {
		return Messages(EINVALID, "ย้ายปัญหาไปครัวเรือนหรือรอบอื่นไม่ได้ ให้เปลี่ยนสถานะปัญหานี้เป็น '%s' และบันทึกใหม่", []any{Closed.Thai()}, "problem %d cannot change household or round", p.ID)
	}
	return nil
}
