package projections

import (
	"context"
	"fmt"

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
	e.keep, e.catchingUp = true, true
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.keep, e.catchingUp = keep, false
		e.mu.Unlock()
	}()
	read := 0
	for {
		n, err := e.catchUpBatch(ctx, store)
		read += n
		if e.OnProgress != nil && n > 0 {
			e.OnProgress(read)
		}
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
	n, full, err := e.catchUpApply(ctx, store)
	e.mu.Unlock()
	if err != nil || !full {
		return n, err
	}
	return n, e.Flush(ctx)
}

// catchUpApply reads and applies one batch; full: enough is pending to commit.
func (e *Engine) catchUpApply(ctx context.Context, store application.EventStore) (int, bool, error) {
	recs, err := store.ReadAll(ctx, e.position(), CatchUpBatch)
	if err != nil {
		return 0, false, fmt.Errorf("read the event store: %w", err)
	}
	if err := e.apply(ctx, recs); err != nil {
		return 0, false, err
	}
	return len(recs), e.pending >= CommitEvery && !e.fromZero(), nil
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
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	e.mu.Lock()
	e.keep = keep
	e.mu.Unlock()
	return e.flush(ctx)
}
