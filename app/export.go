package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// ExportStore is what the exporter reads of the store: the lists and the
// round a workbook is made for, the households with their problems and
// actions (by area, or the whole register in one read), how many there
// are; and it logs every export in the audit log.
type ExportStore interface {
	Meta(ctx context.Context) (data.Meta, error)
	Round(ctx context.Context, id uint64) (data.Round, error)
	SubProblems(ctx context.Context) (data.SubProblemList, error)
	Units(ctx context.Context) (data.UnitList, error)
	Households(ctx context.Context, f data.HouseholdFilter) ([]data.Household, error)
	Problems(ctx context.Context, f data.ProblemFilter) ([]data.Problem, error)
	Actions(ctx context.Context, problemID uint64) ([]data.Action, error)
	Walk(ctx context.Context, fn func(h data.Household, problems []data.Problem) error) error
	WalkActions(ctx context.Context, fn func(a data.Action) error) error
	Sizes(ctx context.Context) (data.Sizes, error)
	Log(ctx context.Context, op, entity string, id uint64, note string) error
	AgencyStore  // the agencies' workbook
	ThaiQMReader // the workbook of the results to key into ThaiQM
}

// Exporter writes the workbooks the province sends out.
type Exporter struct {
	Store    ExportStore
	Geo      *data.Geography
	Progress *Progress
	// Digits are the digits the workbooks display their titles and
	// figures in (the cells stay numbers; IDs, codes and dates the
	// districts type stay as they are).
	Digits data.Numerals
}

// titles are a workbook's title lines in the chosen digits.
func (e *Exporter) titles(lines ...string) []string {
	for i := range lines {
		lines[i] = e.Digits.Display(lines[i])
	}
	return lines
}

// numberFormat is a figure's format in the chosen digits: Excel and
// LibreOffice draw Thai digits for the [$-D00041E] prefix.
func (e *Exporter) numberFormat(f string) string {
	if e.Digits == data.ThaiDigits {
		return "[$-D00041E]" + f
	}
	return f
}

// today is the register's day (the real one when no Progress was given).
func (e *Exporter) today() data.Date {
	if e.Progress == nil {
		return data.RealClock().Today()
	}
	return e.Progress.Today()
}

// column widths of the template, in Excel character units.
var templateWidths = []float64{7, 17, 11, 8, 18, 15, 17, 12, 24, 10, 14, 18, 16, 10, 13, 28, 34, 24, 24, 24, 16, 24, 28, 13, 24, 24}

// templateTable is the district workbook's sheet. Its sub-problem
// drop-down is the province's stored list, urgent ones first (as every list
// pins them), and the last title line says which those are.
func templateTable(title []string, subList data.SubProblemList) xlsx.Table {
	header := make([]string, len(TemplateHeaders))
	text := make([]bool, len(TemplateHeaders))
	for i, h := range TemplateHeaders {
		header[i] = h.Header
		switch h.Field {
		case fHouseCode, fNationalID, fHouseNo, fPhone:
			text[i] = true
		}
	}
	var cats []string
	for _, c := range data.Categories {
		cats = append(cats, c.ShortLabel()) // the number decides on import; the short name is never cut
	}
	var subs, urgent []string
	for _, s := range subList {
		if s.Urgent {
			urgent = append(urgent, s.Name)
		}
	}
	subs = append(subs, urgent...)
	for _, s := range subList {
		if !s.Urgent {
			subs = append(subs, s.Name)
		}
	}
	if len(urgent) > 0 {
		title[len(title)-1] += " · ปัญหาเร่งด่วน ให้ดำเนินการก่อน (อยู่บนสุดของรายการให้เลือกในช่อง ปัญหา): " + strings.Join(urgent, ", ")
	}
	var statuses []string
	for _, s := range data.Statuses {
		statuses = append(statuses, s.Thai())
	}
	col := func(f field) int {
		for i, h := range TemplateHeaders {
			if h.Field == f {
				return i
			}
		}
		return -1
	}
	return xlsx.Table{
		Sheet: "ข้อมูล", Titles: title, Header: header, Widths: templateWidths, Text: text,
		Lists: map[int][]string{
			col(fCategory): cats, col(fSubProblem): subs, col(fStatus): statuses,
			col(fReXRay): {data.ReXRaySolved.Thai(), data.ReXRayPartly.Thai(), data.ReXRayUnsolved.Thai()},
			col(fOrigin): {data.OriginSurvey2565.Thai(), data.OriginMissed.Thai(), data.WordNewProblem.Thai},
		},
	}
}

