package embeddedstore_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/cmd/internal/service/suites/hostile"
)

func TestHostileOnEmbeddedStore(t *testing.T) {
	hostile.Run(t, func(t *testing.T) service.Config { return service.Config{Data: t.TempDir()} })
}

func TestHostileOnEmbeddedStoreWithPostgresReadModels(t *testing.T) {
	hostile.Run(t, func(t *testing.T) service.Config {
		return service.Config{ReadModel: servicetest.FreshPostgresSchema(t), Data: t.TempDir()}
	})
}
