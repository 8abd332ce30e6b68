package projections

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Engine applies records to a set of projections over one store. Each record is decoded
// once and folded into every projection that has not applied its position yet; rows are
// cached between commits, and a commit writes every projection's rows and checkpoint in
// one transaction. Records reach it from the relay (Handle, one at a time) or straight
// from the event store in batches (CatchUp), the fast path of a rebuild.
type Engine struct {
	// commitMu orders commits (one at a time, checkpoints only move forward) and is taken
	// before mu; mu guards the cached rows and positions and is not held while the store
	// commits, so records keep being applied during a commit.
	commitMu sync.Mutex
	mu       sync.Mutex
	w        Writer
	projs    []*proj
	keep     bool // keep rows cached after a commit (rebuilds: the cache is the whole state)
	inMemory bool // the writer's rows are in this process: loads are cheap (RowsInMemory)
	pending  int  // records applied since the last commit
	// catchingUp: CatchUp runs; only its commits may write a batch as IntoEmpty.
	catchingUp bool
	// waitMu guards what readers waiting for a commit look at, apart from mu, which is
	// held while records are applied (rows loaded from the store included).
	waitMu sync.Mutex
	notify chan struct{}
	done   map[string]uint64 // committed positions, as of the last announce
	// standby: another node projects into the store (SetStandby); readers wait for the
	// store's checkpoints, not for this engine.
	standby bool

	// events is the event store records are read again from when a commit fails with
	// ErrUnstorable (isolate.go); set by CatchUp and FollowBatch.
	events eventlog.EventStore

	// MaxPending is how many records Handle applies before it commits.
	MaxPending int
	// Log hears the records skipped as failed (slog.Default when nil).
	Log *slog.Logger
	// OnProgress, if set, hears how many records CatchUp has read so far.
	OnProgress func(read int)
}

// NewEngine starts the named projections from the checkpoints the store has.
func NewEngine(ctx context.Context, w Writer, names ...string) (*Engine, error) {
	if len(names) == 0 {
		names = Names()
	}
	e := &Engine{w: w, notify: make(chan struct{}), done: map[string]uint64{}, MaxPending: 1000}
	_, e.inMemory = w.(RowsInMemory)
	for _, n := range names {
		def, ok := Lookup(n)
		if !ok {
			return nil, fmt.Errorf("%w: no projection is named %q", application.ErrNotFound, n)
		}
		pos, err := w.Checkpoint(ctx, n)
		if err != nil {
			return nil, fmt.Errorf("checkpoint of %s: %w", n, err)
		}
		e.projs = append(e.projs, newProj(def, pos))
		e.done[n] = pos
	}
	return e, nil
}

// Apply folds records, in global order, into every projection of the engine. Nothing is
// written until Flush.
func (e *Engine) Apply(ctx context.Context, recs []eventlog.Record) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.apply(ctx, recs)
}

func (e *Engine) apply(ctx context.Context, recs []eventlog.Record) error {
	return e.applyDecoded(ctx, decodeAll(recs, e.position()))
}

// decodeAll decodes the records past position low (the ones before it every projection
// has: redeliveries). A record that does not decode is kept with its error, for the
// projections to skip and record. It reads nothing of the engine, so it may run outside
// its lock.
func decodeAll(recs []eventlog.Record, low uint64) []Event {
	ds := make([]Event, 0, len(recs))
	for _, r := range recs {
		if r.Position <= low {
			continue // every projection has it: a redelivery
		}
		d, ok, err := decode(r)
		if err != nil {
			d.fail = err
		} else if !ok {
			d = Event{Record: r} // no event: it only moves the positions
		}
		ds = append(ds, d)
	}
	return ds
}

// applyDecoded folds decoded records, in global order, into every projection that has
// not applied them yet.
func (e *Engine) applyDecoded(ctx context.Context, ds []Event) error {
	for _, p := range e.projs {
		if err := p.fill(ctx, e.w, ds); err != nil {
			return fmt.Errorf("load %s rows: %w", p.name, err)
		}
		for i := range ds {
			if err := p.apply(&ds[i], e.events != nil); err != nil {
				return fmt.Errorf("projection %s: %w", p.name, err)
			}
		}
	}
	e.pending += len(ds)
	return nil
}

// Handle applies one record (from the relay) and commits once MaxPending records wait.
func (e *Engine) Handle(ctx context.Context, rec eventlog.Record) error {
	e.mu.Lock()
	err := e.apply(ctx, []eventlog.Record{rec})
	full := e.pending >= e.MaxPending
	e.mu.Unlock()
	if err != nil || !full {
		return err
	}
	return e.Flush(ctx)
}

// Flush commits what was applied: rows and checkpoints, atomically. The engine's lock
// is held only to take the pending rows out and to record the result, not during the
// store's commit.
func (e *Engine) Flush(ctx context.Context) error {
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	return e.flush(ctx)
}

// FlushEvery commits pending records every interval until ctx ends, so that a quiet
// moment never leaves applied records unwritten for long; it commits once more at the end
// with stop, so a shutdown stops at a checkpoint, and returns that commit's error. A
// failed commit (the store unreachable for a moment) is reported to onErr and tried
// again at the next tick: the applied rows stay pending, and the lag shows it.
func (e *Engine) FlushEvery(ctx, stop context.Context, interval time.Duration, onErr func(error)) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return e.Flush(stop)
		case <-t.C:
			if err := e.Flush(ctx); err != nil && ctx.Err() == nil && onErr != nil {
				onErr(err)
			}
		}
	}
}

// Changed is closed at the next commit.
func (e *Engine) Changed() <-chan struct{} {
	e.waitMu.Lock()
	defer e.waitMu.Unlock()
	return e.notify
}

// announce tells readers the committed positions and wakes those waiting; the caller
// holds mu.
func (e *Engine) announce() {
	e.waitMu.Lock()
	defer e.waitMu.Unlock()
	for _, p := range e.projs {
		e.done[p.name] = p.committed
	}
	close(e.notify)
	e.notify = make(chan struct{})
}

// Position is the lowest position the engine's projections have applied: where the
// relay must start so that none misses a record.
func (e *Engine) Position() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.position()
}

func (e *Engine) position() uint64 {
	low := ^uint64(0)
	for _, p := range e.projs {
		low = min(low, p.pos)
	}
	return low
}

// committedOf is what projection name has committed; ok is false when the engine does
// not project it, or stands by while another node projects (SetStandby).
func (e *Engine) committedOf(name string) (uint64, bool) {
	e.waitMu.Lock()
	defer e.waitMu.Unlock()
	if e.standby {
		return 0, false
	}
	pos, ok := e.done[name]
	return pos, ok
}

// Progress is what one projection has applied and committed.
type Progress struct {
	Name       string
	Applied    uint64
	Committed  uint64
	OccurredAt time.Time // of the last applied record
	Failed     uint64    // records skipped as failed and committed, by this process
}

// Progress reports each projection's positions.
func (e *Engine) Progress() []Progress {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Progress, len(e.projs))
	for i, p := range e.projs {
		out[i] = Progress{Name: p.name, Applied: p.pos, Committed: p.committed, OccurredAt: p.lastAt, Failed: p.failed}
	}
	return out
}
