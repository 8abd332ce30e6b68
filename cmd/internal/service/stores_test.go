package service_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// The component suite against every event store: the whole HTTP API, the same tests.

func TestAPIOnEmbeddedStore(t *testing.T) {
	runAPISuite(t, func(t *testing.T) service.Config {
		return service.Config{Data: t.TempDir()}
	})
}

func TestAPIOnPostgresStore(t *testing.T) {
	runAPISuite(t, func(t *testing.T) service.Config {
		return service.Config{EventStore: freshPostgresSchema(t), Data: t.TempDir()}
	})
}

// PostgreSQL for the event store and the read models alike: --readmodel postgres://….
func TestAPIOnPostgresReadModels(t *testing.T) {
	runAPISuite(t, postgresConfig)
}

func TestAPIOnEventStoreDB(t *testing.T) {
	runAPISuite(t, func(t *testing.T) service.Config {
		return service.Config{EventStore: esdbtest.Start(t).ConnectionString(), Data: t.TempDir()}
	})
}

// freshPostgresSchema returns a DSN on a new schema of the test server, dropped at the end.
func freshPostgresSchema(t *testing.T) string { return postgrestest.FreshSchema(t, "t_api_") }

// postgresConfig is ticketd on PostgreSQL alone: the event store and the read models in
// one fresh schema.
func postgresConfig(t *testing.T) service.Config {
	dsn := freshPostgresSchema(t)
	return service.Config{EventStore: dsn, ReadModel: dsn, Data: t.TempDir()}
}
