// Package pgsessions keeps the desk's sessions (auth.Sessions) in the PostgreSQL table
// desk_sessions, so that every ticketd on one database knows every session: a browser
// signed in through one node is signed in on all, and a sign-out or a deactivation on one
// ends the session everywhere from the next request on. Only the SHA-256 of a session's
// id is stored (auth.HashSecret).
package pgsessions

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/migrations"
)

// touchEvery is how stale last_seen may get before a use writes it: a desk page is
// then one read of the row, not a write, and the idle limit (hours) counts to a minute.
const touchEvery = time.Minute

// sweepEvery is how often a node deletes the sessions that have ended by time.
const sweepEvery = 10 * time.Minute

// Migrate brings the desk_sessions table in the database dsn names up to date.
func Migrate(ctx context.Context, dsn string) error {
	return migrations.SessionsSet.Migrate(ctx, dsn)
}

// Store is auth.Sessions on a PostgreSQL table. Its times are the node's clock (Now): the
// limits are hours and days, so clocks kept by NTP agree well enough.
type Store struct {
	Idle, Absolute time.Duration
	Now            func() time.Time

	pool      *pgxpool.Pool
	mu        sync.Mutex
	lastSweep time.Time
}

var _ auth.Sessions = (*Store)(nil)

// Open migrates and opens the sessions in the database dsn names, with the default
// lifetimes (auth.SessionIdle, auth.SessionAbsolute).
func Open(ctx context.Context, dsn string) (*Store, error) {
	pool, err := migrations.SessionsSet.OpenPool(ctx, dsn, 4) // one short statement per desk request
	if err != nil {
		return nil, err
	}
	return &Store{Idle: auth.SessionIdle, Absolute: auth.SessionAbsolute, Now: time.Now, pool: pool}, nil
}

// Close releases the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Start implements auth.Sessions.
func (s *Store) Start(ctx context.Context, account uuid.UUID) (string, error) {
	id, err := auth.NewSessionID()
	if err != nil {
		return "", err
	}
	now := s.Now()
	if err := s.maybeSweep(ctx, now); err != nil {
		return "", err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO desk_sessions (id_hash, account_id, created_at, last_seen, expires_at)
		VALUES ($1, $2, $3, $3, $4)`, auth.HashSecret(id), account, now, now.Add(s.Absolute))
	if err != nil {
		return "", fmt.Errorf("postgres sessions: start: %w", err)
	}
	return id, nil
}

// Account implements auth.Sessions: one read; a write only when last_seen is older than
// touchEvery, or to delete a session found ended.
func (s *Store) Account(ctx context.Context, id string) (uuid.UUID, error) {
	now, h := s.Now(), auth.HashSecret(id)
	var account uuid.UUID
	var lastSeen, expires time.Time
	err := s.pool.QueryRow(ctx, `SELECT account_id, last_seen, expires_at FROM desk_sessions WHERE id_hash = $1`, h).
		Scan(&account, &lastSeen, &expires)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return uuid.Nil, application.ErrUnauthorized
	case err != nil:
		return uuid.Nil, fmt.Errorf("postgres sessions: %w", err)
	}
	if now.Sub(lastSeen) >= s.Idle || !now.Before(expires) {
		if _, err := s.pool.Exec(ctx, `DELETE FROM desk_sessions WHERE id_hash = $1`, h); err != nil {
			return uuid.Nil, fmt.Errorf("postgres sessions: %w", err)
		}
		return uuid.Nil, application.ErrUnauthorized
	}
	if now.Sub(lastSeen) >= touchEvery {
		// Only forward: a node whose clock is behind does not move last_seen back.
		_, err := s.pool.Exec(ctx, `UPDATE desk_sessions SET last_seen = $2 WHERE id_hash = $1 AND last_seen < $2`, h, now)
		if err != nil {
			return uuid.Nil, fmt.Errorf("postgres sessions: %w", err)
		}
	}
	return account, nil
}

// End implements auth.Sessions.
func (s *Store) End(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM desk_sessions WHERE id_hash = $1`, auth.HashSecret(id)); err != nil {
		return fmt.Errorf("postgres sessions: end: %w", err)
	}
	return nil
}

// EndAll implements auth.Sessions.
func (s *Store) EndAll(ctx context.Context, account uuid.UUID) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM desk_sessions WHERE account_id = $1`, account); err != nil {
		return fmt.Errorf("postgres sessions: end all of %s: %w", account, err)
	}
	return nil
}

// maybeSweep deletes the ended sessions, at most once a sweepEvery per node (on Start:
// the table grows only there).
func (s *Store) maybeSweep(ctx context.Context, now time.Time) error {
	s.mu.Lock()
	due := now.Sub(s.lastSweep) >= sweepEvery
	if due {
		s.lastSweep = now
	}
	s.mu.Unlock()
	if !due {
		return nil
	}
	_, err := s.Sweep(ctx)
	return err
}

// Sweep deletes the sessions that have ended by time (idle or past their expiry), and
// says how many.
func (s *Store) Sweep(ctx context.Context) (int64, error) {
	now := s.Now()
	tag, err := s.pool.Exec(ctx, `DELETE FROM desk_sessions WHERE expires_at <= $1 OR last_seen <= $2`, now, now.Add(-s.Idle))
	if err != nil {
		return 0, fmt.Errorf("postgres sessions: sweep: %w", err)
	}
	return tag.RowsAffected(), nil
}
