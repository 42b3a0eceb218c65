package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"qmdesk/data"
)

// Every change to the database writes an entry to its audit log in the
// same transaction, so an index that reflects the database at one entry
// can be brought to a later entry by reading again only the households
// the entries in between name. That is how the window follows an import
// (tens of households) and how a start after a change made elsewhere (the
// command line, another window) avoids reading the whole province again.
// Changes that touch households the log does not name one by one (a bulk
// load, a carry-over, a repair, a restore, an undone import) make the
// index be built again.

// errRebuild: the entries since the index's state do not say which
// households changed; build the index anew.
var errRebuild = errors.New("the index must be built anew")

// catchUpLimit is how many households a catch-up reads again at most:
// beyond that a build (one pass over the file) costs about the same.
const catchUpLimit = 100_000

// registerState is what a stamp says: the schema and the audit log's
// last entry.
type registerState struct {
	schema int
	seq    uint64
	hash   string
}

func (s registerState) String() string { return fmt.Sprintf("s%d/%d/%s", s.schema, s.seq, s.hash) }

func parseRegisterState(stamp string) (s registerState, ok bool) {
	f := strings.Split(stamp, "/")
	if len(f) != 3 || !strings.HasPrefix(f[0], "s") {
		return s, false
	}
	schema, err1 := strconv.ParseUint(f[0][1:], 10, 31)
	seq, err2 := strconv.ParseUint(f[1], 10, 63)
	if err1 != nil || err2 != nil {
		return s, false
	}
	s = registerState{int(schema), seq, f[2]}
	return s, s.String() == stamp
}

// CatchUpRegister brings r, which reflects the database in state from,
// to state to (a later RegisterStamp of the same database, read before
// this call) by reading again the households the audit entries between
// name. It returns how many it read. ok is false when the entries do not
// say which households changed, the log between is not the one r was made
// from, or there are too many: then r may be partly updated and must be
// built anew.
func CatchUpRegister(ctx context.Context, store RegisterStore, r *Register, from, to string) (households int, ok bool, err error) {
	f, okF := parseRegisterState(from)
	t, okT := parseRegisterState(to)
	if !okF || !okT || f.schema != t.schema || f.seq > t.seq {
		return 0, false, nil
	}
	if f.seq == t.seq {
		return 0, f == t, nil
	}
	// The entry r was made at must still be the same entry: a restored
	// or replaced file has another log.
	if a, err := store.AuditAnchor(ctx, f.seq); err != nil || a.Hash != f.hash {
		return 0, false, nil
	}
	ids, err := changedHouseholds(ctx, store, f.seq, t.seq)
	if errors.Is(err, errRebuild) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if err := r.RefreshMany(ctx, store, ids); err != nil {
		return 0, false, err
	}
	return len(ids), true, nil
}

// changedHouseholds reads the audit entries after seq from up to seq to
// and names the households they changed, in ID order.
func changedHouseholds(ctx context.Context, store RegisterStore, from, to uint64) ([]uint64, error) {
	var ids []uint64
	problemHousehold := map[uint64]uint64{}
	householdOf := func(pid uint64) error {
		if h, ok := problemHousehold[pid]; ok {
			ids = append(ids, h)
			return nil
		}
		p, err := store.Problem(ctx, pid)
		if err != nil {
			return err
		}
		problemHousehold[pid] = p.HouseholdID
		ids = append(ids, p.HouseholdID)
		return nil
	}
	for after := from; after < to; {
		entries, err := store.Audit(ctx, after, 1000)
		if err != nil {
			return nil, err
		}
		if len(entries) == 0 || entries[0].Seq > to {
			return nil, errRebuild // the log ends before the state read, or skips it: another file's
		}
		for _, e := range entries {
			if e.Seq > to {
				break
			}
			after = e.Seq
			if err := namedHouseholds(ctx, store, e, &ids, householdOf); err != nil {
				return nil, err
			}
			if len(ids) > catchUpLimit {
				return nil, errRebuild
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// namedHouseholds adds to ids the households entry e changed. Entries
// that change no household's row add nothing; those that change
// households without naming them are errRebuild.
func namedHouseholds(ctx context.Context, store RegisterStore, e data.AuditEntry, ids *[]uint64, householdOf func(problem uint64) error) error {
	var after struct {
		HouseholdID uint64 `json:"household_id"`
		ProblemID   uint64 `json:"problem_id"`
	}
	switch e.Op {
	case "export", "unmask", OpUnmaskRefused, "backup", "seal", "review": // a review's decided batch is an import entry of its own
		return nil // no record changes
	}
	switch e.Entity + "/" + e.Op {
	case "household/create", "household/update":
		*ids = append(*ids, e.ID)
	case "problem/create", "problem/update":
		if json.Unmarshal(e.After, &after) != nil || after.HouseholdID == 0 {
			return errRebuild
		}
		*ids = append(*ids, after.HouseholdID)
	case "action/create", "action/thaiqm":
		if json.Unmarshal(e.After, &after) != nil || after.ProblemID == 0 {
			return errRebuild
		}
		if err := householdOf(after.ProblemID); err != nil {
			if data.ErrorCode(err) == data.ENOTFOUND {
				return errRebuild // removed since: an undo, which a later entry rebuilds for
			}
			return err
		}
	case "import/import":
		hh, err := store.ImportHouseholds(ctx, e.ID)
		if data.ErrorCode(err) == data.ENOTFOUND {
			return errRebuild // undone since
		}
		if err != nil {
			return err
		}
		*ids = append(*ids, hh...)
	case "round/create", "database/update", "database/create", "agency_aliases/update":
		// No household's row changes.
	default:
		// load, carry, rollback, undo, repair, restore, sub-problem flags,
		// municipalities, and anything a later version writes.
		return errRebuild
	}
	return nil
}

// RefreshMany reads the households ids again (removing those gone), as
// Refresh does for one, and sorts and indexes the rows once.
func (r *Register) RefreshMany(ctx context.Context, store RegisterSource, ids []uint64) error {
	type read struct {
		h    data.Household
		ps   []data.Problem
		gone bool
	}
	got := make([]read, len(ids))
	for i, id := range ids {
		h, err := store.Household(ctx, id)
		if data.ErrorCode(err) == data.ENOTFOUND {
			got[i].gone = true
			continue
		}
		if err != nil {
			return err
		}
		ps, err := store.Problems(ctx, data.ProblemFilter{HouseholdID: id})
		if err != nil {
			return err
		}
		got[i] = read{h: h, ps: ps}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	added, removed := false, false
	for i, id := range ids {
		j, known := r.byID[id]
		switch {
		case got[i].gone && known:
			r.rows[j].id = 0 // dropped below
			removed = true
		case got[i].gone:
		case known:
			r.rows[j] = r.rowOf(got[i].h, got[i].ps)
		default:
			r.rows = append(r.rows, r.rowOf(got[i].h, got[i].ps))
			added = true
		}
	}
	if removed {
		r.rows = slices.DeleteFunc(r.rows, func(row registerRow) bool { return row.id == 0 })
	}
	if added {
		sort.Slice(r.rows, func(a, b int) bool { return r.rows[a].id < r.rows[b].id })
	}
	if added || removed {
		r.reindex()
	}
	return nil
}
