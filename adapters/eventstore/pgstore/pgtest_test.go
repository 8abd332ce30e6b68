package pgstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
)

// The tests share one PostgreSQL server with other packages: each test gets a schema of
// its own (set through search_path in the DSN) and drops it at the end.

// openFresh migrates a fresh schema and opens a store on it; the caller closes the store.
func openFresh(t testing.TB) (*Store, string) {
	t.Helper()
	dsn := postgrestest.FreshSchema(t, "t_pgstore_")
	ctx := context.Background()
	if err := Migrate(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	return s, dsn
}

// openClosing is openFresh for tests that do not close the store themselves.
func openClosing(t testing.TB) (*Store, string) {
	t.Helper()
	s, dsn := openFresh(t)
	t.Cleanup(func() { _ = s.Close() })
	return s, dsn
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// must(f())(t) returns f's value, failing the test on f's error.
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(fmt.Errorf("unexpected error: %w", err))
		}
		return v
	}
}
