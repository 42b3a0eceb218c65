package bolt

import (
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"qmdesk/data"
)

// FuzzStoreReadsBackWhatItAccepts writes random records through the
// store's public API, the odd ones a clerk's typo, a broken workbook or a
// wrong clock would make among them (year 0, negative years, 30 Feb,
// invalid statuses, bytes that are not UTF-8, unknown rounds), and checks
// the store's promise: every record it accepts reads back exactly as the
// call left it, and Check stays clean. Refusals are fine; a record written
// and then unreadable is the bug.
func FuzzStoreReadsBackWhatItAccepts(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Add([]byte("\x00\x00\x01\x00\x02\x00\x03\x01\xff\xff\x0b\x1e"))
	// The bug this guards: a status change dated -001-11-30.
	f.Add([]byte{0, 5, 5, 1, 1, 3, 2, 0, 0, 0, 0, 11, 30, 3, 2, 0, 0, 0, 0, 11, 30})
	f.Add([]byte("qmdesk\x07\x03\x02\x04\x06\x08\x00\x10\x20\x40\x80"))
	f.Fuzz(func(t *testing.T, in []byte) {
		s, err := Open(filepath.Join(t.TempDir(), "qm.db"), Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		s.Clock = data.FixedClock(time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC))
		ctx := data.WithOperator(context.Background(), "ผู้ทดสอบ")
		if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
			t.Fatal(err)
		}
		r := &fuzzBytes{b: in}
		var households, problems []uint64
		pick := func(ids []uint64) uint64 {
			if len(ids) == 0 || r.byte()%8 == 0 {
				return uint64(r.byte() % 4) // often 0 or unknown
			}
			return ids[int(r.byte())%len(ids)]
		}
		for op := 0; op < 40 && !r.done(); op++ {
			switch r.byte() % 7 {
			case 0:
				h := r.household()
				if s.CreateHousehold(ctx, &h) == nil {
					households = append(households, h.ID)
					sameHousehold(t, s, ctx, h)
				}
			case 1:
				h, err := s.Household(ctx, pick(households))
				if err != nil {
					continue
				}
				n := r.household()
				n.ID, n.CreatedAt = h.ID, h.CreatedAt
				if s.UpdateHousehold(ctx, &n) == nil {
					sameHousehold(t, s, ctx, n)
				}
			case 2:
				p := r.problem(pick(households))
				if s.CreateProblem(ctx, &p) == nil {
					problems = append(problems, p.ID)
					sameProblem(t, s, ctx, p)
				}
			case 3:
				p, err := s.Problem(ctx, pick(problems))
				if err != nil {
					continue
				}
				n := r.problem(p.HouseholdID)
				n.ID, n.RoundID = p.ID, p.RoundID
				if s.UpdateProblem(ctx, &n) == nil {
					sameProblem(t, s, ctx, n)
				}
			case 4:
				a := r.action(pick(problems))
				if s.AddAction(ctx, &a) == nil {
					acts, err := s.Actions(ctx, a.ProblemID)
					if err != nil || len(acts) == 0 || !reflect.DeepEqual(acts[len(acts)-1], a) {
						t.Fatalf("action accepted as %+v reads back as %+v (%v)", a, acts, err)
					}
					if p, err := s.Problem(ctx, a.ProblemID); err != nil {
						t.Fatalf("problem %d unreadable after an action: %v", a.ProblemID, err)
					} else {
						sameProblem(t, s, ctx, p)
					}
				}
			case 5:
				rd := data.Round{Name: r.text(), SurveyYear: int(r.byte()) + 2500, Start: r.date(), Deadline: r.date()}
				if s.CreateRound(ctx, &rd) == nil {
					if got, err := s.Round(ctx, rd.ID); err != nil || got != rd {
						t.Fatalf("round accepted as %+v reads back as %+v (%v)", rd, got, err)
					}
				}
			case 6:
				h := r.household()
				b := data.Bundle{Household: h, Problems: []data.ProblemBundle{{Problem: r.problem(0), Actions: []data.Action{r.action(0)}}}}
				b.Problems[0].Problem.RoundID = 1
				if s.Load(ctx, []data.Bundle{b}) == nil {
					households = append(households, b.Household.ID)
					problems = append(problems, b.Problems[0].Problem.ID)
					sameHousehold(t, s, ctx, b.Household)
					sameProblem(t, s, ctx, b.Problems[0].Problem)
				}
			}
		}
		rep, err := s.Check(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("check after accepted writes: %v %v", err, rep.Problems)
		}
		if err := s.Walk(ctx, func(data.Household, []data.Problem) error { return nil }); err != nil {
			t.Fatalf("walk: %v", err)
		}
	})
}

