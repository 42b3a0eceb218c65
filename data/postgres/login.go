package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/zalando/go-keyring"

	"qmdesk/data"
)

// Keyring keeps a clerk's database passwords between sessions, by key
// (KeyOf). Get returns ErrNotKept when it holds none for the key.
type Keyring interface {
	Get(key string) (string, error)
	Set(key, password string) error
	Delete(key string) error
}

// ErrNotKept is Keyring.Get's answer when no password is kept.
var ErrNotKept = errors.New("no password kept")

// OSKeyring is the operating system's store of secrets, through
// github.com/zalando/go-keyring: the Credential Manager on Windows, the
// Secret Service (GNOME Keyring, KWallet) over D-Bus on Linux, the
// Keychain on macOS. Its entries are under the service KeyringService.
type OSKeyring struct{}

// KeyringService is the service name of qmdesk's entries in the OS's
// keyring (what the clerk sees in the Credential Manager).
const KeyringService = "qmdesk"

func (OSKeyring) Get(key string) (string, error) {
	pw, err := keyring.Get(KeyringService, key)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", ErrNotKept
	}
	return pw, err
}

func (OSKeyring) Set(key, password string) error { return keyring.Set(KeyringService, key, password) }

func (OSKeyring) Delete(key string) error {
	if err := keyring.Delete(KeyringService, key); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return err
	}
	return nil
}

// Asker asks the clerk for the password of role on server (the window's
// dialog, the command line's prompt without echo). keep is her choice to
// keep it in the keyring once it has worked. An error (she cancelled)
// ends OpenAsking with that error.
type Asker func(ctx context.Context, role, server string) (password string, keep bool, err error)

// KeyOf is the keyring's key for the password of a connection: role,
// server and database, as role@host:port/database.
func KeyOf(cfg *pgconn.Config) string {
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

// OpenAsking opens the database dsn names as Open does, with the clerk's
// own password, which dsn must not hold (a password written in the
// address would be kept in the settings, a file). The password is, in
// turn: the one the environment gives the way libpq reads it (PGPASSWORD,
// or the password file an administrator set up), else, over a Unix socket
// (this computer's server), none if the server lets the role in without
// one, else the one kept in keyring (nil: none), else ask's. A kept password the server refuses is
// dropped from the keyring and ask is asked instead; a password ask gave
// that works is kept when the clerk chose to keep it. A password the
// server refuses ends with the Thai message "รหัสผ่านไม่ถูกต้อง…"
// (SQLSTATE 28P01). A keyring that cannot be read or written (no
// Secret Service running) is logged and done without.
func OpenAsking(ctx context.Context, dsn string, clock data.Clock, kr Keyring, ask Asker) (*Store, error) {
	if dsnHasPassword(dsn) {
		return nil, data.Errorf(data.EINVALID, "ที่อยู่ฐานข้อมูลมีรหัสผ่านเขียนไว้ด้วย ซึ่ง qmdesk ไม่เก็บไว้ในการตั้งค่า กรุณาลบรหัสผ่านออกจากที่อยู่ (postgres://ชื่อผู้ใช้@เซิร์ฟเวอร์/ชื่อฐานข้อมูล) แล้วพิมพ์รหัสผ่านเมื่อโปรแกรมถาม",
			"the database address holds a password, which is not kept in settings")
	}
	cfg, err := connConfig(dsn)
	if err != nil {
		return nil, err
	}
	if cfg.ConnConfig.Password != "" { // PGPASSWORD or the password file
		return openConfig(ctx, cfg, clock)
	}
	if strings.HasPrefix(cfg.ConnConfig.Host, "/") {
		// A Unix socket: this computer's own server, which may let its
		// users in without a password (peer or trust, as an
		// administrator's session on the server does). Asked only if it
		// wants one.
		s, err := openConfig(ctx, cfg, clock)
		if !isWrongPassword(err) {
			return s, err
		}
	}
	key := KeyOf(&cfg.ConnConfig.Config)
	if kr != nil {
		pw, err := kr.Get(key)
		switch {
		case err == nil && pw != "":
			cfg.ConnConfig.Password = pw
			s, err := openConfig(ctx, cfg, clock)
			if !isWrongPassword(err) {
				return s, err
			}
			slog.Info("the password kept in the keyring was refused: dropped", "key", key)
			if err := kr.Delete(key); err != nil {
				slog.Warn("cannot drop the refused password from the keyring", "key", key, "err", err)
			}
		case err != nil && !errors.Is(err, ErrNotKept):
			slog.Warn("cannot read the keyring", "key", key, "err", err)
		}
	}
	server := cfg.ConnConfig.Host
	if cfg.ConnConfig.Port != 5432 {
		server += ":" + strconv.Itoa(int(cfg.ConnConfig.Port))
	}
	pw, keep, err := ask(ctx, cfg.ConnConfig.User, server)
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.Password = pw
	s, err := openConfig(ctx, cfg, clock)
	if err == nil && keep && kr != nil {
		if err := kr.Set(key, pw); err != nil {
			slog.Warn("cannot keep the password in the keyring", "key", key, "err", err)
		}
	}
	return s, err
}

// isWrongPassword tells whether err is the server's refusal of the
// password (Open's message for SQLSTATE 28P01).
func isWrongPassword(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "28P01"
}

// dsnHasPassword tells whether dsn gives a password: a URL's user
// information or query, or a password=… pair.
func dsnHasPassword(dsn string) bool {
	if isURL(dsn) {
		if u, err := url.Parse(dsn); err == nil && u.User != nil {
			if _, ok := u.User.Password(); ok {
				return true
			}
		}
	}
	_, ok := dsnParams(dsn)["password"]
	return ok
}
