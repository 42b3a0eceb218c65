package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// Fyne takes every dialog above a job's progress off the window when the
// progress is hidden, without telling them. Quit's question about the job
// is then moot and forgotten; another dialog opened meanwhile is shown
// again; and nothing is left counted as open, which would leave the menus
// and their shortcuts dead (the clerk trial: Ctrl+Q during the meeting
// pack, then File did nothing).
func TestDialogsOverAJobOutliveItsProgress(t *testing.T) {
	w, _ := languageWindow(t, Thai)
	for _, over := range []string{"quit", "message"} {
		release := make(chan struct{})
		released := false
		t.Cleanup(func() {
			if !released {
				close(release)
			}
		})
		w.run("งานทดสอบ", func(ctx context.Context, progress report) error { <-release; return nil }, nil)
		switch over {
		case "quit":
			w.onQuit()
		case "message":
			w.showDialog(dialog.NewInformation("ข้อความ", "ระหว่างงาน", w.Window))
		}
		if len(w.dialogs) != 1 || !w.modal() {
			t.Fatalf("%s during the job: %d dialogs, modal %v", over, len(w.dialogs), w.modal())
		}
		close(release)
		released = true
		w.WaitIdle()
		switch over {
		case "quit":
			if len(w.dialogs) != 0 || w.modal() {
				t.Errorf("after the job the quit question is still counted: %d dialogs, modal %v", len(w.dialogs), w.modal())
			}
		case "message":
			if len(w.dialogs) != 1 || w.Window.Canvas().Overlays().Top() == nil {
				t.Errorf("the message over the job is gone from the window: %d dialogs, top %v", len(w.dialogs), w.Window.Canvas().Overlays().Top())
			}
			w.closeTopDialog()
			if w.modal() || w.Window.Canvas().Overlays().Top() != nil {
				t.Errorf("after closing the message: modal %v", w.modal())
			}
		}
	}
}

// A saved file the system cannot open (no PDF viewer) is no fault of the
// program: the clerk hears where the file is.
func TestShowFileWithoutAViewer(t *testing.T) {
	w, _ := languageWindow(t, Thai)
	w.env.ShowFile = func(string) error { return errors.New("exec: \"xdg-open\": executable file not found in $PATH") }
	w.showFile("/tmp/x/เอกสารประชุม.pdf")
	if e := w.lastError; !strings.Contains(e, "/tmp/x/เอกสารประชุม.pdf") || !strings.Contains(e, "ไฟล์ยังอยู่ครบที่เดิม") || strings.Contains(e, "ไม่คาดคิด") {
		t.Errorf("message %q", e)
	}
}

// Workbooks checked but not imported are work the clerk would lose by
// quitting: Quit asks first (clerk trial: it quit at once).
func TestQuitAsksWithCheckedWorkbooks(t *testing.T) {
	w, _ := languageWindow(t, Thai)
	path, _ := reasonsBook(t, w)
	w.Import.AddFiles([]string{path})
	w.WaitIdle()
	if len(w.Import.ready()) != 1 {
		t.Fatalf("the workbook is not ready to import: %+v", w.Import.Reports)
	}
	w.onQuit()
	if len(w.dialogs) != 1 || !w.dialogs[0].quit {
		t.Fatalf("Quit with a checked workbook: %d dialogs", len(w.dialogs))
	}
	w.closeTopDialog()
}

// Return in the search opens the first household found and leaves the
// keyboard in the list (clerk trial: search was mouse-only).
func TestReturnInTheSearchOpensTheFirst(t *testing.T) {
	w, _ := languageWindow(t, Thai)
	w.Tabs.SelectIndex(1)
	r := w.Households
	r.Search.SetText("4101")
	w.WaitIdle()
	if len(r.IDs) == 0 {
		t.Fatal("nothing found")
	}
	r.Search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.WaitIdle()
	if r.Page.Household.ID != r.IDs[0] || w.Window.Canvas().Focused() != r.List {
		t.Errorf("Return: page %d (first found %d), focus %T", r.Page.Household.ID, r.IDs[0], w.Window.Canvas().Focused())
	}
}
