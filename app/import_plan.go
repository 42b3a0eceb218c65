package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"qmdesk/data"
)

// planner matches rows to the register and builds the batch. It reads the
// store but never writes: what it builds is what a commit will do.
type planner struct {
	ctx        context.Context
	store      ImportStore
	round      uint64
	roundStart data.Date
	today      data.Date
	fileDate   data.Date // the workbook's own date (last saved), for rows without an action date; zero if unknown
	file       string
	b          *data.ImportBatch

	hhByID    map[uint64]int // existing household → batch ref
	newByCode map[string]int // house code of a household new in this batch → ref
	newByNID  map[string]int // national ID of a household new in this batch → ref
	// One flat map each rather than a map per household: a province file
	// has 100,000 households, and 100,000 small maps were most of the
	// planner's memory.
	problems  map[refKey]int          // household ref + problem key → problem ref
	existing  map[refKey]data.Problem // stored problems of loaded households not yet in the batch
	stored    map[int][]data.Action   // problem ref → its stored actions, once read
	batchActs map[int][]int32         // problem ref → indexes of its actions in the batch
	seen      []bool                  // household ref → already counted as new
}

type refKey struct {
	ref int
	key string
}

func newPlanner(ctx context.Context, imp *Importer, meta data.Meta, file string) *planner {
	return &planner{
		ctx: ctx, store: imp.Store, round: meta.DefaultRound, roundStart: imp.round.Start, today: imp.Clock.Today(), file: file,
		b:      &data.ImportBatch{},
		hhByID: map[uint64]int{}, newByCode: map[string]int{}, newByNID: map[string]int{},
		problems: map[refKey]int{}, existing: map[refKey]data.Problem{},
		stored: map[int][]data.Action{}, batchActs: map[int][]int32{},
	}
}

func problemKey(c data.Category, sub string) string {
	return strconv.Itoa(int(c)) + "|" + strings.ReplaceAll(data.CleanText(sub), " ", "")
}

// add plans one row and records its fate.
func (pl *planner) add(in rowInput) error {
	res, err := pl.plan(in)
	if err != nil {
		return err
	}
	pl.b.Rows = append(pl.b.Rows, res)
	pl.b.Counts.Add(res.Fate)
	return nil
}