// Template writes the blank district workbook.
func (e *Exporter) Template(ctx context.Context, path string) error {
	meta, err := e.Store.Meta(ctx)
	if err != nil {
		return err
	}
	prov, _ := e.Geo.Province(meta.Province)
	subs, err := e.Store.SubProblems(ctx)
	if err != nil {
		return err
	}
	t := templateTable(e.titles("แบบรายงานผลการแก้ไขปัญหาครัวเรือน (ThaiQM) อำเภอ.................... จังหวัด"+prov.Thai,
		"ข้อมูล ณ วันที่ ....................  (ด้าน ปัญหา สถานะ: เลือกจากรายการ · วันที่ พ.ศ. เช่น "+data.FormatBE(e.today())+" หรือ "+data.FormatBESlash(e.today())+")"), subs)
	t.ListRows = 5000
	addThaiQMColumn(&t)
	if err := xlsx.Write(path, []xlsx.Table{t}, ""); err != nil {
		return err
	}
	return e.Store.Log(ctx, "export", "template", 0, filepath.Base(path))
}

// FollowUp writes the follow-up workbook of one amphoe: its households'
// open problems in the template, with the keys locked, ready for the
// district to fill in and send back. Unless unmask, no full national ID is
// in it: IDs are masked (the house code is the key), and a household
// without a house code shows its qmdesk key (data.HouseholdKey) in the ID
// column instead, which the import reads back. It returns the number of
// rows.
func (e *Exporter) FollowUp(ctx context.Context, amphoe, path string, unmask bool) (int, error) {
	meta, err := e.Store.Meta(ctx)
	if err != nil {
		return 0, err
	}
	a, ok := e.Geo.Amphoe(amphoe)
	if !ok || !strings.HasPrefix(amphoe, meta.Province) {
		return 0, data.Errorf(data.EINVALID, "ไม่พบอำเภอรหัส %s ในจังหวัดนี้", "amphoe %s not in province", amphoe)
	}
	return e.followUp(ctx, meta, followScope{areas: []string{amphoe}, name: "อำเภอ" + a.Thai, log: amphoe}, path, unmask)
}

// followScope is what a follow-up workbook holds: the households and open
// problems of its areas (an amphoe; a municipality's tambon), those of one
// unit only when unit is set.
type followScope struct {
	areas []string
	unit  string
	name  string // for the title: "อำเภอ…" or the municipality's name
	log   string
}

