// Package postgrestest gives tests a fresh schema on the test PostgreSQL server. It is
// imported only by tests.
package postgrestest

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// DSN is the test server: TICKETS_TEST_POSTGRES, or the local default.
func DSN() string {
	if dsn := os.Getenv("TICKETS_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// Connect connects to the test server. It skips the test when the server is unreachable,
// and fails it instead when CI=true, where the server must be there. The caller closes it.
func Connect(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, DSN())
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable at %s: %v", DSN(), err)
		}
		t.Skipf("PostgreSQL unreachable at %s: %v", DSN(), err)
	}
	return conn
}

// FreshSchema returns a DSN whose connections use a new schema (named with prefix),
// dropped when the test ends (skipped or failed as Connect is).
func FreshSchema(t testing.TB, prefix string) string {
	t.Helper()
	conn := Connect(t)
	ctx := context.Background()
	schema := prefix + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return WithSearchPath(t, DSN(), schema)
}

// WithSearchPath returns dsn with its connections' search_path set to schema.
func WithSearchPath(t testing.TB, dsn, schema string) string {
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
