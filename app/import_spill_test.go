package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
)

// spillTo puts the temporary files of the test's batches in a folder of
// its own and lets each keep memory bytes of records in memory (0: no
// more than the chunk it adds to).
func spillTo(t *testing.T, memory int64) {
	t.Helper()
	oldRoot, oldMemory := data.SpillRoot, data.BatchMemory
	data.SpillRoot, data.BatchMemory = filepath.Join(t.TempDir(), "plan"), memory
	t.Cleanup(func() { data.SpillRoot, data.BatchMemory = oldRoot, oldMemory })
}

func planFiles(t *testing.T) []string {
	t.Helper()
	entries, _ := os.ReadDir(data.SpillRoot)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// streamBook writes rows under the template's header with excelize's
// stream writer.
func streamBook(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, _ := f.NewStreamWriter("Sheet1")
	head := make([]any, len(templateHeader))
	for i, h := range templateHeader {
		head[i] = h
	}
	sw.SetRow("A1", head)
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		sw.SetRow(cell, row)
	}
	sw.Flush()
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// followUpRows are rows of every fate about the households of bigBook:
// changed, given a second problem, pointing at two households (review),
// new, and of a tambon the province does not have (rejected).
func followUpRows() [][]any {
	var rows [][]any
	for i := 1; i <= 4000; i++ {
		code, nid, tambon, cat, status := fmt.Sprintf("4101%07d", i), bigID(i), "หมากแข้ง", (i-1)%7+1, "อยู่ระหว่างดำเนินการ"
		switch {
		case i > 3000 && i%50 == 0:
			tambon = "ไม่มีตำบลนี้"
		case i > 3000:
		case i%3 == 0:
			status = "แก้ไขแล้ว"
		case i%3 == 1:
			cat = i%7 + 1
		case i%10 == 2:
			nid = bigID(i + 1)
		}
		row := templateRow(i, code, nid, tambon, "เมือง", cat, subOf[cat], status, "20/07/2567", "")
		row[21], row[22] = "อบต.หมากแข้ง", "ติดตาม"
		rows = append(rows, row)
	}
	return rows
}

// TestSpilledPlanCommitsWhatItSaid: a plan whose records went to its
// temporary file as it grew reports, and commits, exactly what the same
// plan kept in memory does; closing the report removes the file.
func TestSpilledPlanCommitsWhatItSaid(t *testing.T) {
	dir := t.TempDir()
	base, update := filepath.Join(dir, "base.xlsx"), filepath.Join(dir, "update.xlsx")
	bigBook(t, base, 3000)
	streamBook(t, update, followUpRows())

	type outcome struct {
		counts  data.Counts
		rows    []data.RowResult
		reviews []data.Review
		check   [2]int64
		ledger  data.Counts // the ledger entry's
	}
	run := func(t *testing.T, spill bool) outcome {
		fx := newFixture(t)
		if spill {
			spillTo(t, 0)
		} else {
			spillTo(t, data.BatchMemory)
		}
		fx.commit(t, base).Close()
		rep := fx.plan(t, update, "")
		if rep.Refused != "" {
			t.Fatal(rep.Refused)
		}
		if files := planFiles(t); spill != (len(files) > 0) {
			t.Fatalf("spill %v: files %v", spill, files)
		}
		var o outcome
		o.counts, o.rows = rep.Counts(), slices.Collect(rep.Batch.RowResults())
		for i := range rep.Batch.NumReviews() {
			o.reviews = append(o.reviews, rep.Batch.Review(i))
		}
		if _, err := fx.imp.Commit(fx.ctx, rep); err != nil {
			t.Fatal(err)
		}
		rep.Close()
		if files := planFiles(t); len(files) > 0 {
			t.Errorf("left after Close: %v", files)
		}
		c, _ := fx.store.Check(fx.ctx)
		o.check = [2]int64{c.Households, c.ProblemCount}
		o.ledger = ledgerEntry(t, fx, rep.ImportID).Counts
		return o
	}
	inMemory, spilled := run(t, false), run(t, true)
	c := inMemory.counts
	if c.Updated == 0 || c.NewProblems == 0 || c.Review == 0 || c.NewHouseholds == 0 || c.Rejected == 0 {
		t.Fatalf("not every fate: %+v", c)
	}
	if !reflect.DeepEqual(inMemory, spilled) {
		t.Errorf("in memory %+v %v\nspilled   %+v %v", inMemory.counts, inMemory.check, spilled.counts, spilled.check)
	}
}

// TestRefusedOrCancelledPlanLeavesNoFile: a dry run that stops, refused
// or cancelled, removes its temporary files before it returns.
func TestRefusedOrCancelledPlanLeavesNoFile(t *testing.T) {
	fx := newFixture(t)
	spillTo(t, 0)
	path := filepath.Join(fx.dir, "big.xlsx")
	bigBook(t, path, 3000)

	rep := fx.plan(t, path, "")
	if files := planFiles(t); rep.Refused != "" || len(files) != 1 {
		t.Fatalf("refused %q, files %v", rep.Refused, files)
	}
	restore := app.SetPlanLimitForTest(rep.Batch.Bytes() / 2)
	rep.Close()
	rep = fx.plan(t, path, "")
	restore()
	if !strings.Contains(rep.Refused, "ข้อมูลที่ต้องตรวจจากไฟล์นี้รวมกันเกิน") || rep.Batch != nil {
		t.Errorf("plan bound: %q", rep.Refused)
	}
	if files := planFiles(t); len(files) > 0 {
		t.Errorf("refused for its size: %v left", files)
	}

	restore = app.SetImportLimitsForTest(2999, time.Hour)
	rep = fx.plan(t, path, "")
	restore()
	if !strings.Contains(rep.Refused, "2,999") {
		t.Errorf("row bound: %q", rep.Refused)
	}
	if files := planFiles(t); len(files) > 0 {
		t.Errorf("refused for its rows: %v left", files)
	}

	ctx, cancel := context.WithCancel(fx.ctx)
	defer cancel()
	spilledBefore := false
	fx.imp.Progress = func(rows int) {
		if rows >= 2000 {
			spilledBefore = len(planFiles(t)) > 0
			cancel()
		}
	}
	if _, err := fx.imp.Plan(ctx, path, ""); err == nil {
		t.Error("a cancelled dry run reported no error")
	}
	if !spilledBefore {
		t.Error("the plan had not spilled when it was cancelled")
	}
	if files := planFiles(t); len(files) > 0 {
		t.Errorf("cancelled: %v left", files)
	}
}