func (e *Exporter) followUp(ctx context.Context, meta data.Meta, sc followScope, path string, unmask bool) (int, error) {
	if unmask {
		if err := MayUnmask(ctx, e.Store, "export", 0, "follow-up "+sc.log+" with national IDs: "+filepath.Base(path)); err != nil {
			return 0, err
		}
	}
	prov, _ := e.Geo.Province(meta.Province)
	type line struct {
		h *data.Household
		p *data.Problem
	}
	var lines []line
	// The area's households and all its problems, each in one read and
	// both at once (a 100,000-row follow-up has a 3-second budget).
	var households []data.Household
	var problems []data.Problem
	for _, area := range sc.areas {
		var hs []data.Household
		var hhErr error
		read := make(chan struct{})
		go func() {
			defer close(read)
			hs, hhErr = e.Store.Households(ctx, data.HouseholdFilter{AreaCode: area})
		}()
		ps, err := e.Store.Problems(ctx, data.ProblemFilter{RoundID: meta.DefaultRound, AreaCode: area})
		<-read
		if err == nil {
			err = hhErr
		}
		if err != nil {
			return 0, err
		}
		for _, h := range hs {
			if sc.unit == "" || h.Unit == sc.unit {
				households = append(households, h)
			}
		}
		problems = append(problems, ps...)
	}
	// Grouped by household, in household order, as district lists are.
	// The area index gives each household's problems in ID order.
	openOf := map[uint64][]int32{}
	for i := range problems {
		if problems[i].Status.Open() {
			openOf[problems[i].HouseholdID] = append(openOf[problems[i].HouseholdID], int32(i))
		}
	}
	lines = make([]line, 0, len(problems))
	for i := range households {
		for _, j := range openOf[households[i].ID] {
			lines = append(lines, line{&households[i], &problems[j]})
		}
	}
	made := e.Progress.Clock.Now().In(data.ThaiTime)
	round, err := e.Store.Round(ctx, meta.DefaultRound)
	if err != nil {
		return 0, err
	}
	subs, err := e.Store.SubProblems(ctx)
	if err != nil {
		return 0, err
	}
	units, err := e.Store.Units(ctx)
	if err != nil {
		return 0, err
	}
	keyed := ""
	if !unmask && slices.ContainsFunc(lines, func(l line) bool { return l.h.HouseCode == "" }) {
		keyed = " · ครัวเรือนที่ไม่มีรหัสบ้าน: ช่องเลขประจำตัวประชาชนแสดงเลขครัวเรือนของจังหวัด (QM-…) แทน ห้ามแก้ไข"
	}
	t := templateTable(e.titles(fmt.Sprintf("แบบติดตามผลการแก้ไขปัญหาครัวเรือน %s จังหวัด%s · %s", sc.name, prov.Thai, roundLine(round, e.Progress.Today())),
		fmt.Sprintf("ปัญหาที่ยังไม่แล้วเสร็จ %s รายการ · ข้อมูล ณ %s · ส่งออกเมื่อ %s %s น. · กรอกเฉพาะช่องสีขาว แล้วส่งไฟล์กลับจังหวัด%s",
			data.FormatNumber(int64(len(lines))), data.FormatBE(e.Progress.Today()), data.FormatBE(data.DateOf(made)), made.Format("15:04"), keyed)), subs)
	t.Protect = true
	t.Locked = make([]bool, len(TemplateHeaders))
	for i, h := range TemplateHeaders {
		switch h.Field {
		case fSeq, fHouseCode, fNationalID, fTambon, fAmphoe, fProvince, fCategory, fSubProblem, fOrigin, fReXRay:
			t.Locked[i] = true
		}
	}
	addThaiQMColumn(&t)
	// The stamp of each row's records, hidden and locked: the import
	// tells from it what changed in qmdesk after this workbook was made.
	t.Header = append(t.Header, versionHeader)
	t.Widths = append(append([]float64{}, t.Widths...), 40)
	t.Text = append(t.Text, true)
	t.Locked = append(t.Locked, true)
	t.Hidden = make([]bool, len(t.Header))
	t.Hidden[len(t.Header)-1] = true
	t.RowCount = len(lines)
	t.Row = func(i int) ([]any, []bool) {
		h, p := lines[i].h, lines[i].p
		tb, _ := e.Geo.Tambon(h.TambonCode)
		a, _ := e.Geo.Amphoe(h.AmphoeCode())
		id, origin, village := rowKey(h, unmask), rowOrigin(h, p), villageCell(h)
		members := any(nil)
		if h.Members > 0 {
			members = h.Members
		}
		return []any{i + 1, h.HouseCode, h.HouseNo, village, h.VillageName, tb.Thai, a.Thai, prov.Thai, id, h.Head.Title, h.Head.FirstName, h.Head.LastName,
			h.Head.Phone, members, origin, p.Category.ShortLabel(), p.SubProblem, p.Detail, p.ReXRay.Thai(), p.Status.Thai(),
			nil, nil, nil, nil, nil, units.Name(h.Unit), nil, versionStamp(h, p)}, nil
	}
	if err := xlsx.Write(path, []xlsx.Table{t}, ""); err != nil {
		return 0, err
	}
	note := fmt.Sprintf("follow-up %s: %d rows → %s", sc.log, len(lines), filepath.Base(path))
	if unmask {
		note += " (national IDs unmasked)"
	}
	return len(lines), e.Store.Log(ctx, "export", "followup", 0, note)
}

