package projections

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/application"
)

// CatchUpBatch is how many records CatchUp reads from the event store at once, and
// CommitEvery how many it applies between commits: large, because a rebuild keeps its
// whole state in memory and each commit is one transaction of multi-row writes.
const (
	CatchUpBatch = 4096
	CommitEvery  = 50_000
)

// CatchUp applies every stored record after the engine's position straight from the
// event store (ReadAll in batches, no bus in between: this is the fast path of a start
// and of a rebuild) and commits, until the store has no more. Rows stay cached while it
// runs, so each row is loaded at most once. It returns how many records it read.
func (e *Engine) CatchUp(ctx context.Context, store application.EventStore) (int, error) {
	e.mu.Lock()
	keep := e.keep
	e.keep = true
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.keep = keep
		e.mu.Unlock()
	}()
	read := 0
	for {
		n, err := e.catchUpBatch(ctx, store)
		read += n
		if err != nil || n == 0 {
			if err == nil {
				err = e.finishCatchUp(ctx, keep)
			}
			return read, err
		}
	}
}

func (e *Engine) catchUpBatch(ctx context.Context, store application.EventStore) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	recs, err := store.ReadAll(ctx, e.position(), CatchUpBatch)
	if err != nil {
		return 0, fmt.Errorf("read the event store: %w", err)
	}
	if err := e.apply(ctx, recs); err != nil {
		return 0, err
	}
	if e.pending >= CommitEvery && !e.fromZero() {
		return len(recs), e.flush(ctx)
	}
	return len(recs), nil
}

// fromZero: every projection is being built from position 0 into empty rows (a
// rebuild), so its whole state is in memory anyway and committing once, at the end,
// writes each row once (and, into fresh tables, without conflict checks).
func (e *Engine) fromZero() bool {
	for _, p := range e.projs {
		if !p.complete || p.committed != 0 {
			return false
		}
	}
	return true
}

// finishCatchUp commits the rest and, for an engine that does not keep its rows, drops them.
func (e *Engine) finishCatchUp(ctx context.Context, keep bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.keep = keep
	return e.flush(ctx)
}

// RebuildStats says what a rebuild did.
type RebuildStats struct {
	Projection string        `json:"projection"`
	Events     int           `json:"events"`
	Position   uint64        `json:"position"`
	Took       time.Duration `json:"-"`
	Seconds    float64       `json:"seconds"`
}

// Rebuild rebuilds projection name from position 0 into fresh rows beside the live ones
// (store.Fresh) while live keeps serving, then swaps them in: it catches up once without
// stopping live, then pauses live, catches up the last records, swaps (atomically, in
// the store) and resumes live from the rebuilt position. live may be nil when no engine
// runs in this process.
func Rebuild(ctx context.Context, es application.EventStore, store Store, live *Engine, name string) (RebuildStats, error) {
	start := time.Now()
	if !Known(name) {
		return RebuildStats{}, fmt.Errorf("%w: no projection is named %q", application.ErrNotFound, name)
	}
	fresh, err := store.Fresh(ctx, name)
	if err != nil {
		return RebuildStats{}, fmt.Errorf("fresh %s: %w", name, err)
	}
	e, err := NewEngine(ctx, fresh, name)
	if err != nil {
		return RebuildStats{}, err
	}
	e.keep = true
	n, err := e.CatchUp(ctx, es)
	if err != nil {
		return RebuildStats{}, err
	}
	swap := func() (uint64, error) {
		m, err := e.CatchUp(ctx, es)
		n += m
		if err != nil {
			return 0, err
		}
		return e.Position(), store.Swap(ctx, name, fresh)
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
// as duplicates, and the live rows it had cached are dropped.
func (e *Engine) replace(name string, swap func() (uint64, error)) (uint64, error) {
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
	close(e.notify)
	e.notify = make(chan struct{})
	return pos, nil
}
