package app

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// rowInput is one data row read and normalised, before matching.
type rowInput struct {
	Sheet string
	Row   int

	Household data.Household
	Problem   data.Problem
	Action    *data.Action
	HasStatus bool
	IDWarning bool // the national ID fails its check digit
	// Key is the household named by its qmdesk key (data.HouseholdKey) in
	// the ID column (keyColumn) of a follow-up workbook, for one without a
	// house code.
	Key       uint64
	keyColumn string

	Unknown *unknownSub // the sub-problem is not in the list
	Stamp   rowStamp    // a follow-up row's stamp of its records, when Stamped
	Stamped bool
	// The action date's column and cell, for a rejection the planner
	// makes (a date before the round's start).
	actionColumn, actionValue string
	// The tambon's column and cell, for the planner's refusal of a row
	// outside a municipality's workbook.
	tambonColumn, tambonValue string

	Reject *data.RowResult // set when the row cannot be taken
}

// places caches name lookups: a province file names the same few hundred
// places a hundred thousand times.
type places struct {
	geo      *data.Geography
	province string
	amphoe   map[string]placeResult
	tambon   map[[2]string]placeResult
	// The province cell last read and what it found: a file names one.
	provinceName  string
	provinceFound data.Place
	provinceErr   error
	provinceKnown bool
}

type placeResult struct {
	code string
	err  error
}

func newPlaces(geo *data.Geography, province string) *places {
	return &places{geo: geo, province: province, amphoe: map[string]placeResult{}, tambon: map[[2]string]placeResult{}}
}

func (p *places) findProvince(name string) (data.Place, error) {
	if !p.provinceKnown || name != p.provinceName {
		p.provinceFound, p.provinceErr = p.geo.FindProvince(name)
		p.provinceName, p.provinceKnown = name, true
	}
	return p.provinceFound, p.provinceErr
}

func (p *places) findAmphoe(name string) (string, error) {
	r, ok := p.amphoe[name]
	if !ok {
		a, err := p.geo.FindAmphoe(p.province, name)
		r = placeResult{a.Code, err}
		p.amphoe[name] = r
	}
	return r.code, r.err
}

func (p *places) findTambon(amphoe, name string) (string, error) {
	k := [2]string{amphoe, name}
	r, ok := p.tambon[k]
	if !ok {
		var t data.Place
		var err error
		if amphoe == "" {
			t, err = p.geo.FindTambonInProvince(p.province, name)
		} else {
			t, err = p.geo.FindTambon(amphoe, name)
		}
		r = placeResult{t.Code, err}
		p.tambon[k] = r
	}
	return r.code, r.err
}

// isBlankRow tells a row with nothing in it.
func isBlankRow(cells []string) bool {
	for _, c := range cells {
		if data.CleanText(c) != "" {
			return false
		}
	}
	return true
}

// isSubtotalRow tells a "รวม" / "รวมทั้งสิ้น" line: it names a total and
// carries no identifier.
func (l *layout) isSubtotalRow(cells []string) bool {
	first := ""
	for _, c := range cells {
		if t := data.CleanText(c); t != "" {
			first = t
			break
		}
	}
	if !strings.HasPrefix(strings.ReplaceAll(first, " ", ""), "รวม") {
		return false
	}
	return l.cell(cells, fHouseCode) == "" && l.cell(cells, fNationalID) == ""
}

func (l *layout) cell(cells []string, f field) string {
	c := l.Col[f]
	if c == 0 || c > len(cells) {
		return ""
	}
	return data.CleanText(data.FromFormulaSafe(cells[c-1])) // as qmdesk wrote it, without its guard
}

// fieldLengths is the longest each column may be, in characters: the
// record's own limits for free text (the detail half of it: a problem
// name not in the list goes in front of the detail, and words the
// district adds to an "others" problem after it), and for codes, names of
// places and words from a list what their longest spelling needs, with
// room to spare (nothing longer is parsed or matched).
var fieldLengths = []struct {
	field field
	most  int
}{
	{fHouseCode, 30}, {fHouseNo, data.MaxHouseNo}, {fVillageNo, 30}, {fVillageName, data.MaxVillageName},
	{fTambon, 100}, {fAmphoe, 100}, {fProvince, 100}, {fNationalID, 30},
	{fTitle, data.MaxTitle}, {fFirstName, data.MaxName}, {fLastName, data.MaxName}, {fFullName, data.MaxTitle + 2*data.MaxName},
	{fPhone, data.MaxPhone}, {fMembers, 20}, {fOrigin, 100}, {fCategory, 100}, {fSubProblem, data.MaxSubProblem},
	{fDetail, data.MaxDetail / 2}, {fReXRay, 100}, {fStatus, 100}, {fActionDate, 50}, {fAgency, data.MaxAgency},
	{fWhat, data.MaxDetail}, {fBudget, 30}, {fNote, data.MaxNote}, {fTargetDate, 50}, {fLeadAgency, data.MaxAgency}, {fVersion, 200}, {fThaiQM, 50}, {fUnit, 100},
}

