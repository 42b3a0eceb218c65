package app

import "qmdesk/data"

// Column is one figure of a progress table. The dashboard's tables, the
// meeting pack's, the summary workbook and the command line's summary all
// print Columns, in this order and under these headers, so that the same
// header always stands over the same number.
type Column struct {
	Head    data.Term   // the glossary's word with its unit or denominator
	Status  data.Status // the status it counts, for its colour (0: none)
	Percent bool
	// Breakdown marks a part of the target (a status, their sum, the
	// overdue): the pack prints none of a sensitive category's.
	Breakdown bool
	Count     func(Tally) int64
	Share     func(Tally) float64 // for Percent columns
}

// Text is the column's figure of t as every table writes it: a count
// with separators, or a percentage with one decimal (NoPercent when t
// has none: a Percent column's share is of (target − closed)).
func (c Column) Text(t Tally) string {
	if c.Percent {
		if !t.HasPercent() {
			return NoPercent
		}
		return data.FormatPercent(c.Share(t))
	}
	return data.FormatNumber(c.Count(t))
}

// Counters are the ministry's counters, the figures the dashboard and the
// pack's cover put in boxes: every column but the two derived sums.
var Counters = []Column{Columns[0], Columns[1], Columns[2], Columns[3], Columns[4], Columns[5], Columns[6], Columns[8]}

// Columns are the figures of a scope.
var Columns = []Column{
	{Head: data.WordHouseholds, Count: func(t Tally) int64 { return t.Households }},
	{Head: data.WordTarget, Count: func(t Tally) int64 { return t.Target }},
	{Head: data.Solved.Term().Counting(data.UnitProblems), Status: data.Solved, Breakdown: true, Count: func(t Tally) int64 { return t.Solved }},
	{Head: data.SelfSolved.Term().Counting(data.UnitProblems), Status: data.SelfSolved, Breakdown: true, Count: func(t Tally) int64 { return t.SelfSolved }},
	{Head: data.InProgress.Term().Counting(data.UnitProblems), Status: data.InProgress, Breakdown: true, Count: func(t Tally) int64 { return t.InProgress }},
	{Head: data.NotStarted.Term().Counting(data.UnitProblems), Status: data.NotStarted, Breakdown: true, Count: func(t Tally) int64 { return t.NotStarted }},
	{Head: data.Closed.Term().Counting(data.UnitProblems), Status: data.Closed, Breakdown: true, Count: func(t Tally) int64 { return t.Closed }},
	{Head: data.WordSolvedTotal.Counting(data.UnitProblems), Breakdown: true, Count: func(t Tally) int64 { return t.SolvedTotal }},
	{Head: data.PercentSolvedHead(), Percent: true, Share: func(t Tally) float64 { return t.PercentSolved }},
	{Head: data.WordOverdue.Counting(data.UnitProblems), Breakdown: true, Count: func(t Tally) int64 { return t.Overdue }},
}

// CategoryUrgentColumn heads a category's own urgent problems still open
// in a table by category.
var CategoryUrgentColumn = data.WordUrgentOpen.Counting(data.UnitProblems)

// UrgentColumn is the header of an urgent kind's column in a table of
// areas: its open problems, never summed with the other kinds.
func UrgentColumn(k data.UrgentKind) data.Term {
	english := k.English
	if english == "" {
		english = k.Name // a name the clerk made: as she wrote it
	}
	return data.Term{Thai: data.WordUrgentOpen.Thai + ": " + k.Name + " (" + data.UnitProblems.Thai + ")",
		English: data.WordUrgentOpen.English + ": " + english + " (" + data.UnitProblems.English + ")"}
}
