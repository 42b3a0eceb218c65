package bolt

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// sealedFile is a database written with an installation key in keyDir:
// households, an import, an unmask and an export, the last entries.
type sealedFile struct {
	path, keyDir string
}

func newSealedFile(t *testing.T) sealedFile {
	t.Helper()
	dir := t.TempDir()
	f := sealedFile{path: filepath.Join(dir, "qm.db"), keyDir: filepath.Join(dir, "config", "qmdesk")}
	s := f.open(t, false)
	defer s.Close()
	ctx := data.WithOperator(context.Background(), "สมชาย")
	if _, err := s.Init(ctx, "41", data.DefaultRound()); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := s.CreateHousehold(ctx, newHousehold(i+1, "410101")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CommitImport(ctx, batchOf(2, 10)); err != nil {
		t.Fatal(err)
	}
	if err := s.Log(ctx, "unmask", "household", 1, "full national ID shown"); err != nil {
		t.Fatal(err)
	}
	if err := s.Log(ctx, "export", "database", 0, "follow-up.xlsx with full IDs"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f sealedFile) open(t *testing.T, readOnly bool) *Store {
	t.Helper()
	s, err := Open(f.path, Options{ReadOnly: readOnly, AuditKeyDir: f.keyDir})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f sealedFile) check(t *testing.T) data.CheckReport {
	t.Helper()
	return checkWithKey(t, f.path, f.keyDir)
}

func checkWithKey(t *testing.T, path, keyDir string) data.CheckReport {
	t.Helper()
	s, err := Open(path, Options{ReadOnly: true, AuditKeyDir: keyDir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := s.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// attack edits the file as someone who has only it: bbolt directly, no
// key, no program.
func attack(t *testing.T, path string, edit func(tx *bbolt.Tx) error) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(edit); err != nil {
		t.Fatal(err)
	}
}

type rawEntry struct {
	seal []byte
	e    data.AuditEntry
}

func readEntries(tx *bbolt.Tx) (out []rawEntry) {
	tx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
		var r rawEntry
		r.seal = append([]byte(nil), v[:32]...)
		json.Unmarshal(v[32:], &r.e)
		out = append(out, r)
		return nil
	})
	return out
}

// sealer of an attacker: how the rewritten entries are sealed.
type forger struct {
	keyID string                         // what the rewritten entries claim
	seal  func(prev, body []byte) []byte // plain SHA-256, or an HMAC with a key of one's own
}

var (
	plainForger = forger{seal: chainHash}
	ownKey      = bytes.Repeat([]byte{7}, 32)
	ownForger   = forger{keyID: keyIDOf(ownKey), seal: func(prev, body []byte) []byte { return macOf(ownKey, prev, body) }}
	// foreignLabel passes entries off as another computer's: they claim a
	// key this computer does not have and keep the seals they had.
	foreignLabel = forger{keyID: "0123456789abcdef"}
)

// claiming forges with its own key but names the installation's key.
func claiming(keyDir string) forger {
	key, _ := readKey(keyDir)
	return forger{keyID: keyIDOf(key), seal: ownForger.seal}
}

// rewrite replaces the whole log by entries (renumbered from 1), resealed
// from entry from on by f (the entries before keep their seals), and
// writes the head to match, as a careful attacker would.
func rewrite(tx *bbolt.Tx, entries []rawEntry, from uint64, f forger) error {
	if err := tx.DeleteBucket(bucketAudit); err != nil {
		return err
	}
	b, err := tx.CreateBucket(bucketAudit)
	if err != nil {
		return err
	}
	var prev []byte
	for i, r := range entries {
		seq := uint64(i + 1)
		r.e.Seq = seq
		if seq >= from {
			r.e.Key = f.keyID
		}
		body, _ := json.Marshal(r.e)
		h := r.seal
		if seq >= from && f.seal != nil {
			h = f.seal(prev, body)
		}
		if err := b.Put(itob(seq), append(append([]byte(nil), h...), body...)); err != nil {
			return err
		}
		b.SetSequence(seq)
		prev = h
		if err := tx.Bucket(bucketMeta).Put(keyAuditHead, append(append(itob(seq), h...), r.e.Key...)); err != nil {
			return err
		}
	}
	if len(entries) == 0 {
		return tx.Bucket(bucketMeta).Delete(keyAuditHead)
	}
	return nil
}

func seqOf(entries []rawEntry, op string) uint64 {
	for _, r := range entries {
		if r.e.Op == op {
			return r.e.Seq
		}
	}
	return 0
}

// TestEveryTamperingIsDetected edits the file the ways issue 11 lists,
// each as someone with only the file would, and recomputes what can be
// recomputed without the key; check must call each one tampering.
func TestEveryTamperingIsDetected(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error
	}{
		{"operator renamed, chain recomputed unkeyed", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				es := readEntries(tx)
				es[3].e.Who = "คนอื่น"
				return rewrite(tx, es, 4, plainForger)
			}
		}},
		{"operator renamed, resealed with another key under this key's name", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				es := readEntries(tx)
				es[3].e.Who = "คนอื่น"
				return rewrite(tx, es, 4, claiming(f.keyDir))
			}
		}},
		{"operator renamed, resealed with a key of one's own after a forged seal entry", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				es := readEntries(tx)
				es[3].e.Who = "คนอื่น"
				seal := rawEntry{e: data.AuditEntry{Op: opSeal, Entity: "audit", Who: "สมชาย", Note: "audit log sealed from here"}}
				es = append(es[:3], append([]rawEntry{seal}, es[3:]...)...)
				return rewrite(tx, es, 4, ownForger)
			}
		}},
		{"unmask entry emptied into another computer's seal entry, the rest passed off as that computer's, seals kept", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				es := readEntries(tx)
				i := seqOf(es, "unmask") - 1
				es[i].e = data.AuditEntry{At: es[i].e.At, Who: es[i].e.Who, Op: opSeal, Entity: "audit"}
				return rewrite(tx, es, uint64(i+1), foreignLabel)
			}
		}},
		{"the whole log passed off as another computer's, seals kept", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				es := readEntries(tx)
				es[0].e.Op, es[0].e.Entity = opSeal, "audit"
				es[3].e.Who = "คนอื่น"
				return rewrite(tx, es, 1, foreignLabel)
			}
		}},
		{"unmask entry deleted, later entries renumbered and rechained", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				es := readEntries(tx)
				i := seqOf(es, "unmask") - 1
				return rewrite(tx, append(es[:i], es[i+1:]...), i+1, claiming(f.keyDir))
			}
		}},
		{"unmask entry deleted, rest rechained unkeyed", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				es := readEntries(tx)
				i := seqOf(es, "unmask") - 1
				return rewrite(tx, append(es[:i], es[i+1:]...), i+1, plainForger)
			}
		}},
		{"export entry edited and resealed with a key of one's own", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				es := readEntries(tx)
				i := seqOf(es, "export") - 1
				es[i].e.Note = "follow-up.xlsx, masked"
				es[i].e.Op = opSeal // a key change must start with a seal entry
				return rewrite(tx, es, i+1, ownForger)
			}
		}},
		{"export entry edited, its bytes only", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				b := tx.Bucket(bucketAudit)
				k, v := b.Cursor().Last()
				return b.Put(k, bytes.Replace(v, []byte("full IDs"), []byte("no IDs!!"), 1))
			}
		}},
		{"last entries cut off, head rewritten", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				es := readEntries(tx)
				return rewrite(tx, es[:seqOf(es, "unmask")-1], 1<<62, plainForger)
			}
		}},
		{"whole log wiped", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error { return rewrite(tx, nil, 1, plainForger) }
		}},
		{"whole log rewritten as an unkeyed one", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				var es []rawEntry
				for _, r := range readEntries(tx) {
					if r.e.Op != opSeal {
						es = append(es, r)
					}
				}
				return rewrite(tx, es, 1, plainForger)
			}
		}},
		{"import deleted from the ledger", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error { return del(tx, bucketImports, itob(1)) } // its checksum too
		}},
		{"import's operator edited in the ledger", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				b := tx.Bucket(bucketImports)
				var rec data.ImportRecord
				json.Unmarshal(b.Get(itob(1)), &rec)
				rec.Who = "คนอื่น"
				return putJSON(tx, bucketImports, itob(1), rec) // with a checksum that fits
			}
		}},
		{"an import added to the ledger", func(t *testing.T, f sealedFile) func(tx *bbolt.Tx) error {
			return func(tx *bbolt.Tx) error {
				return putJSON(tx, bucketImports, itob(2), data.ImportRecord{ID: 2, File: "never.xlsx", Who: "สมชาย"})
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newSealedFile(t)
			if rep := f.check(t); !rep.OK() || rep.Audit.Tampered || len(rep.Audit.Unverified) > 0 {
				t.Fatalf("the untouched file: %+v", rep)
			}
			attack(t, f.path, tc.tamper(t, f))
			rep := f.check(t)
			if rep.OK() || !rep.Audit.Tampered {
				t.Fatalf("tampering not detected: %+v", rep)
			}
			t.Logf("findings: %v", rep.Problems)
			// The clerk goes on working: the writes do not make it pass.
			s := f.open(t, false)
			for i := range 3 {
				if err := s.CreateHousehold(context.Background(), newHousehold(90+i, "410101")); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			if rep := f.check(t); !rep.Audit.Tampered {
				t.Fatalf("tampering no longer detected after three more changes: %+v", rep)
			}
		})
	}
}

