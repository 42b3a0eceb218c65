package app

// SetSheetRowsForTest makes sheets hold n data rows until the returned
// function is called.
func SetSheetRowsForTest(n int) func() {
	old := sheetRows
	sheetRows = n
	return func() { sheetRows = old }
}
