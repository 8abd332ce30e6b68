// Package pglease is the lease store (application/lease) on PostgreSQL: one row per lease
// in the table leases, changed only by single conditional statements, with the time of
// the database (now()), so that the nodes' clocks need not agree. Every node of a
// PostgreSQL deployment (and of an EventStoreDB one with a PostgreSQL read side) shares it.
package pglease

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/application/lease"
	"github.com/ticketengine/ticketengine/migrations"
)

// Migrate brings the leases table in the database dsn names up to date.
func Migrate(ctx context.Context, dsn string) error {
	return migrations.LeaseSet.Migrate(ctx, dsn)
}

// Store is a lease.Store on a PostgreSQL table.
type Store struct {
	pool *pgxpool.Pool
}

var _ lease.Store = (*Store)(nil)

// Open migrates and opens the lease store in the database dsn names.
func Open(ctx context.Context, dsn string) (*Store, error) {
	pool, err := migrations.LeaseSet.OpenPool(ctx, dsn, 2) // a few renewals a TTL
	if err != nil {
		return nil, err
	}
	return &Store{pool: pool}, nil
}

// Close releases the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Acquire implements lease.Store: one upsert that takes the row only where it expired.
func (s *Store) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (uint64, error) {
	var epoch int64
	err := s.pool.QueryRow(ctx, `
		INSERT INTO leases AS l (name, holder, epoch, expires_at)
		VALUES ($1, $2, 1, now() + $3 * interval '1 microsecond')
		ON CONFLICT (name) DO UPDATE
		SET holder = EXCLUDED.holder, epoch = l.epoch + 1, expires_at = EXCLUDED.expires_at
		WHERE l.expires_at <= now()
		RETURNING epoch`, name, holder, ttl.Microseconds()).Scan(&epoch)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, lease.ErrHeld
	case err != nil:
		return 0, fmt.Errorf("postgres leases: acquire %s: %w", name, err)
	}
	return uint64(epoch), nil
}

// Renew implements lease.Store.
func (s *Store) Renew(ctx context.Context, name, holder string, epoch uint64, ttl time.Duration) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE leases SET expires_at = now() + $4 * interval '1 microsecond'
		WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > now()`,
		name, holder, int64(epoch), ttl.Microseconds())
	switch {
	case err != nil:
		return fmt.Errorf("postgres leases: renew %s: %w", name, err)
	case tag.RowsAffected() == 0:
		return lease.ErrLost
	}
	return nil
}

// Release implements lease.Store.
func (s *Store) Release(ctx context.Context, name, holder string, epoch uint64) error {
	_, err := s.pool.Exec(ctx, `
		UPDATE leases SET expires_at = '-infinity'
		WHERE name = $1 AND holder = $2 AND epoch = $3`, name, holder, int64(epoch))
	if err != nil {
		return fmt.Errorf("postgres leases: release %s: %w", name, err)
	}
	return nil
}
