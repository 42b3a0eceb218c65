package app

import (
	"strings"
	"testing"
	"time"

	"qmdesk/assets"
	"qmdesk/data"
)

// FuzzThaiQMColumn: the บันทึกใน ThaiQM แล้ว column of a row, in any form,
// is taken only as a day between the round's start and today, on the
// problem and on the row's action alike, or the row is refused naming
// that column with a reason.
func FuzzThaiQMColumn(f *testing.F) {
	geo, err := assets.Geography()
	if err != nil {
		f.Fatal(err)
	}
	today := data.NewDate(2024, 8, 1)
	imp := &Importer{Geo: geo, Clock: data.FixedClock(today.Time().Add(9 * time.Hour)), places: newPlaces(geo, "41"), subProblems: data.DefaultSubProblems(), round: data.DefaultRound()}
	var header []string
	for _, h := range TemplateHeaders {
		header = append(header, h.Header)
	}
	header = append(header, data.HeaderThaiQM.Thai)
	l := matchHeader("S", [][]string{header}, []int{1})
	if !l.has(fThaiQM) {
		f.Fatal("the ThaiQM header is not read")
	}
	row := "1\t41010000011\t12/3\tม.5\t\tหมากแข้ง\tเมือง\tอุดรธานี\t\tนาย\tสมชาย\tใจดี\t\t\tเดิม\t4\tหนี้สิน\t\t\tแก้ไขแล้ว\t15 ก.ค. 2567\tอบต.\tฝึกอาชีพ\t\t\t\t" // …, note, the municipality (empty), then the ThaiQM day
	for _, v := range []string{"20 ก.ค. 2567", "๒๐/๐๗/๒๕๖๗", "20/07/2024", "45493", "๒๐ ก.ค. ๖๗", "20 กรกฎาคม 2567", "1 ธ.ค. 2567", "29 ก.พ. 2567", "31/02/2567", "แล้ว", "-", ""} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if strings.ContainsAny(v, "\t") {
			return
		}
		in := imp.parseRow(&l, 2, strings.Split(row+v, "\t"))
		if in.Reject != nil {
			if in.Reject.Column != data.HeaderThaiQM.Thai || in.Reject.Reason == "" || in.Reject.ReasonEnglish == "" {
				t.Fatalf("%q: refused in %q: %s", v, in.Reject.Column, in.Reject.Reason)
			}
			return
		}
		on := in.Problem.ThaiQMOn
		if on.IsZero() {
			return
		}
		if on.After(today) || on.Before(imp.round.Start) || !on.Valid() {
			t.Fatalf("%q: took %v", v, on)
		}
		if in.Action == nil || in.Action.ThaiQMOn != on {
			t.Fatalf("%q: the row's action is not marked with its problem", v)
		}
	})
}
