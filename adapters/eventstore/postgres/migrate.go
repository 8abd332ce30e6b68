package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"

	"github.com/ticketengine/ticketengine/migrations"
)

// VersionTable is goose's version table for the event store's migrations; the read-model
// migrations keep their own table, so both sets can share one database.
const VersionTable = "eventstore_goose_version"

// migrateLockID is the session advisory lock goose holds while migrating, so that several
// ticketd processes starting at once apply each migration once. It differs from goose's
// default so that the read-model migrations do not wait for ours.
const migrateLockID = 0x7469636b65747331 // "tickets1"

// Migrate brings the event store's schema in the database dsn names up to date: it applies
// the pending migrations of migrations.EventStore, and does nothing when none are pending.
// Tables go to the first schema of the connection's search_path.
func Migrate(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("postgres event store: migrate: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	provider, err := newProvider(db)
	if err != nil {
		return fmt.Errorf("postgres event store: migrate: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("postgres event store: migrate: %w", err)
	}
	return nil
}

func newProvider(db *sql.DB) (*goose.Provider, error) {
	store, err := database.NewStore(database.DialectPostgres, VersionTable)
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrateLockID), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, err
	}
	files, err := fs.Sub(migrations.EventStore, "eventstore")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider("", db, files,
		goose.WithStore(store), goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
}
