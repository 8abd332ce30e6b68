package readmodeltest

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

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
