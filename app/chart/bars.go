package chart

import (
	"io"
	"math"
	"strings"
	"unicode"

	"qmdesk/data"
)

// Segment is one part of a stacked bar.
type Segment struct {
	Value float64
	Color string
	Hatch bool
}

// Bar is one row: its label on the left, the stacked segments, and a note
// after the bar (the numbers, so that nobody has to read them off a scale).
type Bar struct {
	Label    string
	Segments []Segment
	Note     string
}

// Key is one entry of the legend.
type Key struct {
	Label string
	Color string
	Hatch bool
}

// Bars is a horizontal stacked bar chart.
type Bars struct {
	Title    string
	Subtitle string // lines separated by "\n"
	Bars     []Bar
	Legend   []Key
	Max      float64              // the scale's end; 0: the longest bar
	Ticks    []float64            // scale marks; nil: none
	TickText func(float64) string // how a tick is written
	Empty    string               // said when there are no bars
	Digits   data.Numerals        // the digits every text is drawn in
}

// Layout, in points.
const (
	titleSize  = 13.0
	textSize   = 9.5
	smallSize  = 8.0
	lineHeight = 1.75 // times the font size: room for stacked marks and lower vowels
	rowHeight  = 20.0
	margin     = 10.0
)

// Render draws the chart widthPt wide at dpi and returns its height in
// points (it grows with the number of bars).
func (b Bars) Render(w io.Writer, widthPt, dpi float64) (heightPt float64, err error) {
	// The title, the subtitles and the legend wrap to the width: nothing
	// in a chart is cut.
	m, err := newCanvas(1, 1, dpi, b.Digits)
	if err != nil {
		return 0, err
	}
	titles := wrap(m, b.Title, widthPt-2*margin, titleSize, true)
	var subtitles []string
	for _, sub := range strings.Split(b.Subtitle, "\n") {
		if b.Subtitle != "" {
			subtitles = append(subtitles, wrap(m, sub, widthPt-2*margin, textSize, false)...)
		}
	}
	head := margin + float64(len(titles))*titleSize*lineHeight + float64(len(subtitles))*textSize*lineHeight
	rows := len(b.Bars)
	if rows == 0 {
		rows = 1
	}
	legend := legendRows(m, b.Legend, widthPt, textSize+3, 12)
	legendH := 0.0
	if len(legend) > 0 {
		legendH = float64(len(legend))*textSize*lineHeight + 4
	}
	axisH := 0.0
	if len(b.Ticks) > 0 {
		axisH = smallSize * lineHeight
	}
	heightPt = head + legendH + float64(rows)*rowHeight + axisH + margin
	c, err := newCanvas(widthPt, heightPt, dpi, b.Digits)
	if err != nil {
		return 0, err
	}
	y := margin + titleSize*1.2
	for i, t := range titles {
		if i > 0 {
			y += titleSize * lineHeight
		}
		c.text(t, margin, y, titleSize, "#000000", true, alignLeft)
	}
	for _, sub := range subtitles {
		y += textSize * lineHeight
		c.text(sub, margin, y, textSize, "#333333", false, alignLeft)
	}
	top := head
	for r, keys := range legend {
		x := margin
		ly := head + textSize*1.2 + float64(r)*textSize*lineHeight
		for _, k := range keys {
			c.rect(x, ly-textSize*0.85, x+textSize, ly+textSize*0.15, k.Color, k.Hatch)
			c.line(x, ly-textSize*0.85, x+textSize, ly-textSize*0.85, 0.3, "#666666", nil)
			x += textSize + 3
			c.text(k.Label, x, ly, textSize, "#000000", false, alignLeft)
			x += c.measure(k.Label, textSize, false) + 12
		}
	}
	top += legendH
	if len(b.Bars) == 0 {
		c.text(b.Empty, margin, top+rowHeight*0.7, textSize, "#333333", false, alignLeft)
		return heightPt, c.png(w)
	}
	// Columns: label, bar, note. The label column takes what the longest
	// label needs, up to a third of the width; the note column likewise.
	labelW, noteW := 0.0, 0.0
	for _, bar := range b.Bars {
		labelW = math.Max(labelW, c.measure(bar.Label, textSize, false))
		noteW = math.Max(noteW, c.measure(bar.Note, smallSize, false))
	}
	labelW = math.Min(labelW, widthPt/3) + 6
	noteW = math.Min(noteW, widthPt/3) + 6
	x0 := margin + labelW
	x1 := widthPt - margin - noteW
	max := b.Max
	if max <= 0 {
		for _, bar := range b.Bars {
			sum := 0.0
			for _, s := range bar.Segments {
				sum += math.Max(s.Value, 0)
			}
			max = math.Max(max, sum)
		}
	}
	if max <= 0 {
		max = 1
	}
	scale := (x1 - x0) / max
	for _, t := range b.Ticks {
		x := x0 + t*scale
		c.line(x, top, x, top+float64(len(b.Bars))*rowHeight, 0.4, "#CCCCCC", nil)
		if b.TickText != nil {
			c.text(b.TickText(t), x, top+float64(len(b.Bars))*rowHeight+smallSize*1.3, smallSize, "#333333", false, alignCenter)
		}
	}
	for i, bar := range b.Bars {
		ry := top + float64(i)*rowHeight
		base := ry + rowHeight*0.68 // text baseline
		c.text(clip(c, bar.Label, labelW-6, textSize), margin, base, textSize, "#000000", false, alignLeft)
		x := x0
		for _, s := range bar.Segments {
			if s.Value <= 0 {
				continue
			}
			wd := s.Value * scale
			c.rect(x, ry+3, x+wd, ry+rowHeight-3, s.Color, s.Hatch)
			x += wd
		}
		c.line(x0, ry+2, x0, ry+rowHeight-2, 0.6, "#000000", nil)
		if bar.Note != "" { // on white, so grid lines do not run through it
			c.rect(x+2, ry+3, x+6+c.measure(bar.Note, smallSize, false), ry+rowHeight-3, "#FFFFFF", false)
			c.text(bar.Note, x+4, base, smallSize, "#000000", false, alignLeft)
		}
	}
	return heightPt, c.png(w)
}

// wrap breaks s into lines no wider than width, between words
// (data.Wrap); an empty s has no lines.
func wrap(c *canvas, s string, width, size float64, bold bool) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return data.Wrap(s, width, func(x string) float64 { return c.measure(x, size, bold) })
}

// legendRows lays the keys out in rows that fit the width; a key takes
// its swatch (lead) and its label and gap.
func legendRows(c *canvas, keys []Key, widthPt, lead, gap float64) [][]Key {
	var rows [][]Key
	x := margin
	for _, k := range keys {
		w := lead + c.measure(k.Label, textSize, false)
		if len(rows) == 0 || x+w > widthPt-margin && len(rows[len(rows)-1]) > 0 {
			rows = append(rows, nil)
			x = margin
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], k)
		x += w + gap
	}
	return rows
}

// clip shortens s with "…" to fit width.
func clip(c *canvas, s string, width, size float64) string {
	if c.measure(s, size, false) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 {
		r = r[:len(r)-1]
		for len(r) > 1 && unicode.Is(unicode.Mn, r[len(r)-1]) { // never leave a mark without its letter
			r = r[:len(r)-1]
		}
		if t := string(r) + "…"; c.measure(t, size, false) <= width {
			return t
		}
	}
	return s
}
