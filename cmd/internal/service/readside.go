package service

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/adapters/readmodel/pgreadmodel"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/projections"
)

// EngineConns is the size of the PostgreSQL read-model engine's own connection pool: one
// for its commits, one for the rows it loads while a commit runs.
const EngineConns = 2

// buildReadSide opens the read-model store, catches the projections up from their
// checkpoints (from position 0 for the memory store: its full rebuild at every start),
// and schedules the relay that keeps them current from the event store's subscription.
func (s *Service) buildReadSide(ctx context.Context, cfg Config, log *slog.Logger) (*projections.Service, error) {
	var store projections.Store = memreadmodel.New()
	var writer projections.Writer = store
	var rmPool *pgxpool.Pool // the read model's PostgreSQL, for the search index
	if cfg.ReadModel != "" {
		if err := pgreadmodel.Migrate(ctx, cfg.ReadModel); err != nil {
			return nil, fmt.Errorf("read-model migrations: %w", err)
		}
		pool, err := pgxpool.New(ctx, cfg.ReadModel)
		if err != nil {
			return nil, fmt.Errorf("--readmodel: %w", err)
		}
		s.closers = append(s.closers, func() error { pool.Close(); return nil })
		rmPool = pool
		if store, err = pgreadmodel.New(ctx, pool); err != nil {
			return nil, fmt.Errorf("--readmodel: %w", err)
		}
		// The engine writes through connections of its own, so that reads crowding the
		// readers' pool never hold up its loads and commits (and with them every read
		// waiting for one).
		wcfg, err := pgxpool.ParseConfig(cfg.ReadModel)
		if err != nil {
			return nil, fmt.Errorf("--readmodel: %w", err)
		}
		wcfg.MaxConns = EngineConns
		wpool, err := pgxpool.NewWithConfig(ctx, wcfg)
		if err != nil {
			return nil, fmt.Errorf("--readmodel: %w", err)
		}
		s.closers = append(s.closers, func() error { wpool.Close(); return nil })
		if writer, err = pgreadmodel.New(ctx, wpool); err != nil {
			return nil, fmt.Errorf("--readmodel: %w", err)
		}
	}
	engine, err := projections.NewEngine(ctx, writer)
	if err != nil {
		return nil, err
	}
	if !s.sharedReadModel(cfg) { // else the projector's leaseholder catches up (readside_leases.go)
		start := time.Now()
		n, err := engine.CatchUp(ctx, s.Store)
		if err != nil {
			return nil, fmt.Errorf("read models: catching up: %w", err)
		}
		log.Info("read models caught up", slog.Int("events", n), slog.Duration("took", time.Since(start)))
		// The catch-up's garbage would otherwise stay resident for minutes, until the
		// runtime's scavenger returns it: give it back now, at the cost of one collection.
		debug.FreeOSMemory()
	}
	svc := projections.NewService(s.Store, store, engine, application.SystemClock{})
	svc.Keys = s.Keys
	svc.ReadyRule = s.readyRule(cfg)
	bus, err := watermillrelay.Open(ctx, cfg.PubSub, log)
	if err != nil {
		return nil, fmt.Errorf("--pubsub: %w", err)
	}
	s.closers = append(s.closers, bus.Close)
	search, err := s.openSearch(ctx, cfg, rmPool, log)
	if err != nil {
		return nil, err
	}
	if search != nil {
		svc.Search = search
	}
	s.feedReadSide(cfg, bus, svc, engine, search, log)
	return svc, nil
}
