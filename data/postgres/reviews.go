package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"qmdesk/data"
)

const reviewColumns = `id, import_id, kind, sheet, row, reason, reason_en, conflicts, written, candidates, household, problem, action,
	decision, decided_by, decided_at, result, as_of`

var reviewColumnNames = columnNames(reviewColumns)

// jsonArg is v as a json(b) argument: its JSON, or NULL when none.
func jsonArg(v any, none bool) (any, error) {
	if none {
		return nil, nil
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(j), nil
}

// reviewArgs are r's columns, in reviewColumns' order. What the bbolt
// store's JSON leaves out when empty (conflicts, candidates, action,
// result) is NULL, so that it reads back as bbolt's does (nil).
func reviewArgs(r *data.Review) ([]any, error) {
	conflicts, err := jsonArg(r.Conflicts, len(r.Conflicts) == 0)
	if err != nil {
		return nil, err
	}
	household, err := jsonArg(r.Household, false)
	if err != nil {
		return nil, err
	}
	problem, err := jsonArg(r.Problem, false)
	if err != nil {
		return nil, err
	}
	action, err := jsonArg(r.Action, r.Action == nil)
	if err != nil {
		return nil, err
	}
	result, err := jsonArg(r.Result, r.Result == nil)
	if err != nil {
		return nil, err
	}
	var candidates any
	if len(r.Candidates) > 0 {
		c := make([]int64, len(r.Candidates))
		for i, v := range r.Candidates {
			c[i] = int64(v)
		}
		candidates = c
	}
	var decided any
	if !r.DecidedAt.IsZero() {
		decided = r.DecidedAt
	}
	return []any{int64(r.ID), int64(r.ImportID), r.Kind, r.Sheet, r.Row, r.Reason, r.ReasonEnglish, conflicts, r.Written, candidates,
		household, problem, action, r.Decision, r.DecidedBy, decided, result, dateArg(r.AsOf)}, nil
}

func scanReview(row pgx.Row, r *data.Review) error {
	var id, importID int64
	var conflicts, household, problem, action, result []byte
	var candidates []int64
	var decided *time.Time
	var asOf pgtype.Date
	if err := row.Scan(&id, &importID, &r.Kind, &r.Sheet, &r.Row, &r.Reason, &r.ReasonEnglish, &conflicts, &r.Written, &candidates,
		&household, &problem, &action, &r.Decision, &r.DecidedBy, &decided, &result, &asOf); err != nil {
		return err
	}
	r.ID, r.ImportID, r.AsOf = uint64(id), uint64(importID), dateOf(asOf)
	if decided != nil {
		r.DecidedAt = decided.UTC()
	}
	for i, v := range candidates {
		if i == 0 {
			r.Candidates = make([]uint64, len(candidates))
		}
		r.Candidates[i] = uint64(v)
	}
	for _, f := range []struct {
		raw []byte
		to  any
	}{{conflicts, &r.Conflicts}, {household, &r.Household}, {problem, &r.Problem}, {action, &r.Action}, {result, &r.Result}} {
		if f.raw == nil {
			continue
		}
		if err := json.Unmarshal(f.raw, f.to); err != nil {
			return data.Messages(data.EDAMAGED, "อ่านรายการรอตรวจสอบเลขที่ %d ไม่ได้", []any{r.ID}, "review %d cannot be read: %v", r.ID, err)
		}
	}
	return nil
}

// Reviews lists the rows sent to review, in ID order, the undecided ones
// only if asked.
func (s *Store) Reviews(ctx context.Context, pendingOnly bool) (out []data.Review, err error) {
	sql := `SELECT ` + reviewColumns + ` FROM reviews`
	if pendingOnly {
		sql += ` WHERE decision = ''`
	}
	return collect(ctx, s.pool, scanReview, sql+` ORDER BY id`)
}

// Review returns one review item.
func (s *Store) Review(ctx context.Context, id uint64) (data.Review, error) {
	return getReview(ctx, s.pool, id, false)
}

// getReview reads one review, locked until the transaction ends when
// forUpdate.
func getReview(ctx context.Context, q querier, id uint64, forUpdate bool) (r data.Review, err error) {
	sql := `SELECT ` + reviewColumns + ` FROM reviews WHERE id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	err = scanReview(q.QueryRow(ctx, sql, int64(id)), &r)
	if errors.Is(err, pgx.ErrNoRows) {
		err = data.Errorf(data.ENOTFOUND, "ไม่พบรายการรอตรวจสอบเลขที่ %d", "review %d not found", id)
	}
	return r, err
}

// putReview writes r over its row.
func putReview(ctx context.Context, tx pgx.Tx, r *data.Review) error {
	args, err := reviewArgs(r)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE reviews SET (import_id, kind, sheet, row, reason, reason_en, conflicts, written, candidates, household, problem, action,
		decision, decided_by, decided_at, result, as_of) = ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) WHERE id = $1`, args...)
	return err
}

// decided is the refusal of a review already decided, as the bbolt
// store words it.
func decided(r *data.Review) error {
	return &data.Error{Code: data.ECONFLICT, Message: fmt.Sprintf("รายการที่ %d ตัดสินไปแล้ว (%s)", r.ID, data.DecisionThai(r.Decision)), English: fmt.Sprintf("review %d already decided (%s)", r.ID, r.Decision)}
}

// RenewReview replaces the conflicts and the reason of a row still
// waiting for review, in one transaction, with an audit entry.
func (s *Store) RenewReview(ctx context.Context, id uint64, conflicts []data.FieldConflict, reason data.Sentence) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		r, err := getReview(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if r.Decision != "" {
			return decided(&r)
		}
		before := r
		r.Conflicts, r.Reason, r.ReasonEnglish = conflicts, reason.Thai, reason.English
		if len(r.Conflicts) == 0 {
			r.Conflicts = nil // as the bbolt store's JSON reads back
		}
		if err := putReview(ctx, tx, &r); err != nil {
			return err
		}
		return s.audit(ctx, tx, "review", "review", id, before, r, "renew")
	})
}

// DecideReview records the clerk's decision on a review row and, for every
// decision but "reject", commits the batch made from it (an import of its
// own in the ledger), in one transaction.
func (s *Store) DecideReview(ctx context.Context, id uint64, decision string, b *data.ImportBatch) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		r, err := getReview(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if r.Decision != "" {
			return decided(&r)
		}
		log := &auditBatch{s: s}
		switch decision {
		case "reject":
		case "new", "merge", "keep", "accept":
			if _, err := s.commitBatch(ctx, tx, b, id, log); err != nil {
				return err
			}
			if b.NumRows() == 1 {
				res := b.Row(0)
				r.Result = &res
			}
		default:
			return data.Errorf(data.EINVALID, "ไม่รู้จักการตัดสิน '%s': ต้องเป็น new, merge, keep, accept หรือ reject", "unknown decision %q", decision)
		}
		r.Decision, r.DecidedBy, r.DecidedAt = decision, data.OperatorFrom(ctx), s.now()
		if err := putReview(ctx, tx, &r); err != nil {
			return err
		}
		if err := log.add("review", "review", id, nil, r, decision); err != nil {
			return err
		}
		return s.flushAudit(ctx, tx, log)
	})
}