// FollowUpAll writes one follow-up workbook per amphoe into dir.
func (e *Exporter) FollowUpAll(ctx context.Context, dir string, unmask bool) ([]string, error) {
	return e.FollowUpAllTelling(ctx, dir, unmask, nil)
}

// FollowUpAllTelling is FollowUpAll telling progress, before each file,
// how many are done of how many and whose file is being written.
func (e *Exporter) FollowUpAllTelling(ctx context.Context, dir string, unmask bool, progress func(done, total int, name string)) ([]string, error) {
	if unmask { // once, before the folder is made (each file asks again)
		if err := MayUnmask(ctx, e.Store, "export", 0, "follow-up workbooks with national IDs: "+filepath.Base(dir)); err != nil {
			return nil, err
		}
	}
	meta, err := e.Store.Meta(ctx)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, data.FileError(data.CreatingFolder, dir, err)
	}
	units, err := e.Store.Units(ctx)
	if err != nil {
		return nil, err
	}
	amphoes := e.Geo.AmphoesOf(meta.Province)
	total := len(amphoes) + len(units)
	tell := func(name string, done int) {
		if progress != nil {
			progress(done, total, name)
		}
	}
	var out []string
	for _, a := range amphoes {
		tell("อำเภอ"+a.Thai, len(out))
		path := filepath.Join(dir, "ติดตาม-"+a.Thai+".xlsx")
		if _, err := e.FollowUp(ctx, a.Code, path, unmask); err != nil {
			return out, err
		}
		out = append(out, path)
	}
	for _, u := range units {
		tell(u.Name, len(out))
		path := filepath.Join(dir, "ติดตาม-"+strings.NewReplacer("/", "-", "\\", "-").Replace(u.Name)+".xlsx")
		if _, err := e.FollowUpUnit(ctx, u.Code, path, unmask); err != nil {
			return out, err
		}
		out = append(out, path)
	}
	return out, nil
}

// SummarySheetAll is the summary workbook's first sheet; each category's
// sheet is named by its Category.ShortLabel.
const SummarySheetAll = "รวมทุกด้าน"

