package onpostgres_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/cmd/internal/service/suites/api"
)

// The API suite on PostgreSQL: the event store alone, then the event store and the read
// models (--readmodel postgres://…) in one schema.

func TestAPIOnPostgresStore(t *testing.T) {
	api.Run(t, func(t *testing.T) service.Config {
		return service.Config{EventStore: servicetest.FreshPostgresSchema(t), Data: t.TempDir()}
	})
}

// PostgreSQL for the event store and the read models alike: --readmodel postgres://….
func TestAPIOnPostgresReadModels(t *testing.T) {
	api.Run(t, servicetest.PostgresConfig)
}
