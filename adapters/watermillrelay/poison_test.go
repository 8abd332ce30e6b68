package watermillrelay_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay/relaytest"

	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// TestLivePathSkipsAnUnstorableRow: on the live path (relay, bus, consumer, periodic
// commits) a row the store refuses for good (readmodeltest.Poisoned) is found, recorded
// and skipped, and the records after it are committed: the projections reach the head.
func TestLivePathSkipsAnUnstorableRow(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := readmodeltest.NewWorld(t, memstore.New())
	store := &readmodeltest.Poisoned{Store: memreadmodel.New(), Marker: readmodeltest.Marker}
	engine, err := projections.NewEngine(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	bus := watermillrelay.NewGoChannel(slog.Default())
	defer bus.Close()
	done := make(chan error, 1)
	go func() { done <- watermillrelay.Run(ctx, w.Events, bus, engine, nil, slog.Default()) }()
	w.Receive(t, domain.TierCore, domain.ChannelWeb, "subject "+readmodeltest.Marker, "body")
	last := w.Receive(t, domain.TierVIP, domain.ChannelEmail, "after", "body").Ticket.ID
	head := uint64(len(w.All(t)))
	relaytest.WaitCaughtUp(t, store, head, 10*time.Second)
	if v, err := store.RowVersion(ctx, projections.Queues, last); err != nil || v != 0 {
		t.Fatalf("the ticket after the refused row: version %d (%v)", v, err)
	}
	fs, err := store.Failures(ctx, projections.Queues)
	if err != nil || len(fs) != 1 || fs[0].Type != domain.TypeTicketReceived {
		t.Fatalf("failures %+v (%v)", fs, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
