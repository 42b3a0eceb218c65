package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"qmdesk/data"
	"qmdesk/data/bolt"
)

// TestScreenshots draws every screen, in Thai and in English, at 1280×720
// and 1920×1080, with Fyne's software painter, into the folder named by
// QMDESK_SCREENSHOTS (docs/screenshots/screens: `make screenshots`). It
// is skipped without it: the pictures are for people to look at.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("QMDESK_SCREENSHOTS")
	if dir == "" {
		t.Skip("QMDESK_SCREENSHOTS names the folder to draw into")
	}
	for _, lang := range []Language{Thai, English} {
		for _, size := range []fyne.Size{{Width: 1280, Height: 720}, {Width: 1920, Height: 1080}} {
			w, _ := languageWindowOf(t, lang, 600)
			w.Window.Resize(size)
			name := map[Language]string{Thai: "th", English: "en"}[lang]
			folder := filepath.Join(dir, name+"-"+map[float32]string{1280: "1280x720", 1920: "1920x1080"}[size.Width])
			if err := os.MkdirAll(folder, 0o755); err != nil {
				t.Fatal(err)
			}
			n := 0
			shot := func(what string) {
				w.WaitIdle()
				// Lays the content out again, as the real window does on
				// every change (the test canvas does not by itself).
				w.Window.Resize(size.AddWidthHeight(1, 1))
				w.Window.Resize(size)
				n++
				f, err := os.Create(filepath.Join(folder, fmtShot(n, what)))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if err := png.Encode(f, w.Window.Canvas().Capture()); err != nil {
					t.Fatal(err)
				}
			}
			w.Tabs.SelectIndex(0)
			for _, it := range w.Dashboard.parts.Items {
				w.Dashboard.parts.Select(it)
				shot("dashboard-" + it.Text)
			}
			w.Tabs.SelectIndex(1)
			w.Households.Open(3)
			shot("households")
			p := w.Households.Page
			for _, c := range p.Cards {
				if !c.AddBtn.Disabled() {
					p.onAddAction(c)
					shot("households-action")
					w.closeTopDialog()
					break
				}
			}
			for _, c := range p.Cards {
				if !c.StateBtn.Disabled() {
					changedMeanwhile(t, w, p, c)
					shot("households-changed-meanwhile")
					w.closeTopDialog()
					break
				}
			}
			w.Tabs.SelectIndex(2)
			for i := range w.Import.Tabs.Items {
				w.Import.Tabs.SelectIndex(i)
				shot("import-" + w.Import.Tabs.Items[i].Text)
			}
			w.Tabs.SelectIndex(3)
			shot("export")
			eachMenuDialog(w, shot)
		}
	}
}

func fmtShot(n int, what string) string {
	safe := []rune{}
	for _, r := range what {
		switch r {
		case '/', '\\', ' ', ':':
			r = '-'
		}
		safe = append(safe, r)
	}
	return string([]rune{rune('0' + n/10), rune('0' + n%10), '-'}) + string(safe) + ".png"
}

// changedMeanwhile shows the notice of a status change refused because
// another clerk closed the problem after the page read it.
func changedMeanwhile(t *testing.T, w *MainWindow, p *householdPage, c *problemCard) {
	t.Helper()
	other := data.WithOperator(w.ctx, "สมหญิง ใจดี")
	if err := w.env.Store.(*bolt.Store).AddAction(other, &data.Action{ProblemID: c.Problem.ID, Date: w.today(), What: "ย้ายออก", Result: data.Closed, Note: "ย้ายออกนอกพื้นที่"}); err != nil {
		t.Fatal(err)
	}
	p.onChangeStatus(c)
	to := data.Solved
	if c.Problem.Status == to {
		to = data.InProgress
	}
	p.StatusForm.Status.SetSelectedIndex(int(to) - 1)
	p.saveStatus(c, p.StatusForm)
	w.WaitIdle()
	if p.Stale == nil {
		t.Fatalf("no notice of the change: %q", w.lastError)
	}
}
