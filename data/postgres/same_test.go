package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/data/postgres/pgtest"
)

// implemented is the part of data.Store this package has so far.
type implemented interface {
	Meta(ctx context.Context) (data.Meta, error)
	Init(ctx context.Context, province string, round data.Round) (data.Meta, error)
	Rounds(ctx context.Context) ([]data.Round, error)
	Round(ctx context.Context, id uint64) (data.Round, error)
	CreateRound(ctx context.Context, r *data.Round) error
	SetCurrentRound(ctx context.Context, id uint64) error
	SubProblems(ctx context.Context) (data.SubProblemList, error)
	SetSubProblems(ctx context.Context, l data.SubProblemList) error
	Units(ctx context.Context) (data.UnitList, error)
	SetUnits(ctx context.Context, l data.UnitList) error
	CreateHousehold(ctx context.Context, h *data.Household) error
	Household(ctx context.Context, id uint64) (data.Household, error)
	UpdateHousehold(ctx context.Context, h *data.Household) error
	CreateProblem(ctx context.Context, p *data.Problem) error
	Problem(ctx context.Context, id uint64) (data.Problem, error)
	Households(ctx context.Context, f data.HouseholdFilter) ([]data.Household, error)
	HouseholdsByHouseCode(ctx context.Context, code string) ([]data.Household, error)
	HouseholdsByNationalID(ctx context.Context, id string) ([]data.Household, error)
	Sizes(ctx context.Context) (data.Sizes, error)
	Log(ctx context.Context, op, entity string, id uint64, note string) error
	Audit(ctx context.Context, afterSeq uint64, limit int) ([]data.AuditEntry, error)
	AuditAnchor(ctx context.Context, seq uint64) (data.AuditAnchor, error)
	Close() error
	records
	rounds
}

var (
	_ implemented = (*Store)(nil)
	_ implemented = (*bolt.Store)(nil)
)

// twin is a bbolt store and a PostgreSQL store fed the same calls.
type twin struct {
	t    *testing.T
	ctx  context.Context
	bolt *bolt.Store
	pg   *Store
	dsn  string
}

