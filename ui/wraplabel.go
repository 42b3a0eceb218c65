package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// wrapLabel is a label that wraps Thai between words. Fyne wraps only at
// blanks and breaks a longer run inside a word ("ดำเ|นินการ"); this one
// breaks its lines with data.Wrap for the width it is given, and is never
// narrower than its longest word.
type wrapLabel struct {
	widget.BaseWidget
	Text      string
	Alignment fyne.TextAlign
	TextStyle fyne.TextStyle
	SizeName  fyne.ThemeSizeName

	label *widget.Label
}

func newWrapLabel(text string) *wrapLabel {
	l := &wrapLabel{Text: text, label: widget.NewLabel("")}
	l.ExtendBaseWidget(l)
	return l
}

// SetText changes the text and lays it out again.
func (l *wrapLabel) SetText(s string) {
	l.Text = s
	l.Refresh()
}

func (l *wrapLabel) textSize() float32 {
	if l.SizeName != "" {
		return theme.Size(l.SizeName)
	}
	return theme.TextSize()
}

func (l *wrapLabel) measure(s string) float64 {
	return float64(fyne.MeasureText(s, l.textSize(), l.TextStyle).Width)
}

// lines are the text's lines in width w.
func (l *wrapLabel) lines(w float32) []string {
	return data.Wrap(l.Text, float64(w-2*theme.InnerPadding()), l.measure)
}

func (l *wrapLabel) CreateRenderer() fyne.WidgetRenderer {
	return &wrapLabelRenderer{l: l}
}

type wrapLabelRenderer struct{ l *wrapLabel }

func (r *wrapLabelRenderer) Layout(size fyne.Size) {
	l := r.l
	l.label.Alignment, l.label.TextStyle, l.label.SizeName = l.Alignment, l.TextStyle, l.SizeName
	l.label.SetText(strings.Join(l.lines(size.Width), "\n"))
	l.label.Resize(size)
}

func (r *wrapLabelRenderer) MinSize() fyne.Size {
	l := r.l
	width := float32(data.LongestPiece(l.Text, l.measure)) + 2*theme.InnerPadding()
	lines := len(l.lines(max(l.Size().Width, width)))
	lineHeight := fyne.MeasureText("ก", l.textSize(), l.TextStyle).Height
	return fyne.NewSize(width, float32(lines)*lineHeight+2*theme.InnerPadding())
}

func (r *wrapLabelRenderer) Refresh() {
	r.Layout(r.l.Size())
	r.l.label.Refresh()
}

func (r *wrapLabelRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.l.label} }
func (r *wrapLabelRenderer) Destroy()                     {}
