package app

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"qmdesk/data"
)

// planner matches rows to the register and builds the batch. It reads the
// store but never writes: what it builds is what a commit will do.
type planner struct {
	ctx        context.Context
	store      ImportReader
	round      uint64
	roundStart data.Date
	today      data.Date
	fileDate   data.Date // the workbook's own date (last saved), for rows without an action date; zero if unknown
	// titleDates is the date of the information a sheet's title gives
	// (dateByTitles), by sheet: its rows without an action date carry
	// it instead of fileDate.
	titleDates map[string]data.Date
	file       string
	b          *data.ImportBatch
	unit       data.Unit     // a municipality's workbook (its title names it): rows only of its households
	units      data.UnitList // the province's municipalities
	// noHouseholds: the store held no household when the plan began (a
	// province's first import), so no row's house code or national ID
	// is looked up in it. The planner never writes, so none appears.
	noHouseholds bool

	// A file has up to a million rows: what the planner keeps per
	// household, problem and action is a few numbers in flat slices
	// (import_index.go), and the records themselves are encoded (in the
	// batch, and in side for what it read from the store).
	hhByID    refTable                // existing household's ID → batch ref
	newByCode digitKeys               // house code of a household new in this batch → ref
	newByNID  digitKeys               // national ID of a household new in this batch → ref
	problems  problemChains[struct{}] // household ref + problem key → problem ref: entry i is problem i
	existing  problemChains[uint64]   // stored problems of loaded households not yet in the batch, in side
	stored    storedActions           // problem ref → its stored actions, in side, once read
	side      data.Records
	subKeys   map[string]int32 // problem key → its number in refKey
	lastKey   struct {         // the last category and name key numbered
		c   data.Category
		sub string
		n   int32
		ok  bool
	}
	lastAct []int32 // problem ref → its last action in the batch, -1 for none
	prevAct []int32 // action → the one before it of the same problem, -1 for none
	seen    []bool  // household ref → already counted as new

	// The household and problem the last row touched, decoded: the next
	// row is often about the same.
	hh cached[data.HouseholdChange]
	pc cached[data.ProblemChange]

	imports map[int64]data.ImportRecord // the ledger by At (UnixNano), once a conflict needs it (importAt)

	// batch is the store when it reads many rows' households at once
	// (import_lookup.go): store is then cache, which prefetch fills for
	// each chunk of rows before they are planned. Both nil otherwise.
	batch ImportBatchReader
	cache *prefetched
}

type refKey struct {
	ref int32
	key int32 // problem key, numbered by subKeys
}

type cached[T any] struct {
	ref int
	ok  bool
	v   T
}

func newPlanner(ctx context.Context, imp *Importer, meta data.Meta, file string) *planner {
	data.RemoveStaleSpills() // of dry runs killed before they could remove theirs
	pl := &planner{
		ctx: ctx, store: imp.Store, round: meta.DefaultRound, roundStart: imp.round.Start, today: imp.Clock.Today(), file: file,
		b: &data.ImportBatch{}, units: imp.units,
		subKeys: map[string]int32{},
	}
	// What side holds is read back by the rows of its household, which
	// mostly follow one another: a little of it in memory does.
	pl.side.KeepInMemory(data.BatchMemory / 4)
	if b, ok := imp.Store.(ImportBatchReader); ok {
		pl.batch, pl.cache = b, &prefetched{ImportReader: imp.Store}
		pl.store = pl.cache
	}
	// A store that cannot say (a damaged first record) is looked up row
	// by row, as any other.
	if hs, err := imp.Store.Households(ctx, data.HouseholdFilter{Limit: 1}); err == nil && len(hs) == 0 {
		pl.noHouseholds = true
	}
	return pl
}

func problemKey(c data.Category, sub string) string {
	return strconv.Itoa(int(c)) + "|" + strings.ReplaceAll(data.CleanText(sub), " ", "")
}

// bytes is about how much the plan holds so far, in memory and in its
// temporary files (see maxPlanBytes).
func (pl *planner) bytes() int64 { return pl.b.Bytes() + pl.side.Bytes() }

// release lets go of what the planner read from the store and, unless
// the report (if any) took it, of the batch: their temporary files go
// with them.
func (pl *planner) release(rep *FileReport) {
	pl.side.Close()
	if rep == nil || rep.Batch != pl.b {
		pl.b.Close()
	}
}

