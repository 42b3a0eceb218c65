package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"qmdesk/app"
	"qmdesk/data"
)

// migrate moves a province from its bbolt file (--db) to an empty
// PostgreSQL database (--to), or from a PostgreSQL database (--from) into
// a new bbolt file (--db); the source stays as it was.
func (c *command) migrate(args []string) error {
	fs, db := c.flags("migrate")
	to := fs.String("to", "", "ฐานข้อมูลว่างบนเซิร์ฟเวอร์ PostgreSQL ที่จะย้ายข้อมูลไป (postgres://ชื่อผู้ใช้@เซิร์ฟเวอร์/ชื่อฐานข้อมูล)")
	from := fs.String("from", "", "ฐานข้อมูลบนเซิร์ฟเวอร์ PostgreSQL ที่จะย้ายข้อมูลกลับมาเป็นไฟล์ใหม่ที่ --db")
	yes := fs.Bool("yes", false, "ย้ายเลยโดยไม่ถามยืนยัน")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	server := *to + *from
	if (*to == "") == (*from == "") || !IsServerAddress(server) {
		return usageError{"ระบุ --to postgres://… (ย้ายจากไฟล์ไปเซิร์ฟเวอร์) หรือ --from postgres://… (ย้ายจากเซิร์ฟเวอร์มาเป็นไฟล์ใหม่) อย่างใดอย่างหนึ่ง"}
	}
	if c.env.OpenServer == nil || c.env.Create == nil {
		return usageError{"รุ่นนี้ย้ายฐานข้อมูลไม่ได้"}
	}
	if *to != "" {
		return c.copyToServer(*db, *to, true, *yes, "ย้ายข้อมูล")
	}
	return c.copyToFile(*from, *db, false, *yes, "ย้ายข้อมูล")
}

// migrateWarning is what a clerk reads before a province moves (the
// window says the same: app.MigrateWarning).
func migrateWarning(what, src, dst string) string {
	return app.MigrateWarning(what, src, dst).Thai
}

// confirm asks the clerk to go on (y), unless yes; anything else stops
// the command with nothing done.
func (c *command) confirm(yes bool, warning string) error {
	fmt.Fprint(c.env.Stderr, warning)
	if yes {
		return nil
	}
	fmt.Fprint(c.env.Stderr, "ทำต่อหรือไม่? (y = ทำต่อ, Enter = ยกเลิก; --yes: ไม่ต้องถาม): ")
	line, err := bufio.NewReader(c.stdin()).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes", "ใช่", "ช":
		return nil
	}
	fmt.Fprintln(c.env.Stderr)
	return data.Errorf(data.EINVALID, "ยกเลิกแล้ว ไม่ได้เขียนอะไร", "cancelled: nothing written")
}

// copyToServer copies the province of the file db into the empty
// PostgreSQL database at url (migrate --to; restore into a server), then
// compares the two and checks the server's copy. ask: the clerk is told
// what happens and asked to go on (unless yes).
func (c *command) copyToServer(db, url string, ask, yes bool, what string) error {
	src, m, err := c.openProvince(db, true)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := c.env.OpenServer(c.ctx, url)
	if err != nil {
		return err
	}
	defer dst.Close()
	// Said before anything is asked; the copy checks it again in its
	// transaction.
	if dm, err := dst.Meta(c.ctx); err != nil {
		return err
	} else if dm.Province != "" {
		return data.CopyDestNotEmpty(url)
	}
	if ask {
		if err := c.confirm(yes, migrateWarning(what+c.provinceName(m), db, url)); err != nil {
			return err
		}
	}
	return c.copyBetween(src, dst, what, url)
}

