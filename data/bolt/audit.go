package bolt

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// audit appends an entry to the sealed, chained log in the caller's
// transaction: the change and its record commit together or not at all.
func (s *Store) audit(ctx context.Context, tx *bbolt.Tx, op, entity string, id uint64, before, after any, note string) error {
	e, err := data.NewAuditEntry(s.Clock.Now().UTC(), data.OperatorFrom(ctx), op, entity, id, before, after, note)
	if err != nil {
		return err
	}
	key, keyID, err := s.seal.writingKey()
	if err != nil {
		return err
	}
	prevHash, headKey := auditHead(tx)
	switch {
	case keyID == "" && headKey != "":
		return data.Errorf(data.EINVALID, "บันทึกการแก้ไขของฐานข้อมูลนี้ปิดผนึกด้วยกุญแจ (รหัส %s) แต่โปรแกรมหาโฟลเดอร์กุญแจในโฟลเดอร์ AppData ของผู้ใช้ไม่พบ จึงบันทึกการเปลี่ยนแปลงไม่ได้: เข้าสู่ระบบด้วยบัญชีผู้ใช้ตามปกติแล้วลองใหม่ หรือแจ้งเจ้าหน้าที่ไอที", "audit log is sealed (key %s) but no key folder is set", headKey)
	case keyID != "" && headKey != keyID:
		// The first entry under this key: say so in the chain itself, so
		// that where the keyed part begins is pinned like any entry.
		note := "audit log sealed from here with the key of this computer (" + keyID + ")"
		if headKey != "" {
			note += "; entries before were sealed with key " + headKey + " (another computer, or a lost key)"
		}
		seal := data.AuditEntry{At: e.At, Who: e.Who, Op: opSeal, Entity: "audit", Note: note}
		if prevHash, err = s.appendEntry(tx, &seal, prevHash, key, keyID); err != nil {
			return err
		}
	}
	_, err = s.appendEntry(tx, &e, prevHash, key, keyID)
	return err
}

// appendEntry numbers e, seals it to prev (HMAC-SHA256 under key, or
// plain SHA-256 without one) and makes it the head. It returns its seal.
func (s *Store) appendEntry(tx *bbolt.Tx, e *data.AuditEntry, prev, key []byte, keyID string) ([]byte, error) {
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return nil, err
	}
	e.Seq, e.Key = seq, keyID
	body, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	h := chainHash(prev, body)
	if key != nil {
		h = macOf(key, prev, body)
	}
	if err := b.Put(itob(seq), append(h, body...)); err != nil {
		return nil, err
	}
	if err := tx.Bucket(bucketMeta).Put(keyAuditHead, append(append(itob(seq), h...), keyID...)); err != nil {
		return nil, err
	}
	if key != nil {
		s.noteHead(tx, anchor{Seq: seq, Hash: hex.EncodeToString(h), Key: keyID})
	}
	return h, nil
}

// auditHead reads the head the meta bucket holds: seq(8) + seal(32), and
// since the seal the id of the key that sealed the last entry.
func auditHead(tx *bbolt.Tx) (hash []byte, keyID string) {
	head := tx.Bucket(bucketMeta).Get(keyAuditHead)
	if len(head) < 40 {
		return nil, ""
	}
	return append([]byte(nil), head[8:40]...), string(head[40:])
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

// AuditAnchor names entry seq (0: the last) by its seal.
func (s *Store) AuditAnchor(ctx context.Context, seq uint64) (a data.AuditAnchor, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		var k, v []byte
		if seq == 0 {
			k, v = tx.Bucket(bucketAudit).Cursor().Last()
		} else {
			k, v = itob(seq), tx.Bucket(bucketAudit).Get(itob(seq))
		}
		if k == nil && seq == 0 {
			return nil // an empty log
		}
		if len(v) < 32 {
			return data.Errorf(data.ENOTFOUND, "ไม่พบบันทึกการแก้ไขลำดับที่ %d ในฐานข้อมูลนี้", "audit entry %d not found", seq)
		}
		a = data.AuditAnchor{Seq: btoi(k), Hash: hex.EncodeToString(v[:32])}
		return nil
	})
	return a, err
}

