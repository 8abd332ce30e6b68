package readmodeltest

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
)

// CountingWriter is a store's writer that counts its Load calls per projection and fails
// the next ones while FailLoads (a projection's name, or "*" for all) is set.
type CountingWriter struct {
	projections.Writer
	mu        sync.Mutex
	Loads     map[string]int
	FailLoads string
}

// NewCountingWriter wraps w.
func NewCountingWriter(w projections.Writer) *CountingWriter {
	return &CountingWriter{Writer: w, Loads: map[string]int{}}
}

// ErrInjected is the failure CountingWriter injects.
var ErrInjected = errors.New("readmodeltest: injected failure")

// Load implements projections.Writer.
func (c *CountingWriter) Load(ctx context.Context, name string, ids []uuid.UUID) (projections.Batch, error) {
	c.mu.Lock()
	fail := c.FailLoads == name || c.FailLoads == "*"
	if !fail {
		c.Loads[name]++
	}
	c.mu.Unlock()
	if fail {
		return projections.Batch{}, ErrInjected
	}
	return c.Writer.Load(ctx, name, ids)
}

// LoadCount is how many Loads succeeded for projection name.
func (c *CountingWriter) LoadCount(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Loads[name]
}

// SetFail sets FailLoads.
func (c *CountingWriter) SetFail(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.FailLoads = name
}

// halfway projects the first half of w's history into a new store, commits, and
// returns the store, a CountingWriter on it, and a new engine writing through that from
// the checkpoint: an engine with nothing cached, as after a restart, so every later
// record of an existing ticket needs its rows loaded.
func halfway(t *testing.T, newStore Factory, w *World) (projections.Store, *CountingWriter, *projections.Engine) {
	ctx := context.Background()
	recs := w.All(t)
	store := newStore(t)
	e := mustEngine(t, store)
	check(t, e.Apply(ctx, recs[:len(recs)/2]))
	check(t, e.Flush(ctx))
	cw := NewCountingWriter(store)
	return store, cw, mustEngine(t, cw)
}

// kindPrefix is the stream prefix of each kind a projection reads.
var kindPrefix = map[projections.Kind]string{projections.TicketStreams: eventlog.TicketStreamPrefix,
	projections.AgentStreams: eventlog.AgentStreamPrefix, projections.TokenStreams: eventlog.TokenStreamPrefix,
	projections.HotIssueStreams: eventlog.HotIssueStreamPrefix,
	projections.ArticleStreams:  eventlog.ArticleStreamPrefix, projections.HelpVisitorStreams: eventlog.HelpVisitorStreamPrefix,
	projections.ArticleFeedbackStreams: eventlog.ArticleFeedbackStreamPrefix}

// testFollowBatchLoadsOnce: one run of records touching many stored tickets costs one
// Load per projection, not one per record.
func testFollowBatchLoadsOnce(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := Random(t, newEvents(), 13, 100, 1500)
	recs := w.All(t)
	store, cw, e := halfway(t, newStore, w)
	run := recs[len(recs)/2:]
	check(t, e.FollowBatch(ctx, w.Events, run, recs[len(recs)/2-1].Position))
	for _, p := range projections.Catalogue() {
		want := 0 // a projection none of the run's records is for loads nothing
		for _, r := range run {
			if strings.HasPrefix(r.Stream, kindPrefix[p.Reads()]) {
				want = 1
				break
			}
		}
		if got := cw.LoadCount(p.Name()); got != want {
			t.Errorf("projection %s: %d loads for a run of %d records; want %d", p.Name(), got, len(run), want)
		}
	}
	check(t, e.Flush(ctx))
	AssertSameAsRebuilt(t, store, newStore, w, "live after one run")
}

