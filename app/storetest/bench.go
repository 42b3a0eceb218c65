package storetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
)

// BenchOpener makes a new, empty store (not yet initialised) for a
// benchmark, as Opener does for a test; it registers its cleanup on b.
type BenchOpener func(b *testing.B, clock data.Clock) Store

// Settler is a store that Bench lets settle after the demo's fill, as it
// would settle by itself soon after a bulk load (a PostgreSQL server's
// autovacuum), so that the reads are timed on a store at rest. Bench
// logs the first summary before it, and how long it took.
type Settler interface {
	Settle(b *testing.B)
}

// Bench times, on one store, what docs/scale.md sets side by side for
// the stores: the import of a 100,000-row workbook into a new province
// (dry run and commit, as the window does it), and, on a demo province of
// about 1,000,000 problems, the province summary the dashboard opens
// with, a lookup by national ID (the importer's and the clerk's search of
// one household) and the build of the register's search index (the
// window's wait before the list can search). QMDESK_BENCH_ROWS and
// QMDESK_BENCH_HOUSEHOLDS make both smaller, to try the benchmark.
func Bench(b *testing.B, open BenchOpener) {
	rows := benchSize("QMDESK_BENCH_ROWS", 100_000)
	households := benchSize("QMDESK_BENCH_HOUSEHOLDS", 660_000) // the demo averages about 1.55 problems a household
	ctx := data.WithOperator(context.Background(), Operator)
	clock := data.RealClock().OnDay(Today)
	geo, err := assets.Geography()
	if err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("Import%dk", rows/1000), func(b *testing.B) {
		book := filepath.Join(b.TempDir(), "province.xlsx")
		benchBook(b, book, rows)
		for b.Loop() {
			b.StopTimer()
			s := open(b, clock)
			if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
				b.Fatal(err)
			}
			imp := &app.Importer{Store: s, Geo: geo, Clock: clock}
			b.StartTimer()
			rep, err := imp.Plan(ctx, book, "")
			if err != nil {
				b.Fatal(err)
			}
			if rep.Refused != "" {
				b.Fatal(rep.Refused)
			}
			if _, err := imp.Commit(ctx, rep); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if c := rep.Counts(); c.NewHouseholds != rows {
				b.Fatalf("%d rows made %d households: %+v", rows, c.NewHouseholds, c)
			}
			b.StartTimer()
		}
	})

	s := open(b, clock)
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		b.Fatal(err)
	}
	round, err := s.Round(ctx, 1)
	if err != nil {
		b.Fatal(err)
	}
	if err := (app.Demo{Geo: geo, Province: "41", Round: round, Seed: 1, AsOf: Today}).Fill(ctx, s, households, 10_000, nil); err != nil {
		b.Fatal(err)
	}
	prog := &app.Progress{Store: s, Geo: geo, Clock: clock}
	start := time.Now()
	sum, err := prog.Summarize(ctx, 0, "")
	if err != nil {
		b.Fatal(err)
	}
	if st, ok := s.(Settler); ok {
		b.Logf("the first summary after the fill: %v", time.Since(start).Round(time.Millisecond))
		start = time.Now()
		st.Settle(b)
		b.Logf("the store settled in %v", time.Since(start).Round(time.Millisecond))
	}
	b.Logf("demo province: %d households, %d problems", sum.Area.Totals.Households, sum.Area.Totals.Target)
	name := fmt.Sprintf("%dkProblems", sum.Area.Totals.Target/1000)
	b.Run("Summary"+name, func(b *testing.B) {
		for b.Loop() {
			if _, err := prog.Summarize(ctx, 0, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Two months after the deadline, as a clerk opens it today: the
	// summary reads the round's history as well.
	ended := &app.Progress{Store: s, Geo: geo, Clock: data.RealClock().OnDay(round.Deadline.AddDays(60))}
	b.Run("SummaryRoundEnded"+name, func(b *testing.B) {
		for b.Loop() {
			sum, err := ended.Summarize(ctx, 0, "")
			if err != nil || !sum.Countdown.Ended {
				b.Fatal(err, sum.Countdown)
			}
		}
	})
	some, err := s.Households(ctx, data.HouseholdFilter{Limit: 1000})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for _, h := range some {
		if h.Head.NationalID != "" {
			ids = append(ids, h.Head.NationalID)
		}
	}
	if len(ids) == 0 {
		b.Fatal("no household of the demo has a national ID")
	}
	b.Run("FindByNationalID"+name, func(b *testing.B) {
		i := 0
		for b.Loop() {
			i = (i + 1) % len(ids)
			if hs, err := s.HouseholdsByNationalID(ctx, ids[i]); err != nil || len(hs) == 0 {
				b.Fatalf("%s: %v %v", ids[i], hs, err)
			}
		}
	})
	b.Run("BuildRegister"+name, func(b *testing.B) {
		for b.Loop() {
			if _, err := app.BuildRegister(ctx, s, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchSize is the number an environment variable gives, else def.
func benchSize(env string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	return def
}

// benchBook writes a workbook of n rows, one new household each (the
// template's columns, as storetest's own workbooks), streamed.
func benchBook(b *testing.B, path string, n int) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	if err := sw.SetRow("A1", header()); err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		r := row(i, "หมากแข้ง", i%7+1, subOf[i%7+1], data.InProgress.Thai(), "15/07/2567")
		r[8] = data.WithCheckDigit(fmt.Sprintf("31234%07d", i)) // nationalID(n) has room for 99,999 only
		if err := sw.SetRow(cell, r); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

// subOf is a sub-problem of each category, from the default list.
var subOf = [8]string{"", "บ้านทรุดโทรม/ไม่มั่นคงถาวร", "ขาดแคลนน้ำใช้", "ขาดทุนการศึกษา", "หนี้สิน", "ไม่ปลอดภัยในชีวิตและทรัพย์สิน", "ผู้สูงอายุไม่มีผู้ดูแล", "อื่น ๆ"}
