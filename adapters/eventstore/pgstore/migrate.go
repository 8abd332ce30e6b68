package pgstore

import (
	"context"
	"fmt"

	"github.com/ticketengine/ticketengine/migrations"
)

// VersionTable is goose's version table for the event store's migrations; the read-model
// migrations keep their own table, so both sets can share one database.
const VersionTable = "eventstore_goose_version"

// migrateLockID is the session advisory lock goose holds while migrating, so that several
// ticketd processes starting at once apply each migration once. It differs from the read
// models' so that their migrations do not wait for ours.
const migrateLockID = 0x7469636b65747331 // "tickets1"

// Migrate brings the event store's schema in the database dsn names up to date: it applies
// the pending migrations of migrations.EventStore, and does nothing when none are pending.
// Tables go to the first schema of the connection's search_path.
func Migrate(ctx context.Context, dsn string) error {
	set := migrations.Set{Files: migrations.Sub(migrations.EventStore, "eventstore"), VersionTable: VersionTable, LockID: migrateLockID}
	if err := migrations.Up(ctx, dsn, set); err != nil {
		return fmt.Errorf("postgres event store: migrate: %w", err)
	}
	return nil
}
