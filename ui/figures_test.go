package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/app/cli"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/ui"
)

// keepOpen lends the window's store to the command line: its Close does
// not close it.
type keepOpen struct{ data.Store }

func (keepOpen) Close() error { return nil }

var packNumber = regexp.MustCompile(`[\d,]+(\.\d)?%?|<5|–`)

// shareNumber is packNumber with two decimals: the letter table's shares.
var shareNumber = regexp.MustCompile(`[\d,]+(\.\d\d)?%?|<5|–`)

// One label, one number: a province, then the dashboard's widgets,
// `summary --json`, the summary workbook's cells and the meeting pack's
// text (pdftotext) give every figure of every amphoe and every category
// alike, the urgent kinds included. Where the pack hides a small count of
// a sensitive category the dashboard shows it; the figure is the same and
// the pack says so.
func TestOneNumberPerLabelEverywhere(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s (poppler-utils) is not installed", tool)
		}
	}
	h := newHarness(t, 400)
	w := h.w
	ctx := context.Background()

	// summary --json, on the window's own database.
	var out bytes.Buffer
	geo, _ := assets.Geography()
	code := cli.Run(ctx, []string{"summary", "--json", "--db", "qm.db"}, cli.Env{Stdout: &out, Stderr: &out, Geo: geo, Clock: clock, Operator: "ทดสอบ",
		Open: func(string, bool) (data.Store, error) { return keepOpen{h.store}, nil }})
	if code != 0 {
		t.Fatalf("summary --json: %d %s", code, out.String())
	}
	var js struct {
		Totals     app.Tally                       `json:"totals"`
		Categories map[data.Category]app.Tally     `json:"categories"`
		Amphoe     []app.Area                      `json:"amphoe"`
		Letter     map[data.Category]app.LetterRow `json:"letter_households"`
		Agencies   []app.AgencyLine                `json:"agencies"`
		Units      []app.Area                      `json:"units"`
		ReXRay     struct {
			Totals     app.ReXRayTally                   `json:"totals"`
			Categories map[data.Category]app.ReXRayTally `json:"categories"`
			Amphoe     []app.ReXRayArea                  `json:"amphoe"`
		} `json:"rexray"`
		ThaiQM struct {
			Totals     app.ThaiQMTally                   `json:"totals"`
			Categories map[data.Category]app.ThaiQMTally `json:"categories"`
			Amphoe     []app.ThaiQMArea                  `json:"amphoe"`
			Units      []app.ThaiQMArea                  `json:"units"`
		} `json:"thaiqm"`
		NewCases map[string]newCaseGroupJSON `json:"new_cases"`
	}
	if err := json.Unmarshal(out.Bytes(), &js); err != nil {
		t.Fatal(err)
	}

	// The summary workbook and the pack, made from the window.
	dir := t.TempDir()
	book := filepath.Join(dir, "สรุป.xlsx")
	w.Export.ExportSummary(book)
	pack := filepath.Join(dir, "ประชุม.pdf")
	w.MeetingPack(pack)
	w.WaitIdle()
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatalf("summary workbook: %v (%s)", err, w.LastError())
	}
	defer f.Close()
	sheetRows := func(sheet string) map[string][]string {
		rows, _ := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		m := map[string][]string{}
		for _, r := range rows[4:] {
			m[r[0]] = r
		}
		return m
	}
	pdfPage := func(page int) string {
		b, err := exec.Command("pdftotext", "-layout", "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), pack, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	packText := func(text, label string) []string {
		for _, l := range strings.Split(text, "\n") {
			l = strings.TrimSpace(l)
			if strings.HasPrefix(l, label+" ") {
				return packNumber.FindAllString(strings.TrimPrefix(l, label), -1)
			}
		}
		return nil
	}
	cover := pdfPage(1)
	if !strings.Contains(cover, "อาจต่างจากหน้าภาพรวม") {
		t.Error("the pack does not say that its hidden counts may differ from the dashboard")
	}
	kinds := w.Dashboard.UrgentKinds()
	sensitive := map[data.Category]bool{}
	subs, _ := h.store.SubProblems(ctx)
	for _, s := range subs {
		if s.Sensitive {
			sensitive[s.Category] = true
		}
	}
	// want is each source's figures of one row, in the table's order.
	type source struct {
		name   string
		cells  []string
		hidden bool // the pack's rule: small sensitive counts print as "<5"
	}
	hiddenSeen := 0
	compare := func(row string, cats []data.Category, window []string, x app.Tally, urgent []int64, sources ...source) {
		t.Helper()
		want := make([]string, 0, len(app.Columns)+len(urgent))
		for _, c := range app.Columns {
			if c.Percent && !x.HasPercent() {
				want = append(want, app.NoPercent) // no denominator: none, not 0.0%
			} else if c.Percent {
				want = append(want, data.FormatPercent(c.Share(x)))
			} else {
				want = append(want, data.FormatNumber(c.Count(x)))
			}
		}
		for _, n := range urgent {
			want = append(want, data.FormatNumber(n))
		}
		if strings.Join(window, " ") != strings.Join(want, " ") {
			t.Errorf("%s: dashboard %v, summary --json %v", row, window, want)
		}
		for _, s := range sources {
			if len(s.cells) != len(want) {
				t.Errorf("%s: %s has %d figures %v, want %v", row, s.name, len(s.cells), s.cells, want)
				continue
			}
			for i := range want {
				got := s.cells[i]
				if got == want[i] {
					continue
				}
				// The pack hides a small count of a sensitive category
				// ("<5"), and a total that would give one away ("–").
				if s.hidden && (got == "–" || got == "<5" && len(strings.ReplaceAll(want[i], ",", "")) == 1 && want[i] != "0") && anySensitive(cats, sensitive) {
					hiddenSeen++
					continue
				}
				t.Errorf("%s, %s: %s %q, dashboard %q", row, columnName(i, kinds), s.name, got, want[i])
			}
		}
	}
	// book turns a workbook row's raw values into the dashboard's text.
	book2 := func(r []string) []string {
		if r == nil {
			return nil
		}
		var cells []string
		for i, v := range r[1:] {
			if i < len(app.Columns) && app.Columns[i].Percent && v == app.NoPercent {
				cells = append(cells, v)
				continue
			} else if i < len(app.Columns) && app.Columns[i].Percent {
				p, _ := strconv.ParseFloat(v, 64)
				cells = append(cells, data.FormatPercent(p*100))
				continue
			}
			n, _ := strconv.ParseInt(v, 10, 64)
			cells = append(cells, data.FormatNumber(n))
		}
		return cells
	}

	// Amphoe by amphoe, with each urgent kind apart.
	dashboard := map[string][]string{}
	for _, r := range w.Dashboard.Amphoes.Rows {
		dashboard[r[0]] = r[1:]
	}
	wbAll := sheetRows(app.SummarySheetAll)
	amphoeTable := pdfPage(7)
	var allKinds []data.Category
	for _, k := range kinds {
		allKinds = append(allKinds, k.Category)
	}
	for _, a := range js.Amphoe {
		var urgent []int64
		for _, k := range kinds {
			urgent = append(urgent, a.Categories[k.Category].UrgentOpen)
		}
		compare(a.Name, allKinds, dashboard[a.Name], a.Totals, urgent,
			source{"the summary workbook", book2(wbAll[a.Name]), false},
			source{"the pack", packText(amphoeTable, a.Name), true})
	}
	if len(js.Amphoe) != 20 || len(dashboard) != 20 {
		t.Errorf("%d amphoe in the summary, %d on the dashboard", len(js.Amphoe), len(dashboard))
	}
	// Municipality by municipality (the demo keeps two): the dashboard's
	// tab, the workbook's sheet, the pack's page, and summary --unit.
	units := map[string][]string{}
	for _, r := range w.Dashboard.Units.Table.Rows {
		units[r[0]] = r[1:]
	}
	wbUnits := sheetRows(app.SummarySheetUnits)
	packAll := pdfAll(t, pack)
	for _, a := range js.Units {
		var urgent []int64
		for _, k := range kinds {
			urgent = append(urgent, a.Categories[k.Category].UrgentOpen)
		}
		compare(a.Name, allKinds, units[a.Name], a.Totals, urgent,
			source{"the summary workbook", book2(wbUnits[a.Name]), false},
			source{"the pack", packText(packAll, a.Name), true})
		var one bytes.Buffer
		if code := cli.Run(ctx, []string{"summary", "--json", "--db", "qm.db", "--unit", a.Name}, cli.Env{Stdout: &one, Stderr: &one, Geo: geo, Clock: clock, Operator: "ทดสอบ",
			Open: func(string, bool) (data.Store, error) { return keepOpen{h.store}, nil }}); code != 0 {
			t.Fatalf("summary --unit: %d %s", code, one.String())
		}
		var u struct {
			Totals app.Tally `json:"totals"`
		}
		json.Unmarshal(one.Bytes(), &u)
		if u.Totals != a.Totals {
			t.Errorf("%s: summary --unit %+v, the province's summary %+v", a.Name, u.Totals, a.Totals)
		}
	}
	if len(js.Units) != 2 || len(units) != 2 || js.Units[0].Totals.Target == 0 {
		t.Errorf("%d municipalities in the summary, %d on the dashboard: %+v", len(js.Units), len(units), js.Units)
	}
	// Category by category, for the province.
	categoryTable := pdfPage(6)
	for i, c := range data.Categories {
		x := js.Categories[c]
		row := w.Dashboard.Categories.Rows[i]
		if row[0] != c.ShortLabel() {
			t.Errorf("dashboard row %d is %q", i, row[0])
		}
		book := sheetRows(c.ShortLabel())["รวมทั้งจังหวัด"]
		compare(c.Label(), []data.Category{c}, row[1:], x, []int64{x.UrgentOpen},
			source{"the summary workbook", book2(book), false},
			source{"the pack", packText(categoryTable, "ด้านที่ "+strconv.Itoa(int(c))), true})
	}
	if hiddenSeen == 0 {
		t.Error("no small sensitive count was hidden: the demo should have some")
	}
	reXRayEverywhere(t, w, js.ReXRay.Totals, js.ReXRay.Categories, js.ReXRay.Amphoe, f, pdfPage(8)+pdfPage(9)) // amphoe, then categories
	newCasesEverywhere(t, w, js.NewCases, f, pdfPage(11), pdfPage(12), sensitive)                              // amphoe, then categories (page 10: the municipalities)
	thaiQMEverywhere(t, w, js.ThaiQM.Totals, js.ThaiQM.Categories, js.ThaiQM.Amphoe, js.Amphoe, js.ThaiQM.Units, js.Units, f, pdfPage(13), pdfPage(14))
	// The letter's table: its national households, the province's (the
	// dashboard's households per category) and the share.
	letter := pdfPage(2)
	for i, c := range data.Categories {
		r := js.Letter[c]
		if r.National != app.LetterHouseholds(c) || r.Households != js.Categories[c].Households {
			t.Errorf("letter_households %d: %+v, categories' households %d", c, r, js.Categories[c].Households)
		}
		if got := w.Dashboard.Categories.Rows[i][1]; got != data.FormatNumber(r.Households) {
			t.Errorf("category %d: dashboard households %q, summary --json %d", c, got, r.Households)
		}
		want := []string{data.FormatNumber(r.National), data.FormatNumber(r.Households), app.FormatShare(r.Share)}
		var got []string
		for _, l := range strings.Split(letter, "\n") {
			if l = strings.TrimSpace(l); strings.HasPrefix(l, "ด้านที่ "+strconv.Itoa(int(c))+" ") {
				got = shareNumber.FindAllString(strings.TrimPrefix(l, "ด้านที่ "+strconv.Itoa(int(c))), -1)
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") && !(anySensitive([]data.Category{c}, sensitive) && len(got) == 3 && got[1] == "<5") {
			t.Errorf("the pack's letter table, category %d: %v, summary --json %v", c, got, want)
		}
	}
	// The cover names the programme, the province's centre and the
	// letter; a demo database's pack says so on every page.
	for _, s := range []string{data.WordProgramme.Thai, data.WordProvinceCentreShort.Thai, "0310.7/ว 2567"} {
		if !strings.Contains(strings.Join(strings.Fields(cover), ""), strings.Join(strings.Fields(s), "")) {
			t.Errorf("the cover lacks %q", s)
		}
	}
	for page := 1; page <= 11; page++ {
		if !strings.Contains(pdfPage(page), data.WordDemoData.Thai) {
			t.Errorf("page %d of a demo's pack does not say %s", page, data.WordDemoData.Thai)
		}
	}
	// The province's counters.
	d := w.Dashboard
	for _, c := range []struct {
		label, got string
		want       int64
	}{{"households", d.Households.Value.Text, js.Totals.Households}, {"target", d.Target.Value.Text, js.Totals.Target},
		{"solved", d.Solved.Value.Text, js.Totals.Solved}, {"closed", d.Closed.Value.Text, js.Totals.Closed}} {
		if c.got != data.FormatNumber(c.want) {
			t.Errorf("counter %s %q, summary %d", c.label, c.got, c.want)
		}
	}
	// The partner agencies: the dashboard's tab, the workbook's sheet and
	// the pack's page against summary --json.
	agencyFigures(t, w, js.Agencies, sheetRows(app.SummarySheetAgencies), pdfAll(t, pack), sensitive)

	// One header for one figure: the dashboard's table heads are the
	// glossary's, and so are the workbook's (wrapped over lines).
	heads, _ := f.GetRows(app.SummarySheetAll)
	for i, c := range app.Columns {
		if got := w.Dashboard.Amphoes.Headers[i+1]; got != c.Head.Thai {
			t.Errorf("dashboard header %q, want %q", got, c.Head.Thai)
		}
		if got := strings.Join(strings.Fields(heads[3][i+1]), ""); got != strings.Join(strings.Fields(c.Head.Thai), "") {
			t.Errorf("workbook header %q, want %q", heads[3][i+1], c.Head.Thai)
		}
	}
}

// reXRayEverywhere compares the Re-X-Ray result of summary --json with the
// dashboard's tab (every category), the workbook's sheet and the pack's page.
func reXRayEverywhere(t *testing.T, w *ui.MainWindow, totals app.ReXRayTally, cats map[data.Category]app.ReXRayTally, amphoe []app.ReXRayArea, f *excelize.File, page string) {
	t.Helper()
	if totals.Checked == 0 || totals.Solved == 0 || totals.Partly == 0 || totals.Unsolved == 0 {
		t.Errorf("the demo has no Re-X-Ray result of some kind: %+v", totals)
	}
	figures := func(x app.ReXRayTally) string {
		var s []string
		for _, n := range x.Figures() {
			s = append(s, data.FormatNumber(n))
		}
		return strings.Join(s, " ")
	}
	tab := w.Dashboard.ReXRay
	rows, _ := f.GetRows(app.SummarySheetReXRay, excelize.Options{RawCellValue: true})
	book := map[string]string{}
	for _, r := range rows {
		if len(r) == 6 {
			var s []string
			for _, v := range r[2:] {
				n, _ := strconv.ParseInt(v, 10, 64)
				s = append(s, data.FormatNumber(n))
			}
			book[r[0]+"|"+r[1]] = strings.Join(s, " ")
		}
	}
	pack := func(label string) string {
		for _, l := range strings.Split(page, "\n") {
			if l = strings.TrimSpace(l); strings.HasPrefix(l, label+" ") {
				return strings.Join(packNumber.FindAllString(strings.TrimPrefix(l, label), -1), " ")
			}
		}
		return ""
	}
	for ci := 0; ci <= len(data.Categories); ci++ {
		tab.Category.SetSelectedIndex(ci)
		c := data.Category(ci)
		catName := app.WordAllCategories
		if c != 0 {
			catName = c.Label()
		}
		for i, a := range amphoe {
			x := a.Totals
			if c != 0 {
				x = a.Categories[c]
			}
			want := figures(x)
			if got := strings.Join(tab.Table.Rows[i][1:], " "); got != want {
				t.Errorf("Re-X-Ray %s %s: dashboard %q, summary --json %q", a.Name, catName, got, want)
			}
			if got := book[a.Name+"|"+catName]; got != want {
				t.Errorf("Re-X-Ray %s %s: workbook %q, summary --json %q", a.Name, catName, got, want)
			}
			if c == 0 {
				if got := pack(a.Name); got != want {
					t.Errorf("Re-X-Ray %s: pack %q, summary --json %q", a.Name, got, want)
				}
			}
		}
		x := totals
		if c != 0 {
			x = cats[c]
		}
		if got := strings.Join(tab.Table.Rows[len(amphoe)][1:], " "); got != figures(x) {
			t.Errorf("Re-X-Ray province %s: dashboard %q, summary --json %q", catName, got, figures(x))
		}
		if got := book["รวมทั้งจังหวัด|"+catName]; got != figures(x) {
			t.Errorf("Re-X-Ray province %s: workbook %q, summary --json %q", catName, got, figures(x))
		}
		if c != 0 {
			got, want := pack("ด้านที่ "+strconv.Itoa(ci)), figures(x)
			if strings.HasPrefix(got, "– – – ") { // a sensitive category: the problems re-checked alone, by the small-count rule
				want = "– – – " + data.FormatNumber(x.Checked)
				if x.Checked > 0 && x.Checked < app.SmallCount {
					want = "– – – <5"
				}
			}
			if got != want {
				t.Errorf("Re-X-Ray province %s: pack %q, summary --json %q", catName, got, figures(x))
			}
		}
	}
	tab.Category.SetSelectedIndex(0)
}

// newCaseGroupJSON is one group of summary --json's new_cases.
type newCaseGroupJSON struct {
	Totals     int64                   `json:"totals"`
	Categories map[data.Category]int64 `json:"categories"`
	Amphoe     []struct {
		Code       string                  `json:"code"`
		Name       string                  `json:"name"`
		Totals     int64                   `json:"totals"`
		Categories map[data.Category]int64 `json:"categories"`
	} `json:"amphoe"`
}

// newCasesEverywhere compares the new cases of summary --json with the
// dashboard's tab (every category), the workbook's sheet, the pack's two
// pages (a sensitive category's small count as "<5") and the register: a
// row of the tab opens the register on as many households as it counts.
func newCasesEverywhere(t *testing.T, w *ui.MainWindow, js map[string]newCaseGroupJSON, f *excelize.File, amphoePage, categoryPage string, sensitive map[data.Category]bool) {
	t.Helper()
	missed, known := js["missed_households"], js["known_households_new_problems"]
	if missed.Totals == 0 || known.Totals == 0 || len(missed.Amphoe) != 20 || len(known.Amphoe) != 20 {
		t.Fatalf("the demo's new cases: %d missed, %d known households with new problems, %d and %d amphoe", missed.Totals, known.Totals, len(missed.Amphoe), len(known.Amphoe))
	}
	of := func(g newCaseGroupJSON, i int, c data.Category) int64 {
		if i < 0 {
			if c == 0 {
				return g.Totals
			}
			return g.Categories[c]
		}
		if c == 0 {
			return g.Amphoe[i].Totals
		}
		return g.Amphoe[i].Categories[c]
	}
	rows, _ := f.GetRows(app.SummarySheetNewCases, excelize.Options{RawCellValue: true})
	book := map[string]string{}
	for _, r := range rows {
		if len(r) == 4 {
			var s []string
			for _, v := range r[2:] {
				n, _ := strconv.ParseInt(v, 10, 64)
				s = append(s, data.FormatNumber(n))
			}
			book[r[0]+"|"+r[1]] = strings.Join(s, " ")
		}
	}
	pack := func(page, label string) string {
		for _, l := range strings.Split(page, "\n") {
			if l = strings.TrimSpace(l); strings.HasPrefix(l, label+" ") {
				return strings.Join(packNumber.FindAllString(strings.TrimPrefix(l, label), -1), " ")
			}
		}
		return ""
	}
	tab := w.Dashboard.NewCases
	opened := 0
	for ci := 0; ci <= len(data.Categories); ci++ {
		tab.Category.SetSelectedIndex(ci)
		c := data.Category(ci)
		catName := app.WordAllCategories
		if c != 0 {
			catName = c.Label()
		}
		for i := -1; i < len(missed.Amphoe); i++ {
			name, row := "รวมทั้งจังหวัด", len(missed.Amphoe)
			if i >= 0 {
				name, row = missed.Amphoe[i].Name, i
			}
			want := data.FormatNumber(of(missed, i, c)) + " " + data.FormatNumber(of(known, i, c))
			if got := strings.Join(tab.Table.Rows[row][1:], " "); got != want {
				t.Errorf("new cases %s %s: dashboard %q, summary --json %q", name, catName, got, want)
			}
			if got := book[name+"|"+catName]; got != want {
				t.Errorf("new cases %s %s: workbook %q, summary --json %q", name, catName, got, want)
			}
			var got string
			switch {
			case i >= 0 && c == 0:
				got = pack(amphoePage, name)
			case i < 0 && c == 0:
				got = pack(categoryPage, app.WordAllCategories)
			case i < 0:
				got = pack(categoryPage, "ด้านที่ "+strconv.Itoa(ci))
				if sensitive[c] {
					var cells []string
					for _, n := range []int64{of(missed, i, c), of(known, i, c)} {
						cell := data.FormatNumber(n)
						if n > 0 && n < app.SmallCount {
							cell = "<5"
						}
						cells = append(cells, cell)
					}
					want = strings.Join(cells, " ")
				}
			default:
				got = want // the pack gives the amphoe in all categories only
			}
			if got != want {
				t.Errorf("new cases %s %s: pack %q, summary --json %q", name, catName, got, want)
			}
			// The register lists the households the figure counts (a few
			// rows: a search per row is slow).
			if (ci == 0 || ci == 4) && i < 3 {
				for gi, g := range []newCaseGroupJSON{missed, known} {
					tab.Group.SetSelectedIndex(gi)
					tab.Table.OnRow(row)
					w.WaitIdle()
					if n := int64(len(w.Households.IDs)); n != of(g, i, c) {
						t.Errorf("new cases %s %s group %d: the register lists %d households, summary --json %d", name, catName, gi, n, of(g, i, c))
					}
					opened++
				}
			}
		}
	}
	if opened == 0 {
		t.Error("no new-case row opened the register")
	}
	tab.Category.SetSelectedIndex(0)
	tab.Group.SetSelectedIndex(0)
}

func anySensitive(cats []data.Category, sensitive map[data.Category]bool) bool {
	for _, c := range cats {
		if sensitive[c] {
			return true
		}
	}
	return false
}

func columnName(i int, kinds []data.UrgentKind) string {
	if i < len(app.Columns) {
		return app.Columns[i].Head.Thai
	}
	if j := i - len(app.Columns); j < len(kinds) {
		return app.UrgentColumn(kinds[j]).Thai
	}
	return app.CategoryUrgentColumn.Thai
}

// pdfAll is the whole pack's text, laid out.
func pdfAll(t *testing.T, pack string) string {
	b, err := exec.Command("pdftotext", "-layout", pack, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// agencyFigures compares each agency's figures in the four outputs: in all
// and per category on the window's tab and in the workbook, in all and
// problems helped per category in the pack (whose small sensitive counts
// print as "<5", and the row's totals then as "–").
func agencyFigures(t *testing.T, w *ui.MainWindow, lines []app.AgencyLine, book map[string][]string, pack string, sensitive map[data.Category]bool) {
	t.Helper()
	if len(lines) < 5 {
		t.Fatalf("summary --json has %d agencies: the demo should have more", len(lines))
	}
	d := w.Dashboard
	d.SelectAgenciesTab()
	w.WaitIdle()
	tab := d.Agencies
	for ci := 0; ci <= len(data.Categories); ci++ {
		tab.Category.SetSelectedIndex(ci)
		window := map[string][]string{}
		for _, r := range tab.Table.Rows {
			window[r[0]] = r[1:4]
		}
		for _, l := range lines {
			x := l.Totals
			if ci > 0 {
				x = l.Categories[data.Category(ci)]
			}
			var want []string
			for _, n := range app.AgencyFigures(x) {
				want = append(want, data.FormatNumber(n))
			}
			if got, ok := window[l.Name]; ci > 0 && x.Problems == 0 && !ok {
				continue
			} else if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s, category %d: dashboard %v, summary --json %v", l.Name, ci, got, want)
			}
			r := book[l.Name]
			if len(r) < 1+3*(len(data.Categories)+1) {
				t.Errorf("%s: workbook row %v", l.Name, r)
				continue
			}
			var got []string
			for _, v := range r[1+3*ci : 4+3*ci] {
				n, _ := strconv.ParseInt(v, 10, 64)
				got = append(got, data.FormatNumber(n))
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s, category %d: workbook %v, summary --json %v", l.Name, ci, got, want)
			}
		}
	}
	tab.Category.SetSelectedIndex(0)
	// The pack: rows whose name fits on one line.
	checked := 0
	for _, l := range lines {
		var cells []string
		for _, line := range strings.Split(pack, "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, l.Name+" ") {
				cells = packNumber.FindAllString(strings.TrimPrefix(line, l.Name), -1)
			}
		}
		if cells == nil {
			continue
		}
		checked++
		want := []string{data.FormatNumber(l.Totals.Problems), data.FormatNumber(l.Totals.Solved), data.FormatNumber(l.Totals.Budget)}
		hidden := false
		for _, c := range data.Categories {
			n := l.Categories[c].Problems
			if sensitive[c] && n > 0 && n < 5 {
				want, hidden = append(want, "<5"), true
				continue
			}
			want = append(want, data.FormatNumber(n))
		}
		if hidden {
			want[0], want[1] = "–", "–"
		}
		if strings.Join(cells, " ") != strings.Join(want, " ") {
			t.Errorf("%s: pack %v, summary --json %v", l.Name, cells, want)
		}
	}
	if checked < 3 {
		t.Errorf("only %d agencies found on the pack's page", checked)
	}
}
