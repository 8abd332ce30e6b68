package memstore_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
)

func TestConformance(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventlog.EventStore { return memstore.New() })
}
