package projections

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// taken is one projection's part of a commit in flight: what it held when the batch was
// taken out, to record on success or put back on failure.
type taken struct {
	p        *proj
	dirty    map[uuid.UUID]struct{}
	timeline []PortalEntry
	pos      uint64
	failures []Failure
}

// flush commits the pending rows; the caller holds commitMu, not mu. The rows stay
// cached until the commit has succeeded, so a record applied meanwhile never loads a
// row the store does not have yet; a failed commit puts the rows back as pending.
func (e *Engine) flush(ctx context.Context) error {
	e.mu.Lock()
	batches, out, n, keep := e.takeOut()
	e.mu.Unlock()
	if len(batches) == 0 {
		return nil
	}
	err := e.w.Commit(ctx, batches)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		for _, t := range out {
			t.putBack()
		}
		e.pending += n
		if Unstorable(err) && e.events != nil {
			// About the data: committing it again fails again. Find the record and skip it.
			if err := e.isolate(ctx); err != nil {
				return fmt.Errorf("commit projections: %w", err)
			}
			return nil
		}
		return fmt.Errorf("commit projections: %w", err)
	}
	for _, t := range out {
		t.committed(keep)
		e.report(t.p, t.failures)
	}
	e.announce()
	return nil
}

// takeOut makes the batches of what changed and starts new, empty pending sets.
func (e *Engine) takeOut() ([]Batch, []taken, int, bool) {
	var batches []Batch
	var out []taken
	for _, p := range e.projs {
		if p.pos > p.committed || len(p.dirty) > 0 || len(p.failures) > 0 {
			b := p.batch()
			// Only a catch-up's commit may count on no row existing yet: live, another
			// process projecting into the same tables may have written them meanwhile.
			b.Fresh = b.Fresh && e.catchingUp
			batches = append(batches, b)
			out = append(out, taken{p: p, dirty: p.dirty, timeline: p.timeline, pos: p.pos, failures: p.failures})
			p.dirty, p.timeline, p.failures = map[uuid.UUID]struct{}{}, nil, nil
		}
	}
	n := e.pending
	e.pending = 0
	return batches, out, n, e.keep
}

// putBack makes a failed commit's rows pending again, before those changed since.
func (t taken) putBack() {
	for id := range t.dirty {
		t.p.dirty[id] = struct{}{}
	}
	t.p.timeline = append(t.timeline, t.p.timeline...)
	t.p.failures = append(t.failures, t.p.failures...)
}

// RetainRows is how many cached rows a projection keeps across a live commit. Rows are
// deterministic folds of their stream, so a cached row stays right after its commit; the
// next event of a recently active ticket then needs no Load (one round trip per record
// and projection on the live path, for a store like PostgreSQL). Past this many the
// cache is dropped, to bound memory: small, because with the memory store these rows
// are a second copy (a few MB here), and the live path needs only the tickets being
// worked on right now.
const RetainRows = 2_000

// committed records a successful commit. Without keep, a cache past RetainRows is
// dropped, except the rows changed since the batch was taken out (not in the store yet)
// and the rows this commit wrote: the tickets being worked on right now, whose next
// events would otherwise each cost a Load.
func (t taken) committed(keep bool) {
	p := t.p
	p.committed = t.pos
	if keep {
		return
	}
	p.complete = false
	if len(p.tickets)+len(p.facts)+len(p.agents) <= RetainRows {
		return
	}
	tickets, facts, agents := p.tickets, p.facts, p.agents
	p.tickets, p.facts, p.agents = map[uuid.UUID]*domain.TicketState{}, map[uuid.UUID]*KPIFact{}, map[uuid.UUID]*domain.AgentState{}
	for _, ids := range []map[uuid.UUID]struct{}{p.dirty, t.dirty} {
		for id := range ids {
			if v, ok := tickets[id]; ok {
				p.tickets[id] = v
			}
			if v, ok := facts[id]; ok {
				p.facts[id] = v
			}
			if v, ok := agents[id]; ok {
				p.agents[id] = v
			}
		}
	}
}
