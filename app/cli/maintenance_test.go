package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	bbolt "go.etcd.io/bbolt"

	"qmdesk/app/cli"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

// Repair and rounds: the upkeep of a database over the years.

// A database holding the record of issue 9 (a solved problem dated
// -001-11-30): check names it, repair mends it after a backup, check is
// clean afterwards.
func TestRepairAfterTheYearZeroStatusChange(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if r := qmdesk(t, "demo", "--province", "41", "--households", "200", "--db", db); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	raw, err := bbolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	damaged := ""
	err = raw.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("problems"))
		date := regexp.MustCompile(`"resolved_on":"\d{4}-\d\d-\d\d"`)
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var p data.Problem
			if data.DecodeProblem(v, &p) != nil || p.ResolvedOn.IsZero() {
				continue
			}
			// As that version wrote it, in the JSON of its layout (the
			// upgrade to the compact encoding keeps a record it cannot
			// read as it is).
			js, _ := json.Marshal(p)
			damaged = string(js)
			return b.Put(append([]byte(nil), k...), date.ReplaceAll(js, []byte(`"resolved_on":"-001-11-30"`)))
		}
		return nil
	})
	raw.Close()
	if err != nil || damaged == "" {
		t.Fatalf("no solved problem to damage: %v", err)
	}
	r := qmdesk(t, "check", "--db", db)
	if r.code != 1 || !regexp.MustCompile(`problem \d+ unreadable: .*-001-11-30`).MatchString(r.stdout) || !strings.Contains(r.stderr, "qmdesk repair") {
		t.Fatalf("check on the damaged file: %+v", r)
	}
	r = qmdesk(t, "repair", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "สำรองไฟล์ก่อนซ่อมไว้ที่ "+filepath.Join(dir, "backups")) || !strings.Contains(r.stdout, "ซ่อมแล้ว: ปัญหาเลขที่") {
		t.Fatalf("repair: %+v", r)
	}
	if r := qmdesk(t, "check", "--db", db); r.code != 0 {
		t.Fatalf("check after repair: %+v", r)
	}
	if r := qmdesk(t, "summary", "--json", "--db", db); r.code != 0 {
		t.Fatalf("summary after repair: %+v", r)
	}
}

// The round of the letter ended long ago: a new round takes over, with the
// open problems carried into it, and the old one keeps its figures.
func TestNewRoundFromTheCommandLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qm.db")
	if r := qmdesk(t, "demo", "--province", "41", "--households", "200", "--db", db); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	before := qmdesk(t, "summary", "--json", "--round", "1", "--db", db)
	r := qmdesk(t, "round", "new", "--name", "ติดตามต่อเนื่อง 2568", "--start", "1 ต.ค. 2567", "--deadline", "30 ก.ย. 2568", "--carry", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "ยกปัญหาที่ยังค้างจากรอบ Re-X-Ray 2567") {
		t.Fatalf("round new: %+v", r)
	}
	if r := qmdesk(t, "round", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "ติดตามต่อเนื่อง 2568") || !strings.Contains(r.stdout, "รอบปัจจุบัน") {
		t.Fatalf("round list: %+v", r)
	}
	after := qmdesk(t, "summary", "--json", "--round", "1", "--db", db)
	carried := regexp.MustCompile(`"carried": \d+`)
	if carried.ReplaceAllString(after.stdout, "") != carried.ReplaceAllString(before.stdout, "") {
		t.Errorf("the old round's figures changed:\n%s\n%s", before.stdout, after.stdout)
	}
	var cur struct {
		Round  string `json:"round"`
		Totals struct {
			Target     int64 `json:"target"`
			NotStarted int64 `json:"not_started"`
			InProgress int64 `json:"in_progress"`
		} `json:"totals"`
	}
	var old struct {
		Totals struct {
			NotStarted int64 `json:"not_started"`
			InProgress int64 `json:"in_progress"`
		} `json:"totals"`
	}
	json.Unmarshal([]byte(qmdesk(t, "summary", "--json", "--db", db).stdout), &cur)
	json.Unmarshal([]byte(before.stdout), &old)
	if cur.Round != "ติดตามต่อเนื่อง 2568" || cur.Totals.Target != old.Totals.NotStarted+old.Totals.InProgress || cur.Totals.Target == 0 {
		t.Errorf("the new round: %+v; want the old round's %d open problems", cur, old.Totals.NotStarted+old.Totals.InProgress)
	}
	var oldAfter struct {
		Totals struct{ Carried int64 } `json:"totals"`
	}
	json.Unmarshal([]byte(after.stdout), &oldAfter)
	if oldAfter.Totals.Carried != cur.Totals.Target {
		t.Errorf("the old round says %d carried, the new round holds %d", oldAfter.Totals.Carried, cur.Totals.Target)
	}
	if r := qmdesk(t, "round", "carry", "--from", "1", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "ติดตามต่อ 0 ปัญหา") {
		t.Errorf("carrying again: %+v", r)
	}
	if r := qmdesk(t, "check", "--db", db); r.code != 0 {
		t.Errorf("check: %+v", r)
	}
}

