package app

import (
	"context"

	"qmdesk/data"
)

// ImportBatchReader is what a store that answers many of a dry run's
// lookups in one query offers (the PostgreSQL store, where each query is
// a round trip to the server): the planner then reads, for a chunk of
// rows at once, what it would otherwise ask row by row. Each method
// answers what the per-row reads of ImportReader would, in their order;
// none writes. A store without it (bbolt, whose reads are in-process and
// cheap) is asked row by row.
type ImportBatchReader interface {
	// HouseholdsMatching lists, in ID order and once each, the
	// households whose house code is one of houseCodes, whose head's
	// national ID is one of nationalIDs, or whose ID is one of ids.
	HouseholdsMatching(ctx context.Context, houseCodes, nationalIDs []string, ids []uint64) ([]data.Household, error)
	// ProblemsOfHouseholds lists the households' problems by household
	// ID, then problem ID.
	ProblemsOfHouseholds(ctx context.Context, householdIDs []uint64) ([]data.Problem, error)
	// ProblemsByID lists the problems ids that exist, in ID order.
	ProblemsByID(ctx context.Context, ids []uint64) ([]data.Problem, error)
	// ActionsOfProblems lists the problems' actions by problem ID, then
	// action ID.
	ActionsOfProblems(ctx context.Context, problemIDs []uint64) ([]data.Action, error)
}

// lookupChunk is how many rows the planner reads the register for at
// once when the store is an ImportBatchReader: a few queries of a few
// thousand keys each, and what they return (the chunk's households,
// their problems and actions) held until the chunk is planned.
var lookupChunk = 2000

// prefetched answers the planner's per-row reads from what prefetch read
// for the chunk of rows being planned, and passes every other read (a
// key it did not ask about) on to the store. A key it asked about and
// the store did not have is answered as the store answers it: no
// households, no problems, no actions; a household or problem ID not
// found is passed on (the store's own not-found error).
type prefetched struct {
	ImportReader
	byCode     map[string][]data.Household
	byNID      map[string][]data.Household
	byID       map[uint64]data.Household
	problemsOf map[uint64][]data.Problem
	problems   map[uint64]data.Problem
	actions    map[uint64][]data.Action
	rounds     map[uint64]data.Round
}

func (p *prefetched) reset() {
	p.byCode, p.byNID, p.byID = map[string][]data.Household{}, map[string][]data.Household{}, map[uint64]data.Household{}
	p.problemsOf, p.problems, p.actions = map[uint64][]data.Problem{}, map[uint64]data.Problem{}, map[uint64][]data.Action{}
	p.rounds = map[uint64]data.Round{}
}

func (p *prefetched) HouseholdsByHouseCode(ctx context.Context, code string) ([]data.Household, error) {
	if hs, ok := p.byCode[code]; ok {
		return hs, nil
	}
	return p.ImportReader.HouseholdsByHouseCode(ctx, code)
}

func (p *prefetched) HouseholdsByNationalID(ctx context.Context, id string) ([]data.Household, error) {
	if hs, ok := p.byNID[id]; ok {
		return hs, nil
	}
	return p.ImportReader.HouseholdsByNationalID(ctx, id)
}

func (p *prefetched) Household(ctx context.Context, id uint64) (data.Household, error) {
	if h, ok := p.byID[id]; ok {
		return h, nil
	}
	return p.ImportReader.Household(ctx, id)
}

func (p *prefetched) ProblemsOf(ctx context.Context, householdID uint64) ([]data.Problem, error) {
	if ps, ok := p.problemsOf[householdID]; ok {
		return ps, nil
	}
	return p.ImportReader.ProblemsOf(ctx, householdID)
}

func (p *prefetched) Problem(ctx context.Context, id uint64) (data.Problem, error) {
	if pr, ok := p.problems[id]; ok {
		return pr, nil
	}
	return p.ImportReader.Problem(ctx, id)
}

func (p *prefetched) Actions(ctx context.Context, problemID uint64) ([]data.Action, error) {
	if as, ok := p.actions[problemID]; ok {
		return as, nil
	}
	return p.ImportReader.Actions(ctx, problemID)
}

