package pgreadmodel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ticketengine/ticketengine/adapters/readmodel/pgreadmodel"
)

// newStore creates an empty schema of its own (dropped with its rebuild schemas when the
// test ends), migrates it and returns a store on it.
func newStore(t testing.TB) (*pgreadmodel.Store, *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	conn := postgrestest.Connect(t)
	schema := "t_readside_" + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		rows, err := conn.Query(ctx, "SELECT nspname FROM pg_namespace WHERE nspname = $1 OR nspname LIKE $1 || '\\_rb\\_%'", schema)
		if err == nil {
			names, _ := pgx.CollectRows(rows, pgx.RowTo[string])
			for _, n := range names {
				_, _ = conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{n}.Sanitize()+" CASCADE")
			}
		}
		_ = conn.Close(ctx)
	})
	sep := "?"
	if strings.Contains(postgrestest.DSN(), "?") {
		sep = "&"
	}
	dsn := postgrestest.DSN() + sep + "search_path=" + schema
	if err := pgreadmodel.Migrate(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	store, err := pgreadmodel.New(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	return store, pool
}
