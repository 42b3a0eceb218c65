package app

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qmdesk/data"
)

// conflicts lists the values a row would overwrite in records that changed
// in qmdesk after the row's information, with a reason for the clerk (in
// Thai and in English) that says where the register's values came from:
// the workbook an import took them from, or the clerk's change in qmdesk.
// A row of a follow-up workbook carries the stamp of the records it was
// made from: a record whose last change is not that stamp changed since
// the export. A row without a stamp (the template, a district's own file)
// dates its information by its action date, else by the date its sheet's
// title gives ("ข้อมูล ณ วันที่ …"), else by the workbook's own date (pl.asOf):
// a record changed on a later day is newer. Values the row leaves
// empty, or that equal the record's, are no conflict.
func (pl *planner) conflicts(ref int, in rowInput, pc data.ProblemChange, hasProblem bool) ([]data.FieldConflict, data.Sentence, error) {
	hc := pl.hhAt(ref)
	asOf := pl.asOf(in)
	newer := func(stamp, updated time.Time, changedOn data.Date) bool {
		if in.Stamped {
			return !stamp.Equal(updated)
		}
		if changedOn.IsZero() {
			changedOn = data.DateOf(updated)
		}
		return !asOf.IsZero() && asOf.Before(changedOn)
	}
	var out []data.FieldConflict
	var changedOn data.Date // of the record of out[0]
	if hc.Op != data.OpNew && newer(in.Stamp.household, hc.Seen, hc.Household.ChangedOn) {
		h := hc.Household
		out = append(out, householdConflicts(h, in.Household)...)
		for i := range out {
			out[i].ChangedBy, out[i].ChangedAt = h.ChangedBy, h.UpdatedAt
		}
		changedOn = h.ChangedOn
	}
	if hasProblem && newer(in.Stamp.problem, pc.Seen, pc.Problem.ChangedOn) {
		n := len(out)
		out = append(out, problemConflicts(pc.Problem, in.Problem, in.HasStatus)...)
		for i := n; i < len(out); i++ {
			out[i].ChangedBy, out[i].ChangedAt = pc.Problem.ChangedBy, pc.Problem.UpdatedAt
		}
		if n == 0 {
			changedOn = pc.Problem.ChangedOn
		}
	}
	if len(out) == 0 {
		return nil, data.Sentence{}, nil
	}
	imp, imported, err := pl.importAt(out[0].ChangedAt)
	if err != nil {
		return nil, data.Sentence{}, err
	}
	var b, e strings.Builder
	if in.Stamped {
		b.WriteString("ข้อมูลในโปรแกรมถูกแก้ไขหลังส่งออกไฟล์นี้")
		e.WriteString("The record was changed in qmdesk after this file was exported")
	} else {
		fmt.Fprintf(&b, "ข้อมูลในแถวนี้ (ณ %s) เก่ากว่าที่บันทึกไว้ในโปรแกรม", data.FormatBE(asOf))
		fmt.Fprintf(&e, "The information in this row (as of %s) is older than what qmdesk holds", asOf)
	}
	if imported {
		fmt.Fprintf(&b, " (ข้อมูลในโปรแกรม ณ %s นำเข้าจาก '%s' เมื่อ %s): ", data.FormatBE(changedOn), imp.File, formatStamp(imp.At))
		fmt.Fprintf(&e, " (qmdesk's information as of %s, imported from '%s' on %s): ", changedOn, imp.File, formatStampEnglish(imp.At))
	} else {
		fmt.Fprintf(&b, " (แก้ไขโดย %s เมื่อ %s): ", out[0].ChangedBy, formatStamp(out[0].ChangedAt))
		fmt.Fprintf(&e, " (changed by '%s' on %s): ", out[0].ChangedBy, formatStampEnglish(out[0].ChangedAt))
	}
	writeConflicts(&b, &e, out, "ในโปรแกรม", "in qmdesk")
	b.WriteString(": เลือกใช้ค่าจากไฟล์ หรือคงค่าในโปรแกรม")
	e.WriteString(": take the file's values, or keep qmdesk's")
	return out, data.Sentence{Thai: b.String(), English: e.String()}, nil
}

// writeConflicts lists conflicts, each as its field with the file's value
// and qmdesk's (named by held, Thai, and heldEnglish), joined by " · ".
func writeConflicts(b, e *strings.Builder, conflicts []data.FieldConflict, held, heldEnglish string) {
	for i, c := range conflicts {
		if i > 0 {
			b.WriteString(" · ")
			e.WriteString(" · ")
		}
		fmt.Fprintf(b, "%s ในไฟล์ '%s' %s '%s'", c.Name, c.Workbook, held, c.Current)
		fmt.Fprintf(e, "%s in the file '%s', %s '%s'", c.NameEnglish, cmp.Or(c.WorkbookEnglish, c.Workbook), heldEnglish, cmp.Or(c.CurrentEnglish, c.Current))
	}
}

