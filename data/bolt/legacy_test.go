package bolt

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"qmdesk/data"
)

// legacySamples are records as schema 8 stored them, and some it could
// have: Thai text, quotes and <>& (escaped by encoding/json), zones, a
// leap day, zero values.
func legacySamples() (hs []data.Household, ps []data.Problem, as []data.Action) {
	at := time.Date(2024, 6, 1, 9, 0, 0, 123456789, time.UTC)
	hs = []data.Household{
		{},
		{ID: 7, HouseCode: "41010000007", HouseNo: "12/3", VillageNo: 4, VillageName: "บ้านหนองบัว", TambonCode: "410101",
			Head:    data.Person{NationalID: "3410100123456", Title: "นาย", FirstName: "สมชาย", LastName: "ใจดี", Phone: "0812345678"},
			Members: 5, Origin: data.OriginSurvey2565, Unit: "41010M", CreatedAt: at, UpdatedAt: at.Add(time.Hour), ChangedOn: data.NewDate(2024, 2, 29),
			ChangedBy: "นางสาวสมศรี", IDCheckOverride: true},
		{ID: 8, VillageName: `บ้าน "ใต้" <ใหม่> & กลาง`, TambonCode: "410102", CreatedAt: at.In(time.FixedZone("", 7*3600)), Origin: -3},
	}
	ps = []data.Problem{
		{},
		{ID: 1 << 40, HouseholdID: 7, RoundID: 2, Category: 3, SubProblem: "ขาดทักษะการประกอบอาชีพ", Detail: "ว่างงาน\nรายได้น้อย", Urgent: true,
			Sensitive: true, SurveyYear: 2565, ReXRay: data.ReXRay(2), Status: data.Closed, CloseReason: "ย้ายออก", TargetDate: data.NewDate(2024, 9, 30),
			LeadAgency: "อบต.", FoundOn: data.NewDate(2023, 12, 1), ResolvedOn: data.NewDate(2024, 5, 1), CreatedAt: at, UpdatedAt: at,
			ChangedOn: data.NewDate(2024, 6, 1), ChangedBy: "tester", CarriedFrom: 3, CarriedTo: 9, ThaiQMOn: data.NewDate(2024, 7, 1)},
		{ID: 2, Detail: "ยอดค้าง -1,000 บาท", Status: data.InProgress, TargetDate: data.Date{Year: 1, Month: 1, Day: 1}},
	}
	as = []data.Action{
		{},
		{ID: 99, ProblemID: 1 << 40, Date: data.NewDate(2024, 5, 1), Agency: "พัฒนาชุมชน", What: "เยี่ยมบ้าน", Budget: -150000, Result: data.Solved,
			Note: "ok", RecordedBy: "tester", RecordedAt: at, ThaiQMOn: data.NewDate(2024, 7, 2)},
		{ID: 100, ProblemID: 1, What: "\t", Budget: 1<<63 - 1},
	}
	return hs, ps, as
}

// What schema 8 wrote reads the same by the plain reader as by
// encoding/json, and the plain reader reads the records it wrote plainly
// (the upgrade's speed depends on it).
func TestLegacyJSONReadsWhatTheStoreWrote(t *testing.T) {
	hs, ps, as := legacySamples()
	for i, h := range hs {
		js, _ := json.Marshal(h)
		var got data.Household
		if !plainHousehold(js, &got) && i != 2 { // 2 has escapes
			t.Errorf("household %s not read plainly", js)
		}
		if err := decodeHousehold(js, &got); err != nil || !reflect.DeepEqual(got, h) {
			t.Errorf("household %s reads as %+v (%v)", js, got, err)
		}
	}
	for i, p := range ps {
		js, _ := json.Marshal(p)
		var got data.Problem
		if !plainProblem(js, &got) && i != 1 { // 1 has a line break
			t.Errorf("problem %s not read plainly", js)
		}
		if err := decodeProblem(js, &got); err != nil || !reflect.DeepEqual(got, p) {
			t.Errorf("problem %s reads as %+v (%v)", js, got, err)
		}
	}
	for i, a := range as {
		js, _ := json.Marshal(a)
		var got data.Action
		if !plainAction(js, &got) && i != 2 { // 2 has a tab
			t.Errorf("action %s not read plainly", js)
		}
		if err := decodeAction(js, &got); err != nil || !reflect.DeepEqual(got, a) {
			t.Errorf("action %s reads as %+v (%v)", js, got, err)
		}
	}
}

// FuzzLegacyJSON holds the plain reader to encoding/json: whatever bytes
// it reads as a household, a problem or an action, encoding/json reads
// too, as the same record.
func FuzzLegacyJSON(f *testing.F) {
	hs, ps, as := legacySamples()
	for i := range hs {
		for _, v := range []any{hs[i], ps[i], as[i]} {
			js, _ := json.Marshal(v)
			f.Add(js)
		}
	}
	f.Add([]byte(`{"id":01,"tambon":"410101"}`))
	f.Add([]byte(`{"target_date":"2023-02-29","id":-0}`))
	f.Add([]byte(`{"created_at":"2024-06-01T09:00:00+07:00","head":{},"head":{"title":"x"}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var h, hj data.Household
		if plainHousehold(in, &h) {
			if err := json.Unmarshal(in, &hj); err != nil || !reflect.DeepEqual(h, hj) {
				t.Fatalf("%s: plainly %+v, encoding/json %+v (%v)", in, h, hj, err)
			}
		}
		var p, pj data.Problem
		if plainProblem(in, &p) {
			if err := json.Unmarshal(in, &pj); err != nil || !reflect.DeepEqual(p, pj) {
				t.Fatalf("%s: plainly %+v, encoding/json %+v (%v)", in, p, pj, err)
			}
		}
		var a, aj data.Action
		if plainAction(in, &a) {
			if err := json.Unmarshal(in, &aj); err != nil || !reflect.DeepEqual(a, aj) {
				t.Fatalf("%s: plainly %+v, encoding/json %+v (%v)", in, a, aj, err)
			}
		}
	})
}
