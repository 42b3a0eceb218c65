package data

import (
	"testing"
	"time"
)

func TestParseThaiDate(t *testing.T) {
	want := NewDate(2024, time.March, 15)
	for _, in := range []string{
		"15 มี.ค. 2567", "15 มีนาคม 2567", "๑๕ มี.ค. ๖๗", "15/03/2567", "15/3/67", "15/03/2024",
		"15-03-2567", "2024-03-15", "15 มี.ค. 67", "15มี.ค.2567", "วันที่ 15 เดือนมีนาคม พ.ศ. 2567",
		" 15\u00a0มี.ค.\u200b 2567 ", "15 มีค 2567", "15 / 03 / 2567", "15 Mar 2024",
	} {
		got, err := ParseThaiDate(in)
		if err != nil || got != want {
			t.Errorf("ParseThaiDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"31/02/2567", "15 ฟฟฟ 2567", "15/13/2567", "abc", "15/03", "0/1/2567", "1/1/1200"} {
		if _, err := ParseThaiDate(in); ErrorCode(err) != EINVALID {
			t.Errorf("ParseThaiDate(%q) error = %v, want EINVALID", in, err)
		}
	}
	if d, err := ParseThaiDate(""); err != nil || !d.IsZero() {
		t.Errorf("empty date = %v, %v", d, err)
	}
	// 29 Feb 2567 BE is 29 Feb 2024 CE: a leap day must survive.
	if d, err := ParseThaiDate("29/02/2567"); err != nil || d != NewDate(2024, 2, 29) {
		t.Errorf("leap day = %v, %v", d, err)
	}
}

func TestFormatBE(t *testing.T) {
	d := NewDate(2024, time.September, 30)
	for got, want := range map[string]string{
		FormatBE(d):      "30 ก.ย. 2567",
		FormatBELong(d):  "30 กันยายน 2567",
		FormatBESlash(d): "30/09/2567",
		d.String():       "2024-09-30",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	// Round trip: what we print, we read back.
	for _, s := range []string{FormatBE(d), FormatBELong(d), FormatBESlash(d), ASCIIToThaiDigits(FormatBE(d))} {
		if back, err := ParseThaiDate(s); err != nil || back != d {
			t.Errorf("round trip %q = %v, %v", s, back, err)
		}
	}
}

func TestDateFromSerial(t *testing.T) {
	// 45366 is 15 Mar 2024 in the 1900 date system.
	if d, err := DateFromSerial(45366); err != nil || d != NewDate(2024, 3, 15) {
		t.Errorf("DateFromSerial(45366) = %v, %v", d, err)
	}
	// A clerk typed 15/03/2567 into a date cell: the sheet stores year 2567 CE.
	serial := float64(NewDate(1899, 12, 30).DaysUntil(NewDate(2567, 3, 15)))
	if d, err := DateFromSerial(serial); err != nil || d != NewDate(2024, 3, 15) {
		t.Errorf("BE typed in a date cell = %v, %v", d, err)
	}
	if _, err := DateFromSerial(-3); err == nil {
		t.Error("negative serial accepted")
	}
}

func TestFiscalYearAndDays(t *testing.T) {
	if y := FiscalYearBE(NewDate(2023, 10, 1)); y != 2567 {
		t.Errorf("FY of 1 Oct 2023 = %d", y)
	}
	if y := FiscalYearBE(NewDate(2024, 9, 30)); y != 2567 {
		t.Errorf("FY of 30 Sep 2024 = %d", y)
	}
	if n := NewDate(2024, 3, 1).DaysUntil(NewDate(2024, 9, 30)); n != 213 {
		t.Errorf("days 1 Mar → 30 Sep 2024 = %d", n)
	}
	if NewDate(2024, 1, 1).Key() >= (Date{}).Key() {
		t.Error("a missing date must sort after real ones")
	}
}

func FuzzParseThaiDate(f *testing.F) {
	for _, s := range []string{"15 มี.ค. 2567", "๑๕/๓/๖๗", "2024-03-15", "31/02/2567", "วันที่", "1/1/99999", "15มี.ค.2567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseThaiDate(s)
		if err != nil || d.IsZero() {
			return
		}
		if d.Year < 1900 || d.Year > 2200 {
			t.Fatalf("%q read as implausible year %d", s, d.Year)
		}
		back, err := ParseThaiDate(FormatBE(d))
		if err != nil || back != d {
			t.Fatalf("%q → %v does not round-trip through %q", s, d, FormatBE(d))
		}
	})
}

func FuzzDateFromSerial(f *testing.F) {
	for _, v := range []float64{45366, 0, -1, 1e300, 244000.5} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		d, err := DateFromSerial(v)
		if err == nil && (d.Year < 1899 || d.Year > 2700) {
			t.Fatalf("serial %v gave %v", v, d)
		}
	})
}

func FuzzParseISODate(f *testing.F) {
	f.Add("2024-09-30")
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseISODate(s); err == nil && !d.IsZero() && d.String() != s {
			if back, _ := ParseISODate(d.String()); back != d {
				t.Fatalf("%q → %v does not round-trip", s, d)
			}
		}
	})
}
