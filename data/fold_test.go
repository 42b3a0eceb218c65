package data

import (
	"reflect"
	"testing"
)

// A province's fold sums two tambons of an amphoe into one row, leaves
// the municipalities' rows out, keeps only the overdue counts, dated by
// the latest of their days; a municipality's fold keeps its rows alone.
func TestCountsFold(t *testing.T) {
	rc := RoundCounts{
		Status: []StatusCount{
			{Tambon: "410101", Category: 1, Status: NotStarted, N: 2},
			{Tambon: "410101", Category: 1, Status: NotStarted, Urgent: true, N: 1},
			{Tambon: "410102", Category: 1, Status: NotStarted, N: 3},
			{Tambon: "410201", Category: 1, Status: NotStarted, N: 5},
			{Tambon: "M00001", Category: 1, Status: NotStarted, N: 4},
		},
		Households: []HouseholdCount{{Tambon: "410101", N: 2}, {Tambon: "410102", N: 1}, {Tambon: "M00001", N: 9}},
		Due: []DueCount{
			{Target: NewDate(2024, 7, 1), Tambon: "410102", Category: 2, N: 1},
			{Target: NewDate(2024, 7, 20), Tambon: "410101", Category: 2, N: 2},
			{Target: NewDate(2024, 8, 1), Tambon: "410101", Category: 2, N: 7}, // not before 1 Aug
			{Tambon: "410101", Category: 2, N: 8},                              // no target day
			{Target: NewDate(2024, 6, 1), Tambon: "M00001", Category: 2, N: 6},
		},
		NewCases: []NewCaseCount{{Tambon: "410201", Category: 3, Group: 2, N: 1}},
	}
	due := NewDate(2024, 8, 1)
	got := CountsFold{Cut: 4}.Apply(rc, due)
	want := RoundCounts{
		Status: []StatusCount{
			{Tambon: "4101", Category: 1, Status: NotStarted, N: 5},
			{Tambon: "4101", Category: 1, Status: NotStarted, Urgent: true, N: 1},
			{Tambon: "4102", Category: 1, Status: NotStarted, N: 5},
		},
		Households: []HouseholdCount{{Tambon: "4101", N: 3}},
		Due:        []DueCount{{Target: NewDate(2024, 7, 20), Tambon: "4101", Category: 2, N: 3}},
		NewCases:   []NewCaseCount{{Tambon: "4102", Category: 3, Group: 2, N: 1}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the province's fold:\n got %+v\nwant %+v", got, want)
	}
	got = CountsFold{Area: "410101", Cut: 6}.Apply(rc, due)
	if len(got.Status) != 2 || got.Status[0].N != 2 || len(got.Due) != 1 || got.Due[0].N != 2 || len(got.NewCases) != 0 {
		t.Errorf("a tambon's fold: %+v", got)
	}
	got = CountsFold{Units: true, Area: "M00001"}.Apply(rc, due)
	want = RoundCounts{
		Status:     []StatusCount{{Tambon: "M00001", Category: 1, Status: NotStarted, N: 4}},
		Households: []HouseholdCount{{Tambon: "M00001", N: 9}},
		Due:        []DueCount{{Target: NewDate(2024, 6, 1), Tambon: "M00001", Category: 2, N: 6}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("a municipality's fold:\n got %+v\nwant %+v", got, want)
	}
}

// The history of a round that has ended folds to two rows an area: up to
// the deadline (undated rows too) and after it, each dated by its latest
// day.
func TestCountsFoldHistory(t *testing.T) {
	deadline := NewDate(2024, 9, 30)
	h := RoundHistory{
		Added: []DateCount{
			{Tambon: "410101", N: 5}, // from the survey
			{Date: NewDate(2024, 5, 1), Tambon: "410102", N: 2},
			{Date: NewDate(2024, 10, 3), Tambon: "410101", N: 1},
			{Date: NewDate(2024, 11, 3), Tambon: "410201", N: 4},
			{Date: NewDate(2024, 5, 2), Tambon: "M00001", N: 9},
		},
		Resolved: []DateCount{{Date: NewDate(2024, 9, 30), Tambon: "410101", N: 3}, {Tambon: "410102", N: 1}},
	}
	got := CountsFold{Cut: 4}.ApplyHistory(h, deadline)
	want := RoundHistory{
		Added: []DateCount{
			{Date: NewDate(2024, 5, 1), Tambon: "4101", N: 7},
			{Date: NewDate(2024, 10, 3), Tambon: "4101", N: 1},
			{Date: NewDate(2024, 11, 3), Tambon: "4102", N: 4},
		},
		Resolved: []DateCount{{Date: NewDate(2024, 9, 30), Tambon: "4101", N: 4}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the province's history:\n got %+v\nwant %+v", got, want)
	}
	got = CountsFold{Units: true}.ApplyHistory(h, deadline)
	if len(got.Added) != 1 || got.Added[0].N != 9 || got.Resolved != nil {
		t.Errorf("the municipalities' history: %+v", got)
	}
}
