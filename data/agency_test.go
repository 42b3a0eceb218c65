package data

import "testing"

func TestAgencyKeyCountsOneAgencyTypedThreeWaysOnce(t *testing.T) {
	for _, group := range [][]string{
		{"อบต.บ้านใหม่", "อบต. บ้านใหม่", "องค์การบริหารส่วนตำบลบ้านใหม่", " อบต บ้านใหม่ ", "องค์การบริหารส่วนตำบล บ้านใหม่"},
		{"รพ.สต.โนนสูง", "รพ.สต. โนนสูง", "โรงพยาบาลส่งเสริมสุขภาพตำบลโนนสูง", "รพสต โนนสูง"},
		{"พมจ.", "พมจ", "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด"},
		{"ธ.ก.ส.", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร"},
	} {
		for _, n := range group[1:] {
			if AgencyKey(n) != AgencyKey(group[0]) {
				t.Errorf("%q → %q, %q → %q: not one agency", n, AgencyKey(n), group[0], AgencyKey(group[0]))
			}
		}
	}
	// รพ.สต. is not รพ.; a word that starts like an abbreviation is a word.
	if AgencyKey("รพ.สต.โนนสูง") == AgencyKey("รพ.โนนสูง") {
		t.Error("รพ.สต. read as รพ.")
	}
	if got := ExpandAgency("ทนายความอาสา"); got != "ทนายความอาสา" {
		t.Errorf("a word starting with ทน read as an abbreviation: %q", got)
	}
	if AgencyKey("  ") != "" {
		t.Error("a blank name has a key")
	}
}

func TestAgencyAliasesMergeAndRefuseCircles(t *testing.T) {
	a := AgencyAliases{}
	if err := a.Merge("อบต.บ้านใหม่", "อบต. บ้านใหม่"); ErrorCode(err) != EINVALID {
		t.Errorf("merging a name into its own spelling: %v", err)
	}
	if err := a.Merge("อบต.นาดี", "องค์การบริหารส่วนตำบลบ้านใหม่"); err != nil {
		t.Fatal(err)
	}
	if a.Resolve("อบต. นาดี") != AgencyKey("อบต.บ้านใหม่") {
		t.Errorf("merged name resolves to %q", a.Resolve("อบต. นาดี"))
	}
	if err := a.Merge("อบต.บ้านใหม่", "อบต.นาดี"); ErrorCode(err) != EINVALID {
		t.Errorf("a circle was accepted: %v", err)
	}
	if err := a.Merge("", "อบต.นาดี"); ErrorCode(err) != EINVALID {
		t.Errorf("a blank name was accepted: %v", err)
	}
}
