package watermillrelay_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay/relaytest"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// TestBusCarriesSealedRecords: with an event store that opens as it reads
// (erasure.OpeningStore), the relay publishes the stored, sealed records, so the bus
// (NATS in production) never carries a customer's personal data in plain, and the
// consumer opens them: the read model holds the plain name.
func TestBusCarriesSealedRecords(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	keys := erasure.NewMemoryKeys()
	events := erasure.NewOpeningStore(memstore.New(), keys)
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	cmds := command.NewCommands(command.Config{Store: events, Clock: application.SystemClock{}, Policy: domain.DefaultSLAPolicy(), Secrets: secrets, Keys: keys})
	store := memreadmodel.New()
	engine, err := projections.NewEngine(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	bus := watermillrelay.NewGoChannel(slog.New(slog.DiscardHandler))
	defer bus.Close()
	spy, err := bus.Sub.Subscribe(ctx, bus.Topic)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var carried strings.Builder
	go func() {
		for m := range spy {
			mu.Lock()
			carried.Write(m.Payload)
			mu.Unlock()
			m.Ack()
		}
	}()
	done := make(chan error, 1)
	go func() { done <- watermillrelay.Run(ctx, events, bus, engine, nil, slog.New(slog.DiscardHandler)) }()
	got, err := cmds.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelAPI, Subject: "Xylophone",
		Customer: domain.Customer{Name: "王秘密", Email: "w@example.com", Tier: domain.TierCore}}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	all, err := events.Raw().ReadAll(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	relaytest.WaitCaughtUp(t, store, all[len(all)-1].Position, 10*time.Second)
	cancel()
	<-done
	rows, err := store.Rows(context.Background(), projections.Customers)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	for _, r := range rows {
		if c := r.(*projections.CustomerTicket); c.TicketID == got.Ticket.ID {
			name = c.Name
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if name != "王秘密" {
		t.Fatalf("the read model's customer name %q, want it opened", name)
	}
	if s := carried.String(); !strings.Contains(s, "pii2:") || strings.Contains(s, "王秘密") || strings.Contains(s, "Xylophone") {
		t.Fatalf("the bus carried: %.600s", s)
	}
}
