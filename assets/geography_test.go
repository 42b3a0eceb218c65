package assets_test

import (
	"testing"

	"qmdesk/assets"
)

// No two amphoe of a province share an English name (an English window
// would list two under one name), but for the one real homonym; see
// geography/CHANGES.md.
func TestAmphoeEnglishNamesAreDistinct(t *testing.T) {
	geo, err := assets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	homonyms := map[string]bool{"Bang Sai": true} // บางไทร and บางซ้าย, Ayutthaya
	for _, p := range geo.Provinces() {
		seen := map[string]string{}
		for _, a := range geo.AmphoesOf(p.Code) {
			if other, dup := seen[a.English]; dup && !homonyms[a.English] {
				t.Errorf("%s: %s and %s are both %q", p.Thai, other, a.Thai, a.English)
			}
			seen[a.English] = a.Thai
		}
	}
	if a, _ := geo.Amphoe("4106"); a.English != "Nong Han" {
		t.Errorf("4106 หนองหาน is %q in English", a.English)
	}
}
