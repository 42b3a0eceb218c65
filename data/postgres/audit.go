package postgres

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"qmdesk/data"
)

// Log records something that changes no record: an unmask, an export.
func (s *Store) Log(ctx context.Context, op, entity string, id uint64, note string) error {
	return s.write(ctx, func(tx pgx.Tx) error { return s.audit(ctx, tx, op, entity, id, nil, nil, note) })
}

// Audit returns the entries after a sequence number, oldest first, at
// most limit of them (0: all).
func (s *Store) Audit(ctx context.Context, afterSeq uint64, limit int) (out []data.AuditEntry, err error) {
	sql := `SELECT seq, entry::text FROM audit WHERE seq > $1 ORDER BY seq`
	args := []any{int64(afterSeq)}
	if limit > 0 {
		sql += ` LIMIT $2`
		args = append(args, limit)
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var entry string
		if err := rows.Scan(&seq, &entry); err != nil {
			return nil, err
		}
		var e data.AuditEntry
		if err := json.Unmarshal([]byte(entry), &e); err != nil {
			return nil, data.Errorf(data.EDAMAGED, "อ่านบันทึกการแก้ไขลำดับที่ %d ไม่ได้", "audit entry %d cannot be read", seq)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditAnchor names entry seq (0: the last; an empty log gives the zero
// anchor) by its seal.
func (s *Store) AuditAnchor(ctx context.Context, seq uint64) (a data.AuditAnchor, err error) {
	var n int64
	var seal []byte
	if seq == 0 {
		err = s.pool.QueryRow(ctx, `SELECT seq, seal FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&n, &seal)
	} else {
		err = s.pool.QueryRow(ctx, `SELECT seq, seal FROM audit WHERE seq = $1`, int64(seq)).Scan(&n, &seal)
	}
	switch {
	case errors.Is(err, pgx.ErrNoRows) && seq == 0:
		return a, nil
	case errors.Is(err, pgx.ErrNoRows):
		return a, data.Errorf(data.ENOTFOUND, "ไม่พบบันทึกการแก้ไขลำดับที่ %d ในฐานข้อมูลนี้", "audit entry %d not found", seq)
	case err != nil:
		return a, err
	}
	return data.AuditAnchor{Seq: uint64(n), Hash: hex.EncodeToString(seal)}, nil
}

// Sizes counts the households, problems and actions (exactly: a count of
// each table, in one snapshot).
func (s *Store) Sizes(ctx context.Context) (n data.Sizes, err error) {
	err = s.read(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM households), (SELECT count(*) FROM problems), (SELECT count(*) FROM actions)`).
			Scan(&n.Households, &n.Problems, &n.Actions)
	})
	return n, err
}
