package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

// rights is the bbolt store with an answer to MayUnmask, as a store of a
// shared server gives from the clerk's role.
type rights struct {
	*bolt.Store
	may bool
}

func (r rights) MayUnmask(context.Context) (bool, error) { return r.may, nil }

// A store that says the clerk may not unmask refuses every unmask, on
// screen and in every export, with the Thai message, logs the refusal and
// writes no file; one that says yes, or (the bbolt file) does not say,
// lets it through.
func TestUnmaskRefusedByTheStore(t *testing.T) {
	fx, e := demoFixture(t, 30)
	ctx := fx.ctx
	refusing := rights{Store: fx.store, may: false}
	e.Store = refusing
	dir := t.TempDir()
	last := func() data.AuditEntry {
		t.Helper()
		log, err := fx.store.Audit(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return log[len(log)-1]
	}
	refused := func(what string, err error, file string) {
		t.Helper()
		if data.ErrorCode(err) != data.EINVALID || data.ErrorMessage(err) != "บัญชีของคุณไม่มีสิทธิ์ดูเลขประจำตัวประชาชนเต็ม กรุณาติดต่อผู้ดูแลระบบ" {
			t.Errorf("%s: %v, want refused", what, err)
		}
		if l := last(); l.Op != app.OpUnmaskRefused {
			t.Errorf("%s: the last entry is %+v, want the refusal", what, l)
		}
		if file != "" {
			if _, err := os.Stat(file); !os.IsNotExist(err) {
				t.Errorf("%s: the file was written (%v)", what, err)
			}
		}
	}
	refused("on screen", app.Unmask(ctx, refusing, "household", 3, "household page"), "")
	if l := last(); l.Entity != "household" || l.ID != 3 || l.Note != "household page" {
		t.Errorf("the refusal's entry %+v", l)
	}
	_, err := e.FollowUp(ctx, "4101", filepath.Join(dir, "f.xlsx"), true)
	refused("follow-up", err, filepath.Join(dir, "f.xlsx"))
	_, err = e.FollowUpAll(ctx, filepath.Join(dir, "all"), true)
	refused("all follow-ups", err, filepath.Join(dir, "all"))
	_, err = e.ThaiQMWorkbook(ctx, filepath.Join(dir, "q.xlsx"), "", true)
	refused("ThaiQM", err, filepath.Join(dir, "q.xlsx"))
	refused("full", e.Full(ctx, filepath.Join(dir, "full.xlsx"), true, ""), filepath.Join(dir, "full.xlsx"))
	// Masked, nothing is asked.
	if _, err := e.FollowUp(ctx, "4101", filepath.Join(dir, "masked.xlsx"), false); err != nil {
		t.Fatalf("a masked follow-up: %v", err)
	}
	if err := e.Full(ctx, filepath.Join(dir, "masked-full.xlsx"), false, ""); err != nil {
		t.Fatalf("a masked full export: %v", err)
	}

	// Allowed, and the bbolt store alone: unmasked, and logged as such.
	for _, s := range []app.ExportStore{rights{Store: fx.store, may: true}, fx.store} {
		e.Store = s
		if err := app.Unmask(ctx, s, "household", 4, "household page"); err != nil {
			t.Fatalf("%T: %v", s, err)
		}
		if l := last(); l.Op != "unmask" || l.ID != 4 {
			t.Fatalf("%T: the last entry %+v", s, l)
		}
		if err := e.Full(ctx, filepath.Join(dir, "unmasked.xlsx"), true, ""); err != nil {
			t.Fatalf("%T: %v", s, err)
		}
	}
}
