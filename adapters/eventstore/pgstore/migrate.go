package pgstore

import (
	"context"

	"github.com/ticketengine/ticketengine/migrations"
)

// Migrate brings the event store's schema in the database dsn names up to date: it applies
// the pending migrations of migrations.EventStore, and does nothing when none are pending.
// Tables go to the first schema of the connection's search_path.
func Migrate(ctx context.Context, dsn string) error {
	return migrations.EventStoreSet.Migrate(ctx, dsn)
}
