package memory_test

import (
	"testing"

	esmemory "github.com/ticketengine/ticketengine/adapters/eventstore/memory"
	"github.com/ticketengine/ticketengine/adapters/readmodel/memory"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

func TestConformance(t *testing.T) {
	readmodeltest.Run(t,
		func(t *testing.T) projections.Store { return memory.New() },
		func() eventlog.EventStore { return esmemory.New() })
}
