package data

// StatusColor is the one colour of each status, used by the screen, the
// charts, the PDF and the workbooks alike. They come from the Okabe–Ito
// palette, which readers with any common colour-vision deficiency tell
// apart, and they step in lightness (closed darkest, then solved, solved
// by the household, in progress; not started hatched in charts) so a
// greyscale print keeps them apart too.
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
		return "#555555" // dark grey
	}
	return "#000000"
}

// ChartStatuses is the order statuses are stacked in charts: the solved
// ones first, from the left.
var ChartStatuses = []Status{Solved, SelfSolved, InProgress, NotStarted, Closed}
