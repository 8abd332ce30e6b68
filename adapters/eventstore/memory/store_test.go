package memory_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memory"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

func TestConformance(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) application.EventStore { return memory.New() })
}