// Close lets go of the report's plan and removes its temporary file: the
// report's rows cannot be read afterwards.
func (r *FileReport) Close() {
	if r != nil && r.Batch != nil {
		r.Batch.Close()
	}
}

// key is the map key of household ref's problem of category c named sub.
// A row asks for its problem's key several times, and rows of one
// problem follow one another: the last one found is kept.
func (pl *planner) key(ref int, c data.Category, sub string) refKey {
	if pl.lastKey.ok && pl.lastKey.c == c && pl.lastKey.sub == sub {
		return refKey{int32(ref), pl.lastKey.n}
	}
	k := problemKey(c, sub)
	n, ok := pl.subKeys[k]
	if !ok {
		n = int32(len(pl.subKeys))
		pl.subKeys[k] = n
	}
	pl.lastKey.c, pl.lastKey.sub, pl.lastKey.n, pl.lastKey.ok = c, sub, n, true
	return refKey{int32(ref), n}
}

// hhAt returns household ref of the batch.
func (pl *planner) hhAt(ref int) data.HouseholdChange {
	if !pl.hh.ok || pl.hh.ref != ref {
		pl.hh = cached[data.HouseholdChange]{ref, true, pl.b.Household(ref)}
	}
	return pl.hh.v
}

func (pl *planner) putHH(ref int, hc data.HouseholdChange) {
	pl.b.SetHousehold(ref, hc)
	pl.hh = cached[data.HouseholdChange]{ref, true, hc}
}

func (pl *planner) addHH(hc data.HouseholdChange) int {
	ref := pl.b.AddHousehold(hc)
	pl.hh = cached[data.HouseholdChange]{ref, true, hc}
	return ref
}

// problemAt returns problem pref of the batch.
func (pl *planner) problemAt(pref int) data.ProblemChange {
	if !pl.pc.ok || pl.pc.ref != pref {
		pl.pc = cached[data.ProblemChange]{pref, true, pl.b.Problem(pref)}
	}
	return pl.pc.v
}

func (pl *planner) putProblem(pref int, pc data.ProblemChange) {
	pl.b.SetProblem(pref, pc)
	pl.pc = cached[data.ProblemChange]{pref, true, pc}
}

func (pl *planner) addProblem(key refKey, pc data.ProblemChange) int {
	pref := pl.b.AddProblem(pc)
	pl.problems.add(key, struct{}{}) // entry pref: problems are added here only
	pl.lastAct = append(pl.lastAct, -1)
	pl.pc = cached[data.ProblemChange]{pref, true, pc}
	return pref
}

// add plans one row and records its fate. A plan that outgrows
// maxPlanBytes, or whose temporary file fails, stops there.
func (pl *planner) add(in rowInput) error {
	res, err := pl.plan(in)
	if err != nil {
		return err
	}
	pl.b.AddRow(res)
	pl.b.Counts.Add(res.Fate)
	if pl.b.Counts.Rows%256 == 0 {
		if pl.bytes() > maxPlanBytes {
			return planTooLarge(in.Sheet, in.Row)
		}
		if err := pl.err(); err != nil {
			return err
		}
	}
	return nil
}

// err is the failure of the plan's temporary files, if any.
func (pl *planner) err() error {
	if err := pl.b.Err(); err != nil {
		return err
	}
	return pl.side.Err()
}

