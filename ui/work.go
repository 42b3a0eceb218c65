package ui

import (
	"context"
	"errors"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// task is work that may take more than a moment (import, export, backup,
// demo data). It runs off the UI thread behind a dialog with a progress bar
// and a cancel button, so the window never freezes.
type task struct {
	Dialog *dialog.CustomDialog
	Bar    *widget.ProgressBar         // shown once the job says how far it is
	Busy   *widget.ProgressBarInfinite // until then
	Text   *widget.Label
	Cancel *widget.Button

	cancel context.CancelFunc
}

// report is how a job says how far it is: done from 0 to 1 (negative when
// it cannot tell), and a line for the clerk.
type report func(done float64, text string)

// run starts job in the background. after runs on the UI thread when the
// job has ended, with its error (context.Canceled when the clerk cancelled,
// which is not shown as an error). A cancel promises nothing about what
// the job leaves behind; runCancelling says what it does.
func (w *MainWindow) run(title string, job func(ctx context.Context, progress report) error, after func(err error)) *task {
	return w.runCancelling(title, "", job, after)
}

// runCancelling is run with the sentence the dialog shows once the clerk
// pressed cancel: what the job leaves behind, as the job really does it.
func (w *MainWindow) runCancelling(title, onCancel string, job func(ctx context.Context, progress report) error, after func(err error)) *task {
	ctx, cancel := context.WithCancel(w.ctx)
	t := &task{Bar: widget.NewProgressBar(), Busy: widget.NewProgressBarInfinite(), Text: widget.NewLabel(title + "…"), cancel: cancel}
	t.Text.Wrapping = fyne.TextWrapWord
	t.Cancel = widget.NewButton(w.t.tr("ยกเลิก", "Cancel"), func() {
		t.Cancel.Disable()
		t.Text.SetText(w.t.tr("กำลังยกเลิก…", "Cancelling…") + " " + onCancel)
		cancel()
	})
	t.Bar.Hide()
	box := container.NewVBox(t.Text, container.NewStack(t.Bar, t.Busy), container.NewCenter(t.Cancel))
	t.Dialog = dialog.NewCustomWithoutButtons(title, box, w.Window)
	t.Dialog.Resize(fyne.NewSize(480, 160))
	w.Running = t
	under := slices.Clone(w.dialogs)
	t.Dialog.Show()
	w.goBackground(func() {
		err := job(ctx, func(done float64, text string) {
			w.do(func() {
				if done >= 0 {
					t.Busy.Stop()
					t.Busy.Hide()
					t.Bar.Show()
					t.Bar.SetValue(done)
				}
				if text != "" && ctx.Err() == nil {
					t.Text.SetText(text)
				}
			})
		})
		cancel()
		w.doAndWait(func() {
			t.Busy.Stop()
			w.hideProgress(t.Dialog, under)
			if w.Running == t {
				w.Running = nil
			}
			if err != nil && !errors.Is(err, context.Canceled) {
				w.showError(err)
			}
			if after != nil {
				after(err)
			}
		})
	})
	return t
}

// hideProgress hides a job's progress and mends the dialogs opened over
// it: Fyne takes every overlay above a hidden one off the window without
// telling them. The question Quit asked about the job is moot and
// forgotten (Quit again quits at once); any other is put back. under are
// the dialogs that were open when the job began.
func (w *MainWindow) hideProgress(progress dialog.Dialog, under []openDialog) {
	overlays := w.Window.Canvas().Overlays()
	before := slices.Clone(overlays.List())
	progress.Hide()
	after := overlays.List()
	if len(after) >= len(before) {
		return
	}
	var above []openDialog // the dialogs opened over the progress, in order
	for _, o := range w.dialogs {
		if !slices.ContainsFunc(under, func(u openDialog) bool { return u.d == o.d }) {
			above = append(above, o)
		}
	}
	for i, o := range before[len(after)+1:] { // the progress was at len(after)
		if i < len(above) && above[i].quit {
			w.forgetDialog(above[i].d)
			continue
		}
		overlays.Add(o)
	}
}

// save is the short write of a click (an action, a decision, a merge):
// write runs off the UI thread with button (when given) off until it
// returns, so a second press cannot write twice; then runs on the UI
// thread with its error. Long jobs, with progress and cancel, use run.
func (w *MainWindow) save(button *widget.Button, write func(ctx context.Context) error, then func(err error)) {
	if button != nil {
		button.Disable()
	}
	w.goBackground(func() {
		err := write(w.ctx)
		w.doAndWait(func() {
			if button != nil {
				button.Enable()
			}
			then(err)
		})
	})
}

// loading reads what a dialog shows off the UI thread, then shows it: read
// runs in the background, show on the UI thread once it is back; an error
// is shown instead.
func (w *MainWindow) loading(read func(ctx context.Context) error, show func()) {
	w.goBackground(func() {
		err := read(w.ctx)
		w.doAndWait(func() {
			if err != nil {
				w.showError(err)
				return
			}
			show()
		})
	})
}
