package projections

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
)

// isolate handles a commit that failed with ErrUnstorable: each projection drops what
// it had applied and not committed, and projects the same records again from the event
// store, committing them in pieces that halve on every such failure, down to the single
// record, which is skipped and recorded (skipOne). It stops at the first transient
// error, each projection then standing at a commit of its own (a later Follow reads the
// rest from the event store; a catch-up fails, as on any transient error). The caller
// holds commitMu and mu.
func (e *Engine) isolate(ctx context.Context) error {
	if e.events == nil {
		return fmt.Errorf("projection: no event store to isolate the failing record in")
	}
	for _, p := range e.projs {
		upto := p.pos
		p.rewind()
		err := e.replay(ctx, p, upto)
		e.announce()
		if err != nil {
			return err
		}
	}
	e.pending = 0
	return nil
}

// replay projects the records after p's committed position up to upto into p, committing
// as it goes: pieces start (and grow back, after the refused record) at CommitEvery
// records, so that a rebuild's single commit refused near its end costs a few dozen
// commits, not one per CatchUpBatch.
func (e *Engine) replay(ctx context.Context, p *proj, upto uint64) error {
	size := CommitEvery
	for p.pos < upto {
		recs, err := e.events.ReadAll(ctx, p.pos, size)
		if err != nil {
			return fmt.Errorf("read the event store: %w", err)
		}
		for len(recs) > 0 && recs[len(recs)-1].Position > upto {
			recs = recs[:len(recs)-1]
		}
		if len(recs) == 0 {
			return nil // the store has no more: nothing was applied past it
		}
		err = e.commitPiece(ctx, p, recs, nil)
		switch {
		case err == nil:
			size = min(2*size, CommitEvery)
		case !Unstorable(err):
			return err
		case len(recs) > 1:
			size = len(recs) / 2
		default:
			if err := e.skipOne(ctx, p, recs[0], err); err != nil {
				return err
			}
		}
	}
	return nil
}

// skipOne commits rec as failed for p: its row moved to rec's version without rec's
// change, or, when even that row cannot be stored, no row at all.
func (e *Engine) skipOne(ctx context.Context, p *proj, rec application.Record, cause error) error {
	err := e.commitPiece(ctx, p, []application.Record{rec}, cause)
	if err == nil || !Unstorable(err) {
		return err
	}
	r := rec
	p.failures = []Failure{{Projection: p.name, Position: r.Position, EventID: r.ID, Stream: r.Stream, Type: r.Type, Error: cause.Error()}}
	p.failures[0].FailedAt = nowUTC()
	p.pos, p.lastAt = r.Position, r.Meta.OccurredAt
	return e.commitProj(ctx, p)
}

// commitPiece applies recs to p alone and commits; with skip set, the one record is
// recorded as failed with that cause instead of applied.
func (e *Engine) commitPiece(ctx context.Context, p *proj, recs []application.Record, skip error) error {
	ds := decodeAll(recs, p.pos)
	if err := p.fill(ctx, e.w, ds); err != nil {
		p.rewind()
		return fmt.Errorf("load %s rows: %w", p.name, err)
	}
	for i := range ds {
		d := &ds[i]
		if skip != nil {
			p.skip(d, fmt.Errorf("the read model cannot store it: %w", skip))
			p.pos, p.lastAt = d.rec.Position, d.rec.Meta.OccurredAt
			continue
		}
		if err := p.apply(d, true); err != nil {
			p.rewind()
			return err
		}
	}
	return e.commitProj(ctx, p)
}

// commitProj commits what p alone has pending; on failure p drops it (rewind).
func (e *Engine) commitProj(ctx context.Context, p *proj) error {
	b := p.batch()
	b.Fresh = false
	if err := e.w.Commit(ctx, []Batch{b}); err != nil {
		p.rewind()
		return fmt.Errorf("commit projection %s: %w", p.name, err)
	}
	t := taken{p: p, dirty: p.dirty, timeline: p.timeline, pos: p.pos, failures: p.failures}
	p.dirty, p.timeline, p.failures = map[uuid.UUID]struct{}{}, nil, nil
	t.committed(e.keep)
	e.report(p, t.failures)
	return nil
}

// rewind drops what p applied and has not committed, and its cached rows (some were
// changed by what it drops): it stands at its last commit again, its misses loaded.
func (p *proj) rewind() {
	p.reset()
	p.pos, p.complete = p.committed, false
}
