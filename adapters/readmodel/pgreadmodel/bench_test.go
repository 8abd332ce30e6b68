package pgreadmodel_test

import (
	"context"
	"log/slog"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"

	"github.com/ticketengine/ticketengine/adapters/watermillrelay"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

var (
	benchOnce  sync.Once
	benchWorld *readmodeltest.World
)

// BenchmarkRebuild measures a rebuild of every projection from position 0 into fresh
// PostgreSQL tables, straight from the event store (CatchUp, state cached in memory,
// multi-row upserts every projections.CommitEvery records). Schema setup is not timed.
func BenchmarkRebuild(b *testing.B) {
	benchOnce.Do(func() { benchWorld = readmodeltest.Random(b, memstore.New(), 99, 5000, 100_000) })
	ctx := context.Background()
	events := 0
	var cpu time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		store, _ := newStore(b)
		e, err := projections.NewEngine(ctx, store)
		if err != nil {
			b.Fatal(err)
		}
		c0 := cpuTime()
		b.StartTimer()
		n, err := e.CatchUp(ctx, benchWorld.Events)
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
		events += n
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
}

// cpuTime is this process's CPU time (PostgreSQL's own is not in it).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var (
	liveOnce  sync.Once
	liveWorld *readmodeltest.World
)

// BenchmarkLivePath measures the live path into PostgreSQL: every stored event through
// the relay, the GoChannel bus and the engine into fresh tables, until the last one is
// committed (the history is stored before the relay starts: the rate at which the live
// path works off a backlog). Schema setup is not timed.
func BenchmarkLivePath(b *testing.B) {
	liveOnce.Do(func() { liveWorld = readmodeltest.Random(b, memstore.New(), 99, 2000, 30_000) })
	head := uint64(len(liveWorld.All(b)))
	logger := slog.New(slog.DiscardHandler)
	events := 0
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		store, _ := newStore(b)
		ctx, cancel := context.WithCancel(context.Background())
		engine, err := projections.NewEngine(ctx, store)
		if err != nil {
			b.Fatal(err)
		}
		bus := watermillrelay.NewGoChannel(logger)
		done := make(chan error, 1)
		b.StartTimer()
		go func() { done <- watermillrelay.Run(ctx, liveWorld.Events, bus, engine, nil, logger) }()
		for {
			pos, _ := store.Checkpoint(ctx, projections.Agents)
			if pos == head {
				break
			}
			time.Sleep(time.Millisecond)
		}
		b.StopTimer()
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		_ = bus.Close()
		events += int(head)
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
