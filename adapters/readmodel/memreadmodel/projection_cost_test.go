package memreadmodel_test

import (
	"context"
	"encoding/json"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/readmodel/memreadmodel"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/readmodeltest"
)

// The cost of the projections issue 19 added (hot_tickets, hot_spikes, articles,
// help_visitors: readmodeltest.NewProjections), measured on one realistic history
// (readmodeltest.CostWorld) through engines over a subset of the catalogue. Wall times
// swing with the machine's load; the CPU, allocation and (under callgrind) instruction
// counts much less: docs/PERFORMANCE.md, "The new projections' cost per command".

// costSteps is the size of the history: 4,000 steps of 40 customers' lives interleaved
// (readmodeltest.Customers), about 4,100 commands and 5,000 records.
const costSteps = 4000

// followRun is how many records the engine gets at a time, and commits after: about what
// ticketd's relay hands it between two of its 20 ms commits at a few thousand commands/s.
const followRun = 100

var costWorld struct {
	sync.Once
	w    *readmodeltest.World
	recs []eventlog.Record
}

func newMemStore(testing.TB) projections.Store { return memreadmodel.New() }

// costHistory is CostWorld's history, written once per process.
func costHistory(tb testing.TB) (*readmodeltest.World, []eventlog.Record) {
	costWorld.Do(func() {
		costWorld.w = readmodeltest.CostWorld(tb, memstore.New(), newMemStore, costSteps)
		costWorld.recs = costWorld.w.All(tb)
	})
	if costWorld.w == nil {
		tb.Fatal("the cost history was not written")
	}
	return costWorld.w, costWorld.recs
}

// follow feeds recs to e as the relay does, in runs of followRun with a commit after
// each, and commits the rest.
func follow(tb testing.TB, e *projections.Engine, events eventlog.EventStore, recs []eventlog.Record, prev uint64) {
	ctx := context.Background()
	for i := 0; i < len(recs); i += followRun {
		run := recs[i:min(i+followRun, len(recs))]
		if err := e.FollowBatch(ctx, events, run, prev); err != nil {
			tb.Fatal(err)
		}
		prev = run[len(run)-1].Position
	}
	if err := e.Flush(ctx); err != nil {
		tb.Fatal(err)
	}
}

func engineOf(tb testing.TB, store projections.Writer, names []string) *projections.Engine {
	e, err := projections.NewEngine(context.Background(), store, names...)
	if err != nil {
		tb.Fatal(err)
	}
	e.MaxPending = followRun
	return e
}

// projectionSets are the subsets of the catalogue measured: without the new projections,
// all of them, each projection alone, and the base with each new one added.
func projectionSets() []struct {
	name  string
	names []string
} {
	base := readmodeltest.BaseNames()
	sets := []struct {
		name  string
		names []string
	}{{"base", base}, {"full", projections.Names()}}
	for _, n := range readmodeltest.NewProjections {
		sets = append(sets, struct {
			name  string
			names []string
		}{"base+" + n, append(base[:len(base):len(base)], n)})
	}
	for _, n := range projections.Names() {
		sets = append(sets, struct {
			name  string
			names []string
		}{"only=" + n, []string{n}})
	}
	return sets
}

// usage is what a stretch of work cost this process: wall and CPU time, bytes and
// objects allocated.
type usage struct {
	wall, cpu      time.Duration
	bytes, objects uint64
}

func measure(f func()) usage {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	c0, t0 := eventstoretest.ProcessCPU(), time.Now()
	f()
	wall, cpu := time.Since(t0), eventstoretest.ProcessCPU()-c0
	runtime.ReadMemStats(&m1)
	return usage{wall: wall, cpu: cpu, bytes: m1.TotalAlloc - m0.TotalAlloc, objects: m1.Mallocs - m0.Mallocs}
}

func (u *usage) add(v usage) {
	u.wall += v.wall
	u.cpu += v.cpu
	u.bytes += v.bytes
	u.objects += v.objects
}

// report reports u per unit (n units: events or commands).
func (u usage) report(b *testing.B, n int, unit string) {
	f := float64(n)
	b.ReportMetric(float64(u.wall.Nanoseconds())/f, "ns/"+unit)
	b.ReportMetric(float64(u.cpu.Nanoseconds())/f, "cpu-ns/"+unit)
	b.ReportMetric(float64(u.bytes)/f, "B/"+unit)
	b.ReportMetric(float64(u.objects)/f, "allocs/"+unit)
}

