package memreadmodel_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"

	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// BenchmarkRebuild measures a rebuild of every projection into a fresh memory store
// (readmodeltest.Rebuild): what each start does.
func BenchmarkRebuild(b *testing.B) {
	w := readmodeltest.BenchWorld(b, memstore.New(), 5000, 100_000)
	readmodeltest.Rebuild(b, w, func(testing.TB) projections.Writer { return memreadmodel.New() })
}

// BenchmarkQueuePage measures GET /queues' store call (the first page of the whole
// queue) over the rebuilt read models of the benchmark's history.
func BenchmarkQueuePage(b *testing.B) {
	store, benchWorld := caughtUpBenchStore(b)
	ctx := context.Background()
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
	benchWorld := readmodeltest.BenchWorld(b, memstore.New(), 5000, 100_000)
	var perTicket float64
	for b.Loop() {
		before := liveHeap()
		store := memreadmodel.New()
		readmodeltest.CaughtUp(b, store, benchWorld)
		perTicket = float64(liveHeap()-before) / float64(len(benchWorld.Tickets))
		runtime.KeepAlive(store)
	}
	b.ReportMetric(perTicket, "heap-B/ticket")
}

// caughtUpBenchStore is a memory store caught up with the benchmark's history.
func caughtUpBenchStore(b *testing.B) (*memreadmodel.Store, *readmodeltest.World) {
	w := readmodeltest.BenchWorld(b, memstore.New(), 5000, 100_000)
	store := memreadmodel.New()
	readmodeltest.CaughtUp(b, store, w)
	return store, w
}

func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// BenchmarkFollowBatchAllocs reports the allocations per event of the live path's engine
// step (FollowBatch in runs of 100, as the relay feeds it, commits included) over the
// memory store: what a change to the engine's rows must not make worse.
func BenchmarkFollowBatchAllocs(b *testing.B) {
	benchWorld := readmodeltest.BenchWorld(b, memstore.New(), 5000, 100_000)
	ctx := context.Background()
	recs := benchWorld.All(b)
	var perEvent float64
	for b.Loop() {
		e, err := projections.NewEngine(ctx, memreadmodel.New())
		if err != nil {
			b.Fatal(err)
		}
		perEvent = allocsPerEvent(len(recs), func() {
			for i := 0; i < len(recs); i += 100 {
				prev := uint64(0)
				if i > 0 {
					prev = recs[i-1].Position
				}
				if err := e.FollowBatch(ctx, benchWorld.Events, recs[i:min(i+100, len(recs))], prev); err != nil {
					b.Fatal(err)
				}
			}
			if err := e.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		})
	}
	b.ReportMetric(perEvent, "allocs/event")
}

// BenchmarkCatchUpAllocs reports the allocations per event of a CatchUp from position 0
// into the memory store (a start).
func BenchmarkCatchUpAllocs(b *testing.B) {
	benchWorld := readmodeltest.BenchWorld(b, memstore.New(), 5000, 100_000)
	ctx := context.Background()
	n := len(benchWorld.All(b))
	var perEvent float64
	for b.Loop() {
		e, err := projections.NewEngine(ctx, memreadmodel.New())
		if err != nil {
			b.Fatal(err)
		}
		perEvent = allocsPerEvent(n, func() {
			if _, err := e.CatchUp(ctx, benchWorld.Events); err != nil {
				b.Fatal(err)
			}
		})
	}
	b.ReportMetric(perEvent, "allocs/event")
}

func allocsPerEvent(events int, f func()) float64 {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return float64(m1.Mallocs-m0.Mallocs) / float64(events)
}
