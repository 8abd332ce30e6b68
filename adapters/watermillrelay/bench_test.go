package watermillrelay_test

import (
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay/relaytest"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// BenchmarkLivePath measures the live path into a fresh memory store (relaytest.LivePath):
// the rate at which the read side keeps up with writers.
func BenchmarkLivePath(b *testing.B) {
	w := readmodeltest.BenchWorld(b, memstore.New(), 2000, 30_000)
	relaytest.LivePath(b, w, func(testing.TB) projections.Store { return memreadmodel.New() })
}
