package ui

import (
	"context"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

// Every screen and dialog speaks the window's language: a walk through
// all of them, in Thai and in English, fails on a word of the other
// language in what the program writes (names of people, places, sub-
// problems, agencies and rounds are the data's, and left out).
func TestEveryScreenSpeaksOneLanguage(t *testing.T) {
	for _, lang := range []Language{Thai, English} {
		name := map[Language]string{Thai: "Thai", English: "English"}[lang]
		t.Run(name, func(t *testing.T) {
			w, strip := languageWindow(t, lang)
			found := map[string]string{} // offending text → where
			var extra []string           // more of the data's own words, as the walk meets them
			look := func(where string, o fyne.CanvasObject) {
				for _, s := range chromeTexts(o) {
					clean := strip(s)
					for _, x := range extra {
						clean = strings.ReplaceAll(clean, x, " ")
					}
					if bad := foreign(lang, clean); bad != "" {
						if _, seen := found[s]; !seen {
							found[s] = where + ": " + bad
						}
					}
				}
			}
			visit := func(where string) {
				w.WaitIdle()
				look(where, w.Window.Content())
				for _, o := range w.Window.Canvas().Overlays().List() {
					look(where+" (dialog)", o)
				}
			}
			closeAll := func() {
				for len(w.dialogs) > 0 {
					w.closeTopDialog()
				}
				w.WaitIdle()
			}
			// The main menu.
			for _, m := range w.Window.MainMenu().Items {
				for _, s := range []string{m.Label} {
					if bad := foreign(lang, s); bad != "" {
						found[s] = "menu: " + bad
					}
				}
				for _, it := range m.Items {
					if bad := foreign(lang, it.Label); bad != "" && !it.IsSeparator {
						found[it.Label] = "menu " + m.Label + ": " + bad
					}
				}
			}
			eachTab(w, visit)
			// A household's page and its dialogs.
			w.Tabs.SelectIndex(1)
			w.Households.Open(3)
			visit("household page")
			p := w.Households.Page
			for _, c := range p.Cards {
				if !c.AddBtn.Disabled() {
					for _, open := range []func(){func() { p.onAddAction(c) }, func() { p.onChangeStatus(c) }, func() { p.onThaiQM(c) }} {
						open()
						visit("household page dialog")
						closeAll()
					}
					break
				}
			}
			// The notice of a status change refused because the problem
			// changed after the page read it.
			for _, c := range p.Cards {
				if !c.StateBtn.Disabled() {
					cur := c.Problem
					if err := w.env.Store.(*bolt.Store).UpdateProblem(data.WithOperator(w.ctx, "สมใจ ทดสอบ"), &cur); err != nil {
						t.Fatal(err)
					}
					p.onChangeStatus(c)
					to := data.Solved
					if c.Problem.Status == to {
						to = data.InProgress
					}
					p.StatusForm.Status.SetSelectedIndex(int(to) - 1)
					test.Tap(p.StatusForm.Save)
					visit("stale notice")
					if p.Stale == nil {
						t.Fatalf("no notice of the change: %q", w.lastError)
					}
					closeAll()
					break
				}
			}
			// An import's report, of a follow-up workbook of an amphoe.
			book := filepath.Join(t.TempDir(), "followup.xlsx")
			if _, err := w.exporter.FollowUp(w.ctx, "4101", book, false); err != nil {
				t.Fatal(err)
			}
			w.Tabs.SelectIndex(2)
			w.Import.Tabs.SelectIndex(0)
			w.Import.AddFiles([]string{book})
			extra = append(extra, "followup.xlsx", "'ข้อมูล'", "'รายการ'", "sheet ข้อมูล") // the file's and its sheets' own names
			visit("import report")
			closeAll()
			// The menu's dialogs.
			for _, open := range []func(){w.onAbout, w.onSettings, w.onSubProblems, w.onUnits, w.Dashboard.onNewRound, w.onPrint, w.onSaveCharts, w.onBackup} {
				open()
				visit("dialog")
				closeAll()
			}
			// Quit with a form open asks.
			w.onSettings()
			w.onQuit()
			visit("quit question")
			closeAll()
			// The first start, on a database without a province.
			first := firstStartWindow(t, lang)
			look("first start", first.Window.Content())
			if len(found) > 0 {
				var lines []string
				for s, where := range found {
					lines = append(lines, where+" in "+strings.ReplaceAll(s, "\n", " ⏎ "))
				}
				sort.Strings(lines)
				t.Errorf("%d texts not in %s:\n%s", len(lines), name, strings.Join(lines, "\n"))
			}
		})
	}
}

// languageWindow is a window in lang over a small demo province, and a
// function that removes the data's own words from a text.
func languageWindow(t *testing.T, lang Language) (*MainWindow, func(string) string) {
	t.Helper()
	return languageWindowOf(t, lang, 40)
}

// languageWindowOf is languageWindow over a demo of n households.
func languageWindowOf(t *testing.T, lang Language, n int) (*MainWindow, func(string) string) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefOperator, "สมใจ ทดสอบ")
	if lang == English {
		a.Preferences().SetString(prefLanguage, "en")
	}
	today := data.NewDate(2024, 8, 1)
	clock := data.FixedClock(today.Time().Add(10 * time.Hour))
	dir := t.TempDir()
	s, err := bolt.Open(filepath.Join(dir, "qm.db"), bolt.Options{NoSync: true, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	geo, _ := assets.Geography()
	s.Init(ctx, "41", data.DefaultRound())
	round, _ := s.Round(ctx, 1)
	if err := (app.Demo{Geo: geo, Province: "41", Round: round, Seed: 3, AsOf: today}).Fill(ctx, s, n, 500, nil); err != nil {
		t.Fatal(err)
	}
	w := NewMainWindow(a, Env{Store: s, Geo: geo, Clock: clock, DataDir: dir, Operator: "os-user", Version: "0.1.0", KeyDir: filepath.Join(dir, "key")})
	w.WaitIdle()
	t.Cleanup(func() { w.WaitIdle(); s.Close() })
	if (w.t.lang == English) != (lang == English) {
		t.Fatalf("the window is not in %v", lang)
	}
	// The data's words: people, places, sub-problems, agencies, rounds.
	var words []string
	add := func(ss ...string) {
		for _, x := range ss {
			if x = strings.TrimSpace(x); x != "" {
				words = append(words, x)
			}
		}
	}
	for _, am := range geo.AmphoesOf("41") {
		add(am.Thai, "อำเภอ"+am.Thai)
		for _, tb := range geo.TambonsOf(am.Code) {
			add(tb.Thai)
		}
	}
	if pv, ok := geo.Province("41"); ok {
		add(pv.Thai, "จังหวัด"+pv.Thai)
	}
	s.Walk(ctx, func(h data.Household, ps []data.Problem) error {
		add(h.Head.FullName(), h.Head.Title, h.Head.FirstName, h.Head.LastName, h.VillageName)
		for _, p := range ps {
			add(p.SubProblem, p.Detail, p.LeadAgency, p.CloseReason)
			acts, _ := s.Actions(ctx, p.ID)
			for _, a := range acts {
				add(a.Agency, a.What, a.Note, a.RecordedBy)
			}
		}
		return nil
	})
	subs, _ := s.SubProblems(ctx)
	for _, x := range subs {
		add(x.Name)
	}
	rs, _ := s.Rounds(ctx)
	for _, r := range rs {
		add(r.Name)
	}
	add("สมใจ ทดสอบ", "os-user", app.DefaultLetter)
	// A language is named in its own words in the language choice.
	add("ไทย", "English")
	if lines, err := app.Agencies(ctx, s, round.ID, ""); err == nil {
		for _, l := range lines {
			add(l.Name)
			add(l.Spellings...)
		}
	}
	units, _ := s.Units(ctx)
	for _, u := range units {
		add(u.Name)
	}
	sort.Slice(words, func(i, j int) bool { return len(words[i]) > len(words[j]) }) // longest first
	return w, func(s string) string {
		for _, x := range words {
			s = strings.ReplaceAll(s, x, " ")
		}
		return dataShapes.ReplaceAllString(s, " ")
	}
}

// Words of English that a Thai screen writes as they are: names of
// systems, file types and keys.
var latinAllowed = map[string]bool{"ThaiQM": true, "Re": true, "X": true, "Ray": true, "PDF": true, "PNG": true, "Excel": true, "PostgreSQL": true,
	"xlsx": true, "xls": true, "xlsm": true, "ods": true, "Ctrl": true, "qmdesk": true, "dpi": true, "ID": true, "QM": true, "Thai": true, "Tab": true, "Esc": true, "Enter": true}

var latinWord = regexp.MustCompile(`[A-Za-z]{2,}`)

// dataShapes are a folder's path and what masking leaves of an ID or a
// phone number: data whatever the language.
var dataShapes = regexp.MustCompile(`(^|\s|:)(/|[A-Z]:\\)\S*|\b[x\-]*xx[x\-]*\d*`)

// foreign returns the first word in s that is not in lang, or "".
func foreign(lang Language, s string) string {
	if lang == English {
		for _, r := range s {
			if unicode.Is(unicode.Thai, r) && !(r >= '๐' && r <= '๙') {
				i := strings.IndexRune(s, r)
				return strings.TrimSpace(s[max(0, i-12):min(len(s), i+24)])
			}
		}
		return ""
	}
	for _, wd := range latinWord.FindAllString(s, -1) {
		if !latinAllowed[wd] {
			return wd
		}
	}
	return ""
}

// chromeTexts are the texts the program writes on o and what it holds:
// labels, buttons, choices, hints, headers, tabs, cards, and the tables'
// cells (lists, whose lines are the data's, are left out).
func chromeTexts(o fyne.CanvasObject) (out []string) {
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil {
			return
		}
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
			return
		case *wrapLabel:
			out = append(out, x.Text)
			return
		case *widget.Button:
			out = append(out, x.Text)
			return
		case *widget.Check:
			out = append(out, x.Text)
			return
		case *widget.Select:
			out = append(out, x.PlaceHolder)
			out = append(out, x.Options...)
			return
		case *widget.SelectEntry:
			out = append(out, x.PlaceHolder)
			return
		case *widget.Entry:
			out = append(out, x.PlaceHolder)
			return
		case *entry:
			out = append(out, x.PlaceHolder)
			return
		case *widget.RadioGroup:
			out = append(out, x.Options...)
			return
		case *widget.Hyperlink:
			out = append(out, x.Text)
			return
		case *canvas.Text:
			out = append(out, x.Text)
			return
		case *widget.List, *widget.Table, *canvas.Image:
			return
		case *widget.Card:
			out = append(out, x.Title, x.Subtitle)
			walk(x.Content)
			return
		case *container.AppTabs:
			for _, it := range x.Items {
				out = append(out, it.Text)
				walk(it.Content)
			}
			return
		case *widget.Form:
			for _, it := range x.Items {
				out = append(out, it.Text, it.HintText)
				walk(it.Widget)
			}
			if x.OnSubmit != nil {
				out = append(out, x.SubmitText)
			}
			if x.OnCancel != nil {
				out = append(out, x.CancelText)
			}
			return
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
			return
		case *container.Scroll:
			walk(x.Content)
			return
		case *container.Split:
			walk(x.Leading)
			walk(x.Trailing)
			return
		}
		if wid, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(wid).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// firstStartWindow is a window in lang over an empty database.
func firstStartWindow(t *testing.T, lang Language) *MainWindow {
	t.Helper()
	a := test.NewTempApp(t)
	if lang == English {
		a.Preferences().SetString(prefLanguage, "en")
	}
	s, err := bolt.Open(filepath.Join(t.TempDir(), "empty.db"), bolt.Options{NoSync: true, Clock: data.FixedClock(time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	geo, _ := assets.Geography()
	w := NewMainWindow(a, Env{Store: s, Geo: geo, Clock: data.FixedClock(time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC)), DataDir: t.TempDir()})
	w.WaitIdle()
	t.Cleanup(func() { w.WaitIdle(); s.Close() })
	if w.Setup == nil {
		t.Fatal("an empty database should open on the first start")
	}
	return w
}

// The letter's urgent kinds are the program's words, not the clerk's: in
// English mode their buttons and columns are English too (a name the
// clerk made for one stays as she wrote it).
func TestUrgentKindsSpeakEnglish(t *testing.T) {
	w, _ := languageWindow(t, English)
	if len(w.Dashboard.Urgent) != 3 {
		t.Fatalf("%d urgent buttons", len(w.Dashboard.Urgent))
	}
	texts := []string{}
	for _, b := range w.Dashboard.Urgent {
		texts = append(texts, b.Text)
	}
	texts = append(texts, w.Dashboard.Amphoes.Headers...)
	for _, s := range texts {
		if bad := foreign(English, s); bad != "" {
			t.Errorf("%q in English mode: %s", s, bad)
		}
	}
}

// eachTab shows every tab, and every tab of the dashboard and of the
// import, and calls visit with where it is.
func eachTab(w *MainWindow, visit func(where string)) {
	for i := range w.Tabs.Items {
		w.Tabs.SelectIndex(i)
		visit("tab " + w.Tabs.Items[i].Text)
	}
	w.Tabs.SelectIndex(0)
	for _, it := range w.Dashboard.parts.Items {
		w.Dashboard.parts.Select(it)
		visit("dashboard › " + it.Text)
	}
	w.Tabs.SelectIndex(2)
	for i := range w.Import.Tabs.Items {
		w.Import.Tabs.SelectIndex(i)
		visit("import › " + w.Import.Tabs.Items[i].Text)
	}
}

// A value the import shortened says its length in the window's language
// (the Thai note goes back to the district in the rows-to-fix workbook).
func TestShortenedValueSpeaksEnglish(t *testing.T) {
	v := strings.Repeat("ก", 100) + "… (ยาว 40,000 ตัวอักษร)"
	if got := (texts{lang: English}).cellValue(v); got != strings.Repeat("ก", 100)+"… (40,000 characters)" {
		t.Errorf("English: %q", got)
	}
	if got := (texts{lang: Thai}).cellValue(v); got != v {
		t.Errorf("Thai: %q", got)
	}
}

// The ledger's name of a review decision and an export's amphoe read in
// English in English mode; a file's own name stays as it is.
func TestLedgerAndAreaNamesSpeakEnglish(t *testing.T) {
	en, th := texts{lang: English}, texts{lang: Thai}
	review := "รายการรอตรวจสอบที่ 1 (แถว 105 แผ่นงาน ข้อมูล)"
	if got := en.importName(review); got != "review 1 (row 105, sheet ข้อมูล)" {
		t.Errorf("English %q", got)
	}
	if got := th.importName(review); got != review {
		t.Errorf("Thai %q", got)
	}
	if got := en.importName("ผลอำเภอกุดจับ.xlsx"); got != "ผลอำเภอกุดจับ.xlsx" {
		t.Errorf("a file's name: %q", got)
	}
	if en.areaName("อำเภอหนองหาน") != "amphoe หนองหาน" || th.areaName("อำเภอหนองหาน") != "อำเภอหนองหาน" || en.areaName("เทศบาลนครอุดรธานี") != "เทศบาลนครอุดรธานี" {
		t.Error("area names")
	}
}

// In English mode the places of a household and the default list's
// sub-problems are named in English, as the dashboard names them (clerk
// trial: Tambon ดอนกลอย beside an English dashboard).
func TestPlacesAndSubProblemsSpeakEnglish(t *testing.T) {
	w, _ := languageWindow(t, English)
	w.Tabs.SelectIndex(1)
	w.Households.Open(3)
	w.WaitIdle()
	h := w.Households.Page.Household
	tambon, _ := w.env.Geo.Tambon(h.TambonCode)
	amphoe, _ := w.env.Geo.Amphoe(h.AmphoeCode())
	if a := w.Households.Page.Address.Text; !strings.Contains(a, "Tambon "+tambon.English) || !strings.Contains(a, "Amphoe "+amphoe.English) {
		t.Errorf("address %q (tambon %s, amphoe %s)", a, tambon.English, amphoe.English)
	}
	for _, c := range w.Households.Page.Cards {
		if e := data.SubProblemEnglish(c.Problem.SubProblem); e != "" && !strings.HasSuffix(c.Title.Text, e) {
			t.Errorf("card %q for %q", c.Title.Text, c.Problem.SubProblem)
		}
	}
}

// eachMenuDialog opens each dialog of the menu (settings, sub-problems,
// municipalities, the meeting pack's chooser), calls visit with its name,
// and closes it.
func eachMenuDialog(w *MainWindow, visit func(what string)) {
	for _, d := range []struct {
		what string
		open func()
	}{{"settings", w.onSettings}, {"subproblems", w.onSubProblems}, {"municipalities", w.onUnits}, {"print", w.onPrint}} {
		d.open()
		visit(d.what)
		for len(w.dialogs) > 0 {
			w.closeTopDialog()
		}
	}
}
