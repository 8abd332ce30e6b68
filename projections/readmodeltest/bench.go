package readmodeltest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/projections"
)

// The histories the read-model benchmarks run on, built once per process and size: a
// history of 100,000 commands takes longer to write than most benchmarks take to run.
var benchWorlds struct {
	sync.Mutex
	m map[[2]int]*World
}

// BenchWorld returns the benchmarks' random history of tickets tickets and commands
// commands (seed 99), written into events (an empty store) the first time this size is
// asked for, and shared by every later call (which leaves its events unused).
func BenchWorld(b testing.TB, events eventlog.EventStore, tickets, commands int) *World {
	benchWorlds.Lock()
	defer benchWorlds.Unlock()
	key := [2]int{tickets, commands}
	if w, ok := benchWorlds.m[key]; ok {
		return w
	}
	if benchWorlds.m == nil {
		benchWorlds.m = map[[2]int]*World{}
	}
	w := Random(b, events, 99, tickets, commands)
	benchWorlds.m[key] = w
	return w
}

// CaughtUp returns an engine on store that has caught up with every event of w, as a
// start does.
func CaughtUp(t testing.TB, store projections.Writer, w *World) *projections.Engine {
	t.Helper()
	e := mustEngine(t, store)
	if _, err := e.CatchUp(context.Background(), w.Events); err != nil {
		t.Fatal(err)
	}
	return e
}

// Rebuild measures a rebuild of every projection from position 0 into the fresh stores
// newStore makes, straight from the event store (CatchUp): what each start does. Making
// the store and its engine is not timed. Besides events/s it reports events per CPU-second
// of this process (eventstoretest.ProcessCPU).
func Rebuild(b *testing.B, w *World, newStore func(testing.TB) projections.Writer) {
	ctx := context.Background()
	events := 0
	var cpu time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		e := mustEngine(b, newStore(b))
		c0 := eventstoretest.ProcessCPU()
		b.StartTimer()
		n, err := e.CatchUp(ctx, w.Events)
		if err != nil {
			b.Fatal(err)
		}
		cpu += eventstoretest.ProcessCPU() - c0
		events += n
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
}
