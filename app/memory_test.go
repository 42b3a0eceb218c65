package app_test

import (
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"

	"qmdesk/app"
)

type releaser struct{ calls *atomic.Int32 }

func (r releaser) ReleaseMappedPages() { r.calls.Add(1) }

// While an import holds its memory, the soft limit is set and the store
// is told to release its mapped pages now and then; stop ends both and
// puts the old limit back.
func TestHoldImportMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	var calls atomic.Int32
	stop := app.HoldImportMemory(releaser{&calls}, true)
	if during := debug.SetMemoryLimit(-1); during == before || during < 160<<20 {
		t.Errorf("limit during the import: %d (before %d)", during, before)
	}
	time.Sleep(450 * time.Millisecond)
	stop()
	n := calls.Load()
	if n == 0 {
		t.Error("the mapped pages were never released")
	}
	if after := debug.SetMemoryLimit(-1); after != before {
		t.Errorf("limit after: %d, before %d", after, before)
	}
	time.Sleep(300 * time.Millisecond)
	if calls.Load() != n {
		t.Error("released after stop")
	}
	// With GOMEMLIMIT set, the limit is the user's.
	stop = app.HoldImportMemory(nil, false)
	if during := debug.SetMemoryLimit(-1); during != before {
		t.Errorf("limit set although GOMEMLIMIT rules: %d", during)
	}
	stop()
}
