package ui

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"qmdesk/assets"
	"qmdesk/data"
)

// Language is the language of the window. Thai is the default; English is
// for the odd visitor from the ministry's IT contractor.
type Language int

const (
	Thai Language = iota
	English
)

// texts renders words, numbers and dates in the clerk's chosen language
// and digits. Each screen's strings sit beside their English in the code
// (tr("ไทย", "English")), so the two never drift apart in separate files.
type texts struct {
	lang   Language
	digits data.Numerals
}

func (t texts) tr(th, en string) string {
	if t.lang == English {
		return en
	}
	return th
}

// reason is a text the program made and kept in both languages (the
// reason a row of a workbook was not taken): the English in English,
// unless it has none (what older versions kept), then the Thai.
func (t texts) reason(thai, english string) string {
	if t.lang == English && english != "" {
		return english
	}
	return thai
}

// placeName names a place of the geography in the window's language
// (its code when the geography does not know it).
func (t texts) placeName(find func(string) (data.Place, bool), code string) string {
	if p, ok := find(code); ok {
		return t.place(p)
	}
	return code
}

// place is a place's name in the window's language (Thai when the
// geography has no English for it).
func (t texts) place(p data.Place) string {
	if t.lang == English && p.English != "" {
		return p.English
	}
	return p.Thai
}

// subProblem names a sub-problem in the window's language: the default
// list's in English in English mode, a name the clerk made as written.
func (t texts) subProblem(name string) string {
	if e := data.SubProblemEnglish(name); e != "" && t.lang == English {
		return e
	}
	return name
}

// urgentName names an urgent kind in the window's language (a name the
// clerk made stays as she wrote it).
func (t texts) urgentName(k data.UrgentKind) string { return t.reason(k.Name, k.English) }

// cellLength is the note the import adds to a cell's value it shortened
// (app's shortValue), in Thai because it goes back to the district too.
var cellLength = regexp.MustCompile(`… \(ยาว ([0-9,]+) ตัวอักษร\)$`)

// cellValue is a value of a row as the import reported it, its note of
// length in the window's language.
func (t texts) cellValue(v string) string {
	if t.lang != English {
		return v
	}
	return cellLength.ReplaceAllString(v, "… ($1 characters)")
}

// reviewImport is the name the ledger gives an import made by a review
// decision (app's reviewBatch), in Thai because the ledger keeps it so.
var reviewImport = regexp.MustCompile(`^รายการรอตรวจสอบที่ (\d+) \(แถว (\d+) แผ่นงาน (.*)\)$`)

// importName is an import's name in the ledger (its file, or the review
// decided) in the window's language.
func (t texts) importName(file string) string {
	if t.lang != English {
		return file
	}
	return reviewImport.ReplaceAllString(file, "review $1 (row $2, sheet $3)")
}

// areaName is an amphoe or municipality as the exports name it
// ("อำเภอหนองหาน"), the word for amphoe in the window's language.
func (t texts) areaName(name string) string {
	if rest, ok := strings.CutPrefix(name, "อำเภอ"); ok && t.lang == English {
		return "amphoe " + rest
	}
	return name
}

// fate names what became of a row of a workbook.
func (t texts) fate(f data.Fate) string { return t.tr(f.Thai(), f.English()) }

// term is a glossary word in the window's language.
func (t texts) term(x data.Term) string { return t.tr(x.Thai, x.English) }

// n formats a count with thousands separators in the chosen digits.
func (t texts) n(v int64) string { return t.digits.Display(data.FormatNumber(v)) }

func (t texts) ni(v int) string { return t.n(int64(v)) }

// date formats a date in the Buddhist era ("30 ก.ย. 2567"), or as ISO in
// English.
func (t texts) date(d data.Date) string {
	if d.IsZero() {
		return "–"
	}
	if t.lang == English {
		return d.String()
	}
	return t.digits.Display(data.FormatBE(d))
}

func (t texts) digitsOf(s string) string { return t.digits.Display(s) }

func (t texts) status(s data.Status) string { return t.term(s.Term()) }

// category names a category with its number: "ด้านที่ 4 รายได้/อาชีพ".
func (t texts) category(c data.Category) string {
	if !c.Valid() {
		return ""
	}
	if t.lang == English {
		return "Category " + strconv.Itoa(int(c)) + " " + c.English()
	}
	return t.digitsOf(c.Label())
}

// categoryShort is the short form, for narrow places: "ด้านที่ 4 รายได้".
func (t texts) categoryShort(c data.Category) string {
	if t.lang == English {
		return strconv.Itoa(int(c)) + " " + c.ShortTerm().English
	}
	return t.digitsOf(c.ShortLabel())
}

func (t texts) origin(o data.Origin) string { return t.term(o.Term()) }

// errorText is what the clerk reads about err.
func (t texts) errorText(err error) string {
	if t.lang == English {
		if e := data.Explain(err); e.English != "" {
			return e.English
		}
		return err.Error()
	}
	return data.ErrorMessage(err)
}

// useFyneLanguage makes Fyne's own strings (dialog buttons, the file
// chooser) Thai. Fyne picks its language from the system's locale and has
// no way to choose one, so the Thai strings are also registered under the
// system's language and English: an office PC set up in English still gets
// Thai buttons. A change takes effect when the program starts again.
func useFyneLanguage(l Language) {
	if l != Thai {
		return
	}
	fyneThaiOnce.Do(addFyneThai)
}

// fyneThaiOnce: each registration makes Fyne look the system locale up
// again (and log it when it is "C"), so it is done once per run.
var fyneThaiOnce sync.Once

func addFyneThai() {
	for _, loc := range []fyne.Locale{"th", fyne.Locale(lang.SystemLocale().LanguageString()), "en"} {
		if err := lang.AddTranslationsForLocale(assets.FyneThai, loc); err != nil {
			fyne.LogError("Thai translation of Fyne's strings", err)
		}
	}
}
