package app_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/data/xlsx"
)

// mergedBook writes a district workbook whose merged ranges change rows
// all along it: two title rows merged across the sheet, households
// merged down over their problem rows at the start and at the end, and
// the amphoe merged down a block in the middle.
func mergedBook(t *testing.T, dir string, n int) string {
	var rows [][]any
	for i := 1; i <= n; i++ {
		r := templateRow(i, fmt.Sprintf("4101%07d", (i+2)/3), bigID((i+2)/3), "หมากแข้ง", "เมือง", i%7+1, subOf[i%7+1], "อยู่ระหว่างดำเนินการ", "15/07/2567", "")
		first, last := i <= 6, i > n-6
		if (first || last) && i%3 != 1 {
			for c := 1; c < 15; c++ {
				r[c] = nil // the household's cells, merged down from its first row
			}
		}
		if i > n/3 && i <= n/2 && i != n/3+1 {
			r[6] = nil // the amphoe, merged down
		}
		rows = append(rows, r)
	}
	var merge [][2]string
	at := func(c, r int) string { s, _ := excelize.CoordinatesToCellName(c, r); return s }
	merge = append(merge, [2]string{"A1", "Y1"}, [2]string{"A2", "Y2"})
	for _, block := range []int{1, 4, n - 5, n - 2} { // data rows, under the titles and the header
		for c := 2; c <= 15; c++ {
			merge = append(merge, [2]string{at(c, block+3), at(c, block+5)})
		}
	}
	merge = append(merge, [2]string{at(7, n/3+4), at(7, n/2+3)})
	return writeBook(t, dir, "merged.xlsx", sheet{Name: "S",
		Titles: []string{"แบบรายงานผลการแก้ไขปัญหาครัวเรือน อำเภอเมือง", "จังหวัดอุดรธานี"},
		Header: [][]string{templateHeader}, Rows: rows, Merge: merge})
}

// TestPlanStartedOverForMergedRanges: when the reader hands rows on
// before the sheet's merged ranges are known and then finds they change
// rows handed on, the dry run is made again from the start: its report
// (sheets, header, every row's fate, reviews) and what its commit writes
// are those of the dry run that knew the ranges from the start, and the
// temporary file of the dropped plan is gone. Cancelled during the second
// read, it leaves no file.
func TestPlanStartedOverForMergedRanges(t *testing.T) {
	dir := t.TempDir()
	path := mergedBook(t, dir, 3600)

	type outcome struct {
		sheets  []app.SheetReport
		header  []int
		skipped int
		counts  data.Counts
		rows    []data.RowResult
		reviews []data.Review
		check   [2]int64
		ledger  data.Counts // the ledger entry's
	}
	run := func(t *testing.T, held int) (outcome, []int) {
		defer xlsx.HoldRowsForTest(held)()
		fx := newFixture(t)
		spillTo(t, 0)
		var progress []int
		fx.imp.Progress = func(n int) { progress = append(progress, n) }
		rep := fx.plan(t, path, "")
		if rep.Refused != "" {
			t.Fatal(rep.Refused)
		}
		if files := planFiles(t); len(files) != 1 {
			t.Fatalf("held %d: plan files %v", held, files)
		}
		o := outcome{sheets: rep.Sheets, header: rep.Header, skipped: rep.Skipped, counts: rep.Counts(), rows: slices.Collect(rep.Batch.RowResults())}
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
		return o, progress
	}
	want, progress := run(t, 64<<20)
	if c := want.counts; c.Rows != 3600 || c.NewHouseholds != 1200 || c.Rejected != 0 {
		t.Fatalf("the ranges were not filled: %+v", c)
	}
	if fmt.Sprint(progress) != "[1000 2000 3000]" {
		t.Fatalf("progress %v", progress)
	}
	for _, held := range []int{1, 300, 40 << 10} {
		got, progress := run(t, held)
		if fmt.Sprint(progress) != "[1000 2000 3000 1000 2000 3000]" {
			t.Errorf("held %d: not started over: progress %v", held, progress)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("held %d: started over\n%+v\nwant\n%+v", held, got.counts, want.counts)
		}
	}

	// Cancelled in the second read: no plan, no file.
	defer xlsx.HoldRowsForTest(1)()
	fx := newFixture(t)
	spillTo(t, 0)
	ctx, cancel := context.WithCancel(fx.ctx)
	defer cancel()
	var mu sync.Mutex
	seen := 0
	fx.imp.Progress = func(n int) {
		mu.Lock()
		defer mu.Unlock()
		if seen++; seen == 4 { // the second read's first thousand rows
			cancel()
		}
	}
	rep, err := fx.imp.Plan(ctx, path, "")
	if !errors.Is(err, context.Canceled) || rep != nil {
		t.Errorf("cancelled: %v, %+v", err, rep)
	}
	if seen != 4 {
		t.Errorf("progress told %d times", seen)
	}
	if files := planFiles(t); len(files) > 0 {
		t.Errorf("left after a cancelled second read: %v", files)
	}
}

