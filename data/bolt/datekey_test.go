package bolt

import (
	"testing"

	"qmdesk/data"
)

// parseDateKey reads a counter's day key as ParseISODate reads the same
// day with dashes, whatever the bytes (a damaged file can hold any): the
// same day, or an error, never a panic.
func FuzzParseDateKey(f *testing.F) {
	for _, s := range []string{"20240801", "99999999", "20240230", "00000101", "2024080", "2024-8-1", "202408011", "2O240801", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseDateKey(s)
		if len(s) < 8 {
			if err == nil && s != "" {
				t.Errorf("%q read as %v", s, got)
			}
			return
		}
		if s == "99999999" {
			if err != nil || !got.IsZero() {
				t.Errorf("no day read as %v, %v", got, err)
			}
			return
		}
		want, werr := data.ParseISODate(s[:4] + "-" + s[4:6] + "-" + s[6:8])
		if got != want || (err == nil) != (werr == nil) {
			t.Errorf("%q: %v, %v; ParseISODate: %v, %v", s, got, err, want, werr)
		}
	})
}
