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
	Count   func(Tally) int64
	Share   func(Tally) float64 // for Percent columns
}

// Columns are the figures of a scope.
var Columns = []Column{
	{Head: data.WordHouseholds, Count: func(t Tally) int64 { return t.Households }},
	{Head: data.WordTarget, Count: func(t Tally) int64 { return t.Target }},
	{Head: data.Solved.Term().Counting(data.UnitProblems), Status: data.Solved, Count: func(t Tally) int64 { return t.Solved }},
	{Head: data.SelfSolved.Term().Counting(data.UnitProblems), Status: data.SelfSolved, Count: func(t Tally) int64 { return t.SelfSolved }},
	{Head: data.InProgress.Term().Counting(data.UnitProblems), Status: data.InProgress, Count: func(t Tally) int64 { return t.InProgress }},
	{Head: data.NotStarted.Term().Counting(data.UnitProblems), Status: data.NotStarted, Count: func(t Tally) int64 { return t.NotStarted }},
	{Head: data.Closed.Term().Counting(data.UnitProblems), Status: data.Closed, Count: func(t Tally) int64 { return t.Closed }},
	{Head: data.WordSolvedTotal.Counting(data.UnitProblems), Count: func(t Tally) int64 { return t.SolvedTotal }},
	{Head: data.PercentSolvedHead(), Percent: true, Share: func(t Tally) float64 { return t.PercentSolved }},
	{Head: data.WordOverdue.Counting(data.UnitProblems), Count: func(t Tally) int64 { return t.Overdue }},
}

// CategoryUrgentColumn heads a category's own urgent problems still open
// in a table by category.
var CategoryUrgentColumn = data.WordUrgentOpen.Counting(data.UnitProblems)

// UrgentColumn is the header of an urgent kind's column in a table of
// areas: its open problems, never summed with the other kinds.
func UrgentColumn(k data.UrgentKind) data.Term {
	return data.Term{Thai: data.WordUrgentOpen.Thai + ": " + k.Name + " (" + data.UnitProblems.Thai + ")",
		English: data.WordUrgentOpen.English + ": " + k.Name + " (" + data.UnitProblems.English + ")"}
}
