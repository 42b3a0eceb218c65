package app_test

import (
	"context"
	"strings"
	"testing"

	"qmdesk/app"
	"qmdesk/data"
)

// fakeSource hands a head, then one household.
type fakeSource struct{ head data.CopyHead }

func (f fakeSource) CopyOut(ctx context.Context, w data.CopyWriter) error {
	if err := w.Head(ctx, f.head); err != nil {
		return err
	}
	return w.Households(ctx, []data.Bundle{{Household: data.Household{ID: 1}}})
}

// fakeTarget records what reached it.
type fakeTarget struct{ heads, households int }

func (f *fakeTarget) CopyIn(ctx context.Context, fill func(w data.CopyWriter) error) (data.CopyReport, error) {
	return data.CopyReport{}, fill(f)
}
func (f *fakeTarget) Head(ctx context.Context, h data.CopyHead) error { f.heads++; return nil }
func (f *fakeTarget) Households(ctx context.Context, b []data.Bundle) error {
	f.households++
	return nil
}
func (f *fakeTarget) Audit(ctx context.Context, e []data.AuditEntry) error { return nil }

// A province with rows waiting for review is refused before anything
// reaches the destination; without them the copy goes through.
func TestCopyRefusesPendingReviews(t *testing.T) {
	ctx := context.Background()
	dst := &fakeTarget{}
	_, err := app.CopyProvince(ctx, fakeSource{data.CopyHead{PendingReviews: 2, Sizes: data.Sizes{Households: 1}}}, dst, nil)
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "qmdesk review") || dst.heads+dst.households > 0 {
		t.Fatalf("pending reviews: %v, the destination got %+v", err, dst)
	}
	t.Log(data.ErrorMessage(err))
	var told [][2]int64
	if _, err := app.CopyProvince(ctx, fakeSource{data.CopyHead{Sizes: data.Sizes{Households: 1}}}, dst, func(done, total int64) { told = append(told, [2]int64{done, total}) }); err != nil || dst.heads != 1 || dst.households != 1 {
		t.Fatalf("no pending reviews: %v, the destination got %+v", err, dst)
	}
	if len(told) != 2 || told[1] != [2]int64{1, 1} {
		t.Errorf("progress %v", told)
	}
}