// Summary writes the province summary workbook: a sheet for all
// categories and one for each, every one a row per amphoe and a totals
// row under the columns of every progress table (Columns, and each urgent
// kind apart on the first sheet). The cells are numbers with number
// formats; the figures are Progress.Summarize's.
func (e *Exporter) Summary(ctx context.Context, path string) error {
	s, err := e.Progress.Summarize(ctx, 0, "")
	if err != nil {
		return err
	}
	areas := append(append([]Area{}, s.Parts...), Area{Name: "รวมทั้งจังหวัด", Totals: s.Area.Totals, Categories: s.Area.Categories})
	// urgent are the sheet's urgent columns: each kind apart on the sheet of
	// all categories, the category's own on a category's sheet.
	sheet := func(name, scope string, tally func(Area) Tally, urgentHeads []string, urgent func(Area) []int64) xlsx.Table {
		header := []string{"อำเภอ"}
		colors := []string{""}
		formats := []string{""}
		widths := []float64{20}
		for _, c := range Columns {
			header = append(header, c.Head.Thai)
			color := ""
			if c.Status != 0 {
				color = data.StatusColor(c.Status) // the charts' status colours
			}
			colors = append(colors, color)
			if c.Percent {
				formats = append(formats, e.numberFormat("0.0%"))
			} else {
				formats = append(formats, e.numberFormat("#,##0"))
			}
			widths = append(widths, 12)
		}
		for _, h := range urgentHeads {
			header = append(header, h)
			colors = append(colors, "")
			formats = append(formats, e.numberFormat("#,##0"))
			widths = append(widths, 14)
		}
		return xlsx.Table{
			Sheet: name, Header: header, HeaderColors: colors, Formats: formats, Widths: widths, RowCount: len(areas),
			Titles: e.titles(
				fmt.Sprintf("สรุปผลการแก้ไขปัญหาครัวเรือน (ThaiQM) จังหวัด%s รอบ %s · %s", s.ProvinceName, s.Round.Name, scope),
				fmt.Sprintf("ข้อมูล ณ %s · %s", data.FormatBELong(s.AsOf), CountdownText(s.Round, s.Countdown)),
				data.WordSolvedTotalMeans.Thai+" · "+data.WordPercentMeans.Thai,
			),
			Bold: func(i int) bool { return i == len(areas)-1 },
			Row: func(i int) ([]any, []bool) {
				a := areas[i]
				t := tally(a)
				row := []any{a.Name}
				for _, c := range Columns {
					if c.Percent && !t.HasPercent() {
						row = append(row, NoPercent)
					} else if c.Percent {
						row = append(row, c.Share(t)/100)
					} else {
						row = append(row, c.Count(t))
					}
				}
				for _, n := range urgent(a) {
					row = append(row, n)
				}
				return row, nil
			},
		}
	}
	var kindHeads []string
	for _, k := range s.UrgentKinds {
		kindHeads = append(kindHeads, UrgentColumn(k).Thai)
	}
	tables := []xlsx.Table{sheet(SummarySheetAll, "รวมทุกด้าน", func(a Area) Tally { return a.Totals }, kindHeads, func(a Area) []int64 {
		var out []int64
		for _, k := range s.UrgentKinds {
			out = append(out, a.Categories[k.Category].UrgentOpen)
		}
		return out
	})}
	for _, c := range data.Categories {
		tables = append(tables, sheet(c.ShortLabel(), c.Label(), func(a Area) Tally { return a.Categories[c] },
			[]string{CategoryUrgentColumn.Thai}, func(a Area) []int64 { return []int64{a.Categories[c].UrgentOpen} }))
	}
	tables = append(tables, e.reXRaySheet(s), e.newCasesSheet(s), e.thaiQMSheet(s))
	if len(s.Units) > 0 {
		tables = append(tables, e.unitsSheet(s))
	}
	agencies, err := e.agencySheet(ctx, s)
	if err != nil {
		return err
	}
	tables = append(tables, agencies)
	if err := xlsx.Write(path, tables, ""); err != nil {
		return err
	}
	return e.Store.Log(ctx, "export", "summary", 0, filepath.Base(path))
}

