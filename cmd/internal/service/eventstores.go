package service

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt"
	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/eventstore/pgstore"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// OpenEventStore opens the configured event store; for PostgreSQL it applies the
// event-store migrations first (idempotent), so a fresh database just works.
func OpenEventStore(ctx context.Context, cfg Config) (eventlog.EventStore, error) {
	switch {
	case cfg.EventStore == "memory:":
		return memstore.New(), nil
	case cfg.EventStore == "":
		if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
			return nil, fmt.Errorf("--data: %w", err)
		}
		s, err := bolt.Open(ctx, filepath.Join(cfg.Data, "events.db"))
		if err != nil {
			return nil, fmt.Errorf("embedded event store in %s: %w", cfg.Data, err)
		}
		return s, nil
	case isPostgres(cfg.EventStore):
		if err := pgstore.Migrate(ctx, cfg.EventStore); err != nil {
			return nil, fmt.Errorf("event store migrations: %w", err)
		}
		s, err := pgstore.Open(ctx, cfg.EventStore)
		if err != nil {
			return nil, fmt.Errorf("PostgreSQL event store: %w", err)
		}
		return s, nil
	case strings.HasPrefix(cfg.EventStore, "esdb://"), strings.HasPrefix(cfg.EventStore, "esdb+discover://"):
		s, err := esdb.Open(ctx, cfg.EventStore)
		if err != nil {
			return nil, fmt.Errorf("EventStoreDB event store: %w", err)
		}
		return s, nil
	}
	return nil, fmt.Errorf("--eventstore %q: not a supported store", cfg.EventStore)
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
