package ui_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/ui"
)

// thaiQMEverywhere compares what summary --json says is keyed into ThaiQM
// with the dashboard's tab (every category), the workbook's sheet and the
// pack's two pages (amphoe, then categories); the problems of each row
// are the progress figures' target.
func thaiQMEverywhere(t *testing.T, w *ui.MainWindow, totals app.ThaiQMTally, cats map[data.Category]app.ThaiQMTally, amphoe []app.ThaiQMArea, areas []app.Area,
	units []app.ThaiQMArea, unitAreas []app.Area, f *excelize.File, byAmphoe, byCategory string) {
	t.Helper()
	if len(units) != len(unitAreas) || len(units) == 0 {
		t.Fatalf("%d municipalities in thaiqm, %d in the summary (the demo keeps two)", len(units), len(unitAreas))
	}
	for i, u := range units {
		if u.Code != unitAreas[i].Code || u.Totals.Problems != unitAreas[i].Totals.Target || u.Totals.Keyed == 0 {
			t.Errorf("thaiqm %s: %+v, the summary's target %d", u.Name, u.Totals, unitAreas[i].Totals.Target)
		}
	}
	if totals.Keyed == 0 || totals.NotKeyed == 0 || totals.Keyed+totals.NotKeyed != totals.Problems {
		t.Errorf("the demo should have results keyed and not: %+v", totals)
	}
	if len(amphoe) != len(areas) {
		t.Fatalf("%d amphoe in thaiqm, %d in the summary", len(amphoe), len(areas))
	}
	for i, a := range amphoe {
		if a.Code != areas[i].Code || a.Totals.Problems != areas[i].Totals.Target {
			t.Errorf("thaiqm %s: %d problems, the summary's target %d", a.Name, a.Totals.Problems, areas[i].Totals.Target)
		}
	}
	figures := func(x app.ThaiQMTally) string {
		var s []string
		for _, n := range x.Figures() {
			s = append(s, data.FormatNumber(n))
		}
		return strings.Join(s, " ")
	}
	tab := w.Dashboard.ThaiQM
	rows, _ := f.GetRows(app.SummarySheetThaiQM, excelize.Options{RawCellValue: true})
	book := map[string]string{}
	for _, r := range rows {
		if len(r) == 5 {
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
				t.Errorf("ThaiQM %s %s: dashboard %q, summary --json %q", a.Name, catName, got, want)
			}
			if got := book[a.Name+"|"+catName]; got != want {
				t.Errorf("ThaiQM %s %s: workbook %q, summary --json %q", a.Name, catName, got, want)
			}
			if c == 0 {
				if got := pack(byAmphoe, a.Name); got != want {
					t.Errorf("ThaiQM %s: pack %q, summary --json %q", a.Name, got, want)
				}
			}
		}
		x := totals
		if c != 0 {
			x = cats[c]
		}
		if got := strings.Join(tab.Table.Rows[len(amphoe)][1:], " "); got != figures(x) {
			t.Errorf("ThaiQM province %s: dashboard %q, summary --json %q", catName, got, figures(x))
		}
		if got := book["รวมทั้งจังหวัด|"+catName]; got != figures(x) {
			t.Errorf("ThaiQM province %s: workbook %q, summary --json %q", catName, got, figures(x))
		}
		// The municipalities, under the province's total.
		for i, u := range units {
			y := u.Totals
			if c != 0 {
				y = u.Categories[c]
			}
			want := figures(y)
			if got := strings.Join(tab.Table.Rows[len(amphoe)+1+i][1:], " "); got != want || tab.Table.Rows[len(amphoe)+1+i][0] != u.Name {
				t.Errorf("ThaiQM %s %s: dashboard %q, summary --json %q", u.Name, catName, got, want)
			}
			if got := book[u.Name+"|"+catName]; got != want {
				t.Errorf("ThaiQM %s %s: workbook %q, summary --json %q", u.Name, catName, got, want)
			}
			if c == 0 {
				if got := pack(byAmphoe, u.Name); got != want {
					t.Errorf("ThaiQM %s: pack %q, summary --json %q", u.Name, got, want)
				}
			}
		}
		if c != 0 {
			got, want := pack(byCategory, "ด้านที่ "+strconv.Itoa(ci)), figures(x)
			if strings.Contains(got, "<5") { // a sensitive category's small counts
				var small []string
				for _, n := range x.Figures() {
					s := data.FormatNumber(n)
					if n > 0 && n < app.SmallCount {
						s = "<5"
					}
					small = append(small, s)
				}
				want = strings.Join(small, " ")
			}
			if got != want {
				t.Errorf("ThaiQM province %s: pack %q, summary --json %q", catName, got, want)
			}
		}
	}
	if got := strings.Join(tab.Table.Rows[len(amphoe)][1:], " "); got == "" {
		t.Error("the dashboard's ThaiQM tab is empty")
	}
	tab.Category.SetSelectedIndex(0)
}
