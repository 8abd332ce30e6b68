package projections

import (
	"context"
	"fmt"
)

// searchStandby is the SearchIndexer's standby mark (SetStandby).
type searchStandby struct{ on bool }

// Standby and Reload serve several nodes sharing one read-model store (PostgreSQL): one
// node at a time projects into it, under a lease (docs/SCALING.md); the others serve
// reads from the same tables.

// SetStandby marks the engine as not projecting (another node does, into the same
// store): the read side then waits for the store's checkpoints, not for this engine's
// commits, which do not happen. An engine starts active.
func (e *Engine) SetStandby(standby bool) {
	e.waitMu.Lock()
	defer e.waitMu.Unlock()
	e.standby = standby
}

// Reload starts the engine again from the store's checkpoints, dropping its cached rows
// and what it applied but did not commit: another node projected into the store meanwhile,
// so the store, not this engine's memory, says where each projection stands.
func (e *Engine) Reload(ctx context.Context) error {
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, p := range e.projs {
		pos, err := e.w.Checkpoint(ctx, p.name)
		if err != nil {
			return fmt.Errorf("checkpoint of %s: %w", p.name, err)
		}
		e.projs[i] = newProj(p.def, pos)
	}
	e.pending = 0
	e.announce()
	return nil
}

// Reload starts the indexer again from the index's checkpoint, dropping what it applied
// but did not commit (see Engine.Reload).
func (x *SearchIndexer) Reload(ctx context.Context) error {
	x.commitMu.Lock()
	defer x.commitMu.Unlock()
	pos, err := x.index.Checkpoint(ctx)
	if err != nil {
		return fmt.Errorf("search checkpoint: %w", err)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.pos, x.durable, x.commit = pos, pos, pos
	x.batch, x.docPos, x.pending = SearchBatch{}, nil, 0
	return nil
}

// SetStandby marks the indexer as not indexing (another node indexes into the same
// index): its lag is then the index's stored checkpoint's, not this indexer's.
func (x *SearchIndexer) SetStandby(standby bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.standby.on = standby
}

// committed is what the index holds: the indexer's commit, or the stored checkpoint
// when another node indexes (SetStandby).
func (x *SearchIndexer) committed(ctx context.Context) (uint64, error) {
	x.mu.Lock()
	standby, pos := x.standby.on, x.commit
	x.mu.Unlock()
	if !standby {
		return pos, nil
	}
	return x.index.Checkpoint(ctx)
}

// standingBy reports whether another node indexes (SetStandby).
func (x *SearchIndexer) standingBy() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.standby.on
}
