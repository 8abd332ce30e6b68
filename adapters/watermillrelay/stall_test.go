package watermillrelay_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay/relaytest"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// silent is a subscription that delivers nothing: a JetStream consumer that is gone on
// the server while the client still waits on it (or, closed, one the client ended).
type silent struct{ closed bool }

func (s silent) Subscribe(context.Context, string) (<-chan *message.Message, error) {
	c := make(chan *message.Message)
	if s.closed {
		close(c)
	}
	return c, nil
}
func (silent) Close() error { return nil }

// TestConsumersReadPastASilentBus: consumers whose subscription delivers nothing more
// still catch up with the event store (after StallAfter without a message) and end equal
// to a rebuild; before, they waited for a message that never came, and the read models
// stayed behind (the cluster acceptance test: every node's /readyz failed on the lag).
func TestConsumersReadPastASilentBus(t *testing.T) {
	for _, closed := range []bool{false, true} {
		consumeSilentBus(t, silent{closed: closed})
	}
}

func consumeSilentBus(t *testing.T, sub silent) {
	w := readmodeltest.Random(t, memstore.New(), 5, 20, 150)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := memreadmodel.New()
	engine, err := projections.NewEngine(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	bus := &watermillrelay.Bus{Sub: sub, Topic: "silent", Close: func() error { return nil }}
	done := make(chan error, 1)
	go func() { done <- watermillrelay.RunConsumers(ctx, w.Events, bus, slog.Default(), engine) }()
	head := uint64(len(w.All(t)))
	relaytest.WaitCaughtUp(t, store, head, 4*watermillrelay.StallAfter+5*time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	readmodeltest.AssertSameAsRebuilt(t, store, memStore, w, fmt.Sprintf("consumers of a silent bus (closed: %v)", sub.closed))
}