func (pl *planner) plan(in rowInput) (data.RowResult, error) {
	if in.Reject != nil {
		return *in.Reject, nil
	}
	res := data.RowResult{Sheet: in.Sheet, Row: in.Row}
	if in.Key != 0 {
		if reason, err := pl.checkKey(in); err != nil {
			return res, err
		} else if reason != "" {
			res.Fate, res.Column, res.Value, res.Reason = data.FateRejected, in.keyColumn, data.HouseholdKey(in.Key), reason
			return res, nil
		}
	}
	review := func(r data.Review) (data.RowResult, error) {
		r.Sheet, r.Row, r.Household, r.Problem, r.Action = in.Sheet, in.Row, in.Household, in.Problem, in.Action
		pl.b.Reviews = append(pl.b.Reviews, r)
		res.Fate, res.Reason, res.ForProvince = data.FateReview, r.Reason, r.Kind == data.ReviewConflict
		return res, nil
	}
	ref, reason, candidates, err := pl.household(in)
	if err != nil {
		return res, err
	}
	if reason != "" {
		if in.Unknown != nil && in.Unknown.reject != nil {
			return *in.Unknown.reject, nil
		}
		if in.Unknown != nil {
			in.Problem.SubProblem, in.Problem.Detail = in.Unknown.suggested(in.Problem.Detail)
			reason += " · " + in.Unknown.reason()
		}
		return review(data.Review{Reason: reason, Candidates: candidates})
	}
	var existing []uint64
	if ref >= 0 && pl.b.Households[ref].Household.ID != 0 { // not one this batch adds: it has no ID yet
		existing = []uint64{pl.b.Households[ref].Household.ID}
	}
	stored, hasStored := pl.storedProblem(ref, in)
	if in.Unknown != nil && !hasStored { // a name the register has never had
		if in.Unknown.reject != nil {
			return *in.Unknown.reject, nil
		}
		in.Problem.SubProblem, in.Problem.Detail = in.Unknown.suggested(in.Problem.Detail)
		// Words in the "others (specify)" entry's category are what it is
		// for: taken as it. When the household's "others" problem already
		// says something else, the clerk decides, and accepting adds the
		// new words to the detail: the old ones stay.
		cur, known := pl.problemOf(ref, in)
		if in.Unknown.others && known && cur.Detail != "" && strings.Contains(cur.Detail, in.Unknown.written) {
			in.Problem.Detail = cur.Detail // these words are already recorded
		} else if !in.Unknown.others {
			res.Column, res.Value = in.Unknown.column, in.Unknown.written
			return review(data.Review{Kind: data.ReviewSubProblem, Reason: in.Unknown.reason(), Written: in.Unknown.written, Candidates: existing})
		} else if known && cur.Detail != "" && cur.Detail != in.Problem.Detail {
			in.Problem.Detail = cur.Detail + " · " + in.Problem.Detail
			res.Column, res.Value = in.Unknown.column, in.Unknown.written
			reason := fmt.Sprintf("ครัวเรือนนี้มีปัญหา '%s' อยู่แล้ว ว่า '%s': รับแถวนี้จะต่อท้ายรายละเอียดเป็น '%s' (ข้อความเดิมยังอยู่) หรือไม่รับ",
				in.Problem.SubProblem, cur.Detail, in.Problem.Detail)
			return review(data.Review{Kind: data.ReviewSubProblem, Reason: reason, Written: in.Unknown.written, Candidates: existing})
		}
		stored, hasStored = pl.storedProblem(ref, in)
	}
	// What the programme does not allow together waits for the clerk,
	// with the reason: she takes the row as written or sends it back.
	// A status the district left as exported is qmdesk's, not the row's.
	written := in.Problem
	if !in.HasStatus {
		written.Status = 0
	}
	if why := written.Contradiction(in.Household.Origin); why != "" {
		return review(data.Review{Kind: data.ReviewCombination, Reason: why, Candidates: existing})
	}
	if in.Action != nil {
		if first, err := pl.firstStart(stored, hasStored); err != nil {
			return res, err
		} else if in.Action.Date.Before(first) {
			res.Fate, res.Column, res.Value = data.FateRejected, in.actionColumn, in.actionValue
			res.Reason = fmt.Sprintf("%s %s อยู่ก่อนวันเริ่มบันทึกผลของรอบ (%s): กรุณาตรวจสอบวันที่และปี พ.ศ.", data.HeaderActionDate.Thai, data.FormatBE(in.Action.Date), data.FormatBE(first))
			return res, nil
		}
	}
	if ref >= 0 {
		if conflicts, reason := pl.conflicts(ref, in, stored, hasStored); len(conflicts) > 0 {
			res.Column, res.Value = conflicts[0].Name, conflicts[0].Workbook
			return review(data.Review{Kind: data.ReviewConflict, Reason: reason, Conflicts: conflicts, Candidates: existing})
		}
	} else {
		ref = pl.newHousehold(in)
	}
	fate, err := pl.apply(ref, in)
	res.Fate = fate
	return res, err
}

// storedProblem returns the register's problem the row is about (as the
// batch has it so far), if the household and the problem are known.
func (pl *planner) storedProblem(ref int, in rowInput) (data.ProblemChange, bool) {
	if ref < 0 {
		return data.ProblemChange{}, false
	}
	key := refKey{ref, problemKey(in.Problem.Category, in.Problem.SubProblem)}
	if pref, ok := pl.problems[key]; ok {
		pc := pl.b.Problems[pref]
		return pc, pc.Op != data.OpNew
	}
	if p, ok := pl.existing[key]; ok {
		return data.ProblemChange{Op: data.OpRef, Problem: p, Seen: p.UpdatedAt}, true
	}
	return data.ProblemChange{}, false
}

// problemOf returns the problem the row is about as the batch has it so
// far, new in this file or stored.
func (pl *planner) problemOf(ref int, in rowInput) (data.Problem, bool) {
	if ref < 0 {
		return data.Problem{}, false
	}
	key := refKey{ref, problemKey(in.Problem.Category, in.Problem.SubProblem)}
	if pref, ok := pl.problems[key]; ok {
		return pl.b.Problems[pref].Problem, true
	}
	p, ok := pl.existing[key]
	return p, ok
}

// firstStart is the earliest day an action of the row's problem can have:
// the start of the round its work began in (a problem carried over from
// earlier rounds began in the first of them), else the current round's.
func (pl *planner) firstStart(pc data.ProblemChange, stored bool) (data.Date, error) {
	first := pl.roundStart
	if !stored {
		return first, nil
	}
	p := pc.Problem
	for depth := 0; p.CarriedFrom != 0 && depth < 20; depth++ {
		var err error
		if p, err = pl.store.Problem(pl.ctx, p.CarriedFrom); err != nil {
			return first, err
		}
	}
	if p.RoundID == pl.round {
		return first, nil
	}
	r, err := pl.store.Round(pl.ctx, p.RoundID)
	if err != nil {
		return first, err
	}
	if r.Start.Before(first) {
		first = r.Start
	}
	return first, nil
}

