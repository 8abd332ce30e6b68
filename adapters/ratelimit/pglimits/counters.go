// Package pglimits keeps the limiters' counters (access.Counters) in a PostgreSQL table,
// rate_counters, so that every ticketd on one database draws on one budget per client:
// twenty failed portal look-ups spread over the nodes lock the client out on all of them.
package pglimits

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/migrations"
)

// sweepEvery is how often a node deletes the rows that have left every window.
const sweepEvery = time.Minute

// Migrate brings the rate_counters table in the database dsn names up to date.
func Migrate(ctx context.Context, dsn string) error {
	return migrations.RateLimitSet.Migrate(ctx, dsn)
}

// Counters are access.Counters on a PostgreSQL table.
type Counters struct {
	pool *pgxpool.Pool

	mu        sync.Mutex
	lastSweep time.Time
}

var _ access.Counters = (*Counters)(nil)

// Open migrates and opens the counters in the database dsn names.
func Open(ctx context.Context, dsn string) (*Counters, error) {
	pool, err := migrations.RateLimitSet.OpenPool(ctx, dsn, 4) // only the customers' doors count: failed look-ups and new tickets
	if err != nil {
		return nil, err
	}
	return &Counters{pool: pool}, nil
}

// Close releases the pool.
func (c *Counters) Close() error {
	c.pool.Close()
	return nil
}

// addSQL adds to the slot's row and sums the window in one statement: the CTE's insert
// takes the row lock, so concurrent hits on one slot are counted one after the other, and
// each sees the sum including its own addition.
const addSQL = `
WITH hit AS (
    INSERT INTO rate_counters AS c (key, slot, n, expires_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (key, slot) DO UPDATE SET n = c.n + EXCLUDED.n, expires_at = EXCLUDED.expires_at
    RETURNING n
)
SELECT ((SELECT n FROM hit) + COALESCE((SELECT sum(n) FROM rate_counters
    WHERE key = $1 AND slot >= $5 AND slot < $2), 0))::integer`

const readSQL = `SELECT COALESCE(sum(n), 0)::integer FROM rate_counters WHERE key = $1 AND slot >= $2 AND slot <= $3`

// Add implements access.Counters.
func (c *Counters) Add(ctx context.Context, hit access.Hit) (int, error) {
	if err := c.maybeSweep(ctx, hit.Now); err != nil {
		return 0, err
	}
	var sum int
	var err error
	if hit.N == 0 {
		err = c.pool.QueryRow(ctx, readSQL, hit.Key, hit.From, hit.Slot).Scan(&sum)
	} else {
		err = c.pool.QueryRow(ctx, addSQL, hit.Key, hit.Slot, hit.N, hit.Expires, hit.From).Scan(&sum)
	}
	if err != nil {
		return 0, fmt.Errorf("postgres rate limits: %w", err)
	}
	return sum, nil
}

// maybeSweep deletes the expired rows, at most once a sweepEvery per node.
func (c *Counters) maybeSweep(ctx context.Context, now time.Time) error {
	c.mu.Lock()
	due := now.Sub(c.lastSweep) >= sweepEvery
	if due {
		c.lastSweep = now
	}
	c.mu.Unlock()
	if !due {
		return nil
	}
	_, err := c.Sweep(ctx, now)
	return err
}

// Sweep deletes the rows whose slot left every window before now, and says how many.
func (c *Counters) Sweep(ctx context.Context, now time.Time) (int64, error) {
	tag, err := c.pool.Exec(ctx, `DELETE FROM rate_counters WHERE expires_at < $1`, now)
	if err != nil {
		return 0, fmt.Errorf("postgres rate limits: sweep: %w", err)
	}
	return tag.RowsAffected(), nil
}
