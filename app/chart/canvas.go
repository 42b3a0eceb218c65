// Package chart draws the meeting pack's charts as PNG images with
// go-chart's renderer and the bundled TLWG Loma font. Layout is done here
// rather than by go-chart's charts, so that long Thai labels, the notes
// beside each bar and the legend sit where a printed page needs them.
//
// Thai is drawn without shaping: each glyph at its advance. TLWG fonts put
// their combining marks at the heights they need without shaping (upper
// vowels, tone marks above them, lower vowels below), so the text reads
// correctly; lines are spaced for the highest and lowest marks.
package chart

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math"
	"sync"

	"github.com/golang/freetype/truetype"
	gochart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"qmdesk/assets"
	"qmdesk/data"
)

var (
	fontOnce         sync.Once
	regular, boldFnt *truetype.Font
	fontErr          error
)

func fonts() (*truetype.Font, *truetype.Font, error) {
	fontOnce.Do(func() {
		if regular, fontErr = truetype.Parse(assets.FontRegular); fontErr == nil {
			boldFnt, fontErr = truetype.Parse(assets.FontBold)
		}
	})
	return regular, boldFnt, fontErr
}

// canvas draws in points (1/72 inch) from the top left; k turns points
// into pixels at the chosen resolution.
type canvas struct {
	r      gochart.Renderer
	k      float64
	w, h   int
	dpi    float64
	plain  *truetype.Font
	bold   *truetype.Font
	digits data.Numerals // every text is drawn in these
}

func newCanvas(widthPt, heightPt, dpi float64, digits data.Numerals) (*canvas, error) {
	plain, bold, err := fonts()
	if err != nil {
		return nil, err
	}
	k := dpi / 72
	w, h := int(math.Ceil(widthPt*k)), int(math.Ceil(heightPt*k))
	r, err := gochart.PNG(w, h)
	if err != nil {
		return nil, err
	}
	// Font sizes are given in pixels-per-point terms below, so the
	// renderer works at 72 dpi and k does the scaling.
	r.SetDPI(72)
	c := &canvas{r: r, k: k, w: w, h: h, dpi: dpi, plain: plain, bold: bold, digits: digits}
	c.rect(0, 0, float64(w)/k+1, float64(h)/k+1, "#FFFFFF", false) // every pixel, the rounded-up last row too
	return c, nil
}

func (c *canvas) px(pt float64) int { return int(math.Round(pt * c.k)) }

// parseHex reads "#009E73"; anything else draws black.
func parseHex(s string) drawing.Color {
	r, g, b, ok := data.ColorRGB(s)
	if !ok {
		return drawing.ColorBlack
	}
	return drawing.Color{R: r, G: g, B: b, A: 255}
}

const (
	alignLeft = iota
	alignRight
	alignCenter
)

// text draws s with its baseline at y.
func (c *canvas) text(s string, x, y, size float64, col string, bold bool, align int) {
	if s == "" {
		return
	}
	s = c.digits.Display(s)
	switch align { // before the style is set: measuring resets it
	case alignRight:
		x -= c.measure(s, size, bold)
	case alignCenter:
		x -= c.measure(s, size, bold) / 2
	}
	c.r.ResetStyle()
	c.setFont(size, bold)
	c.r.SetFontColor(parseHex(col))
	c.r.Text(s, c.px(x), c.px(y))
}

func (c *canvas) setFont(size float64, bold bool) {
	if bold {
		c.r.SetFont(c.bold)
	} else {
		c.r.SetFont(c.plain)
	}
	c.r.SetFontSize(size * c.k)
}

// measure returns the width of s in points, as the renderer lays it out.
func (c *canvas) measure(s string, size float64, bold bool) float64 {
	if s == "" {
		return 0
	}
	s = c.digits.Display(s)
	c.r.ResetStyle()
	c.setFont(size, bold)
	return float64(c.r.MeasureText(s).Width()) / c.k
}

// rect fills a rectangle; hatch draws white diagonal lines over it, so the
// status it stands for stays distinct in greyscale.
func (c *canvas) rect(x0, y0, x1, y1 float64, fill string, hatch bool) {
	if x1 <= x0 || y1 <= y0 {
		return
	}
	c.r.ResetStyle()
	col := parseHex(fill)
	c.r.SetFillColor(col)
	c.r.SetStrokeColor(col)
	c.r.SetStrokeWidth(0)
	c.r.MoveTo(c.px(x0), c.px(y0))
	c.r.LineTo(c.px(x1), c.px(y0))
	c.r.LineTo(c.px(x1), c.px(y1))
	c.r.LineTo(c.px(x0), c.px(y1))
	c.r.Close()
	c.r.Fill()
	if !hatch {
		return
	}
	// Lines at 45°, every 4 pt, clipped to the rectangle.
	const step = 4.0
	for d := step; d < (x1-x0)+(y1-y0); d += step {
		// The line x + y = x0 + y0 + d, within the box.
		ax, ay := x0+d, y0
		if ax > x1 {
			ax, ay = x1, y0+(ax-x1)
		}
		bx, by := x0, y0+d
		if by > y1 {
			bx, by = x0+(by-y1), y1
		}
		c.line(ax, ay, bx, by, 0.8, "#FFFFFF", nil)
	}
}

func (c *canvas) line(x0, y0, x1, y1, width float64, col string, dash []float64) {
	c.r.ResetStyle()
	c.r.SetStrokeColor(parseHex(col))
	c.r.SetStrokeWidth(width * c.k)
	if dash != nil {
		scaled := make([]float64, len(dash))
		for i, d := range dash {
			scaled[i] = d * c.k
		}
		c.r.SetStrokeDashArray(scaled)
	}
	c.r.MoveTo(c.px(x0), c.px(y0))
	c.r.LineTo(c.px(x1), c.px(y1))
	c.r.Stroke()
}

// png writes the image with its resolution recorded (a pHYs chunk), so a
// slide or a word processor places it at its printed size.
func (c *canvas) png(w io.Writer) error {
	var buf bytes.Buffer
	if err := c.r.Save(&buf); err != nil {
		return err
	}
	b := buf.Bytes()
	const ihdrEnd = 8 + 25 // signature, then the IHDR chunk (length, type, 13 bytes, crc)
	if len(b) < ihdrEnd {
		_, err := w.Write(b)
		return err
	}
	ppm := uint32(math.Round(c.dpi / 0.0254))
	chunk := make([]byte, 0, 21)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1) // unit: metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	for _, part := range [][]byte{b[:ihdrEnd], chunk, b[ihdrEnd:]} {
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	return nil
}
