package memreadmodel

import (
	"runtime"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// BenchmarkTableHeap reports the live heap each generic table (the projections the store
// does not pack: agents, open_by_team, customers) holds per ticket of the benchmark's
// history, measured by dropping it from a caught-up store after a GC.
func BenchmarkTableHeap(b *testing.B) {
	w := readmodeltest.BenchWorld(b, memstore.New(), 5000, 100_000)
	per := map[string]float64{}
	for b.Loop() {
		store := New()
		readmodeltest.CaughtUp(b, store, w)
		for _, name := range []string{projections.OpenByTeam, projections.Customers} {
			before := heapNow()
			store.mu.Lock()
			delete(store.d.tables, name)
			store.mu.Unlock()
			per[name] = float64(before-heapNow()) / float64(len(w.Tickets))
		}
		runtime.KeepAlive(store)
	}
	for name, v := range per {
		b.ReportMetric(v, name+"-B/ticket")
	}
}

func heapNow() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
