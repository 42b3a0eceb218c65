// Package postgres stores the household register in a PostgreSQL
// database, for an office where several clerks work on one province at
// once (issue 16). It implements data.Store method by method, each as the
// bbolt store (data/bolt) behaves; what it implements so far is listed in
// this package's tests. The schema is made by the versioned migrations in
// migrations/, embedded in the program and run by Open.
package postgres

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"qmdesk/data"
)

// SchemaVersion is the newest migration this program has (the SQL files
// of migrations/ and goMigrations): Open brings a database up to it and
// refuses a database past it.
const SchemaVersion = 60

//go:embed migrations/*.sql
var migrations embed.FS

// lockID is the advisory lock the migrations run under: two programs
// starting at once on a new database, one migrates and the other waits,
// then finds nothing to do.
const lockID = 0x716d6465736b // "qmdesk"

// Store is the PostgreSQL implementation of (so far part of) data.Store.
type Store struct {
	pool  *pgxpool.Pool
	clock data.Clock
	own   *backends // the server processes of pool's connections (Watch)
	// backup writes Backup's copy (SetBackup; nil: Backup refuses).
	backup BackupFunc
}

// Open connects to the database dsn names (a postgres:// URL or
// key=value pairs, as libpq reads them), brings its schema up to
// SchemaVersion under the migrations' lock, and refuses a database a
// newer qmdesk has set up or one that holds another program's tables. To a host that is not this computer the
// connection is encrypted (TLS) unless dsn says otherwise (connConfig).
func Open(ctx context.Context, dsn string, clock data.Clock) (*Store, error) {
	cfg, err := connConfig(dsn)
	if err != nil {
		return nil, err
	}
	return openConfig(ctx, cfg, clock)
}

// openConfig is Open of a parsed (and TLS-ruled) configuration.
func openConfig(ctx context.Context, cfg *pgxpool.Config, clock data.Clock) (*Store, error) {
	// Each connection's server process is noted while it is in the pool:
	// Watch does not tell the Store's own changes.
	own := &backends{}
	cfg = cfg.Copy()
	afterConnect, beforeClose := cfg.AfterConnect, cfg.BeforeClose
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		if afterConnect != nil {
			if err := afterConnect(ctx, c); err != nil {
				return err
			}
		}
		own.add(c.PgConn().PID())
		return nil
	}
	cfg.BeforeClose = func(c *pgx.Conn) {
		own.remove(c.PgConn().PID())
		if beforeClose != nil {
			beforeClose(c)
		}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, connectError(cfg, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, connectError(cfg, err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{pool: pool, clock: clock, own: own}, nil
}

// migrate runs the migrations the database has not had, under goose's
// session lock (a PostgreSQL advisory lock), each in its own transaction.
// A database at a version past SchemaVersion is refused, before and
// after (a newer program may have migrated while this one waited).
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	if err := refuseNewer(ctx, pool); err != nil {
		return err
	}
	if err := refuseForeign(ctx, pool); err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID), lock.WithLockTimeout(1, 600))
	if err != nil {
		return err
	}
	files, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, db, files,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(goMigrations...),
		goose.WithSlog(slog.New(slog.DiscardHandler)))
	if err != nil {
		return err
	}
	if _, err := provider.Up(ctx); err != nil {
		cc := pool.Config().ConnConfig
		if e := migrationError(err, cc.Host, cc.Database, cc.User); e != nil {
			return e
		}
		return &data.Error{Code: data.EINTERNAL, Message: "ปรับโครงสร้างฐานข้อมูลบนเซิร์ฟเวอร์ให้เป็นของ qmdesk รุ่นนี้ไม่สำเร็จ ฐานข้อมูลยังเป็นอย่างเดิม กรุณาแจ้งผู้ดูแลเซิร์ฟเวอร์พร้อมไฟล์บันทึก (log)",
			English: "migrating the database failed", Err: err}
	}
	return refuseNewer(ctx, pool)
}

// versionTable is goose's table of the migrations applied.
const versionTable = "goose_db_version"

// schemaVersion is the newest migration the database has had (0: none).
func schemaVersion(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int, error) {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT to_regclass('`+versionTable+`') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return 0, err
	}
	var v int
	err := q.QueryRow(ctx, `SELECT coalesce(max(version_id), 0) FROM `+versionTable+` WHERE is_applied`).Scan(&v)
	return v, err
}

