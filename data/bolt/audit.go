package bolt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// audit appends an entry to the hash-chained log in the caller's
// transaction: the change and its record commit together or not at all.
func (s *Store) audit(ctx context.Context, tx *bbolt.Tx, op, entity string, id uint64, before, after any, note string) error {
	e := data.AuditEntry{At: s.Clock.Now().UTC(), Who: data.OperatorFrom(ctx), Op: op, Entity: entity, ID: id, Note: note}
	var err error
	if before != nil {
		if e.Before, err = json.Marshal(before); err != nil {
			return err
		}
	}
	if after != nil {
		if e.After, err = json.Marshal(after); err != nil {
			return err
		}
	}
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	e.Seq = seq
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	prev := tx.Bucket(bucketMeta).Get(keyAuditHead)
	var prevHash []byte
	if len(prev) == 40 {
		prevHash = prev[8:]
	}
	h := chainHash(prevHash, body)
	if err := b.Put(itob(seq), append(h, body...)); err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(keyAuditHead, append(itob(seq), h...))
}

func chainHash(prev, body []byte) []byte {
	sum := sha256.New()
	sum.Write(prev)
	sum.Write(body)
	return sum.Sum(nil)
}

// Log records something that changes no record: an unmask, an export.
func (s *Store) Log(ctx context.Context, op, entity string, id uint64, note string) error {
	return s.update(func(tx *bbolt.Tx) error { return s.audit(ctx, tx, op, entity, id, nil, nil, note) })
}

// Audit returns entries after a sequence number, oldest first.
func (s *Store) Audit(ctx context.Context, afterSeq uint64, limit int) (out []data.AuditEntry, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Seek(itob(afterSeq + 1)); k != nil; k, v = c.Next() {
			var e data.AuditEntry
			if len(v) < 32 || json.Unmarshal(v[32:], &e) != nil {
				return corrupt(bucketAudit, k, nil)
			}
			out = append(out, e)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// verifyAudit walks the chain and reports every entry that was edited,
// removed or reordered, and a tail cut off after the recorded head.
func verifyAudit(tx *bbolt.Tx) (n int64, findings []string) {
	var prev []byte
	var want uint64 = 1
	c := tx.Bucket(bucketAudit).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		n++
		seq := btoi(k)
		if seq != want {
			findings = append(findings, fmt.Sprintf("audit: entries %d–%d are missing", want, seq-1))
		}
		want = seq + 1
		if len(v) < 32 {
			findings = append(findings, fmt.Sprintf("audit: entry %d is truncated", seq))
			prev = nil
			continue
		}
		var e data.AuditEntry
		if err := json.Unmarshal(v[32:], &e); err != nil || e.Seq != seq {
			findings = append(findings, fmt.Sprintf("audit: entry %d is unreadable or renumbered", seq))
		}
		if !bytes.Equal(chainHash(prev, v[32:]), v[:32]) {
			findings = append(findings, fmt.Sprintf("audit: entry %d was changed, or an entry before it was removed", seq))
		}
		prev = v[:32]
	}
	head := tx.Bucket(bucketMeta).Get(keyAuditHead)
	if n > 0 && (len(head) != 40 || btoi(head[:8]) != want-1 || !bytes.Equal(head[8:], prev)) {
		findings = append(findings, "audit: the last entries were removed (the recorded head does not match)")
	}
	if n == 0 && head != nil {
		findings = append(findings, "audit: the log was emptied")
	}
	return n, findings
}
