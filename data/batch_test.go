package data

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fill sets every field of v (a pointer to a struct), nested structs
// included, to a value other than its zero, different for each seed: a
// field added to a record later and forgotten by the batch's encoding
// fails the round trip below.
func fill(t *testing.T, v reflect.Value, seed int) {
	t.Helper()
	switch v.Interface().(type) {
	case time.Time:
		// The zones a record read from the store has: UTC, or an offset
		// without a name (Local when it is the machine's).
		zones := []*time.Location{time.UTC, time.FixedZone("", 7*3600), time.Local}
		v.Set(reflect.ValueOf(time.Date(2024, 5, 1+seed%28, 10, 15, 30, 123456789, zones[seed%3])))
		return
	case Date:
		v.Set(reflect.ValueOf(NewDate(2024, time.Month(1+seed%12), 1+seed%28)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("ค่า %d ของ %s", seed, v.Type()))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(seed + 1))
	case reflect.Uint64:
		v.SetUint(uint64(seed) + 1)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type() == reflect.TypeFor[Action]() && v.Type().Field(i).Name == "Seen" {
				continue // the caller's read for AddAction's check, never kept (TestActionSeenNotKept)
			}
			fill(t, v.Field(i), seed+i)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), seed)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), seed+i)
		}
	default:
		t.Fatalf("fill: field of kind %s (%s) not covered", v.Kind(), v.Type())
	}
}

func TestBatchKeepsEveryField(t *testing.T) {
	b := &ImportBatch{}
	for seed := range 5 {
		var hc HouseholdChange
		var pc ProblemChange
		var ac ActionChange
		var rr RowResult
		var rv Review
		fill(t, reflect.ValueOf(&rv).Elem(), seed)
		fill(t, reflect.ValueOf(&hc).Elem(), seed)
		fill(t, reflect.ValueOf(&pc).Elem(), seed)
		fill(t, reflect.ValueOf(&ac).Elem(), seed)
		fill(t, reflect.ValueOf(&rr).Elem(), seed)
		i, j, k := b.AddHousehold(hc), b.AddProblem(pc), b.AddAction(ac)
		b.AddRow(rr)
		if got := b.Household(i); !reflect.DeepEqual(got, hc) {
			t.Fatalf("household\nstored %+v\nread   %+v", hc, got)
		}
		if got := b.Problem(j); !reflect.DeepEqual(got, pc) {
			t.Fatalf("problem\nstored %+v\nread   %+v", pc, got)
		}
		if got := b.Action(k); !reflect.DeepEqual(got, ac) {
			t.Fatalf("action\nstored %+v\nread   %+v", ac, got)
		}
		if got := b.Row(b.NumRows() - 1); !reflect.DeepEqual(got, rr) {
			t.Fatalf("row\nstored %+v\nread   %+v", rr, got)
		}
		b.AddReview(rv)
		if got := b.Review(b.NumReviews() - 1); !reflect.DeepEqual(got, rv) {
			t.Fatalf("review\nstored %+v\nread   %+v", rv, got)
		}
		// The row of a review, its reason (Thai and English) stored once;
		// a row whose English differs keeps its own.
		rr.Fate, rr.Reason, rr.ReasonEnglish = FateReview, rv.Reason, rv.ReasonEnglish
		b.AddRow(rr)
		if got := b.Row(b.NumRows() - 1); !reflect.DeepEqual(got, rr) {
			t.Fatalf("review's row\nstored %+v\nread   %+v", rr, got)
		}
		rr.ReasonEnglish += " (another)"
		b.AddRow(rr)
		if got := b.Row(b.NumRows() - 1); !reflect.DeepEqual(got, rr) {
			t.Fatalf("review's row, another English\nstored %+v\nread   %+v", rr, got)
		}
	}
	// Zero values, as a new record has them, read back as zero.
	i := b.AddHousehold(HouseholdChange{Op: OpNew})
	if got := b.Household(i); !reflect.DeepEqual(got, HouseholdChange{Op: OpNew}) {
		t.Fatalf("zero household reads back as %+v", got)
	}
}

