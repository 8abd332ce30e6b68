package projections

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// CatchUp indexes every stored record after the indexer's position straight from the
// event store (the engine's read-ahead, no bus), committing every CommitEvery records
// and at the end. It returns how many records it read.
func (x *SearchIndexer) CatchUp(ctx context.Context, es eventlog.EventStore) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the reader when a commit fails
	ahead := make(chan fetched, 2)
	go readAhead(ctx, es, x.Position(), ahead)
	read := 0
	for f := range ahead {
		if f.err != nil {
			return read, f.err
		}
		x.mu.Lock()
		x.apply(f.ds)
		full := x.pending >= CommitEvery
		x.mu.Unlock()
		read += f.n
		if full {
			if err := x.Flush(ctx); err != nil {
				return read, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return read, err
	}
	return read, x.flush(ctx, true)
}

// FollowBatch indexes a run of records from the bus, recs following each other in the
// store's order and prev the position before recs[0], as Engine.FollowBatch: what the
// indexer has is skipped, a gap before the run is read from the event store first, and
// MaxPending records pending commit at once. During a Rebuild it leaves the records to
// the rebuild's catch-up.
func (x *SearchIndexer) FollowBatch(ctx context.Context, es eventlog.EventStore, recs []eventlog.Record, prev uint64) error {
	x.mu.Lock()
	err := x.follow(ctx, es, recs, prev)
	full := x.pending >= x.MaxPending
	x.mu.Unlock()
	if err != nil || !full {
		return err
	}
	return x.Flush(ctx)
}

func (x *SearchIndexer) follow(ctx context.Context, es eventlog.EventStore, recs []eventlog.Record, prev uint64) error {
	if x.building {
		return nil
	}
	for len(recs) > 0 && recs[0].Position <= x.pos {
		prev, recs = recs[0].Position, recs[1:]
	}
	if len(recs) == 0 {
		return nil
	}
	for x.pos < prev {
		got, err := es.ReadAll(ctx, x.pos, CatchUpBatch)
		if err != nil {
			return fmt.Errorf("read the event store: %w", err)
		}
		if len(got) == 0 {
			break
		}
		x.apply(decodeAll(got, x.pos)) // records at or past recs[0] are skipped below by position
	}
	x.apply(decodeAll(recs, x.pos))
	return nil
}

// Rebuild empties the index and indexes the event store again from position 0, while
// the live path leaves records to it; at the end it indexes, with the live path held,
// what was stored meanwhile. The index answers from what it has while it runs.
func (x *SearchIndexer) Rebuild(ctx context.Context, es eventlog.EventStore) (RebuildStats, error) {
	start := time.Now()
	err := x.reset(ctx, true)
	defer func() {
		x.mu.Lock()
		x.building = false
		x.mu.Unlock()
	}()
	if err != nil {
		return RebuildStats{}, fmt.Errorf("rebuild %s: %w", SearchName, err)
	}
	n, err := x.CatchUp(ctx, es)
	if err != nil {
		return RebuildStats{}, fmt.Errorf("rebuild %s: %w", SearchName, err)
	}
	// What the live path skipped while building was stored before it arrived, so before
	// this last read, made with the live path held (mu).
	x.mu.Lock()
	for {
		got, err := es.ReadAll(ctx, x.pos, CatchUpBatch)
		if err != nil || len(got) == 0 {
			x.building = false
			x.mu.Unlock()
			if err != nil {
				return RebuildStats{}, fmt.Errorf("rebuild %s: %w", SearchName, err)
			}
			break
		}
		n += len(got)
		x.apply(decodeAll(got, x.pos))
	}
	if err := x.flush(ctx, true); err != nil {
		return RebuildStats{}, fmt.Errorf("rebuild %s: %w", SearchName, err)
	}
	took := time.Since(start)
	return RebuildStats{Projection: SearchName, Events: n, Position: x.Position(), Took: took, Seconds: took.Seconds()}, nil
}

// Reset empties the index and starts the projection again from position 0.
func (x *SearchIndexer) Reset(ctx context.Context) error { return x.reset(ctx, false) }

func (x *SearchIndexer) reset(ctx context.Context, building bool) error {
	x.commitMu.Lock()
	defer x.commitMu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.index.Reset(ctx); err != nil {
		return err
	}
	x.pos, x.durable, x.commit, x.batch, x.docPos, x.pending = 0, 0, 0, SearchBatch{}, nil, 0
	x.building = building
	return nil
}
