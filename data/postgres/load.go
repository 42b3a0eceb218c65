package postgres

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
)

// Column names one by one, for COPY.
var (
	householdColumnNames = columnNames(householdColumns)
	actionColumnNames    = columnNames(actionColumns)
)

func columnNames(columns string) []string {
	return strings.Fields(strings.ReplaceAll(columns, ",", " "))
}

// pendingID is the household ID of a problem loadTx checks before its
// household takes its own.
const pendingID = 1<<63 - 1

// Load stores many households with their problems and actions in one
// transaction. It writes one audit entry for the whole load, with the ID
// ranges it created, rather than one per record, as the bbolt store does.
func (s *Store) Load(ctx context.Context, bundles []data.Bundle) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		var sum loadSummary
		if err := s.loadTx(ctx, tx, bundles, &sum, takeIDs); err != nil {
			return err
		}
		return s.audit(ctx, tx, "load", "household", 0, nil, sum.audit(), "")
	})
}

// loadSummary is what one or more loads wrote, for their audit entry.
type loadSummary struct {
	households, firstH, lastH, problems, actions uint64
}

func (l *loadSummary) audit() map[string]uint64 {
	return map[string]uint64{"households": l.households, "first_household": l.firstH, "last_household": l.lastH, "problems": l.problems, "actions": l.actions}
}

// loadTx stores bundles in tx and adds what it wrote to sum. Every record
// is settled and checked first, as the bbolt store does them, bundle by
// bundle (an error names the bundle); only then do they take their IDs
// (from the sequences, numbered in the bundles' order: a refused load
// leaves no gap) and go in with one COPY a table, so that the counters'
// statement trigger runs once for the problems.
func (s *Store) loadTx(ctx context.Context, tx pgx.Tx, bundles []data.Bundle, sum *loadSummary, take idTaker) error {
	m, err := getMeta(ctx, tx, false)
	if err != nil {
		return err
	}
	units, err := getUnits(ctx, tx)
	if err != nil {
		return err
	}
	rounds := map[uint64]data.Round{}
	today, by := s.today(), data.OperatorFrom(ctx)
	var nProblems, nActions int
	for i := range bundles {
		h := &bundles[i].Household
		h.Normalize()
		if err := h.Validate(); err != nil {
			return withRow(err, i)
		}
		units.SettleUnit(h)
		for j := range bundles[i].Problems {
			pb := &bundles[i].Problems[j]
			p := &pb.Problem
			// Its household's ID, which Validate asks for, is taken
			// below, once everything is checked: pendingID stands in.
			p.HouseholdID = pendingID
			p.CarriedFrom, p.CarriedTo = 0, 0
			if p.Status == 0 {
				p.Status = data.NotStarted
			}
			if p.RoundID == 0 {
				p.RoundID = m.DefaultRound
			}
			r, ok := rounds[p.RoundID]
			if !ok {
				if r, err = getRound(ctx, tx, p.RoundID); err != nil { // a problem of an unknown round is refused
					return withRow(err, i)
				}
				rounds[p.RoundID] = r
			}
			if err := p.PrepareNew(r, today); err != nil {
				return withRow(err, i)
			}
			nProblems++
			for k := range pb.Actions {
				a := &pb.Actions[k]
				a.Normalize()
				if err := a.Validate(today); err != nil {
					return withRow(err, i)
				}
				nActions++
			}
		}
	}
	hids, err := take(ctx, tx, "households", len(bundles))
	if err != nil {
		return err
	}
	pids, err := take(ctx, tx, "problems", nProblems)
	if err != nil {
		return err
	}
	aids, err := take(ctx, tx, "actions", nActions)
	if err != nil {
		return err
	}
	now := s.now()
	hrows, prows, arows := make([][]any, 0, len(bundles)), make([][]any, 0, nProblems), make([][]any, 0, nActions)
	for i := range bundles {
		h := &bundles[i].Household
		h.ID = uint64(hids[i])
		h.CreatedAt, h.UpdatedAt = now, now
		h.ChangedOn, h.ChangedBy = today, by
		hrows = append(hrows, append([]any{hids[i]}, householdArgs(h)...))
		if sum.firstH == 0 {
			sum.firstH = h.ID
		}
		sum.lastH = h.ID
		sum.households++
		for j := range bundles[i].Problems {
			pb := &bundles[i].Problems[j]
			p := &pb.Problem
			p.HouseholdID = h.ID
			p.ID = uint64(pids[len(prows)])
			p.CreatedAt, p.UpdatedAt = now, now
			p.ChangedOn, p.ChangedBy = today, by
			prows = append(prows, append([]any{int64(p.ID)}, problemArgs(p)...))
			sum.problems++
			for k := range pb.Actions {
				a := &pb.Actions[k]
				a.ProblemID = p.ID
				a.ID = uint64(aids[len(arows)])
				a.RecordedBy, a.RecordedAt = by, now
				arows = append(arows, []any{int64(a.ID), int64(a.ProblemID), dateArg(a.Date), a.Agency, a.What, a.Budget, int16(a.Result), a.Note,
					a.RecordedBy, a.RecordedAt, dateArg(a.ThaiQMOn)})
				sum.actions++
			}
		}
	}
	for _, c := range []struct {
		table   string
		columns []string
		rows    [][]any
	}{{"households", householdColumnNames, hrows}, {"problems", problemColumnNames, prows}, {"actions", actionColumnNames, arows}} {
		if len(c.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.columns, pgx.CopyFromRows(c.rows)); err != nil {
			return err
		}
	}
	return nil
}

