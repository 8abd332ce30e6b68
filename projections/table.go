package projections

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// proj is one projection inside an engine: its rows touched since the last commit (or,
// while complete, every row it has), and the positions it has applied and committed.
type proj struct {
	name      string
	pos       uint64 // applied, in memory
	committed uint64 // written to the store
	lastAt    time.Time
	// complete: the cache holds every row the store has, so a miss is a new row. True
	// for a projection that started from position 0 and whose cache was never dropped.
	complete bool
	tickets  map[uuid.UUID]domain.TicketState
	facts    map[uuid.UUID]KPIFact
	agents   map[uuid.UUID]domain.AgentState
	dirty    map[uuid.UUID]struct{}
	timeline []PortalEntry
}

func newProj(name string, pos uint64) *proj {
	p := &proj{name: name, pos: pos, committed: pos, complete: pos == 0}
	p.reset()
	return p
}

// reset drops the cached rows; the store then answers misses.
func (p *proj) reset() {
	p.tickets = map[uuid.UUID]domain.TicketState{}
	p.facts = map[uuid.UUID]KPIFact{}
	p.agents = map[uuid.UUID]domain.AgentState{}
	p.dirty = map[uuid.UUID]struct{}{}
	p.timeline = nil
}

// wants reports whether the projection reads this aggregate kind.
func (p *proj) wants(d *decoded) bool { return d.event != nil && d.agent == (p.name == Agents) }

func (p *proj) cached(id uuid.UUID) bool {
	switch p.name {
	case KPI:
		_, ok := p.facts[id]
		return ok
	case Agents:
		_, ok := p.agents[id]
		return ok
	}
	_, ok := p.tickets[id]
	return ok
}

// fill loads the missing rows of a batch of records in one store call.
func (p *proj) fill(ctx context.Context, w Writer, recs []decoded) error {
	var missing []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for i := range recs {
		d := &recs[i]
		if d.rec.Position <= p.pos || !p.wants(d) || seen[d.id] || p.cached(d.id) {
			continue
		}
		seen[d.id] = true
		missing = append(missing, d.id)
	}
	if len(missing) == 0 {
		return nil
	}
	var stored Batch
	if !p.complete {
		var err error
		if stored, err = w.Load(ctx, p.name, missing); err != nil {
			return err
		}
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
		p.facts[id] = KPIFact{State: emptyTicket()}
	case Agents:
		p.agents[id] = emptyAgent()
	default:
		p.tickets[id] = emptyTicket()
	}
}

func (p *proj) put(b Batch) {
	for _, s := range b.Tickets {
		p.tickets[s.ID] = s
	}
	for _, f := range b.Facts {
		p.facts[f.State.ID] = f
	}
	for _, a := range b.Agents {
		p.agents[a.ID] = a
	}
}

// apply folds one record into the projection's row; duplicates change nothing.
func (p *proj) apply(d *decoded) error {
	if d.rec.Position <= p.pos {
		return nil
	}
	if p.wants(d) {
		if err := p.applyRow(d); err != nil {
			return err
		}
	}
	p.pos, p.lastAt = d.rec.Position, d.rec.Meta.OccurredAt
	return nil
}

func (p *proj) applyRow(d *decoded) error {
	at := d.rec.Meta.OccurredAt
	var have int64
	switch p.name {
	case KPI:
		have = p.facts[d.id].State.Version
	case Agents:
		have = p.agents[d.id].Version
	default:
		have = p.tickets[d.id].Version
	}
	ok, err := next(have, d.rec.Version, d.rec)
	if !ok || err != nil {
		return err
	}
	switch p.name {
	case KPI:
		f := p.facts[d.id]
		p.facts[d.id] = kpiStep(f, d.event, at, d.ticketAfter(f.State))
	case Agents:
		p.agents[d.id] = ApplyAgent(p.agents[d.id], d.event)
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
	b := Batch{Projection: p.name, Position: p.pos, Timeline: p.timeline, Fresh: p.complete && p.committed == 0}
	for id := range p.dirty {
		switch p.name {
		case KPI:
			b.Facts = append(b.Facts, p.facts[id])
		case Agents:
			b.Agents = append(b.Agents, p.agents[id])
		default:
			b.Tickets = append(b.Tickets, p.tickets[id])
		}
	}
	return b
}

// committedBatch records a successful commit; without keep the cache is dropped.
func (p *proj) committedBatch(keep bool) {
	p.committed = p.pos
	p.dirty = map[uuid.UUID]struct{}{}
	p.timeline = nil
	if !keep {
		p.reset()
		p.complete = false
	}
}
