package bolt

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// The audit log is sealed against someone who has the database file but
// not this computer's user account:
//
//   - Each entry is chained to the one before by HMAC-SHA256 under a key of
//     this installation (audit.key in AuditKeyDir), which the database does
//     not hold: whoever edits an entry cannot recompute the chain. Entries
//     written before the key (older versions) keep their SHA-256 chain; the
//     first keyed entry is a "seal" entry that names the key, and every
//     later entry must be keyed with it (or start a new "seal" entry, when
//     the database moves to another computer).
//   - The chain's end is anchored outside the file, after every write
//     transaction that added entries: in FILE.audit beside the database
//     (it travels with the file and each backup has its own) and in
//     AuditKeyDir/anchors/ (beside the key, out of reach of someone who
//     has only the database's folder). An anchor is the last entry's
//     number and seal, itself sealed with the key. A chain that ends
//     before an anchor, or holds another entry at the anchor's number,
//     was cut off, emptied or rewritten. As the chain links each entry to
//     the one before, an anchor also pins every entry before it, the
//     legacy unkeyed ones and the seal entry included: the point where the
//     keyed part begins cannot be moved without changing the anchored
//     entry.
//   - A file opened for writing whose log disagrees with its anchors keeps
//     them as they are (holdAnchors), so going on working does not launder
//     a log cut or rewritten while the program was closed; a backup gets an
//     anchor only when its log passes the check (copyAnchor).
//
// An anchor may lag behind the chain, never run ahead of it: it is written
// after bbolt's commit has reached the disk, so a crash in between leaves
// the anchor at the previous transaction's end. Check therefore accepts an
// anchor that names an entry of the chain (a prefix); the entries after it
// rest on their seals alone: this installation's key, or, after a "seal"
// entry naming another key, nothing this computer can verify (check says
// so).

// AuditKeyDir is the folder of this installation's audit key and anchors;
// cmd/ sets it to os.UserConfigDir()/qmdesk before opening anything. Empty,
// the log is chained with plain SHA-256 and nothing is anchored: for tests
// and tools, never for a clerk's database. Options.AuditKeyDir overrides it
// for one store.
var AuditKeyDir string

const (
	keyFileName   = "audit.key"
	anchorsFolder = "anchors"
	anchorSuffix  = ".audit"
	opSeal        = "seal"
)

// sealer is a store's side of the seal: the key, and the anchors its
// write transactions leave.
type sealer struct {
	dir  string // "" : unkeyed
	sync bool   // fsync anchors (off with Options.NoSync)

	key   []byte // loaded, or created on the first entry written
	keyID string

	mu       sync.Mutex // guards the key and orders anchor writes (commit handlers run outside bbolt's lock)
	anchored uint64     // last entry this store anchored
	// held: the file's log did not reach its anchors when it was opened
	// (see holdAnchors); they are not rewritten.
	held bool
	// pendingTx is the write transaction whose commit will anchor
	// *pending, the last entry it added.
	pendingTx *bbolt.Tx
	pending   *anchor
}

// anchor is the end of the chain at one moment, sealed with the key.
type anchor struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"` // hex of the entry's 32-byte seal
	Key  string `json:"key"`  // id of the key that seals the anchor
	MAC  string `json:"mac"`  // HMAC-SHA256 of the above under that key
	// File is the database the anchor was written for, for a person
	// reading it; it is not what ties the anchor to the file.
	File string `json:"file,omitempty"`
}

func (a anchor) message() []byte {
	return []byte("qmdesk audit anchor 1\n" + strconv.FormatUint(a.Seq, 10) + "\n" + a.Hash + "\n" + a.Key)
}

func (a *anchor) seal(key []byte) { a.MAC = hex.EncodeToString(macOf(key, a.message())) }

func (a anchor) sealedWith(key []byte) bool {
	want, err := hex.DecodeString(a.MAC)
	return err == nil && hmac.Equal(want, macOf(key, a.message()))
}

