package readmodeltest

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/projections"
)

// Factory returns a new, empty, migrated store; every call a separate one.
type Factory func(t *testing.T) projections.Store

// EventsFactory returns a new, empty event store for the suite's histories (the
// adapters' tests pass the in-memory one).
type EventsFactory func() eventlog.EventStore

// Run runs the whole suite against a store.
func Run(t *testing.T, newStore Factory, newEvents EventsFactory) {
	t.Run("LiveEqualsRebuilt", func(t *testing.T) { testLiveEqualsRebuilt(t, newStore, newEvents) })
	t.Run("StaleCommit", func(t *testing.T) { testStaleCommit(t, newStore, newEvents) })
	t.Run("FollowDisorderedBus", func(t *testing.T) { testFollow(t, newStore, newEvents) })
	t.Run("FollowBatchLoadsOnce", func(t *testing.T) { testFollowBatchLoadsOnce(t, newStore, newEvents) })
	t.Run("FollowBatchFaults", func(t *testing.T) { testFollowBatchFaults(t, newStore, newEvents) })
	t.Run("FollowBatchFailureMidRun", func(t *testing.T) { testFollowBatchFailureMidRun(t, newStore, newEvents) })
	t.Run("WaitsWithoutPolling", func(t *testing.T) { testWaitsWithoutPolling(t, newStore, newEvents) })
	t.Run("RebuildWhileServing", func(t *testing.T) { testRebuildWhileServing(t, newStore, newEvents) })
	t.Run("KPI", func(t *testing.T) { testKPI(t, newStore, newEvents) })
	t.Run("PortalPrivacy", func(t *testing.T) { testPortalPrivacy(t, newStore, newEvents) })
	t.Run("Queues", func(t *testing.T) { testQueues(t, newStore, newEvents) })
	t.Run("QueuePages", func(t *testing.T) { testQueuePages(t, newStore, newEvents) })
	t.Run("Agents", func(t *testing.T) { testAgents(t, newStore, newEvents) })
	t.Run("PoisonedRow", func(t *testing.T) { testPoisonedRow(t, newStore, newEvents) })
	t.Run("TransientCommit", func(t *testing.T) { testTransientCommit(t, newStore, newEvents) })
	t.Run("HostileEvents", func(t *testing.T) { testHostileEvents(t, newStore, newEvents) })
	t.Run("OpenByTeam", func(t *testing.T) { testOpenByTeam(t, newStore, newEvents) })
	t.Run("Customers", func(t *testing.T) { testCustomers(t, newStore, newEvents) })
}

// FeedLive delivers the records to an engine as the relay would, with the faults a bus
// has: every tenth record twice, now and then a window of earlier records again, commits
// at random moments, and restarts from the stored checkpoints followed by a redelivery
// of what came before them.
func FeedLive(t *testing.T, store projections.Store, recs []eventlog.Record, seed uint64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 7))
	e := mustEngine(t, store)
	e.MaxPending = 1 + rng.IntN(40)
	handle := func(r eventlog.Record) {
		if err := e.Handle(ctx, r); err != nil {
			t.Fatalf("handle %d: %v", r.Position, err)
		}
	}
	for i, r := range recs {
		handle(r)
		switch n := rng.IntN(200); {
		case n < 20:
			handle(r)
		case n < 24:
			for j := max(0, i-30); j <= i; j++ {
				handle(recs[j])
			}
		case n < 25:
			if err := e.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			e = mustEngine(t, store)
			e.MaxPending = 1 + rng.IntN(40)
			for j := max(0, i-50); j <= i; j++ {
				handle(recs[j])
			}
		}
	}
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