// The command line's side of issue 9's Monday–Wednesday workbook.
func TestReviewKeepFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	db, wb := filepath.Join(dir, "qm.db"), filepath.Join(dir, "f.xlsx")
	if r := qmdesk(t, "demo", "--province", "41", "--households", "200", "--db", db); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	if r := qmdesk(t, "export", "followup", "--amphoe", "เมือง", wb, "--db", db); r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	s, err := bolt.Open(db, bolt.Options{Clock: data.FixedClock(time.Date(2024, 8, 2, 9, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	ctx := data.WithOperator(context.Background(), "สมใจ")
	ps, _ := s.Problems(ctx, data.ProblemFilter{RoundID: 1, AreaCode: "4101", Status: data.InProgress, Limit: 1})
	if err := s.AddAction(ctx, &data.Action{ProblemID: ps[0].ID, Date: data.NewDate(2024, 8, 2), What: "ยุติ", Result: data.Closed, Note: "ย้ายออก"}); err != nil {
		t.Fatal(err)
	}
	h, _ := s.Household(ctx, ps[0].HouseholdID)
	s.Close()
	// The district writes that the problem was solved.
	f, err := excelize.OpenFile(wb)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("ข้อมูล")
	for i, row := range rows {
		if len(row) > 16 && row[1] == h.HouseCode && row[16] == ps[0].SubProblem {
			f.SetCellValue("ข้อมูล", "T"+strconv.Itoa(i+1), "แก้ไขแล้ว")
		}
	}
	f.Save()
	f.Close()
	r := qmdesk(t, "import", wb, "--db", db)
	if r.code != cli.ExitSomeRows || !strings.Contains(r.stdout, "รอตรวจสอบ 1") || !strings.Contains(r.stdout, "ในโปรแกรม 'ยุติ'") {
		t.Fatalf("import: %+v", r)
	}
	r = qmdesk(t, "review", "--db", db)
	if !strings.Contains(r.stdout, "--keep") || !strings.Contains(r.stdout, "แก้ไขโดย สมใจ") || !strings.Contains(r.stdout, " · "+h.Head.FullName()+" · ") {
		t.Fatalf("review list: %+v", r)
	}
	keep := regexp.MustCompile(`--keep (\d+)`).FindStringSubmatch(r.stdout)
	if r := qmdesk(t, "review", "1", "--keep", keep[1], "--db", db); r.code != 0 {
		t.Fatalf("review --keep: %+v", r)
	}
	s, _ = bolt.Open(db, bolt.Options{ReadOnly: true})
	defer s.Close()
	if p, _ := s.Problem(ctx, ps[0].ID); p.Status != data.Closed {
		t.Errorf("after --keep: %s", p.Status.Thai())
	}
}

// A database that is cut short, empty, not a database, damaged in its
// pages or changed behind the program's back: every command that opens it
// ends with exit 1 and a Thai message that says what to do (restore a
// backup, or repair), never a crash or a Go stack; a restore from such a
// file is refused and leaves the database as it was.
func TestDamagedDatabaseFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	if r := qmdesk(t, "demo", "--province", "41", "--households", "300", "--db", good); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	whole, _ := os.ReadFile(good)
	var used int64
	var leaves []int                                         // the file's leaf pages by bbolt's account
	if db, err := bbolt.Open(good, 0o600, nil); err != nil { // for writing: bbolt loads the free list and tells free pages apart
		t.Fatal(err)
	} else {
		db.View(func(tx *bbolt.Tx) error {
			used = tx.Size()
			for id := 2; ; id++ {
				p, err := tx.Page(id)
				if err != nil || p == nil {
					return nil
				}
				if p.Type == "leaf" {
					leaves = append(leaves, id)
				}
			}
		})
		db.Close()
	}
	// The middle leaf page zeroed: the page's own header and elements, not
	// the second page of a leaf that spans two (its bytes are values, sums
	// blocks among them, which repair can sum anew: a different damage).
	zeroed := bytes.Clone(whole)
	clear(zeroed[leaves[len(leaves)/2]*4096:][:4096])
	clean := func(r run) bool {
		return !strings.Contains(r.stderr+r.stdout, "goroutine") && !strings.Contains(r.stderr+r.stdout, "panic") && strings.Contains(r.stderr, "ผิดพลาด: ")
	}
	for _, tc := range []struct {
		name    string
		content []byte
		says    string // in the message of every command
	}{
		{"cut", whole[:used/2], "qmdesk restore"},
		{"empty", nil, "ว่างเปล่า"},
		{"workbook", []byte("PK\x03\x04\x14\x00 a workbook"), "Excel"},
		{"zeroed", zeroed, "qmdesk restore"},
	} {
		db := filepath.Join(dir, tc.name+".db")
		os.WriteFile(db, tc.content, 0o600)
		for _, args := range [][]string{{"check"}, {"repair"}, {"summary"}, {"imports"}} {
			r := qmdesk(t, append(args, "--db", db)...)
			if r.code == 0 && tc.name == "zeroed" && args[0] != "check" && args[0] != "repair" {
				continue // a damaged page these commands do not read (check finds it)
			}
			if r.code != cli.ExitFailure || !clean(r) || (!strings.Contains(r.stderr, tc.says) && !(tc.name == "zeroed" && args[0] == "check" && strings.Contains(r.stderr, "qmdesk repair"))) {
				t.Errorf("%s %s: %+v", args[0], tc.name, r)
			}
		}
		if got, _ := os.ReadFile(db); !bytes.Equal(got, tc.content) && tc.name != "zeroed" {
			t.Errorf("%s: the commands changed the file", tc.name)
		}
		live := filepath.Join(dir, "live-"+tc.name+".db")
		os.WriteFile(live, whole, 0o600)
		if r := qmdesk(t, "restore", db, "--db", live); r.code != cli.ExitFailure || !clean(r) {
			t.Errorf("restore from %s: %+v", tc.name, r)
		}
		if got, _ := os.ReadFile(live); !bytes.Equal(got, whole) {
			t.Errorf("restore from %s changed the database", tc.name)
		}
	}

	// A household's origin changed behind the program's back: the record
	// still reads, the counters do not use the origin; its checksum
	// tells. Repair keeps it as found and names it for the clerk.
	raw, err := bbolt.Open(good, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("households"))
		k, v := b.Cursor().First()
		var h data.Household
		if err := data.DecodeHousehold(v, &h); err != nil {
			return err
		}
		h.Origin = 3
		v, err := data.AppendHousehold(nil, &h)
		if err != nil {
			return err
		}
		return b.Put(bytes.Clone(k), v)
	})
	raw.Close()
	r := qmdesk(t, "check", "--db", good)
	if r.code != cli.ExitFailure || !strings.Contains(r.stdout, "household 1: its content differs from its checksum") || !strings.Contains(r.stderr, "qmdesk repair") {
		t.Fatalf("check of a changed record: %+v", r)
	}
	r = qmdesk(t, "repair", "--db", good)
	if r.code != 0 || !strings.Contains(r.stdout, "ซ่อมแล้ว: ครัวเรือนเลขที่ 1: เนื้อหาไม่ตรงกับที่โปรแกรมบันทึกไว้") {
		t.Fatalf("repair of a changed record: %+v", r)
	}
	if r := qmdesk(t, "check", "--db", good); r.code != 0 {
		t.Fatalf("check after repair: %+v", r)
	}
}