func macOf(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// keyIDOf names a key without giving it away.
func keyIDOf(key []byte) string {
	sum := sha256.Sum256(append([]byte("qmdesk audit key id\x00"), key...))
	return hex.EncodeToString(sum[:8])
}

// readKey reads the key in dir; nil without error when there is none.
// The file is a line saying what it is and the key in hex.
func readKey(dir string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, keyFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return nil, errBadKey
	}
	key, err := hex.DecodeString(fields[len(fields)-1])
	if err != nil || len(key) != 32 {
		return nil, errBadKey
	}
	return key, nil
}

var errBadKey = errors.New("audit key file is not a key")

// createKey makes the installation's key. The file is written whole under
// a temporary name and linked to its name, which fails if another qmdesk
// made one first: then that one is used, so two programs starting at once
// never seal with two keys. The file is private to the user (mode 0600;
// on Windows the AppData folder is the user's own).
func createKey(dir string) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	text := "qmdesk audit key: keep this file private; copy it with the database to a new computer\n" + hex.EncodeToString(key) + "\n"
	tmp, err := writeTemp(dir, keyFileName, []byte(text), true)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	final := filepath.Join(dir, keyFileName)
	if err := os.Link(tmp, final); err != nil && !errors.Is(err, fs.ErrExist) {
		// No hard links on this disk: a rename, unless a key came meanwhile.
		if _, statErr := os.Stat(final); errors.Is(statErr, fs.ErrNotExist) {
			if err := os.Rename(tmp, final); err != nil {
				return nil, err
			}
		}
	}
	data.SyncDir(dir)
	return readKey(dir)
}

func newSealer(opt Options) *sealer {
	dir := opt.AuditKeyDir
	if dir == "" {
		dir = AuditKeyDir
	}
	return &sealer{dir: dir, sync: !opt.NoSync}
}

