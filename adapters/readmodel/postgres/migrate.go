package postgres

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"

	"github.com/ticketengine/ticketengine/migrations"
)

// VersionTable is goose's version table for the read models' migrations, apart from the
// event store's so both sets share a database and move independently.
const VersionTable = "readmodel_goose_version"

// migrateLockID is the advisory lock goose holds while migrating the read models, so
// several processes starting at once apply each migration once ("tickets2").
const migrateLockID = 0x7469636b65747332

// Migrate brings the read models' schema in the database dsn names up to date. Tables go
// to the first schema of the connection's search_path.
func Migrate(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("postgres read model: migrate: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	store, err := database.NewStore(database.DialectPostgres, VersionTable)
	if err != nil {
		return fmt.Errorf("postgres read model: migrate: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrateLockID), lock.WithLockTimeout(1, 300))
	if err != nil {
		return fmt.Errorf("postgres read model: migrate: %w", err)
	}
	files, err := fs.Sub(migrations.ReadModel, "readmodel")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider("", db, files, goose.WithStore(store), goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("postgres read model: migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres read model: migrate: %w", err)
	}
	return nil
}