// household finds the batch ref of the row's household, loading it from
// the store as needed. A household that is not known yet gives ref -1:
// newHousehold adds it once the row is taken. A non-empty reason sends
// the row to review instead.
func (pl *planner) household(in rowInput) (ref int, reason string, candidates []uint64, err error) {
	h := in.Household
	if in.Key != 0 { // checkKey found it
		return pl.existingRef(in.Key)
	}
	var byCode, byID []uint64
	if h.HouseCode != "" {
		if byCode, err = pl.ids(pl.store.HouseholdsByHouseCode(pl.ctx, h.HouseCode)); err != nil {
			return 0, "", nil, err
		}
	}
	if h.Head.NationalID != "" {
		if byID, err = pl.ids(pl.store.HouseholdsByNationalID(pl.ctx, h.Head.NationalID)); err != nil {
			return 0, "", nil, err
		}
	}
	switch {
	case len(byCode) > 1:
		return 0, fmt.Sprintf("รหัสบ้าน %s ตรงกับ %d ครัวเรือนในฐานข้อมูล: กรุณาเลือกครัวเรือนที่ถูกต้อง", h.HouseCode, len(byCode)), byCode, nil
	case len(byCode) == 1 && len(byID) > 0 && !slices.Contains(byID, byCode[0]):
		return 0, "รหัสบ้านและเลขประจำตัวประชาชนชี้ไปคนละครัวเรือน: กรุณาตรวจสอบว่าเป็นครัวเรือนใด", append(byCode, byID...), nil
	case len(byCode) == 1:
		return pl.existingRef(byCode[0])
	case len(byID) > 1:
		return 0, fmt.Sprintf("เลขประจำตัวประชาชนนี้ตรงกับ %d ครัวเรือน: กรุณาเลือกครัวเรือนที่ถูกต้อง", len(byID)), byID, nil
	case len(byID) == 1:
		ref, reason, c, err := pl.existingRef(byID[0])
		if err == nil && reason == "" && h.HouseCode != "" {
			if stored := pl.b.Households[ref].Household.HouseCode; stored != "" && stored != h.HouseCode {
				return 0, fmt.Sprintf("เลขประจำตัวประชาชนนี้เป็นหัวหน้าครัวเรือนรหัสบ้าน %s ไม่ใช่ %s: ย้ายบ้านหรือกรอกผิด?", stored, h.HouseCode), byID, nil
			}
		}
		return ref, reason, c, err
	}
	// Not in the store: maybe new earlier in this same file.
	codeRef, codeOK := pl.newByCode[h.HouseCode]
	idRef, idOK := pl.newByNID[h.Head.NationalID]
	switch {
	case h.HouseCode != "" && codeOK && h.Head.NationalID != "" && idOK && codeRef != idRef:
		return 0, "รหัสบ้านและเลขประจำตัวประชาชนชี้ไปคนละครัวเรือนในไฟล์นี้", nil, nil
	case h.HouseCode != "" && codeOK:
		return codeRef, "", nil, nil
	case h.Head.NationalID != "" && idOK:
		if stored := pl.b.Households[idRef].Household.HouseCode; h.HouseCode != "" && stored != "" && stored != h.HouseCode {
			return 0, "เลขประจำตัวประชาชนเดียวกันอยู่กับรหัสบ้านต่างกันในไฟล์นี้", nil, nil
		}
		return idRef, "", nil, nil
	}
	if in.IDWarning {
		return 0, "เลขประจำตัวประชาชนไม่ถูกต้อง (หลักตรวจสอบ): ตรวจกับบัตรแล้วยืนยันได้ถ้าเลขถูกต้อง", nil, nil
	}
	return -1, "", nil, nil
}

