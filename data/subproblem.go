package data

// SubProblem is an entry of the sub-problem list (ปัญหา) of a category. The
// official list was not published, so this is a default that clerks can
// edit; it is stored in the database and logic reads the flags from there.
type SubProblem struct {
	Category  Category `json:"category"`
	Name      string   `json:"name"`
	Urgent    bool     `json:"urgent,omitempty"`    // no home, drugs, no drinking water
	Sensitive bool     `json:"sensitive,omitempty"` // PDPA s.26: health or criminal data
}

// DefaultSubProblems is the built-in list from domain.md.
func DefaultSubProblems() []SubProblem {
	return []SubProblem{
		{1, "ไม่มีที่อยู่อาศัย", true, false},
		{1, "บ้านทรุดโทรม/ไม่มั่นคงถาวร", false, false},
		{1, "ไม่มีกรรมสิทธิ์ที่ดิน/อาศัยที่ผู้อื่น", false, false},
		{1, "ไม่มีห้องส้วมถูกสุขลักษณะ", false, false},
		{2, "ขาดแคลนน้ำดื่ม", true, false},
		{2, "ขาดแคลนน้ำใช้", false, false},
		{2, "น้ำไม่สะอาด/ไม่ถูกสุขลักษณะ", false, false},
		{3, "เด็กไม่ได้รับการศึกษาภาคบังคับ", false, false},
		{3, "ออกกลางคัน/ไม่ได้เรียนต่อ", false, false},
		{3, "ขาดทุนการศึกษา", false, false},
		{3, "อ่านเขียนภาษาไทยไม่ได้", false, false},
		{4, "ไม่มีอาชีพ/ว่างงาน", false, false},
		{4, "รายได้ต่ำกว่าเกณฑ์ จปฐ.", false, false},
		{4, "หนี้สิน", false, false},
		{4, "ขาดเงินทุน/อุปกรณ์ประกอบอาชีพ", false, false},
		{5, "ยาเสพติด", true, true},
		{5, "ความรุนแรงในครอบครัว", false, true},
		{5, "ไม่ปลอดภัยในชีวิตและทรัพย์สิน", false, false},
		{6, "ผู้สูงอายุไม่มีผู้ดูแล", false, false},
		{6, "คนพิการ", false, true},
		{6, "ผู้ป่วยติดเตียง/ป่วยเรื้อรัง", false, true},
		{6, "เด็ก/เยาวชนถูกทอดทิ้ง", false, false},
		{7, "อื่น ๆ (ระบุ)", false, false},
	}
}

// subProblemEnglish names the default sub-problems in English, for the
// window's English mode; names a clerk added or changed have none.
var subProblemEnglish = map[string]string{
	"ไม่มีที่อยู่อาศัย":                     "No home",
	"บ้านทรุดโทรม/ไม่มั่นคงถาวร":            "House run-down or unsafe",
	"ไม่มีกรรมสิทธิ์ที่ดิน/อาศัยที่ผู้อื่น": "No land title, lives on others' land",
	"ไม่มีห้องส้วมถูกสุขลักษณะ":             "No sanitary toilet",
	"ขาดแคลนน้ำดื่ม":                        "No drinking water",
	"ขาดแคลนน้ำใช้":                         "Short of water for use",
	"น้ำไม่สะอาด/ไม่ถูกสุขลักษณะ":           "Unclean water",
	"เด็กไม่ได้รับการศึกษาภาคบังคับ":        "Child out of compulsory schooling",
	"ออกกลางคัน/ไม่ได้เรียนต่อ":             "Dropped out, not studying on",
	"ขาดทุนการศึกษา":                        "No scholarship",
	"อ่านเขียนภาษาไทยไม่ได้":                "Cannot read or write Thai",
	"ไม่มีอาชีพ/ว่างงาน":                    "No occupation, unemployed",
	"รายได้ต่ำกว่าเกณฑ์ จปฐ.":               "Income below the basic-needs (จปฐ.) line",
	"หนี้สิน": "Debt",
	"ขาดเงินทุน/อุปกรณ์ประกอบอาชีพ": "No capital or tools for work",
	"ยาเสพติด":                      "Drugs",
	"ความรุนแรงในครอบครัว":          "Domestic violence",
	"ไม่ปลอดภัยในชีวิตและทรัพย์สิน": "Unsafe life and property",
	"ผู้สูงอายุไม่มีผู้ดูแล":        "Elderly without a carer",
	"คนพิการ":                       "Person with a disability",
	"ผู้ป่วยติดเตียง/ป่วยเรื้อรัง":  "Bedridden or chronically ill",
	"เด็ก/เยาวชนถูกทอดทิ้ง":         "Abandoned child or youth",
	"อื่น ๆ (ระบุ)":                 "Other (state it)",
}

// SubProblemEnglish is the English of a default sub-problem's name, or ""
// for a name the clerk made.
func SubProblemEnglish(name string) string {
	if e, ok := subProblemEnglish[name]; ok {
		return e
	}
	key := compact(name)
	for th, e := range subProblemEnglish {
		if compact(th) == key {
			return e
		}
	}
	return ""
}

// Validate checks a sub-problem entry.
func (s SubProblem) Validate() error {
	if !s.Category.Valid() {
		return Errorf(EINVALID, "ด้านต้องเป็นเลข 1–7 ไม่ใช่ %d", "category %d invalid", s.Category)
	}
	if CleanText(s.Name) == "" {
		return Errorf(EINVALID, "กรุณาระบุชื่อปัญหา", "sub-problem needs a name")
	}
	return nil
}

// SubProblemList is the editable list, looked up by category and name.
type SubProblemList []SubProblem

// Find returns the entry for a category and name, matching names without
// regard to blanks.
func (l SubProblemList) Find(c Category, name string) (SubProblem, bool) {
	key := compact(name)
	for _, s := range l {
		if s.Category == c && compact(s.Name) == key {
			return s, true
		}
	}
	return SubProblem{}, false
}

func compact(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range CleanText(s) {
		if r != ' ' {
			out = append(out, r)
		}
	}
	return string(out)
}

// UrgentKind is what the dashboard's urgent panel and the meeting pack
// count as one kind of urgent problem: a category with urgent
// sub-problems, named by them ("ไม่มีที่อยู่อาศัย"). Counters count urgent
// problems by category, so two urgent sub-problems of one category are one
// kind, named by both.
type UrgentKind struct {
	Category  Category
	Name      string
	English   string // "" when a name in it has no English (SubProblemEnglish)
	Sensitive bool   // one of its sub-problems is sensitive: the pack hides small counts and prints it hatched
}

// UrgentKinds lists the urgent kinds of the list, in category order.
func (l SubProblemList) UrgentKinds() []UrgentKind {
	var out []UrgentKind
	for _, c := range Categories {
		k := UrgentKind{Category: c}
		english := true
		for _, s := range l {
			if s.Category == c && s.Urgent {
				if k.Name != "" {
					k.Name += "/"
					k.English += "/"
				}
				k.Name += s.Name
				e := SubProblemEnglish(s.Name)
				k.English += e
				english = english && e != ""
				k.Sensitive = k.Sensitive || s.Sensitive
			}
		}
		if !english {
			k.English = ""
		}
		if k.Name != "" {
			out = append(out, k)
		}
	}
	return out
}
