package ui_test

import (
	"context"
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"qmdesk/data"
)

// TestRegisterFindsTheHeadSurnameFirst: typed into the register's search
// field, a head of household's name is found surname first and with the
// title and a blank, as well as in the order it is written.
func TestRegisterFindsTheHeadSurnameFirst(t *testing.T) {
	h := newHarness(t, 40)
	w := h.w
	var head data.Person
	var id uint64
	h.store.Walk(context.Background(), func(hh data.Household, _ []data.Problem) error {
		if id == 0 {
			head, id = hh.Head, hh.ID
		}
		return nil
	})
	for _, typed := range []string{head.FirstName + " " + head.LastName, head.LastName + " " + head.FirstName,
		head.Title + " " + head.FirstName + " " + head.LastName, head.Title + head.FirstName + head.LastName} {
		w.Households.Search.SetText("")
		test.Type(w.Households.Search, typed)
		w.WaitIdle()
		if !slices.Contains(w.Households.IDs, id) {
			t.Errorf("%q: household %d not in %v", typed, id, w.Households.IDs)
		}
	}
	w.Households.Search.SetText("")
	test.Type(w.Households.Search, head.LastName+" ไม่มีชื่อนี้")
	w.WaitIdle()
	if len(w.Households.IDs) != 0 {
		t.Errorf("a name no household has: %v", w.Households.IDs)
	}
}
