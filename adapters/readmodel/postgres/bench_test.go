package postgres_test

import (
	"context"
	"sync"
	"syscall"
	"testing"
	"time"

	esmemory "github.com/ticketengine/ticketengine/adapters/eventstore/memory"

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
	benchOnce.Do(func() { benchWorld = readmodeltest.Random(b, esmemory.New(), 99, 5000, 100_000) })
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