// BenchmarkProjectionCost applies the cost history (about 5,000 records) through a fresh
// engine and memory store per iteration, for each set of projectionSets, as the live path
// does (runs of 100 records, a commit after each): per record of the history, its wall
// and CPU time, bytes and allocations. Making the store and engine is not counted.
func BenchmarkProjectionCost(b *testing.B) {
	w, recs := costHistory(b)
	for _, set := range projectionSets() {
		b.Run(set.name, func(b *testing.B) {
			follow(b, engineOf(b, memreadmodel.New(), set.names), w.Events, recs, 0) // warm: the segmenter's dictionary, caches
			var total usage
			for b.Loop() {
				e := engineOf(b, memreadmodel.New(), set.names)
				total.add(measure(func() { follow(b, e, w.Events, recs, 0) }))
			}
			total.report(b, b.N*len(recs), "event")
			b.ReportMetric(float64(len(recs)), "events/history")
		})
	}
}

// BenchmarkCommandCost measures whole commands through the application layer on the
// memory event store (with ticketd's stream cache) while an engine over a memory read
// model follows them as ticketd's relay does: none (commands alone), base (the
// catalogue without the new projections), full (every projection). An iteration is one
// step of 40 customers' lives interleaved (readmodeltest.Customers: one command, four
// for an article); every 10 steps the engine is handed what was appended, committing
// every 100 records. Reported per command: wall and CPU time, bytes and allocations,
// and records appended.
func BenchmarkCommandCost(b *testing.B) {
	sets := []struct {
		name  string
		names []string
	}{{"none", nil}, {"base", readmodeltest.BaseNames()}, {"full", projections.Names()}}
	for _, set := range sets {
		b.Run(set.name, func(b *testing.B) {
			ctx := context.Background()
			w := readmodeltest.NewCachedWorld(b, memstore.New())
			for i := range 6 {
				w.Agent(b, "坐席", []string{"support", "billing", "tech"}[i%3])
			}
			customers := w.Customers(b, w.PublishedArticles(b, 20), 40, 0)
			var e *projections.Engine
			if set.names != nil {
				e = engineOf(b, memreadmodel.New(), set.names)
			}
			pos := uint64(0)
			feed := func() {
				recs, err := w.Events.ReadAll(ctx, pos, 10_000)
				if err != nil {
					b.Fatal(err)
				}
				if len(recs) == 0 {
					return
				}
				if e != nil {
					if err := e.FollowBatch(ctx, w.Events, recs, pos); err != nil {
						b.Fatal(err)
					}
				}
				pos = recs[len(recs)-1].Position
			}
			for i := range 600 { // warm: caches, the segmenter's dictionary
				customers.Step()
				if i%10 == 9 {
					feed()
				}
			}
			feed()
			from, commands, steps := pos, 0, 0
			u := measure(func() {
				for b.Loop() {
					commands += customers.Step()
					if steps++; steps%10 == 0 {
						feed()
					}
				}
				feed()
				if e != nil {
					if err := e.Flush(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
			u.report(b, commands, "command")
			b.ReportMetric(float64(pos-from)/float64(commands), "records/command")
		})
	}
}

// TestProjectionCostHistory: the cost history exercises every new projection (rows in
// each, spikes raised), and an engine over the base set writes the same rows of its
// projections as one over the whole catalogue and none of the others' (what makes
// the benchmark's difference the new projections' cost).
func TestProjectionCostHistory(t *testing.T) {
	ctx := context.Background()
	w := readmodeltest.CostWorld(t, memstore.New(), newMemStore, 1000)
	recs := w.All(t)
	base, full := memreadmodel.New(), memreadmodel.New()
	follow(t, engineOf(t, base, readmodeltest.BaseNames()), w.Events, recs, 0)
	follow(t, engineOf(t, full, projections.Names()), w.Events, recs, 0)
	for _, n := range projections.Names() {
		a, err := base.Rows(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		b, err := full.Rows(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			t.Errorf("%s: no rows from the cost history", n)
		}
		if slices.Contains(readmodeltest.NewProjections, n) {
			if len(a) != 0 {
				t.Errorf("%s: %d rows from an engine without it", n, len(a))
			}
			continue
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("%s: rows differ between the base and the full catalogue", n)
		}
	}
	hot, err := full.Rows(ctx, projections.HotTickets)
	if err != nil {
		t.Fatal(err)
	}
	withTerms := 0
	for _, r := range hot {
		if len(r.(*projections.HotTicket).Terms) > 0 {
			withTerms++
		}
	}
	if want := len(w.Tickets); len(hot) != want || withTerms != want {
		t.Fatalf("hot_tickets: %d rows, %d with terms, for %d tickets", len(hot), withTerms, want)
	}
}