// idTaker gives n new IDs of table, in increasing order.
type idTaker func(ctx context.Context, tx pgx.Tx, table string, n int) ([]int64, error)

// takeIDs takes n IDs from table's sequence, in increasing order.
func takeIDs(ctx context.Context, tx pgx.Tx, table string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	slices.Sort(ids)
	return ids, err
}

// withRow names bundle i in err's English message, as the bbolt store's
// Load does.
func withRow(err error, i int) error {
	if e, ok := err.(*data.Error); ok {
		c := *e
		c.English = e.English + " (bundle " + strconv.Itoa(i) + ")"
		return &c
	}
	return err
}

// LoadAll stores the households fill hands to load, batch by batch, whole
// or not at all, and marks the database as demo data (Meta.Demo): only
// `qmdesk demo` loads this way. One audit entry records the whole load.
//
// The bbolt store commits each batch and keeps a mark to take them back
// out after a failure or a crash; here the whole load is one transaction
// (PostgreSQL keeps a large one well), so a failure, a cancel of ctx or a
// crash before fill returns leaves nothing of it, with nothing to mend
// at the next open, and the IDs go on as before it (laterIDs). Two
// differences follow: a failed load writes no audit entry, since nothing
// of it was ever in (the bbolt store logs the take-back of what it had
// committed, and the setting and putting back of the municipalities),
// and a second load meanwhile waits for the first (the meta row's lock)
// rather than being refused.
func (s *Store) LoadAll(ctx context.Context, fill func(load func([]data.Bundle) error) error) error {
	return s.LoadAllUnits(ctx, nil, fill)
}

// LoadAllUnits is LoadAll that first sets the municipalities (units,
// unless nil) in the load's transaction, with SetUnits's audit entries,
// so the loaded households find them; a failed load leaves the list as
// it was.
func (s *Store) LoadAllUnits(ctx context.Context, units data.UnitList, fill func(load func([]data.Bundle) error) error) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		ids := &laterIDs{}
		if units != nil {
			if err := s.setUnits(ctx, tx, units); err != nil {
				return err
			}
		}
		var sum loadSummary
		err := fill(func(bundles []data.Bundle) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return s.loadTx(ctx, tx, bundles, &sum, ids.take)
		})
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			return err
		}
		if err := ids.advance(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meta SET demo = true`); err != nil { // only the demo loads this way
			return err
		}
		return s.audit(ctx, tx, "load", "household", 0, nil, sum.audit(), "")
	})
}

// laterIDs hands out the IDs after each table's sequence's last value
// without taking them from the sequence, which advance moves past them
// once the load is whole: a load that fails leaves the sequences as they
// were (they do not roll back), so the IDs go on without a gap, as the
// bbolt store's do. It relies on nothing else taking IDs meanwhile: the
// load's transaction holds the meta row's lock, which every writer takes
// first (Store.write).
type laterIDs struct {
	last map[string]int64 // the last ID handed out, by table
	used map[string]int64 // how many
}

func (l *laterIDs) take(ctx context.Context, tx pgx.Tx, table string, n int) ([]int64, error) {
	if l.last == nil {
		l.last, l.used = map[string]int64{}, map[string]int64{}
	}
	last, ok := l.last[table]
	if !ok {
		if err := tx.QueryRow(ctx, `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass), 0)`, table).Scan(&last); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, n)
	for i := range ids {
		last++
		ids[i] = last
	}
	l.last[table] = last
	l.used[table] += int64(n)
	return ids, nil
}

// advance takes from each sequence the IDs handed out, and checks that
// they are the ones the sequence gives: another writer taking IDs
// meanwhile fails the load (an internal error: every writer should have
// waited).
func (l *laterIDs) advance(ctx context.Context, tx pgx.Tx) error {
	for table, n := range l.used {
		if n == 0 {
			continue
		}
		var got int64
		if err := tx.QueryRow(ctx, `SELECT max(nextval(pg_get_serial_sequence($1, 'id'))) FROM generate_series(1, $2)`, table, n).Scan(&got); err != nil {
			return err
		}
		if got != l.last[table] {
			return data.Messages(data.EINTERNAL, "ใส่ข้อมูลไม่สำเร็จ: มีการบันทึกข้อมูลอื่นแทรกระหว่างการใส่ข้อมูล กรุณาลองใหม่", nil,
				"load: %s IDs taken meanwhile (sequence at %d, the load's last %d)", table, got, l.last[table])
		}
	}
	return nil
}