// TestAnchorsCatchACutWithEitherAnchorGone: the seal of each entry does
// not show that later entries were cut off; the anchor beside the file and
// the one in the key folder do, and each is enough on its own.
func TestAnchorsCatchACutWithEitherAnchorGone(t *testing.T) {
	cut := func(tx *bbolt.Tx) error {
		es := readEntries(tx)
		return rewrite(tx, es[:len(es)-1], 1<<62, plainForger)
	}
	t.Run("sidecar deleted", func(t *testing.T) {
		f := newSealedFile(t)
		os.Remove(sidecarPath(f.path))
		attack(t, f.path, cut)
		if rep := f.check(t); !rep.Audit.Tampered {
			t.Fatalf("not detected: %+v", rep)
		}
	})
	t.Run("an older sidecar put back", func(t *testing.T) {
		f := newSealedFile(t)
		s := f.open(t, false)
		old, _ := os.ReadFile(sidecarPath(f.path))
		s.Log(context.Background(), "export", "database", 0, "another export")
		s.Close()
		os.WriteFile(sidecarPath(f.path), old, 0o600)
		attack(t, f.path, cut)
		if rep := f.check(t); !rep.Audit.Tampered {
			t.Fatalf("not detected: %+v", rep)
		}
	})
	t.Run("key folder's anchor deleted", func(t *testing.T) {
		f := newSealedFile(t)
		os.RemoveAll(filepath.Join(f.keyDir, anchorsFolder))
		attack(t, f.path, cut)
		if rep := f.check(t); !rep.Audit.Tampered {
			t.Fatalf("not detected: %+v", rep)
		}
	})
	t.Run("a forged sidecar", func(t *testing.T) {
		f := newSealedFile(t)
		var a anchor
		b, _ := os.ReadFile(sidecarPath(f.path))
		json.Unmarshal(b, &a)
		a.Seq--
		b, _ = json.Marshal(a)
		os.WriteFile(sidecarPath(f.path), b, 0o600)
		if rep := f.check(t); !rep.Audit.Tampered || !strings.Contains(strings.Join(rep.Problems, "\n"), "forged") {
			t.Fatalf("not detected: %+v", rep)
		}
	})
	// What is not promised: with both anchors gone, a cut is seen only as
	// an end that cannot be confirmed.
	t.Run("both gone", func(t *testing.T) {
		f := newSealedFile(t)
		os.Remove(sidecarPath(f.path))
		os.RemoveAll(filepath.Join(f.keyDir, anchorsFolder))
		attack(t, f.path, cut)
		rep := f.check(t)
		if !rep.OK() || len(rep.Audit.Unverified) != 1 || !strings.Contains(rep.Audit.Unverified[0], ".audit") {
			t.Fatalf("want an unconfirmed end: %+v", rep)
		}
	})
}