// mask hides most of a personal value: "สมชาย" → "ส****".
func mask(s string) string {
	r := []rune(s)
	if len(r) <= 1 {
		return s
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

func maskPhone(s string) string {
	if len(s) <= 2 {
		return s
	}
	return strings.Repeat("x", len(s)-2) + s[len(s)-2:]
}

// Full writes every household, problem and action. Names, national IDs
// and phone numbers are masked, and sensitive sub-problems named only by
// their category, unless unmask; a password encrypts the file. Both the
// export and an unmask are logged.
func (e *Exporter) Full(ctx context.Context, path string, unmask bool, password string) error {
	if unmask {
		if err := MayUnmask(ctx, e.Store, "export", 0, "full export with personal data: "+filepath.Base(path)); err != nil {
			return err
		}
	}
	// Each sheet reads the store while excelize writes it: nothing is held
	// but the row being written, so a whole province fits in memory.
	n, err := e.Store.Sizes(ctx)
	if err != nil {
		return err
	}
	households, problems := walkBoth(func(fn func(data.Household, []data.Problem) error) error { return e.Store.Walk(ctx, fn) })
	actions := newStream(func(yield func(data.Action) bool) error {
		return e.Store.WalkActions(ctx, func(a data.Action) error { return yielded(yield(a)) })
	})
	defer households.close()
	defer problems.close()
	defer actions.close()
	// Each list's rows are made on its own lane, one after another: each
	// hands back the one slice of cells (the sheet is done with a row's
	// cells before it asks for the next) and formats its dates once a day.
	var hhCells, prCells, acCells []any
	prDates, acDates := datesBE{}, datesBE{}
	place := func(code string) (string, string) {
		t, _ := e.Geo.Tambon(code)
		a, _ := e.Geo.Amphoe(code[:min(4, len(code))])
		return t.Thai, a.Thai
	}
	hh := xlsx.Table{
		Sheet:    "ครัวเรือน",
		Header:   []string{"เลขครัวเรือน", "รหัสบ้าน", "บ้านเลขที่", "หมู่ที่", "ชื่อหมู่บ้าน", "ตำบล", "อำเภอ", "เลขประจำตัวประชาชน", "คำนำหน้า", "ชื่อ", "นามสกุล", "โทรศัพท์", "จำนวนสมาชิก", "ที่มา"},
		Widths:   []float64{10, 14, 10, 8, 16, 14, 14, 18, 9, 14, 14, 13, 10, 8},
		Text:     []bool{false, true, true, false, false, false, false, true, false, false, false, true},
		RowCount: n.Households,
		Row: func(int) ([]any, []bool) {
			h, ok := households.next()
			if !ok {
				return nil, nil
			}
			t, a := place(h.TambonCode)
			id, first, last, phone := h.Head.NationalID, h.Head.FirstName, h.Head.LastName, h.Head.Phone
			if !unmask {
				id, first, last, phone = data.MaskNationalID(id), mask(first), mask(last), maskPhone(phone)
			}
			hhCells = append(hhCells[:0], h.ID, h.HouseCode, h.HouseNo, h.VillageNo, h.VillageName, t, a, id, h.Head.Title, first, last, phone, h.Members, h.Origin.Thai())
			return hhCells, nil
		},
	}
	pr := xlsx.Table{
		Sheet: "ปัญหา",
		Header: []string{"เลขปัญหา", "เลขครัวเรือน", data.WordCategory.Thai, "ปัญหา", "รายละเอียด", data.WordUrgent.Thai, "ปีที่พบ", data.HeaderReXRay.Thai, data.HeaderStatus.Thai,
			"เหตุผล (" + data.Closed.Thai() + ")", data.WordTargetDate.Thai, "หน่วยงานหลัก"},
		Widths: []float64{10, 10, 24, 30, 24, 8, 8, 16, 20, 20, 16, 18}, RowCount: n.Problems,
		Row: func(int) ([]any, []bool) {
			p, ok := problems.next()
			if !ok {
				return nil, nil
			}
			sub, detail := p.SubProblem, p.Detail
			if p.Sensitive && !unmask {
				sub, detail = data.WordSensitive.Thai, ""
			}
			urgent := ""
			if p.Urgent {
				urgent = "ใช่"
			}
			prCells = append(prCells[:0], p.ID, p.HouseholdID, p.Category.Label(), sub, detail, urgent, p.SurveyYear, p.ReXRay.Thai(), p.Status.Thai(), p.CloseReason, prDates.format(p.TargetDate), p.LeadAgency)
			return prCells, nil
		},
	}
	ac := xlsx.Table{
		Sheet:  "การช่วยเหลือ",
		Header: []string{"เลขปัญหา", data.HeaderActionDate.Thai, data.HeaderAgency.Thai, data.HeaderWhat.Thai, data.HeaderBudget.Thai, data.HeaderStatus.Thai + "หลังดำเนินการ", "หมายเหตุ", "ผู้บันทึก"},
		Widths: []float64{10, 14, 24, 30, 14, 20, 24, 14}, RowCount: n.Actions,
		Row: func(int) ([]any, []bool) {
			a, ok := actions.next()
			if !ok {
				return nil, nil
			}
			acCells = append(acCells[:0], a.ProblemID, acDates.format(a.Date), a.Agency, a.What, float64(a.Budget)/100, a.Result.Thai(), a.Note, a.RecordedBy)
			return acCells, nil
		},
	}
	// Each list reads its own walk of the store: they are written side by
	// side, a lane each (the sheets of one list in turn).
	hh.Lane, pr.Lane, ac.Lane = 1, 2, 3
	// A list done with (or failed) stops reading its stream: the walk of
	// households and problems goes on for the other list alone.
	hh.Done, pr.Done, ac.Done = households.stop, problems.stop, actions.stop
	var sheets []xlsx.Table
	for _, t := range []xlsx.Table{hh, pr, ac} {
		sheets = append(sheets, splitRows(t)...)
	}
	if err := xlsx.Write(path, sheets, password); err != nil {
		return err
	}
	for _, err := range []error{households.err(), problems.err(), actions.err()} {
		if err != nil { // a record could not be read: the file is not the whole register
			os.Remove(path)
			return err
		}
	}
	if unmask {
		if err := e.Store.Log(ctx, "unmask", "export", 0, "full export with personal data: "+filepath.Base(path)); err != nil {
			return err
		}
	}
	return e.Store.Log(ctx, "export", "full", 0, fmt.Sprintf("%s: %d households, %d problems, %d actions, password %v", filepath.Base(path), n.Households, n.Problems, n.Actions, password != ""))
}

// datesBE formats dates as data.FormatBE does, each day once: a
// province's two and a half million dates are a few thousand days.
type datesBE map[data.Date]string

func (m datesBE) format(d data.Date) string {
	s, ok := m[d]
	if !ok {
		s = data.FormatBE(d)
		if len(m) < 1<<16 {
			m[d] = s
		}
	}
	return s
}

// stream turns a walk over the store into values pulled one at a time, as
// a sheet's rows are written: the walk runs on a goroutine of its own and
// hands its values over in batches. (Not iter.Pull: a coroutine must be
// resumed by goroutines locked to their thread as the one that made it
// was, and the command line's main goroutine is locked, for the window,
// while the sheets' rows are written on others.)
type stream[T any] struct {
	batches  chan []T
	cur      []T
	done     chan struct{} // closed to stop the walk
	stopped  sync.Once
	finished chan struct{} // closed when the walk has returned
	walkErr  error
	// The walk's side.
	batch []T
	live  bool // the reader still reads
}

// streamBatch is how many values a stream hands over at a time.
const streamBatch = 256

// errEnough ends a walk whose reader has stopped pulling.
var errEnough = errors.New("enough")

func yielded(more bool) error {
	if !more {
		return errEnough
	}
	return nil
}

func newFeed[T any]() *stream[T] {
	return &stream[T]{batches: make(chan []T, 4), done: make(chan struct{}), finished: make(chan struct{}), batch: make([]T, 0, streamBatch), live: true}
}

// put hands v to the reader (on the walk's side); false once the reader
// has stopped.
func (st *stream[T]) put(v T) bool {
	if !st.live {
		return false
	}
	st.batch = append(st.batch, v)
	if len(st.batch) == streamBatch {
		st.live = st.send()
	}
	return st.live
}

func (st *stream[T]) send() bool {
	select {
	case st.batches <- st.batch:
		st.batch = make([]T, 0, streamBatch)
		return true
	case <-st.done:
		return false
	}
}

// end ends the walk's side, which returned err: what it put is handed
// over unless the reader stopped.
func (st *stream[T]) end(err error) {
	if st.live && !errors.Is(err, errEnough) && len(st.batch) > 0 {
		st.send()
	}
	st.walkErr = err
	close(st.batches)
	close(st.finished)
}

func newStream[T any](walk func(yield func(T) bool) error) *stream[T] {
	st := newFeed[T]()
	go func() { st.end(walk(st.put)) }()
	return st
}

// walkBoth hands the households and the problems of one walk of the store
// to two streams: a walk decodes every household and problem, and the two
// lists each walking the store decoded both twice. The walk goes on while
// either list reads, and a list that stops (its table's Done) no longer
// holds the other up.
func walkBoth(walk func(fn func(data.Household, []data.Problem) error) error) (*stream[data.Household], *stream[data.Problem]) {
	hs, ps := newFeed[data.Household](), newFeed[data.Problem]()
	go func() {
		err := walk(func(h data.Household, problems []data.Problem) error {
			hs.put(h)
			for _, p := range problems {
				if !ps.put(p) {
					break
				}
			}
			if !hs.live && !ps.live {
				return errEnough
			}
			return nil
		})
		hs.end(err)
		ps.end(err)
	}()
	return hs, ps
}

// next is the walk's next value; false when it has no more.
func (st *stream[T]) next() (T, bool) {
	if len(st.cur) == 0 {
		b, ok := <-st.batches
		if !ok {
			var none T
			return none, false
		}
		st.cur = b
	}
	v := st.cur[0]
	st.cur = st.cur[1:]
	return v, true
}

// stop tells the walk that nothing more is read from the stream.
func (st *stream[T]) stop() { st.stopped.Do(func() { close(st.done) }) }

// close stops the walk and waits for it to return.
func (st *stream[T]) close() {
	st.stop()
	<-st.finished
}

// err stops the walk and is its failure, if it failed (not if it was
// stopped).
func (st *stream[T]) err() error {
	st.close()
	if errors.Is(st.walkErr, errEnough) {
		return nil
	}
	return st.walkErr
}

// sheetRows is how many data rows a sheet takes: Excel's 1,048,576 rows
// less the header (a variable so that tests can split small tables).
var sheetRows = 1_048_576 - 1

// splitRows splits a table too long for one sheet into sheets named
// "การช่วยเหลือ (1)", "(2)", …: a province's actions outnumber Excel's rows.
func splitRows(t xlsx.Table) []xlsx.Table {
	limit := sheetRows - len(t.Titles)
	if t.RowCount <= limit {
		return []xlsx.Table{t}
	}
	var parts []xlsx.Table
	for from, n := 0, 1; from < t.RowCount; from, n = from+limit, n+1 {
		part := t
		part.Sheet = fmt.Sprintf("%s (%d)", t.Sheet, n)
		part.RowCount = min(limit, t.RowCount-from)
		offset, row := from, t.Row
		part.Row = func(i int) ([]any, []bool) { return row(offset + i) }
		if from+limit < t.RowCount {
			part.Done = nil // the table is done with its last sheet
		}
		parts = append(parts, part)
	}
	return parts
}

// rowKey is what a workbook row names its household by: the national ID,
// masked unless unmask; a household without a house code by its key
// (QM-000123), which the import reads back.
func rowKey(h *data.Household, unmask bool) string {
	switch {
	case unmask:
		return h.Head.NationalID
	case h.HouseCode == "":
		return data.HouseholdKey(h.ID)
	}
	return data.MaskNationalID(h.Head.NationalID)
}

// rowOrigin is the ที่มา cell of a problem's row: เดิม, ตกหล่น, or ปัญหาใหม่.
func rowOrigin(h *data.Household, p *data.Problem) string {
	switch {
	case h.Origin == data.OriginMissed:
		return data.OriginMissed.Thai()
	case p.SurveyYear != 2565:
		return data.WordNewProblem.Thai
	}
	return data.OriginSurvey2565.Thai()
}

// villageCell is the หมู่ cell: the number, or empty.
func villageCell(h *data.Household) any {
	if h.VillageNo > 0 {
		return h.VillageNo
	}
	return nil
}
