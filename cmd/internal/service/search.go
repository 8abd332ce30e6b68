package service

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/adapters/readmodel/pgreadmodel"
	"github.com/ticketengine/ticketengine/adapters/search/bleve"
	"github.com/ticketengine/ticketengine/adapters/search/pgsearch"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
)

// Values of --search.
const (
	SearchDefault  = ""         // by the read model: PostgreSQL with postgres://…, else embedded
	SearchOff      = "off"      // no search index, no search projection
	SearchEmbedded = "embedded" // bleve, in <data>/search
	SearchPostgres = "postgres" // the read model's PostgreSQL (pgsearch)
)

// searchBackend is the backend --search names, resolved against --readmodel.
func (c Config) searchBackend() string {
	if c.Search != SearchDefault {
		return c.Search
	}
	if isPostgres(c.ReadModel) {
		return SearchPostgres
	}
	return SearchEmbedded
}

func (c Config) validateSearch() error {
	switch c.Search {
	case SearchDefault, SearchOff, SearchEmbedded:
	case SearchPostgres:
		if !isPostgres(c.ReadModel) {
			return fmt.Errorf("--search postgres needs --readmodel postgres://…")
		}
	default:
		return fmt.Errorf("--search: %q is not empty, off, embedded or postgres", c.Search)
	}
	return nil
}

// openSearch opens the search index --search names and catches the search projection
// up from the index's checkpoint; nil when search is off. pool is the read model's
// PostgreSQL pool (nil for in-memory read models).
func (s *Service) openSearch(ctx context.Context, cfg Config, pool *pgxpool.Pool, log *slog.Logger) (*projections.SearchIndexer, error) {
	if cfg.searchBackend() == SearchOff {
		return nil, nil
	}
	x, err := s.openSearchIndexer(ctx, cfg, pool)
	if err != nil {
		return nil, err
	}
	if err := resetForeign(ctx, x, s.Store, log); err != nil {
		return nil, err
	}
	x.Log = log
	if s.sharedSearch(cfg) {
		return x, nil // the projector's leaseholder catches it up (readside_leases.go)
	}
	start := time.Now()
	n, err := x.CatchUp(ctx, s.Store)
	if err != nil {
		return nil, fmt.Errorf("search: catching up: %w", err)
	}
	log.Info("search index caught up", slog.Int("events", n), slog.Duration("took", time.Since(start)))
	return x, nil
}

// openSearchIndexer opens the index --search names (not off) and the search projection
// over it; the index is closed with the service.
func (s *Service) openSearchIndexer(ctx context.Context, cfg Config, pool *pgxpool.Pool) (*projections.SearchIndexer, error) {
	var index projections.SearchIndex
	switch cfg.searchBackend() {
	case SearchPostgres:
		index = pgsearch.New(pool)
	default:
		ix, err := bleve.Open(filepath.Join(cfg.Data, "search"))
		if err != nil {
			return nil, fmt.Errorf("search index in %s: %w", cfg.Data, err)
		}
		index = ix
	}
	s.closers = append(s.closers, index.Close)
	return projections.NewSearchIndexer(ctx, index)
}

// resetForeign empties an index whose checkpoint names no record of the event store: it
// was made from another history (a memory: store of an earlier run, a data directory
// whose event store was replaced), and is rebuilt from it rather than trusted.
func resetForeign(ctx context.Context, x *projections.SearchIndexer, es eventlog.EventStore, log *slog.Logger) error {
	pos := x.Progress().Committed
	if pos == 0 {
		return nil
	}
	recs, err := es.ReadAll(ctx, pos-1, 1)
	if err != nil {
		return err
	}
	if len(recs) == 1 && recs[0].Position == pos {
		return nil
	}
	log.Warn("search index is ahead of the event store: rebuilding it", slog.Uint64("checkpoint", pos))
	return x.Reset(ctx)
}

// rebuildSearch is `ticketctl rebuild search`: it empties the search index --search names
// and indexes the event store again from position 0, with no ticketd running on it (the
// embedded index is locked by a running ticketd: opening it fails; a ticketd on the
// PostgreSQL index goes on from its own position, re-writing what the rebuild holds).
func (s *Service) rebuildSearch(ctx context.Context, done func(projections.RebuildStats)) error {
	var pool *pgxpool.Pool
	switch s.Config.searchBackend() {
	case SearchOff:
		return fmt.Errorf("%w: --search is off", application.ErrNotFound)
	case SearchPostgres:
		if err := pgreadmodel.Migrate(ctx, s.Config.ReadModel); err != nil {
			return err
		}
		var err error
		if pool, err = pgxpool.New(ctx, s.Config.ReadModel); err != nil {
			return fmt.Errorf("--readmodel: %w", err)
		}
		defer pool.Close()
	}
	x, err := s.openSearchIndexer(ctx, s.Config, pool)
	if err != nil {
		return err
	}
	stats, err := x.Rebuild(ctx, s.Store)
	if err != nil {
		return err
	}
	done(stats)
	return nil
}
