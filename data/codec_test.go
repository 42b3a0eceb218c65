package data

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Every field of every stored record reads back as written: a field added
// to a record and forgotten by the encoding fails here (fill sets them
// all).
func TestStoredRecordsKeepEveryField(t *testing.T) {
	for seed := range 6 {
		var h Household
		var p Problem
		var a Action
		fill(t, reflect.ValueOf(&h).Elem(), seed)
		fill(t, reflect.ValueOf(&p).Elem(), seed+1)
		fill(t, reflect.ValueOf(&a).Elem(), seed+2)
		roundTrip(t, &h, &p, &a)
	}
	// And the zero records.
	roundTrip(t, &Household{}, &Problem{}, &Action{})
}

// An action's Seen (what the caller read, for AddAction's check) is kept
// neither by the store's encoding, nor by an import's plan, nor in JSON
// (the audit's entries).
func TestActionSeenNotKept(t *testing.T) {
	a := Action{ID: 3, ProblemID: 4, Date: NewDate(2024, 5, 1), What: "เยี่ยมบ้าน", RecordedAt: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
		Seen: time.Date(2024, 4, 30, 9, 0, 0, 123, time.UTC)}
	want := a
	want.Seen = time.Time{}
	b, err := AppendAction(nil, &a)
	if err != nil {
		t.Fatal(err)
	}
	var got Action
	if err := DecodeAction(b, &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("stored action reads back as %+v (%v), want %+v", got, err, want)
	}
	bb, _ := AppendAction(nil, &want)
	if string(b) != string(bb) {
		t.Errorf("the stored form differs with a Seen: %x, %x", b, bb)
	}
	batch := &ImportBatch{}
	i := batch.AddAction(ActionChange{ProblemRef: 1, Action: a})
	if got := batch.Action(i).Action; !reflect.DeepEqual(got, want) {
		t.Errorf("an import's plan keeps the action as %+v, want %+v", got, want)
	}
	j, _ := json.Marshal(a)
	if strings.Contains(string(j), "seen") || strings.Contains(string(j), "2024-04-30") {
		t.Errorf("JSON keeps Seen: %s", j)
	}
}

// roundTrip encodes the three records and requires each to decode equal,
// and the agencies' report's partial reads to agree.
func roundTrip(t *testing.T, h *Household, p *Problem, a *Action) {
	t.Helper()
	hb, err := AppendHousehold(nil, h)
	if err != nil {
		t.Fatalf("household %+v: %v", h, err)
	}
	var h2 Household
	if err := DecodeHousehold(hb, &h2); err != nil || !sameRecord(*h, h2) {
		t.Fatalf("household %+v reads back as %+v (%v)", *h, h2, err)
	}
	pb, err := AppendProblem(nil, p)
	if err != nil {
		t.Fatalf("problem %+v: %v", p, err)
	}
	var p2 Problem
	if err := DecodeProblem(pb, &p2); err != nil || !sameRecord(*p, p2) {
		t.Fatalf("problem %+v reads back as %+v (%v)", *p, p2, err)
	}
	hh, round, cat, st, err := ProblemWork(pb)
	if err != nil || hh != p.HouseholdID || round != p.RoundID || cat != p.Category || st != p.Status {
		t.Fatalf("ProblemWork of %+v: %d %d %d %d %v", *p, hh, round, cat, st, err)
	}
	ab, err := AppendAction(nil, a)
	if err != nil {
		t.Fatalf("action %+v: %v", a, err)
	}
	var a2 Action
	if err := DecodeAction(ab, &a2); err != nil || !sameRecord(*a, a2) {
		t.Fatalf("action %+v reads back as %+v (%v)", *a, a2, err)
	}
	intern := map[string]string{}
	for range 2 { // the second time from intern
		agency, budget, err := ActionWork(ab, intern)
		if err != nil || agency != a.Agency || budget != a.Budget {
			t.Fatalf("ActionWork of %+v: %q %d %v", *a, agency, budget, err)
		}
	}
}

// sameRecord compares two records, their times as instants with the same
// zone offset (a zone's name is not stored, as JSON did not store it, and
// an offset that is the machine's reads back as time.Local).
func sameRecord[T Household | Problem | Action](a, b T) bool {
	va, vb := reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem()
	for i := range va.NumField() {
		ta, ok := va.Field(i).Interface().(time.Time)
		if !ok {
			continue
		}
		tb := vb.Field(i).Interface().(time.Time)
		_, oa := ta.Zone()
		_, ob := tb.Zone()
		if !ta.Equal(tb) || oa != ob || ta.IsZero() != tb.IsZero() {
			return false
		}
		va.Field(i).Set(reflect.ValueOf(time.Time{}))
		vb.Field(i).Set(reflect.ValueOf(time.Time{}))
	}
	return reflect.DeepEqual(a, b)
}

