package watermillrelay_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"

	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

var (
	benchOnce  sync.Once
	benchWorld *readmodeltest.World
)

// BenchmarkLivePath measures the live path: every stored event through the relay, the
// GoChannel bus (publish until acked) and the engine into a fresh memory store, until
// the last one is committed: the rate at which the read side keeps up with writers.
func BenchmarkLivePath(b *testing.B) {
	benchOnce.Do(func() { benchWorld = readmodeltest.Random(b, memstore.New(), 99, 2000, 30_000) })
	head := uint64(len(benchWorld.All(b)))
	logger := slog.New(slog.DiscardHandler)
	events := 0
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		store := memreadmodel.New()
		engine, err := projections.NewEngine(ctx, store)
		if err != nil {
			b.Fatal(err)
		}
		bus := watermillrelay.NewGoChannel(logger)
		done := make(chan error, 1)
		go func() { done <- watermillrelay.Run(ctx, benchWorld.Events, bus, engine, nil, logger) }()
		for {
			pos, _ := store.Checkpoint(ctx, projections.Agents)
			if pos == head {
				break
			}
			time.Sleep(time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		_ = bus.Close()
		events += int(head)
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
