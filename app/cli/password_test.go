package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qmdesk/app/cli"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/data/xlsx"
)

// qmdeskTyping runs the command line as qmdesk does, with a clerk who
// types typed at each password prompt, one answer a prompt.
func qmdeskTyping(t *testing.T, typed []string, args ...string) (run, []string) {
	t.Helper()
	geo, err := assets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	var prompts []string
	clock := data.FixedClock(time.Date(2024, 8, 1, 9, 0, 0, 0, time.UTC))
	env := cli.Env{
		Stdout: &out, Stderr: &errOut, Geo: geo, Operator: "ทดสอบ", Clock: clock,
		Open: func(path string, ro bool) (data.Store, error) {
			return bolt.Open(path, bolt.Options{ReadOnly: ro, Clock: clock})
		},
		ReadPassword: func(prompt string) (string, error) {
			prompts = append(prompts, prompt)
			if len(typed) == 0 {
				t.Fatal("asked for a password once too often")
			}
			pw := typed[0]
			typed = typed[1:]
			return pw, nil
		},
	}
	code := cli.Run(context.Background(), args, env)
	return run{code, out.String(), errOut.String()}, prompts
}

// A password never comes on the command line: --password is refused with
// the two ways that keep it out of the process list, and nothing is
// written; a prompt (asked twice for a new file) or a file gives it.
func TestPasswordsNeverOnTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if r := qmdesk(t, "demo", "--province", "41", "--households", "50", "--db", db); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	full := filepath.Join(dir, "full.xlsx")

	r := qmdesk(t, "export", "full", "--password", "s3cret", full, "--db", db)
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "--ask-password") || !strings.Contains(r.stderr, "--password-file") || !strings.Contains(r.stderr, "รายการโปรเซส") {
		t.Errorf("--password: %+v", r)
	}
	if _, err := os.Stat(full); !os.IsNotExist(err) {
		t.Errorf("--password wrote the file: %v", err)
	}

	// From a file saved by Notepad: its mark and line ending are not part
	// of the password.
	pwFile := filepath.Join(dir, "pw.txt")
	os.WriteFile(pwFile, []byte("\ufeffs3cret\r\nsecond line\r\n"), 0o600)
	if r := qmdesk(t, "export", "full", "--password-file", pwFile, full, "--db", db); r.code != 0 {
		t.Fatalf("--password-file: %+v", r)
	}
	encrypted(t, full, "s3cret")

	// At the prompt, twice; two different answers write nothing.
	os.Remove(full)
	r, prompts := qmdeskTyping(t, []string{"s3cret", "s3cREt"}, "export", "full", "--ask-password", full, "--db", db)
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "ไม่ตรงกัน") || len(prompts) != 2 {
		t.Errorf("two different answers: %+v %q", r, prompts)
	}
	if _, err := os.Stat(full); !os.IsNotExist(err) {
		t.Errorf("a mismatch wrote the file: %v", err)
	}
	if r, _ := qmdeskTyping(t, []string{"s3cret", "s3cret"}, "export", "full", "--ask-password", full, "--db", db); r.code != 0 {
		t.Fatalf("--ask-password: %+v", r)
	}
	encrypted(t, full, "s3cret")

	if r := qmdesk(t, "export", "full", "--password-file", filepath.Join(dir, "none.txt"), full, "--db", db); r.code != cli.ExitFailure || !strings.Contains(r.stderr, "ไม่พบไฟล์") {
		t.Errorf("a missing password file: %+v", r)
	}
}

// An import reads a locked workbook with the password from the prompt or
// from a file; --password is refused before anything is read.
func TestImportPasswordFromPromptOrFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qm.db")
	qmdesk(t, "init", "--province", "41", "--db", db)
	plain := filepath.Join(dir, "plain.xlsx")
	book(t, plain, [2]string{"41010000001", "เมือง"})
	f, err := excelize.OpenFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(dir, "locked.xlsx")
	if err := f.SaveAs(locked, excelize.Options{Password: "อำเภอ1"}); err != nil {
		t.Fatal(err)
	}
	f.Close()

	if r := qmdesk(t, "import", "--dry-run", "--password", "อำเภอ1", locked, "--db", db); r.code != cli.ExitUsage || !strings.Contains(r.stderr, "--password-file") {
		t.Errorf("--password: %+v", r)
	}
	if r := qmdesk(t, "import", "--dry-run", locked, "--db", db); r.code != cli.ExitRefused || !strings.Contains(r.stdout, "--ask-password") {
		t.Errorf("no password: %+v", r)
	}
	r, prompts := qmdeskTyping(t, []string{"อำเภอ1"}, "import", "--dry-run", "--ask-password", locked, "--db", db)
	if r.code != 0 || len(prompts) != 1 {
		t.Errorf("--ask-password: %+v %q", r, prompts)
	}
	pwFile := filepath.Join(dir, "pw.txt")
	os.WriteFile(pwFile, []byte("อำเภอ1\n"), 0o600)
	if r := qmdesk(t, "import", "--password-file", pwFile, locked, "--db", db); r.code != 0 {
		t.Errorf("--password-file: %+v", r)
	}
}

// encrypted checks that path opens with password only.
func encrypted(t *testing.T, path, password string) {
	t.Helper()
	if wb, err := xlsx.Open(path, ""); err == nil {
		wb.Close()
		t.Errorf("%s opens without a password", filepath.Base(path))
	}
	wb, err := xlsx.Open(path, password)
	if err != nil {
		t.Fatalf("%s with its password: %v", filepath.Base(path), err)
	}
	if len(wb.Sheets()) == 0 {
		t.Error("no sheets")
	}
	wb.Close()
}
