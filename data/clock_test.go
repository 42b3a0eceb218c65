package data

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDateOfIsTheThaiDay(t *testing.T) {
	// 20:00 UTC on 1 Aug is 03:00 on 2 Aug in Thailand, whatever the
	// location the time carries.
	utc := time.Date(2024, 8, 1, 20, 0, 0, 0, time.UTC)
	for _, loc := range []*time.Location{time.UTC, time.FixedZone("PST", -8*3600), ThaiTime} {
		if got := DateOf(utc.In(loc)); got != NewDate(2024, 8, 2) {
			t.Errorf("DateOf(%v) = %v, want 2024-08-02", utc.In(loc), got)
		}
	}
}

func TestClock(t *testing.T) {
	var zero Clock
	before := DateOf(time.Now())
	got := zero.Today()
	after := DateOf(time.Now())
	if got != before && got != after {
		t.Fatalf("zero clock's today = %v, want the real Thai day %v", got, before)
	}
	if got.Year < 2024 {
		t.Fatalf("zero clock's today %v is not today", got)
	}
	if _, ok := zero.Training(); ok {
		t.Error("the zero clock has a training day")
	}
	fixed := FixedClock(time.Date(2024, 3, 1, 18, 30, 0, 0, time.UTC))
	if fixed.Today() != NewDate(2024, 3, 2) {
		t.Errorf("fixed clock's today = %v, want the Thai day 2024-03-02", fixed.Today())
	}
	training := fixed.OnDay(NewDate(2024, 8, 15))
	if training.Today() != NewDate(2024, 8, 15) || !training.Now().Equal(fixed.Now()) {
		t.Errorf("training clock: today %v now %v", training.Today(), training.Now())
	}
	if d, ok := training.Training(); !ok || d != NewDate(2024, 8, 15) {
		t.Errorf("Training() = %v, %v", d, ok)
	}
}

func TestDateNeverEncodesWhatItCannotRead(t *testing.T) {
	for _, d := range []Date{{Year: 0, Month: 11, Day: 30}, {Year: -1, Month: 11, Day: 30}, {Year: 2024, Month: 2, Day: 30}, {Year: 2024, Month: 13, Day: 1}, {Year: 10000, Month: 1, Day: 1}} {
		if d.Valid() {
			t.Errorf("%#v is valid", d)
		}
		if b, err := json.Marshal(d); err == nil {
			t.Errorf("json.Marshal(%#v) = %s, want an error", d, b)
		}
	}
	for _, d := range []Date{{}, NewDate(1, 1, 1), NewDate(2024, 2, 29), NewDate(9999, 12, 31)} {
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("json.Marshal(%v): %v", d, err)
		}
		var back Date
		if err := json.Unmarshal(b, &back); err != nil || back != d {
			t.Errorf("%v → %s → %v, %v", d, b, back, err)
		}
	}
}

func TestCheckSane(t *testing.T) {
	today := NewDate(2026, 11, 30)
	for _, d := range []Date{{}, EarliestDate, NewDate(2024, 9, 30), today, NewDate(2027, 11, 30)} {
		if err := d.CheckSane("วันที่", today); err != nil {
			t.Errorf("CheckSane(%v) = %v", d, err)
		}
	}
	for _, d := range []Date{NewDate(1956, 12, 31), NewDate(2027, 12, 1), NewDate(2567, 3, 1), {Year: -1, Month: 11, Day: 30}} {
		if err := d.CheckSane("วันที่", today); ErrorCode(err) != EINVALID {
			t.Errorf("CheckSane(%#v) = %v, want EINVALID", d, err)
		}
	}
}

func TestCheckPlannedLooksFurtherAhead(t *testing.T) {
	today := NewDate(2026, 11, 30)
	if err := NewDate(2028, 9, 30).CheckPlanned("วันครบกำหนด", today); err != nil {
		t.Errorf("a deadline two years ahead: %v", err)
	}
	if err := NewDate(2028, 9, 30).CheckSane("วันที่ดำเนินการ", today); ErrorCode(err) != EINVALID {
		t.Errorf("an action two years ahead: %v", err)
	}
	if err := NewDate(2567, 9, 30).CheckPlanned("วันครบกำหนด", today); ErrorCode(err) != EINVALID {
		t.Errorf("a deadline in 2567 CE: %v", err)
	}
}