func (pl *planner) plan(in rowInput) (data.RowResult, error) {
	if in.Reject != nil {
		return *in.Reject, nil
	}
	res := data.RowResult{Sheet: in.Sheet, Row: in.Row}
	reject := func(column, value string, why data.Sentence) (data.RowResult, error) {
		res.Fate, res.Column, res.Value, res.Reason, res.ReasonEnglish = data.FateRejected, column, value, why.Thai, why.English
		return res, nil
	}
	if in.Key != 0 {
		if why, err := pl.checkKey(in); err != nil {
			return res, err
		} else if why.Thai != "" {
			return reject(in.keyColumn, data.HouseholdKey(in.Key), why)
		}
	}
	// review sends the row to review for why.
	review := func(r data.Review, why data.Sentence) (data.RowResult, error) {
		r.Sheet, r.Row, r.Household, r.Problem, r.Action = in.Sheet, in.Row, in.Household, in.Problem, in.Action
		r.AsOf = pl.asOf(in) // the decision dates what it changes by it
		r.Reason, r.ReasonEnglish = why.Thai, why.English
		pl.b.AddReview(r)
		res.Fate, res.Reason, res.ReasonEnglish, res.ForProvince = data.FateReview, r.Reason, r.ReasonEnglish, r.Kind == data.ReviewConflict
		return res, nil
	}
	ref, reason, candidates, err := pl.householdOf(in)
	if err != nil {
		return res, err
	}
	if reason.Thai == "" && pl.unit.Code != "" {
		if why := pl.outsideUnit(ref, in); why.Thai != "" {
			return reject(in.tambonColumn, in.tambonValue, why)
		}
	}
	if reason.Thai != "" {
		if in.Unknown != nil && in.Unknown.reject != nil {
			return *in.Unknown.reject, nil
		}
		if in.Unknown != nil {
			in.Problem.SubProblem, in.Problem.Detail = in.Unknown.suggested(in.Problem.Detail)
			sub := in.Unknown.reason()
			reason = data.Sentence{Thai: reason.Thai + " · " + sub.Thai, English: reason.English + " · " + sub.English}
		}
		return review(data.Review{Candidates: candidates}, reason)
	}
	var existing []uint64
	if ref >= 0 {
		if id := pl.hhAt(ref).Household.ID; id != 0 { // not one this batch adds: it has no ID yet
			existing = []uint64{id}
		}
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
			return review(data.Review{Kind: data.ReviewSubProblem, Written: in.Unknown.written, Candidates: existing}, in.Unknown.reason())
		} else if known && cur.Detail != "" && cur.Detail != in.Problem.Detail {
			in.Problem.Detail = cur.Detail + " · " + in.Problem.Detail
			res.Column, res.Value = in.Unknown.column, in.Unknown.written
			why := data.Sentencef("ครัวเรือนนี้มีปัญหา '%s' อยู่แล้ว ว่า '%s': รับแถวนี้จะต่อท้ายรายละเอียดเป็น '%s' (ข้อความเดิมยังอยู่) หรือไม่รับ",
				"This household already has the problem '%s', as '%s': taking this row makes its detail '%s' (the earlier words stay), or reject the row",
				in.Problem.SubProblem, cur.Detail, in.Problem.Detail)
			return review(data.Review{Kind: data.ReviewSubProblem, Written: in.Unknown.written, Candidates: existing}, why)
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
	if why := written.Contradiction(in.Household.Origin); why.Thai != "" {
		return review(data.Review{Kind: data.ReviewCombination, Candidates: existing}, why)
	}
	if in.Action != nil {
		if first, err := pl.firstStart(stored, hasStored); err != nil {
			return res, err
		} else if in.Action.Date.Before(first) {
			return reject(in.actionColumn, in.actionValue, beforeRoundStart(data.HeaderActionDate, in.Action.Date, first))
		}
	}
	if ref >= 0 {
		if conflicts, why, err := pl.conflicts(ref, in, stored, hasStored); err != nil {
			return res, err
		} else if len(conflicts) > 0 {
			res.Column, res.Value = conflicts[0].Name, conflicts[0].Workbook
			return review(data.Review{Kind: data.ReviewConflict, Conflicts: conflicts, Candidates: existing}, why)
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
	key := pl.key(ref, in.Problem.Category, in.Problem.SubProblem)
	if pref, ok := pl.problems.find(key); ok {
		pc := pl.problemAt(pref)
		return pc, pc.Op != data.OpNew
	}
	if at, ok := pl.existing.get(key); ok {
		p := pl.side.Problem(at)
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
	key := pl.key(ref, in.Problem.Category, in.Problem.SubProblem)
	if pref, ok := pl.problems.find(key); ok {
		return pl.problemAt(pref).Problem, true
	}
	if at, ok := pl.existing.get(key); ok {
		return pl.side.Problem(at), true
	}
	return data.Problem{}, false
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

// householdOf finds the batch ref of the row's household, loading it from
// the store as needed. A household that is not known yet gives ref -1:
// newHousehold adds it once the row is taken. A reason sends the row to
// review instead.
func (pl *planner) householdOf(in rowInput) (ref int, reason data.Sentence, candidates []uint64, err error) {
	h := in.Household
	if in.Key != 0 { // checkKey found it
		return pl.existingRef(in.Key)
	}
	var byCode, byID []uint64
	if h.HouseCode != "" && !pl.noHouseholds {
		if byCode, err = pl.ids(pl.store.HouseholdsByHouseCode(pl.ctx, h.HouseCode)); err != nil {
			return 0, data.Sentence{}, nil, err
		}
	}
	if h.Head.NationalID != "" && !pl.noHouseholds {
		if byID, err = pl.ids(pl.store.HouseholdsByNationalID(pl.ctx, h.Head.NationalID)); err != nil {
			return 0, data.Sentence{}, nil, err
		}
	}
	switch {
	case len(byCode) > 1:
		return 0, data.Sentencef("รหัสบ้าน %s ตรงกับ %d ครัวเรือนในฐานข้อมูล: กรุณาเลือกครัวเรือนที่ถูกต้อง",
			"The house code %s matches %d households in the database: choose the right household", h.HouseCode, len(byCode)), byCode, nil
	case len(byCode) == 1 && len(byID) > 0 && !slices.Contains(byID, byCode[0]):
		return 0, data.Sentence{Thai: "รหัสบ้านและเลขประจำตัวประชาชนชี้ไปคนละครัวเรือน: กรุณาตรวจสอบว่าเป็นครัวเรือนใด",
			English: "The house code and the national ID point to different households: check which household it is"}, append(byCode, byID...), nil
	case len(byCode) == 1:
		return pl.existingRef(byCode[0])
	case len(byID) > 1:
		return 0, data.Sentencef("เลขประจำตัวประชาชนนี้ตรงกับ %d ครัวเรือน: กรุณาเลือกครัวเรือนที่ถูกต้อง",
			"This national ID matches %d households: choose the right household", len(byID)), byID, nil
	case len(byID) == 1:
		ref, reason, c, err := pl.existingRef(byID[0])
		if err == nil && reason.Thai == "" && h.HouseCode != "" {
			if stored := pl.hhAt(ref).Household.HouseCode; stored != "" && stored != h.HouseCode {
				return 0, data.Sentencef("เลขประจำตัวประชาชนนี้เป็นหัวหน้าครัวเรือนรหัสบ้าน %s ไม่ใช่ %s: ย้ายบ้านหรือกรอกผิด?",
					"This national ID is the head of the household with house code %s, not %s: has the household moved, or was it mistyped?", stored, h.HouseCode), byID, nil
			}
		}
		return ref, reason, c, err
	}
	// Not in the store: maybe new earlier in this same file.
	codeRef, codeOK := pl.newByCode.get(h.HouseCode)
	idRef, idOK := pl.newByNID.get(h.Head.NationalID)
	switch {
	case h.HouseCode != "" && codeOK && h.Head.NationalID != "" && idOK && codeRef != idRef:
		return 0, data.Sentence{Thai: "รหัสบ้านและเลขประจำตัวประชาชนชี้ไปคนละครัวเรือนในไฟล์นี้",
			English: "The house code and the national ID point to different households in this file"}, nil, nil
	case h.HouseCode != "" && codeOK:
		return codeRef, data.Sentence{}, nil, nil
	case h.Head.NationalID != "" && idOK:
		if stored := pl.hhAt(idRef).Household.HouseCode; h.HouseCode != "" && stored != "" && stored != h.HouseCode {
			return 0, data.Sentence{Thai: "เลขประจำตัวประชาชนเดียวกันอยู่กับรหัสบ้านต่างกันในไฟล์นี้",
				English: "The same national ID goes with different house codes in this file"}, nil, nil
		}
		return idRef, data.Sentence{}, nil, nil
	}
	if in.IDWarning {
		return 0, data.Sentence{Thai: "เลขประจำตัวประชาชนไม่ถูกต้อง (หลักตรวจสอบ): ตรวจกับบัตรแล้วยืนยันได้ถ้าเลขถูกต้อง",
			English: "The national ID is not valid (its check digit is wrong): check it against the ID card, and confirm it if the number is right"}, nil, nil
	}
	return -1, data.Sentence{}, nil, nil
}

// checkKey tells why a row that names its household by its qmdesk key
// (a follow-up row of a household without a house code) cannot be taken:
// the key is this database's own number, so a workbook made from another
// database, or a household removed since, must not be matched by it. The
// row's tambon, locked in the follow-up workbook, must be the household's.
func (pl *planner) checkKey(in rowInput) (data.Sentence, error) {
	key := data.HouseholdKey(in.Key)
	if _, ok := pl.hhByID.get(in.Key); ok {
		return data.Sentence{}, nil
	}
	h, err := pl.store.Household(pl.ctx, in.Key)
	if data.ErrorCode(err) == data.ENOTFOUND {
		return data.Sentencef("ไม่พบครัวเรือน %s ในฐานข้อมูลนี้ (แถวนี้อาจมาจากแบบติดตามของฐานข้อมูลอื่น หรือครัวเรือนถูกลบไปแล้ว): กรุณาตรวจสอบกับไฟล์ที่จังหวัดส่งไป",
			"Household %s is not in this database (the row may come from another database's follow-up workbook, or the household was removed): check against the file the province sent", key), nil
	} else if err != nil {
		return data.Sentence{}, err
	}
	switch {
	case h.TambonCode != in.Household.TambonCode:
		return data.Sentencef("ครัวเรือน %s ในฐานข้อมูลนี้อยู่ตำบลอื่น (แถวนี้อาจมาจากแบบติดตามของฐานข้อมูลอื่น): กรุณาตรวจสอบกับไฟล์ที่จังหวัดส่งไป",
			"Household %s is in another tambon in this database (the row may come from another database's follow-up workbook): check against the file the province sent", key), nil
	case in.Household.HouseCode != "" && h.HouseCode != "" && h.HouseCode != in.Household.HouseCode:
		return data.Sentencef("ครัวเรือน %s มีรหัสบ้าน %s ไม่ใช่ %s: กรุณาตรวจสอบรหัสบ้าน",
			"Household %s has the house code %s, not %s: check the house code", key, h.HouseCode, in.Household.HouseCode), nil
	}
	return data.Sentence{}, nil
}

// newHousehold adds the row's household to the batch as a new one.
func (pl *planner) newHousehold(in rowInput) int {
	h := in.Household
	h.ID = 0
	ref := pl.addHH(data.HouseholdChange{Op: data.OpNew, Household: h, AsOf: pl.asOf(in)})
	if h.HouseCode != "" {
		pl.newByCode.set(h.HouseCode, ref)
	}
	if h.Head.NationalID != "" {
		pl.newByNID.set(h.Head.NationalID, ref)
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
func (pl *planner) existingRef(id uint64) (int, data.Sentence, []uint64, error) {
	if ref, ok := pl.hhByID.get(id); ok {
		return ref, data.Sentence{}, nil, nil
	}
	h, err := pl.store.Household(pl.ctx, id)
	if err != nil {
		return 0, data.Sentence{}, nil, err
	}
	ref := pl.addHH(data.HouseholdChange{Op: data.OpRef, Household: h, Seen: h.UpdatedAt})
	pl.hhByID.set(id, ref)
	stored, err := pl.store.ProblemsOf(pl.ctx, id)
	if err != nil {
		return 0, data.Sentence{}, nil, err
	}
	for _, p := range stored {
		if p.RoundID == pl.round {
			pl.existing.add(pl.key(ref, p.Category, p.SubProblem), pl.side.AddProblem(p))
		}
	}
	return ref, data.Sentence{}, nil, nil
}

// apply merges the row into household ref: household fields, the problem,
// the action. It returns the row's fate.
func (pl *planner) apply(ref int, in rowInput) (data.Fate, error) {
	hc := pl.hhAt(ref)
	newHousehold := hc.Op == data.OpNew && !pl.householdSeen(ref)
	// The household's first row of a new household merges into itself and
	// changes nothing; any other row that adds something has changed it.
	changed := mergeHousehold(&hc.Household, in.Household, in.IDWarning)
	asOf := pl.asOf(in)
	if changed {
		hc.AsOf = infoDate(hc.Op, hc.AsOf, asOf)
		if hc.Op == data.OpRef {
			hc.Op = data.OpUpdate
		}
		pl.putHH(ref, hc)
	}
	key := pl.key(ref, in.Problem.Category, in.Problem.SubProblem)
	var pc data.ProblemChange
	pref, newProblem := -1, false
	if i, ok := pl.problems.find(key); ok {
		pref, pc = i, pl.problemAt(i)
	} else if at, ok := pl.existing.get(key); ok {
		stored := pl.side.Problem(at)
		pc = data.ProblemChange{Op: data.OpRef, HouseholdRef: ref, Problem: stored, Seen: stored.UpdatedAt}
		pl.existing.remove(key)
	} else {
		p := in.Problem
		p.ID, p.HouseholdID, p.RoundID = 0, 0, pl.round
		if p.Status == 0 {
			p.Status = data.NotStarted
		}
		pc = data.ProblemChange{Op: data.OpNew, HouseholdRef: ref, Problem: p, AsOf: asOf}
		newProblem = true
	}
	problemChanged := false
	var statusAction *data.Action
	if !newProblem {
		before := pc.Problem.Status
		if mergeProblem(&pc.Problem, in.Problem, in.HasStatus) {
			pc.AsOf = infoDate(pc.Op, pc.AsOf, asOf)
			if pc.Op == data.OpRef {
				pc.Op = data.OpUpdate
			}
			changed, problemChanged = true, true
		}
		if pc.Problem.Status != before && in.Action == nil {
			// A status change always leaves an action behind.
			a := data.Action{Date: pl.today, What: "เปลี่ยนสถานะเป็น " + pc.Problem.Status.Thai() + " (นำเข้าจากไฟล์ " + pl.file + ")", Result: pc.Problem.Status}
			if pc.Problem.Status == data.Closed {
				a.Note = pc.Problem.CloseReason
			}
			a.ThaiQMOn = in.Problem.ThaiQMOn
			statusAction = &a
		}
	}
	if p := &pc.Problem; !p.Status.Open() && p.ResolvedOn.IsZero() && in.Action != nil && !in.Action.Date.IsZero() {
		p.ResolvedOn = in.Action.Date // the day the district did it, not the day of the import
		pc.AsOf = infoDate(pc.Op, pc.AsOf, asOf)
		problemChanged = true
	}
	switch {
	case pref < 0:
		pref = pl.addProblem(key, pc)
	case problemChanged:
		pl.putProblem(pref, pc)
	}
	if statusAction != nil {
		pl.appendAction(pref, *statusAction)
	}
	if in.Action != nil {
		added, err := pl.addAction(pref, pc, *in.Action)
		if err != nil {
			return "", err
		}
		changed = changed || added
		if added && !newProblem {
			pl.unkeyAfterAction(pref, *in.Action, asOf)
		}
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

// asOf is the date of the information a row carries: its action date,
// else the date its sheet's title gives, else the workbook's own date;
// zero when it has none (then the information counts as today's).
func (pl *planner) asOf(in rowInput) data.Date {
	if in.Action != nil {
		return in.Action.Date
	}
	if d, ok := pl.titleDates[in.Sheet]; ok {
		return d
	}
	return pl.fileDate
}

// infoDate is the AsOf of a change of the batch (op, dated cur so far)
// once a row whose information is as of asOf changes it too: a record the
// batch only referred to (OpRef) takes the row's date, one it already
// creates or changes the later of the two, a row without a date (today's
// information) the latest of all.
func infoDate(op string, cur, asOf data.Date) data.Date {
	switch {
	case op == data.OpRef:
		return asOf
	case cur.IsZero() || asOf.IsZero():
		return data.Date{}
	case asOf.After(cur):
		return asOf
	}
	return cur
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

// addAction adds a row's action to problem pref (pc) unless the problem
// already has the same one, stored or earlier in this file.
func (pl *planner) addAction(pref int, pc data.ProblemChange, a data.Action) (bool, error) {
	if pc.Op != data.OpNew {
		known, ok := pl.stored.of(pref)
		if !ok {
			acts, err := pl.store.Actions(pl.ctx, pc.Problem.ID)
			if err != nil {
				return false, err
			}
			for _, k := range acts {
				pl.stored.pos = append(pl.stored.pos, pl.side.AddAction(k))
			}
			known = pl.stored.read(pref, len(acts))
		}
		for _, at := range known {
			if pl.side.Action(at).SameAs(a) {
				return false, nil
			}
		}
	}
	for i := pl.lastAct[pref]; i >= 0; i = pl.prevAct[i] {
		if pl.b.Action(int(i)).Action.SameAs(a) {
			return false, nil
		}
	}
	pl.appendAction(pref, a)
	return true, nil
}

func (pl *planner) appendAction(pref int, a data.Action) {
	i := pl.b.AddAction(data.ActionChange{ProblemRef: pref, Action: a})
	pl.prevAct = append(pl.prevAct, pl.lastAct[pref])
	pl.lastAct[pref] = int32(i)
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
	switch row.Unit {
	case "":
	case unitNone: // the row says: in no municipality
		h.Unit = ""
	default:
		h.Unit = row.Unit
	}
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
	settleThaiQM(&before, p, row.ThaiQMOn)
	return *p != before
}
