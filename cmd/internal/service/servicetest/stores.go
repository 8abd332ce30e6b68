package servicetest

import (
	"testing"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// FreshPostgresSchema returns a DSN on a new schema of the test server, dropped at the
// end. Without PostgreSQL the test fails under CI=true and skips elsewhere
// (adapters/postgrestest).
func FreshPostgresSchema(t *testing.T) string {
	t.Helper()
	return postgrestest.FreshSchema(t, "t_api_")
}

// PostgresConfig is ticketd on PostgreSQL alone: the event store and the read models in
// one fresh schema.
func PostgresConfig(t *testing.T) service.Config {
	t.Helper()
	dsn := FreshPostgresSchema(t)
	return service.Config{EventStore: dsn, ReadModel: dsn, Data: t.TempDir()}
}
