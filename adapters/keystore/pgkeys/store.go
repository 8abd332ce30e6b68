// Package pgkeys keeps the customers' data keys of crypto-shredding (application/erasure)
// in a PostgreSQL table, customer_keys: the one key store every process of a PostgreSQL
// or EventStoreDB deployment shares. Keys are stored wrapped with a key derived from the
// server key (erasure.Wrap), so a dump of the table alone opens nothing; an erased row
// keeps no key, only when it was erased.
package pgkeys

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/migrations"
)

// Migrate brings the customer_keys table in the database dsn names up to date.
func Migrate(ctx context.Context, dsn string) error {
	return migrations.KeyStoreSet.Migrate(ctx, dsn)
}

// Store is a KeyStore on a PostgreSQL table.
type Store struct {
	pool *pgxpool.Pool
	kek  []byte
}

var _ erasure.KeyStore = (*Store)(nil)

// Open migrates and opens the key store in the database dsn names; kek (32 bytes) wraps
// the keys stored.
func Open(ctx context.Context, dsn string, kek []byte) (*Store, error) {
	if len(kek) != erasure.KeySize {
		return nil, fmt.Errorf("postgres key store: the wrapping key is %d bytes, not %d", len(kek), erasure.KeySize)
	}
	// Keys are cached by their readers (erasure.CachedKeys): few queries.
	pool, err := migrations.KeyStoreSet.OpenPool(ctx, dsn, 4)
	if err != nil {
		return nil, err
	}
	return &Store{pool: pool, kek: append([]byte(nil), kek...)}, nil
}

// Close releases the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Lookup implements erasure.KeyStore.
func (s *Store) Lookup(ctx context.Context, id uuid.UUID) ([]byte, error) {
	var wrapped []byte
	var erased bool
	err := s.pool.QueryRow(ctx, `SELECT key, erased_at IS NOT NULL FROM customer_keys WHERE customer_id = $1`, id).Scan(&wrapped, &erased)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("%w: no key for %s", application.ErrNotFound, id)
	case err != nil:
		return nil, fmt.Errorf("postgres key store: %w", err)
	case erased:
		return nil, erasure.ErrErased
	}
	return erasure.Unwrap(s.kek, id, wrapped)
}

// Key implements erasure.KeyStore: a new key is inserted where none is; of two processes
// making one at once, both read the one inserted first.
func (s *Store) Key(ctx context.Context, id uuid.UUID) ([]byte, error) {
	k, err := s.Lookup(ctx, id)
	if !errors.Is(err, application.ErrNotFound) {
		return k, err
	}
	if k, err = erasure.NewKey(); err != nil {
		return nil, err
	}
	wrapped, err := erasure.Wrap(s.kek, id, k)
	if err != nil {
		return nil, err
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO customer_keys (customer_id, key) VALUES ($1, $2) ON CONFLICT (customer_id) DO NOTHING`, id, wrapped); err != nil {
		return nil, fmt.Errorf("postgres key store: %w", err)
	}
	return s.Lookup(ctx, id)
}

// Destroy implements erasure.KeyStore. The row stays, keyless, so the id never gets a
// key again. PostgreSQL keeps the old row version until VACUUM reclaims it
// (docs/AUDIT.md "Erasure").
func (s *Store) Destroy(ctx context.Context, id uuid.UUID) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO customer_keys (customer_id, key, erased_at) VALUES ($1, NULL, now())
		ON CONFLICT (customer_id) DO UPDATE SET key = NULL, erased_at = COALESCE(customer_keys.erased_at, now())`, id)
	if err != nil {
		return fmt.Errorf("postgres key store: %w", err)
	}
	return nil
}
