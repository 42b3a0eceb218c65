package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"qmdesk/app"
	"qmdesk/data"
)

// At the widths of a 1280×720 and a 1920×1080 screen, a table of the
// dashboard's columns is whole: its columns fit the width, every number
// is as wide as its column allows, no header or cell breaks inside a
// word, and numbers are right-aligned.
func TestGridFitsWithoutCutting(t *testing.T) {
	test.NewTempApp(t)
	heads := []string{data.WordCategory.Thai}
	for _, c := range app.Columns {
		heads = append(heads, c.Head.Thai)
	}
	heads = append(heads, app.UrgentColumn(data.UrgentKind{Name: "ขาดแคลนน้ำดื่ม"}).Thai, app.CategoryUrgentColumn.Thai)
	var rows [][]string
	for _, c := range data.Categories {
		row := []string{c.ShortLabel()}
		for range app.Columns {
			row = append(row, "1,234,567")
		}
		rows = append(rows, append(row, "12,345", "๘,๐๔๕"))
	}
	rows[0][len(app.Columns)] = "100.0%"
	for _, width := range []float32{1280, 1920} {
		g := newGrid(heads)
		g.SetRows(rows)
		g.Box.Resize(fyne.NewSize(width-4*theme.Padding(), 500))
		var sum float32
		for c, w := range g.Widths {
			sum += w
			if c > 0 && !g.numeric[c] {
				t.Errorf("%v: column %q is not numeric", width, heads[c])
			}
			for _, r := range rows {
				if tw := textWidth(r[c], false) + cellInset(); c > 0 && tw > w {
					t.Errorf("%v: %q is cut in a column %v wide", width, r[c], w)
				}
			}
			if lw := longestWord(heads[c], true) + cellInset(); lw > w {
				t.Errorf("%v: header %q has a word wider (%v) than its column (%v)", width, heads[c], lw, w)
			}
			lines := strings.Split(g.labels[c].label.Text, "\n")
			if strings.Join(strings.Fields(strings.Join(lines, " ")), "") != strings.Join(strings.Fields(heads[c]), "") {
				t.Errorf("%v: header %q drawn as %q", width, heads[c], lines)
			}
		}
		if avail := g.columnsWidth(width - 4*theme.Padding()); sum > avail+0.5 {
			t.Errorf("%v: columns take %v of %v", width, sum, avail)
		}
	}
}

// A counter's caption wraps between words within its box.
func TestCounterCaptionWraps(t *testing.T) {
	test.NewTempApp(t)
	c := newCounter(data.PercentSolvedHead().Thai, "")
	c.Caption.Resize(fyne.NewSize(140, 100))
	c.Caption.Refresh()
	lines := strings.Split(c.Caption.label.Text, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "ร้อยละแก้ไขสำเร็จ") {
		t.Errorf("caption lines %q", lines)
	}
	for _, l := range lines {
		if fyne.MeasureText(l, theme.CaptionTextSize(), fyne.TextStyle{}).Width > 140-2*theme.InnerPadding() {
			t.Errorf("line %q wider than its box", l)
		}
	}
}