// TestAnchorBehindTheChainIsNoTampering: the program died between a
// commit and the anchors' update (they are written after the commit), so
// they name the previous transaction's end. That is no tampering, and
// the next write brings them up to date.
func TestAnchorBehindTheChainIsNoTampering(t *testing.T) {
	f := newSealedFile(t)
	anchors := []string{sidecarPath(f.path), localAnchorPath(f.keyDir, f.path)}
	var before [][]byte
	for _, p := range anchors {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		before = append(before, b)
	}
	s := f.open(t, false)
	ctx := context.Background()
	s.CreateHousehold(ctx, newHousehold(50, "410101"))
	s.Close()
	for i, p := range anchors { // the state a crash before the anchor write leaves
		os.WriteFile(p, before[i], 0o600)
		os.WriteFile(p+".123.tmp", []byte(`{"seq":`), 0o600) // killed while writing
	}
	if rep := f.check(t); !rep.OK() || rep.Audit.Tampered || len(rep.Audit.Unverified) > 0 {
		t.Fatalf("a lagging anchor read as a fault: %+v", rep)
	}
	s = f.open(t, false)
	s.CreateHousehold(ctx, newHousehold(51, "410101"))
	head, _ := s.AuditAnchor(ctx, 0)
	s.Close()
	for _, p := range anchors {
		var a anchor
		b, _ := os.ReadFile(p)
		if json.Unmarshal(b, &a); a.Seq != head.Seq || a.Hash != head.Hash {
			t.Fatalf("%s names entry %d, the log ends at %d", p, a.Seq, head.Seq)
		}
		if _, err := os.Stat(p + ".123.tmp"); err == nil {
			t.Errorf("%s.123.tmp left behind", p)
		}
	}
}