// importAt is the import (not undone) whose time is at: the commit stamps
// every record an import (or a decided review row) creates or changes
// with its ledger entry's At, so a record whose UpdatedAt is that was
// last changed by it. The ledger is read once, at the plan's first
// conflict.
func (pl *planner) importAt(at time.Time) (data.ImportRecord, bool, error) {
	if pl.imports == nil {
		recs, err := pl.store.Imports(pl.ctx)
		if err != nil {
			return data.ImportRecord{}, false, err
		}
		pl.imports = make(map[int64]data.ImportRecord, len(recs))
		for _, r := range recs {
			if r.UndoneAt.IsZero() && !r.At.IsZero() {
				pl.imports[r.At.UnixNano()] = r
			}
		}
	}
	if at.IsZero() {
		return data.ImportRecord{}, false, nil
	}
	r, ok := pl.imports[at.UnixNano()]
	return r, ok, nil
}

// formatStamp writes a time stamp for the clerk: "1 ธ.ค. 2569 10:15 น.".
func formatStamp(t time.Time) string { return data.FormatStamp(t) }

// formatStampEnglish is formatStamp in English: "2026-12-01 10:15".
func formatStampEnglish(t time.Time) string { return data.FormatStampEnglish(t) }

// householdConflicts lists the household fields the row would change, as
// mergeHousehold changes them.
func householdConflicts(cur, row data.Household) []data.FieldConflict {
	var out []data.FieldConflict
	text := func(key string, name data.Term, row, cur string) {
		if row != "" && row != cur {
			out = append(out, data.FieldConflict{Field: key, Name: name.Thai, NameEnglish: name.English, Workbook: row, Current: cur})
		}
	}
	num := func(key string, name data.Term, row, cur int) {
		if row != 0 && row != cur {
			out = append(out, data.FieldConflict{Field: key, Name: name.Thai, NameEnglish: name.English, Workbook: strconv.Itoa(row), Current: strconv.Itoa(cur)})
		}
	}
	text("house_no", data.Term{Thai: "บ้านเลขที่", English: "House no."}, row.HouseNo, cur.HouseNo)
	num("village_no", data.Term{Thai: "หมู่ที่", English: data.WordVillageNo.English}, row.VillageNo, cur.VillageNo)
	text("village_name", data.Term{Thai: "ชื่อหมู่บ้าน", English: "Village name"}, row.VillageName, cur.VillageName)
	text("tambon", data.Term{Thai: "ตำบล", English: "Tambon"}, row.TambonCode, cur.TambonCode)
	text("title", data.Term{Thai: "คำนำหน้า", English: "Title"}, row.Head.Title, cur.Head.Title)
	text("first_name", data.Term{Thai: "ชื่อ", English: "First name"}, row.Head.FirstName, cur.Head.FirstName)
	text("last_name", data.Term{Thai: "นามสกุล", English: "Last name"}, row.Head.LastName, cur.Head.LastName)
	text("phone", data.Term{Thai: "โทรศัพท์", English: "Phone"}, row.Head.Phone, cur.Head.Phone)
	num("members", data.Term{Thai: "จำนวนสมาชิก", English: "Members"}, row.Members, cur.Members)
	return out
}

// problemConflicts lists the problem fields the row would change, as
// mergeProblem changes them.
func problemConflicts(cur, row data.Problem, hasStatus bool) []data.FieldConflict {
	var out []data.FieldConflict
	// add adds a conflict of two values (row, cur), each in Thai and in
	// English.
	add := func(key string, name, row, cur data.Term) {
		c := data.FieldConflict{Field: key, Name: name.Thai, NameEnglish: name.English, Workbook: row.Thai, Current: cur.Thai}
		if row.English != row.Thai || cur.English != cur.Thai {
			c.WorkbookEnglish, c.CurrentEnglish = row.English, cur.English
		}
		out = append(out, c)
	}
	same := func(s string) data.Term { return data.Term{Thai: s, English: s} }
	date := func(d data.Date) data.Term { return data.Term{Thai: data.FormatBE(d), English: d.String()} }
	if hasStatus && row.Status != cur.Status {
		add("status", data.HeaderStatus, row.Status.Term(), cur.Status.Term())
	}
	if row.ReXRay != data.ReXRayNone && row.ReXRay != cur.ReXRay {
		add("rexray", data.HeaderReXRay, row.ReXRay.Term(), cur.ReXRay.Term())
	}
	if row.Detail != "" && row.Detail != cur.Detail {
		add("detail", data.Term{Thai: "รายละเอียด", English: "Detail"}, same(row.Detail), same(cur.Detail))
	}
	if !row.TargetDate.IsZero() && row.TargetDate != cur.TargetDate {
		add("target_date", data.WordTargetDate, date(row.TargetDate), date(cur.TargetDate))
	}
	if row.LeadAgency != "" && row.LeadAgency != cur.LeadAgency {
		add("lead_agency", data.Term{Thai: "หน่วยงานหลัก", English: "Lead agency"}, same(row.LeadAgency), same(cur.LeadAgency))
	}
	return out
}