// refuseForeign refuses a database that holds tables but not qmdesk's
// (no migration recorded): another program's, which qmdesk must not
// write its tables into.
func refuseForeign(ctx context.Context, pool *pgxpool.Pool) error {
	var foreign bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('`+versionTable+`') IS NULL AND EXISTS (
		SELECT 1 FROM pg_tables WHERE schemaname = current_schema())`).Scan(&foreign); err != nil || !foreign {
		return err
	}
	return data.Errorf(data.EINVALID, "ฐานข้อมูลนี้บนเซิร์ฟเวอร์มีตารางของโปรแกรมอื่นอยู่แล้ว qmdesk จึงไม่ใช้ฐานข้อมูลนี้ กรุณาขอให้ผู้ดูแลเซิร์ฟเวอร์สร้างฐานข้อมูลว่างสำหรับ qmdesk แล้วเชื่อมต่อกับฐานข้อมูลนั้น",
		"the database holds tables, but not qmdesk's")
}

func refuseNewer(ctx context.Context, pool *pgxpool.Pool) error {
	v, err := schemaVersion(ctx, pool)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return data.Errorf(data.EINVALID, "ฐานข้อมูลนี้ตั้งขึ้นด้วย qmdesk รุ่นใหม่กว่า (โครงสร้างรุ่น %d ส่วนโปรแกรมนี้รู้จักถึงรุ่น %d) กรุณาติดตั้ง qmdesk รุ่นล่าสุดก่อนเปิดฐานข้อมูลนี้",
			"database schema %d is newer than this program's %d", v, SchemaVersion)
	}
	return nil
}

// Close closes the connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// now is the time records are stamped with: the clock's, in UTC, to the
// microsecond (what PostgreSQL keeps).
func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

func (s *Store) today() data.Date { return s.clock.Today() }

// write runs fn in one transaction, committed when fn returns nil. The
// transaction first locks the meta row, which every audited write updates
// anyway (audit): writers go one at a time from their start, so the
// counters the database moves in their statements (00003_counters.sql)
// are never locked by two writers in a circle (a deadlock).
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM meta FOR NO KEY UPDATE`); err != nil {
			return err
		}
		return fn(tx)
	})
}

// read runs fn in one read-only transaction: one snapshot of the
// database (repeatable read).
func (s *Store) read(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// audit appends an entry to the log in tx: numbered after the last one
// and sealed to it (SHA-256 of the previous seal and the entry's JSON).
// Taking the next number updates the meta row, which locks the row until
// tx ends: the log's writers go one at a time, in commit order.
//
// Who is the database role the connection logged in as (session_user),
// which the server checked with its password: not the operator's name in
// ctx (data.WithOperator), which on a shared server is only what someone
// typed in the settings, and which is left out of the entry altogether
// (not even in its note: a name anyone can type would read, in a
// tamper-evident log, as if it were vouched for).
func (s *Store) audit(ctx context.Context, tx pgx.Tx, op, entity string, id uint64, before, after any, note string) error {
	e, err := data.NewAuditEntry(s.now(), "", op, entity, id, before, after, note) // Who: the role, below
	if err != nil {
		return err
	}
	var prev []byte
	if err := tx.QueryRow(ctx, `UPDATE meta SET audit_seq = audit_seq + 1 RETURNING audit_seq, audit_seal, session_user`).Scan(&e.Seq, &prev, &e.Who); err != nil {
		return err
	}
	entry, err := json.Marshal(e)
	if err != nil {
		return err
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(entry)
	seal := h.Sum(nil)
	if _, err := tx.Exec(ctx, `INSERT INTO audit (seq, at, who, op, entity, record_id, entry, seal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		int64(e.Seq), e.At, e.Who, e.Op, e.Entity, int64(e.ID), string(entry), seal); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE meta SET audit_seal = $1`, seal)
	return err
}

// dateArg is a Date as a query argument: NULL for the zero Date.
func dateArg(d data.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.Time()
}

// dateOf is a date column as a Date (the zero Date for NULL).
func dateOf(d pgtype.Date) data.Date {
	if !d.Valid {
		return data.Date{}
	}
	return data.Date{Year: d.Time.Year(), Month: d.Time.Month(), Day: d.Time.Day()}
}

// textArg is a text that is NULL when empty (house code, national ID).
func textArg(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// isUniqueViolation tells whether err is PostgreSQL's refusal of a
// duplicate key (another clerk's transaction wrote it first).
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
