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

// BenchmarkFollowBatchAllocs reports the allocations per event of the live path's engine
// step (FollowBatch in runs of 100, as the relay feeds it, commits included) over the
// memory store: what a change to the engine's rows must not make worse.
func BenchmarkFollowBatchAllocs(b *testing.B) {
	benchOnce.Do(func() { benchWorld = readmodeltest.Random(b, memstore.New(), 99, 5000, 100_000) })
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
	benchOnce.Do(func() { benchWorld = readmodeltest.Random(b, memstore.New(), 99, 5000, 100_000) })
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