// Round is read once per chunk: a carried problem's row asks for the
// round its work began in, and there are a few rounds.
func (p *prefetched) Round(ctx context.Context, id uint64) (data.Round, error) {
	if r, ok := p.rounds[id]; ok {
		return r, nil
	}
	r, err := p.ImportReader.Round(ctx, id)
	if err == nil && p.rounds != nil {
		p.rounds[id] = r
	}
	return r, err
}

// prefetch reads at once what planning rows will ask the register (when
// the store is an ImportBatchReader): the households their house codes,
// national IDs and keys name, the problems of those not in the batch
// yet, the actions of their problems of the current round and the
// problems those were carried from. What the rows then ask is answered
// from it (prefetched); the plan is the same as row by row.
func (pl *planner) prefetch(rows []rowInput) error {
	c := pl.cache
	if c == nil {
		return nil
	}
	if pl.noHouseholds {
		return nil // householdOf asks nothing; a key is passed on, not found
	}
	c.reset()
	var codes, nids []string
	var keys []uint64
	for i := range rows {
		in := &rows[i]
		switch {
		case in.Reject != nil:
		case in.Key != 0: // checkKey and householdOf read the household by its key only
			if _, known := pl.hhByID.get(in.Key); !known {
				if _, asked := c.byID[in.Key]; !asked {
					c.byID[in.Key] = data.Household{} // a mark, taken out below
					keys = append(keys, in.Key)
				}
			}
		default:
			if code := in.Household.HouseCode; code != "" {
				if _, asked := c.byCode[code]; !asked {
					c.byCode[code] = nil
					codes = append(codes, code)
				}
			}
			if nid := in.Household.Head.NationalID; nid != "" {
				if _, asked := c.byNID[nid]; !asked {
					c.byNID[nid] = nil
					nids = append(nids, nid)
				}
			}
		}
	}
	clear(c.byID) // only what the store has is answered from here
	if len(codes)+len(nids)+len(keys) == 0 {
		return nil
	}
	hs, err := pl.batch.HouseholdsMatching(pl.ctx, codes, nids, keys)
	if err != nil {
		return err
	}
	var load []uint64 // households existingRef will read the problems of
	for _, h := range hs {
		c.byID[h.ID] = h
		if l, asked := c.byCode[h.HouseCode]; asked && h.HouseCode != "" {
			c.byCode[h.HouseCode] = append(l, h)
		}
		if l, asked := c.byNID[h.Head.NationalID]; asked && h.Head.NationalID != "" {
			c.byNID[h.Head.NationalID] = append(l, h)
		}
		if _, known := pl.hhByID.get(h.ID); !known {
			load = append(load, h.ID)
		}
	}
	if len(load) == 0 {
		return nil
	}
	ps, err := pl.batch.ProblemsOfHouseholds(pl.ctx, load)
	if err != nil {
		return err
	}
	for _, id := range load {
		c.problemsOf[id] = nil
	}
	var current, carried []uint64
	for _, p := range ps {
		c.problemsOf[p.HouseholdID] = append(c.problemsOf[p.HouseholdID], p)
		c.problems[p.ID] = p
		if p.RoundID == pl.round { // the problems a row can be about (existingRef)
			current = append(current, p.ID)
			if p.CarriedFrom != 0 {
				carried = append(carried, p.CarriedFrom)
			}
		}
	}
	if len(current) > 0 {
		as, err := pl.batch.ActionsOfProblems(pl.ctx, current)
		if err != nil {
			return err
		}
		for _, id := range current {
			c.actions[id] = nil
		}
		for _, a := range as {
			c.actions[a.ProblemID] = append(c.actions[a.ProblemID], a)
		}
	}
	// firstStart follows a problem's carried-from chain (at most 20).
	for depth := 0; len(carried) > 0 && depth < 20; depth++ {
		var ask []uint64
		for _, id := range carried {
			if _, ok := c.problems[id]; !ok {
				ask = append(ask, id)
			}
		}
		if len(ask) == 0 {
			break
		}
		ps, err := pl.batch.ProblemsByID(pl.ctx, ask)
		if err != nil {
			return err
		}
		carried = carried[:0]
		for _, p := range ps {
			c.problems[p.ID] = p
			if p.CarriedFrom != 0 {
				carried = append(carried, p.CarriedFrom)
			}
		}
	}
	return nil
}
