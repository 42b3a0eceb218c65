package ui_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	bbolt "go.etcd.io/bbolt"

	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/ui"
)

// A database holding the record issue 9's status change wrote (a solved
// problem dated -001-11-30) opens: the register lists every other
// household instead of "preparing…" for ever, the bar above the tabs says
// what is wrong and what to do, and the repair mends it.
func TestWindowOnADamagedDatabase(t *testing.T) {
	a := test.NewTempApp(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "qm.db")
	s, err := bolt.Open(path, bolt.Options{NoSync: true, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
	round, _ := s.Round(ctx, 1)
	if err := (app.Demo{Geo: mustGeo(), Province: "41", Round: round, Seed: 3, AsOf: today}).Fill(ctx, s, 120, 500, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw.Update(func(tx *bbolt.Tx) error {
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
			return b.Put(append([]byte(nil), k...), date.ReplaceAll(js, []byte(`"resolved_on":"-001-11-30"`)))
		}
		t.Fatal("no solved problem to damage")
		return nil
	})
	raw.Close()
	if s, err = bolt.Open(path, bolt.Options{NoSync: true, Clock: clock}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := ui.NewMainWindow(a, ui.Env{Store: s, Geo: mustGeo(), Clock: clock, DataDir: dir, Operator: "os-user"})
	w.WaitIdle()

	if !w.Damage.Box.Visible() || !strings.Contains(w.Damage.Text.Text, "ปัญหาเลขที่") || !strings.Contains(w.Damage.Text.Text, "ซ่อมแซม") {
		t.Fatalf("damage bar: visible %v, %q", w.Damage.Box.Visible(), w.Damage.Text.Text)
	}
	if c := w.Households.Count.Text; !strings.HasPrefix(c, "พบ ") || len(w.Households.IDs) < 100 {
		t.Fatalf("register on a damaged file: %q, %d households listed", c, len(w.Households.IDs))
	}
	if w.LastError() != "" {
		t.Errorf("an error dialog on opening: %q (the bar says it)", w.LastError())
	}

	w.RepairDatabase()
	w.WaitIdle()
	if w.Damage.Box.Visible() {
		t.Errorf("the damage bar stays after a clean repair: %q", w.Damage.Text.Text)
	}
	if rep, err := s.Check(ctx); err != nil || !rep.OK() {
		t.Fatalf("check after the window's repair: %v %v", err, rep.Problems)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, "backups", "before-repair-*.db"))
	if len(backups) != 1 {
		t.Errorf("backups before the repair: %v", backups)
	}
	if len(w.Households.IDs) != 120 {
		t.Errorf("%d households listed after the repair, want 120", len(w.Households.IDs))
	}
}

// A database whose audit log was cut while the program was closed: the
// window's check says so in Thai, with what to do, and offers no repair
// (the file is the evidence).
func TestWindowCheckSaysTheAuditLogWasCut(t *testing.T) {
	a := test.NewTempApp(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "qm.db")
	opt := bolt.Options{NoSync: true, Clock: clock, AuditKeyDir: filepath.Join(dir, "config")}
	s, err := bolt.Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
	s.Log(ctx, "unmask", "household", 1, "full ID shown")
	s.Close()
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw.Update(func(tx *bbolt.Tx) error { // the unmask entry goes, the head follows
		b, meta := tx.Bucket([]byte("audit")), tx.Bucket([]byte("meta"))
		k, _ := b.Cursor().Last()
		b.Delete(k)
		pk, pv := b.Cursor().Last()
		return meta.Put([]byte("audit_head"), append(append(append([]byte(nil), pk...), pv[:32]...), meta.Get([]byte("audit_head"))[40:]...))
	})
	raw.Close()
	if s, err = bolt.Open(path, opt); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := ui.NewMainWindow(a, ui.Env{Store: s, Geo: mustGeo(), Clock: clock, DataDir: dir, Operator: "os-user"})
	w.WaitIdle()
	test.Tap(w.Damage.Repair) // "Check and repair…"
	w.WaitIdle()
	text := strings.Join(labelTexts(w.Window.Canvas().Overlays().Top()), "\n")
	if w.OpenDialogs() != 1 || !strings.Contains(text, data.AuditTamperedAdvice) || !strings.Contains(text, "the last entries were removed") {
		t.Fatalf("%d dialogs saying %q", w.OpenDialogs(), text)
	}
	if strings.Contains(text, "สำรองแล้วซ่อมแซม") || strings.Contains(text, "ซ่อมแซมจะ") {
		t.Fatalf("a repair offered for a rewritten log: %q", text)
	}
}

// labelTexts gathers the text of every label under o.
func labelTexts(o fyne.CanvasObject) (out []string) {
	switch v := o.(type) {
	case nil:
	case *widget.Label:
		out = append(out, v.Text)
	case *fyne.Container:
		for _, c := range v.Objects {
			out = append(out, labelTexts(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			out = append(out, labelTexts(c)...)
		}
	}
	return out
}

// A database whose file has a damaged page that opening does not read (a
// page of households, zeroed): the register says the file is damaged and
// what to do, the window stays up, and the check offers no repair (it
// cannot mend a page) but says to restore a backup.
func TestWindowOnADatabaseWithADamagedPage(t *testing.T) {
	a := test.NewTempApp(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "qm.db")
	s, err := bolt.Open(path, bolt.Options{NoSync: true, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
	round, _ := s.Round(ctx, 1)
	if err := (app.Demo{Geo: mustGeo(), Province: "41", Round: round, Seed: 3, AsOf: today}).Fill(ctx, s, 120, 500, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Zero the leaf page that holds household 60.
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	var page int64
	raw.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket([]byte("households")).Get(binary.BigEndian.AppendUint64(nil, 60))
		whole, _ := os.ReadFile(path)
		page = int64(bytes.Index(whole, v)) / 4096
		return nil
	})
	raw.Close()
	f, _ := os.OpenFile(path, os.O_WRONLY, 0)
	f.WriteAt(make([]byte, 4096), page*4096)
	f.Close()

	if s, err = bolt.Open(path, bolt.Options{NoSync: true, Clock: clock}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := ui.NewMainWindow(a, ui.Env{Store: s, Geo: mustGeo(), Clock: clock, DataDir: dir, Operator: "os-user"})
	w.WaitIdle()
	if !w.Damage.Box.Visible() || !strings.Contains(w.Damage.Text.Text, "เสียหาย") || !strings.Contains(w.Damage.Text.Text, "qmdesk restore") {
		t.Fatalf("damage bar: visible %v, %q", w.Damage.Box.Visible(), w.Damage.Text.Text)
	}
	test.Tap(w.Damage.Repair)
	w.WaitIdle()
	if !strings.Contains(w.LastError(), "แก้ไม่ได้") || !strings.Contains(w.LastError(), "qmdesk restore") {
		t.Fatalf("check of a damaged page: %q", w.LastError())
	}
}
