// Package ui holds qmdesk's Fyne screens. It never creates the Fyne app
// itself (cmd does), so every screen tests headless through fyne's test
// driver.
package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"qmdesk/assets"
)

// Fyne shapes Thai (marks stacked over consonants) only with a font that
// has Thai glyphs; its default font has none and draws boxes.
var (
	fontRegular = fyne.NewStaticResource("Loma.ttf", assets.FontRegular)
	fontBold    = fyne.NewStaticResource("Loma-Bold.ttf", assets.FontBold)
)

// Theme is Fyne's default theme with a Thai font.
type Theme struct{ fyne.Theme }

// NewTheme returns the qmdesk theme.
func NewTheme() *Theme { return &Theme{theme.DefaultTheme()} }

func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return t.Theme.Font(s)
	}
	if s.Bold {
		return fontBold
	}
	return fontRegular
}

func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, v)
}

// Size enlarges text a little: Thai marks need the height, and clerks
// read the dashboard from a distance in meetings.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameText {
		return t.Theme.Size(n) + 1
	}
	return t.Theme.Size(n)
}