// TestDatabaseOnAnotherComputer: without the key that sealed it, the log
// cannot be verified, which check says apart from tampering; the other
// computer goes on sealing with its own key, and each computer then
// verifies its own part.
func TestDatabaseOnAnotherComputer(t *testing.T) {
	f := newSealedFile(t)
	other := sealedFile{path: filepath.Join(t.TempDir(), "qm.db"), keyDir: filepath.Join(t.TempDir(), "qmdesk")}
	copyFile(t, f.path, other.path)
	copyFile(t, sidecarPath(f.path), sidecarPath(other.path))
	rep := other.check(t)
	if !rep.OK() || rep.Audit.Tampered || len(rep.Audit.Unverified) != 1 || !strings.Contains(rep.Audit.Unverified[0], "กุญแจของเครื่องอื่น") {
		t.Fatalf("on another computer: %+v", rep)
	}
	s := other.open(t, false)
	ctx := context.Background()
	if err := s.CreateHousehold(ctx, newHousehold(60, "410101")); err != nil {
		t.Fatal(err)
	}
	es, _ := s.Audit(ctx, 0, 0)
	s.Close()
	if n := len(es); es[n-2].Op != opSeal || es[n-2].Key == es[n-3].Key || es[n-1].Key != es[n-2].Key {
		t.Fatalf("no seal entry where the key changes: %+v", es[n-3:])
	}
	if rep := other.check(t); !rep.OK() || rep.Audit.Tampered || len(rep.Audit.Unverified) != 1 {
		t.Fatalf("back on the other computer: %+v", rep)
	}
	// Back home, under its old name: the home anchor still holds.
	copyFile(t, other.path, f.path)
	copyFile(t, sidecarPath(other.path), sidecarPath(f.path))
	if rep := f.check(t); !rep.OK() || rep.Audit.Tampered || len(rep.Audit.Unverified) != 1 {
		t.Fatalf("home again: %+v", rep)
	}
	// Someone passing off a rewrite as another computer's work: the home
	// anchor names an entry that is no longer there.
	attack(t, f.path, func(tx *bbolt.Tx) error {
		es := readEntries(tx)
		es[3].e.Who = "คนอื่น"
		seal := rawEntry{e: data.AuditEntry{Op: opSeal, Entity: "audit"}}
		return rewrite(tx, append(es[:3], append([]rawEntry{seal}, es[3:]...)...), 4, ownForger)
	})
	if rep := f.check(t); !rep.Audit.Tampered {
		t.Fatalf("a rewrite under a key of one's own passed as another computer's: %+v", rep)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestBackupCarriesItsAnchor: a backup has its own anchor beside it, so a
// cut in the backup shows, and a restored file verifies.
func TestBackupCarriesItsAnchor(t *testing.T) {
	f := newSealedFile(t)
	defer func(d string) { AuditKeyDir = d }(AuditKeyDir)
	AuditKeyDir = f.keyDir // what cmd/ sets; Restore opens with it
	s := f.open(t, false)
	ctx := context.Background()
	backup := filepath.Join(t.TempDir(), "b.db")
	if err := s.Backup(ctx, backup, nil); err != nil {
		t.Fatal(err)
	}
	s.CreateHousehold(ctx, newHousehold(70, "410101")) // the live file moves on
	s.Close()
	rep := checkWithKey(t, backup, f.keyDir)
	if !rep.OK() || len(rep.Audit.Unverified) > 0 {
		t.Fatalf("the backup: %+v", rep)
	}
	var a anchor
	b, err := os.ReadFile(sidecarPath(backup))
	if err != nil {
		t.Fatal(err)
	}
	if json.Unmarshal(b, &a); a.Seq != rep.Audit.Head.Seq || a.Hash != rep.Audit.Head.Hash || !a.sealedWith(mustKey(t, f.keyDir)) {
		t.Fatalf("backup anchor %+v, backup's log ends %+v", a, rep.Audit.Head)
	}
	// Restored over the live file, whose anchors name a later entry.
	if _, err := Restore(ctx, backup, f.path, func() string { return "t" }); err != nil {
		t.Fatal(err)
	}
	if rep := f.check(t); !rep.OK() || rep.Audit.Tampered || len(rep.Audit.Unverified) > 0 {
		t.Fatalf("the restored file: %+v", rep)
	}
	// The backup cut short is refused.
	attack(t, backup, func(tx *bbolt.Tx) error {
		es := readEntries(tx)
		return rewrite(tx, es[:len(es)-1], 1<<62, plainForger)
	})
	if _, err := Restore(ctx, backup, f.path, func() string { return "t2" }); err == nil {
		t.Fatal("a cut backup was restored")
	}
}

func mustKey(t *testing.T, dir string) []byte {
	key, err := readKey(dir)
	if err != nil || key == nil {
		t.Fatalf("no key in %s: %v", dir, err)
	}
	return key
}

// TestOlderLogIsSealedFromTheNextWrite: a database of an earlier version
// keeps its SHA-256 chain; the first write seals from there on, and the
// anchor then pins the old entries too.
func TestOlderLogIsSealedFromTheNextWrite(t *testing.T) {
	dir := t.TempDir()
	f := sealedFile{path: filepath.Join(dir, "qm.db"), keyDir: filepath.Join(dir, "key")}
	s, err := Open(f.path, Options{}) // no key: as an earlier version wrote
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
	s.CreateHousehold(ctx, newHousehold(1, "410101"))
	s.Close()
	if rep := f.check(t); !rep.OK() || len(rep.Audit.Unverified) != 1 || !strings.Contains(rep.Audit.Unverified[0], "ยังไม่ได้ปิดผนึก") {
		t.Fatalf("an older log: %+v", rep)
	}
	s = f.open(t, false)
	s.CreateHousehold(ctx, newHousehold(2, "410101"))
	es, _ := s.Audit(ctx, 0, 0)
	s.Close()
	if es[3].Op != opSeal || es[2].Key != "" || es[4].Key != es[3].Key {
		t.Fatalf("entries: %+v", es)
	}
	if rep := f.check(t); !rep.OK() || len(rep.Audit.Unverified) > 0 {
		t.Fatalf("sealed: %+v", rep)
	}
	// An old entry edited and the old part rechained: the first sealed
	// entry names the old end.
	attack(t, f.path, func(tx *bbolt.Tx) error {
		es := readEntries(tx)
		es[1].e.Who = "คนอื่น"
		var prev []byte
		for i := range es[:3] {
			body, _ := json.Marshal(es[i].e)
			es[i].seal = chainHash(prev, body)
			prev = es[i].seal
		}
		return rewrite(tx, es, 1<<62, plainForger)
	})
	if rep := f.check(t); !rep.Audit.Tampered {
		t.Fatalf("an old entry rewritten: %+v", rep)
	}
}

// TestSealedLogNeedsItsKeyToGoOn: a program without the key folder does
// not add unsealed entries to a sealed log (check would call them forged).
func TestSealedLogNeedsItsKeyToGoOn(t *testing.T) {
	f := newSealedFile(t)
	s, err := Open(f.path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.CreateHousehold(context.Background(), newHousehold(80, "410101"))
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "กุญแจ") {
		t.Fatalf("write without the key: %v", err)
	}
}

// TestNewFileWhereAnotherWas: a database created where one was deleted
// is not held to the old one's anchors.
func TestNewFileWhereAnotherWas(t *testing.T) {
	f := newSealedFile(t)
	os.Remove(f.path)
	s := f.open(t, false)
	s.Close()
	if rep := f.check(t); !rep.OK() || rep.Audit.Tampered {
		t.Fatalf("a new file: %+v", rep)
	}
}

// TestKeyFile: made once, private, shared by every store of the
// installation, and never made by a check.
func TestKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "qmdesk")
	path := filepath.Join(t.TempDir(), "qm.db")
	s, _ := Open(path, Options{AuditKeyDir: dir})
	s.Close()
	if rep := checkWithKey(t, path, dir); !rep.OK() {
		t.Fatal(rep.Problems)
	}
	if _, err := os.Stat(filepath.Join(dir, keyFileName)); err == nil {
		t.Fatal("a key was made before anything was sealed")
	}
	f := newSealedFile(t)
	key := mustKey(t, f.keyDir)
	s, _ = Open(path, Options{AuditKeyDir: f.keyDir})
	s.Init(context.Background(), "41", data.DefaultRound())
	s.Close()
	if !bytes.Equal(mustKey(t, f.keyDir), key) {
		t.Fatal("a second store made another key")
	}
	if fi, _ := os.Stat(filepath.Join(f.keyDir, keyFileName)); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", fi.Mode())
	}
	es, _ := func() ([]data.AuditEntry, error) {
		s, _ := Open(path, Options{ReadOnly: true})
		defer s.Close()
		return s.Audit(context.Background(), 0, 0)
	}()
	if es[0].Key != keyIDOf(key) || strings.Contains(string(mustJSON(es)), string(key)) {
		t.Fatalf("entries name key %q, want %q", es[0].Key, keyIDOf(key))
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// TestPaperAnchor: the head the meeting pack prints is the one check
// reports, and it names its entry.
func TestPaperAnchor(t *testing.T) {
	f := newSealedFile(t)
	s := f.open(t, true)
	defer s.Close()
	ctx := context.Background()
	head, err := s.AuditAnchor(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := s.Check(ctx)
	if head != rep.Audit.Head || head.Seq == 0 {
		t.Fatalf("head %+v, check %+v", head, rep.Audit.Head)
	}
	if at, _ := s.AuditAnchor(ctx, head.Seq); at != head {
		t.Fatalf("entry %d: %+v", head.Seq, at)
	}
	if _, err := s.AuditAnchor(ctx, head.Seq+1); data.ErrorCode(err) != data.ENOTFOUND {
		t.Fatalf("past the end: %v", err)
	}
	if got := (data.AuditAnchor{Hash: "0123456789abcdef0123"}).Short(); got != "0123 4567 89ab cdef" {
		t.Fatalf("short: %q", got)
	}
}

// The attacker's sealing helpers must be the real ones, or the tests above
// would prove nothing.
func TestForgersSealAsTheStoreDoes(t *testing.T) {
	f := newSealedFile(t)
	key := mustKey(t, f.keyDir)
	real := forger{keyID: keyIDOf(key), seal: func(prev, body []byte) []byte {
		m := hmac.New(sha256.New, key)
		m.Write(prev)
		m.Write(body)
		return m.Sum(nil)
	}}
	attack(t, f.path, func(tx *bbolt.Tx) error {
		es := readEntries(tx)
		i := seqOf(es, opSeal) - 1
		return rewrite(tx, es, uint64(i+1), real)
	})
	if rep := f.check(t); !rep.OK() {
		t.Fatalf("resealing with the real key changed something: %v", rep.Problems)
	}
}

// BenchmarkChangeWithSeal is one change with its audit entry, synced, with
// and without the seal: the key's HMAC and the two anchor files (each
// written, synced and renamed) are what the seal adds.
func BenchmarkChangeWithSeal(b *testing.B) {
	for _, keyed := range []bool{false, true} {
		name := "unkeyed"
		if keyed {
			name = "sealed"
		}
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			opt := Options{}
			if keyed {
				opt.AuditKeyDir = filepath.Join(dir, "key")
			}
			s, err := Open(filepath.Join(dir, "qm.db"), opt)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			s.Init(ctx, "41", data.DefaultRound())
			b.ResetTimer()
			for i := range b.N {
				if err := s.CreateHousehold(ctx, newHousehold(i+1, "410101")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckSealedLog is the audit part of check over a log of 20,000
// sealed entries (household changes, each with its record as After).
func BenchmarkCheckSealedLog(b *testing.B) {
	dir := b.TempDir()
	s, err := Open(filepath.Join(dir, "qm.db"), Options{NoSync: true, AuditKeyDir: filepath.Join(dir, "key")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	s.Init(ctx, "41", data.DefaultRound())
	s.db.Update(func(tx *bbolt.Tx) error {
		for i := range 20_000 {
			if err := s.audit(ctx, tx, "create", "household", uint64(i), nil, newHousehold(i+1, "410101"), ""); err != nil {
				return err
			}
		}
		return nil
	})
	v := s.verifier()
	b.ResetTimer()
	for range b.N {
		s.db.View(func(tx *bbolt.Tx) error {
			if res := verifyAudit(tx, v); res.check.Tampered || res.n < 20_000 {
				b.Fatalf("%+v", res)
			}
			return nil
		})
	}
}

// TestAnchorsUnderConcurrentWrites: commit handlers run after bbolt let go
// of its lock, so they may run out of order; the anchors still end at the
// last entry, never behind an earlier one's.
func TestAnchorsUnderConcurrentWrites(t *testing.T) {
	f := newSealedFile(t)
	s := f.open(t, false)
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if err := s.CreateHousehold(ctx, newHousehold(1000+g*100+i, "410101")); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	head, _ := s.AuditAnchor(ctx, 0)
	rep, _ := s.Check(ctx)
	s.Close()
	if !rep.OK() || len(rep.Audit.Unverified) > 0 {
		t.Fatalf("after concurrent writes: %+v", rep)
	}
	for _, p := range []string{sidecarPath(f.path), localAnchorPath(f.keyDir, f.path)} {
		var a anchor
		b, _ := os.ReadFile(p)
		if json.Unmarshal(b, &a); a.Seq != head.Seq {
			t.Errorf("%s names entry %d, the log ends at %d", p, a.Seq, head.Seq)
		}
	}
}
