package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	bbolt "go.etcd.io/bbolt"

	release "qmdesk"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

// These tests run the program as a clerk does: the real main, with the
// real clock and no overrides. With QMDESK_BIN set (make test sets it to
// the binary make build wrote) they run that file; otherwise this test
// binary runs main itself.

const runMainVar = "QMDESK_TEST_RUN_MAIN"

// configDir stands for the clerk's settings folder, where the program
// keeps the key of the audit log: the tests never touch the real one.
var configDir string

func TestMain(m *testing.M) {
	if os.Getenv(runMainVar) == "1" {
		main() // exits
	}
	dir, err := os.MkdirTemp("", "qmdesk-config-")
	if err != nil {
		panic(err)
	}
	configDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// qmdesk runs the program with the environment of a clerk's session:
// QMDESK_TODAY and QMDESK_DB unset unless extra sets them.
func qmdesk(t *testing.T, extra []string, args ...string) result {
	t.Helper()
	cmd := clerkCommand(extra, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("qmdesk %v: %v", args, err)
	}
	return result{code, out.String(), errOut.String()}
}

// clerkCommand is the program with args in a clerk's session (see
// qmdesk), not started.
func clerkCommand(extra []string, args ...string) *exec.Cmd {
	bin := os.Getenv("QMDESK_BIN")
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "QMDESK_") {
			env = append(env, kv)
		}
	}
	if bin == "" {
		bin = os.Args[0]
		env = append(env, runMainVar+"=1")
	}
	// os.UserConfigDir reads these: the key folder goes to configDir.
	env = append(env, "XDG_CONFIG_HOME="+configDir, "APPDATA="+configDir)
	if runtime.GOOS == "darwin" {
		env = append(env, "HOME="+configDir)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(env, extra...)
	return cmd
}

type summary struct {
	AsOf           data.Date `json:"as_of"`
	Deadline       data.Date `json:"deadline"`
	DaysLeft       int       `json:"days_left"`
	DaysOverdue    int       `json:"days_overdue"`
	DaysSinceStart int       `json:"days_since_start"`
	Totals         struct {
		Target, Overdue int64
		NotStarted      int64 `json:"not_started"`
		InProgress      int64 `json:"in_progress"`
	} `json:"totals"`
}

func readSummary(t *testing.T, r result) summary {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("summary: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var s summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("summary --json: %v\n%s", err, r.stdout)
	}
	return s
}

func thaiToday() data.Date { return data.DateOf(time.Now()) }

func TestTodayIsTheRealThaiDayWithoutOverrides(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qm.db")
	if r := qmdesk(t, nil, "init", "--province", "41", "--db", db); r.code != 0 {
		t.Fatalf("init: %d %s", r.code, r.stderr)
	}
	before := thaiToday()
	s := readSummary(t, qmdesk(t, nil, "summary", "--json", "--db", db))
	if s.AsOf != before && s.AsOf != thaiToday() {
		t.Fatalf("as_of = %v, want today in Thailand (%v)", s.AsOf, before)
	}
	if s.DaysLeft != max(0, s.AsOf.DaysUntil(s.Deadline)+1) || s.DaysOverdue != max(0, s.Deadline.DaysUntil(s.AsOf)) {
		t.Errorf("days_left %d, days_overdue %d: not the deadline %v seen from %v", s.DaysLeft, s.DaysOverdue, s.Deadline, s.AsOf)
	}
}

// The program says the version FyneApp.toml gives, however it was built
// (go build, make build; make windows checks the .exe's resources).
func TestVersionIsFyneApps(t *testing.T) {
	text, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := release.ReadMetadata(text)
	if err != nil {
		t.Fatal(err)
	}
	if r := qmdesk(t, nil, "version"); r.code != 0 || r.stdout != "qmdesk "+m.Details.Version+"\n" {
		t.Errorf("qmdesk version: exit %d, %q; want qmdesk %s", r.code, r.stdout, m.Details.Version)
	}
}

