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

// entry is a text entry on which Escape closes the dialog it sits in: a
// focused entry would otherwise swallow the key.
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
	if k.Name == fyne.KeyEscape {
		e.w.closeTopDialog()
		return
	}
	e.Entry.TypedKey(k)
}

// counter is one of the dashboard's big numbers with its caption.
type counter struct {
	Value   *widget.Label
	Caption *widget.Label
	box     fyne.CanvasObject
}

// newCounter makes a counter; hex, when given, is the status colour of
// the charts, shown as a strip on top.
func newCounter(caption, hex string) *counter {
	c := &counter{Value: widget.NewLabel("–"), Caption: widget.NewLabel(caption)}
	c.Value.SizeName = theme.SizeNameHeadingText
	c.Value.TextStyle.Bold = true
	c.Value.Alignment = fyne.TextAlignCenter
	c.Caption.Alignment = fyne.TextAlignCenter
	c.Caption.SizeName = theme.SizeNameCaptionText // Thai has no spaces to wrap at: keep it on one line
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

// grid is a read-only table with a header row, whose rows the screen
// replaces as a whole. Selecting a row calls OnRow.
type grid struct {
	Table   *widget.Table
	Headers []string
	Rows    [][]string
	OnRow   func(row int)
}

func newGrid(headers []string, widths []float32) *grid {
	g := &grid{Headers: headers}
	g.Table = widget.NewTableWithHeaders(
		func() (int, int) { return len(g.Rows), len(g.Headers) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row < len(g.Rows) && id.Col < len(g.Rows[id.Row]) {
				l.SetText(g.Rows[id.Row][id.Col])
			} else {
				l.SetText("")
			}
		})
	g.Table.ShowHeaderColumn = false
	g.Table.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.TextStyle.Bold = true
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	g.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row == -1 && id.Col >= 0 && id.Col < len(g.Headers) {
			o.(*widget.Label).SetText(g.Headers[id.Col])
		}
	}
	for i, wd := range widths {
		g.Table.SetColumnWidth(i, wd)
	}
	g.Table.OnSelected = func(id widget.TableCellID) {
		g.Table.UnselectAll()
		if g.OnRow != nil && id.Row >= 0 && id.Row < len(g.Rows) {
			g.OnRow(id.Row)
		}
	}
	return g
}

func (g *grid) SetRows(rows [][]string) {
	g.Rows = rows
	g.Table.Refresh()
}

// hexColor reads "#009E73"; anything else is transparent.
func hexColor(s string) color.Color {
	r, g, b, ok := data.ColorRGB(s)
	if !ok {
		return color.Transparent
	}
	return color.NRGBA{R: r, G: g, B: b, A: 255}
}
