package memreadmodel_test

import (
	"context"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// BenchmarkTicketPage is the first page of GET /tickets?status=closed on the benchmark
// history: a scan that decodes every ticket's packed queue row.
func BenchmarkTicketPage(b *testing.B) {
	benchWorld := readmodeltest.BenchWorld(b, memstore.New(), 5000, 100_000)
	ctx := context.Background()
	store := memreadmodel.New()
	readmodeltest.CaughtUp(b, store, benchWorld)
	b.ResetTimer()
	f := projections.TicketFilter{Status: domain.StatusClosed}
	for b.Loop() {
		if _, _, err := store.TicketPage(ctx, f, projections.TicketCursor{}, projections.DefaultLimit); err != nil {
			b.Fatal(err)
		}
	}
}
