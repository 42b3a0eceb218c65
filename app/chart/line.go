package chart

import (
	"io"
	"math"

	"qmdesk/data"
)

// Point is a value on a day.
type Point struct {
	Date  data.Date
	Value float64
}

// Mark is a day marked with a vertical line and a label (today, the
// deadline).
type Mark struct {
	Date  data.Date
	Label string
	Color string
}

// Line is a line over time against a straight target line.
type Line struct {
	Title     string
	Subtitle  string
	From, To  data.Date // the x axis
	Points    []Point   // the measured line, in date order
	Target    [2]Point  // the straight line to aim for
	Marks     []Mark
	Legend    []Key // the measured line's key first, then the target's
	DateText  func(data.Date) string
	ValueText func(float64) string
	Empty     string
	Digits    data.Numerals // the digits every text is drawn in
}

// Render draws the chart widthPt × heightPt at dpi.
func (l Line) Render(w io.Writer, widthPt, heightPt, dpi float64) error {
	c, err := newCanvas(widthPt, heightPt, dpi, l.Digits)
	if err != nil {
		return err
	}
	y := margin + titleSize*1.2
	top := margin
	for i, t := range wrap(c, l.Title, widthPt-2*margin, titleSize, true) {
		if i > 0 {
			y += titleSize * lineHeight
		}
		c.text(t, margin, y, titleSize, "#000000", true, alignLeft)
		top += titleSize * lineHeight
	}
	for _, sub := range wrap(c, l.Subtitle, widthPt-2*margin, textSize, false) {
		y += textSize * lineHeight
		c.text(sub, margin, y, textSize, "#333333", false, alignLeft)
		top += textSize * lineHeight
	}
	for _, keys := range legendRows(c, l.Legend, widthPt, 22, 14) {
		x := margin
		ly := top + textSize*1.2
		for _, k := range keys {
			dash := []float64(nil)
			if k.Label == l.Legend[len(l.Legend)-1].Label && len(l.Legend) > 1 {
				dash = []float64{4, 3} // the target line's key
			}
			c.line(x, ly-textSize*0.35, x+18, ly-textSize*0.35, 2, k.Color, dash)
			x += 22
			c.text(k.Label, x, ly, textSize, "#000000", false, alignLeft)
			x += c.measure(k.Label, textSize, false) + 14
		}
		top += textSize*lineHeight + 4
	}
	days := l.From.DaysUntil(l.To)
	if days <= 0 || len(l.Points) == 0 {
		c.text(l.Empty, margin, top+20, textSize, "#333333", false, alignLeft)
		return c.png(w)
	}
	max := math.Max(l.Target[0].Value, l.Target[1].Value)
	for _, p := range l.Points {
		max = math.Max(max, p.Value)
	}
	if max <= 0 {
		max = 1
	}
	// Grid lines at round steps (1, 2, 2.5 or 5 × a power of ten), three to
	// five of them.
	step := niceCeil(max / 4)
	steps := math.Ceil(max/step - 1e-9)
	max = steps * step
	valueW := c.measure(l.ValueText(max), smallSize, false) + 8
	x0, x1 := margin+valueW, widthPt-margin-10
	y0, y1 := top+smallSize, heightPt-margin-smallSize*lineHeight*1.2 // plot top and bottom
	xOf := func(d data.Date) float64 { return x0 + float64(l.From.DaysUntil(d))*(x1-x0)/float64(days) }
	yOf := func(v float64) float64 { return y1 - v*(y1-y0)/max }
	for i := 0.0; i <= steps; i++ {
		v := step * i
		c.line(x0, yOf(v), x1, yOf(v), 0.4, "#DDDDDD", nil)
		c.text(l.ValueText(v), x0-4, yOf(v)+smallSize*0.35, smallSize, "#333333", false, alignRight)
	}
	// Date axis: the first of each month.
	c.line(x0, y1, x1, y1, 0.6, "#000000", nil)
	last := -1e9
	for d := l.From; !d.After(l.To); d = d.AddDays(1) {
		if d.Day != 1 && d != l.From {
			continue
		}
		x := xOf(d)
		c.line(x, y1, x, y1+3, 0.6, "#000000", nil)
		label := l.DateText(d)
		if x-last > c.measure(label, smallSize, false)+6 {
			c.text(label, x, y1+smallSize*1.6, smallSize, "#333333", false, alignCenter)
			last = x
		}
	}
	for i, m := range l.Marks {
		if m.Date.Before(l.From) || m.Date.After(l.To) {
			continue
		}
		x := xOf(m.Date)
		c.line(x, y0, x, y1, 1, m.Color, []float64{2, 2})
		align := alignLeft
		if x > (x0+x1)/2 {
			align, x = alignRight, x-3
		} else {
			x += 3
		}
		c.text(m.Label, x, y0+smallSize+float64(i)*smallSize*lineHeight, smallSize, m.Color, true, align) // one row each: close days do not overlap
	}
	targetColor, lineColor := "#666666", "#0072B2"
	if len(l.Legend) > 1 {
		lineColor, targetColor = l.Legend[0].Color, l.Legend[1].Color
	}
	c.line(xOf(l.Target[0].Date), yOf(l.Target[0].Value), xOf(l.Target[1].Date), yOf(l.Target[1].Value), 1.5, targetColor, []float64{4, 3})
	for i := 1; i < len(l.Points); i++ {
		a, b := l.Points[i-1], l.Points[i]
		c.line(xOf(a.Date), yOf(a.Value), xOf(b.Date), yOf(b.Value), 2.2, lineColor, nil)
	}
	for _, p := range l.Points {
		c.r.ResetStyle()
		c.r.SetFillColor(parseHex(lineColor))
		c.r.SetStrokeColor(parseHex(lineColor))
		c.r.Circle(2.2*c.k, c.px(xOf(p.Date)), c.px(yOf(p.Value)))
		c.r.FillStroke()
	}
	return c.png(w)
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
