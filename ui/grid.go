package ui

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// grid is a read-only table with a header row, whose rows the screen
// replaces as a whole; selecting a row calls OnRow. Nothing in it is cut:
// its columns share the width it is given (each at least as wide as its
// widest number and its header's longest word), headers wrap over as many
// lines as they need, text columns wrap their cells and the rows grow to
// fit, and columns of numbers are right-aligned.
type grid struct {
	Box     fyne.CanvasObject // the header over the table: what screens lay out
	Table   *widget.Table
	Headers []string
	Rows    [][]string
	OnRow   func(row int)
	// Widths are the columns' widths after the last layout (for tests).
	Widths []float32

	box     *fyne.Container
	wrapped [][]string   // Rows with text cells broken into lines for Widths
	labels  []*wrapLabel // the header's
	numeric []bool
	width   float32 // the width last laid out for
}

func newGrid(headers []string) *grid {
	g := &grid{Headers: headers}
	g.Table = widget.NewTable(
		func() (int, int) { return len(g.Rows), len(g.Headers) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.Alignment = fyne.TextAlignLeading
			numeric := id.Col < len(g.numeric) && g.numeric[id.Col]
			if numeric {
				l.Alignment = fyne.TextAlignTrailing
			}
			text := ""
			switch {
			case id.Row < len(g.wrapped) && id.Col < len(g.wrapped[id.Row]): // broken between words by fit
				text = g.wrapped[id.Row][id.Col]
			case id.Row < len(g.Rows) && id.Col < len(g.Rows[id.Row]):
				text = g.Rows[id.Row][id.Col]
			}
			l.SetText(text)
		})
	g.Table.OnSelected = func(id widget.TableCellID) {
		g.Table.UnselectAll()
		if g.OnRow != nil && id.Row >= 0 && id.Row < len(g.Rows) {
			g.OnRow(id.Row)
		}
	}
	objs := []fyne.CanvasObject{g.Table}
	for _, h := range headers {
		l := newWrapLabel(h)
		l.TextStyle.Bold = true
		g.labels = append(g.labels, l)
		objs = append(objs, l)
	}
	g.box = container.New(&gridLayout{g}, objs...)
	g.Box = g.box
	return g
}

func (g *grid) SetRows(rows [][]string) {
	g.Rows, g.wrapped = rows, nil // wrapped again by fit, at the next layout
	g.numeric = make([]bool, len(g.Headers))
	for c := range g.Headers {
		g.numeric[c] = c > 0 && columnIsNumeric(rows, c)
	}
	for c, l := range g.labels {
		l.Alignment = fyne.TextAlignLeading
		if g.numeric[c] {
			l.Alignment = fyne.TextAlignTrailing
		}
		l.Refresh()
	}
	// New rows change the widths and the header's height: lay the header
	// and the table out again, or the header would sit over old columns.
	if g.width > 0 {
		g.box.Layout.Layout(g.box.Objects, g.box.Size())
	}
	g.Table.Refresh()
}

// columnIsNumeric tells a column of counts, percentages and days.
func columnIsNumeric(rows [][]string, c int) bool {
	seen := false
	for _, r := range rows {
		if c >= len(r) || r[c] == "" || r[c] == "–" || r[c] == "-" {
			continue
		}
		seen = true
		for _, ch := range r[c] {
			if !unicode.IsDigit(ch) && !strings.ContainsRune(",.%<–- ", ch) {
				return false
			}
		}
	}
	return seen
}

// cellInset is the room a label takes around its text.
func cellInset() float32 { return 2*theme.InnerPadding() + 2 }

// textWidth measures s as a label draws it.
func textWidth(s string, bold bool) float32 {
	return fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{Bold: bold}).Width
}

// longestWord is the widest run of s a line may not break inside: the
// narrowest a wrapped label can be without breaking a word.
func longestWord(s string, bold bool) float32 {
	return float32(data.LongestPiece(s, func(x string) float64 { return float64(textWidth(x, bold)) }))
}

func measurePlain(s string) float64 { return float64(textWidth(s, false)) }

