package memreadmodel_test

import (
	"context"
	"testing"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// BenchmarkTicketPage is the first page of GET /tickets?status=closed on the benchmark
// history: a scan that decodes every ticket's packed queue row.
func BenchmarkTicketPage(b *testing.B) {
	store, _ := caughtUpBenchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	f := projections.TicketFilter{Status: domain.StatusClosed}
	for b.Loop() {
		if _, _, err := store.TicketPage(ctx, f, projections.TicketCursor{}, projections.DefaultLimit); err != nil {
			b.Fatal(err)
		}
	}
}
