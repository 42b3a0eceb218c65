package bolt

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// fillProblems loads n problems (1–4 per household) into a fresh database
// in batches of 10,000 households, one transaction each.
func fillProblems(tb testing.TB, path string, n int) *Store {
	tb.Helper()
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	s.Clock = data.FixedClock(today)
	ctx := context.Background()
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		tb.Fatal(err)
	}
	tambons := []string{"410101", "410102", "410201", "410301", "410401", "410501"}
	made, hh := 0, 0
	for made < n {
		var batch []data.Bundle
		for len(batch) < 10000 && made < n {
			hh++
			b := data.Bundle{Household: *newHousehold(hh, tambons[hh%len(tambons)])}
			for j := 0; j < 1+hh%4 && made < n; j++ {
				b.Problems = append(b.Problems, data.ProblemBundle{Problem: data.Problem{
					Category: data.Category((hh+j)%7 + 1), SubProblem: "หนี้สิน", SurveyYear: 2565,
					Status: data.Statuses[(hh*7+j)%5], CloseReason: "ย้ายออก", Urgent: hh%13 == 0,
					TargetDate: data.NewDate(2024, time.Month(3+hh%7), 1+j)}})
				made++
			}
			batch = append(batch, b)
		}
		if err := s.Load(ctx, batch); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

func BenchmarkLoad100kProblems(b *testing.B) {
	for b.Loop() {
		s := fillProblems(b, filepath.Join(b.TempDir(), "qm.db"), 100_000)
		s.Close()
	}
}

// BenchmarkLoad1MProblems is the "loading 1,000,000 problems".
func BenchmarkLoad1MProblems(b *testing.B) {
	for b.Loop() {
		s := fillProblems(b, filepath.Join(b.TempDir(), "qm.db"), 1_000_000)
		s.Close()
	}
}

var (
	million     *Store
	millionOnce sync.Once
	millionDir  string
)

// millionStore is one 1,000,000-problem database shared by the lookup
// benchmarks; TestMain removes it.
func millionStore(b *testing.B) *Store {
	millionOnce.Do(func() {
		var err error
		if millionDir, err = os.MkdirTemp("", "qmdesk-bench-"); err != nil {
			b.Fatal(err)
		}
		million = fillProblems(b, filepath.Join(millionDir, "qm.db"), 1_000_000)
	})
	b.ResetTimer()
	return million
}

func BenchmarkCounts1M(b *testing.B) {
	s := millionStore(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Counts(ctx, 1, data.DateOf(today)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFindByNationalID1M(b *testing.B) {
	s := millionStore(b)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i = i%400_000 + 1
		if hs, err := s.HouseholdsByNationalID(ctx, validID(i)); err != nil || len(hs) != 1 {
			b.Fatalf("household %d: %v %v", i, hs, err)
		}
	}
}

func BenchmarkFindByHouseCode1M(b *testing.B) {
	s := millionStore(b)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i = i%400_000 + 1
		if hs, err := s.HouseholdsByHouseCode(ctx, fmt.Sprintf("4101%07d", i)); err != nil || len(hs) != 1 {
			b.Fatalf("household %d: %v %v", i, hs, err)
		}
	}
}

// BenchmarkUpgradeTo9 times the open of a file of schema 8: the upgrade
// that rewrites every household, problem and action in the compact
// encoding (recode.go). The file is $QMDESK_SCHEMA8_DB when set (a demo
// province written by the version before: qmdesk demo --province 41
// --households 660000), else 100,000 problems made old here; each run
// opens a fresh copy.
func BenchmarkUpgradeTo9(b *testing.B) {
	benchUpgrade(b, "QMDESK_SCHEMA8_DB", func(tx *bbolt.Tx) error {
		legacyJSON(b, tx)
		perKeySums(b, tx)
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, itob(8))
	}, nil)
}

// benchUpgrade times Open of a fresh copy of the file named by $env, or
// when unset of 100,000 problems made old by makeOld; after, if given,
// looks at the opened store outside the timing.
func benchUpgrade(b *testing.B, env string, makeOld func(tx *bbolt.Tx) error, after func(s *Store)) {
	src := os.Getenv(env)
	dir := b.TempDir()
	if src == "" {
		src = filepath.Join(dir, "old.db")
		s := fillProblems(b, src, 100_000)
		if err := s.db.Update(makeOld); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	path := filepath.Join(dir, "qm.db")
	for b.Loop() {
		b.StopTimer()
		if err := streamCopy(src, path); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		s, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if after != nil {
			after(s)
		}
		s.Close()
		b.StartTimer()
	}
}

// streamCopy copies a file of gigabytes without holding it.
func streamCopy(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	// On disk before the upgrade starts: its first commit's fsync would
	// otherwise write the whole copy.
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// BenchmarkBboltPutFloor is bbolt alone at the import commit's pattern:
// 2,000,000 keys of 18 bytes (a problem index key's length) put in
// ascending order, 5,000 a transaction, pages filled as fillPages fills
// them, without fsync. Its time per key (ns/key) is the least any of the
// commit's 18 or so writes a row can cost (docs/performance.md, "Issue 15: the import commit in bbolt").
func BenchmarkBboltPutFloor(b *testing.B) {
	const total, chunk = 2_000_000, 5000
	for b.Loop() {
		db, err := bbolt.Open(filepath.Join(b.TempDir(), "floor.db"), 0o600, &bbolt.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		name := []byte("k")
		db.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket(name); return err })
		for from := 0; from < total; from += chunk {
			err := db.Update(func(tx *bbolt.Tx) error {
				bk := tx.Bucket(name)
				bk.FillPercent = 1
				k := make([]byte, 18)
				k[0] = 'c'
				for i := from; i < from+chunk; i++ {
					binary.BigEndian.PutUint64(k[10:], uint64(i))
					if err := bk.Put(k, nil); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		db.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/key")
}
