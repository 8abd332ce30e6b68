package watermillrelay_test

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay/relaytest"

	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// flakyStore fails its first subscription after a few records, as a dropped connection does.
type flakyStore struct {
	eventlog.EventStore
	calls atomic.Int32
}

func (f *flakyStore) Subscribe(ctx context.Context, after uint64, handle func(context.Context, eventlog.Record) error) error {
	if f.calls.Add(1) > 1 {
		return f.EventStore.Subscribe(ctx, after, handle)
	}
	n := 0
	err := f.EventStore.Subscribe(ctx, after, func(ctx context.Context, r eventlog.Record) error {
		if n++; n > 25 {
			return errors.New("connection reset")
		}
		return handle(ctx, r)
	})
	return err
}

// TestRelayRestartsAfterAFailure: a subscription that breaks is started again from the
// engine's position and the read model still ends equal to a rebuild.
func TestRelayRestartsAfterAFailure(t *testing.T) {
	w := readmodeltest.Random(t, memstore.New(), 4, 20, 150)
	ctx, cancel := context.WithCancel(context.Background())
	store := memreadmodel.New()
	engine, err := projections.NewEngine(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	bus := watermillrelay.NewGoChannel(slog.Default())
	defer bus.Close()
	flaky := &flakyStore{EventStore: w.Events}
	done := make(chan error, 1)
	go func() { done <- watermillrelay.Run(ctx, flaky, bus, engine, nil, slog.Default()) }()
	// The consumer may read the stored records ahead from the store before the broken
	// subscription restarts (RetryDelay): wait for the restart, then write more, which
	// only the new subscription can announce.
	for deadline := time.Now().Add(10 * time.Second); flaky.calls.Load() < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the subscription never failed and restarted")
		}
	}
	rng := rand.New(rand.NewPCG(4, 4))
	for range 50 {
		w.RandomCommand(t, rng)
	}
	head := uint64(len(w.All(t)))
	relaytest.WaitCaughtUp(t, store, head, 10*time.Second) // the relay recovered
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	readmodeltest.AssertSameAsRebuilt(t, store, memStore, w, "after a restart of the relay, its read model")
}
