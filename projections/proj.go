package projections

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
)

// proj is one projection inside an engine: its cached rows (those touched recently, up
// to RetainRows past a commit, or, while complete, every row it has), the rows changed
// since the last commit, and the positions it has applied and committed. What a row is
// and how it folds is the projection's (def); the engine only keys, versions and keeps
// rows.
type proj struct {
	def       Projection
	app       Appender // def, when it appends rows too; else nil
	name      string
	pos       uint64 // applied, in memory
	committed uint64 // written to the store
	lastAt    time.Time
	// complete: the cache holds every row the store has, so a miss is a new row. True
	// for a projection that started from position 0 and whose cache was never dropped.
	complete bool
	rows     map[uuid.UUID]Row
	dirty    map[uuid.UUID]struct{}
	appended Appended  // rows appended since the last commit (Appender)
	held     []Row     // and before them, rows appended before a commit that failed
	failures []Failure // records skipped since the last commit (failure.go)
	failed   uint64    // records skipped and committed by this process
}

func newProj(def Projection, pos uint64) *proj {
	p := &proj{def: def, name: def.Name(), pos: pos, committed: pos, complete: pos == 0}
	p.app, _ = def.(Appender)
	p.reset()
	return p
}

// reset drops the cached rows; the store then answers misses.
func (p *proj) reset() {
	p.rows = map[uuid.UUID]Row{}
	p.clearPending()
}

// clearPending starts new, empty pending sets (the old ones are taken out, or dropped).
func (p *proj) clearPending() {
	p.dirty = map[uuid.UUID]struct{}{}
	p.appended, p.held, p.failures = nil, nil, nil
}

// appendedRows are the rows appended since the last commit, in order.
func (p *proj) appendedRows() []Row {
	if p.appended == nil {
		return p.held
	}
	rows := make([]Row, len(p.held), len(p.held)+p.appended.Len())
	copy(rows, p.held)
	for i := range p.appended.Len() {
		rows = append(rows, p.appended.Row(i))
	}
	return rows
}

// reads reports whether the projection folds the streams of d's kind.
func (p *proj) reads(d *Event) bool { return d.Kind != NoStream && d.Kind == p.def.Reads() }

// wants reports whether the projection has a row for d: it reads this aggregate kind,
// and d decoded, or did not but names its aggregate (skip moves that row's version).
func (p *proj) wants(d *Event) bool {
	return (d.Data != nil || d.fail != nil && d.ID != uuid.Nil) && p.reads(d)
}

func (p *proj) cached(id uuid.UUID) bool { return p.rows[id] != nil }

// fill loads the missing rows of a batch of records in one store call. A complete
// projection has nothing to load: a miss is a new row; so is the row of a record that
// starts its stream (version 0), which saves a round trip per new ticket.
func (p *proj) fill(ctx context.Context, w Writer, recs []Event) error {
	if p.complete {
		return nil
	}
	var missing []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for i := range recs {
		d := &recs[i]
		if d.Record.Position <= p.pos || !p.wants(d) || seen[d.ID] || p.cached(d.ID) {
			continue
		}
		if d.Record.Version == 0 { // it starts its stream: no row can exist, none to load
			p.rows[d.ID] = p.def.Empty(d.ID)
			continue
		}
		seen[d.ID] = true
		missing = append(missing, d.ID)
	}
	if len(missing) == 0 {
		return nil
	}
	stored, err := w.Load(ctx, p.name, missing)
	if err != nil {
		return err
	}
	p.def.Detach(stored.Rows) // the engine folds its rows on; the store keeps its own
	for _, r := range stored.Rows {
		p.rows[p.def.Key(r)] = r
	}
	for _, id := range missing {
		if !p.cached(id) {
			p.rows[id] = p.def.Empty(id)
		}
	}
	return nil
}

// apply folds one record into the projection's row; duplicates change nothing. A record
// that does not decode or whose fold panics is skipped and recorded (skip). A gap in
// the stream's versions is an error (a record was lost on the way and is delivered
// again) unless ordered: the records come from the event store in its order, gaps in
// positions filled from it (CatchUp, FollowBatch), so none can be missing and the row
// itself is wrong; the record is then skipped and recorded too, and the row follows.
func (p *proj) apply(d *Event, ordered bool) error {
	if d.Record.Position <= p.pos {
		return nil
	}
	switch {
	case d.fail != nil && p.reads(d):
		p.skip(d, d.fail)
	case p.wants(d):
		if err := p.fold(d); errors.Is(err, ErrGap) && !ordered {
			return err
		} else if err != nil {
			p.skip(d, err)
		}
	}
	p.pos, p.lastAt = d.Record.Position, d.At()
	return nil
}

// row is the projection's row of d's aggregate: a miss is a new row (complete), or one
// fill found not stored.
func (p *proj) row(d *Event) Row {
	r := p.rows[d.ID]
	if r == nil {
		r = p.def.Empty(d.ID)
		p.rows[d.ID] = r
	}
	return r
}

func (p *proj) applyRow(d *Event) error {
	r := p.row(d)
	ok, err := next(p.def.Version(r), d.Record.Version, d.Record)
	if !ok || err != nil {
		return err
	}
	p.rows[d.ID] = p.def.Fold(r, d)
	if p.app != nil {
		p.appended = p.app.Append(p.appended, d)
	}
	p.dirty[d.ID] = struct{}{}
	return nil
}

// batch is what changed since the last commit, its rows the store's own (Detach).
func (p *proj) batch() Batch {
	b := Batch{Projection: p.name, Position: p.pos, Appended: p.appendedRows(), Failures: p.failures,
		IntoEmpty: p.complete && p.committed == 0}
	// In key order: two processes committing the same rows lock them in the same order.
	ids := make([]uuid.UUID, 0, len(p.dirty))
	for id := range p.dirty {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	b.Rows = make([]Row, len(ids))
	for i, id := range ids {
		b.Rows[i] = p.rows[id]
	}
	p.def.Detach(b.Rows)
	return b
}
