package postgres

import (
	"context"

	"qmdesk/data"
)

// The importer's dry run asks these of many rows at once (app's
// ImportBatchReader): one query for a chunk of rows instead of a few per
// row, each answering what the per-row reads (HouseholdsByHouseCode,
// HouseholdsByNationalID, Household, ProblemsOf, Problem, Actions) would,
// in the same order, through the same indexes. They only read.

// HouseholdsMatching lists, in ID order and once each, the households
// whose house code is one of houseCodes, whose head's national ID is one
// of nationalIDs, or whose ID is one of ids. Empty strings match nothing.
func (s *Store) HouseholdsMatching(ctx context.Context, houseCodes, nationalIDs []string, ids []uint64) ([]data.Household, error) {
	if len(houseCodes) == 0 && len(nationalIDs) == 0 && len(ids) == 0 {
		return nil, nil
	}
	// Each branch is an index scan (households_house_code,
	// households_national_id, the primary key); a house code or national
	// ID never stored is NULL, and "" is in neither array's matches.
	return collect(ctx, s.pool, scanHousehold, `SELECT `+householdColumns+` FROM households WHERE id IN (
		SELECT id FROM households WHERE house_code IS NOT NULL AND house_code = ANY($1::text[])
		UNION SELECT id FROM households WHERE head_national_id IS NOT NULL AND head_national_id = ANY($2::text[])
		UNION SELECT unnest($3::bigint[]))
	ORDER BY id`, nonEmpty(houseCodes), nonEmpty(nationalIDs), int64s(ids))
}

// ProblemsOfHouseholds lists the problems of the households householdIDs,
// by household ID and then problem ID (each household's as ProblemsOf
// gives them).
func (s *Store) ProblemsOfHouseholds(ctx context.Context, householdIDs []uint64) ([]data.Problem, error) {
	if len(householdIDs) == 0 {
		return nil, nil
	}
	return collect(ctx, s.pool, scanProblem, `SELECT `+problemColumns+` FROM problems WHERE household_id = ANY($1::bigint[]) ORDER BY household_id, id`, int64s(householdIDs))
}

// ProblemsByID lists the problems ids that exist, in ID order.
func (s *Store) ProblemsByID(ctx context.Context, ids []uint64) ([]data.Problem, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return collect(ctx, s.pool, scanProblem, `SELECT `+problemColumns+` FROM problems WHERE id = ANY($1::bigint[]) ORDER BY id`, int64s(ids))
}

// ActionsOfProblems lists the actions of the problems problemIDs, by
// problem ID and then action ID (each problem's as Actions gives them).
func (s *Store) ActionsOfProblems(ctx context.Context, problemIDs []uint64) ([]data.Action, error) {
	if len(problemIDs) == 0 {
		return nil, nil
	}
	return collect(ctx, s.pool, scanAction, `SELECT `+actionColumns+` FROM actions WHERE problem_id = ANY($1::bigint[]) ORDER BY problem_id, id`, int64s(problemIDs))
}

func int64s(ids []uint64) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i] = int64(id)
	}
	return out
}

// nonEmpty is values without "" (which HouseholdsByHouseCode and
// HouseholdsByNationalID never match).
func nonEmpty(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
