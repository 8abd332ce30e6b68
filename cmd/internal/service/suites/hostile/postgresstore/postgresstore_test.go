package postgresstore_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/cmd/internal/service/suites/hostile"
)

func TestHostileOnPostgresStore(t *testing.T) {
	hostile.Run(t, func(t *testing.T) service.Config {
		return service.Config{EventStore: servicetest.FreshPostgresSchema(t), Data: t.TempDir()}
	})
}

func TestHostileOnPostgresReadModels(t *testing.T) {
	hostile.Run(t, servicetest.PostgresConfig)
}
