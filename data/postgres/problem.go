package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"qmdesk/data"
)

const problemColumns = `id, household_id, round_id, category, sub_problem, detail, urgent, sensitive, survey_year, rexray,
	status, close_reason, target_date, lead_agency, found_on, resolved_on, created_at, updated_at, changed_on, changed_by,
	carried_from, carried_to, thaiqm_on`

func scanProblem(row pgx.Row, p *data.Problem) error {
	var id, household, round int64
	var carriedFrom, carriedTo pgtype.Int8
	var target, found, resolved, changed, thaiqm pgtype.Date
	if err := row.Scan(&id, &household, &round, &p.Category, &p.SubProblem, &p.Detail, &p.Urgent, &p.Sensitive, &p.SurveyYear, &p.ReXRay,
		&p.Status, &p.CloseReason, &target, &p.LeadAgency, &found, &resolved, &p.CreatedAt, &p.UpdatedAt, &changed, &p.ChangedBy,
		&carriedFrom, &carriedTo, &thaiqm); err != nil {
		return err
	}
	p.ID, p.HouseholdID, p.RoundID = uint64(id), uint64(household), uint64(round)
	p.TargetDate, p.FoundOn, p.ResolvedOn, p.ChangedOn, p.ThaiQMOn = dateOf(target), dateOf(found), dateOf(resolved), dateOf(changed), dateOf(thaiqm)
	p.CarriedFrom, p.CarriedTo = uint64(carriedFrom.Int64), uint64(carriedTo.Int64)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return nil
}

// idArg is a reference to another record: NULL for none (0).
func idArg(id uint64) any {
	if id == 0 {
		return nil
	}
	return int64(id)
}

// problemArgs are p's columns after id, in problemColumns' order.
func problemArgs(p *data.Problem) []any {
	return []any{int64(p.HouseholdID), int64(p.RoundID), int16(p.Category), p.SubProblem, p.Detail, p.Urgent, p.Sensitive, p.SurveyYear, int16(p.ReXRay),
		int16(p.Status), p.CloseReason, dateArg(p.TargetDate), p.LeadAgency, dateArg(p.FoundOn), dateArg(p.ResolvedOn), p.CreatedAt, p.UpdatedAt,
		dateArg(p.ChangedOn), p.ChangedBy, idArg(p.CarriedFrom), idArg(p.CarriedTo), dateArg(p.ThaiQMOn)}
}

// CreateProblem stores a new problem of an existing household and sets
// its ID: in the current round when it names none, not started when it
// has no status, due on the round's deadline when it has no target date,
// found today when it is not from the 2565 survey.
func (s *Store) CreateProblem(ctx context.Context, p *data.Problem) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if _, err := getHousehold(ctx, tx, p.HouseholdID, false); err != nil {
			return err
		}
		p.CarriedFrom, p.CarriedTo = 0, 0 // only CarryOver links rounds
		if p.Status == 0 {
			p.Status = data.NotStarted
		}
		if p.RoundID == 0 {
			m, err := getMeta(ctx, tx, false)
			if err != nil {
				return err
			}
			p.RoundID = m.DefaultRound
		}
		r, err := getRound(ctx, tx, p.RoundID) // a problem of an unknown round is refused
		if err != nil {
			return err
		}
		if err := p.PrepareNew(r, s.today()); err != nil {
			return err
		}
		now := s.now()
		p.CreatedAt, p.UpdatedAt = now, now
		p.ChangedOn, p.ChangedBy = s.today(), data.OperatorFrom(ctx)
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO problems (household_id, round_id, category, sub_problem, detail, urgent, sensitive, survey_year, rexray,
			status, close_reason, target_date, lead_agency, found_on, resolved_on, created_at, updated_at, changed_on, changed_by,
			carried_from, carried_to, thaiqm_on)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id`,
			problemArgs(p)...).Scan(&id); err != nil {
			return err
		}
		p.ID = uint64(id)
		return s.audit(ctx, tx, "create", "problem", p.ID, nil, p, "")
	})
}

// Problem returns one problem.
func (s *Store) Problem(ctx context.Context, id uint64) (p data.Problem, err error) {
	err = scanProblem(s.pool.QueryRow(ctx, `SELECT `+problemColumns+` FROM problems WHERE id = $1`, int64(id)), &p)
	if errors.Is(err, pgx.ErrNoRows) {
		err = data.Errorf(data.ENOTFOUND, "ไม่พบปัญหาเลขที่ %d", "problem %d not found", id)
	}
	return p, err
}
