package bolt

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// residentFileKB is how much of files mapped into this process is
// resident (RssFile).
func residentFileKB(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if f := bytes.Fields(line); len(f) >= 2 && string(f[0]) == "RssFile:" {
			n, _ := strconv.Atoi(string(f[1]))
			return n
		}
	}
	t.Skip("no RssFile in /proc/self/status")
	return 0
}

// After reading every record, the file's pages leave the resident set
// when released, and reading goes on unchanged.
func TestReleaseMappedPages(t *testing.T) {
	s, ctx := openTest(t)
	bundles := make([]data.Bundle, 0, 10000)
	for i := range 10000 {
		bundles = append(bundles, data.Bundle{Household: *newHousehold(i+1, "410101"), Problems: []data.ProblemBundle{
			{Problem: data.Problem{RoundID: 1, Category: 4, SubProblem: "หนี้สิน", SurveyYear: 2565, Detail: string(bytes.Repeat([]byte("รายละเอียด"), 20))}}}})
	}
	if err := s.Load(ctx, bundles); err != nil {
		t.Fatal(err)
	}
	if mappedSize(s.db) <= 0 {
		t.Fatal("bbolt's mapping size is not readable (field datasz): ReleaseMappedPages would do nothing")
	}
	var used int64
	readAll := func() {
		err := s.db.View(func(tx *bbolt.Tx) error {
			used = tx.Size()
			return tx.ForEach(func(_ []byte, b *bbolt.Bucket) error {
				return b.ForEach(func(k, v []byte) error { return nil })
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	readAll()
	before := residentFileKB(t)
	s.ReleaseMappedPages()
	after := residentFileKB(t)
	if drop := int64(before-after) << 10; drop < used/2 {
		t.Errorf("released %d KB of a %d KB file read whole (resident file pages %d KB → %d KB)", drop>>10, used>>10, before, after)
	}
	rep, err := s.Check(context.Background())
	if err != nil || !rep.OK() || rep.Households != 10000 {
		t.Fatalf("after release: %v %+v", err, rep)
	}
}
