package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"qmdesk/data"
)

type querier interface {
	QueryRow(context.Context, string, ...any) pgx.Row
	Query(context.Context, string, ...any) (pgx.Rows, error)
}

// Meta returns the database's description; a database not set up yet
// (Init) has no province.
func (s *Store) Meta(ctx context.Context) (m data.Meta, err error) {
	err = s.read(ctx, func(tx pgx.Tx) error {
		m, err = getMeta(ctx, tx, false)
		return err
	})
	return m, err
}

// getMeta reads the meta row, locked against other writers when forUpdate.
func getMeta(ctx context.Context, q querier, forUpdate bool) (data.Meta, error) {
	var m data.Meta
	var province pgtype.Text
	var round pgtype.Int8
	var created pgtype.Timestamptz
	sql := `SELECT province, default_round, created_at, demo FROM meta`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	if err := q.QueryRow(ctx, sql).Scan(&province, &round, &created, &m.Demo); err != nil {
		return m, err
	}
	m.Province, m.DefaultRound = province.String, uint64(round.Int64)
	if created.Valid {
		m.CreatedAt = created.Time.UTC()
	}
	v, err := schemaVersion(ctx, q)
	m.SchemaVersion = v
	return m, err
}

// putMeta writes what Meta holds into the meta row.
func putMeta(ctx context.Context, tx pgx.Tx, m data.Meta) error {
	var created any
	if !m.CreatedAt.IsZero() {
		created = m.CreatedAt
	}
	var round any
	if m.DefaultRound != 0 {
		round = int64(m.DefaultRound)
	}
	_, err := tx.Exec(ctx, `UPDATE meta SET province = $1, default_round = $2, created_at = $3, demo = $4`,
		textArg(m.Province), round, created, m.Demo)
	return err
}

// Init sets the province of a new database and creates its first round.
// It refuses a database that already belongs to a province.
func (s *Store) Init(ctx context.Context, province string, round data.Round) (data.Meta, error) {
	var m data.Meta
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		if m, err = getMeta(ctx, tx, true); err != nil {
			return err
		} else if m.Province != "" {
			return data.Errorf(data.ECONFLICT, "ฐานข้อมูลนี้เป็นของจังหวัดรหัส %s อยู่แล้ว", "database already set up for province %s", m.Province)
		}
		if err := data.CheckProvinceCode(province); err != nil {
			return err
		}
		if err := round.Validate(s.today()); err != nil {
			return err
		}
		if err := s.createRound(ctx, tx, &round); err != nil {
			return err
		}
		m = data.Meta{Province: province, SchemaVersion: m.SchemaVersion, DefaultRound: round.ID, CreatedAt: s.now()}
		if err := putMeta(ctx, tx, m); err != nil {
			return err
		}
		return s.audit(ctx, tx, "create", "database", 0, nil, m, "")
	})
	return m, err
}

const roundColumns = `id, name, survey_year, start, deadline`

func scanRound(row pgx.Row, r *data.Round) error {
	var id int64
	var start, deadline pgtype.Date
	if err := row.Scan(&id, &r.Name, &r.SurveyYear, &start, &deadline); err != nil {
		return err
	}
	r.ID, r.Start, r.Deadline = uint64(id), dateOf(start), dateOf(deadline)
	return nil
}

// Rounds returns every round, oldest first.
func (s *Store) Rounds(ctx context.Context) (rounds []data.Round, err error) {
	return collect(ctx, s.pool, scanRound, `SELECT `+roundColumns+` FROM rounds ORDER BY id`)
}

// Round returns one round.
func (s *Store) Round(ctx context.Context, id uint64) (r data.Round, err error) {
	return getRound(ctx, s.pool, id)
}

func getRound(ctx context.Context, q querier, id uint64) (r data.Round, err error) {
	err = scanRound(q.QueryRow(ctx, `SELECT `+roundColumns+` FROM rounds WHERE id = $1`, int64(id)), &r)
	if errors.Is(err, pgx.ErrNoRows) {
		err = data.Errorf(data.ENOTFOUND, "ไม่พบรอบที่ %d", "round %d not found", id)
	}
	return r, err
}

// CreateRound adds a round; old rounds stay as they are.
func (s *Store) CreateRound(ctx context.Context, r *data.Round) error {
	r.Name = data.CleanText(r.Name)
	if err := r.Validate(s.today()); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error { return s.createRound(ctx, tx, r) })
}

// roundNameTaken refuses the name of a round when a round has it.
func roundNameTaken(ctx context.Context, tx pgx.Tx, name string) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM rounds WHERE name = $1`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return roundNameError(name)
	}
	return nil
}

func roundNameError(name string) error {
	return data.Errorf(data.ECONFLICT, "มีรอบชื่อ '%s' อยู่แล้ว กรุณาตั้งชื่ออื่น", "a round named %q exists", name)
}

func (s *Store) createRound(ctx context.Context, tx pgx.Tx, r *data.Round) error {
	if err := roundNameTaken(ctx, tx, r.Name); err != nil {
		return err
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO rounds (name, survey_year, start, deadline) VALUES ($1, $2, $3, $4) RETURNING id`,
		r.Name, r.SurveyYear, dateArg(r.Start), dateArg(r.Deadline)).Scan(&id)
	if isUniqueViolation(err) { // another clerk's, committed while this waited
		return roundNameError(r.Name)
	} else if err != nil {
		return err
	}
	r.ID = uint64(id)
	return s.audit(ctx, tx, "create", "round", r.ID, nil, r, "")
}

