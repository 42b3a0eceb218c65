package app

import (
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// importMemoryLimit is the soft heap limit while importing, and
// importHeadroom how far above the live heap the limit is raised when the
// live heap outgrows it. A plan is mostly encoded records that hold no
// pointers, so the collector's work does not grow with it, and collecting
// more often costs little: the 300,000-row dry run took the same time
// with a limit of 160 MB as with 240 MB.
const (
	importMemoryLimit = 160 << 20
	importHeadroom    = 64 << 20
)

// releaseEvery is how often an import takes the database file's pages out
// of its resident set. A follow-up workbook's rows read their households,
// problems and actions all over the file, and the system maps 64 KB
// around each page read: every 200 ms left up to 200 MB of the file
// mapped in a dry run of a province's follow-up workbooks, every 20 ms
// about 70 MB, at no cost in time that could be measured.
const releaseEvery = 20 * time.Millisecond

// HoldImportMemory keeps an import's memory in check until stop is
// called. Every releaseEvery it takes the database file's pages out of the
// resident set (store.ReleaseMappedPages, when the store has it: the
// mapping of a province's file would otherwise count every page the
// import read), and, when limit is set (GOMEMLIMIT is not), it sets a
// soft memory limit, so that the collector runs before the heap doubles,
// and keeps it importHeadroom above the live heap once that outgrows it:
// a limit below the live heap makes the collector run without pause.
// stop waits for the last release and puts the old limit back.
func HoldImportMemory(store any, limit bool) (stop func()) {
	old := debug.SetMemoryLimit(-1)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	follow := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			live := int64(sample[0].Value.Uint64())
			debug.SetMemoryLimit(max(importMemoryLimit, live+importHeadroom))
		}
	}
	if limit {
		follow() // at once: the window holds more than an import (the register's index)
	}
	release := func() {}
	if r, ok := store.(interface{ ReleaseMappedPages() }); ok {
		release = r.ReleaseMappedPages
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(releaseEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			release()
			if limit {
				follow()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		debug.SetMemoryLimit(old)
	}
}