// TestPlanNotStartedOverForTitles: ranges that change only the titles
// above the header (merged across the sheet, as in the template) do not
// make the dry run start over, and it is the dry run that knew them;
// ranges that change the header (its last title merged over an empty
// column past the template's) do, and give the same as knowing them.
func TestPlanNotStartedOverForTitles(t *testing.T) {
	dir := t.TempDir()
	var rows [][]any
	for i := 1; i <= 2100; i++ {
		rows = append(rows, templateRow(i, fmt.Sprintf("4101%07d", i), bigID(i), "หมากแข้ง", "เมือง", i%7+1, subOf[i%7+1], "อยู่ระหว่างดำเนินการ", "15/07/2567", ""))
	}
	titles := []string{"แบบรายงานผลการแก้ไขปัญหาครัวเรือน อำเภอเมือง", "จังหวัดอุดรธานี"}
	titled := writeBook(t, dir, "titled.xlsx", sheet{Name: "S", Titles: titles, Header: [][]string{templateHeader}, Rows: rows,
		Merge: [][2]string{{"A1", "Y1"}, {"A2", "Y2"}}})
	header := writeBook(t, dir, "header.xlsx", sheet{Name: "S", Titles: titles, Header: [][]string{templateHeader}, Rows: rows,
		Merge: [][2]string{{"A1", "Y1"}, {"A2", "Y2"}, {"Y3", "Z3"}}})
	type outcome struct {
		sheets  []app.SheetReport
		header  []int
		unknown []string
		counts  data.Counts
		rows    []data.RowResult
	}
	run := func(t *testing.T, path string, held int) (outcome, string) {
		defer xlsx.HoldRowsForTest(held)()
		fx := newFixture(t)
		var progress []int
		fx.imp.Progress = func(n int) { progress = append(progress, n) }
		rep := fx.plan(t, path, "")
		if rep.Refused != "" {
			t.Fatal(rep.Refused)
		}
		defer rep.Close()
		return outcome{rep.Sheets, rep.Header, rep.Unknown, rep.Counts(), slices.Collect(rep.Batch.RowResults())}, fmt.Sprint(progress)
	}
	for _, c := range []struct {
		path     string
		progress string
	}{{titled, "[1000 2000]"}, {header, "[1000 2000 1000 2000]"}} {
		want, _ := run(t, c.path, 64<<20)
		if want.counts.Rows != 2100 {
			t.Fatalf("%s: %+v", c.path, want.counts)
		}
		got, progress := run(t, c.path, 1)
		if progress != c.progress {
			t.Errorf("%s: progress %s, want %s", c.path, progress, c.progress)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v %v\nwant %+v %v", c.path, got.sheets, got.unknown, want.sheets, want.unknown)
		}
	}
}