// columnsWidth is what the columns share of a width: the table puts a gap
// between them.
func (g *grid) columnsWidth(w float32) float32 {
	return w - float32(max(len(g.Headers)-1, 0))*theme.Padding() - 2
}

// fit works out the columns' widths for a total width and the rows'
// heights for those widths.
func (g *grid) fit(total float32) {
	n := len(g.Headers)
	need := make([]float32, n) // the width that shows every cell on one line
	least := make([]float32, n)
	for c, h := range g.Headers {
		least[c] = longestWord(h, true)
		need[c] = least[c]
	}
	for _, r := range g.Rows {
		for c := 0; c < n && c < len(r); c++ {
			w := textWidth(r[c], false)
			need[c] = max(need[c], w)
			if g.numeric[c] {
				least[c] = max(least[c], w) // a number is never wrapped
			} else {
				least[c] = max(least[c], min(w, longestWord(r[c], false)))
			}
		}
	}
	inset := cellInset()
	var sumNeed, sumLeast float32
	for c := range need {
		need[c] += inset
		least[c] = max(least[c]+inset, 40)
		need[c] = max(need[c], least[c])
		sumNeed += need[c]
		sumLeast += least[c]
	}
	widths := make([]float32, n)
	switch {
	case sumNeed <= total: // everything on one line; the rest shared out
		extra := (total - sumNeed) / float32(n)
		for c := range widths {
			widths[c] = need[c] + extra
		}
	case sumLeast < total: // text columns wrap, in proportion to their text
		copy(widths, least)
		extra, want := total-sumLeast, sumNeed-sumLeast
		for c := range widths {
			widths[c] += extra * (need[c] - least[c]) / want
		}
	default: // narrower than the least: the table scrolls sideways
		copy(widths, least)
	}
	g.Widths = widths
	for c, w := range widths {
		g.Table.SetColumnWidth(c, w)
	}
	// Text cells broken between words for these widths, once: the table
	// draws them as they are, and each row is as tall as its tallest.
	lineHeight := fyne.MeasureText("ก", theme.TextSize(), fyne.TextStyle{}).Height
	g.wrapped = make([][]string, len(g.Rows))
	for r, row := range g.Rows {
		g.wrapped[r] = append([]string(nil), row...)
		lines := 1
		for c := 0; c < n && c < len(row); c++ {
			if !g.numeric[c] {
				l := data.Wrap(row[c], float64(widths[c]-inset), measurePlain)
				g.wrapped[r][c] = strings.Join(l, "\n")
				lines = max(lines, len(l))
			}
		}
		g.Table.SetRowHeight(r, float32(lines)*lineHeight+2*theme.InnerPadding())
	}
}

// wrappedLines counts the lines s takes in width, broken between words
// as the header breaks them.
func wrappedLines(s string, width float32, bold bool) int {
	return len(data.Wrap(s, float64(width), func(x string) float64 { return float64(textWidth(x, bold)) }))
}

// gridLayout puts the header's labels over the table's columns.
type gridLayout struct{ g *grid }

func (l *gridLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	g := l.g
	g.width = size.Width
	g.fit(g.columnsWidth(size.Width))
	var x, height float32
	for c, lab := range g.labels {
		lab.Resize(fyne.NewSize(g.Widths[c], lab.MinSize().Height))
		height = max(height, float32(wrappedLines(g.Headers[c], g.Widths[c]-cellInset(), true))*fyne.MeasureText("ก", theme.TextSize(), fyne.TextStyle{Bold: true}).Height+2*theme.InnerPadding())
	}
	for c, lab := range g.labels {
		lab.Move(fyne.NewPos(x, 0))
		lab.Resize(fyne.NewSize(g.Widths[c], height))
		x += g.Widths[c] + theme.Padding() // the table's gap between columns
	}
	g.Table.Move(fyne.NewPos(0, height))
	g.Table.Resize(fyne.NewSize(size.Width, max(size.Height-height, 0)))
}

func (l *gridLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(200, 160)
}
