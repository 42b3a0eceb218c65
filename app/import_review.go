package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qmdesk/data"
)

// Decide settles a row that was sent to review: "new" creates its
// household as the row gives it (accepting a national ID that fails the
// check digit), "merge" adds the row to household mergeInto (for a
// conflict: the workbook's values win), "keep" adds the row to household
// mergeInto without the values that conflict with the register (qmdesk's
// win; the rest, an action included, is taken), "accept" takes the
// sub-problem the review suggested, "reject" drops the row. The decision
// and its changes commit together. The records it changes are dated by
// the row's information, as the import dated it (Review.AsOf). A
// decision that would overwrite a value the register took after the
// review was made, which the review did not show, is refused (ECONFLICT,
// nothing changed) and the review made to show it (renewReview); "keep"
// leaves such a value as it is instead.
func (imp *Importer) Decide(ctx context.Context, reviewID uint64, decision string, mergeInto uint64) error {
	r, err := imp.Store.Review(ctx, reviewID)
	if err != nil {
		return err
	}
	if err := fitDecision(r, decision, mergeInto); err != nil {
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
	if imp.round, err = imp.Store.Round(ctx, meta.DefaultRound); err != nil {
		return err
	}
	// The ledger's name of the decision; the window's English mode reads
	// it (ui's importName): keep the two alike.
	file := fmt.Sprintf("รายการรอตรวจสอบที่ %d (แถว %d แผ่นงาน %s)", r.ID, r.Row, r.Sheet)
	pl := newPlanner(ctx, imp, meta, file)
	defer pl.release(nil)
	pl.b.File = file
	// The row is dated by the information it came with, as the import
	// dated it (pl.asOf: its action date first); a review older versions
	// stored has no date, and the row is then today's information.
	pl.fileDate = r.AsOf
	in := rowInput{Sheet: r.Sheet, Row: r.Row, Household: r.Household, Problem: r.Problem, Action: r.Action, HasStatus: r.Problem.Status != 0}
	var ref int
	switch decision {
	case "new":
		h := r.Household
		h.ID = 0
		h.IDCheckOverride = h.Head.NationalID != "" && !data.NationalIDCheckOK(h.Head.NationalID)
		ref = pl.addHH(data.HouseholdChange{Op: data.OpNew, Household: h, AsOf: pl.asOf(in)})
	case "merge", "keep":
		if mergeInto == 0 {
			return data.Errorf(data.EINVALID, "กรุณาระบุครัวเรือนที่จะรวมเข้า", "merge needs a household")
		}
		if ref, _, _, err = pl.existingRef(mergeInto); err != nil {
			return err
		}
		if decision == "keep" {
			keepCurrent(&in, r.Conflicts)
		}
	case "accept":
		var reason data.Sentence
		if len(r.Candidates) > 0 {
			ref, _, _, err = pl.existingRef(r.Candidates[0])
		} else if ref, reason, _, err = pl.householdOf(in); err == nil && reason.Thai != "" {
			return data.Messages(data.ECONFLICT, "รายการที่ %d ยังระบุครัวเรือนไม่ได้: %s", []any{reviewID, reason.Thai},
				"Review %d cannot tell the household yet: %s", reviewID, reason.English)
		}
		if err != nil {
			return err
		}
		if ref < 0 {
			ref = pl.newHousehold(in)
		}
	default:
		return data.Errorf(data.EINVALID, "ไม่รู้จักการตัดสิน '%s': ต้องเป็น new, merge, keep, accept หรือ reject", "unknown decision %q", decision)
	}
	// What the review showed of the register may be out of date: a
	// record it is about that changed since (the clerk's edit, a later
	// import, another decision) must not be overwritten by values she
	// chose against older ones.
	unseen, err := pl.unseenChanges(ref, in, r)
	if err != nil {
		return err
	}
	if len(unseen) > 0 {
		if decision == "keep" { // qmdesk's values win: the newer ones too
			keepCurrent(&in, unseen)
		} else {
			return imp.renewReview(ctx, pl, r, unseen)
		}
	}
	fate, err := pl.apply(ref, in)
	if err != nil {
		return err
	}
	res := data.RowResult{Sheet: r.Sheet, Row: r.Row, Fate: fate}
	pl.b.AddRow(res)
	pl.b.Counts.Add(fate)
	return imp.Store.DecideReview(ctx, reviewID, decision, pl.b)
}

// fitDecision refuses a decision that does not fit the kind of row: a
// conflict is settled with the workbook's values (merge) or qmdesk's
// (keep), in the household the row is about; a sub-problem by taking the
// suggestion (accept); a household match by a new household (new) or one
// of the households found (merge). Any row may be rejected.
func fitDecision(r data.Review, decision string, into uint64) error {
	if decision == "reject" {
		return nil
	}
	ok := false
	options, english := "", ""
	switch r.Kind {
	case data.ReviewConflict:
		ok = (decision == "merge" || decision == "keep") && slices.Contains(r.Candidates, into)
		c := first(r.Candidates)
		options = fmt.Sprintf("--merge %d (ใช้ค่าจากไฟล์), --keep %d (คงค่าในโปรแกรม) หรือ --reject", c, c)
		english = fmt.Sprintf("--merge %d (the workbook's values), --keep %d (qmdesk's) or --reject", c, c)
	case data.ReviewSubProblem:
		ok = decision == "accept"
		options = "--accept (รับเป็น '" + r.Problem.SubProblem + "') หรือ --reject"
		english = "--accept (as the suggested sub-problem) or --reject"
	case data.ReviewCombination:
		ok = decision == "accept"
		options, english = "--accept (รับตามที่เขียนในไฟล์) หรือ --reject", "--accept (as written) or --reject"
	default:
		ok = decision == "new" || decision == "merge" && slices.Contains(r.Candidates, into)
		options, english = "--new (เพิ่มเป็น"+data.WordNewHousehold.Thai+") หรือ --reject", "--new (a new household) or --reject"
		if len(r.Candidates) > 0 {
			options = fmt.Sprintf("--new (เพิ่มเป็น%s), --merge กับครัวเรือนที่พบ (%s) หรือ --reject", data.WordNewHousehold.Thai, joinIDs(r.Candidates))
			english = fmt.Sprintf("--new (a new household), --merge with a household found (%s) or --reject", joinIDs(r.Candidates))
		}
	}
	if !ok {
		return &data.Error{Code: data.EINVALID, Message: fmt.Sprintf("การตัดสินนี้ไม่ตรงกับรายการที่ %d: เลือกได้ %s", r.ID, options),
			English: fmt.Sprintf("review %d: the decision does not fit; choose %s", r.ID, english)}
	}
	return nil
}

func first(ids []uint64) uint64 {
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

func joinIDs(ids []uint64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatUint(id, 10)
	}
	return strings.Join(s, ", ")
}

// unseenChanges lists the values the row would overwrite, in household
// ref and the row's problem in it, that the review did not show the
// clerk: of a record changed after the import that stored the review
// (UpdatedAt later than its ledger time), every value the row would
// change that the review did not list with the same value in qmdesk. A
// record unchanged since (the import's own commit included: the review
// was planned with it) is overwritten as the import would have done.
func (pl *planner) unseenChanges(ref int, in rowInput, r data.Review) ([]data.FieldConflict, error) {
	made, err := pl.reviewMade(r.ImportID)
	if err != nil {
		return nil, err
	}
	shown := func(c data.FieldConflict) bool {
		return slices.ContainsFunc(r.Conflicts, func(s data.FieldConflict) bool { return s.Field == c.Field && s.Current == c.Current })
	}
	var out []data.FieldConflict
	add := func(cs []data.FieldConflict, by string, at time.Time) {
		for _, c := range cs {
			if !shown(c) {
				c.ChangedBy, c.ChangedAt = by, at
				out = append(out, c)
			}
		}
	}
	if hc := pl.hhAt(ref); hc.Op != data.OpNew && hc.Household.UpdatedAt.After(made) {
		add(householdConflicts(hc.Household, in.Household), hc.Household.ChangedBy, hc.Household.UpdatedAt)
	}
	if pc, ok := pl.storedProblem(ref, in); ok && pc.Problem.UpdatedAt.After(made) {
		add(problemConflicts(pc.Problem, in.Problem, in.HasStatus), pc.Problem.ChangedBy, pc.Problem.UpdatedAt)
	}
	return out, nil
}

// reviewMade is the time of the import whose commit stored review rows of
// import id; zero if the ledger does not have it (every record then
// counts as changed since).
func (pl *planner) reviewMade(id uint64) (time.Time, error) {
	recs, err := pl.store.Imports(pl.ctx)
	if err != nil {
		return time.Time{}, err
	}
	for _, rec := range recs {
		if rec.ID == id {
			return rec.At, nil
		}
	}
	return time.Time{}, nil
}

// renewReview refuses a decision that would overwrite values the review
// did not show (unseen) and makes the review show them: the register's
// current values join the ones it listed, and its reason says what
// changed. Nothing of the register changes; deciding the row again then
// takes the values the clerk has now seen.
func (imp *Importer) renewReview(ctx context.Context, pl *planner, r data.Review, unseen []data.FieldConflict) error {
	conflicts := slices.Clone(r.Conflicts)
	for _, u := range unseen {
		i := slices.IndexFunc(conflicts, func(c data.FieldConflict) bool { return c.Field == u.Field })
		if i < 0 {
			conflicts = append(conflicts, u)
		} else {
			conflicts[i] = u
		}
	}
	// Who changed it: the workbook of a later import, else the clerk.
	by, imported, err := pl.importAt(unseen[0].ChangedAt)
	if err != nil {
		return err
	}
	var th, en strings.Builder
	if imported {
		fmt.Fprintf(&th, "ข้อมูลในโปรแกรมถูกแก้ไขหลังสร้างรายการนี้ (นำเข้าจาก '%s' เมื่อ %s): ", by.File, formatStamp(by.At))
		fmt.Fprintf(&en, "qmdesk's record changed after this review was made (imported from '%s' on %s): ", by.File, formatStampEnglish(by.At))
	} else {
		fmt.Fprintf(&th, "ข้อมูลในโปรแกรมถูกแก้ไขหลังสร้างรายการนี้ (แก้ไขล่าสุดโดย %s เมื่อ %s): ", unseen[0].ChangedBy, formatStamp(unseen[0].ChangedAt))
		fmt.Fprintf(&en, "qmdesk's record changed after this review was made (last by '%s' on %s): ", unseen[0].ChangedBy, formatStampEnglish(unseen[0].ChangedAt))
	}
	writeConflicts(&th, &en, unseen, "ในโปรแกรมตอนนี้", "in qmdesk now")
	change := data.Sentence{Thai: th.String(), English: en.String()}
	// The reason as the import wrote it, without an earlier renewal's.
	base := data.Sentence{Thai: r.Reason, English: r.ReasonEnglish}
	if i := strings.Index(base.Thai, renewedMark); i >= 0 {
		base.Thai = base.Thai[:i]
	}
	if i := strings.Index(base.English, renewedMarkEnglish); i >= 0 {
		base.English = base.English[:i]
	}
	reason := data.Sentence{Thai: base.Thai + renewedMark + change.Thai, English: cmp.Or(base.English, base.Thai) + renewedMarkEnglish + change.English}
	if err := imp.Store.RenewReview(ctx, r.ID, conflicts, reason); err != nil {
		return err
	}
	return data.Messages(data.ECONFLICT,
		"ยังไม่ได้บันทึกรายการที่ %d (ข้อมูลในทะเบียนไม่ถูกเปลี่ยน): %s: รายการนี้แสดงค่าปัจจุบันแล้ว กรุณาดูแถวนี้อีกครั้งแล้วตัดสินใหม่", []any{r.ID, change.Thai},
		"Review %d was not decided (the register was not changed): %s: the review now shows the current values; look at the row again and decide", r.ID, change.English)
}

// renewedMark joins the reason the import gave a review and what changed
// in the register since (renewReview).
const (
	renewedMark        = " · ตรวจสอบใหม่: "
	renewedMarkEnglish = " · Look again: "
)
