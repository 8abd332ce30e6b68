package memorystore_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/suites/hostile"
)

// The memory store, the cheapest, replays the whole corpus; the others an even spread.
func TestHostileOnMemoryStore(t *testing.T) {
	hostile.RunStrings(t, 0, func(t *testing.T) service.Config { return service.Config{EventStore: "memory:", Data: t.TempDir()} })
}
