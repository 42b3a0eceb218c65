package data

// StatusColor is the one colour of each status, used by the screen, the
// charts, the PDF and the workbooks alike. They come from the Okabe–Ito
// palette, which readers with any common colour-vision deficiency tell
// apart, and they step in lightness (closed near black, then solved,
// solved by the household, in progress; not started hatched in charts) so
// a greyscale print keeps them apart too: at least 40 grey levels apart
// by either common conversion (TestStatusColorsApartInGreyscale). Closed
// was #555555, which printed as nearly the grey of solved.
func StatusColor(s Status) string {
	switch s {
	case Solved:
		return "#009E73" // bluish green
	case SelfSolved:
		return "#56B4E9" // sky blue
	case InProgress:
		return "#F0E442" // yellow
	case NotStarted:
		return "#D55E00" // vermilion (hatched in charts)
	case Closed:
		return "#1F1F1F" // near black
	}
	return "#000000"
}

// ChartStatuses is the order statuses are stacked in charts: the solved
// ones first, from the left.
var ChartStatuses = []Status{Solved, SelfSolved, InProgress, NotStarted, Closed}

// ColorRGB reads a colour written "#009E73". ok is false for anything
// else.
func ColorRGB(hex string) (r, g, b uint8, ok bool) {
	if len(hex) != 7 || hex[0] != '#' {
		return 0, 0, 0, false
	}
	var v uint32
	for _, c := range hex[1:] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | uint32(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | uint32(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | uint32(c-'A'+10)
		default:
			return 0, 0, 0, false
		}
	}
	return uint8(v >> 16), uint8(v >> 8), uint8(v), true
}
