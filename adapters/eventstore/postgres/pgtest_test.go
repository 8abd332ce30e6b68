package postgres

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The tests share one PostgreSQL server with other packages: each test gets a schema of
// its own (set through search_path in the DSN) and drops it at the end.

const defaultTestDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

func testDSN() string {
	if dsn := os.Getenv("TICKETS_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return defaultTestDSN
}

// adminConn connects to the test server, skipping the test when it is unreachable (failing
// it when CI=true, where the server must be there).
func adminConn(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, testDSN())
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable at %s: %v", testDSN(), err)
		}
		t.Skipf("PostgreSQL unreachable at %s: %v", testDSN(), err)
	}
	return conn
}

// freshSchema creates an empty schema, drops it when the test ends, and returns a DSN
// whose connections use it.
func freshSchema(t testing.TB) string {
	t.Helper()
	conn := adminConn(t)
	schema := "t_pgstore_" + strings.ReplaceAll(uuid.NewString()[:18], "-", "")
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(t, testDSN(), schema)
}

func withSearchPath(t testing.TB, dsn, schema string) string {
	t.Helper()
	if !strings.Contains(dsn, "://") {
		return dsn + " search_path=" + schema
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openFresh migrates a fresh schema and opens a store on it; the caller closes the store.
func openFresh(t testing.TB) (*Store, string) {
	t.Helper()
	dsn := freshSchema(t)
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
