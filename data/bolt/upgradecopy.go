package bolt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"

	"qmdesk/data"
)

// Upgrade is what Open tells (Options.Upgrading) before it upgrades a
// file of an older layout: the layout it is and will be, and where the
// file as it was has been copied.
type Upgrade struct {
	From, To int
	Copy     string // the copy of the file before the upgrade
}

// Sentence is the upgrade as the clerk is told it, and the log.
func (u Upgrade) Sentence() data.Sentence {
	return data.Sentencef("ฐานข้อมูลนี้เป็นรูปแบบของ qmdesk รุ่นก่อน (โครงสร้างรุ่น %d) กำลังปรับเป็นรูปแบบของรุ่นนี้ (โครงสร้างรุ่น %d) ฐานข้อมูลขนาดใหญ่อาจใช้เวลาหลายนาที ถ้าโปรแกรมถูกปิดกลางคัน การเปิดครั้งถัดไปจะทำต่อจนเสร็จ "+
		"สำเนาของไฟล์เดิมก่อนปรับเก็บไว้ที่ %s (เปิดได้ด้วย qmdesk รุ่นก่อน ถ้าต้องกลับไปใช้รุ่นนั้น)",
		"upgrading the database from layout %d to %d; the file as it was is kept at %s", u.From, u.To, u.Copy)
}

// upgradeCopyPrefix starts the names of the copies kept before an
// upgrade, in the folder of the automatic backups beside the database
// (backups, as app.BackupDir names it). The automatic backups' pruning
// (app.PruneBackups) does not touch them: one is made per upgrade, and it
// is the only copy the older version can open.
const upgradeCopyPrefix = "before-upgrade-"

// Done is the upgrade once made, as the window tells it when it opens.
func (u Upgrade) Done() data.Sentence {
	return data.Sentencef("ฐานข้อมูลนี้เป็นรูปแบบของ qmdesk รุ่นก่อน (โครงสร้างรุ่น %d) โปรแกรมปรับเป็นรูปแบบของรุ่นนี้ (โครงสร้างรุ่น %d) ให้แล้ว ข้อมูลอยู่ครบ "+
		"สำเนาของไฟล์เดิมก่อนปรับเก็บไว้ที่ %s (เปิดได้ด้วย qmdesk รุ่นก่อน ถ้าต้องกลับไปใช้รุ่นนั้น เมื่อไม่ต้องการแล้วลบได้)",
		"The database was of an earlier qmdesk (layout %d) and has been upgraded to this version's layout (%d). The file as it was is kept at %s (the earlier version opens it; delete it when no longer needed)", u.From, u.To, u.Copy)
}

// pendingUpgrade tells the layout of the file when an upgrade of a
// register is to run (a file of an older layout, that has a register: 0
// is a new file), else 0. The upgrade from 8 cut short (its mark set, at
// any layout from 9 on) is not one: the open that began it kept the copy
// of the file of layout 8.
func (s *Store) pendingUpgrade() (from int, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		v, err := schemaVersion(tx)
		if err == nil && v >= 1 && v < SchemaVersion && !recoding(tx) {
			from = v
		}
		return err
	})
	return from, err
}

// keepBeforeUpgrade copies the file, as it is, into the backups folder
// beside it (before-upgrade-<layout>-YYYYMMDD-HHMMSS.db, Thai time) and
// returns the copy's path. The copy is checked as Backup checks its own
// (summed as written, read back, opened with bbolt) and takes its name
// only then, so that a copy cut short (a kill, a full disk) is never
// found under the name of a whole one; the disk must have room for it
// and the headroom Backup leaves. Unlike Backup it writes nothing into
// the file (no audit entry, no anchor): that is of the older layout until
// the upgrade.
func (s *Store) keepBeforeUpgrade(from int) (string, error) {
	dir := filepath.Join(filepath.Dir(s.path), "backups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", data.FileError(data.CreatingFolder, dir, err)
	}
	removeStaleUpgradeCopies(dir, time.Hour)
	stamp := upgradeCopyPrefix + strconv.Itoa(from) + "-" + s.Clock.Now().In(data.ThaiTime).Format("20060102-150405")
	path := filepath.Join(dir, stamp+".db")
	for n := 2; exists(path); n++ { // two opens within a second
		path = filepath.Join(dir, stamp+"_"+strconv.Itoa(n)+".db")
	}
	ctx := context.Background()
	var src copyFacts
	var sums []uint32
	var rep *reporter
	tmp := ""
	err := s.view(func(tx *bbolt.Tx) error {
		src = copyFacts{size: tx.Size(), txid: tx.ID()}
		src.version, _ = schemaVersion(tx)
		if err := roomFor(dir, src.size); err != nil {
			return err
		}
		f, err := data.CreateBeside(path)
		if err != nil {
			return err
		}
		tmp = f.Name()
		rep = newReporter(2*src.size, nil)
		sums, err = writeCopy(ctx, f, tx, rep)
		return err
	})
	if err == nil {
		err = verifyCopy(ctx, tmp, src, sums, rep)
	}
	if err == nil {
		if err = data.RenameInto(tmp, path); err == nil {
			return path, nil
		}
	}
	if tmp != "" {
		os.Remove(tmp)
	}
	var de *data.Error
	if !errors.As(err, &de) {
		err = data.FileError(savingBackup, path, err)
	}
	return "", err
}

// upgradeRefused is the refusal to upgrade a file whose copy could not be
// kept first (why): the file stays as it was, and the older version
// still opens it.
func upgradeRefused(path string, from int, why error) error {
	e := data.Explain(why)
	return &data.Error{Code: e.Code,
		Message: fmt.Sprintf("ฐานข้อมูล %s เป็นรูปแบบของ qmdesk รุ่นก่อน ต้องปรับเป็นรูปแบบของรุ่นนี้ก่อนใช้ แต่ยังไม่ได้ปรับ เพราะเก็บสำเนาของไฟล์เดิมไว้ก่อนไม่ได้: %s "+
			"(ข้อมูลในไฟล์ยังอยู่ครบ ไม่ได้เปลี่ยนแปลง และยังเปิดได้ด้วย qmdesk รุ่นก่อน)", filepath.Base(path), e.Message),
		English: fmt.Sprintf("not upgrading %s from layout %d: the copy of the file before the upgrade could not be kept", path, from),
		Err:     why}
}

// removeStaleUpgradeCopies deletes what a copy before an upgrade that was
// killed left in dir: its temporary files (data.CreateBeside names),
// untouched for longer than age. A copy still being written (of another
// database in the same folder) touches its file all the time.
func removeStaleUpgradeCopies(dir string, age time.Duration) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(n, "."+upgradeCopyPrefix) || !strings.HasSuffix(n, ".tmp") {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > age {
			os.Remove(filepath.Join(dir, n))
		}
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
