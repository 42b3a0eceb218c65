// Package storetest is the conformance suite of the register's stores: one
// set of tests, run against every implementation of data.Store and
// data.ImportLedger, that states what a store must do. Each behaviour is
// a subtest of Run, self-contained on a new store, and reads and writes
// the store through the contract only (and through app's importer,
// exporter and progress, which use nothing else), so a store that passes
// it behaves, for the program, as the bbolt store does.
//
// A store plugs in with one test file:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, clock data.Clock) storetest.Store {
//			s := openMyStore(t, clock) // new and empty; closed and checked on t.Cleanup
//			return s
//		})
//	}
package storetest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"qmdesk/app"
	"qmdesk/assets"
	"qmdesk/data"
)

// Store is the whole contract a store provides: the register and its
// import ledger.
type Store interface {
	data.Store
	data.ImportLedger
}

// Opener makes a new, empty store (not yet initialised: the suite calls
// Init) that stamps records and the audit log with clock's Now and works
// on clock's Today, as bolt.Options.Clock does. It registers on t the
// store's own cleanup (closing it, and any check of its own).
type Opener func(t *testing.T, clock data.Clock) Store

// Run runs every behaviour of the contract against stores made by open,
// each as a subtest on a store of its own.
func Run(t *testing.T, open Opener) {
	for _, b := range behaviours {
		t.Run(b.name, func(t *testing.T) {
			b.run(t, newEnv(t, open))
		})
	}
}

type behaviour struct {
	name string
	run  func(t *testing.T, e *env)
}

// behaviours is the contract, in the order Run runs it.
var behaviours = []behaviour{
	{"InitAndMeta", testInitAndMeta},
	{"RecordsReadBackAsWritten", testRecordsReadBack},
	{"RefusedChangeChangesNothing", testRefusedChange},
	{"CountersEqualRecount", testCountersEqualRecount},
	{"Rounds", testRounds},
	{"EarlierRoundIsKeptAsItEnded", testEarlierRound},
	{"ListsStoredAndAudited", testListsStoredAndAudited},
	{"AgencyMerges", testAgencyMerges},
	{"LoadAllIsAllOrNothing", testLoadAllIsAllOrNothing},
	{"WalkStops", testWalkStops},
	{"ThaiQMMarks", testThaiQMMarks},
	{"DryRunEqualsCommit", testDryRunEqualsCommit},
	{"ImportChangedSincePlanIsAllOrNothing", testImportConflictAllOrNothing},
	{"ImportCancelledIsAllOrNothing", testImportCancelledAllOrNothing},
	{"UndoRestoresTheRegister", testUndoRestores},
	{"UndoRefusedAfterALaterChange", testUndoRefusedAfterLaterChange},
	{"UndoRefusedWhileALaterReviewNamesItsHousehold", testUndoRefusedWhileReviewed},
	{"ReviewDecisions", testReviewDecisions},
	{"ReviewRenewal", testReviewRenewal},
	{"ReviewAccept", testReviewAccept},
	{"AuditChain", testAuditChain},
	{"MaskingAndUnmaskLogged", testMasking},
	{"ChangeBasedOnAnOldReadIsRefused", testStale},
	{"StampsTellChangesApartOnAStillClock", testStampsTellChangesApart},
}

// Province is the province every store of the suite is initialised for
// (Udon Thani: its geography is in assets).
const Province = "41"

// Operator is who the suite works as.
const Operator = "สมศรี ทดสอบ"

// start is the suite's first instant: 10:00 UTC, 17:00 in Thailand, on
// 1 Aug 2024, within the default round (ending 30 Sep 2024).
var start = time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC)

// Today is the register's day throughout the suite.
var Today = data.NewDate(2024, 8, 1)

// env is one behaviour's store, with the app's parts working on it.
type env struct {
	t     *testing.T
	s     Store
	ctx   context.Context
	clock data.Clock
	geo   *data.Geography
	imp   *app.Importer
	round data.Round
	dir   string
	open  Opener // for a behaviour that needs a store of another clock (newEnvOn)
}

// tickingClock moves on one second at every reading, from start: every
// write gets a later stamp than the one before (as real time does between
// a clerk's edits), and Today stays 1 Aug 2024 for 7 hours of readings.
// Each reading also has 789 nanoseconds past its second, as real time
// has: a store that keeps its stamps to the microsecond must give the
// caller the stamp it kept, or a record would not read back as written
// and a dry run's "seen" stamps would never match.
func tickingClock() data.Clock {
	var n atomic.Int64
	return data.ClockFunc(func() time.Time { return start.Add(time.Duration(n.Add(1))*time.Second + 789) })
}

func newEnv(t *testing.T, open Opener) *env {
	t.Helper()
	return newEnvOn(t, open, tickingClock())
}

// newEnvOn is newEnv on a store of another clock.
func newEnvOn(t *testing.T, open Opener, clock data.Clock) *env {
	t.Helper()
	s := open(t, clock)
	ctx := data.WithOperator(context.Background(), Operator)
	if _, err := s.Init(ctx, Province, data.DefaultRound()); err != nil {
		t.Fatalf("Init: %v", err)
	}
	geo, err := assets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	meta, err := s.Meta(ctx)
	if err != nil {
		t.Fatal(err)
	}
	round, err := s.Round(ctx, meta.DefaultRound)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, s: s, ctx: ctx, clock: clock, geo: geo, round: round, dir: t.TempDir(), open: open}
	e.imp = &app.Importer{Store: s, Geo: geo, Clock: clock}
	return e
}

// must fails the test on an error.
func (e *env) must(err error, what string) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

// wantCode fails the test unless err is a data.Error of code.
func (e *env) wantCode(err error, code, what string) {
	e.t.Helper()
	if err == nil || data.ErrorCode(err) != code {
		e.t.Fatalf("%s: got %v, want an error %s", what, err, code)
	}
}
