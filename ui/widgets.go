package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// entry is a text entry on which Escape closes the dialog it sits in and
// Return presses its main button: a focused entry would otherwise swallow
// both keys.
type entry struct {
	widget.Entry
	w *MainWindow
}

func newEntry(w *MainWindow) *entry {
	e := &entry{w: w}
	e.ExtendBaseWidget(e)
	return e
}

func newMultiLineEntry(w *MainWindow) *entry {
	e := newEntry(w)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(3)
	return e
}

func (e *entry) TypedKey(k *fyne.KeyEvent) {
	switch {
	case k.Name == fyne.KeyEscape:
		e.w.closeTopDialog()
		return
	case (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter) && !e.MultiLine && e.OnSubmitted == nil:
		// Return in a one-line field is the dialog's main button, as in
		// the clerk's other programs; a note's field takes it as a new line.
		e.w.returnInTopDialog()
		return
	}
	e.Entry.TypedKey(k)
}

// counter is one of the dashboard's big numbers with its caption.
type counter struct {
	Value   *widget.Label
	Caption *wrapLabel
	box     fyne.CanvasObject
}

// newCounter makes a counter; hex, when given, is the status colour of
// the charts, shown as a strip on top.
func newCounter(caption, hex string) *counter {
	c := &counter{Value: widget.NewLabel("–"), Caption: newWrapLabel(caption)}
	c.Value.SizeName = theme.SizeNameHeadingText
	c.Value.TextStyle.Bold = true
	c.Value.Alignment = fyne.TextAlignCenter
	c.Caption.Alignment = fyne.TextAlignCenter
	c.Caption.SizeName = theme.SizeNameCaptionText // wrapped between words over as many lines as it needs
	strip := canvas.NewRectangle(hexColor(hex))
	strip.SetMinSize(fyne.NewSize(10, 6))
	if hex != "" { // outlined, so that the near-black of closed shows on a dark theme
		strip.StrokeColor, strip.StrokeWidth = color.Gray{Y: 0x80}, 1
	}
	c.box = widget.NewCard("", "", container.NewVBox(strip, c.Value, c.Caption))
	return c
}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// hexColor reads "#009E73"; anything else is transparent.
func hexColor(s string) color.Color {
	r, g, b, ok := data.ColorRGB(s)
	if !ok {
		return color.Transparent
	}
	return color.NRGBA{R: r, G: g, B: b, A: 255}
}

// newSelect is a drop-down whose empty choice reads in the window's
// language: Fyne writes "(Select one)" whatever the language.
func newSelect(t texts, options []string, changed func(string)) *widget.Select {
	s := widget.NewSelect(options, changed)
	s.PlaceHolder = t.tr("(เลือก)", "(Select one)")
	return s
}
