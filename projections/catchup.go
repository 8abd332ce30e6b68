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
// and of a rebuild) and commits, until the store has no more. One goroutine reads and
// decodes the next batches while this one applies, so a start uses both of a small
// machine's cores. Rows stay cached while it runs, so each row is loaded at most once,
// unless the writer holds its rows in memory (RowsInMemory): then a load costs nothing,
// and keeping every row twice would double the memory a start needs. It returns how
// many records it read.
func (e *Engine) CatchUp(ctx context.Context, store application.EventStore) (int, error) {
	e.mu.Lock()
	keep := e.keep
	e.keep, e.catchingUp = !e.inMemory, true
	e.events = store
	from := e.position()
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.keep, e.catchingUp = keep, false
		e.mu.Unlock()
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the reader when applying fails
	ahead := make(chan fetched, 2)
	go readAhead(ctx, store, from, ahead)
	read := 0
	for f := range ahead {
		if f.err != nil {
			return read, f.err
		}
		if err := e.catchUpBatch(ctx, f.ds); err != nil {
			return read, err
		}
		read += f.n
		if e.OnProgress != nil {
			e.OnProgress(read)
		}
	}
	if err := ctx.Err(); err != nil {
		return read, err
	}
	return read, e.finishCatchUp(ctx, keep)
}

// fetched is one batch read ahead: n records read, the decoded ones past the start.
type fetched struct {
	ds  []decoded
	n   int
	err error
}

// readAhead reads and decodes the store's records after `after` in batches until it
// has no more (then it closes out), ctx ends, or a read fails (sent, then closed).
func readAhead(ctx context.Context, store application.EventStore, after uint64, out chan<- fetched) {
	defer close(out)
	for {
		recs, err := store.ReadAll(ctx, after, CatchUpBatch)
		var f fetched
		if err != nil {
			f.err = fmt.Errorf("read the event store: %w", err)
		} else if len(recs) == 0 {
			return
		} else {
			f.n = len(recs)
			f.ds = decodeAll(recs, after)
			after = recs[len(recs)-1].Position
		}
		select {
		case out <- f:
		case <-ctx.Done():
			return
		}
		if f.err != nil {
			return
		}
	}
}

// catchUpBatch applies one batch read ahead and commits when enough is pending.
func (e *Engine) catchUpBatch(ctx context.Context, ds []decoded) error {
	e.mu.Lock()
	err := e.applyDecoded(ctx, ds)
	full := e.pending >= CommitEvery && (e.inMemory || !e.fromZero())
	e.mu.Unlock()
	if err != nil || !full {
		return err
	}
	return e.Flush(ctx)
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