// auditVerifier is what verifyAudit checks the chain with: this
// installation's key, if it has one, and the anchors of the file.
type auditVerifier struct {
	key     []byte
	keyID   string
	keyDir  string
	anchors []foundAnchor
}

// verifier loads the key and the anchors of the store's file. Anchors are
// read before the transaction that is checked begins: they are written
// after each commit, so they can then only be behind that transaction,
// never ahead of it.
func (s *Store) verifier() *auditVerifier {
	key, keyID := s.seal.readingKey()
	return &auditVerifier{key: key, keyID: keyID, keyDir: s.seal.dir, anchors: s.seal.readAnchors(s.path)}
}

type auditResult struct {
	n        int64
	findings []string
	check    data.AuditCheck
}

// verifyAudit walks the chain and reports, in English, every entry that
// was edited, removed, reordered or forged, an end that disagrees with
// an anchor (cut off, emptied, rewritten), and an import ledger that
// disagrees with the log. What this computer cannot verify (entries or
// anchors sealed with another computer's key, no anchor at all) goes to
// check.Unverified, in Thai, and is no finding.
func verifyAudit(tx *bbolt.Tx, v *auditVerifier) (res auditResult) {
	var prev []byte
	var want uint64 = 1
	var lastKey string                 // key of the last sealed entry
	foreign := map[string]*[2]uint64{} // entries sealed with a key not here: first, last
	var foreignOrder []string
	seals := map[uint64][]byte{}    // the seals at the anchors' entries
	sealKeys := map[uint64]string{} // and the keys those entries name
	for _, f := range v.anchors {
		if f.err == nil {
			seals[f.a.Seq] = nil
		}
	}
	ledger := map[uint64]json.RawMessage{} // import → the ledger entry the log says is there
	add := func(format string, args ...any) {
		res.findings = append(res.findings, fmt.Sprintf("audit: "+format, args...))
	}
	c := tx.Bucket(bucketAudit).Cursor()
	for k, val := c.First(); k != nil; k, val = c.Next() {
		res.n++
		seq := btoi(k)
		if seq != want {
			add("entries %d–%d are missing", want, seq-1)
		}
		want = seq + 1
		if len(val) < 32 {
			add("entry %d is truncated", seq)
			prev = nil
			continue
		}
		body := val[32:]
		var e data.AuditEntry
		if err := json.Unmarshal(body, &e); err != nil || e.Seq != seq {
			add("entry %d is unreadable or renumbered", seq)
		}
		switch {
		case e.Key == "":
			if lastKey != "" {
				add("entry %d is not sealed, though entries before it are: the log was rewritten", seq)
			}
			if !bytes.Equal(chainHash(prev, body), val[:32]) {
				add("entry %d was changed, or an entry before it was removed", seq)
			}
		default:
			if e.Key != lastKey && e.Op != opSeal {
				add("entry %d is sealed with key %s, entry %d before it with %q, and it is not a seal entry", seq, e.Key, seq-1, lastKey)
			}
			lastKey = e.Key
			if v.key != nil && e.Key == v.keyID {
				if !hmac.Equal(macOf(v.key, prev, body), val[:32]) {
					add("entry %d was changed, or an entry before it was removed (its seal does not match)", seq)
				}
			} else if r := foreign[e.Key]; r != nil {
				r[1] = seq
			} else {
				foreign[e.Key] = &[2]uint64{seq, seq}
				foreignOrder = append(foreignOrder, e.Key)
			}
		}
		if _, ok := seals[seq]; ok {
			seals[seq] = append([]byte(nil), val[:32]...)
			sealKeys[seq] = e.Key
		}
		if e.Entity == "database" && e.Op == opMigrate {
			// The province was copied here from another database
			// (CopyIn): the imports its log recorded before are in no
			// ledger of this file, which a copy does not carry.
			clear(ledger)
		}
		if e.Entity == "import" {
			switch e.Op {
			case "import", "undo":
				ledger[e.ID] = e.After
			case "rollback":
				delete(ledger, e.ID)
			}
		}
		prev = val[:32]
	}
	last := want - 1
	head := tx.Bucket(bucketMeta).Get(keyAuditHead)
	if res.n > 0 && (len(head) < 40 || btoi(head[:8]) != last || !bytes.Equal(head[8:40], prev)) {
		add("the last entries were removed (the recorded head does not match)")
	}
	if res.n == 0 && head != nil {
		add("the log was emptied")
	}
	if res.n > 0 && len(prev) == 32 {
		res.check.Head = data.AuditAnchor{Seq: last, Hash: hex.EncodeToString(prev)}
	}
	anchored := false
	for _, f := range v.anchors {
		name := anchorName(f.path, v.keyDir)
		if f.err != nil {
			add("anchor %s cannot be read: %v", name, f.err)
			continue
		}
		a := f.a
		trusted := v.key != nil && a.Key == v.keyID
		if trusted && !a.sealedWith(v.key) {
			add("anchor %s is not sealed with this computer's key: it was forged or changed", name)
			continue
		}
		switch {
		case res.n == 0:
			add("the log was emptied: anchor %s recorded entries up to %d", name, a.Seq)
		case a.Seq > last:
			add("the log ends at entry %d but anchor %s recorded entry %d: the last entries were removed", last, name, a.Seq)
		case seals[a.Seq] == nil:
			add("entry %d, recorded by anchor %s, is missing", a.Seq, name)
		case hex.EncodeToString(seals[a.Seq]) != a.Hash:
			add("entry %d is not the one anchor %s recorded: the log was rewritten", a.Seq, name)
		case trusted && sealKeys[a.Seq] != a.Key:
			// The entry was sealed here, with this computer's key, and
			// has verified against it (above) only if it still names it:
			// one that now names another key keeps its old seal, but not
			// the content that seal was made of.
			add("entry %d was sealed on this computer (anchor %s) but now names key %q: the log was rewritten and passed off as another computer's", a.Seq, name, sealKeys[a.Seq])
		default:
			anchored = anchored || trusted
		}
	}
	res.findings = append(res.findings, compareLedger(tx, ledger)...)
	res.findings = limit(res.findings)
	res.check.Tampered = len(res.findings) > 0
	for _, id := range foreignOrder {
		r := foreign[id]
		res.check.Unverified = append(res.check.Unverified, fmt.Sprintf(
			"บันทึกการแก้ไขลำดับที่ %s–%s ปิดผนึกด้วยกุญแจของเครื่องอื่น (รหัสกุญแจ %s) เครื่องนี้จึงตรวจไม่ได้ว่าส่วนนี้ถูกแก้ไขหรือไม่ ซึ่งไม่ได้แปลว่าถูกแก้ไข: "+
				"ตรวจบนเครื่องที่บันทึก หรือคัดลอกไฟล์ %s จากเครื่องนั้นมาไว้ในโฟลเดอร์ %s แล้วตรวจใหม่ "+
				"ถ้าฐานข้อมูลนี้ไม่เคยใช้บนเครื่องอื่นและไม่เคยลบไฟล์กุญแจ ให้ถือว่าถูกแก้ไข และแจ้งเจ้าหน้าที่ไอทีของจังหวัด",
			data.FormatNumber(int64(r[0])), data.FormatNumber(int64(r[1])), id, keyFileName, keyDirName(v.keyDir)))
	}
	switch {
	case res.check.Tampered || res.n == 0:
	case lastKey == "":
		note := fmt.Sprintf("บันทึกการแก้ไขทั้ง %s รายการบันทึกโดยยังไม่ได้ปิดผนึกด้วยกุญแจ (โปรแกรมรุ่นก่อน): ตรวจได้เพียงว่าต่อเนื่องกัน ผู้ที่มีไฟล์นี้อาจเขียนใหม่ทั้งชุดได้", data.FormatNumber(res.n))
		if v.keyDir != "" {
			note += " การแก้ไขครั้งถัดไปจะปิดผนึกบันทึกทั้งหมดที่มีอยู่"
		}
		res.check.Unverified = append(res.check.Unverified, note)
	case v.key != nil && !anchored:
		res.check.Unverified = append(res.check.Unverified, fmt.Sprintf(
			"ยืนยันไม่ได้ว่าบันทึกการแก้ไขครบถึงรายการล่าสุด (ลำดับที่ %s) เพราะไม่พบไฟล์ยืนยัน (.audit) ของไฟล์นี้: "+
				"ถ้าคัดลอกฐานข้อมูลมาจากที่อื่น ให้คัดลอกไฟล์ชื่อเดียวกันที่ลงท้ายด้วย .audit มาไว้คู่กันด้วย แล้วตรวจใหม่", data.FormatNumber(int64(last))))
	}
	return res
}

