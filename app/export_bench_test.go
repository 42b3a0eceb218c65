package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

// provinceForBench is the 1,000,000-problem province of millionProvince,
// or, when $QMDESK_BENCH_DB names one (qmdesk demo --province 41
// --households 660000), that file, so that a run need not build it again;
// its audit log is sealed with the command line's key.
func provinceForBench(b *testing.B) data.Store {
	path := os.Getenv("QMDESK_BENCH_DB")
	if path == "" {
		millionProvince(b)
		return benchStore
	}
	config, _ := os.UserConfigDir()
	s, err := bolt.Open(path, bolt.Options{NoSync: true, AuditKeyDir: filepath.Join(config, "qmdesk")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	b.ResetTimer()
	return s
}

// BenchmarkExportFull1M writes the full export of a 1,000,000-problem
// province (every household, problem and action, masked): docs/
// performance.md records its time.
func BenchmarkExportFull1M(b *testing.B) {
	s := provinceForBench(b)
	geo, _ := assets.Geography()
	e := &app.Exporter{Store: s, Geo: geo, Progress: &app.Progress{Store: s, Geo: geo}}
	out := filepath.Join(b.TempDir(), "full.xlsx")
	for b.Loop() {
		if err := e.Full(context.Background(), out, false, ""); err != nil {
			b.Fatal(err)
		}
	}
}