// shortValue is a cell as a report shows it: a long one cut, with its
// length, so that a rejected row does not carry its whole text into the
// report and the import ledger. The window's English mode rewrites the
// note of length (ui's cellValue): keep the two alike.
func shortValue(s string) string {
	const keep = 100
	if len(s) <= keep {
		return s
	}
	n := utf8.RuneCountInString(s)
	if n <= keep {
		return s
	}
	i := 0
	for range keep {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + "… (ยาว " + data.FormatNumber(int64(n)) + " ตัวอักษร)"
}

// parseRow reads one data row. Problems with a value reject the row with
// its column, value and a reason in Thai and in English; the first
// problem found is the one reported.
func (imp *Importer) parseRow(l *layout, row int, cells []string) rowInput {
	in := rowInput{Sheet: l.Sheet, Row: row}
	reject := func(f field, why data.Sentence) rowInput {
		in.Reject = &data.RowResult{Sheet: l.Sheet, Row: row, Fate: data.FateRejected, Column: l.headerOf(f), Value: shortValue(l.cell(cells, f)),
			Reason: why.Thai, ReasonEnglish: why.English}
		return in
	}
	rejectErr := func(f field, err error) rowInput { return reject(f, data.ErrorSentence(err)) }
	// Each field's cell is cleaned once: the lengths are checked on it,
	// then it is read.
	var clean [fieldCount]string
	var cleaned [fieldCount]bool
	get := func(f field) string {
		if !cleaned[f] {
			clean[f], cleaned[f] = l.cell(cells, f), true
		}
		return clean[f]
	}

	// Lengths first: a cell longer than Excel allows (any column, read or
	// not), then each field against what it means.
	for i, c := range cells {
		if n := xlsx.CellTooLong(c); n > 0 {
			why := data.Sentencef("ช่องนี้ยาว %s ตัวอักษร เกินที่ Excel รับได้ (%s ตัวอักษร) ไฟล์อาจเสียหายหรือไม่ได้บันทึกจาก Excel: กรุณาแก้ช่องนี้ใน Excel แล้วบันทึกใหม่",
				"This cell is %s characters long, more than Excel allows (%s): the file may be damaged, or was not saved by Excel. Correct the cell in Excel and save the file again",
				data.FormatNumber(int64(n)), data.FormatNumber(int64(xlsx.Limit.CellChars)))
			in.Reject = &data.RowResult{Sheet: l.Sheet, Row: row, Fate: data.FateRejected, Column: l.columnName(i + 1), Value: shortValue(c),
				Reason: why.Thai, ReasonEnglish: why.English}
			return in
		}
	}
	for _, fl := range fieldLengths {
		if v := get(fl.field); len(v) > fl.most { // a character takes at least one byte
			if err := data.CheckLength(l.headerOf(fl.field), v, fl.most); err != nil {
				return rejectErr(fl.field, err)
			}
		}
	}
	h := &in.Household
	h.Origin = data.OriginSurvey2565

	// Where: the province must be ours; amphoe and tambon must exist in it.
	if p := get(fProvince); p != "" {
		if pl, err := imp.places.findProvince(p); err != nil {
			return rejectErr(fProvince, err)
		} else if pl.Code != imp.places.province {
			return reject(fProvince, data.Sentence{Thai: "แถวนี้เป็นของจังหวัด" + pl.Thai + " ไม่ใช่จังหวัดของฐานข้อมูลนี้",
				English: "This row is of " + pl.EnglishName() + " province, not of this database's province"})
		}
	}
	amphoe := ""
	if a := get(fAmphoe); a != "" {
		code, err := imp.places.findAmphoe(a)
		if err != nil {
			return rejectErr(fAmphoe, err)
		}
		amphoe = code
	}
	t := get(fTambon)
	if t == "" {
		return reject(fTambon, data.Sentence{Thai: "ไม่ได้ระบุตำบล", English: "The tambon is not given"})
	}
	tambon, err := imp.places.findTambon(amphoe, t)
	if err != nil {
		return rejectErr(fTambon, err)
	}
	h.TambonCode = tambon
	in.tambonColumn, in.tambonValue = l.headerOf(fTambon), t
	if v := get(fUnit); v != "" {
		code, why := imp.unitOfRow(v, tambon)
		if why.Thai != "" {
			return reject(fUnit, why)
		}
		h.Unit = code
	}

	// Who: house code and/or national ID.
	if v := get(fHouseCode); v != "" && v != "-" {
		code, err := data.NormalizeHouseCode(v)
		if err != nil {
			return rejectErr(fHouseCode, err)
		}
		h.HouseCode = code
	}
	// A masked ID (x-xxxx-xxxxx-12-1) comes back from our own follow-up
	// workbooks: the house code is the key there, the ID is not given. A
	// household without a house code comes back as its qmdesk key.
	if key, ok := data.ParseHouseholdKey(get(fNationalID)); ok {
		in.Key, in.keyColumn = key, l.headerOf(fNationalID)
	} else if v := get(fNationalID); v != "" && v != "-" && !strings.ContainsAny(v, "xX*") {
		id, err := data.NormalizeNationalID(v)
		if err == data.ErrCheckDigit {
			in.IDWarning = true
		} else if err != nil {
			return rejectErr(fNationalID, err)
		}
		h.Head.NationalID = id
	}
	if h.HouseCode == "" && h.Head.NationalID == "" && in.Key == 0 {
		return reject(fHouseCode, data.Sentence{Thai: "ไม่มีทั้งรหัสบ้านและเลขประจำตัวประชาชน จึงระบุครัวเรือนไม่ได้",
			English: "There is neither a house code nor a national ID, so the household cannot be identified"})
	}
	h.HouseNo = data.ThaiToASCIIDigits(get(fHouseNo))
	if v := get(fVillageNo); v != "" {
		n, ok := parseVillageNo(v)
		if !ok {
			return reject(fVillageNo, data.Sentence{Thai: data.WordVillageNo.Thai + "ต้องเป็นตัวเลข เช่น 5", English: data.WordVillageNo.English + " must be a number, e.g. 5"})
		}
		h.VillageNo = n
	}
	h.VillageName = get(fVillageName)
	h.Head.Title = get(fTitle)
	h.Head.FirstName, h.Head.LastName = get(fFirstName), get(fLastName)
	if full := get(fFullName); full != "" && h.Head.FirstName == "" {
		h.Head.Title, h.Head.FirstName, h.Head.LastName = splitThaiName(full)
		for _, part := range []struct {
			name data.Term
			text string
			most int
		}{{data.Term{Thai: "คำนำหน้า", English: "The title"}, h.Head.Title, data.MaxTitle}, {data.Term{Thai: "ชื่อ", English: "The first name"}, h.Head.FirstName, data.MaxName},
			{data.Term{Thai: "นามสกุล", English: "The last name"}, h.Head.LastName, data.MaxName}} {
			if err := data.CheckLengthOf(part.name, part.text, part.most); err != nil {
				return rejectErr(fFullName, err)
			}
		}
	}
	if h.Head.Phone, err = data.NormalizePhone(get(fPhone)); err != nil {
		return rejectErr(fPhone, err)
	}
	if v := get(fMembers); v != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(data.ThaiToASCIIDigits(v)), "คน"))
		if err != nil || n < 0 || n > 100 {
			return reject(fMembers, data.Sentence{Thai: "จำนวนสมาชิกต้องเป็นตัวเลข 0–100", English: "The number of members must be a number from 0 to 100"})
		}
		h.Members = n
	}

	// What: the problem.
	p := &in.Problem
	p.SurveyYear = 2565
	origin, newProblem, err := data.ParseOrigin(get(fOrigin))
	switch {
	case err != nil:
		return rejectErr(fOrigin, err)
	case origin == data.OriginMissed:
		h.Origin, p.SurveyYear = data.OriginMissed, data.NewInRoundYear(imp.round)
	case newProblem:
		p.SurveyYear = data.NewInRoundYear(imp.round)
	}
	cat, err := data.ParseCategory(get(fCategory))
	if err != nil {
		return rejectErr(fCategory, err)
	}
	p.Category = cat
	p.SubProblem = get(fSubProblem)
	if p.SubProblem == "" {
		return reject(fSubProblem, data.Sentence{Thai: "ไม่ได้ระบุปัญหา", English: "The problem is not given"})
	}
	if sp, ok := imp.findSubProblem(cat, p.SubProblem); ok {
		p.SubProblem, p.Urgent, p.Sensitive = sp.Name, sp.Urgent, sp.Sensitive
	} else {
		// Never stored as new free text: the closest entry goes to review
		// (unless the household already has a problem of that name).
		in.Unknown = imp.unknownSub(cat, p.SubProblem)
		in.Unknown.column = l.headerOf(fSubProblem)
		if in.Unknown.suggestion == "" {
			names := imp.subNames(cat)
			r := reject(fSubProblem, data.Sentence{
				Thai: fmt.Sprintf("ปัญหา '%s' ไม่อยู่ในรายการของ%s และไม่มีรายการที่ใกล้เคียง: กรุณาเลือกจากรายการ (%s)",
					p.SubProblem, cat.Label(), strings.Join(names, ", ")),
				English: fmt.Sprintf("The problem '%s' is not in the list of %s, and nothing in it is close: choose one from the list ('%s')",
					p.SubProblem, categoryEnglish(cat), strings.Join(names, "', '"))})
			in.Reject = nil
			in.Unknown.reject = r.Reject
		} else if sp, ok := imp.findSubProblem(cat, in.Unknown.suggestion); ok {
			p.Urgent, p.Sensitive = sp.Urgent, sp.Sensitive
		}
	}
	p.Detail = get(fDetail)
	if p.ReXRay, err = data.ParseReXRay(get(fReXRay)); err != nil {
		return rejectErr(fReXRay, err)
	}
	if v := get(fStatus); v != "" {
		if p.Status, err = data.ParseStatus(v); err != nil {
			return rejectErr(fStatus, err)
		}
		in.HasStatus = true
	}
	note := get(fNote)
	if p.Status == data.Closed {
		if note == "" {
			return reject(fNote, data.Sentence{Thai: "สถานะ '" + data.Closed.Thai() + "' ต้องระบุเหตุผลในคอลัมน์หมายเหตุ (เช่น ย้ายออก เสียชีวิต ปฏิเสธความช่วยเหลือ ข้อมูลซ้ำ)",
				English: "The status '" + data.Closed.Term().English + "' needs its reason in the note column (e.g. moved away, died, refused help, a duplicate)"})
		}
		p.CloseReason = note
	}
	if v := get(fTargetDate); v != "" {
		if p.TargetDate, err = imp.readDate(v); err != nil {
			return rejectErr(fTargetDate, err)
		}
		if p.TargetDate.Before(imp.round.Start) {
			return reject(fTargetDate, beforeRoundStart(data.WordTargetDate, p.TargetDate, imp.round.Start))
		}
		if err := p.TargetDate.CheckPlannedOf(data.WordTargetDate, imp.Clock.Today()); err != nil {
			return rejectErr(fTargetDate, err)
		}
	}
	p.LeadAgency = get(fLeadAgency)

	// What was done: the action columns.
	date, agency, what, budget := get(fActionDate), get(fAgency), get(fWhat), get(fBudget)
	if date != "" || agency != "" || what != "" || (budget != "" && budget != "0" && budget != "-") {
		a := &data.Action{Agency: agency, What: what, Note: note}
		if date == "" {
			return reject(fActionDate, data.Sentence{Thai: "มีข้อมูลการช่วยเหลือแต่ไม่ได้ระบุ" + data.HeaderActionDate.Thai,
				English: "The row tells of help given but has no " + strings.ToLower(data.HeaderActionDate.English)})
		}
		if a.Date, err = imp.readDate(date); err != nil {
			return rejectErr(fActionDate, err)
		}
		if today := imp.Clock.Today(); a.Date.After(today) {
			return reject(fActionDate, data.Sentence{
				Thai: fmt.Sprintf("%s %s อยู่ในอนาคต (วันนี้ %s): กรุณาตรวจสอบวันที่และปี พ.ศ.", data.HeaderActionDate.Thai, data.FormatBE(a.Date), data.FormatBE(today)),
				English: fmt.Sprintf("The %s %s is in the future (today is %s): check the date and its year (workbooks write it in the Buddhist era)",
					strings.ToLower(data.HeaderActionDate.English), a.Date, today)})
		}
		in.actionColumn, in.actionValue = l.headerOf(fActionDate), date
		if a.Budget, err = data.ParseBaht(budget); err != nil {
			return rejectErr(fBudget, err)
		}
		if in.HasStatus {
			a.Result = p.Status
		}
		in.Action = a
	}
	if v := get(fThaiQM); v != "" && v != "-" {
		on, err := imp.readThaiQM(v)
		if err != nil {
			return rejectErr(fThaiQM, err)
		}
		p.ThaiQMOn = on
		if in.Action != nil {
			in.Action.ThaiQMOn = on
		}
	}
	if l.has(fVersion) {
		in.Stamp, in.Stamped = parseStamp(get(fVersion))
		// A copy of its own to point at: were in's address taken, in
		// would be allocated on the heap for every row, of every
		// workbook (840 bytes a row).
		out := in
		untouched(&out)
		return out
	}
	return in
}

