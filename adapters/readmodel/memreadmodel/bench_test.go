package memreadmodel_test

import (
	"context"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"

	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

var (
	benchOnce  sync.Once
	benchWorld *readmodeltest.World
)

// BenchmarkRebuild measures a rebuild of every projection from position 0 into a fresh
// memory store, straight from the event store (CatchUp): what each start does.
func BenchmarkRebuild(b *testing.B) {
	benchOnce.Do(func() { benchWorld = readmodeltest.Random(b, memstore.New(), 99, 5000, 100_000) })
	ctx := context.Background()
	events := 0
	cpu0 := cpuTime()
	for b.Loop() {
		e, err := projections.NewEngine(ctx, memreadmodel.New())
		if err != nil {
			b.Fatal(err)
		}
		n, err := e.CatchUp(ctx, benchWorld.Events)
		if err != nil {
			b.Fatal(err)
		}
		events += n
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events)/(cpuTime()-cpu0).Seconds(), "events/cpu-s")
}

// cpuTime is the process's CPU time (user + system): on a shared machine the wall-clock
// rate depends on the neighbours' load, the rate per CPU-second much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkQueuePage measures GET /queues' store call (the first page of the whole
// queue) over the rebuilt read models of the benchmark's history.
func BenchmarkQueuePage(b *testing.B) {
	benchOnce.Do(func() { benchWorld = readmodeltest.Random(b, memstore.New(), 99, 5000, 100_000) })
	ctx := context.Background()
	store := memreadmodel.New()
	e, err := projections.NewEngine(ctx, store)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.CatchUp(ctx, benchWorld.Events); err != nil {
		b.Fatal(err)
	}
	now := benchWorld.Clock.Now()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := store.QueuePage(ctx, projections.QueueFilter{}, now, 0, projections.DefaultLimit); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRebuiltHeap reports the live heap a rebuilt memory store holds per ticket of
// the benchmark's history (after a GC, the store kept alive, the engine dropped).
func BenchmarkRebuiltHeap(b *testing.B) {
	benchOnce.Do(func() { benchWorld = readmodeltest.Random(b, memstore.New(), 99, 5000, 100_000) })
	ctx := context.Background()
	var perTicket float64
	for b.Loop() {
		before := liveHeap()
		store := memreadmodel.New()
		e, err := projections.NewEngine(ctx, store)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.CatchUp(ctx, benchWorld.Events); err != nil {
			b.Fatal(err)
		}
		perTicket = float64(liveHeap()-before) / float64(len(benchWorld.Tickets))
		runtime.KeepAlive(store)
	}
	b.ReportMetric(perTicket, "heap-B/ticket")
}

func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
