// Package pgstore is the PostgreSQL event store (pgx/v5): table events in global order,
// appends grouped into few transactions by one appender goroutine, subscriptions that
// catch up by pages and then follow LISTEN/NOTIFY. The schema comes from Migrate; Open
// never creates tables. docs/EVENTSTORES.md explains why positions never skip.
package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Store is the PostgreSQL event store. It is safe for concurrent use.
type Store struct {
	pool                     *pgxpool.Pool
	connCfg                  *pgx.ConnConfig     // for the subscriptions' dedicated LISTEN connection
	requests                 chan *appendRequest // closed by Close, under queueMu
	queueMu                  sync.RWMutex
	queueClosed              bool
	appenders                sync.WaitGroup // the appender goroutine
	wake                     *broadcast
	listen                   sync.Once
	safety                   time.Duration   // how often a caught-up subscription reads again unwoken
	listenPID                atomic.Uint32   // the LISTEN connection's backend, for tests that cut it
	commits, appends, events atomic.Uint64   // counted by the appender, for Stats
	ctx                      context.Context // the store's lifetime: ends at Close
	cancel                   context.CancelFunc
	wg                       sync.WaitGroup
	closing                  sync.Once
}

var _ eventlog.EventStore = (*Store)(nil)

// errClosed is what calls on a closed store return.
var errClosed = errors.New("postgres event store: closed")

// Open connects to the database dsn names, whose schema Migrate must have created: Open
// checks it and fails with a message saying so when it is missing.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres event store: %w", err)
	}
	configure(cfg, dsn)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres event store: %w", err)
	}
	if err := checkSchema(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	lifetime, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Store{
		pool: pool, connCfg: cfg.ConnConfig, requests: make(chan *appendRequest, 1024),
		wake: newBroadcast(), safety: safetyInterval, ctx: lifetime, cancel: cancel,
	}
	s.appenders.Add(1)
	go s.appender()
	return s, nil
}

// defaultMaxConns replaces pgxpool's default (4 on two cores): command handlers' stream
// reads, subscriptions' pages and the appender share the pool, and four made reads wait.
const defaultMaxConns = 16

// configure sets what the DSN leaves unsaid: the pool size, and an application_name that
// tells the store's connections apart in pg_stat_activity.
func configure(cfg *pgxpool.Config, dsn string) {
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "ticketengine-eventstore"
	}
}

// checkSchema tells a missing schema apart from any other failure to connect.
func checkSchema(ctx context.Context, pool *pgxpool.Pool) error {
	var events, counter bool
	err := pool.QueryRow(ctx, `SELECT to_regclass('events') IS NOT NULL, to_regclass('event_position') IS NOT NULL`).Scan(&events, &counter)
	if err != nil {
		return fmt.Errorf("postgres event store: connect: %w", err)
	}
	if !events || !counter {
		return errors.New("postgres event store: schema missing (tables events and event_position): " +
			"run `ticketctl migrate` or call postgres.Migrate first")
	}
	return nil
}

// Close stops the appenders, ends the subscriptions and their listener, and closes the
// pool. Appends already queued commit first; later ones fail.
func (s *Store) Close() error {
	s.closing.Do(func() {
		s.queueMu.Lock()
		s.queueClosed = true
		close(s.requests)
		s.queueMu.Unlock()
		s.appenders.Wait()
		s.cancel()
		s.wg.Wait()
		s.pool.Close()
	})
	return nil
}

// Stats counts the appender's work since Open: Appends/Commits is the mean group size,
// the measure of how well group commit shares the serialised commits.
type Stats struct {
	Commits uint64 // group statements that wrote events
	Appends uint64 // appends committed (refused ones are not counted)
	Events  uint64 // records committed
}

// Stats returns the counts so far; a metrics exporter may poll it.
func (s *Store) Stats() Stats {
	return Stats{Commits: s.commits.Load(), Appends: s.appends.Load(), Events: s.events.Load()}
}

const selectRecord = `SELECT position, stream, version, id, type, data, metadata, prev_hash, hash FROM events `

// ReadStream implements eventlog.EventStore.
func (s *Store) ReadStream(ctx context.Context, stream string) ([]eventlog.Record, error) {
	return s.ReadStreamFrom(ctx, stream, 0)
}

// ReadStreamFrom implements eventlog.EventStore (on the (stream, version) unique index).
func (s *Store) ReadStreamFrom(ctx context.Context, stream string, from int64) ([]eventlog.Record, error) {
	return s.queryRecords(ctx, "read "+stream, `WHERE stream = $1 AND version >= $2 ORDER BY version`, stream, max(from, 0))
}

// ReadAll implements eventlog.EventStore.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventlog.Record, error) {
	if limit <= 0 {
		return nil, nil
	}
	return s.queryRecords(ctx, fmt.Sprintf("read all after %d", after), `WHERE position > $1 ORDER BY position LIMIT $2`, int64(after), limit)
}

// queryRecords reads the records selectRecord+where selects; what names the read in
// its error.
func (s *Store) queryRecords(ctx context.Context, what, where string, args ...any) ([]eventlog.Record, error) {
	rows, err := s.pool.Query(ctx, selectRecord+where, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres event store: %s: %w", what, err)
	}
	out, err := collectRecords(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres event store: %s: %w", what, err)
	}
	return out, nil
}

func collectRecords(rows pgx.Rows) ([]eventlog.Record, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (eventlog.Record, error) {
		var r eventlog.Record
		var position int64
		var id uuid.UUID
		var data, meta []byte
		if err := row.Scan(&position, &r.Stream, &r.Version, &id, &r.Type, &data, &meta, &r.PrevHash, &r.Hash); err != nil {
			return r, err
		}
		if err := json.Unmarshal(meta, &r.Meta); err != nil {
			return r, fmt.Errorf("event %s: metadata: %w", id, err)
		}
		r.Position, r.ID, r.Data = uint64(position), id, json.RawMessage(data)
		return r, nil
	})
}
