package data

import "testing"

// The five statuses stay apart on a greyscale print: the four filled ones
// at least 40 grey levels apart under both common conversions to grey
// (Rec. 601, what most printers do, and Rec. 709), not started hatched.
func TestStatusColorsApartInGreyscale(t *testing.T) {
	grey := map[string]func(r, g, b float64) float64{
		"Rec. 601": func(r, g, b float64) float64 { return 0.299*r + 0.587*g + 0.114*b },
		"Rec. 709": func(r, g, b float64) float64 { return 0.2126*r + 0.7152*g + 0.0722*b },
	}
	filled := []Status{Closed, Solved, SelfSolved, InProgress}
	for name, y := range grey {
		var levels []float64
		for _, s := range filled {
			r, g, b, ok := ColorRGB(StatusColor(s))
			if !ok {
				t.Fatalf("%s: colour %q", s.Key(), StatusColor(s))
			}
			levels = append(levels, y(float64(r), float64(g), float64(b)))
		}
		for i := 1; i < len(levels); i++ {
			if levels[i]-levels[i-1] < 40 {
				t.Errorf("%s: %s (%.0f) and %s (%.0f) print as nearly the same grey", name, filled[i-1].Key(), levels[i-1], filled[i].Key(), levels[i])
			}
		}
	}
}
