package bolt_test

import (
	"context"
	"path/filepath"
	"testing"

	"qmdesk/app/storetest"
	"qmdesk/data"
	"qmdesk/data/bolt"
)

// TestConformance runs the stores' conformance suite on the bbolt store:
// each behaviour on a new file under t.TempDir(), with an audit key of
// its own, checked whole on cleanup as bbolt's own tests do, then closed.
func TestConformance(t *testing.T) {
	storetest.Run(t, openConformance)
}

// TestConformanceInSmallChunks runs the suite with imports written two
// records per transaction: a commit refused part-way (a record changed
// since the dry run) must roll back the chunks it wrote.
func TestConformanceInSmallChunks(t *testing.T) {
	defer bolt.SetImportChunk(bolt.SetImportChunk(2))
	storetest.Run(t, openConformance)
}

func openConformance(t *testing.T, clock data.Clock) storetest.Store {
	dir := t.TempDir()
	s, err := bolt.Open(filepath.Join(dir, "qm.db"), bolt.Options{NoSync: true, Clock: clock, AuditKeyDir: filepath.Join(dir, "key")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if rep, err := s.Check(context.Background()); err != nil || !rep.OK() {
			t.Errorf("check on cleanup: %v %v", err, rep.Problems)
		}
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// TestConformanceSchemaVersion: the bbolt store says it holds the layout
// it writes.
func TestConformanceSchemaVersion(t *testing.T) {
	s, err := bolt.Open(filepath.Join(t.TempDir(), "qm.db"), bolt.Options{NoSync: true, AuditKeyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	if m, err := s.Meta(ctx); err != nil || m.SchemaVersion != bolt.SchemaVersion {
		t.Fatalf("meta %+v %v, want schema %d", m, err, bolt.SchemaVersion)
	}
}

// BenchmarkStore is the stores' side-by-side benchmark (storetest.Bench)
// on the bbolt store, without fsync as the PostgreSQL one runs
// (docs/scale.md).
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B, clock data.Clock) storetest.Store {
		s, err := bolt.Open(filepath.Join(b.TempDir(), "qm.db"), bolt.Options{NoSync: true, Clock: clock, AuditKeyDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	})
}
