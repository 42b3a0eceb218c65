package cli_test

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/app/cli"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

// qmdeskSealed runs the command line as qmdesk does, with the audit key
// in keyDir (the program's is the user's settings folder).
func qmdeskSealed(t *testing.T, keyDir string, args ...string) run {
	t.Helper()
	geo, err := assets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	clock := data.FixedClock(time.Date(2024, 8, 1, 9, 0, 0, 0, time.UTC))
	var out, errOut bytes.Buffer
	env := cli.Env{
		Stdout: &out, Stderr: &errOut, Geo: geo, Operator: "ทดสอบ", Clock: clock,
		Open: func(path string, ro bool) (data.Store, error) {
			return bolt.Open(path, bolt.Options{ReadOnly: ro, Clock: clock, AuditKeyDir: keyDir})
		},
	}
	code := cli.Run(context.Background(), args, env)
	return run{code, out.String(), errOut.String()}
}

// A clerk's check: the head of the log, the paper anchor compared, a
// database from another computer told apart from a rewritten log, and a
// rewritten log named in Thai with what to do.
func TestCheckOfTheAuditLog(t *testing.T) {
	dir := t.TempDir()
	db, keyDir := filepath.Join(dir, "qm.db"), filepath.Join(dir, "config", "qmdesk")
	if r := qmdeskSealed(t, keyDir, "demo", "--province", "41", "--households", "50", "--db", db); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	r := qmdeskSealed(t, keyDir, "check", "--db", db)
	head := regexp.MustCompile(`รายการล่าสุด: ลำดับที่ (\d+) รหัส ([0-9a-f ]{19})`).FindStringSubmatch(r.stdout)
	if r.code != 0 || head == nil || strings.Contains(r.stdout, "หมายเหตุ") {
		t.Fatalf("check: %+v", r)
	}
	paper := head[1] + ":" + strings.ReplaceAll(head[2], " ", "")
	if r := qmdeskSealed(t, keyDir, "check", "--anchor", paper, "--db", db); r.code != 0 || !strings.Contains(r.stdout, "ตรงกับรหัสที่พิมพ์ไว้") {
		t.Fatalf("check --anchor %s: %+v", paper, r)
	}
	if r := qmdeskSealed(t, keyDir, "check", "--anchor", data.ASCIIToThaiDigits(paper), "--db", db); r.code != 0 || !strings.Contains(r.stdout, "ตรงกับรหัสที่พิมพ์ไว้") {
		t.Fatalf("check --anchor in Thai digits, as a pack in Thai digits prints it: %+v", r)
	}
	if r := qmdeskSealed(t, keyDir, "check", "--anchor", head[1]+":0000000000000000", "--db", db); r.code != cli.ExitFailure || !strings.Contains(r.stdout, data.AuditTamperedAdvice) {
		t.Fatalf("a paper anchor that does not match: %+v", r)
	}
	if r := qmdeskSealed(t, keyDir, "check", "--anchor", "12", "--db", db); r.code != cli.ExitUsage {
		t.Fatalf("a malformed anchor: %+v", r)
	}
	// On another computer: no key, so not verified, and not tampered.
	r = qmdeskSealed(t, filepath.Join(t.TempDir(), "qmdesk"), "check", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "หมายเหตุ: ") || !strings.Contains(r.stdout, "กุญแจของเครื่องอื่น") || strings.Contains(r.stdout, data.AuditTamperedAdvice) {
		t.Fatalf("on another computer: %+v", r)
	}
	// The last entry cut off and the head rewritten, with only the file.
	raw, err := bbolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		k, _ := b.Cursor().Last()
		b.Delete(k)
		pk, pv := b.Cursor().Last()
		head := append(append(append([]byte(nil), pk...), pv[:32]...), tx.Bucket([]byte("meta")).Get([]byte("audit_head"))[40:]...)
		return tx.Bucket([]byte("meta")).Put([]byte("audit_head"), head)
	})
	raw.Close()
	r = qmdeskSealed(t, keyDir, "check", "--db", db)
	if r.code != cli.ExitFailure || !strings.Contains(r.stdout, data.AuditTamperedAdvice) || !strings.Contains(r.stdout, "the last entries were removed") ||
		!strings.Contains(r.stderr, "แจ้งหัวหน้างาน") || strings.Contains(r.stderr, "ซ่อมด้วย qmdesk repair") {
		t.Fatalf("a cut log: %+v", r)
	}
}