// copyToFile copies the province of the PostgreSQL database at url into
// a new file at db (migrate --from; the backup of a server), then
// compares the two and checks the file. A backup (backup) is neither
// asked for nor compared (see below); a move is asked for unless yes.
func (c *command) copyToFile(url, db string, backup, yes bool, what string) error {
	if _, err := os.Lstat(db); err == nil {
		return data.Errorf(data.ECONFLICT, "มีไฟล์ %s อยู่แล้ว จึงไม่เขียนทับ: ใช้ --db ชี้ไปที่ไฟล์ใหม่ที่ยังไม่มี", "%s exists", db)
	}
	src, err := c.env.OpenServer(c.ctx, url)
	if err != nil {
		return err
	}
	defer src.Close()
	m, err := src.Meta(c.ctx)
	if err != nil {
		return err
	}
	if m.Province == "" {
		return data.Errorf(data.EINVALID, "ฐานข้อมูล %s ยังไม่ได้ตั้งค่าจังหวัด จึงไม่มีข้อมูลให้คัดลอก", "database %s not initialised", url)
	}
	if !backup {
		if err := c.confirm(yes, migrateWarning(what+c.provinceName(m), url, db)); err != nil {
			return err
		}
	}
	from, ok := src.(app.CopySource)
	if !ok {
		return errors.New("this store cannot copy a province")
	}
	stop := c.startProgress()
	rep, err := app.CopyToFile(c.ctx, from, app.Files{Create: c.env.Create, Open: c.env.Open}, db, c.backupProgress("กำลัง"+what))
	stop()
	if err != nil {
		return err
	}
	made, err := c.env.Open(db, true)
	if err != nil {
		return err
	}
	defer made.Close()
	if backup {
		// A backup is taken while clerks work on the server: what it is
		// compared with would be the database as it is now, not at the
		// copy's moment. The file's own check stands for it.
		return c.verifyCopy(nil, made, rep, db)
	}
	err = c.verifyCopy(src, made, rep, db)
	if data.ErrorCode(err) == data.EINTERNAL {
		return app.ErrServerChangedDuringMove(db, err)
	}
	return err
}

// copyBetween copies src into dst, an open empty database, then compares
// and checks.
func (c *command) copyBetween(src, dst data.Store, what, where string) error {
	from, ok1 := src.(app.CopySource)
	into, ok2 := dst.(app.CopyTarget)
	if !ok1 || !ok2 {
		return errors.New("these stores cannot copy a province")
	}
	stop := c.startProgress()
	rep, err := app.CopyProvince(c.ctx, from, into, c.backupProgress("กำลัง"+what))
	stop()
	if err != nil {
		return err
	}
	return c.verifyCopy(src, dst, rep, where)
}

// verifyCopy compares the copy with its source (unless src is nil) and
// checks it, and says what was copied.
func (c *command) verifyCopy(src, dst data.Store, rep data.CopyReport, where string) error {
	fmt.Fprintf(c.env.Stdout, "คัดลอกไปที่ %s แล้ว: ครัวเรือน %s · ปัญหา %s · การช่วยเหลือ %s · บันทึกการแก้ไข %s รายการ\n", where,
		data.FormatNumber(rep.Households), data.FormatNumber(rep.Problems), data.FormatNumber(rep.Actions), data.FormatNumber(rep.AuditEntries))
	if src != nil {
		fmt.Fprintln(c.env.Stderr, "กำลังตรวจเทียบปลายทางกับต้นทาง…")
	}
	check, err := app.VerifyCopy(c.ctx, src, dst, rep, c.env.Geo, c.env.Clock)
	if src != nil && (err == nil || len(check.Problems) > 0) {
		fmt.Fprintln(c.env.Stdout, "ตรวจเทียบแล้ว: ครัวเรือน ปัญหา การช่วยเหลือ ตัวนับ สรุปความก้าวหน้าทุกรอบ และบันทึกการแก้ไข ตรงกับต้นทางทุกรายการ")
	}
	for _, p := range check.Problems {
		fmt.Fprintln(c.env.Stdout, "  -", p)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(c.env.Stdout, "ตรวจสอบปลายทางแล้ว: ฐานข้อมูลถูกต้องครบถ้วน")
	return nil
}

// provinceName is "จังหวัด" and the province's name, for a message.
func (c *command) provinceName(m data.Meta) string {
	if p, ok := c.env.Geo.Province(m.Province); ok {
		return "จังหวัด" + p.Thai
	}
	return "จังหวัดรหัส " + m.Province
}
