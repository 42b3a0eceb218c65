package storetest

import (
	"encoding/json"
	"fmt"
	"strings"

	"qmdesk/data"
)

// dump is everything a store holds, read through the contract: two dumps
// that are equal are the same register.
type dump struct {
	Meta        data.Meta
	Rounds      []data.Round
	SubProblems data.SubProblemList
	Units       data.UnitList
	Aliases     data.AgencyAliases
	Households  []data.Household
	Problems    []data.Problem
	Actions     []data.Action
	Sizes       data.Sizes
	Counters    map[string]counted // by round and reader
	Reviews     []data.Review
	Imports     []data.ImportRecord
	Audit       []data.AuditEntry
}

func (e *env) dump() dump {
	e.t.Helper()
	var d dump
	var err error
	d.Meta, err = e.s.Meta(e.ctx)
	e.must(err, "Meta")
	d.Rounds, err = e.s.Rounds(e.ctx)
	e.must(err, "Rounds")
	d.SubProblems, err = e.s.SubProblems(e.ctx)
	e.must(err, "SubProblems")
	d.Units, err = e.s.Units(e.ctx)
	e.must(err, "Units")
	d.Aliases, err = e.s.AgencyAliases(e.ctx)
	e.must(err, "AgencyAliases")
	e.must(e.s.Walk(e.ctx, func(h data.Household, ps []data.Problem) error {
		d.Households = append(d.Households, h)
		d.Problems = append(d.Problems, ps...)
		return nil
	}), "Walk")
	e.must(e.s.WalkActions(e.ctx, func(a data.Action) error { d.Actions = append(d.Actions, a); return nil }), "WalkActions")
	d.Sizes, err = e.s.Sizes(e.ctx)
	e.must(err, "Sizes")
	d.Counters = map[string]counted{}
	for _, r := range d.Rounds {
		for _, units := range []bool{false, true} {
			read, hist := e.s.Counts, e.s.History
			if units {
				read, hist = e.s.UnitCounts, e.s.UnitHistory
			}
			rc, err := read(e.ctx, r.ID, data.NewDate(2030, 1, 1))
			e.must(err, "Counts")
			d.Counters[fmt.Sprintf("counts %d %v", r.ID, units)], _ = countsOf(rc, units)
			h, err := hist(e.ctx, r.ID)
			e.must(err, "History")
			d.Counters[fmt.Sprintf("history %d %v", r.ID, units)], _ = historyOf(h, units)
		}
	}
	d.Reviews, err = e.s.Reviews(e.ctx, false)
	e.must(err, "Reviews")
	d.Imports, err = e.s.Imports(e.ctx)
	e.must(err, "Imports")
	d.Audit, err = e.s.Audit(e.ctx, 0, 0)
	e.must(err, "Audit")
	return d
}

// register is the dump without the import ledger and the audit log: what
// an undo restores (the ledger keeps the undone import, the log says who
// undid it).
func (d dump) register() dump {
	d.Imports, d.Audit = nil, nil
	return d
}

// sameDump fails the test where got differs from want, naming the first
// lines that differ.
func (e *env) sameDump(step string, got, want dump) {
	e.t.Helper()
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	if string(g) == string(w) {
		return
	}
	gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
	var diff []string
	for i := 0; i < max(len(gl), len(wl)) && len(diff) < 12; i++ {
		var a, b string
		if i < len(gl) {
			a = gl[i]
		}
		if i < len(wl) {
			b = wl[i]
		}
		if a != b {
			diff = append(diff, fmt.Sprintf("line %d: got %s\n          want %s", i+1, strings.TrimSpace(a), strings.TrimSpace(b)))
		}
	}
	e.t.Fatalf("%s: the store is not as it should be:\n%s", step, strings.Join(diff, "\n"))
}

// sameUpToLog is sameDump for a change that did not happen (a commit
// refused or cancelled): the register and the import ledger are as they
// were, and so is every entry of the audit log, which may have gained
// entries saying what was refused (the bbolt store logs the rollback of
// an import it had begun to write; a store whose import is one
// transaction logs nothing).
func (e *env) sameUpToLog(step string, got, want dump) {
	e.t.Helper()
	if len(got.Audit) < len(want.Audit) {
		e.t.Fatalf("%s: the audit log lost entries: %d, was %d", step, len(got.Audit), len(want.Audit))
	}
	for _, x := range got.Audit[len(want.Audit):] {
		e.t.Logf("%s: logged %s %s %d %s", step, x.Op, x.Entity, x.ID, x.Note)
	}
	got.Audit = got.Audit[:len(want.Audit)]
	e.sameDump(step, got, want)
}