func mustEngine(t testing.TB, store projections.Writer) *projections.Engine {
	e, err := projections.NewEngine(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Rebuilt projects the world's history into a new store the fast way (CatchUp).
func Rebuilt(t *testing.T, newStore Factory, w *World) projections.Store {
	store := newStore(t)
	e := mustEngine(t, store)
	if _, err := e.CatchUp(context.Background(), w.Events); err != nil {
		t.Fatal(err)
	}
	return store
}

// Dump is everything a store answers about a world, in a canonical JSON form, for
// comparing two stores.
func Dump(t testing.TB, store projections.Store, w *World) string {
	ctx := context.Background()
	d := map[string]any{}
	for _, n := range projections.Names() {
		pos, err := store.Checkpoint(ctx, n)
		check(t, err)
		d["checkpoint/"+n] = pos
		rows, err := store.Rows(ctx, n) // every projection, a new one too, with no query of its own
		check(t, err)
		d["rows/"+n] = rows
	}
	open, err := store.OpenTickets(ctx, projections.QueueFilter{})
	check(t, err)
	sort.Slice(open, func(i, j int) bool { return open[i].ID.String() < open[j].ID.String() })
	d["open"] = open
	facts, err := store.KPIFacts(ctx, time.Time{}, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
	check(t, err)
	sort.Slice(facts, func(i, j int) bool { return facts[i].State.ID.String() < facts[j].State.ID.String() })
	d["facts"] = facts
	portal := map[string]any{}
	for _, tk := range w.Tickets {
		st, tl, ok, err := store.PortalTicket(ctx, tk.Ticket.ID)
		check(t, err)
		portal[tk.Ticket.ID.String()] = map[string]any{"ok": ok, "state": st, "timeline": tl}
		for _, n := range ticketProjections() {
			v, err := store.RowVersion(ctx, n, tk.Ticket.ID)
			check(t, err)
			d["version/"+n+"/"+tk.Ticket.ID.String()] = v
		}
	}
	d["portal"] = portal
	agents, err := store.Agents(ctx)
	check(t, err)
	d["agents"] = agents
	for _, a := range w.Agents {
		row, ok, err := store.Agent(ctx, a.ID)
		check(t, err)
		d["agent/"+a.ID.String()] = map[string]any{"ok": ok, "row": row}
	}
	b, err := json.MarshalIndent(d, "", " ")
	check(t, err)
	return string(b)
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testLiveEqualsRebuilt(t *testing.T, newStore Factory, newEvents EventsFactory) {
	w := Random(t, newEvents(), 42, 300, 6000)
	recs := w.All(t)
	if len(recs) < 3000 {
		t.Fatalf("history has only %d records", len(recs))
	}
	live := newStore(t)
	FeedLive(t, live, recs, 1)
	rebuilt := Rebuilt(t, newStore, w)
	a, b := Dump(t, live, w), Dump(t, rebuilt, w)
	if a != b {
		t.Fatalf("live and rebuilt read models differ:\n%s", firstDiff(a, b))
	}
	assertAgreesWithWriteSide(t, live, w)
}

// assertAgreesWithWriteSide: every ticket's projected snapshot is the aggregate's own state.
func assertAgreesWithWriteSide(t *testing.T, store projections.Store, w *World) {
	ctx := context.Background()
	facts, err := store.KPIFacts(ctx, time.Time{}, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
	check(t, err)
	if len(facts) != len(w.Tickets) {
		t.Fatalf("%d KPI facts for %d tickets", len(facts), len(w.Tickets))
	}
	for _, f := range facts {
		want, err := query.GetTicket(ctx, w.Events, f.State.ID, time.Time{})
		check(t, err)
		if f.State.AccessCodeHash != "" {
			t.Fatalf("ticket %s: the read model keeps the access code's hash", f.State.ID)
		}
		want.AccessCodeHash = ""
		a, _ := json.Marshal(f.State)
		b, _ := json.Marshal(want)
		if string(a) != string(b) {
			t.Fatalf("ticket %s: projected %s\nwrite side %s", f.State.ID, a, b)
		}
	}
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-400)
	return "live:    …" + a[lo:min(len(a), i+200)] + "\nrebuilt: …" + b[lo:min(len(b), i+200)]
}

func testRebuildWhileServing(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := Random(t, newEvents(), 7, 120, 1500)
	store := newStore(t)
	live := mustEngine(t, store)
	if _, err := live.CatchUp(ctx, w.Events); err != nil {
		t.Fatal(err)
	}
	before := Dump(t, store, w)
	svc := projections.NewService(w.Events, store, live, w.Clock)
	for _, name := range projections.Names() {
		st, err := svc.Rebuild(ctx, name)
		check(t, err)
		if st.Position != uint64(len(w.All(t))) {
			t.Fatalf("rebuild of %s reached %d, the store has %d", name, st.Position, len(w.All(t)))
		}
	}
	heard := 0
	all, err := svc.RebuildProgress(ctx, projections.All, func(events int) { heard = events })
	check(t, err)
	if n := len(w.All(t)) * len(projections.Names()); all.Events != n || heard != n {
		t.Fatalf("rebuilding all read %d events, progress said %d; want %d", all.Events, heard, n)
	}
	if after := Dump(t, store, w); after != before {
		t.Fatalf("a rebuild changed the read model:\n%s", firstDiff(before, after))
	}
	// The live engine goes on from the rebuilt position: more history, delivered from
	// an older position (the relay is behind), ends where a fresh rebuild does.
	from := len(w.All(t))
	rng := rand.New(rand.NewPCG(9, 9))
	for range 300 {
		w.randomCommand(t, rng, []string{"support", "billing", "tech"})
		w.Clock.Advance(time.Minute)
	}
	recs := w.All(t)
	for _, r := range recs[max(0, from-100):] {
		check(t, live.Handle(ctx, r))
	}
	check(t, live.Flush(ctx))
	if a, b := Dump(t, store, w), Dump(t, Rebuilt(t, newStore, w), w); a != b {
		t.Fatalf("after a rebuild, live and rebuilt differ:\n%s", firstDiff(a, b))
	}
	if _, err := svc.Rebuild(ctx, "nope"); err == nil {
		t.Fatal("rebuilding an unknown projection succeeded")
	}
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
		prev := uint64(0)
		if i > 0 {
			prev = recs[i-1].Position
		}
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
			p := uint64(0)
			if j > 0 {
				p = recs[j-1].Position
			}
			check(t, e.Follow(ctx, w.Events, recs[j], p))
		}
	}
	for _, j := range late { // the stragglers, the last of them maybe the newest record
		p := uint64(0)
		if j > 0 {
			p = recs[j-1].Position
		}
		check(t, e.Follow(ctx, w.Events, recs[j], p))
	}
	check(t, e.Flush(ctx))
	if a, b := Dump(t, store, w), Dump(t, Rebuilt(t, newStore, w), w); a != b {
		t.Fatalf("followed and rebuilt read models differ:\n%s", firstDiff(a, b))
	}
}

// testStaleCommit: a commit carrying older rows and an older position (a slower process
// projecting into the same store) sets nothing back.
func testStaleCommit(t *testing.T, newStore Factory, newEvents EventsFactory) {
	ctx := context.Background()
	w := Random(t, newEvents(), 12, 10, 80)
	recs := w.All(t)
	half := recs[:len(recs)/2]
	stale := newStore(t) // what a slow process would write: the first half
	FeedLive(t, stale, half, 2)
	store := Rebuilt(t, newStore, w)
	want := Dump(t, store, w)
	var batches []projections.Batch
	for _, n := range projections.Names() {
		b, err := stale.Load(ctx, n, ids(w, n))
		check(t, err)
		b.Projection, b.Position = n, half[len(half)-1].Position
		batches = append(batches, b)
	}
	check(t, store.Commit(ctx, batches))
	if got := Dump(t, store, w); got != want {
		t.Fatalf("a stale commit set rows back:\n%s", firstDiff(want, got))
	}
}

// ticketProjections names the projections that keep a row per ticket.
func ticketProjections() []string {
	var out []string
	for _, p := range projections.Catalogue() {
		if p.Reads() == projections.TicketStreams {
			out = append(out, p.Name())
		}
	}
	return out
}

func ids(w *World, name string) []uuid.UUID {
	var out []uuid.UUID
	if def, _ := projections.Lookup(name); def.Reads() == projections.AgentStreams {
		for _, a := range w.Agents {
			out = append(out, a.ID)
		}
		return out
	}
	for _, tk := range w.Tickets {
		out = append(out, tk.Ticket.ID)
	}
	return out
}
