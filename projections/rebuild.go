package projections

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// RebuildStats says what a rebuild did.
type RebuildStats struct {
	Projection string        `json:"projection"`
	Events     int           `json:"events"`
	Position   uint64        `json:"position"`
	Took       time.Duration `json:"-"`
	Seconds    float64       `json:"seconds"`
}

// Rebuild rebuilds projection name from position 0 into new rows beside the live ones
// (store.RebuildWriter) while live keeps serving, then swaps them in: it catches up once without
// stopping live, then pauses live, catches up the last records, swaps (atomically, in
// the store) and resumes live from the rebuilt position. live may be nil when no engine
// runs in this process (ticketctl); an engine elsewhere then skips, by row version, what
// the rebuild already holds. progress, if not nil, hears the events read so far.
func Rebuild(ctx context.Context, es eventlog.EventStore, store Store, live *Engine, name string, progress func(events int)) (RebuildStats, error) {
	start := time.Now()
	if !Known(name) {
		return RebuildStats{}, fmt.Errorf("%w: no projection is named %q", application.ErrNotFound, name)
	}
	rebuilt, err := store.RebuildWriter(ctx, name)
	if err != nil {
		return RebuildStats{}, fmt.Errorf("rebuild %s: %w", name, err)
	}
	e, err := NewEngine(ctx, rebuilt, name)
	if err != nil {
		return RebuildStats{}, err
	}
	e.keep = true
	n := 0
	if progress != nil {
		e.OnProgress = func(read int) { progress(n + read) }
	}
	n, err = e.CatchUp(ctx, es)
	if err != nil {
		return RebuildStats{}, err
	}
	swap := func() (uint64, error) {
		m, err := e.CatchUp(ctx, es)
		n += m
		if err != nil {
			return 0, err
		}
		return e.Position(), store.Swap(ctx, name, rebuilt)
	}
	var pos uint64
	if live != nil {
		pos, err = live.replace(name, swap)
	} else {
		pos, err = swap()
	}
	if err != nil {
		return RebuildStats{}, fmt.Errorf("rebuild %s: %w", name, err)
	}
	took := time.Since(start)
	return RebuildStats{Projection: name, Events: n, Position: pos, Took: took, Seconds: took.Seconds()}, nil
}

// replace pauses the engine while swap runs, then continues projection name from the
// rebuilt rows at the position swap returns: the relay's records up to it are skipped
// as duplicates, and the live rows it had cached are dropped. It holds commitMu too, so
// no live commit is in flight across the swap.
func (e *Engine) replace(name string, swap func() (uint64, error)) (uint64, error) {
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	pos, err := swap()
	if err != nil {
		return 0, err
	}
	for _, p := range e.projs {
		if p.name == name {
			p.reset()
			p.pos, p.committed, p.complete = pos, pos, false
		}
	}
	e.announce()
	return pos, nil
}