func newTwin(t *testing.T, clock data.Clock) *twin {
	b, err := bolt.Open(filepath.Join(t.TempDir(), "qm.db"), bolt.Options{Clock: clock, AuditKeyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	dsn := pgtest.DB(t)
	p, err := Open(context.Background(), dsn, clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return &twin{t: t, ctx: data.WithOperator(context.Background(), "สมศรี"), bolt: b, pg: p, dsn: dsn}
}

// same runs call on both stores and fails the test unless both return
// the same value and the same error (code and both messages).
func same[T any](w *twin, what string, call func(s implemented) (T, error)) T {
	w.t.Helper()
	bv, berr := call(w.bolt)
	pv, perr := call(w.pg)
	if msg := errorDiff(berr, perr); msg != "" {
		w.t.Errorf("%s: %s", what, msg)
	} else if !reflect.DeepEqual(bv, pv) {
		w.t.Errorf("%s:\nbbolt      %+v\npostgresql %+v", what, bv, pv)
	}
	return pv
}

func errorDiff(b, p error) string {
	if (b == nil) != (p == nil) {
		return fmt.Sprintf("bbolt's error %v, postgresql's %v", b, p)
	}
	if b == nil {
		return ""
	}
	be, pe := data.Explain(b), data.Explain(p)
	if be.Code != pe.Code || be.Message != pe.Message || be.English != pe.English {
		return fmt.Sprintf("bbolt's error %v, postgresql's %v", b, p)
	}
	return ""
}

// noVersion is a Meta without its schema version (each store has its own).
func noVersion(m data.Meta, err error) (data.Meta, error) {
	m.SchemaVersion = 0
	return m, err
}

// validID is a national ID with a correct check digit.
func validID(first12 string) string {
	for d := '0'; d <= '9'; d++ {
		if id := first12 + string(d); data.NationalIDCheckOK(id) {
			return id
		}
	}
	panic("no check digit")
}

// Every method implemented so far returns what the bbolt store returns
// for the same calls, the same records and the same errors, and writes
// the same audit entries.
func TestSameAsBolt(t *testing.T) {
	w := newTwin(t, data.FixedClock(now))
	ctx := w.ctx
	same(w, "Meta of a new database", func(s implemented) (data.Meta, error) { return noVersion(s.Meta(ctx)) })
	same(w, "SubProblems of a new database", func(s implemented) (data.SubProblemList, error) { return s.SubProblems(ctx) })
	same(w, "Units of a new database", func(s implemented) (data.UnitList, error) { return s.Units(ctx) })
	same(w, "Rounds of a new database", func(s implemented) ([]data.Round, error) { return s.Rounds(ctx) })
	same(w, "Round not there", func(s implemented) (data.Round, error) { return s.Round(ctx, 1) })
	same(w, "Household not there", func(s implemented) (data.Household, error) { return s.Household(ctx, 1) })
	same(w, "Sizes of a new database", func(s implemented) (data.Sizes, error) { return s.Sizes(ctx) })
	same(w, "Audit of a new database", func(s implemented) ([]data.AuditEntry, error) { return s.Audit(ctx, 0, 0) })
	same(w, "AuditAnchor of a new database", func(s implemented) (data.AuditAnchor, error) { return s.AuditAnchor(ctx, 0) })
	same(w, "AuditAnchor not there", func(s implemented) (data.AuditAnchor, error) { return s.AuditAnchor(ctx, 99) })

	// Init.
	same(w, "Init, bad province", func(s implemented) (data.Meta, error) { return noVersion(s.Init(ctx, "4", data.DefaultRound())) })
	same(w, "Init, round without a name", func(s implemented) (data.Meta, error) {
		r := data.DefaultRound()
		r.Name = " "
		return noVersion(s.Init(ctx, "41", r))
	})
	same(w, "Init", func(s implemented) (data.Meta, error) { return noVersion(s.Init(ctx, "41", data.DefaultRound())) })
	same(w, "Init again", func(s implemented) (data.Meta, error) { return noVersion(s.Init(ctx, "42", data.DefaultRound())) })
	same(w, "Meta", func(s implemented) (data.Meta, error) { return noVersion(s.Meta(ctx)) })

	// Rounds.
	next := data.Round{Name: "  รอบ   2568 ", SurveyYear: 2565, Start: data.NewDate(2024, time.October, 1), Deadline: data.NewDate(2025, time.September, 30)}
	for _, c := range []struct {
		what string
		r    data.Round
	}{
		{"CreateRound, a name taken", data.Round{Name: "Re-X-Ray 2567", Start: next.Start, Deadline: next.Deadline}},
		{"CreateRound, deadline first", data.Round{Name: "x", Start: next.Deadline, Deadline: next.Start}},
		{"CreateRound, bad survey year", data.Round{Name: "x", SurveyYear: 65, Start: next.Start, Deadline: next.Deadline}},
		{"CreateRound", next},
	} {
		same(w, c.what, func(s implemented) (data.Round, error) {
			r := c.r
			err := s.CreateRound(ctx, &r)
			return r, err
		})
	}
	same(w, "Rounds", func(s implemented) ([]data.Round, error) { return s.Rounds(ctx) })
	same(w, "Round 2", func(s implemented) (data.Round, error) { return s.Round(ctx, 2) })
	same(w, "SetCurrentRound, no such round", func(s implemented) (int, error) { return 0, s.SetCurrentRound(ctx, 9) })
	same(w, "SetCurrentRound", func(s implemented) (int, error) { return 0, s.SetCurrentRound(ctx, 2) })
	same(w, "Meta, round 2 current", func(s implemented) (data.Meta, error) { return noVersion(s.Meta(ctx)) })

	// The sub-problem list.
	same(w, "SetSubProblems, an entry without a name", func(s implemented) (int, error) {
		return 0, s.SetSubProblems(ctx, data.SubProblemList{{Category: 1, Name: " "}})
	})
	same(w, "SetSubProblems, empty", func(s implemented) (int, error) { return 0, s.SetSubProblems(ctx, data.SubProblemList{}) })
	same(w, "SubProblems, empty", func(s implemented) (data.SubProblemList, error) { return s.SubProblems(ctx) })
	same(w, "SetSubProblems", func(s implemented) (int, error) { return 0, s.SetSubProblems(ctx, data.DefaultSubProblems()) })
	same(w, "SubProblems", func(s implemented) (data.SubProblemList, error) { return s.SubProblems(ctx) })

	// The municipalities, before households and after.
	units := data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410101", Full: true}, {Code: "410102"}}},
		{Name: "เทศบาลเมืองหนองสำโรง", Type: data.UnitTown, Tambons: []data.UnitTambon{{Code: "410102"}}}}
	same(w, "SetUnits", func(s implemented) (int, error) { return 0, s.SetUnits(ctx, units) })
	got := same(w, "Units", func(s implemented) (data.UnitList, error) { return s.Units(ctx) })
	if len(got) != 2 || got[0].Code == "" {
		t.Fatalf("units %+v", got)
	}

	// Households.
	id1, id2 := validID("341010012345"), validID("110170020345")
	bad := id2[:12] + string('0'+(id2[12]-'0'+1)%10)
	households := []struct {
		what string
		h    data.Household
	}{
		{"in a tambon a unit covers wholly", data.Household{HouseCode: "41010012345", HouseNo: " 12/3 ", VillageNo: 4, TambonCode: "410101", Origin: data.OriginSurvey2565,
			Head: data.Person{NationalID: id1, Title: "นาย", FirstName: " สมชาย ", LastName: "ใจดี", Phone: "๐๘๑-๒๓๔-๕๖๗๘"}, Members: 4}},
		{"in a tambon partly covered, by choice", data.Household{Head: data.Person{NationalID: id2, FirstName: "สมหญิง"}, TambonCode: "410102", Origin: data.OriginMissed, Unit: got[1].Code}},
		{"in a tambon partly covered, no choice", data.Household{HouseCode: "41010212345", TambonCode: "410102", Origin: data.OriginSurvey2565}},
		{"the same house code again", data.Household{HouseCode: "41010012345", TambonCode: "410101", Origin: data.OriginSurvey2565, VillageName: "บ้านโนน"}},
		{"neither house code nor ID", data.Household{TambonCode: "410101", Origin: data.OriginSurvey2565}},
		{"a check digit that fails", data.Household{Head: data.Person{NationalID: bad}, TambonCode: "410101", Origin: data.OriginSurvey2565}},
		{"a check digit that fails, accepted", data.Household{Head: data.Person{NationalID: bad}, TambonCode: "410103", Origin: data.OriginSurvey2565, IDCheckOverride: true}},
		{"no tambon", data.Household{HouseCode: "41010012346", Origin: data.OriginSurvey2565}},
		{"bad origin", data.Household{HouseCode: "41010012346", TambonCode: "410101"}},
	}
	for _, c := range households {
		same(w, "CreateHousehold "+c.what, func(s implemented) (data.Household, error) {
			h := c.h
			err := s.CreateHousehold(ctx, &h)
			return h, err
		})
	}
	for id := uint64(1); id <= 6; id++ {
		same(w, fmt.Sprintf("Household %d", id), func(s implemented) (data.Household, error) { return s.Household(ctx, id) })
	}
	for _, code := range []string{"41010012345", "41010212345", "41010099999", ""} {
		same(w, "HouseholdsByHouseCode "+code, func(s implemented) ([]data.Household, error) { return s.HouseholdsByHouseCode(ctx, code) })
	}
	for _, id := range []string{id1, id2, bad, "1234567890123", ""} {
		same(w, "HouseholdsByNationalID "+id, func(s implemented) ([]data.Household, error) { return s.HouseholdsByNationalID(ctx, id) })
	}

	// Updates: to another tambon, without a house code, wrong, missing.
	h1, err := w.pg.Household(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	updates := []struct {
		what   string
		id     uint64
		change func(h *data.Household)
	}{
		{"to another tambon", h1.ID, func(h *data.Household) {
			h.TambonCode, h.Head.LastName, h.Unit = "410102", "  ใจดี  มาก ", ""
		}},
		{"into a tambon a unit covers wholly", 3, func(h *data.Household) { h.TambonCode = "410101" }},
		{"house code taken off", h1.ID, func(h *data.Household) { h.HouseCode = "" }},
		{"nothing left to find it by", h1.ID, func(h *data.Household) { h.HouseCode, h.Head.NationalID = "", "" }},
		{"too many members", h1.ID, func(h *data.Household) { h.Members = 101 }},
		{"not there", h1.ID, func(h *data.Household) { h.ID = 99 }},
	}
	for _, c := range updates {
		same(w, "UpdateHousehold "+c.what, func(s implemented) (data.Household, error) {
			h, err := s.Household(ctx, c.id)
			if err != nil {
				return h, err
			}
			c.change(&h)
			err = s.UpdateHousehold(ctx, &h)
			return h, err
		})
	}
	same(w, "Household 1 updated", func(s implemented) (data.Household, error) { return s.Household(ctx, 1) })
	same(w, "HouseholdsByHouseCode after the update", func(s implemented) ([]data.Household, error) { return s.HouseholdsByHouseCode(ctx, "41010012345") })

	// Units changed: households move in and out.
	units = data.UnitList{{Name: "เทศบาลนครอุดรธานี", Type: data.UnitCity, Tambons: []data.UnitTambon{{Code: "410102", Full: true}}}}
	same(w, "SetUnits, coverage changed", func(s implemented) (int, error) { return 0, s.SetUnits(ctx, units) })
	same(w, "Units, coverage changed", func(s implemented) (data.UnitList, error) { return s.Units(ctx) })
	for id := uint64(1); id <= 6; id++ {
		same(w, fmt.Sprintf("Household %d after the units changed", id), func(s implemented) (data.Household, error) { return s.Household(ctx, id) })
	}
	same(w, "SetUnits, none", func(s implemented) (int, error) { return 0, s.SetUnits(ctx, nil) })
	same(w, "Units, none", func(s implemented) (data.UnitList, error) { return s.Units(ctx) })
	same(w, "Household 2 without units", func(s implemented) (data.Household, error) { return s.Household(ctx, 2) })

	for _, f := range []data.HouseholdFilter{{}, {Limit: 2}, {After: 2}, {After: 2, Limit: 1}, {AreaCode: "41"}, {AreaCode: "4101"},
		{AreaCode: "410102"}, {AreaCode: "4101", After: 1, Limit: 2}, {AreaCode: "4101_"}, {AreaCode: "%"}, {AreaCode: units[0].Code}, {AreaCode: "42"}} {
		same(w, fmt.Sprintf("Households %+v", f), func(s implemented) ([]data.Household, error) { return s.Households(ctx, f) })
	}

	// Problems, and the flags of the sub-problem list reaching them.
	problems := []struct {
		what string
		p    data.Problem
	}{
		{"in the current round, defaults filled", data.Problem{HouseholdID: 1, Category: 1, SubProblem: " ไม่มีที่อยู่อาศัย ", Urgent: true, SurveyYear: 2567}},
		{"blanks in the name, from the survey", data.Problem{HouseholdID: 2, Category: 1, SubProblem: "ไม่มี ที่อยู่อาศัย", Urgent: true, SurveyYear: 2565, ReXRay: data.ReXRayUnsolved}},
		{"solved, in round 1", data.Problem{HouseholdID: 3, RoundID: 1, Category: 2, SubProblem: "ขาดแคลนน้ำดื่ม", Urgent: true, SurveyYear: 2567, Status: data.Solved,
			Detail: "บ่อ  ตื้น", LeadAgency: " อบต. ", TargetDate: data.NewDate(2024, 9, 1)}},
		{"closed", data.Problem{HouseholdID: 4, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567, Status: data.Closed, CloseReason: "ย้ายออก", ResolvedOn: data.NewDate(2024, 5, 20)}},
		{"closed without a reason", data.Problem{HouseholdID: 4, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567, Status: data.Closed}},
		{"no such household", data.Problem{HouseholdID: 99, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567}},
		{"no such round", data.Problem{HouseholdID: 1, RoundID: 9, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567}},
		{"category 8", data.Problem{HouseholdID: 1, Category: 8, SubProblem: "หนี้สิน", SurveyYear: 2567}},
		{"a Re-X-Ray result on a new problem", data.Problem{HouseholdID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567, ReXRay: data.ReXRaySolved}},
		{"carried links dropped", data.Problem{HouseholdID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567, CarriedFrom: 1, CarriedTo: 2}},
	}
	for _, c := range problems {
		same(w, "CreateProblem "+c.what, func(s implemented) (data.Problem, error) {
			p := c.p
			err := s.CreateProblem(ctx, &p)
			return p, err
		})
	}
	subs := data.DefaultSubProblems()
	subs[0].Urgent, subs[0].Sensitive = false, true
	same(w, "SetSubProblems, flags changed", func(s implemented) (int, error) { return 0, s.SetSubProblems(ctx, subs) })
	for id := uint64(1); id <= 6; id++ {
		same(w, fmt.Sprintf("Problem %d", id), func(s implemented) (data.Problem, error) { return s.Problem(ctx, id) })
	}
	same(w, "Sizes", func(s implemented) (data.Sizes, error) { return s.Sizes(ctx) })
	same(w, "Log", func(s implemented) (int, error) {
		return 0, s.Log(ctx, "unmask", "household", 2, "เปิดดูเลขประจำตัว")
	})

	sameRecords(t, w)
	sameRounds(t, w)

	// The audit entries, one for one.
	want, err := w.bolt.Audit(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kept []data.AuditEntry
	for _, e := range want {
		if e.Entity != "audit" { // the bbolt file's seal of its key
			kept = append(kept, e)
		}
	}
	gotAudit, err := w.pg.Audit(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if raw := pgAudit(t, w.dsn); !reflect.DeepEqual(raw, gotAudit) {
		t.Errorf("Audit does not return the entries as stored")
	}
	if len(gotAudit) != len(kept) {
		t.Errorf("%d audit entries, bbolt %d", len(gotAudit), len(kept))
	}
	for i := range min(len(gotAudit), len(kept)) {
		// Who differs by design: bbolt's is the operator's name the
		// program gives, PostgreSQL's the role the test connected as.
		if kept[i].Who != "สมศรี" || gotAudit[i].Who != pgtest.Superuser {
			t.Errorf("audit entry %d by %q in bbolt, %q in PostgreSQL; want %q and the role %q", i, kept[i].Who, gotAudit[i].Who, "สมศรี", pgtest.Superuser)
		}
		kept[i].Who, gotAudit[i].Who = "", ""
		b, p := comparable(kept[i]), comparable(gotAudit[i])
		if !reflect.DeepEqual(b, p) {
			t.Errorf("audit entry %d:\nbbolt      %+v\npostgresql %+v", i, b, p)
		}
	}
}

// auditView is what two stores' audit entries share: not their numbers
// (bbolt's log begins with the seal of its key), nor the schema version in
// the database's description.
type auditView struct {
	At                    time.Time
	Who, Op, Entity, Note string
	ID                    uint64
	Before, After         any
}

func comparable(e data.AuditEntry) auditView {
	v := auditView{At: e.At, Who: e.Who, Op: e.Op, Entity: e.Entity, Note: e.Note, ID: e.ID}
	for _, x := range []struct {
		raw json.RawMessage
		to  *any
	}{{e.Before, &v.Before}, {e.After, &v.After}} {
		if len(x.raw) > 0 {
			json.Unmarshal(x.raw, x.to)
			if m, ok := (*x.to).(map[string]any); ok && e.Entity == "database" {
				delete(m, "schema_version")
			}
		}
	}
	return v
}

// pgAudit reads the audit entries the PostgreSQL store wrote.
func pgAudit(t *testing.T, dsn string) []data.AuditEntry {
	var out []data.AuditEntry
	for _, line := range auditLines(t, dsn) {
		var e data.AuditEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}
