package migrations_test

import (
	"context"
	"io/fs"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/migrations"
)

// TestUpKeepsSetsApart: both sets migrate one schema, each twice and at once (as several
// processes starting together would); each set's version table records each of its files
// once, under the table name existing databases already have.
func TestUpKeepsSetsApart(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "migrations")
	ctx := context.Background()
	sets := map[string]migrations.Set{
		"eventstore_goose_version": {Files: migrations.Sub(migrations.EventStore, "eventstore"), VersionTable: "eventstore_goose_version", LockID: 1},
		"readmodel_goose_version":  {Files: migrations.Sub(migrations.ReadModel, "readmodel"), VersionTable: "readmodel_goose_version", LockID: 2},
		"keystore_goose_version":   {Files: migrations.Sub(migrations.KeyStore, "keystore"), VersionTable: "keystore_goose_version", LockID: 3},
		"ratelimit_goose_version":  {Files: migrations.Sub(migrations.RateLimit, "ratelimit"), VersionTable: "ratelimit_goose_version", LockID: 4},
		"lease_goose_version":      {Files: migrations.Sub(migrations.Lease, "lease"), VersionTable: "lease_goose_version", LockID: 5},
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(sets))
	for range 2 {
		for _, set := range sets {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- migrations.Up(ctx, dsn, set)
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for table, set := range sets {
		files, err := fs.Glob(set.Files, "*.sql")
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: %d files (%v)", table, len(files), err)
		}
		var applied int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE version_id > 0`).Scan(&applied); err != nil {
			t.Fatal(err)
		}
		if applied != len(files) {
			t.Errorf("%s records %d migrations, want %d", table, applied, len(files))
		}
	}
	if err := migrations.Up(ctx, "postgres://[bad", sets["readmodel_goose_version"]); err == nil {
		t.Error("a malformed DSN was accepted")
	}
}