// checkKey tells why a row that names its household by its qmdesk key
// (a follow-up row of a household without a house code) cannot be taken:
// the key is this database's own number, so a workbook made from another
// database, or a household removed since, must not be matched by it. The
// row's tambon, locked in the follow-up workbook, must be the household's.
func (pl *planner) checkKey(in rowInput) (string, error) {
	key := data.HouseholdKey(in.Key)
	if _, ok := pl.hhByID[in.Key]; ok {
		return "", nil
	}
	h, err := pl.store.Household(pl.ctx, in.Key)
	if data.ErrorCode(err) == data.ENOTFOUND {
		return "ไม่พบครัวเรือน " + key + " ในฐานข้อมูลนี้ (แถวนี้อาจมาจากแบบติดตามของฐานข้อมูลอื่น หรือครัวเรือนถูกลบไปแล้ว): กรุณาตรวจสอบกับไฟล์ที่จังหวัดส่งไป", nil
	} else if err != nil {
		return "", err
	}
	switch {
	case h.TambonCode != in.Household.TambonCode:
		return "ครัวเรือน " + key + " ในฐานข้อมูลนี้อยู่ตำบลอื่น (แถวนี้อาจมาจากแบบติดตามของฐานข้อมูลอื่น): กรุณาตรวจสอบกับไฟล์ที่จังหวัดส่งไป", nil
	case in.Household.HouseCode != "" && h.HouseCode != "" && h.HouseCode != in.Household.HouseCode:
		return fmt.Sprintf("ครัวเรือน %s มีรหัสบ้าน %s ไม่ใช่ %s: กรุณาตรวจสอบรหัสบ้าน", key, h.HouseCode, in.Household.HouseCode), nil
	}
	return "", nil
}

// newHousehold adds the row's household to the batch as a new one.
func (pl *planner) newHousehold(in rowInput) int {
	h := in.Household
	h.ID = 0
	pl.b.Households = append(pl.b.Households, data.HouseholdChange{Op: data.OpNew, Household: h})
	ref := len(pl.b.Households) - 1
	if h.HouseCode != "" {
		pl.newByCode[h.HouseCode] = ref
	}
	if h.Head.NationalID != "" {
		pl.newByNID[h.Head.NationalID] = ref
	}
	return ref
}

func (pl *planner) ids(hs []data.Household, err error) ([]uint64, error) {
	out := make([]uint64, 0, len(hs))
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out, err
}

// existingRef puts a stored household into the batch (once) and returns
// its ref.
func (pl *planner) existingRef(id uint64) (int, string, []uint64, error) {
	if ref, ok := pl.hhByID[id]; ok {
		return ref, "", nil, nil
	}
	h, err := pl.store.Household(pl.ctx, id)
	if err != nil {
		return 0, "", nil, err
	}
	pl.b.Households = append(pl.b.Households, data.HouseholdChange{Op: data.OpRef, Household: h, Seen: h.UpdatedAt})
	ref := len(pl.b.Households) - 1
	pl.hhByID[id] = ref
	stored, err := pl.store.ProblemsOf(pl.ctx, id)
	if err != nil {
		return 0, "", nil, err
	}
	for _, p := range stored {
		if p.RoundID == pl.round {
			pl.existing[refKey{ref, problemKey(p.Category, p.SubProblem)}] = p
		}
	}
	return ref, "", nil, nil
}

// apply merges the row into household ref: household fields, the problem,
// the action. It returns the row's fate.
func (pl *planner) apply(ref int, in rowInput) (data.Fate, error) {
	hc := &pl.b.Households[ref]
	newHousehold := hc.Op == data.OpNew && !pl.householdSeen(ref)
	// The household's first row of a new household merges into itself and
	// changes nothing; any other row that adds something has changed it.
	changed := mergeHousehold(&hc.Household, in.Household, in.IDWarning)
	if changed && hc.Op == data.OpRef {
		hc.Op = data.OpUpdate
	}
	key := refKey{ref, problemKey(in.Problem.Category, in.Problem.SubProblem)}
	pref, ok := pl.problems[key]
	newProblem := false
	stored, isStored := pl.existing[key]
	switch {
	case ok:
	case isStored:
		pl.b.Problems = append(pl.b.Problems, data.ProblemChange{Op: data.OpRef, HouseholdRef: ref, Problem: stored, Seen: stored.UpdatedAt})
		pref = len(pl.b.Problems) - 1
		pl.problems[key] = pref
		delete(pl.existing, key)
	default:
		p := in.Problem
		p.ID, p.HouseholdID, p.RoundID = 0, 0, pl.round
		if p.Status == 0 {
			p.Status = data.NotStarted
		}
		pl.b.Problems = append(pl.b.Problems, data.ProblemChange{Op: data.OpNew, HouseholdRef: ref, Problem: p})
		pref = len(pl.b.Problems) - 1
		pl.problems[key] = pref
		newProblem = true
	}
	pc := &pl.b.Problems[pref]
	if !newProblem {
		before := pc.Problem.Status
		if mergeProblem(&pc.Problem, in.Problem, in.HasStatus) {
			if pc.Op == data.OpRef {
				pc.Op = data.OpUpdate
			}
			changed = true
		}
		if pc.Problem.Status != before && in.Action == nil {
			// A status change always leaves an action behind.
			a := data.Action{Date: pl.today, What: "เปลี่ยนสถานะเป็น " + pc.Problem.Status.Thai() + " (นำเข้าจากไฟล์ " + pl.file + ")", Result: pc.Problem.Status}
			if pc.Problem.Status == data.Closed {
				a.Note = pc.Problem.CloseReason
			}
			pl.appendAction(pref, a)
		}
	}
	if p := &pc.Problem; !p.Status.Open() && p.ResolvedOn.IsZero() && in.Action != nil && !in.Action.Date.IsZero() {
		p.ResolvedOn = in.Action.Date // the day the district did it, not the day of the import
	}
	if in.Action != nil {
		added, err := pl.addAction(pref, *in.Action)
		if err != nil {
			return "", err
		}
		changed = changed || added
	}
	switch {
	case newHousehold:
		pl.markSeen(ref)
		return data.FateNewHousehold, nil
	case newProblem:
		return data.FateNewProblem, nil
	case changed:
		return data.FateUpdated, nil
	}
	return data.FateUnchanged, nil
}