// writeTemp writes b to a new temporary file in dir and returns its name.
func writeTemp(dir, base string, b []byte, sync bool) (string, error) {
	f, err := os.CreateTemp(dir, base+".*.tmp")
	if err != nil {
		return "", err
	}
	_, err = f.Write(b)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// writingKey returns the key entries are sealed with, creating it on
// first use; nil in unkeyed mode.
func (sl *sealer) writingKey() ([]byte, string, error) {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if sl.dir == "" || sl.key != nil {
		return sl.key, sl.keyID, nil
	}
	key, err := readKey(sl.dir)
	if err == errBadKey {
		// Cut short before its first use (nothing is sealed before the
		// key reads back whole), or damaged since: either way replaced.
		// Entries sealed with a lost key then check as another
		// computer's.
		if key, err = createKeyOver(sl.dir); err != nil {
			return nil, "", err
		}
	} else if err == nil && key == nil {
		key, err = createKey(sl.dir)
	}
	if err != nil {
		return nil, "", keyError(sl.dir, err)
	}
	sl.key, sl.keyID = key, keyIDOf(key)
	return sl.key, sl.keyID, nil
}

// createKeyOver replaces a key file that holds no key.
func createKeyOver(dir string) ([]byte, error) {
	if err := os.Remove(filepath.Join(dir, keyFileName)); err != nil {
		return nil, err
	}
	return createKey(dir)
}

// readingKey returns the key if there is one; check never creates it.
func (sl *sealer) readingKey() ([]byte, string) {
	if sl.dir == "" {
		return nil, ""
	}
	sl.mu.Lock()
	key, keyID := sl.key, sl.keyID
	sl.mu.Unlock()
	if key != nil {
		return key, keyID
	}
	key, err := readKey(sl.dir)
	if err != nil || key == nil {
		return nil, ""
	}
	return key, keyIDOf(key)
}

// sidecarPath is the anchor beside a database file.
func sidecarPath(db string) string { return db + anchorSuffix }

// localAnchorPath is this installation's anchor of the database at db, in
// the key's folder, named by a hash of the file's absolute path.
func localAnchorPath(dir, db string) string {
	sum := sha256.Sum256([]byte(mustAbs(db)))
	return filepath.Join(dir, anchorsFolder, hex.EncodeToString(sum[:16])+anchorSuffix)
}

// anchorPaths are the anchors that apply to the database at db.
func (sl *sealer) anchorPaths(db string) []string {
	if sl.dir == "" {
		return []string{sidecarPath(db)}
	}
	return []string{sidecarPath(db), localAnchorPath(sl.dir, db)}
}

// noteHead remembers the last entry a write transaction added and, the
// first time in that transaction, asks for the anchors to be written once
// it has committed. The handler runs after bbolt let go of its lock, so
// another transaction may anchor first; writeAnchors keeps the later one.
func (s *Store) noteHead(tx *bbolt.Tx, a anchor) {
	sl := s.seal
	if sl.dir == "" {
		return
	}
	if sl.pendingTx != tx {
		sl.pendingTx, sl.pending = tx, &anchor{}
		p := sl.pending
		tx.OnCommit(func() { s.writeAnchors(*p) })
	}
	*sl.pending = a
}

// writeAnchors writes a (sealed) to every anchor of the store's file,
// unless this store already anchored a later entry. A failure leaves the
// anchors behind the chain, which check accepts; the next write tries
// again.
func (s *Store) writeAnchors(a anchor) {
	sl := s.seal
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if a.Seq <= sl.anchored || sl.held {
		return
	}
	a.File = filepath.Base(s.path)
	a.seal(sl.key)
	var failed bool
	for _, p := range sl.anchorPaths(s.path) {
		if writeAnchor(p, a, sl.sync) != nil {
			failed = true
		}
	}
	if !failed {
		sl.anchored = a.Seq
	}
}

// writeAnchor replaces the anchor at path whole: a reader sees the old one
// or the new one, never a part. The new file is synced before it takes the
// name, so a power cut cannot leave an empty anchor (which check would
// report); the folder is not synced: a rename lost that way leaves the
// previous anchor, which check accepts as lagging.
func writeAnchor(path string, a anchor, sync bool) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := writeTemp(dir, filepath.Base(path), append(b, '\n'), sync)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// dropAnchors removes the anchors of the database at db: its file is being
// replaced by another (a restore) or was just created, so the anchors of
// the file that was there no longer apply. The next write anchors anew.
func (sl *sealer) dropAnchors(db string) error {
	var errs []error
	for _, p := range sl.anchorPaths(db) {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	sl.mu.Lock()
	sl.anchored, sl.held = 0, false
	sl.mu.Unlock()
	return errors.Join(errs...)
}

// openForWriting is the seal's part of opening the file at path for
// writing: anchor files a kill left half made (under their temporary
// names) go, and the anchors are held if the log disagrees with them.
func (sl *sealer) openForWriting(db *bbolt.DB, path string) {
	for _, p := range sl.anchorPaths(path) {
		if left, err := filepath.Glob(p + ".*.tmp"); err == nil {
			for _, f := range left {
				os.Remove(f)
			}
		}
	}
	sl.holdAnchors(db, path)
}

// holdAnchors looks, when a file is opened for writing, whether its log
// still holds the entry each of its anchors names, sealed as the anchor
// says. If one does not, the file was cut or rewritten while no qmdesk
// held it, and the anchors are kept as they are: anchoring the next
// write's new end would make the rewritten log pass from then on. Check
// goes on reporting it until a backup is restored (Restore drops them).
func (sl *sealer) holdAnchors(db *bbolt.DB, path string) {
	found := sl.readAnchors(path)
	if len(found) == 0 {
		return
	}
	key, keyID := sl.readingKey()
	db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		for _, f := range found {
			if f.err != nil || b == nil {
				sl.held = true
				return nil
			}
			v := b.Get(itob(f.a.Seq))
			if len(v) < 32 || hex.EncodeToString(v[:32]) != f.a.Hash || (key != nil && f.a.Key == keyID && !f.a.sealedWith(key)) {
				sl.held = true
			} else if key != nil && f.a.Key == keyID && !sealedHere(b, f.a.Seq, v, key, keyID) {
				sl.held = true
			}
		}
		return nil
	})
}

