package memreadmodel_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

func TestConformance(t *testing.T) {
	readmodeltest.Run(t,
		func(t *testing.T) projections.Store { return memreadmodel.New() },
		func() eventlog.EventStore { return memstore.New() })
}
