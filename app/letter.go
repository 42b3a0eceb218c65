package app

import (
	"strconv"

	"qmdesk/data"
)

// LetterHouseholds is the letter's national count of households with a
// problem of category c (its table of seven; 0 for an unknown category).
func LetterHouseholds(c data.Category) int64 {
	if !c.Valid() {
		return 0
	}
	return int64(nationalCounts[c])
}

// ShareOfLetter is households as a percentage of the letter's national
// count of category c, rounded to two decimals (a province holds a small
// share of the country).
func ShareOfLetter(households int64, c data.Category) float64 {
	n := LetterHouseholds(c)
	if n == 0 {
		return 0
	}
	return float64(int64(float64(households)*10000/float64(n)+0.5)) / 100
}

// FormatShare writes a ShareOfLetter: "0.12%".
func FormatShare(p float64) string { return strconv.FormatFloat(p, 'f', 2, 64) + "%" }

// LetterRow is one category of the letter's table beside the scope's.
type LetterRow struct {
	National   int64   `json:"national"`          // the letter's figure, in households
	Households int64   `json:"households"`        // the scope's households with a problem of the category
	Share      float64 `json:"share_of_national"` // Households over National, in per cent (2 decimals)
}

// LetterTable is the letter's table of seven categories beside the
// scope's households (Summary.Area): the pack's first table and
// `summary --json`'s "letter_households".
func LetterTable(s Summary) map[data.Category]LetterRow {
	out := map[data.Category]LetterRow{}
	for _, c := range data.Categories {
		h := s.Area.Categories[c].Households
		out[c] = LetterRow{National: LetterHouseholds(c), Households: h, Share: ShareOfLetter(h, c)}
	}
	return out
}

// letterPage is the pack's first table: the letter's list of seven
// categories ("ครัวเรือนที่ประสบปัญหา…"), its national figure, the scope's
// households and their share of the national figure. A sensitive
// category's households print by the small-count rule, as in the table by
// category.
func (p *pdfWriter) letterPage() {
	m, pdf := p.m, p.pdf
	pdf.AddPage()
	p.heading(data.UnitHouseholds.Thai+"ที่ประสบปัญหา รายด้าน เทียบกับผลการสำรวจทั้งประเทศตามหนังสือ", 14)
	p.para("ตามหนังสือ: "+m.LetterRef()+" · นับเป็น"+data.UnitHouseholds.Thai+" ครัวเรือนที่มีปัญหาหลายด้านนับในแต่ละด้าน", 10)
	pdf.Ln(2)
	heads := []string{data.WordCategory.Thai, "ทั้งประเทศ ตามหนังสือ (" + data.UnitHouseholds.Thai + ")", m.scopeName() + " (" + data.UnitHouseholds.Thai + ")", data.UnitPercent.Thai + "ของทั้งประเทศ"}
	widths := []float64{72, 36, 36, 36}
	p.tableRow(heads, widths, true, true)
	a := m.Summary.Area
	rows := LetterTable(m.Summary)
	for _, c := range data.Categories {
		r := rows[c]
		hh := m.CategoryCells(a, c)[0] // the households as the table by category prints them
		share := FormatShare(r.Share)
		if hh != data.FormatNumber(r.Households) {
			share = hidden
		}
		p.tableRow([]string{c.Label(), data.FormatNumber(r.National), hh, share}, widths, false, false)
	}
}
