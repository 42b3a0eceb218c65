package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"qmdesk/data"
)

const householdColumns = `id, house_code, house_no, village_no, village_name, tambon_code, head_national_id,
	head_title, head_first_name, head_last_name, head_phone, members, origin, unit,
	created_at, updated_at, changed_on, changed_by, id_check_override`

func scanHousehold(row pgx.Row, h *data.Household) error {
	var id int64
	var houseCode, nationalID pgtype.Text
	var changedOn pgtype.Date
	if err := row.Scan(&id, &houseCode, &h.HouseNo, &h.VillageNo, &h.VillageName, &h.TambonCode, &nationalID,
		&h.Head.Title, &h.Head.FirstName, &h.Head.LastName, &h.Head.Phone, &h.Members, &h.Origin, &h.Unit,
		&h.CreatedAt, &h.UpdatedAt, &changedOn, &h.ChangedBy, &h.IDCheckOverride); err != nil {
		return err
	}
	h.ID, h.HouseCode, h.Head.NationalID, h.ChangedOn = uint64(id), houseCode.String, nationalID.String, dateOf(changedOn)
	h.CreatedAt, h.UpdatedAt = h.CreatedAt.UTC(), h.UpdatedAt.UTC()
	return nil
}

// householdArgs are h's columns after id, in householdColumns' order.
func householdArgs(h *data.Household) []any {
	return []any{textArg(h.HouseCode), h.HouseNo, h.VillageNo, h.VillageName, h.TambonCode, textArg(h.Head.NationalID),
		h.Head.Title, h.Head.FirstName, h.Head.LastName, h.Head.Phone, h.Members, int16(h.Origin), h.Unit,
		h.CreatedAt, h.UpdatedAt, dateArg(h.ChangedOn), h.ChangedBy, h.IDCheckOverride}
}

// CreateHousehold stores a new household and sets its ID.
func (s *Store) CreateHousehold(ctx context.Context, h *data.Household) error {
	h.Normalize()
	if err := h.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		units, err := getUnits(ctx, tx)
		if err != nil {
			return err
		}
		units.SettleUnit(h)
		now := s.now()
		h.CreatedAt, h.UpdatedAt = now, now
		h.ChangedOn, h.ChangedBy = s.today(), data.OperatorFrom(ctx)
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO households (house_code, house_no, village_no, village_name, tambon_code, head_national_id,
			head_title, head_first_name, head_last_name, head_phone, members, origin, unit,
			created_at, updated_at, changed_on, changed_by, id_check_override)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
			householdArgs(h)...).Scan(&id); err != nil {
			return err
		}
		h.ID = uint64(id)
		return s.audit(ctx, tx, "create", "household", h.ID, nil, h, "")
	})
}

// Household returns one household.
func (s *Store) Household(ctx context.Context, id uint64) (h data.Household, err error) {
	return getHousehold(ctx, s.pool, id, false)
}

// getHousehold reads one household, locked against other writers until
// the transaction ends when forUpdate.
func getHousehold(ctx context.Context, q querier, id uint64, forUpdate bool) (h data.Household, err error) {
	sql := `SELECT ` + householdColumns + ` FROM households WHERE id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	err = scanHousehold(q.QueryRow(ctx, sql, int64(id)), &h)
	if errors.Is(err, pgx.ErrNoRows) {
		err = data.Errorf(data.ENOTFOUND, "ไม่พบครัวเรือนเลขที่ %d", "household %d not found", id)
	}
	return h, err
}

// UpdateHousehold stores a changed household, stamped now (data.StampAfter) and today by
// the operator. h must carry the UpdatedAt it was read with: when the
// stored household has another (a clerk changed it since), nothing is
// written and the error is ECONFLICT (issue 16 point 4; a stale
// workbook's changes are refused by the import's plan). The household's
// row is locked while it is read and written, so that two clerks' updates
// each write a whole record, one after the other, the second refused as
// stale.
func (s *Store) UpdateHousehold(ctx context.Context, h *data.Household) error {
	h.Normalize()
	if err := h.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		old, err := getHousehold(ctx, tx, h.ID, true)
		if err != nil {
			return err
		}
		if err := checkStale(ctx, tx, "household", h.ID, h.UpdatedAt, old.UpdatedAt, old.ChangedBy); err != nil {
			return err
		}
		units, err := getUnits(ctx, tx)
		if err != nil {
			return err
		}
		units.SettleUnit(h)
		h.CreatedAt, h.UpdatedAt = old.CreatedAt, data.StampAfter(s.now(), old.UpdatedAt)
		h.ChangedOn, h.ChangedBy = s.today(), data.OperatorFrom(ctx)
		if _, err := tx.Exec(ctx, `UPDATE households SET (house_code, house_no, village_no, village_name, tambon_code, head_national_id,
			head_title, head_first_name, head_last_name, head_phone, members, origin, unit,
			created_at, updated_at, changed_on, changed_by, id_check_override)
			= ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) WHERE id = $1`,
			append([]any{int64(h.ID)}, householdArgs(h)...)...); err != nil {
			return err
		}
		// The problems' area follows from the household's row: nothing
		// else to move (the bbolt store moves its counters here).
		return s.audit(ctx, tx, "update", "household", h.ID, old, h, "")
	})
}

// HouseholdsByHouseCode finds households by house code (normally one), in
// ID order.
func (s *Store) HouseholdsByHouseCode(ctx context.Context, code string) ([]data.Household, error) {
	return s.householdsBy(ctx, "house_code", code)
}

// HouseholdsByNationalID finds households whose head has this ID, in ID
// order.
func (s *Store) HouseholdsByNationalID(ctx context.Context, id string) ([]data.Household, error) {
	return s.householdsBy(ctx, "head_national_id", id)
}

// householdsBy lists the households whose column (an indexed one) is
// value; nothing for an empty value.
func (s *Store) householdsBy(ctx context.Context, column, value string) (out []data.Household, err error) {
	if value == "" {
		return nil, nil
	}
	return collect(ctx, s.pool, scanHousehold, `SELECT `+householdColumns+` FROM households WHERE `+column+` = $1 ORDER BY id`, value)
}

// Households lists households after f.After, at most f.Limit (0: all): in
// ID order, or, with f.AreaCode (a province, amphoe or tambon code), those
// whose tambon code begins with it, by tambon code and then ID, as the
// bbolt store's area index gives them.
func (s *Store) Households(ctx context.Context, f data.HouseholdFilter) (out []data.Household, err error) {
	sql := `SELECT ` + householdColumns + ` FROM households WHERE id > $1`
	args := []any{int64(f.After)}
	if f.AreaCode != "" {
		sql += ` AND tambon_code LIKE $2 ORDER BY tambon_code, id`
		args = append(args, likePrefix(f.AreaCode))
	} else {
		sql += ` ORDER BY id`
	}
	if f.Limit > 0 {
		sql += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	return collect(ctx, s.pool, scanHousehold, sql, args...)
}

// likePrefix is a LIKE pattern for the values that begin with p, p's own
// characters taken literally.
func likePrefix(p string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(p) + "%"
}
