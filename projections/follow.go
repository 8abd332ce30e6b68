package projections

import (
	"context"
	"fmt"

	"github.com/ticketengine/ticketengine/application"
)

// Follow applies a record that arrived over a bus, where prev is the position of the
// record before it in the event store's global order (the relay knows it: it reads the
// store in order). When prev is past what the engine has applied, the bus skipped or
// reordered something (several processes' relays feeding one JetStream stream), and the
// missing records are read from the event store first. So the bus only has to be
// timely: order and completeness come from the store, and a record that arrives twice
// or late changes nothing.
func (e *Engine) Follow(ctx context.Context, es application.EventStore, rec application.Record, prev uint64) error {
	return e.FollowBatch(ctx, es, []application.Record{rec}, prev)
}

// FollowBatch is Follow for a run of records that follow each other in the event store's
// global order (as one ReadAll returns them), prev being the position of the record
// before recs[0]. They are applied in one step: each projection loads the rows the run
// needs and has not cached in one store call, where Follow would make one per record.
// What the engine has applied already is skipped, a gap before the run is read from the
// event store first, and nothing is written until the next commit (MaxPending records
// pending commit at once, as with Follow). When it fails, every record it applied stays
// applied and the rest are not: calling it again with the same run is harmless.
func (e *Engine) FollowBatch(ctx context.Context, es application.EventStore, recs []application.Record, prev uint64) error {
	e.mu.Lock()
	e.events = es
	err := e.follow(ctx, es, recs, prev)
	full := e.pending >= e.MaxPending
	e.mu.Unlock()
	if err != nil || !full {
		return err
	}
	return e.Flush(ctx) // outside mu: records keep being applied while it commits
}

func (e *Engine) follow(ctx context.Context, es application.EventStore, recs []application.Record, prev uint64) error {
	// Skip the run's head that every projection has: a redelivery.
	for len(recs) > 0 && recs[0].Position <= e.position() {
		prev, recs = recs[0].Position, recs[1:]
	}
	if len(recs) == 0 {
		return nil
	}
	first := recs[0].Position
	for e.position() < prev {
		got, err := es.ReadAll(ctx, e.position(), CatchUpBatch)
		if err != nil {
			return fmt.Errorf("read the event store: %w", err)
		}
		n := 0
		for n < len(got) && got[n].Position < first {
			n++
		}
		if n < len(got) || len(got) == 0 {
			// The gap ends in this read: apply it and the run together.
			return e.apply(ctx, append(got[:n:n], recs...))
		}
		if err := e.apply(ctx, got); err != nil {
			return err
		}
	}
	return e.apply(ctx, recs)
}