// The encoding refuses what it would not read back, as the store's JSON
// did: a day that is not a calendar day, a time JSON could not write.
func TestStoredRecordsRefuseWhatTheyCannotReadBack(t *testing.T) {
	for _, d := range []Date{{Year: -1, Month: 11, Day: 30}, {Year: 2024, Month: 2, Day: 30}, {Year: 2023, Month: 2, Day: 29}, {Year: 2024, Month: 13, Day: 1}, {Year: 10000, Month: 1, Day: 1}, {Year: 2024}} {
		if _, err := AppendProblem(nil, &Problem{ResolvedOn: d}); ErrorCode(err) != EINVALID {
			t.Errorf("problem resolved on %+v: %v", d, err)
		}
		if _, err := AppendAction(nil, &Action{Date: d}); ErrorCode(err) != EINVALID {
			t.Errorf("action on %+v: %v", d, err)
		}
	}
	for _, at := range []time.Time{time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", -90))} {
		if _, err := AppendHousehold(nil, &Household{CreatedAt: at}); ErrorCode(err) != EINVALID {
			t.Errorf("household created at %v: %v", at, err)
		}
	}
	if _, err := AppendProblem(nil, &Problem{TargetDate: NewDate(2024, 2, 29), CreatedAt: time.Date(2024, 2, 29, 23, 0, 0, 0, time.FixedZone("", -13*3600))}); err != nil {
		t.Errorf("a leap day: %v", err)
	}
}

// calendarDay, which every record read checks every date with, is Valid
// (or zero), without its time arithmetic.
func TestCalendarDayIsValid(t *testing.T) {
	for _, y := range []int{-1, 0, 1, 1900, 1957, 2000, 2023, 2024, 2100, 2400, 9999, 10000} {
		for m := -1; m <= 14; m++ {
			for d := -1; d <= 32; d++ {
				day := Date{y, time.Month(m), d}
				if calendarDay(day) != (day.IsZero() || day.Valid()) {
					t.Errorf("%+v: calendarDay %v, Valid %v", day, calendarDay(day), day.Valid())
				}
			}
		}
	}
}

// A stored record cut anywhere, or with a byte changed, is an error or
// another record, never a panic; a date that is not a calendar day is an
// error that wraps ErrRecordDay, with the record read whole.
func TestDamagedStoredRecords(t *testing.T) {
	var p Problem
	fill(t, reflect.ValueOf(&p).Elem(), 3)
	p.Detail = "บ้าน \xff\xfe พัง"
	b, err := AppendProblem(nil, &p)
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(b) {
		var q Problem
		if err := DecodeProblem(b[:n], &q); ErrorCode(err) != EDAMAGED {
			t.Fatalf("cut at %d of %d: %v", n, len(b), err)
		}
	}
	if err := DecodeProblem(append(b, 0), &p); ErrorCode(err) != EDAMAGED {
		t.Errorf("a byte too many: %v", err)
	}
	if err := DecodeProblem([]byte(`{"id":1}`), &p); ErrorCode(err) != EDAMAGED {
		t.Errorf("JSON: %v", err)
	}
	for i := range b {
		for _, v := range []byte{0, 1, 0x7F, 0x80, 0xFF} {
			c := append([]byte(nil), b...)
			c[i] = v
			var q Problem
			DecodeProblem(c, &q)
			ProblemWork(c)
		}
	}
	// The day of issue 9, in a record written by hand.
	e := encoder{b: []byte{recordEncoding}}
	bad := p
	bad.ResolvedOn = Date{Year: -1, Month: 11, Day: 30}
	e.problem(&bad)
	var q Problem
	err = DecodeProblem(e.b, &q)
	if !errors.Is(err, ErrRecordDay) || ErrorCode(err) != EDAMAGED || !sameRecord(bad, q) {
		t.Errorf("year 0: %v, read %+v", err, q)
	}
	if want := "resolved_on -001-11-30"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("year 0: %v, want it named (%s)", err, want)
	}
}

