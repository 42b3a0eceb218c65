package app

import "testing"

// House codes and IDs kept as numbers stay apart when only their leading
// zeros or their length differ, and text that is not digits still finds
// its household.
func TestDigitKeys(t *testing.T) {
	var m digitKeys
	keys := []string{"41010000001", "041010000001", "1", "01", "001", "4101-0000001", "x", "12345678901234567", "123456789012345678"}
	for i, k := range keys {
		m.set(k, i)
	}
	for i, k := range keys {
		if ref, ok := m.get(k); !ok || ref != i {
			t.Errorf("%q: %d, %v", k, ref, ok)
		}
	}
	if _, ok := m.get("0001"); ok {
		t.Error("0001 found")
	}
}