// beforeRoundStart is the reason to refuse a date (what) before the
// round's recording started.
func beforeRoundStart(what data.Term, d, start data.Date) data.Sentence {
	return data.Sentence{
		Thai: fmt.Sprintf("%s %s อยู่ก่อนวันเริ่มบันทึกผลของรอบ (%s): กรุณาตรวจสอบวันที่และปี พ.ศ.", what.Thai, data.FormatBE(d), data.FormatBE(start)),
		English: fmt.Sprintf("The %s %s is before the round's recording started (%s): check the date and its year (workbooks write it in the Buddhist era)",
			strings.ToLower(what.English), d, start)}
}

// categoryEnglish names a category in English, as a window in English
// does: "category 4 (income / occupation)".
func categoryEnglish(c data.Category) string {
	return fmt.Sprintf("category %d (%s)", int(c), c.English())
}

// unknownSub looks up the closest entry for a sub-problem the list does
// not have, once per category and spelling.
func (imp *Importer) unknownSub(c data.Category, written string) *unknownSub {
	k := problemKey(c, written)
	if imp.guesses == nil {
		imp.guesses = map[string]guess{}
	}
	g, ok := imp.guesses[k]
	if !ok {
		g.name, g.others = suggestSubProblem(imp.subProblems, c, written)
		imp.guesses[k] = g
	}
	return &unknownSub{written: written, category: c, suggestion: g.name, others: g.others}
}