// FuzzStoredRecords builds records from the fuzzer's bytes (any string,
// integer, day and instant) and requires every one the encoding accepts
// to read back equal; and it decodes the bytes themselves as records,
// which must never panic, and whatever they decode to must read back the
// same once encoded again.
func FuzzStoredRecords(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x01\x02\x03สมชาย ใจดี\xff\x00\x80"))
	h, p, a := sampleRecords()
	for _, b := range [][]byte{must(AppendHousehold(nil, &h)), must(AppendProblem(nil, &p)), must(AppendAction(nil, &a))} {
		f.Add(b[1:]) // the fuzzer's bytes are read after the encoding's byte
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := &fuzzFields{b: in}
		h := Household{ID: r.uint(), HouseCode: r.text(), HouseNo: r.text(), VillageNo: int(r.int()), VillageName: r.text(), TambonCode: r.text(),
			Head:    Person{NationalID: r.text(), Title: r.text(), FirstName: r.text(), LastName: r.text(), Phone: r.text()},
			Members: int(r.int()), Origin: Origin(r.int()), Unit: r.text(), CreatedAt: r.time(), UpdatedAt: r.time(), ChangedOn: r.date(),
			ChangedBy: r.text(), IDCheckOverride: r.int()%2 == 0}
		p := Problem{ID: r.uint(), HouseholdID: r.uint(), RoundID: r.uint(), Category: Category(r.int()), SubProblem: r.text(), Detail: r.text(),
			Urgent: r.int()%2 == 0, Sensitive: r.int()%2 == 0, SurveyYear: int(r.int()), ReXRay: ReXRay(r.int()), Status: Status(r.int()),
			CloseReason: r.text(), TargetDate: r.date(), LeadAgency: r.text(), FoundOn: r.date(), ResolvedOn: r.date(), CreatedAt: r.time(),
			UpdatedAt: r.time(), ChangedOn: r.date(), ChangedBy: r.text(), CarriedFrom: r.uint(), CarriedTo: r.uint(), ThaiQMOn: r.date()}
		a := Action{ID: r.uint(), ProblemID: r.uint(), Date: r.date(), Agency: r.text(), What: r.text(), Budget: r.int(), Result: Status(r.int()),
			Note: r.text(), RecordedBy: r.text(), RecordedAt: r.time(), ThaiQMOn: r.date()}
		if hb, err := AppendHousehold(nil, &h); err == nil {
			var got Household
			if err := DecodeHousehold(hb, &got); err != nil || !sameRecord(h, got) {
				t.Fatalf("household %+v reads back as %+v (%v)", h, got, err)
			}
		}
		if pb, err := AppendProblem(nil, &p); err == nil {
			var got Problem
			if err := DecodeProblem(pb, &got); err != nil || !sameRecord(p, got) {
				t.Fatalf("problem %+v reads back as %+v (%v)", p, got, err)
			}
		}
		if ab, err := AppendAction(nil, &a); err == nil {
			var got Action
			if err := DecodeAction(ab, &got); err != nil || !sameRecord(a, got) {
				t.Fatalf("action %+v reads back as %+v (%v)", a, got, err)
			}
		}

		// The bytes as a stored record.
		raw := append([]byte{recordEncoding}, in...)
		var rh Household
		if DecodeHousehold(raw, &rh) == nil {
			again(t, rh, AppendHousehold, DecodeHousehold)
		}
		var rp Problem
		if DecodeProblem(raw, &rp) == nil {
			again(t, rp, AppendProblem, DecodeProblem)
		}
		ProblemWork(raw)
		var ra Action
		if DecodeAction(raw, &ra) == nil {
			again(t, ra, AppendAction, DecodeAction)
		}
		ActionWork(raw, map[string]string{})
	})
}

// again encodes a decoded record and requires it to decode equal.
func again[T Household | Problem | Action](t *testing.T, v T, enc func([]byte, *T) ([]byte, error), dec func([]byte, *T) error) {
	t.Helper()
	b, err := enc(nil, &v)
	if err != nil {
		t.Fatalf("%+v, decoded, is refused: %v", v, err)
	}
	var got T
	if err := dec(b, &got); err != nil || !sameRecord(v, got) {
		t.Fatalf("%+v reads back as %+v (%v)", v, got, err)
	}
}

// fuzzFields turns the fuzzer's bytes into field values; past the end,
// zeros.
type fuzzFields struct {
	b []byte
	i int
}

