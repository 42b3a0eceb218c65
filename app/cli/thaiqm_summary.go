package cli

import (
	"fmt"
	"io"

	"qmdesk/app"
	"qmdesk/data"
)

// thaiQMJSON is what of the scope's results is keyed into ThaiQM: its
// totals, categories and parts (amphoe, or tambon with --amphoe), counted
// in problems.
type thaiQMJSON struct {
	Totals     app.ThaiQMTally                   `json:"totals"`
	Categories map[data.Category]app.ThaiQMTally `json:"categories"`
	Amphoe     []app.ThaiQMArea                  `json:"amphoe,omitempty"`
	Tambon     []app.ThaiQMArea                  `json:"tambon,omitempty"` // with --amphoe
	// Units are the municipalities (the province's summary): their
	// households count in their amphoe too.
	Units []app.ThaiQMArea `json:"units"`
}

func thaiQMOf(sum app.Summary, byTambon bool) thaiQMJSON {
	out := thaiQMJSON{Totals: sum.ThaiQM.Totals, Categories: sum.ThaiQM.Categories, Amphoe: sum.ThaiQM.Parts, Units: sum.ThaiQM.Units}
	if out.Units == nil {
		out.Units = []app.ThaiQMArea{} // none kept, or a scope without them (--amphoe)
	}
	if byTambon {
		out.Amphoe, out.Tambon = nil, sum.ThaiQM.Parts
	}
	return out
}

// printThaiQM says in one line what of the scope is not yet keyed.
func printThaiQM(w io.Writer, sum app.Summary) {
	t := sum.ThaiQM.Totals
	fmt.Fprintf(w, "\n%s %s ปัญหา · %s %s ปัญหา (จาก %s ปัญหา)\n", data.WordThaiQMNotKeyed.Thai, data.FormatNumber(t.NotKeyed),
		data.HeaderThaiQM.Thai, data.FormatNumber(t.Keyed), data.FormatNumber(t.Problems))
}
