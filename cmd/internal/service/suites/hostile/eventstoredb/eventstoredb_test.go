package eventstoredb_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/suites/hostile"
)

func TestHostileOnEventStoreDB(t *testing.T) {
	hostile.Run(t, func(t *testing.T) service.Config {
		return service.Config{EventStore: esdbtest.Start(t).ConnectionString(), Data: t.TempDir()}
	})
}