func TestTrainingDayMovesEverything(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qm.db")
	day := []string{"QMDESK_TODAY=2024-08-15"}
	if r := qmdesk(t, day, "init", "--province", "41", "--db", db); r.code != 0 {
		t.Fatalf("init: %d %s", r.code, r.stderr)
	}
	s := readSummary(t, qmdesk(t, day, "summary", "--json", "--db", db))
	if s.AsOf != data.NewDate(2024, 8, 15) || s.DaysLeft != 47 || s.DaysOverdue != 0 {
		t.Errorf("on 15 Aug 2567: as_of %v, days_left %d, overdue %d; want 2024-08-15, 47 (today and the deadline day included), 0", s.AsOf, s.DaysLeft, s.DaysOverdue)
	}
}

func TestABadTrainingDayIsRefusedAtStart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "qm.db")
	for _, v := range []string{"yesterday", "2024-02-30", "0000-01-01"} {
		r := qmdesk(t, []string{"QMDESK_TODAY=" + v}, "init", "--province", "41", "--db", db)
		if r.code != 2 || !strings.Contains(r.stderr, "QMDESK_TODAY") {
			t.Errorf("QMDESK_TODAY=%s: exit %d, stderr %q; want 2 naming the variable", v, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a database was created although the clock was refused")
	}
}

// A clerk's first day, long after the round Re-X-Ray 2567 ended: demo
// data, the summary, a follow-up workbook, its re-import and a check.
func TestAClerksDayOnTheRealDate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if r := qmdesk(t, nil, "demo", "--province", "41", "--households", "300", "--db", db); r.code != 0 {
		t.Fatalf("demo: %d %s", r.code, r.stderr)
	}
	s := readSummary(t, qmdesk(t, nil, "summary", "--json", "--db", db))
	today := thaiToday()
	if s.AsOf != today && s.AsOf != today.AddDays(-1) {
		t.Fatalf("as_of %v, want %v", s.AsOf, today)
	}
	if today.After(s.Deadline) {
		if s.DaysOverdue != s.Deadline.DaysUntil(s.AsOf) || s.DaysLeft != 0 {
			t.Errorf("round over: days_overdue %d, days_left %d; want %d", s.DaysOverdue, s.DaysLeft, s.Deadline.DaysUntil(s.AsOf))
		}
		if open := s.Totals.NotStarted + s.Totals.InProgress; s.Totals.Overdue != open || open == 0 {
			t.Errorf("round over: overdue %d, want every open problem (%d)", s.Totals.Overdue, open)
		}
	}
	text := qmdesk(t, nil, "summary", "--db", db)
	if strings.Contains(text.stdout, "ยังไม่เริ่ม") || strings.Contains(text.stdout, " 542") {
		t.Errorf("summary on the real date:\n%s", text.stdout)
	}
	wb := filepath.Join(dir, "ติดตาม เมือง.xlsx")
	if r := qmdesk(t, nil, "export", "followup", "--amphoe", "เมือง", wb, "--db", db); r.code != 0 {
		t.Fatalf("export followup: %d %s", r.code, r.stderr)
	}
	f, err := excelize.OpenFile(wb)
	if err != nil {
		t.Fatal(err)
	}
	title, _ := f.GetCellValue("ข้อมูล", "A1")
	asOf, _ := f.GetCellValue("ข้อมูล", "A2")
	f.Close()
	if today.After(s.Deadline) && !strings.Contains(title, "สิ้นสุดแล้วเมื่อ 30 ก.ย. 2567") || !strings.Contains(asOf, "ข้อมูล ณ "+data.FormatBE(today)) {
		t.Errorf("follow-up workbook on the real date: %q / %q", title, asOf)
	}
	// The import is recorded under the name the clerk gave in the window
	// (its settings), not the computer's account.
	prefs := filepath.Join(configDir, "fyne", appID, "preferences.json")
	if err := os.MkdirAll(filepath.Dir(prefs), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prefs, []byte(`{"operator":"สมศรี ใจดี","language":"th"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(prefs) })
	r := qmdesk(t, nil, "import", "--json", wb, "--db", db)
	if r.code != 0 {
		t.Fatalf("re-import of the follow-up workbook: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := qmdesk(t, nil, "imports", "--db", db); !strings.Contains(r.stdout, "สมศรี ใจดี") {
		t.Errorf("the import is not recorded under the clerk's name:\n%s%s", r.stdout, r.stderr)
	}
	var got struct {
		Rows, Unchanged int
		Updated         int `json:"updated"`
		NewHouseholds   int `json:"new_households"`
		NewProblems     int `json:"new_problems"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err, r.stdout)
	}
	if got.Rows == 0 || got.Unchanged != got.Rows {
		t.Errorf("re-import of an unchanged follow-up workbook: %+v, want every row unchanged", got)
	}
	// A household the district adds to the ended round: the dry run
	// says its problem would be overdue the day it comes in.
	if today.After(s.Deadline) {
		f, err := excelize.OpenFile(wb)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("ข้อมูล")
		last := rows[len(rows)-1]
		next := len(rows) + 1
		for i, v := range last[:min(len(last), 25)] {
			cell, _ := excelize.CoordinatesToCellName(i+1, next)
			f.SetCellValue("ข้อมูล", cell, v)
		}
		f.SetCellValue("ข้อมูล", "B"+strconv.Itoa(next), "41019999999")
		f.SetCellValue("ข้อมูล", "I"+strconv.Itoa(next), data.WithCheckDigit("310990000001"))
		f.SetCellValue("ข้อมูล", "K"+strconv.Itoa(next), "มาใหม่")
		f.Save()
		f.Close()
		r := qmdesk(t, nil, "import", "--dry-run", wb, "--db", db)
		if !strings.Contains(r.stdout, "ครัวเรือนใหม่ 1 ครัวเรือน") || !strings.Contains(r.stdout, "สิ้นสุดแล้วเมื่อ 30 ก.ย. 2567: ปัญหาที่เพิ่ม 1 ปัญหาจะเลยกำหนดทันที") {
			t.Errorf("a new problem for the ended round:\n%s%s", r.stdout, r.stderr)
		}
	}
	if r := qmdesk(t, nil, "check", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "ถูกต้องครบถ้วน") || strings.Contains(r.stdout, "หมายเหตุ") {
		t.Errorf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The audit log is sealed with the key in the settings folder and
	// anchored beside the database and beside the import's backup.
	backups, _ := filepath.Glob(filepath.Join(dir, "backups", "*.db"))
	if len(backups) == 0 {
		t.Error("no automatic backup before the import")
	}
	for _, p := range []string{filepath.Join(configDir, "qmdesk", "audit.key"), db + ".audit"} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("the seal of the audit log: %v", err)
		}
	}
	for _, b := range backups {
		if _, err := os.Stat(b + ".audit"); err != nil {
			t.Errorf("a backup without its anchor: %v", err)
		}
	}
}

// A database of an older layout is copied into backups beside it before
// the command upgrades it, and the clerk is told in Thai what is
// happening and where the copy is.
func TestAnOlderDatabaseIsCopiedBeforeItsUpgrade(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if r := qmdesk(t, nil, "init", "--province", "41", "--db", db); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	// The layout before the last one: its upgrade (the indexes in
	// blocks) has nothing to rewrite in an empty register.
	b, err := bbolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), binary.BigEndian.AppendUint64(nil, bolt.SchemaVersion-1))
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := qmdesk(t, nil, "summary", "--db", db)
	copies, _ := filepath.Glob(filepath.Join(dir, "backups", "before-upgrade-*.db"))
	if r.code != 0 || len(copies) != 1 || !strings.Contains(r.stderr, "กำลังปรับเป็นรูปแบบของรุ่นนี้") || !strings.Contains(r.stderr, "สำเนาของไฟล์เดิมก่อนปรับเก็บไว้ที่ "+copies[0]) {
		t.Fatalf("summary of an older database: %+v, copies %v", r, copies)
	}
	if r := qmdesk(t, nil, "summary", "--db", db); r.code != 0 || r.stderr != "" {
		t.Errorf("summary once upgraded: %+v", r)
	}
}
