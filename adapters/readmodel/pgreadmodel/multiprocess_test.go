package pgreadmodel_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay/relaytest"

	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// TestTwoProcessesOneDatabase: two processes project into the same PostgreSQL tables,
// each fed by its own relay over one JetStream stream on the real NATS server, while
// commands keep coming. Rows only ever move to newer versions and checkpoints only
// forward, so the tables end equal to a rebuild.
func TestTwoProcessesOneDatabase(t *testing.T) {
	topic := relaytest.Topic(t)
	store, _ := newStore(t)
	w := readmodeltest.Random(t, memstore.New(), 31, 40, 300)
	rng := rand.New(rand.NewPCG(31, 1))
	ctx, cancel := context.WithCancel(context.Background())
	var done []chan error
	for range 2 {
		engine, err := projections.NewEngine(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		engine.MaxPending = 7 // commit often, so the two processes' commits interleave
		bus, err := watermillrelay.NewJetStream(ctx, relaytest.NATSURL(), topic, slog.Default())
		if err != nil {
			t.Fatal(err)
		}
		defer bus.Close()
		ch := make(chan error, 1)
		go func() { ch <- watermillrelay.Run(ctx, w.Events, bus, engine, nil, slog.Default()) }()
		done = append(done, ch)
		for range 100 {
			w.RandomCommand(t, rng)
		}
	}
	for range 100 {
		w.RandomCommand(t, rng)
	}
	head := uint64(len(w.All(t)))
	relaytest.WaitCaughtUp(t, store, head, 30*time.Second)
	time.Sleep(100 * time.Millisecond) // the slower process's last commits
	cancel()
	for _, ch := range done {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	readmodeltest.AssertSameAsRebuilt(t, store, func(t *testing.T) projections.Store { s, _ := newStore(t); return s }, w,
		"two processes projecting into one database")
}