// SetCurrentRound makes round id the one the dashboard opens on and
// imports go into.
func (s *Store) SetCurrentRound(ctx context.Context, id uint64) error {
	return s.write(ctx, func(tx pgx.Tx) error { return s.setCurrentRound(ctx, tx, id) })
}

// setCurrentRound is SetCurrentRound in tx, with its audit entry.
func (s *Store) setCurrentRound(ctx context.Context, tx pgx.Tx, id uint64) error {
	m, err := getMeta(ctx, tx, true)
	if err != nil {
		return err
	}
	r, err := getRound(ctx, tx, id)
	if err != nil {
		return err
	}
	before := m
	m.DefaultRound = id
	if err := putMeta(ctx, tx, m); err != nil {
		return err
	}
	return s.audit(ctx, tx, "update", "database", 0, before, m, "current round: "+r.Name)
}

// SubProblems returns the editable sub-problem list (nil in a database
// whose list was never set).
func (s *Store) SubProblems(ctx context.Context) (l data.SubProblemList, err error) {
	err = s.read(ctx, func(tx pgx.Tx) error {
		l, err = getSubProblems(ctx, tx)
		return err
	})
	return l, err
}

func getSubProblems(ctx context.Context, q querier) (data.SubProblemList, error) {
	var set bool
	if err := q.QueryRow(ctx, `SELECT sub_problems_set FROM meta`).Scan(&set); err != nil || !set {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT category, name, urgent, sensitive FROM sub_problems ORDER BY position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	l := data.SubProblemList{}
	for rows.Next() {
		var e data.SubProblem
		if err := rows.Scan(&e.Category, &e.Name, &e.Urgent, &e.Sensitive); err != nil {
			return nil, err
		}
		l = append(l, e)
	}
	return l, rows.Err()
}

// SetSubProblems replaces the sub-problem list. A change of an entry's
// urgent or sensitive flag reaches the problems of that sub-problem in the
// current round, in the same transaction (earlier rounds keep the figures
// they ended with); the audit entry says how many.
func (s *Store) SetSubProblems(ctx context.Context, l data.SubProblemList) error {
	for i := range l {
		l[i].Name = data.CleanText(l[i].Name)
		if err := l[i].Validate(); err != nil {
			return err
		}
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		m, err := getMeta(ctx, tx, true)
		if err != nil {
			return err
		}
		before, err := getSubProblems(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sub_problems`); err != nil {
			return err
		}
		rows := make([][]any, len(l))
		for i, e := range l {
			rows[i] = []any{i, int16(e.Category), e.Name, e.Urgent, e.Sensitive}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"sub_problems"}, []string{"position", "category", "name", "urgent", "sensitive"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meta SET sub_problems_set = true`); err != nil {
			return err
		}
		n, err := s.reflag(ctx, tx, m.DefaultRound, before, l)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, "update", "subproblems", 0, before, l, fmt.Sprintf("flags changed on %d problems of the current round", n))
	})
}