func TestBatchSetReplacesOneRecord(t *testing.T) {
	b := &ImportBatch{}
	for n := range 3 {
		b.AddHousehold(HouseholdChange{Op: OpNew, Household: Household{HouseCode: fmt.Sprint(41010000000 + n)}})
		b.AddProblem(ProblemChange{Op: OpNew, HouseholdRef: n, Problem: Problem{SubProblem: "หนี้สิน", Detail: "เดิม"}})
	}
	b.SetHousehold(1, HouseholdChange{Op: OpUpdate, Household: Household{HouseCode: "41019999999"}})
	p := b.Problem(2)
	p.Problem.Detail = "ใหม่"
	b.SetProblem(2, p)
	if b.NumHouseholds() != 3 || b.NumProblems() != 3 {
		t.Fatalf("%d households, %d problems", b.NumHouseholds(), b.NumProblems())
	}
	for n, want := range []string{"41010000000", "41019999999", "41010000002"} {
		if got := b.Household(n).Household.HouseCode; got != want {
			t.Errorf("household %d: %s, want %s", n, got, want)
		}
	}
	if b.Household(1).Op != OpUpdate || b.Problem(2).Problem.Detail != "ใหม่" || b.Problem(1).Problem.Detail != "เดิม" {
		t.Errorf("set: %+v %+v %+v", b.Household(1), b.Problem(2), b.Problem(1))
	}
}

// Strings past the shared table, and records longer than a chunk, are
// kept whole.
func TestBatchLongAndManyStrings(t *testing.T) {
	b := &ImportBatch{}
	for n := range maxShared + 10 {
		b.AddRow(RowResult{Sheet: fmt.Sprint("แผ่น", n), Row: n + 2, Fate: FateRejected, Column: "ชื่อ", Reason: "เหตุ"})
	}
	long := strings.Repeat("ก", batchChunk) // 3 bytes a character: longer than a chunk
	b.AddRow(RowResult{Sheet: long, Row: 1, Fate: FateReview, Value: long, Reason: long})
	for n := range maxShared + 10 {
		if r := b.Row(n); r.Sheet != fmt.Sprint("แผ่น", n) || r.Row != n+2 || r.Fate != FateRejected || r.Column != "ชื่อ" || r.Reason != "เหตุ" {
			t.Fatalf("row %d reads back as %+v", n, r)
		}
	}
	if r := b.Row(b.NumRows() - 1); r.Sheet != long || r.Value != long || r.Reason != long || r.Fate != FateReview {
		t.Fatalf("long row reads back with %d, %d, %d bytes", len(r.Sheet), len(r.Value), len(r.Reason))
	}
	n := 0
	for range b.RowResults() {
		n++
	}
	if n != maxShared+11 || b.Bytes() < int64(3*utf8.RuneCountInString(long)) {
		t.Errorf("%d rows, %d bytes", n, b.Bytes())
	}
}

// Text reads back byte for byte, whatever it holds; Thai takes a byte a
// letter.
func TestBatchText(t *testing.T) {
	for _, s := range []string{"", "41010000001", "นายสมชาย ใจดี", "\u0e00\u0e01\u0e7e\u0e7f\u0e80", "บ้าน · หมู่ 5 – 🏠 é",
		"\xff\xfe\x80", "ก\xe0\xb8", "\xe0\xb8\x81\xe0", strings.Repeat("ข้อความยาว ", 3000)} {
		b := &ImportBatch{}
		b.AddRow(RowResult{Value: s, Reason: s, ReasonEnglish: s})
		if r := b.Row(0); r.Value != s || r.Reason != s || r.ReasonEnglish != s {
			t.Errorf("%q reads back as %q, %q, %q", s, r.Value, r.Reason, r.ReasonEnglish)
		}
	}
	b := &ImportBatch{}
	thai := strings.Repeat("ก", 1000)
	b.AddRow(RowResult{Value: thai})
	if n := b.Bytes(); n > 1100 {
		t.Errorf("1,000 Thai letters take %d bytes", n)
	}
}
