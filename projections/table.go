package projections

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// proj is one projection inside an engine: its cached rows (those touched recently, up
// to RetainRows past a commit, or, while complete, every row it has), the rows changed
// since the last commit, and the positions it has applied and committed.
// Ticket snapshots are held by pointer and never changed in place: a fold makes a new
// one, which the queue and portal projections share.
type proj struct {
	name      string
	pos       uint64 // applied, in memory
	committed uint64 // written to the store
	lastAt    time.Time
	// complete: the cache holds every row the store has, so a miss is a new row. True
	// for a projection that started from position 0 and whose cache was never dropped.
	complete bool
	tickets  map[uuid.UUID]*domain.TicketState
	facts    map[uuid.UUID]*KPIFact
	agents   map[uuid.UUID]*domain.AgentState
	dirty    map[uuid.UUID]struct{}
	timeline []PortalEntry
	failures []Failure // records skipped since the last commit (failure.go)
	failed   uint64    // records skipped and committed by this process
}

func newProj(name string, pos uint64) *proj {
	p := &proj{name: name, pos: pos, committed: pos, complete: pos == 0}
	p.reset()
	return p
}

// reset drops the cached rows; the store then answers misses.
func (p *proj) reset() {
	p.tickets = map[uuid.UUID]*domain.TicketState{}
	p.facts = map[uuid.UUID]*KPIFact{}
	p.agents = map[uuid.UUID]*domain.AgentState{}
	p.dirty = map[uuid.UUID]struct{}{}
	p.timeline = nil
	p.failures = nil
}

// wants reports whether the projection has a row for d: it reads this aggregate kind,
// and d decoded, or did not but names its aggregate (skip moves that row's version).
func (p *proj) wants(d *decoded) bool {
	return (d.event != nil || d.fail != nil && d.id != uuid.Nil) && d.agent == (p.name == Agents)
}

func (p *proj) cached(id uuid.UUID) bool {
	switch p.name {
	case KPI:
		return p.facts[id] != nil
	case Agents:
		return p.agents[id] != nil
	}
	return p.tickets[id] != nil
}

// fill loads the missing rows of a batch of records in one store call. A complete
// projection has nothing to load: a miss is a new row; so is the row of a record that
// starts its stream (version 0), which saves a round trip per new ticket.
func (p *proj) fill(ctx context.Context, w Writer, recs []decoded) error {
	if p.complete {
		return nil
	}
	var missing []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for i := range recs {
		d := &recs[i]
		if d.rec.Position <= p.pos || !p.wants(d) || seen[d.id] || p.cached(d.id) {
			continue
		}
		if d.rec.Version == 0 { // it starts its stream: no row can exist, none to load
			p.putEmpty(d.id)
			continue
		}
		seen[d.id] = true
		missing = append(missing, d.id)
	}
	if len(missing) == 0 {
		return nil
	}
	stored, err := w.Load(ctx, p.name, missing)
	if err != nil {
		return err
	}
	p.put(stored)
	for _, id := range missing {
		if !p.cached(id) {
			p.putEmpty(id)
		}
	}
	return nil
}

// putEmpty caches the row of an aggregate before its first event.
func (p *proj) putEmpty(id uuid.UUID) {
	switch p.name {
	case KPI:
		p.facts[id] = &KPIFact{State: emptyTicket()}
	case Agents:
		a := emptyAgent()
		p.agents[id] = &a
	default:
		t := emptyTicket()
		p.tickets[id] = &t
	}
}

func (p *proj) put(b Batch) {
	for i := range b.Tickets {
		p.tickets[b.Tickets[i].ID] = &b.Tickets[i]
	}
	for i := range b.Facts {
		p.facts[b.Facts[i].State.ID] = &b.Facts[i]
	}
	for i := range b.Agents {
		p.agents[b.Agents[i].ID] = &b.Agents[i]
	}
}

// apply folds one record into the projection's row; duplicates change nothing. A record
// that does not decode or whose fold panics is skipped and recorded (skip). A gap in
// the stream's versions is an error (a record was lost on the way and is delivered
// again) unless ordered: the records come from the event store in its order, gaps in
// positions filled from it (CatchUp, FollowBatch), so none can be missing and the row
// itself is wrong; the record is then skipped and recorded too, and the row follows.
func (p *proj) apply(d *decoded, ordered bool) error {
	if d.rec.Position <= p.pos {
		return nil
	}
	switch {
	case d.fail != nil && d.agent == (p.name == Agents):
		p.skip(d, d.fail)
	case p.wants(d):
		if err := p.fold(d); errors.Is(err, ErrGap) && !ordered {
			return err
		} else if err != nil {
			p.skip(d, err)
		}
	}
	p.pos, p.lastAt = d.rec.Position, d.rec.Meta.OccurredAt
	return nil
}

// version is the stream version the projection's row of d's aggregate has applied.
func (p *proj) version(d *decoded) int64 {
	if !p.cached(d.id) {
		p.putEmpty(d.id) // complete: a new row; otherwise fill has loaded what exists
	}
	switch p.name {
	case KPI:
		return p.facts[d.id].State.Version
	case Agents:
		return p.agents[d.id].Version
	}
	return p.tickets[d.id].Version
}

func (p *proj) applyRow(d *decoded) error {
	ok, err := next(p.version(d), d.rec.Version, d.rec)
	if !ok || err != nil {
		return err
	}
	at := d.rec.Meta.OccurredAt
	switch p.name {
	case KPI: // facts and agents are this projection's alone: folded in place
		f := p.facts[d.id]
		*f = kpiStep(*f, d.event, at, *d.ticketAfter(&f.State))
	case Agents:
		a := p.agents[d.id]
		*a = ApplyAgent(*a, d.event)
	case Portal:
		p.tickets[d.id] = d.ticketAfter(p.tickets[d.id])
		if e, ok := PortalEntryFor(d.id, d.rec.Version, d.event, at); ok {
			p.timeline = append(p.timeline, e)
		}
	default:
		p.tickets[d.id] = d.ticketAfter(p.tickets[d.id])
	}
	p.dirty[d.id] = struct{}{}
	return nil
}

// batch is what changed since the last commit.
func (p *proj) batch() Batch {
	b := Batch{Projection: p.name, Position: p.pos, Timeline: p.timeline, Failures: p.failures, Fresh: p.complete && p.committed == 0}
	switch p.name {
	case KPI:
		b.Facts = make([]KPIFact, 0, len(p.dirty))
	case Agents:
		b.Agents = make([]domain.AgentState, 0, len(p.dirty))
	default:
		b.Tickets = make([]domain.TicketState, 0, len(p.dirty))
	}
	// In key order: two processes committing the same rows lock them in the same order.
	ids := make([]uuid.UUID, 0, len(p.dirty))
	for id := range p.dirty {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	for _, id := range ids {
		switch p.name {
		case KPI:
			b.Facts = append(b.Facts, *p.facts[id])
		case Agents:
			b.Agents = append(b.Agents, *p.agents[id])
		default:
			b.Tickets = append(b.Tickets, *p.tickets[id])
		}
	}
	return b
}
