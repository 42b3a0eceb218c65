package bolt

import (
	"os"
	"path/filepath"
	"testing"

	"qmdesk/data"
)

// A batch whose temporary file cannot be read back at the commit (here
// cut short after the dry run, where the last row fates are) is not
// committed: the import stops and rolls back the chunks already written,
// and the register is as before.
func TestUnreadableSpilledBatchIsNotCommitted(t *testing.T) {
	defer func(n int) { importChunk = n }(importChunk)
	importChunk = 500
	oldRoot, oldMemory := data.SpillRoot, data.BatchMemory
	data.SpillRoot, data.BatchMemory = filepath.Join(t.TempDir(), "plan"), 0
	defer func() { data.SpillRoot, data.BatchMemory = oldRoot, oldMemory }()
	s, ctx := openTest(t)
	before, _ := s.Check(ctx)

	b := batchOf(500, 1)
	defer b.Close()
	for i := range 200_000 { // some 2 MB of row fates, after the records
		b.AddRow(data.RowResult{Sheet: "S", Row: 1000 + i, Fate: data.FateRejected})
		b.Counts.Add(data.FateRejected)
	}
	files, _ := os.ReadDir(data.SpillRoot)
	if len(files) != 1 || b.Err() != nil {
		t.Fatalf("files %v, %v", files, b.Err())
	}
	file := filepath.Join(data.SpillRoot, files[0].Name())
	fi, _ := os.Stat(file)
	os.Truncate(file, fi.Size()-512<<10) // the records read back; the last rows do not
	if _, err := s.CommitImport(ctx, b); err == nil || b.Err() == nil {
		t.Fatalf("commit: %v, batch: %v", err, b.Err())
	}
	after, _ := s.Check(ctx)
	imports, _ := s.Imports(ctx)
	if !after.OK() || after.Households != before.Households || after.ProblemCount != before.ProblemCount || len(imports) != 0 {
		t.Fatalf("after the failed commit: %+v, %d ledger entries; before %+v", after, len(imports), before)
	}
}
