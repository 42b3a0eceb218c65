package storetest

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/data"
)

// audit reads the whole audit log.
func (e *env) audit() []data.AuditEntry {
	e.t.Helper()
	l, err := e.s.Audit(e.ctx, 0, 0)
	e.must(err, "Audit")
	return l
}

// testAuditChain: every change leaves an entry, numbered on from the one
// before, stamped with the clock and the operator, holding the record
// before and after; Audit pages by number; the anchor of an entry stays
// what it was as the log grows, and the last one is the head Check
// verified; a refused change leaves none.
func testAuditChain(t *testing.T, e *env) {
	e.checkCounters("a new store's log")
	h := household(7, "410101")
	e.must(e.s.CreateHousehold(e.ctx, h), "CreateHousehold")
	p := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565}
	e.must(e.s.CreateProblem(e.ctx, p), "CreateProblem")
	first, err := e.s.AuditAnchor(e.ctx, 0)
	e.must(err, "AuditAnchor")
	moved := *h
	moved.TambonCode = "410102"
	e.must(e.s.UpdateHousehold(e.ctx, &moved), "UpdateHousehold")
	e.must(e.s.AddAction(e.ctx, &data.Action{ProblemID: p.ID, Date: Today, What: "ติดตาม", Result: data.InProgress}), "AddAction")
	e.base()
	e.must(e.s.Log(e.ctx, "backup", "database", 0, "สำรองข้อมูล qm-2567.db"), "Log")
	entries := e.audit()
	if len(entries) < 6 {
		t.Fatalf("%d audit entries", len(entries))
	}
	ops := map[string]int{}
	for i, x := range entries {
		if x.Seq != entries[0].Seq+uint64(i) || (i > 0 && x.At.Before(entries[i-1].At)) {
			t.Fatalf("entry %d: seq %d at %v after seq %d at %v", i, x.Seq, x.At, entries[max(i-1, 0)].Seq, entries[max(i-1, 0)].At)
		}
		if x.Who != Operator || x.At.Before(start) || x.Op == "" || x.Entity == "" {
			t.Fatalf("entry %+v", x)
		}
		ops[x.Op+" "+x.Entity]++
	}
	for _, want := range []string{"create household", "create problem", "update household", "create action"} {
		if ops[want] == 0 {
			t.Errorf("no %q entry in %v", want, ops)
		}
	}
	// The update holds the household before and after.
	i := slices.IndexFunc(entries, func(x data.AuditEntry) bool { return x.Op == "update" && x.Entity == "household" })
	var before, after data.Household
	if json.Unmarshal(entries[i].Before, &before) != nil || json.Unmarshal(entries[i].After, &after) != nil ||
		entries[i].ID != h.ID || before.TambonCode != "410101" || after.TambonCode != "410102" {
		t.Fatalf("update entry %+v", entries[i])
	}
	last := entries[len(entries)-1]
	if last.Op != "backup" || last.Entity != "database" || last.Note != "สำรองข้อมูล qm-2567.db" {
		t.Fatalf("the logged entry: %+v", last)
	}
	// Pages.
	page, err := e.s.Audit(e.ctx, entries[1].Seq, 3)
	e.must(err, "Audit")
	var seqs []uint64
	for _, x := range page {
		seqs = append(seqs, x.Seq)
	}
	if want := []uint64{entries[2].Seq, entries[3].Seq, entries[4].Seq}; !slices.Equal(seqs, want) {
		t.Fatalf("three entries after %d: %v, want %v", entries[1].Seq, seqs, want)
	}
	sameAs(t, "a page of the log", page, entries[2:5])
	// Anchors.
	head, err := e.s.AuditAnchor(e.ctx, 0)
	e.must(err, "AuditAnchor")
	if head.Seq != last.Seq || len(head.Hash) != 64 {
		t.Fatalf("head anchor %+v, last entry %d", head, last.Seq)
	}
	if again, _ := e.s.AuditAnchor(e.ctx, first.Seq); again != first {
		t.Fatalf("anchor of entry %d was %+v, is %+v", first.Seq, first, again)
	}
	if _, err := e.s.AuditAnchor(e.ctx, last.Seq+100); data.ErrorCode(err) != data.ENOTFOUND {
		t.Fatalf("anchor of an entry not written: %v", err)
	}
	rep, err := e.s.Check(e.ctx)
	e.must(err, "Check")
	if !rep.OK() || rep.Audit.Tampered || rep.Audit.Head != head || rep.AuditEntries != int64(len(entries)) {
		t.Fatalf("check: %+v, head %+v, %d entries", rep, head, len(entries))
	}
	// A refused change leaves no entry (the problem as stored now: one
	// as read before the action above would be refused as stale, see
	// testStale).
	bad, err := e.s.Problem(e.ctx, p.ID)
	e.must(err, "Problem")
	bad.Status = data.Closed
	e.wantCode(e.s.UpdateProblem(e.ctx, &bad), data.EINVALID, "closing without a reason")
	if n := len(e.audit()); n != len(entries) {
		t.Fatalf("a refused change left %d entries", n-len(entries))
	}
	e.checkCounters("audit")
}

