package app

import "time"

// SetImportLimitsForTest bounds the data rows of a file and the time of a
// dry run until the returned function is called.
func SetImportLimitsForTest(rows int, budget time.Duration) func() {
	oldRows, oldBudget := maxDataRows, importTimeBudget
	maxDataRows, importTimeBudget = rows, budget
	return func() { maxDataRows, importTimeBudget = oldRows, oldBudget }
}

// SetPlanLimitForTest bounds what a dry run may hold until the returned
// function is called.
func SetPlanLimitForTest(bytes int64) func() {
	old := maxPlanBytes
	maxPlanBytes = bytes
	return func() { maxPlanBytes = old }
}
