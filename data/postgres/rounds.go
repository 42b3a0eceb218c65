package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
)

// problemColumnNames are problemColumns one by one (for COPY).
var problemColumnNames = strings.Fields(strings.ReplaceAll(problemColumns, ",", " "))

// CarryOver continues round from's open problems in round to, in one
// transaction (see carry).
func (s *Store) CarryOver(ctx context.Context, from, to uint64) (n int, err error) {
	err = s.write(ctx, func(tx pgx.Tx) error {
		n, err = s.carry(ctx, tx, from, to)
		return err
	})
	return n, err
}

// StartRound adds a round, makes it current and carries the open problems
// of round carryFrom (0: none) into it, in one transaction.
func (s *Store) StartRound(ctx context.Context, r *data.Round, carryFrom uint64) (n int, err error) {
	r.Name = data.CleanText(r.Name)
	if err := r.Validate(s.today()); err != nil {
		return 0, err
	}
	err = s.write(ctx, func(tx pgx.Tx) error {
		// The refusals the bbolt store gives, in its order, before the
		// round takes an ID: a refused start leaves no gap in the rounds'
		// numbers (a rolled-back insert would, as the file's never do).
		if err := roundNameTaken(ctx, tx, r.Name); err != nil {
			return err
		}
		if carryFrom != 0 {
			if _, err := getRound(ctx, tx, carryFrom); err != nil {
				return err
			}
		}
		if err := s.createRound(ctx, tx, r); err != nil {
			return err
		}
		if err := s.setCurrentRound(ctx, tx, r.ID); err != nil {
			return err
		}
		if carryFrom != 0 {
			n, err = s.carry(ctx, tx, carryFrom, r.ID)
		}
		return err
	})
	return n, err
}

// carry continues round from's open problems (not started or in
// progress, not carried already) in round to, in ID order: for each, a
// new problem in round to (same household, category, sub-problem,
// detail, flags, survey year, Re-X-Ray result, status and lead agency;
// target date the new round's deadline; stamped now, found today unless
// from the 2565 survey) pointing back at the old one, which gets
// CarriedTo and nothing else: its stamp stays, as the bbolt store leaves
// it. One audit entry records the whole carry, as the bbolt store's does.
// The new problems go in with one COPY and the old ones are pointed at
// them with one UPDATE: the counters' statement triggers run once each.
func (s *Store) carry(ctx context.Context, tx pgx.Tx, from, to uint64) (int, error) {
	if from == to {
		return 0, data.Errorf(data.EINVALID, "ยกปัญหาไปรอบเดิมไม่ได้", "carry over needs two rounds")
	}
	src, err := getRound(ctx, tx, from)
	if err != nil {
		return 0, err
	}
	dst, err := getRound(ctx, tx, to)
	if err != nil {
		return 0, err
	}
	open, err := collect(ctx, tx, scanProblem, `SELECT `+problemColumns+` FROM problems
		WHERE round_id = $1 AND status IN ($2, $3) AND carried_to IS NULL ORDER BY id FOR UPDATE`,
		int64(from), int16(data.NotStarted), int16(data.InProgress))
	if err != nil {
		return 0, err
	}
	if len(open) > 0 {
		var ids []int64
		if err := func() error {
			rows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('problems', 'id')) FROM generate_series(1, $1)`, len(open))
			if err != nil {
				return err
			}
			ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
			return err
		}(); err != nil {
			return 0, err
		}
		slices.Sort(ids) // the new problems numbered in the old ones' order, as the bbolt store does
		now := s.now()
		rows := make([][]any, len(open))
		olds, news := make([]int64, len(open)), make([]int64, len(open))
		for i, old := range open {
			p := data.Problem{HouseholdID: old.HouseholdID, RoundID: to, Category: old.Category, SubProblem: old.SubProblem,
				Detail: old.Detail, Urgent: old.Urgent, Sensitive: old.Sensitive, SurveyYear: old.SurveyYear, ReXRay: old.ReXRay,
				Status: old.Status, TargetDate: dst.Deadline, LeadAgency: old.LeadAgency, CarriedFrom: old.ID}
			p.Normalize()
			p.SettleDates(nil, s.today())
			if err := p.Validate(s.today()); err != nil {
				return 0, err
			}
			p.ID = uint64(ids[i])
			p.CreatedAt, p.UpdatedAt = now, now
			p.ChangedOn, p.ChangedBy = s.today(), data.OperatorFrom(ctx)
			rows[i] = append([]any{ids[i]}, problemArgs(&p)...)
			olds[i], news[i] = int64(old.ID), ids[i]
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"problems"}, problemColumnNames, pgx.CopyFromRows(rows)); err != nil {
			return 0, err
		}
		if _, err := tx.Exec(ctx, `UPDATE problems p SET carried_to = c.new FROM unnest($1::bigint[], $2::bigint[]) AS c(old, new) WHERE p.id = c.old`,
			olds, news); err != nil {
			return 0, err
		}
	}
	n := len(open)
	return n, s.audit(ctx, tx, "carry", "round", to, nil, map[string]any{"from": from, "to": to, "problems": n}, fmt.Sprintf("%d open problems of %s carried into %s", n, src.Name, dst.Name))
}
