package xlsx

import (
	"os"
	"testing"
)

// BenchmarkRowsFile reads every row of the first sheet of the workbook
// at $QMDESK_READ_BOOK (skipped without it), as the importer does, and
// does nothing with them: the reader's own cost, for profiles.
func BenchmarkRowsFile(b *testing.B) {
	path := os.Getenv("QMDESK_READ_BOOK")
	if path == "" {
		b.Skip("QMDESK_READ_BOOK not set")
	}
	for b.Loop() {
		wb, err := Open(path, "")
		if err != nil {
			b.Fatal(err)
		}
		cells := 0
		if err := wb.Rows(wb.Sheets()[0], func(_ int, c []string) error { cells += len(c); return nil }); err != nil {
			b.Fatal(err)
		}
		wb.Close()
	}
}