// testFollowBatchFaults delivers the history as runs the way the live path makes them
// (a message's record and what the store holds after it), with a bus's faults: runs
// lost (a gap the next run's prev reveals), runs delivered again (duplicates), runs that
// overlap what was applied, restarts from the stored checkpoint, and loads failing
// mid-run, after which the same run is tried again, as the consumer does. The read model
// ends equal to a rebuild.
func testFollowBatchFaults(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := Random(t, newEvents(), 14, 150, 2500)
	recs := w.All(t)
	rng := rand.New(rand.NewPCG(14, 5))
	store, cw, e := halfway(t, newStore, w)
	e.MaxPending = 1 + rng.IntN(60)
	follow := func(i, j int) {
		for failures := 0; ; failures++ {
			if failures < 2 && rng.IntN(8) == 0 {
				cw.SetFail(projections.Names()[rng.IntN(len(projections.Names()))])
			}
			err := e.FollowBatch(ctx, w.Events, recs[i:j], prevPosition(recs, i))
			cw.SetFail("")
			if err == nil {
				return
			}
			if !errors.Is(err, ErrInjected) {
				t.Fatalf("run [%d,%d): %v", i, j, err)
			}
		}
	}
	failedOnce := false
	for i := len(recs) / 2; i < len(recs); {
		j := min(len(recs), i+1+rng.IntN(40))
		switch n := rng.IntN(20); {
		case n < 3 && j < len(recs):
			i = j // lost: the next run's prev reveals the gap
			continue
		case n < 5:
			follow(max(0, i-rng.IntN(60)), j) // overlaps what was applied
		case n < 6:
			check(t, e.Flush(ctx))
			e = mustEngine(t, cw)
			e.MaxPending = 1 + rng.IntN(60)
			follow(max(0, i-rng.IntN(60)), j)
		case n < 8:
			// A load fails mid-run: the projections before it applied the run, the
			// others not; the same run again completes it.
			cw.SetFail(projections.KPI)
			if err := e.FollowBatch(ctx, w.Events, recs[i:j], prevPosition(recs, i)); err != nil {
				failedOnce = failedOnce || errors.Is(err, ErrInjected)
			}
			cw.SetFail("")
			follow(i, j)
		default:
			follow(i, j)
		}
		if rng.IntN(5) == 0 {
			follow(i, j) // the same run twice
		}
		i = j
	}
	check(t, e.Flush(ctx))
	if !failedOnce {
		t.Fatal("no run failed mid-way: the test did not exercise it")
	}
	AssertSameAsRebuilt(t, store, newStore, w, "followed in runs")
}

// testFollowBatchFailureMidRun: a load failing for one projection mid-run leaves the
// projections before it with the whole run applied and the others with none of it, and
// nothing of the run in the store's checkpoints beyond what was applied.
func testFollowBatchFailureMidRun(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := Random(t, newEvents(), 15, 60, 800)
	recs := w.All(t)
	store, cw, e := halfway(t, newStore, w)
	start := recs[len(recs)/2-1].Position
	run := recs[len(recs)/2:]
	last := run[len(run)-1].Position
	cw.SetFail(projections.KPI)
	if err := e.FollowBatch(ctx, w.Events, run, start); !errors.Is(err, ErrInjected) {
		t.Fatalf("a run whose load failed: %v", err)
	}
	cw.SetFail("")
	if got := e.Position(); got != start {
		t.Fatalf("after a failed run the engine's position is %d; want %d (where it was)", got, start)
	}
	before := true // the engine applies a run projection by projection, in this order
	for _, p := range e.Progress() {
		want := last
		if p.Name == projections.KPI || !before {
			before, want = false, start
		}
		if p.Applied != want {
			t.Errorf("%s applied up to %d; want %d (the run is [%d, %d], kpi's load failed)", p.Name, p.Applied, want, start+1, last)
		}
	}
	check(t, e.Flush(ctx)) // commits what was applied, and only that
	pos, err := store.Checkpoint(ctx, projections.KPI)
	check(t, err)
	if pos != start {
		t.Fatalf("kpi's stored checkpoint is %d after a failed run; want %d", pos, start)
	}
	check(t, e.FollowBatch(ctx, w.Events, run, start))
	check(t, e.Flush(ctx))
	AssertSameAsRebuilt(t, store, newStore, w, "live after a failed run and its retry")
}

// testFollow delivers records as a bus shared by several processes may: a tenth lost,
// some late, some twice. Follow reads what is missing from the event store, so the read
// model ends equal to a rebuild.
func testFollow(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := Random(t, newEvents(), 11, 80, 1200)
	recs := w.All(t)
	rng := rand.New(rand.NewPCG(11, 3))
	store := newStore(t)
	e := mustEngine(t, store)
	var late []int
	for i, r := range recs {
		prev := prevPosition(recs, i)
		switch n := rng.IntN(20); {
		case n < 2 && i < len(recs)-1:
			continue // lost
		case n < 4 && i < len(recs)-1:
			late = append(late, i)
			continue
		case n < 5:
			check(t, e.Follow(ctx, w.Events, r, prev))
		}
		check(t, e.Follow(ctx, w.Events, r, prev))
		if len(late) > 0 && rng.IntN(3) == 0 {
			j := late[0]
			late = late[1:]
			check(t, e.Follow(ctx, w.Events, recs[j], prevPosition(recs, j)))
		}
	}
	for _, j := range late { // the stragglers, the last of them maybe the newest record
		check(t, e.Follow(ctx, w.Events, recs[j], prevPosition(recs, j)))
	}
	check(t, e.Flush(ctx))
	AssertSameAsRebuilt(t, store, newStore, w, "followed")
}

// prevPosition is the position of the record before recs[i], as a bus message carries
// it (0 before the first).
func prevPosition(recs []eventlog.Record, i int) uint64 {
	if i == 0 {
		return 0
	}
	return recs[i-1].Position
}
