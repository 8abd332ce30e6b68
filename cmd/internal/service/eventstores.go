package service

import (
	"context"
	"fmt"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memory"
	"github.com/ticketengine/ticketengine/application"
)

// openEventStore opens the configured event store.
func openEventStore(ctx context.Context, cfg Config) (application.EventStore, error) {
	switch {
	case cfg.EventStore == "memory:":
		return memory.New(), nil
	case cfg.EventStore == "":
		return memory.New(), nil // replaced by the embedded bbolt store when it lands
	}
	return nil, fmt.Errorf("--eventstore %q: not supported yet", cfg.EventStore)
}