// reflag gives the problems of round (the current one) the urgent and
// sensitive flags of their entry in the new list, where those changed;
// problems carried into a later round stay as they are.
func (s *Store) reflag(ctx context.Context, tx pgx.Tx, round uint64, before, after data.SubProblemList) (int, error) {
	var changed data.SubProblemList
	var categories []int16
	for _, e := range after {
		if old, ok := before.Find(e.Category, e.Name); ok && old.Urgent == e.Urgent && old.Sensitive == e.Sensitive {
			continue
		}
		changed = append(changed, e)
		categories = append(categories, int16(e.Category))
	}
	if len(changed) == 0 || round == 0 {
		return 0, nil
	}
	rows, err := tx.Query(ctx, `SELECT id, category, sub_problem, urgent, sensitive FROM problems
		WHERE round_id = $1 AND category = ANY($2) AND carried_to IS NULL ORDER BY id FOR UPDATE`, int64(round), categories)
	if err != nil {
		return 0, err
	}
	type flags struct {
		id                int64
		urgent, sensitive bool
	}
	var todo []flags
	for rows.Next() {
		var p data.Problem
		var id int64
		if err := rows.Scan(&id, &p.Category, &p.SubProblem, &p.Urgent, &p.Sensitive); err != nil {
			rows.Close()
			return 0, err
		}
		if entry, ok := changed.Find(p.Category, p.SubProblem); ok && (p.Urgent != entry.Urgent || p.Sensitive != entry.Sensitive) {
			todo = append(todo, flags{id, entry.Urgent, entry.Sensitive})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	// Stamped as data.StampAfter does: now, or 1µs after the last stamp.
	now, today, who := s.now(), s.today(), data.OperatorFrom(ctx)
	for _, f := range todo {
		if _, err := tx.Exec(ctx, `UPDATE problems SET urgent = $2, sensitive = $3, updated_at = GREATEST($4, updated_at + interval '1 microsecond'), changed_on = $5, changed_by = $6 WHERE id = $1`,
			f.id, f.urgent, f.sensitive, now, dateArg(today), who); err != nil {
			return 0, err
		}
	}
	return len(todo), nil
}

// Units returns the province's municipalities (nil in a database whose
// list was never set).
func (s *Store) Units(ctx context.Context) (l data.UnitList, err error) {
	err = s.read(ctx, func(tx pgx.Tx) error {
		l, err = getUnits(ctx, tx)
		return err
	})
	return l, err
}

func getUnits(ctx context.Context, q querier) (data.UnitList, error) {
	var set bool
	if err := q.QueryRow(ctx, `SELECT units_set FROM meta`).Scan(&set); err != nil || !set {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT u.position, u.code, u.name, u.type, t.tambon_code, t."full"
		FROM units u LEFT JOIN unit_tambons t ON t.unit_position = u.position ORDER BY u.position, t.position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	l := data.UnitList{}
	last := -1
	for rows.Next() {
		var pos int
		var u data.Unit
		var tambon pgtype.Text
		var full pgtype.Bool
		if err := rows.Scan(&pos, &u.Code, &u.Name, &u.Type, &tambon, &full); err != nil {
			return nil, err
		}
		if pos != last {
			l, last = append(l, u), pos
		}
		if tambon.Valid {
			t := &l[len(l)-1]
			t.Tambons = append(t.Tambons, data.UnitTambon{Code: tambon.String, Full: full.Bool})
		}
	}
	return l, rows.Err()
}

// SetUnits replaces the list of municipalities and moves the households
// whose unit the change moves, with the audit entries, in one
// transaction.
func (s *Store) SetUnits(ctx context.Context, l data.UnitList) error {
	if l == nil {
		l = data.UnitList{}
	}
	return s.write(ctx, func(tx pgx.Tx) error { return s.setUnits(ctx, tx, l) })
}

// setUnits is SetUnits in tx, with its audit entries.
func (s *Store) setUnits(ctx context.Context, tx pgx.Tx, l data.UnitList) error {
	if l == nil {
		l = data.UnitList{}
	}
	if _, err := getMeta(ctx, tx, true); err != nil {
		return err
	}
	before, err := getUnits(ctx, tx)
	if err != nil {
		return err
	}
	l.AssignCodes()
	if _, err := tx.Exec(ctx, `DELETE FROM units`); err != nil { // and their tambons
		return err
	}
	var units, tambons [][]any
	for i, u := range l {
		units = append(units, []any{i, u.Code, u.Name, string(u.Type)})
		for j, t := range u.Tambons {
			tambons = append(tambons, []any{i, j, t.Code, t.Full})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"units"}, []string{"position", "code", "name", "type"}, pgx.CopyFromRows(units)); err != nil {
		return err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"unit_tambons"}, []string{"unit_position", "position", "tambon_code", "full"}, pgx.CopyFromRows(tambons)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE meta SET units_set = true`); err != nil {
		return err
	}
	moved, err := resettleUnits(ctx, tx, before, l)
	if err != nil {
		return err
	}
	for _, h := range moved {
		if err := s.audit(ctx, tx, "update", "household", h.ID, nil, map[string]string{"unit": h.Unit}, "unit list changed"); err != nil {
			return err
		}
	}
	return s.audit(ctx, tx, "update", "units", 0, before, l, fmt.Sprintf("%d municipalities, %d households moved", len(l), len(moved)))
}

// resettleUnits gives every household the unit the list l says
// (SettleUnit), and returns, in ID order, those whose unit changed. Only
// a household in a unit, or in a tambon one of the lists covers, can
// change: the others are not read.
func resettleUnits(ctx context.Context, tx pgx.Tx, before, l data.UnitList) ([]data.Household, error) {
	var tambons []string
	for _, list := range []data.UnitList{before, l} {
		for _, u := range list {
			for _, t := range u.Tambons {
				tambons = append(tambons, t.Code)
			}
		}
	}
	rows, err := tx.Query(ctx, `SELECT `+householdColumns+` FROM households WHERE unit <> '' OR tambon_code = ANY($1) ORDER BY id FOR UPDATE`, tambons)
	if err != nil {
		return nil, err
	}
	var moved []data.Household
	for rows.Next() {
		var h data.Household
		if err := scanHousehold(rows, &h); err != nil {
			rows.Close()
			return nil, err
		}
		if l.SettleUnit(&h) {
			moved = append(moved, h)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, h := range moved {
		if _, err := tx.Exec(ctx, `UPDATE households SET unit = $2 WHERE id = $1`, int64(h.ID), h.Unit); err != nil {
			return nil, err
		}
	}
	return moved, nil
}
