package readmodeltest

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/projections"
)

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
