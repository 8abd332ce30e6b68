package migrations_test

import (
	"context"
	"io/fs"
	"strings"
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
		"sessions_goose_version":   {Files: migrations.Sub(migrations.Sessions, "sessions"), VersionTable: "sessions_goose_version", LockID: 6},
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
	named := sets["readmodel_goose_version"]
	named.Name = "postgres read model"
	if err := named.Migrate(ctx, "postgres://[bad"); err == nil || !strings.HasPrefix(err.Error(), "postgres read model: migrate: ") {
		t.Errorf("Migrate of a malformed DSN: %v, want an error named after the set", err)
	}
	if err := named.Migrate(ctx, dsn); err != nil {
		t.Errorf("Migrate of a migrated schema: %v", err)
	}
}

// TestOpenPool: OpenPool migrates the set, then opens a pool of the size asked for; an
// error names the set.
func TestOpenPool(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "openpool")
	ctx := context.Background()
	set := migrations.Set{Name: "postgres leases", Files: migrations.Sub(migrations.Lease, "lease"), VersionTable: "lease_goose_version", LockID: 5}
	pool, err := set.OpenPool(ctx, dsn, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if got := pool.Config().MaxConns; got != 3 {
		t.Errorf("MaxConns %d, want 3", got)
	}
	var applied int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM lease_goose_version WHERE version_id > 0`).Scan(&applied); err != nil || applied == 0 {
		t.Errorf("the set was not migrated before the pool opened: %d applied (%v)", applied, err)
	}
	if _, err := set.OpenPool(ctx, "postgres://[bad", 3); err == nil || !strings.HasPrefix(err.Error(), "postgres leases: ") {
		t.Errorf("OpenPool of a malformed DSN: %v, want an error named after the set", err)
	}
}

// TestSetsKeepTheirNamesAndLocks: each set keeps the version table and lock key databases
// and running processes already know it by, and no two sets share either.
func TestSetsKeepTheirNamesAndLocks(t *testing.T) {
	want := []struct {
		set   migrations.Set
		table string
		lock  int64
	}{
		{migrations.EventStoreSet, "eventstore_goose_version", 0x7469636b65747331},
		{migrations.ReadModelSet, "readmodel_goose_version", 0x7469636b65747332},
		{migrations.KeyStoreSet, "keystore_goose_version", 0x7469636b65747333},
		{migrations.RateLimitSet, "ratelimit_goose_version", 0x7469636b65747334},
		{migrations.LeaseSet, "lease_goose_version", 0x7469636b65747335},
		{migrations.SessionsSet, "sessions_goose_version", 0x7469636b65747336},
	}
	for _, w := range want {
		if w.set.VersionTable != w.table || w.set.LockID != w.lock || w.set.Name == "" {
			t.Errorf("set %q: version table %s lock %#x, want %s %#x", w.set.Name, w.set.VersionTable, w.set.LockID, w.table, w.lock)
		}
		files, err := fs.Glob(w.set.Files, "*.sql")
		if err != nil || len(files) == 0 {
			t.Errorf("set %q: %d migration files (%v)", w.set.Name, len(files), err)
		}
	}
}
