package bolt

import (
	"strings"
	"testing"

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
}
