package withoutpostgres_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/suites/api"
)

func TestAPIOnMemoryStore(t *testing.T) {
	api.Run(t, func(t *testing.T) service.Config {
		return service.Config{EventStore: "memory:", Data: t.TempDir()}
	})
}

func TestAPIOnEmbeddedStore(t *testing.T) {
	api.Run(t, func(t *testing.T) service.Config {
		return service.Config{Data: t.TempDir()}
	})
}

func TestAPIOnEventStoreDB(t *testing.T) {
	api.Run(t, func(t *testing.T) service.Config {
		return service.Config{EventStore: esdbtest.Start(t).ConnectionString(), Data: t.TempDir()}
	})
}
