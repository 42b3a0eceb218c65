package bolt

import (
	"strings"
	"testing"

	"go.etcd.io/bbolt"

	"qmdesk/data"
)

func TestMergeAgencyIsStoredAndAudited(t *testing.T) {
	s, ctx := openTest(t)
	if a, err := s.AgencyAliases(ctx); err != nil || len(a) != 0 {
		t.Fatalf("new database: %v %v", a, err)
	}
	if err := s.MergeAgency(ctx, "อบต.นาดี", "อบต.บ้านใหม่"); err != nil {
		t.Fatal(err)
	}
	// The merges are a summed record: check (on cleanup) finds its sum,
	// and a changed byte would be reported.
	var sum []byte
	s.view(func(tx *bbolt.Tx) error {
		sum = tx.Bucket(bucketSums).Get(key(byte(1), keyAgencyAliases))
		return nil
	})
	if len(sum) == 0 {
		t.Fatal("the merges have no sum")
	}
	if err := s.MergeAgency(ctx, "อบต.บ้านใหม่", "อบต. นาดี"); data.ErrorCode(err) != data.EINVALID {
		t.Fatalf("a circle was stored: %v", err)
	}
	a, err := s.AgencyAliases(ctx)
	if err != nil || a.Resolve("องค์การบริหารส่วนตำบลนาดี") != data.AgencyKey("อบต.บ้านใหม่") {
		t.Fatalf("aliases after merge: %v %v", a, err)
	}
	entries, err := s.Audit(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, e := range entries {
		if e.Entity == "agency_aliases" {
			found++
			if !strings.Contains(e.Note, "อบต.นาดี") || e.Who != "tester" {
				t.Errorf("audit entry: %+v", e)
			}
		}
	}
	if found != 1 {
		t.Fatalf("%d audit entries for one merge (the refused one must leave none)", found)
	}
	if err := s.UnmergeAgency(ctx, "องค์การบริหารส่วนตำบล นาดี"); err != nil {
		t.Fatal(err)
	}
	if err := s.UnmergeAgency(ctx, "อบต.นาดี"); data.ErrorCode(err) != data.ENOTFOUND {
		t.Fatalf("unmerge of a name not merged: %v", err)
	}
	if a, _ := s.AgencyAliases(ctx); len(a) != 0 {
		t.Fatalf("after unmerge: %v", a)
	}
	entries, _ = s.Audit(ctx, 0, 1000)
	if last := entries[len(entries)-1]; last.Entity != "agency_aliases" || !strings.Contains(last.Note, "unmerge") {
		t.Fatalf("unmerge audit entry: %+v", last)
	}
}

// TestAgencyWorkReadsWhatTheRecordsHold: the report's quick read of the
// records gives what decoding them gives, names with quotes and escapes
// included, other rounds and areas left out.
func TestAgencyWorkReadsWhatTheRecordsHold(t *testing.T) {
	s, ctx := openTest(t)
	h := newHousehold(1, "410101")
	if err := s.CreateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	p := &data.Problem{HouseholdID: h.ID, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2567, Detail: `"round_id":7,"status":3`}
	if err := s.CreateProblem(ctx, p); err != nil {
		t.Fatal(err)
	}
	day := data.NewDate(2024, 4, 1)
	for _, a := range []data.Action{
		{ProblemID: p.ID, Date: day, Agency: `อบต."ใหม่"`, Budget: 12345},
		{ProblemID: p.ID, Date: day, Agency: `A<B & C`, What: `"agency":"x"`},
		{ProblemID: p.ID, Date: day, What: "ไม่ระบุหน่วย", Budget: 100},
		{ProblemID: p.ID, Date: day, Agency: "รพ.สต.", Result: data.Solved},
	} {
		if err := s.AddAction(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	var got []data.AgencyWork
	if err := s.AgencyWork(ctx, 1, "", func(w data.AgencyWork) error { got = append(got, w); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []data.AgencyWork{
		{ProblemID: p.ID, Category: 4, Solved: true, Agency: `อบต."ใหม่"`, Budget: 12345},
		{ProblemID: p.ID, Category: 4, Solved: true, Agency: `A<B & C`},
		{ProblemID: p.ID, Category: 4, Solved: true, Agency: "รพ.สต."},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %+v, want %+v", i, got[i], want[i])
		}
	}
	n := 0
	s.AgencyWork(ctx, 1, "4101", func(data.AgencyWork) error { n++; return nil })
	if n != 3 {
		t.Errorf("%d in the household's amphoe", n)
	}
	s.AgencyWork(ctx, 1, "4102", func(data.AgencyWork) error { n++; return nil })
	s.AgencyWork(ctx, 2, "", func(data.AgencyWork) error { n++; return nil })
	if n != 3 {
		t.Errorf("another amphoe or round read: %d", n)
	}
}
