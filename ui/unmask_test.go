package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/ui"
)

// refusingStore is the bbolt store of a clerk whose account may not see
// whole national IDs, as the PostgreSQL store answers for a role outside
// qmdesk_unmask.
type refusingStore struct{ *bolt.Store }

func (refusingStore) MayUnmask(context.Context) (bool, error) { return false, nil }

// In the window of a clerk who may not unmask, the household page's
// button and the full export's tick are refused with the Thai message,
// the refusal is logged, the ID stays masked and no file is written.
func TestUnmaskRefusedInTheWindow(t *testing.T) {
	h := newHarness(t, 20)
	w := ui.NewMainWindow(test.NewTempApp(t), ui.Env{Store: refusingStore{h.store}, Geo: mustGeo(), Clock: clock, DataDir: h.dir})
	w.WaitIdle()
	const refused = "บัญชีของคุณไม่มีสิทธิ์ดูเลขประจำตัวประชาชนเต็ม กรุณาติดต่อผู้ดูแลระบบ"
	lastEntry := func() data.AuditEntry {
		log, _ := h.store.Audit(context.Background(), 0, 0)
		return log[len(log)-1]
	}

	w.Households.Open(3)
	w.WaitIdle()
	p := w.Households.Page
	id := p.Household.Head.NationalID
	test.Tap(p.Unmask)
	w.WaitIdle()
	if shown := data.ThaiToASCIIDigits(strings.ReplaceAll(p.Head.Text, "-", "")); strings.Contains(shown, id) || p.Unmasked {
		t.Errorf("refused, the ID is shown: %q", p.Head.Text)
	}
	if w.LastError() != refused {
		t.Errorf("the message %q, want %q", w.LastError(), refused)
	}
	if e := lastEntry(); e.Op != app.OpUnmaskRefused || e.Entity != "household" || e.ID != 3 {
		t.Errorf("the last entry %+v, want the refusal", e)
	}

	path := filepath.Join(t.TempDir(), "full.xlsx")
	w.Export.Unmask.SetChecked(true)
	w.Export.ExportFull(path)
	w.WaitIdle()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("refused, the full export was written (%v)", err)
	}
	if e := lastEntry(); e.Op != app.OpUnmaskRefused || e.Entity != "export" {
		t.Errorf("the last entry %+v, want the export's refusal", e)
	}
	if w.LastError() != refused {
		t.Errorf("the export's message %q", w.LastError())
	}
}
