package postgres

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/app/cli"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/data/postgres/pgtest"
)

// pgURL is a new test database's address as a clerk writes it
// (postgres://…), from pgtest's key=value one.
func pgURL(t *testing.T) string {
	t.Helper()
	kv := map[string]string{}
	for _, f := range strings.Fields(pgtest.DB(t)) {
		k, v, _ := strings.Cut(f, "=")
		kv[k] = v
	}
	return "postgres://" + kv["user"] + "@/" + kv["dbname"] + "?host=" + url.QueryEscape(kv["host"]) + "&port=" + kv["port"] + "&sslmode=disable"
}

// cliRun runs the command line as cmd/qmdesk wires it, with stdin.
func cliRun(t *testing.T, keys, stdin string, args ...string) (int, string, string) {
	t.Helper()
	clock := data.FixedClock(time.Date(2024, 8, 1, 9, 0, 0, 0, time.UTC))
	var out, errOut bytes.Buffer
	env := cli.Env{
		Stdout: &out, Stderr: &errOut, Geo: geography(t), Clock: clock, Operator: "สมศรี", Stdin: strings.NewReader(stdin),
		Open: func(path string, ro bool) (data.Store, error) {
			return bolt.Open(path, bolt.Options{ReadOnly: ro, Clock: clock, AuditKeyDir: keys})
		},
		Create: func(path string, build func(data.Store) error) error {
			return bolt.Create(path, bolt.Options{Clock: clock, AuditKeyDir: keys}, func(s *bolt.Store) error { return build(s) })
		},
		OpenServer: func(ctx context.Context, dsn string) (data.Store, error) {
			s, err := Open(ctx, dsn, clock)
			if err != nil {
				return nil, err // not a nil *Store in a non-nil interface
			}
			return s, nil
		},
	}
	code := cli.Run(context.Background(), args, env)
	return code, out.String(), errOut.String()
}

