package app_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"qmdesk/data"
)

// TestLibreOfficeResaveImportsToTheSameRecords imports a workbook, then the
// same workbook as LibreOffice re-saved it: every row must be unchanged.
func TestLibreOfficeResaveImportsToTheSameRecords(t *testing.T) {
	fx := newFixture(t)
	first := fx.commit(t, "testdata/district-excelize.xlsx")
	if c := first.Counts(); c != (data.Counts{Rows: 3, NewHouseholds: 2, NewProblems: 1}) {
		t.Fatalf("excelize file: %+v %+v", c, slices.Collect(first.Batch.RowResults()))
	}
	again := fx.commit(t, "testdata/district-libreoffice.xlsx")
	if c := again.Counts(); c != (data.Counts{Rows: 3, Unchanged: 3}) {
		t.Fatalf("LibreOffice re-save: %+v %+v", c, firstNotUnchanged(again))
	}
}

func TestLegacyXLSIsRefused(t *testing.T) {
	fx := newFixture(t)
	rep := fx.plan(t, "testdata/district-legacy.xls", "")
	if !strings.Contains(rep.Refused, ".xls") || !strings.Contains(rep.Refused, ".xlsx") {
		t.Fatalf("legacy .xls: %q", rep.Refused)
	}
	// The same bytes under an .xlsx name are still a legacy workbook.
	renamed := filepath.Join(fx.dir, "renamed.xlsx")
	b, _ := os.ReadFile("testdata/district-legacy.xls")
	os.WriteFile(renamed, b, 0o600)
	if rep := fx.plan(t, renamed, ""); !strings.Contains(rep.Refused, "รุ่นเก่า") {
		t.Fatalf("renamed .xls: %q", rep.Refused)
	}
}

// TestExportsReadByOtherTools re-saves an exported follow-up workbook with
// LibreOffice and reads it with openpyxl in read-only mode (which trusts
// the declared dimension), where those tools are installed.
func TestExportsReadByOtherTools(t *testing.T) {
	fx, e := demoFixture(t, 200)
	path := filepath.Join(fx.dir, "followup.xlsx")
	n, err := e.FollowUp(fx.ctx, "4101", path, false)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	// Debian's python3-openpyxl belongs to /usr/bin/python3, which need not
	// be the first python3 on the PATH.
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		py, _ = exec.LookPath("python3")
	}
	if py != "" && exec.Command(py, "-c", "import openpyxl").Run() == nil {
		ran++
		out, err := exec.Command(py, "-c", `
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
print(sum(1 for _ in wb["ข้อมูล"].iter_rows()))`, path).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != itoa(n+3) {
			t.Errorf("openpyxl read-only sees %q rows, want %d (%v)", out, n+3, err)
		}
	}
	if soffice, err := exec.LookPath("soffice"); err == nil {
		ran++
		dir := filepath.Join(fx.dir, "lo")
		cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(fx.dir, "profile"), "--convert-to", "xlsx", "--outdir", dir, path)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v %s", err, out)
		}
		rep := fx.commit(t, filepath.Join(dir, "followup.xlsx"))
		if c := rep.Counts(); c.Rows != n || c.Unchanged != n {
			t.Errorf("LibreOffice re-save of a follow-up: %+v, %+v", c, firstNotUnchanged(rep))
		}
	}
	if ran == 0 {
		t.Skip("neither openpyxl nor LibreOffice is installed")
	}
}