// anchorName names an anchor file in a finding.
func anchorName(path, keyDir string) string {
	if keyDir != "" && strings.HasPrefix(path, filepath.Join(keyDir, anchorsFolder)) {
		return "in the key folder (" + filepath.Base(path) + ")"
	}
	return filepath.Base(path)
}

func keyDirName(dir string) string {
	if dir == "" {
		return "กุญแจของโปรแกรม (โปรแกรมที่ตรวจอยู่ไม่ได้ตั้งโฟลเดอร์นี้)"
	}
	return dir
}

// compareLedger checks the import ledger against what the log says it
// holds: an import's audit entry carries its ledger entry (as After), and
// so does its undo; a rollback removes it. An entry edited or deleted in
// the ledger, or added to it, no longer matches. An import still being
// written has no audit entry yet.
func compareLedger(tx *bbolt.Tx, want map[uint64]json.RawMessage) (out []string) {
	tx.Bucket(bucketImports).ForEach(func(k, v []byte) error {
		id := btoi(k)
		var rec data.ImportRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			out = append(out, fmt.Sprintf("audit: import %d in the ledger cannot be read", id))
			return nil
		}
		logged, ok := want[id]
		delete(want, id)
		switch {
		case rec.Committing && ok:
			out = append(out, fmt.Sprintf("audit: import %d (%s) is marked as still being written, but the log says it finished: the ledger was edited", id, rec.File))
		case rec.Committing:
		case !ok:
			out = append(out, fmt.Sprintf("audit: import %d (%s) is in the ledger but the log never recorded it: the ledger was edited", id, rec.File))
		case !sameRecord(v, logged):
			out = append(out, fmt.Sprintf("audit: import %d (%s) in the ledger differs from the one the log recorded: the ledger was edited", id, rec.File))
		}
		return nil
	})
	var gone []uint64
	for id := range want {
		gone = append(gone, id)
	}
	slices.Sort(gone)
	for _, id := range gone {
		var rec data.ImportRecord
		json.Unmarshal(want[id], &rec)
		out = append(out, fmt.Sprintf("audit: import %d (%s) was removed from the ledger", id, rec.File))
	}
	return out
}

// sameRecord tells whether two JSON texts hold the same ledger entry.
func sameRecord(a, b []byte) bool {
	var ra, rb data.ImportRecord
	if json.Unmarshal(a, &ra) != nil || json.Unmarshal(b, &rb) != nil {
		return false
	}
	ja, _ := json.Marshal(ra)
	jb, _ := json.Marshal(rb)
	return bytes.Equal(ja, jb)
}
