package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// numberToken is a figure as the screens write it: digits (Thai or Arabic)
// with their thousands commas, decimals and a percent sign.
var numberToken = regexp.MustCompile(`[0-9๐-๙][0-9๐-๙,.]*%?`)

// TestEveryScreenFitsA720Screen: on a 1280×720 screen the window's content
// is 1280×688 (the title bar takes the rest). At that size, in Thai and in
// English, on a province whose figures run to five digits, no screen asks
// for more room than the window has (its bottom would be off the screen),
// and no text on it cuts a figure: a figure is never wider than the label
// or table cell that shows it (it would wrap in the middle or be clipped),
// and a one-line label or cell is never narrower than its text.
func TestEveryScreenFitsA720Screen(t *testing.T) {
	size := fyne.NewSize(1280, 688)
	for _, lang := range []Language{Thai, English} {
		t.Run(map[Language]string{Thai: "Thai", English: "English"}[lang], func(t *testing.T) {
			w, _ := languageWindowOf(t, lang, 3000)
			var problems []string
			visit := func(where string) {
				w.WaitIdle()
				w.Window.Resize(size.AddWidthHeight(1, 1)) // lays out again, as the real window does
				w.Window.Resize(size)
				if min := w.Window.Content().MinSize(); min.Width > size.Width || min.Height > size.Height {
					problems = append(problems, fmt.Sprintf("%s: the screen needs %.0f×%.0f", where, min.Width, min.Height))
				}
				for _, p := range cutTexts(w.Window.Content()) {
					problems = append(problems, where+": "+p)
				}
				for _, o := range w.Window.Canvas().Overlays().List() {
					for _, p := range cutTexts(o) {
						problems = append(problems, where+" (dialog): "+p)
					}
				}
			}
			eachTab(w, visit)
			w.Tabs.SelectIndex(0)
			visit("dashboard")
			// The tables below the figures keep room for several rows; the
			// figures above scroll instead. On a large screen they do not.
			if h := w.Dashboard.parts.Size().Height; h < tabsRoom {
				t.Errorf("at 1280×688 the dashboard's tabs have %.0f px", h)
			}
			w.Window.Resize(fyne.NewSize(1920, 1048))
			if top, need := w.Dashboard.Top.Size().Height, w.Dashboard.Top.Content.MinSize().Height; top < need {
				t.Errorf("at 1920×1048 the figures have %.0f of the %.0f px they need", top, need)
			}
			w.Window.Resize(size)
			w.Tabs.SelectIndex(1)
			w.Households.Open(3)
			visit("a household")
			eachMenuDialog(w, visit)
			seen := map[string]bool{}
			for _, p := range problems {
				if !seen[p] {
					seen[p] = true
					t.Error(p)
				}
			}
		})
	}
}

// cutTexts walks what o draws and names each text that cuts a figure or
// does not fit its one line.
func cutTexts(o fyne.CanvasObject) (out []string) {
	var walk func(o fyne.CanvasObject)
	check := func(text string, style fyne.TextStyle, textSize float32, width float32, oneLine bool) {
		if strings.TrimSpace(text) == "" || width <= 0 {
			return
		}
		room := width + 0.5
		for _, n := range numberToken.FindAllString(text, -1) {
			if fyne.MeasureText(n, textSize, style).Width > room {
				out = append(out, fmt.Sprintf("%q: the figure %s is wider than its %.0f px", text, n, width))
				return
			}
		}
		if oneLine && !strings.Contains(text, "\n") && fyne.MeasureText(text, textSize, style).Width > room {
			out = append(out, fmt.Sprintf("%q: %.0f px of text in %.0f px", text, fyne.MeasureText(text, textSize, style).Width, width))
		}
	}
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *canvas.Text:
			// A label's text: the label's own width is checked above it.
			return
		case *widget.Label:
			pad := 2 * theme.InnerPadding()
			sz := theme.TextSize()
			if x.SizeName != "" {
				sz = fyne.CurrentApp().Settings().Theme().Size(x.SizeName)
			}
			check(x.Text, x.TextStyle, sz, x.Size().Width-pad, x.Wrapping == fyne.TextWrapOff && x.Truncation == fyne.TextTruncateOff)
			return
		case *container.Scroll:
			walk(x.Content)
			return
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
			return
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}
