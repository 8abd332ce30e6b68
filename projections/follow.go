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
	e.mu.Lock()
	err := e.follow(ctx, es, rec, prev)
	full := e.pending >= e.MaxPending
	e.mu.Unlock()
	if err != nil || !full {
		return err
	}
	return e.Flush(ctx) // outside mu: records keep being applied while it commits
}

func (e *Engine) follow(ctx context.Context, es application.EventStore, rec application.Record, prev uint64) error {
	if rec.Position <= e.position() {
		return nil
	}
	for e.position() < prev {
		recs, err := es.ReadAll(ctx, e.position(), CatchUpBatch)
		if err != nil {
			return fmt.Errorf("read the event store: %w", err)
		}
		n := 0
		for n < len(recs) && recs[n].Position < rec.Position {
			n++
		}
		if err := e.apply(ctx, recs[:n]); err != nil {
			return err
		}
		if n < len(recs) || len(recs) == 0 {
			break
		}
	}
	return e.apply(ctx, []application.Record{rec})
}
