package readmodeltest

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/projections"
)

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
	AssertSameAsRebuilt(t, store, newStore, w, "live after a rebuild")
	if _, err := svc.Rebuild(ctx, "nope"); err == nil {
		t.Fatal("rebuilding an unknown projection succeeded")
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