func (r *fuzzFields) byte() byte {
	if r.i >= len(r.b) {
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

func (r *fuzzFields) uint() uint64 {
	var v uint64
	for range r.byte() % 9 {
		v = v<<8 | uint64(r.byte())
	}
	return v
}

func (r *fuzzFields) int() int64 { return int64(r.uint()) }

// text is any bytes: Thai, other UTF-8, bytes that are not UTF-8.
func (r *fuzzFields) text() string {
	n := int(r.byte() % 24)
	out := make([]byte, 0, n)
	for range n {
		switch c := r.byte(); {
		case c < 0x60:
			out = append(out, c)
		case c < 0xE0:
			out = append(out, string(rune(0x0E00+int(c)-0x60))...)
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

func (r *fuzzFields) date() Date {
	switch r.byte() % 4 {
	case 0:
		return Date{}
	case 1:
		return NewDate(1950+int(r.byte()), time.Month(r.byte()%12+1), int(r.byte()%31+1))
	}
	return Date{Year: int(int16(binary.BigEndian.Uint16([]byte{r.byte(), r.byte()}))), Month: time.Month(int8(r.byte())), Day: int(int8(r.byte()))}
}

func (r *fuzzFields) time() time.Time {
	if r.byte()%4 == 0 {
		return time.Time{}
	}
	sec, nsec := r.int(), int64(r.uint()%1e9)
	zones := []*time.Location{time.UTC, time.FixedZone("", 7*3600), time.FixedZone("", -(3*3600 + 30*60)), time.FixedZone("", 45), time.Local}
	return time.Unix(sec%(400*365*86400)+1_700_000_000, nsec).In(zones[int(r.byte())%len(zones)])
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// sampleRecords are records as a province holds them.
func sampleRecords() (Household, Problem, Action) {
	p := Problem{ID: 812345, HouseholdID: 523456, RoundID: 1, Category: 3, SubProblem: "ขาดทักษะการประกอบอาชีพ", Detail: "ว่างงาน รายได้ไม่พอเลี้ยงครอบครัว",
		SurveyYear: 2565, ReXRay: 1, Status: InProgress, TargetDate: NewDate(2025, 9, 30), LeadAgency: "สำนักงานพัฒนาชุมชนอำเภอ",
		FoundOn: NewDate(2024, 11, 2), CreatedAt: time.Date(2024, 11, 2, 3, 4, 5, 678901234, time.UTC), UpdatedAt: time.Date(2025, 1, 12, 8, 9, 10, 0, time.UTC),
		ChangedOn: NewDate(2025, 1, 12), ChangedBy: "นางสาวสมศรี ใจดี"}
	h := Household{ID: 523456, HouseCode: "41010512345", HouseNo: "123/4", VillageNo: 7, VillageName: "บ้านหนองบัว", TambonCode: "410105",
		Head: Person{NationalID: "3410100123456", Title: "นาย", FirstName: "สมบัติ", LastName: "คำหอม", Phone: "0812345678"}, Members: 4, Origin: 1,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, ChangedOn: p.ChangedOn, ChangedBy: p.ChangedBy}
	a := Action{ID: 1234567, ProblemID: 812345, Date: NewDate(2025, 1, 10), Agency: "องค์การบริหารส่วนตำบลหนองบัว", What: "มอบวัสดุซ่อมแซมบ้าน",
		Budget: 1500000, Result: InProgress, RecordedBy: "นางสาวสมศรี ใจดี", RecordedAt: p.UpdatedAt}
	return h, p, a
}

// Decoding a stored record against decoding its JSON, as the store read
// it before (docs/performance.md, issue 15).
func BenchmarkDecodeRecord(b *testing.B) {
	h, p, a := sampleRecords()
	bench := func(name string, v any, decodeBinary func([]byte) error, decodeJSON func([]byte) error, enc []byte) {
		js, _ := json.Marshal(v)
		b.Run(name+"/binary", func(b *testing.B) {
			b.SetBytes(int64(len(enc)))
			b.ReportAllocs()
			for b.Loop() {
				if err := decodeBinary(enc); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/json", func(b *testing.B) {
			b.SetBytes(int64(len(js)))
			b.ReportAllocs()
			for b.Loop() {
				if err := decodeJSON(js); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	hb, _ := AppendHousehold(nil, &h)
	bench("household", h, func(v []byte) error { var x Household; return DecodeHousehold(v, &x) }, func(v []byte) error { var x Household; return json.Unmarshal(v, &x) }, hb)
	pb, _ := AppendProblem(nil, &p)
	bench("problem", p, func(v []byte) error { var x Problem; return DecodeProblem(v, &x) }, func(v []byte) error { var x Problem; return json.Unmarshal(v, &x) }, pb)
	ab, _ := AppendAction(nil, &a)
	bench("action", a, func(v []byte) error { var x Action; return DecodeAction(v, &x) }, func(v []byte) error { var x Action; return json.Unmarshal(v, &x) }, ab)
}
