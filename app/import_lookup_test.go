package app_test

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"sync/atomic"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

// batchOverRows makes the bbolt store an app.ImportBatchReader by asking
// it row by row, so that the planner's chunked path runs on the reference
// store; it counts the planner's own per-row reads.
type batchOverRows struct {
	*bolt.Store
	batches, rowReads atomic.Int64
}

func (b *batchOverRows) HouseholdsMatching(ctx context.Context, codes, nids []string, ids []uint64) ([]data.Household, error) {
	b.batches.Add(1)
	found := map[uint64]data.Household{}
	for _, c := range codes {
		hs, err := b.Store.HouseholdsByHouseCode(ctx, c)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			found[h.ID] = h
		}
	}
	for _, n := range nids {
		hs, err := b.Store.HouseholdsByNationalID(ctx, n)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			found[h.ID] = h
		}
	}
	for _, id := range ids {
		h, err := b.Store.Household(ctx, id)
		if data.ErrorCode(err) == data.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		found[h.ID] = h
	}
	var out []data.Household
	for _, h := range found {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (b *batchOverRows) ProblemsOfHouseholds(ctx context.Context, ids []uint64) ([]data.Problem, error) {
	b.batches.Add(1)
	var out []data.Problem
	for _, id := range slices.Sorted(slices.Values(ids)) {
		ps, err := b.Store.ProblemsOf(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

func (b *batchOverRows) ProblemsByID(ctx context.Context, ids []uint64) ([]data.Problem, error) {
	b.batches.Add(1)
	var out []data.Problem
	for _, id := range slices.Sorted(slices.Values(ids)) {
		p, err := b.Store.Problem(ctx, id)
		if data.ErrorCode(err) == data.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (b *batchOverRows) ActionsOfProblems(ctx context.Context, ids []uint64) ([]data.Action, error) {
	b.batches.Add(1)
	var out []data.Action
	for _, id := range slices.Sorted(slices.Values(ids)) {
		as, err := b.Store.Actions(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, as...)
	}
	return out, nil
}

func (b *batchOverRows) HouseholdsByHouseCode(ctx context.Context, code string) ([]data.Household, error) {
	b.rowReads.Add(1)
	return b.Store.HouseholdsByHouseCode(ctx, code)
}

func (b *batchOverRows) HouseholdsByNationalID(ctx context.Context, id string) ([]data.Household, error) {
	b.rowReads.Add(1)
	return b.Store.HouseholdsByNationalID(ctx, id)
}

func (b *batchOverRows) Household(ctx context.Context, id uint64) (data.Household, error) {
	b.rowReads.Add(1)
	return b.Store.Household(ctx, id)
}

func (b *batchOverRows) ProblemsOf(ctx context.Context, id uint64) ([]data.Problem, error) {
	b.rowReads.Add(1)
	return b.Store.ProblemsOf(ctx, id)
}

func (b *batchOverRows) Actions(ctx context.Context, id uint64) ([]data.Action, error) {
	b.rowReads.Add(1)
	return b.Store.Actions(ctx, id)
}

// wholePlan is everything a dry run planned.
type wholePlan struct {
	Counts     data.Counts
	Rows       []data.RowResult
	Reviews    []data.Review
	Households []data.HouseholdChange
	Problems   []data.ProblemChange
	Actions    []data.ActionChange
}

func planOf(t *testing.T, imp *app.Importer, ctx context.Context, path string) wholePlan {
	t.Helper()
	rep, err := imp.Plan(ctx, path, "")
	if err != nil || rep.Refused != "" {
		t.Fatalf("dry run: %v %s", err, rep.Refused)
	}
	defer rep.Close()
	b := rep.Batch
	p := wholePlan{Counts: rep.Counts(), Rows: slices.Collect(b.RowResults())}
	for i := range b.NumReviews() {
		p.Reviews = append(p.Reviews, b.Review(i))
	}
	for i := range b.NumHouseholds() {
		p.Households = append(p.Households, b.Household(i))
	}
	for i := range b.NumProblems() {
		p.Problems = append(p.Problems, b.Problem(i))
	}
	for i := range b.NumActions() {
		p.Actions = append(p.Actions, b.Action(i))
	}
	return p
}

// The planner's chunked path (a store that reads many rows' households
// at once) plans a follow-up workbook exactly as the per-row path on the
// same bbolt register: rows of one household across chunks of 5 rows,
// households named by their qmdesk key (no house code), problems solved
// and actions recorded, rows unchanged.
func TestPlanChunkedSameAsPerRow(t *testing.T) {
	defer app.SetLookupChunk(5)()
	fx, e := demoFixture(t, 300)
	keyed := withoutHouseCodes(t, fx, 3)
	path := filepath.Join(fx.dir, "followup.xlsx")
	n, err := e.FollowUp(fx.ctx, "4101", path, false)
	if err != nil || n < 20 {
		t.Fatalf("follow-up: %d rows, %v", n, err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cell := func(col, row int) string { s, _ := excelize.CoordinatesToCellName(col, row); return s }
	for r := 4; r < n+4; r += 3 { // the district solves every third problem
		f.SetCellValue("ข้อมูล", cell(20, r), "แก้ไขแล้ว")
		f.SetCellValue("ข้อมูล", cell(21, r), "1 ส.ค. 2567")
	}
	edited := filepath.Join(fx.dir, "followup-back.xlsx")
	if err := f.SaveAs(edited); err != nil {
		t.Fatal(err)
	}
	f.Close()
	perRow := planOf(t, fx.imp, fx.ctx, edited)
	b := &batchOverRows{Store: fx.store}
	chunked := planOf(t, &app.Importer{Store: b, Geo: fx.imp.Geo, Clock: fx.imp.Clock}, fx.ctx, edited)
	if !reflect.DeepEqual(chunked, perRow) {
		t.Fatalf("the chunked plan differs from the per-row plan:\n got %+v\nwant %+v", chunked.Counts, perRow.Counts)
	}
	if perRow.Counts.Updated == 0 || perRow.Counts.Unchanged == 0 || perRow.Counts.Rows != n {
		t.Errorf("counts %+v", perRow.Counts)
	}
	// Each chunk is read in a few batched reads; what the planner still
	// asks row by row is rare (the actions of a household's problem whose
	// household an earlier chunk read): fewer than one read per chunk.
	if b.batches.Load() < int64(n/5) || b.rowReads.Load() >= int64(n/5) {
		t.Errorf("%d rows: %d batched reads, %d row by row", n, b.batches.Load(), b.rowReads.Load())
	}
	// The households without a house code were matched by their key.
	for _, h := range keyed {
		found := false
		for _, hc := range perRow.Households {
			found = found || hc.Household.ID == h.ID
		}
		if !found {
			t.Errorf("household %d (named by its key) not in the plan", h.ID)
		}
	}
}
