package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/adapters/readmodel/pgreadmodel"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/projections"
)

// ErrRebuildInMemory: in-memory read models live inside ticketd, which rebuilds them
// from the event store at every start; another process cannot rebuild them.
var ErrRebuildInMemory = errors.New("--readmodel is in memory: ticketd rebuilds it at every start; rebuild works on a postgres://… read model")

// Rebuild rebuilds read model name, or every one for "all", from position 0 of the event
// store into fresh tables, and swaps each in atomically (projections.Rebuild), telling
// progress the events read so far and calling done after each. ticketctl rebuild calls it. No projection engine runs in this
// process, so a ticketd projecting into the same tables should be stopped first, or it
// goes on from the checkpoint it had.
func (s *Service) Rebuild(ctx context.Context, name string, progress func(name string, events int), done func(projections.RebuildStats)) error {
	if name == projections.SearchName {
		return s.rebuildSearch(ctx, done)
	}
	names := []string{name}
	if name == projections.All {
		names = projections.Names()
	}
	for _, n := range names {
		if !projections.Known(n) {
			return fmt.Errorf("%w: no read model is named %q (known: %v, or all)", application.ErrNotFound, n, projections.Names())
		}
	}
	dsn := s.Config.ReadModel
	if !isPostgres(dsn) {
		return ErrRebuildInMemory
	}
	if err := pgreadmodel.Migrate(ctx, dsn); err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return fmt.Errorf("read models: %w", err)
	}
	defer pool.Close()
	store, err := pgreadmodel.New(ctx, pool)
	if err != nil {
		return err
	}
	for _, n := range names {
		stats, err := projections.Rebuild(ctx, s.Store, store, nil, n, func(events int) { progress(n, events) })
		if err != nil {
			return err
		}
		done(stats)
	}
	return nil
}
