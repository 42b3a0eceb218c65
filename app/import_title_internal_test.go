package app

import "testing"

// The date part of a title as the district wrote it: the template's dots
// and hint around it go, a month's own dot stays.
func TestTitleValue(t *testing.T) {
	for in, want := range map[string]string{
		" ....................  (ด้าน ปัญหา สถานะ: เช่น 1 ธ.ค. 2569)": "",
		" ....20 พ.ย. 2569.......  (ด้าน ปัญหา)":                      "20 พ.ย. 2569",
		": 20/11/2569":         "20/11/2569",
		" สิ้นเดือน พ.ย.":      "สิ้นเดือน พ.ย.",
		" …… 20 พ.ย. 2569 ___": "20 พ.ย. 2569",
		" ":                    "",
	} {
		if got := titleValue(in); got != want {
			t.Errorf("titleValue(%q) = %q, want %q", in, got, want)
		}
	}
}