func sameHousehold(t *testing.T, s *Store, ctx context.Context, want data.Household) {
	t.Helper()
	got, err := s.Household(ctx, want.ID)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("household accepted as %+v reads back as %+v (%v)", want, got, err)
	}
}

func sameProblem(t *testing.T, s *Store, ctx context.Context, want data.Problem) {
	t.Helper()
	got, err := s.Problem(ctx, want.ID)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("problem accepted as %+v reads back as %+v (%v)", want, got, err)
	}
}

// fuzzBytes turns the fuzzer's bytes into record fields; past the end it
// gives zeros.
type fuzzBytes struct {
	b []byte
	i int
}

func (r *fuzzBytes) done() bool { return r.i >= len(r.b) }

func (r *fuzzBytes) byte() byte {
	if r.i >= len(r.b) {
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

func (r *fuzzBytes) int16() int {
	return int(int16(binary.BigEndian.Uint16([]byte{r.byte(), r.byte()})))
}

// date gives plausible days, the day of the year-0 clock, and nonsense.
func (r *fuzzBytes) date() data.Date {
	switch r.byte() % 6 {
	case 0:
		return data.Date{}
	case 1:
		return data.NewDate(2024, time.Month(r.byte()%12+1), int(r.byte()%28+1))
	case 2:
		return data.Date{Year: -1, Month: 11, Day: 30}
	case 3:
		return data.Date{Year: r.int16(), Month: time.Month(int(r.byte()) % 14), Day: int(r.byte()) % 33}
	case 4:
		return data.NewDate(2567, time.Month(r.byte()%12+1), int(r.byte()%28+1)) // BE typed as CE
	}
	return data.NewDate(1900+int(r.byte()), 1, 1)
}

var fuzzTexts = []string{"", "สมชาย", "ใจดี", "  บ้าน\u200bหนองบัว\u00a0 ", "\xff\xfe", "a\x00b", "ยาเสพติด", "ไม่มีที่อยู่อาศัย",
	"อื่น ๆ (ระบุ)", "\u0e31\u0e48", "12/3", "ย้ายออก", "\t\n", "\"quoted\" \\ {json}"}

func (r *fuzzBytes) text() string {
	s := fuzzTexts[int(r.byte())%len(fuzzTexts)]
	if r.byte()%5 == 0 {
		s += fuzzTexts[int(r.byte())%len(fuzzTexts)]
	}
	return s
}

func (r *fuzzBytes) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0' + r.byte()%10
	}
	return string(b)
}

func (r *fuzzBytes) household() data.Household {
	h := data.Household{TambonCode: []string{"410101", "410102", "", "4101", "41010x"}[r.byte()%5],
		HouseNo: r.text(), VillageNo: r.int16() % 1200, VillageName: r.text(), Members: r.int16() % 120,
		Origin: data.Origin(r.byte() % 4), IDCheckOverride: r.byte()%2 == 0,
		Head: data.Person{Title: r.text(), FirstName: r.text(), LastName: r.text(), Phone: r.text()}}
	if r.byte()%3 != 0 {
		h.HouseCode = r.digits(11)
	}
	switch r.byte() % 3 {
	case 0:
		h.Head.NationalID = data.WithCheckDigit(r.digits(12))
	case 1:
		h.Head.NationalID = r.digits(int(r.byte()%3) + 12)
	}
	return h
}

func (r *fuzzBytes) problem(household uint64) data.Problem {
	return data.Problem{HouseholdID: household, RoundID: uint64(r.byte() % 4), Category: data.Category(r.byte() % 9),
		SubProblem: r.text(), Detail: r.text(), Urgent: r.byte()%2 == 0, Sensitive: r.byte()%2 == 0,
		SurveyYear: []int{2565, 2567, 0, 2024, 2570}[r.byte()%5], ReXRay: data.ReXRay(r.byte() % 5),
		Status: data.Status(r.byte() % 7), CloseReason: r.text(), TargetDate: r.date(), LeadAgency: r.text(),
		FoundOn: r.date(), ResolvedOn: r.date()}
}

func (r *fuzzBytes) action(problem uint64) data.Action {
	return data.Action{ProblemID: problem, Date: r.date(), Agency: r.text(), What: r.text(),
		Budget: int64(r.int16()) * 100, Result: data.Status(r.byte() % 7), Note: r.text()}
}

func (r *fuzzBytes) String() string { return fmt.Sprintf("%d/%d bytes", r.i, len(r.b)) }
