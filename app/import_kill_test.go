package app_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

const killImportEnv = "QMDESK_KILL_IMPORT" // "db|workbook"

// killImportChild plans a workbook, says so, and commits it.
func killImportChild(arg string) int {
	var db, book string
	fmt.Sscanf(arg, "%s %s", &db, &book)
	s, err := bolt.Open(db, bolt.Options{})
	if err != nil {
		fmt.Println("open:", err)
		return 1
	}
	geo, _ := assets.Geography()
	imp := &app.Importer{Store: s, Geo: geo}
	ctx := context.Background()
	rep, err := imp.Plan(ctx, book, "")
	if err != nil || rep.Refused != "" {
		fmt.Println("plan:", err, rep.Refused)
		return 1
	}
	fmt.Println("committing")
	if _, err := imp.Commit(ctx, rep); err != nil {
		fmt.Println("commit:", err)
		return 1
	}
	fmt.Println("committed")
	s.Close()
	return 0
}

// bigBook writes n template rows, one household each, with a stream writer.
func bigBook(t testing.TB, path string, n int) {
	f := excelize.NewFile()
	defer f.Close()
	sw, _ := f.NewStreamWriter("Sheet1")
	head := make([]any, len(templateHeader))
	for i, h := range templateHeader {
		head[i] = h
	}
	sw.SetRow("A1", head)
	for i := 0; i < n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := templateRow(i+1, fmt.Sprintf("4101%07d", i+1), bigID(i+1), "หมากแข้ง", "เมือง", i%7+1, subOf[i%7+1], "อยู่ระหว่างดำเนินการ", "15/07/2567", "")
		row[21], row[22] = "อบต.หมากแข้ง", "เยี่ยมบ้าน"
		sw.SetRow(cell, row)
	}
	sw.Flush()
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// subOf is a sub-problem of each category, from the default list.
var subOf = [8]string{"", "บ้านทรุดโทรม/ไม่มั่นคงถาวร", "ขาดแคลนน้ำใช้", "ขาดทุนการศึกษา", "หนี้สิน", "ไม่ปลอดภัยในชีวิตและทรัพย์สิน", "ผู้สูงอายุไม่มีผู้ดูแล", "อื่น ๆ"}

// bigID makes the n-th valid national ID for up to ten million rows.
func bigID(n int) string {
	return data.WithCheckDigit(fmt.Sprintf("31234%07d", n))
}

// TestKilledImportLeavesNothing kills a child process at several moments
// of a large import commit: the database opens, passes the check, and
// holds the whole workbook or none of it.
func TestKilledImportLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	exe, _ := os.Executable()
	dir := t.TempDir()
	book := filepath.Join(dir, "big.xlsx")
	const rows = 10000
	bigBook(t, book, rows)
	sawNone, sawAll := false, false
	for _, delay := range []time.Duration{0, 150 * time.Millisecond, 500 * time.Millisecond, -1} {
		db := filepath.Join(t.TempDir(), "qm.db")
		s, _ := bolt.Open(db, bolt.Options{})
		s.Init(context.Background(), "41", data.DefaultRound())
		s.Close()
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), killImportEnv+"="+db+" "+book)
		out, _ := cmd.StdoutPipe()
		cmd.Start()
		lines := bufio.NewScanner(out)
		if !lines.Scan() || lines.Text() != "committing" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child: %q", lines.Text())
		}
		if delay < 0 {
			lines.Scan()
		}
		time.Sleep(max(delay, 0))
		cmd.Process.Kill()
		cmd.Wait()
		s, err := bolt.Open(db, bolt.Options{})
		if err != nil {
			t.Fatalf("delay %v: %v", delay, err)
		}
		rep, _ := s.Check(context.Background())
		imports, _ := s.Imports(context.Background())
		s.Close()
		if !rep.OK() {
			t.Fatalf("delay %v: check %v", delay, rep.Problems)
		}
		switch {
		case rep.Households == 0 && rep.Actions == 0 && len(imports) == 0:
			sawNone = true
		case rep.Households == rows && rep.ProblemCount == rows && rep.Actions == rows && len(imports) == 1:
			sawAll = true
		default:
			t.Fatalf("delay %v: part of the import survived: %+v, %d ledger entries", delay, rep, len(imports))
		}
	}
	if !sawNone || !sawAll {
		t.Errorf("kills landed before the commit: %v, after: %v; the test proved less than it should", sawNone, sawAll)
	}
}