// cells reads every cell of a workbook's sheets, joined.
func cells(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t"))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// testMasking: a follow-up workbook shows no national ID whole (the
// masked form instead), and sent back as it is changes nothing; a full
// export with the IDs unmasked is logged in the audit as an unmask, by
// the operator, as is an unmask on screen (Log).
func testMasking(t *testing.T, e *env) {
	e.base()
	prog := &app.Progress{Store: e.s, Geo: e.geo, Clock: e.clock}
	x := &app.Exporter{Store: e.s, Geo: e.geo, Progress: prog}
	masked := filepath.Join(e.dir, "ติดตาม.xlsx")
	n, err := x.FollowUp(e.ctx, "4101", masked, false)
	e.must(err, "FollowUp")
	if n != 2 {
		t.Fatalf("%d rows in the follow-up", n)
	}
	text := cells(t, masked)
	for _, k := range []int{1, 2} {
		if strings.Contains(text, nationalID(k)) || !strings.Contains(text, data.MaskNationalID(nationalID(k))) {
			t.Fatalf("household %d's national ID is not masked in the follow-up", k)
		}
	}
	unmasks := func() (n int) {
		for _, x := range e.audit() {
			if x.Op == "unmask" {
				n++
			}
		}
		return n
	}
	if unmasks() != 0 {
		t.Fatal("a masked export logged an unmask")
	}
	if last := e.audit(); last[len(last)-1].Op != "export" {
		t.Fatalf("the export is not logged: %+v", last[len(last)-1])
	}
	// Sent back untouched, the masked workbook changes nothing.
	if c := e.commit(masked).Counts(); c != (data.Counts{Rows: 2, Unchanged: 2}) {
		t.Fatalf("the masked follow-up sent back: %+v", c)
	}
	full := filepath.Join(e.dir, "ทั้งหมด.xlsx")
	e.must(x.Full(e.ctx, full, true, ""), "Full")
	if text := cells(t, full); !strings.Contains(text, nationalID(1)) {
		t.Fatal("the unmasked export has no whole national ID")
	}
	if unmasks() != 1 {
		t.Fatalf("an unmasked export logged %d unmasks", unmasks())
	}
	h, _ := e.s.HouseholdsByHouseCode(e.ctx, houseCode(1))
	e.must(e.s.Log(e.ctx, "unmask", "household", h[0].ID, "household page: ID, phone and sensitive problems"), "Log")
	entries := e.audit()
	last := entries[len(entries)-1]
	if unmasks() != 2 || last.Op != "unmask" || last.Entity != "household" || last.ID != h[0].ID || last.Who != Operator {
		t.Fatalf("the unmask on screen: %+v", last)
	}
	e.checkCounters("masking")
}
