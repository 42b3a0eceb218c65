package postgres

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// notifyChannel is the channel the database's triggers notify when a
// statement changes what a clerk's screens show (00050_notify.sql).
const notifyChannel = "qmdesk_changed"

// watchTimes are Watch's waits; the tests shorten them.
type watchTimes struct {
	gap        time.Duration // changed is called at most once in a gap
	backoff    time.Duration // the first wait before connecting again
	maxBackoff time.Duration // the longest
	idle       time.Duration // with no notification for this long, the connection is pinged
	poll       time.Duration // the poll of the audit head when LISTEN is not supported
}

var defaultWatchTimes = watchTimes{gap: time.Second, backoff: time.Second, maxBackoff: 30 * time.Second, idle: time.Minute, poll: 5 * time.Second}

// Watch calls changed when another program (another clerk's window, a
// command-line import) has committed a change to what a clerk's screens
// show, until ctx ends, and then returns ctx's error. It is not part of
// data.Store: only a database several programs share has changes of
// others to tell.
//
// It holds a connection of its own on which it LISTENs to the channel the
// database's triggers notify. PostgreSQL delivers a notification when the
// transaction that sent it commits, so changed is called after the change
// is visible to a read, never for a transaction rolled back. The changes
// this Store's own connections make are not told (the window that made
// them shows them already). changed is called on a goroutine of Watch's,
// at most once a second: the changes of one second (an import's many
// statements, several clerks') make one call, at its start, and one more
// at its end for those that came during it.
//
// When the connection drops (the server restarted, the network), Watch
// connects again after 1 s, then after twice as long each time up to 30
// s, and calls changed once it is back: what changed meanwhile was not
// told. A connection silent for a minute is pinged, so that one the
// network dropped without a word is found. A server that does not
// support LISTEN (some PostgreSQL-compatible engines) is instead asked
// every 5 s for the audit log's head, which every change by qmdesk
// moves: then changed is also called after this Store's own changes.
func (s *Store) Watch(ctx context.Context, changed func()) error {
	return s.watch(ctx, changed, defaultWatchTimes)
}

func (s *Store) watch(ctx context.Context, changed func(), wt watchTimes) error {
	kick := make(chan struct{}, 1)
	tell := func() {
		select {
		case kick <- struct{}{}:
		default: // one waiting already covers this change
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the caller of changed: once, then quiet for a gap
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-kick:
			}
			changed()
			select {
			case <-ctx.Done():
				return
			case <-time.After(wt.gap):
			}
		}
	}()
	defer wg.Wait()
	wait, missed := wt.backoff, false
	for {
		conn, err := s.listen(ctx)
		if err == nil {
			if missed {
				tell() // changes made while there was no connection
			}
			wait, missed = wt.backoff, false
			err = s.receive(ctx, conn, tell, wt.idle)
			closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			conn.Close(closeCtx)
			cancel()
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if unsupported(err) {
			slog.Info("the database server does not support LISTEN: its changes are polled", "every", wt.poll, "err", err)
			return s.poll(ctx, tell, wt.poll)
		}
		missed = true
		slog.Warn("watching the database for other clerks' changes: connecting again", "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, wt.maxBackoff)
	}
}

// watchApplication is the application_name of Watch's connection: what
// the server's administrator sees of it (pg_stat_activity).
const watchApplication = "qmdesk watch"

// listen opens a connection of its own, as the pool's are made (the same
// server, role, password and TLS), named watchApplication, and LISTENs
// on it.
func (s *Store) listen(ctx context.Context) (*pgx.Conn, error) {
	cfg := s.pool.Config().ConnConfig.Copy()
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = watchApplication
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+notifyChannel); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// receive tells each notification from another program until the
// connection fails or ctx ends; a connection silent for idle is pinged.
func (s *Store) receive(ctx context.Context, conn *pgx.Conn, tell func(), idle time.Duration) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, idle)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if !s.own.has(n.PID) {
				tell()
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			pctx, cancel := context.WithTimeout(ctx, idle)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// poll tells a move of the audit log's head (meta.audit_seq), which
// every change made by qmdesk moves, read every interval until ctx ends.
// A failed read is tried again at the next interval.
func (s *Store) poll(ctx context.Context, tell func(), every time.Duration) error {
	mark := func() (int64, error) {
		var n int64
		err := s.pool.QueryRow(ctx, `SELECT audit_seq FROM meta`).Scan(&n)
		return n, err
	}
	last, err := mark()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
		n, nerr := mark()
		switch {
		case nerr != nil:
			if ctx.Err() == nil {
				slog.Warn("polling the database for other clerks' changes", "err", nerr)
			}
		case err != nil || n != last:
			tell()
		}
		last, err = n, nerr
	}
}

// unsupported tells whether err is the server's refusal of a feature
// (SQLSTATE 0A000): LISTEN on an engine that has no notifications.
func unsupported(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "0A000"
}

// backends are the server processes of a Store's pool connections: the
// notifications they send are the Store's own changes.
type backends struct {
	mu   sync.Mutex
	pids map[uint32]bool
}

func (b *backends) add(pid uint32) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pids == nil {
		b.pids = map[uint32]bool{}
	}
	b.pids[pid] = true
}

func (b *backends) remove(pid uint32) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.pids, pid)
}

func (b *backends) has(pid uint32) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pids[pid]
}
