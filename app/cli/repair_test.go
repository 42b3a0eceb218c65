package cli_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"
)

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
			if date.Match(v) {
				damaged = string(v)
				return b.Put(append([]byte(nil), k...), date.ReplaceAll(v, []byte(`"resolved_on":"-001-11-30"`)))
			}
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