// keepCurrent removes from a row what conflicts with the register, so that
// the rest of it (an action, other fields) can still be taken: the
// clerk's "keep qmdesk's values".
func keepCurrent(in *rowInput, conflicts []data.FieldConflict) {
	for _, c := range conflicts {
		switch c.Field {
		case "house_no":
			in.Household.HouseNo = ""
		case "village_no":
			in.Household.VillageNo = 0
		case "village_name":
			in.Household.VillageName = ""
		case "tambon":
			in.Household.TambonCode = ""
		case "title":
			in.Household.Head.Title = ""
		case "first_name":
			in.Household.Head.FirstName = ""
		case "last_name":
			in.Household.Head.LastName = ""
		case "phone":
			in.Household.Head.Phone = ""
		case "members":
			in.Household.Members = 0
		case "status":
			in.HasStatus = false
			if a := in.Action; a != nil {
				a.Result = 0
				// A row that brought only a status and its date has no
				// step left to record once the status is qmdesk's.
				if a.What == "" && a.Agency == "" && a.Note == "" && a.Budget == 0 {
					in.Action = nil
				}
			}
		case "rexray":
			in.Problem.ReXRay = data.ReXRayNone
		case "detail":
			in.Problem.Detail = ""
		case "target_date":
			in.Problem.TargetDate = data.Date{}
		case "lead_agency":
			in.Problem.LeadAgency = ""
		}
	}
}

// unknownSub is a sub-problem the list does not have, with the closest
// one the list does (or, when there is none, the row's rejection).
type unknownSub struct {
	written    string
	category   data.Category
	suggestion string
	others     bool // the suggestion is the category's "others (specify)" entry, made for such words
	reject     *data.RowResult
	column     string // the sub-problem's column, as the workbook heads it
}

// suggested returns the suggestion and the detail that keeps what the row
// wrote, so that nothing of it is lost.
func (u *unknownSub) suggested(detail string) (string, string) {
	if detail == "" || detail == u.written {
		return u.suggestion, u.written
	}
	return u.suggestion, u.written + " · " + detail
}

func (u *unknownSub) reason() data.Sentence {
	return data.Sentence{
		Thai: fmt.Sprintf("ปัญหา '%s' ไม่อยู่ในรายการของ%s: ใกล้เคียงที่สุดคือ '%s' (รับแถวนี้เป็น '%s' โดยเก็บข้อความเดิมไว้ในรายละเอียด หรือไม่รับ)",
			u.written, u.category.Label(), u.suggestion, u.suggestion),
		English: fmt.Sprintf("The problem '%s' is not in the list of %s: the closest is '%s' (take the row as '%s', keeping what it wrote in the detail, or reject it)",
			u.written, categoryEnglish(u.category), u.suggestion, u.suggestion)}
}

// suggestSubProblem finds the entry of category c closest to a name the
// list does not have: one that contains it or is contained in it, else the
// one within a few letters' edit; a category whose list has an "others"
// entry (อื่น ๆ) takes anything else there (others is then true). "" when
// nothing is close.
func suggestSubProblem(list data.SubProblemList, c data.Category, name string) (string, bool) {
	key := compactName(name)
	if utf8.RuneCountInString(key) < 2 {
		return "", false
	}
	best, bestScore, others := "", 1<<30, ""
	for _, s := range list {
		if s.Category != c {
			continue
		}
		k := compactName(s.Name)
		if strings.HasPrefix(k, "อื่น") {
			others = s.Name
			continue
		}
		score := editDistance(key, k)
		if part := strings.Split(k, "/"); strings.Contains(k, key) || strings.Contains(key, k) || strings.Contains(key, part[0]) && utf8.RuneCountInString(part[0]) >= 4 {
			score = 0
		}
		if score < bestScore {
			best, bestScore = s.Name, score
		}
	}
	if best != "" && bestScore*10 <= 3*max(utf8.RuneCountInString(key), 1) {
		return best, false
	}
	return others, others != ""
}

func compactName(s string) string {
	return strings.ReplaceAll(data.CleanText(s), " ", "")
}

// editDistance is the Levenshtein distance between a and b in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// guess is the closest entry found for a sub-problem the list lacks.
type guess struct {
	name   string
	others bool
}
