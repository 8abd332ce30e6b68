package migrations

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
)

// Set is one set of migrations and what keeps it apart from the others in one database.
type Set struct {
	// Name is the store the set belongs to, as Migrate's errors name it ("postgres leases").
	Name string
	// Files holds the set's .sql files at its root (Sub of one of the embedded FS).
	Files fs.FS
	// VersionTable is goose's version table of the set. Never rename it: a database
	// migrated before would be migrated again from the start.
	VersionTable string
	// LockID is the session advisory lock goose holds while migrating, so that several
	// processes starting at once apply each migration once; each set has its own, so
	// that one set does not wait for another.
	LockID int64
}

// Up brings the set's schema in the database dsn names up to date: it applies the pending
// migrations, and does nothing when none are pending. Tables go to the first schema of
// the connection's search_path.
func Up(ctx context.Context, dsn string, set Set) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return err
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	store, err := database.NewStore(database.DialectPostgres, set.VersionTable)
	if err != nil {
		return err
	}
	// Wait up to 300 s, polling each second, for another process's migration.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(set.LockID), lock.WithLockTimeout(1, 300))
	if err != nil {
		return err
	}
	p, err := goose.NewProvider("", db, set.Files,
		goose.WithStore(store), goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("%s: %w", set.VersionTable, err)
	}
	return nil
}

// Migrate is Up for the adapter that owns the set (sets.go): the one body of every
// PostgreSQL adapter's Migrate, its errors prefixed with the set's Name.
func (s Set) Migrate(ctx context.Context, dsn string) error {
	if err := Up(ctx, dsn, s); err != nil {
		return fmt.Errorf("%s: migrate: %w", s.Name, err)
	}
	return nil
}

// OpenPool migrates the set (Migrate), then opens a pool of at most maxConns connections
// to the database dsn names: how the stores of one table or two start. The caller closes
// the pool.
func (s Set) OpenPool(ctx context.Context, dsn string, maxConns int32) (*pgxpool.Pool, error) {
	if err := s.Migrate(ctx, dsn); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Name, err)
	}
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Name, err)
	}
	return pool, nil
}

// Sub is the set's files under dir of an embedded FS, for Set.Files.
func Sub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // only for an invalid dir, a programming error
	}
	return sub
}