// qmdesk migrate, as a clerk runs it: asked first (nothing written
// without her yes), then a file moves to the server and back into a new
// file, each compared with its source and the file checked, with the same
// summary; a destination that holds a database is refused. backup and
// restore of a server's database go the same way.
func TestMigrateCommand(t *testing.T) {
	dir, keys := t.TempDir(), t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if code, _, errs := cliRun(t, keys, "", "demo", "--db", db, "--province", "41", "--households", "200", "--seed", "4"); code != 0 {
		t.Fatalf("demo: %d %s", code, errs)
	}
	server := pgURL(t)
	if code, _, errs := cliRun(t, keys, "", "migrate", "--db", db, "--to", server, "--from", server); code != cli.ExitUsage {
		t.Errorf("--to and --from: %d %s", code, errs)
	}
	// Not confirmed: nothing written.
	code, _, errs := cliRun(t, keys, "\n", "migrate", "--db", db, "--to", server)
	if code != cli.ExitFailure || !strings.Contains(errs, "ยกเลิก (qmdesk undo) ไม่ได้อีก") || !strings.Contains(errs, "ยกเลิกแล้ว ไม่ได้เขียนอะไร") {
		t.Errorf("not confirmed: %d\n%s", code, errs)
	}
	pg, err := Open(context.Background(), server, data.FixedClock(now))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if m, _ := pg.Meta(context.Background()); m.Province != "" {
		t.Errorf("a move not confirmed wrote %+v", m)
	}
	// Confirmed.
	code, out, errs := cliRun(t, keys, "y\n", "migrate", "--db", db, "--to", server)
	if code != 0 || !strings.Contains(out, "ตรวจเทียบแล้ว") || !strings.Contains(errs, "100%") {
		t.Fatalf("migrate --to: %d\n%s\n%s", code, out, errs)
	}
	t.Log(out)
	// Again: the server's database holds one now.
	if code, _, errs := cliRun(t, keys, "", "migrate", "--db", db, "--to", server, "--yes"); code != cli.ExitFailure || !strings.Contains(errs, "มีข้อมูลอยู่แล้ว") {
		t.Errorf("into a database in use: %d %s", code, errs)
	}
	back := filepath.Join(dir, "back.db")
	code, out, errs = cliRun(t, keys, "", "migrate", "--from", server, "--db", back, "--yes")
	if code != 0 || !strings.Contains(out, "ตรวจสอบปลายทางแล้ว: ฐานข้อมูลถูกต้องครบถ้วน") {
		t.Fatalf("migrate --from: %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := cliRun(t, keys, "", "migrate", "--from", server, "--db", back, "--yes"); code != cli.ExitFailure || !strings.Contains(errs, "มีไฟล์") {
		t.Errorf("onto a file: %d %s", code, errs)
	}
	summary := func(path string) string {
		code, out, errs := cliRun(t, keys, "", "summary", "--db", path, "--json")
		if code != 0 {
			t.Fatalf("summary: %s", errs)
		}
		return out
	}
	if a, b := summary(db), summary(back); a != b || len(a) < 1000 {
		t.Errorf("summary --json differs:\n%s\n%s", a, b)
	}

	// backup of the server's database: a new file that checks OK.
	copyFile := filepath.Join(dir, "server-backup.db")
	if code, out, errs := cliRun(t, keys, "", "backup", "--db", server, copyFile); code != 0 || !strings.Contains(out, "ถูกต้องครบถ้วน") {
		t.Fatalf("backup: %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs := cliRun(t, keys, "", "check", "--db", copyFile); code != 0 {
		t.Errorf("check of the backup: %d\n%s\n%s", code, out, errs)
	}
	// restore into an empty database on the server; not into one in use.
	empty := pgURL(t)
	if code, out, errs := cliRun(t, keys, "", "restore", "--db", empty, copyFile); code != 0 || !strings.Contains(out, "ตรวจเทียบแล้ว") {
		t.Fatalf("restore: %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := cliRun(t, keys, "", "restore", "--db", empty, copyFile); code != cli.ExitFailure || !strings.Contains(errs, "มีข้อมูลอยู่แล้ว") {
		t.Errorf("restore into a database in use: %d %s", code, errs)
	}
	if _, err := os.Stat(back + ".audit"); err != nil {
		t.Errorf("the new file has no anchor: %v", err)
	}
}

// statusBook writes a template workbook of house codes 41010000001 … with
// the problem "หนี้สิน", each row's status and its date as given (empty:
// none), as app/cli's tests do.
func statusBook(t *testing.T, path string, status ...[2]string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, h := range app.TemplateHeaders {
		c, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue("Sheet1", c, h.Header)
	}
	for r, st := range status {
		vals := []any{r + 1, "4101000000" + string(rune('1'+r)), "1", "2", "", "หมากแข้ง", "เมือง", "อุดรธานี", data.WithCheckDigit(fmt.Sprintf("3123400%05d", r+1)),
			"นาง", "มาลี", "ดี", "", "", "เดิม", 4, "หนี้สิน", "", "", st[0], st[1]}
		for c, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			f.SetCellValue("Sheet1", cell, v)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// A province with an import moves to the server and back, and the file
// it comes back as checks OK (the copy does not carry the import ledger,
// and the check does not hold the imports before the move against it).
// A province with rows of an import waiting for review is refused, with
// nothing written.
func TestMigrateImportedProvince(t *testing.T) {
	dir, keys := t.TempDir(), t.TempDir()
	db := filepath.Join(dir, "qm.db")
	if code, _, errs := cliRun(t, keys, "", "init", "--db", db, "--province", "41"); code != 0 {
		t.Fatal(errs)
	}
	first, second := filepath.Join(dir, "เมือง.xlsx"), filepath.Join(dir, "เมือง-แก้ไข.xlsx")
	statusBook(t, first, [2]string{}, [2]string{})
	statusBook(t, second, [2]string{"อยู่ระหว่างดำเนินการ", "15/07/2567"}, [2]string{})
	if code, out, errs := cliRun(t, keys, "", "import", "--no-backup", "--db", db, first); code != 0 {
		t.Fatalf("import: %d\n%s\n%s", code, out, errs)
	}
	server := pgURL(t)
	if code, out, errs := cliRun(t, keys, "", "migrate", "--db", db, "--to", server, "--yes"); code != 0 {
		t.Fatalf("migrate --to: %d\n%s\n%s", code, out, errs)
	}
	back := filepath.Join(dir, "back.db")
	if code, out, errs := cliRun(t, keys, "", "migrate", "--from", server, "--db", back, "--yes"); code != 0 || !strings.Contains(out, "ตรวจสอบปลายทางแล้ว: ฐานข้อมูลถูกต้องครบถ้วน") {
		t.Fatalf("migrate --from: %d\n%s\n%s", code, out, errs)
	}
	if code, out, _ := cliRun(t, keys, "", "check", "--db", back); code != 0 {
		t.Errorf("check of the file back from the server:\n%s", out)
	}

	if code, out, errs := cliRun(t, keys, "", "import", "--no-backup", "--db", db, second); code != 3 || !strings.Contains(out, "รอตรวจสอบ 1") {
		t.Fatalf("second import: %d\n%s\n%s", code, out, errs)
	}
	server = pgURL(t)
	code, _, errs := cliRun(t, keys, "", "migrate", "--db", db, "--to", server, "--yes")
	if code != cli.ExitFailure || !strings.Contains(errs, "แถวที่รอตรวจสอบจากการนำเข้า 1 แถว") {
		t.Errorf("a province with rows waiting for review: %d\n%s", code, errs)
	}
	pg, err := Open(context.Background(), server, data.FixedClock(now))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if m, _ := pg.Meta(context.Background()); m.Province != "" {
		t.Errorf("a refused move wrote %+v", m)
	}
}