// subNames lists the sub-problems of a category, for a message.
func (imp *Importer) subNames(c data.Category) []string {
	var out []string
	for _, s := range imp.subProblems {
		if s.Category == c {
			out = append(out, s.Name)
		}
	}
	return out
}

// readDate reads a date cell: a spreadsheet serial number (a date cell,
// BE typed into it brought back) or text in any Thai form.
// A file writes the same few hundred days over and over: what each
// spelling reads as is kept (up to maxKeptDates of them) for the run.
func (imp *Importer) readDate(v string) (data.Date, error) {
	if r, ok := imp.dates[v]; ok {
		return r.d, r.err
	}
	var r dateRead
	serial := false
	if !strings.ContainsAny(v, "/-") {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			r.d, r.err = data.DateFromSerial(f)
			serial = true
		}
	}
	if !serial {
		r.d, r.err = data.ParseThaiDate(v)
	}
	if imp.dates == nil {
		imp.dates = map[string]dateRead{}
	}
	if len(imp.dates) < maxKeptDates {
		imp.dates[strings.Clone(v)] = r // not a slice of the row's one string
	}
	return r.d, r.err
}

type dateRead struct {
	d   data.Date
	err error
}

const maxKeptDates = 4096

// parseVillageNo reads 5, "ม.5", "หมู่ 5", "หมู่ที่ 5", "๕".
func parseVillageNo(s string) (int, bool) {
	s = data.ThaiToASCIIDigits(s)
	for _, p := range []string{"หมู่ที่", "หมู่", "ม."} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimSuffix(strings.TrimSpace(s), ".0")
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n < 1000
}

var titles = []string{"นางสาว", "นาง", "นาย", "น.ส.", "ด.ช.", "ด.ญ.", "เด็กชาย", "เด็กหญิง"}

// splitThaiName splits "นายสมชาย ใจดี" into title, first and last name.
func splitThaiName(s string) (title, first, last string) {
	s = data.CleanText(s)
	for _, t := range titles {
		if rest, ok := strings.CutPrefix(s, t); ok {
			title, s = t, strings.TrimSpace(rest)
			break
		}
	}
	first, last, _ = strings.Cut(s, " ")
	return title, first, strings.TrimSpace(last)
}