// foundAnchor is an anchor file as check finds it.
type foundAnchor struct {
	path string
	a    anchor
	err  error // unreadable
}

// readAnchors reads the anchors of the database at db that exist.
func (sl *sealer) readAnchors(db string) (out []foundAnchor) {
	for _, p := range sl.anchorPaths(db) {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		f := foundAnchor{path: p, err: err}
		if err == nil {
			// Fields a later version may add are not read: the seal
			// covers only those named in anchor.message.
			if err := json.Unmarshal(b, &f.a); err != nil {
				f.err = err
			} else if _, herr := hex.DecodeString(f.a.Hash); herr != nil || len(f.a.Hash) != 64 || f.a.Seq == 0 {
				f.err = fmt.Errorf("no entry named (seq %d, hash %q)", f.a.Seq, f.a.Hash)
			}
		}
		out = append(out, f)
	}
	return out
}

// copyAnchor is the anchor for a copy of the database made from tx (a
// backup): the end of the chain the copy holds, sealed. There is none
// without a key, for an empty log, or when the chain fails its check with
// v (the live file's key and anchors): a backup never vouches for a log
// that was already rewritten.
func (s *Store) copyAnchor(tx *bbolt.Tx, v *auditVerifier) *anchor {
	if v.key == nil {
		return nil
	}
	res := verifyAudit(tx, v)
	if res.check.Tampered || res.check.Head.Seq == 0 {
		return nil
	}
	a := anchor{Seq: res.check.Head.Seq, Hash: res.check.Head.Hash, Key: v.keyID}
	a.seal(v.key)
	return &a
}

// writeCopyAnchor puts a beside the copy at path, or removes an anchor
// that an earlier file of that name left there when a is nil.
func (s *Store) writeCopyAnchor(path string, a *anchor) error {
	if a == nil {
		if err := os.Remove(sidecarPath(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	c := *a
	c.File = filepath.Base(path)
	return writeAnchor(sidecarPath(path), c, s.seal.sync)
}

func keyError(dir string, err error) error {
	return &data.Error{Code: data.EINVALID, Message: fmt.Sprintf("อ่านหรือสร้างกุญแจปิดผนึกบันทึกการแก้ไขในโฟลเดอร์ %s ไม่ได้ (ไม่มีสิทธิ์เขียน หรือดิสก์เต็ม?) จึงยังไม่บันทึกการเปลี่ยนแปลงนี้: ตรวจสอบโฟลเดอร์นั้น แล้วลองใหม่", dir), English: "audit key in " + dir, Err: err}
}

// anchorNow anchors the end of the log as it stands: for a file that took
// its name after its entries were written (Create builds it under another).
func (s *Store) anchorNow() error {
	if _, _, err := s.seal.writingKey(); err != nil {
		return err
	}
	return s.view(func(tx *bbolt.Tx) error {
		if a := s.copyAnchor(tx, s.verifier()); a != nil {
			s.writeAnchors(*a)
		}
		return nil
	})
}

// sealedHere tells whether audit entry seq (stored as v) still is what this
// computer sealed: it names this key, and its seal is the HMAC of its
// content after the seal of the entry before. An entry passed off as
// another computer's keeps its old seal but not its content.
func sealedHere(b *bbolt.Bucket, seq uint64, v, key []byte, keyID string) bool {
	var e data.AuditEntry
	if json.Unmarshal(v[32:], &e) != nil || e.Key != keyID {
		return false
	}
	var prev []byte
	if p := b.Get(itob(seq - 1)); seq > 1 && len(p) >= 32 {
		prev = p[:32]
	}
	return hmac.Equal(macOf(key, prev, v[32:]), v[:32])
}
