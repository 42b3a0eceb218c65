package main

import (
	"qmdesk/app"
	"qmdesk/data"
	"qmdesk/data/bolt"
	"qmdesk/data/postgres"
	"qmdesk/ui"
)

// wholeStore is the whole contract a store provides: data.Store with its
// import ledger.
type wholeStore interface {
	data.Store
	data.ImportLedger
}

// The bbolt and PostgreSQL stores provide the whole contract, and the whole contract
// provides each part's own interface: the compiler checks both here, so
// that any store that implements data.Store and data.ImportLedger serves
// every part of the program.
var (
	_ wholeStore = (*bolt.Store)(nil)
	_ wholeStore = (*postgres.Store)(nil)

	_ ui.Store           = wholeStore(nil)
	_ app.ProgressStore  = wholeStore(nil)
	_ app.ExportStore    = wholeStore(nil)
	_ app.ImportStore    = wholeStore(nil)
	_ app.ImportReader   = wholeStore(nil)
	_ app.RegisterStore  = wholeStore(nil)
	_ app.RegisterSource = wholeStore(nil)
	_ app.AgencyStore    = wholeStore(nil)
	_ app.ThaiQMStore    = wholeStore(nil)
	_ app.ThaiQMReader   = wholeStore(nil)
	_ app.BackupStore    = wholeStore(nil)
	_ app.DemoStore      = wholeStore(nil)
)