// householdSeen tells whether an earlier row already created household ref,
// so that a new household's second problem row counts as a new problem.
func (pl *planner) householdSeen(ref int) bool { return ref < len(pl.seen) && pl.seen[ref] }
func (pl *planner) markSeen(ref int) {
	for len(pl.seen) <= ref {
		pl.seen = append(pl.seen, false)
	}
	pl.seen[ref] = true
}

// addAction adds a row's action unless the problem already has the same
// one, stored or earlier in this file.
func (pl *planner) addAction(pref int, a data.Action) (bool, error) {
	pc := pl.b.Problems[pref]
	if pc.Op != data.OpNew {
		known, ok := pl.stored[pref]
		if !ok {
			var err error
			if known, err = pl.store.Actions(pl.ctx, pc.Problem.ID); err != nil {
				return false, err
			}
			pl.stored[pref] = known
		}
		for _, k := range known {
			if k.SameAs(a) {
				return false, nil
			}
		}
	}
	for _, i := range pl.batchActs[pref] {
		if pl.b.Actions[i].Action.SameAs(a) {
			return false, nil
		}
	}
	pl.appendAction(pref, a)
	return true, nil
}

func (pl *planner) appendAction(pref int, a data.Action) {
	pl.b.Actions = append(pl.b.Actions, data.ActionChange{ProblemRef: pref, Action: a})
	pl.batchActs[pref] = append(pl.batchActs[pref], int32(len(pl.b.Actions)-1))
}

// mergeHousehold copies what the row says into h, never blanking a field
// the row leaves empty. It reports whether h changed.
func mergeHousehold(h *data.Household, row data.Household, idWarning bool) bool {
	before := *h
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	if h.HouseCode == "" {
		h.HouseCode = row.HouseCode
	}
	if h.Head.NationalID == "" && row.Head.NationalID != "" {
		h.Head.NationalID = row.Head.NationalID
		h.IDCheckOverride = h.IDCheckOverride || idWarning
	}
	set(&h.HouseNo, row.HouseNo)
	set(&h.VillageName, row.VillageName)
	set(&h.TambonCode, row.TambonCode)
	set(&h.Head.Title, row.Head.Title)
	set(&h.Head.FirstName, row.Head.FirstName)
	set(&h.Head.LastName, row.Head.LastName)
	set(&h.Head.Phone, row.Head.Phone)
	if row.VillageNo != 0 {
		h.VillageNo = row.VillageNo
	}
	if row.Members != 0 {
		h.Members = row.Members
	}
	return *h != before
}

// mergeProblem copies what the row says into p. It reports whether p
// changed.
func mergeProblem(p *data.Problem, row data.Problem, hasStatus bool) bool {
	before := *p
	if hasStatus && row.Status != p.Status {
		p.Status = row.Status
		p.CloseReason = row.CloseReason
	}
	if row.ReXRay != data.ReXRayNone {
		p.ReXRay = row.ReXRay
	}
	if row.Detail != "" {
		p.Detail = row.Detail
	}
	if !row.TargetDate.IsZero() {
		p.TargetDate = row.TargetDate
	}
	if row.LeadAgency != "" {
		p.LeadAgency = row.LeadAgency
	}
	return *p != before
}
