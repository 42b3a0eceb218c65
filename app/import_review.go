package app

import (
	"context"
	"fmt"

	"qmdesk/data"
)

// Decide settles a row that was sent to review: "new" creates its
// household as the row gives it (accepting a national ID that fails the
// check digit), "merge" adds the row to household mergeInto, "reject"
// drops it. The decision and its changes commit together.
func (imp *Importer) Decide(ctx context.Context, reviewID uint64, decision string, mergeInto uint64) error {
	r, err := imp.Store.Review(ctx, reviewID)
	if err != nil {
		return err
	}
	if decision == "reject" {
		return imp.Store.DecideReview(ctx, reviewID, decision, nil)
	}
	meta, err := imp.Store.Meta(ctx)
	if err != nil {
		return err
	}
	if imp.subProblems, err = imp.Store.SubProblems(ctx); err != nil {
		return err
	}
	imp.subIndex = nil
	file := fmt.Sprintf("รายการรอตรวจสอบที่ %d (แถว %d แผ่นงาน %s)", r.ID, r.Row, r.Sheet)
	pl := newPlanner(ctx, imp, meta, file)
	pl.b.File = file
	in := rowInput{Sheet: r.Sheet, Row: r.Row, Household: r.Household, Problem: r.Problem, Action: r.Action, HasStatus: r.Problem.Status != 0}
	var ref int
	switch decision {
	case "new":
		h := r.Household
		h.ID = 0
		h.IDCheckOverride = h.Head.NationalID != "" && !data.NationalIDCheckOK(h.Head.NationalID)
		pl.b.Households = append(pl.b.Households, data.HouseholdChange{Op: data.OpNew, Household: h})
		ref = len(pl.b.Households) - 1
	case "merge":
		if mergeInto == 0 {
			return data.Errorf(data.EINVALID, "กรุณาระบุครัวเรือนที่จะรวมเข้า", "merge needs a household")
		}
		if ref, _, _, err = pl.existingRef(mergeInto); err != nil {
			return err
		}
	default:
		return data.Errorf(data.EINVALID, "การตัดสินต้องเป็น new, merge หรือ reject", "unknown decision %q", decision)
	}
	fate, err := pl.apply(ref, in)
	if err != nil {
		return err
	}
	res := data.RowResult{Sheet: r.Sheet, Row: r.Row, Fate: fate}
	pl.b.Rows = append(pl.b.Rows, res)
	pl.b.Counts.Add(fate)
	return imp.Store.DecideReview(ctx, reviewID, decision, pl.b)
}
